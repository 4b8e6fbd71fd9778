#!/usr/bin/env bash
# Set everything up, then run every benchmark in benchmarks/ and print their figures.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh bench
status=0
for b in benchmarks/bench_*.py; do
  echo "=== $b"
  .venv/bin/python "$b" || status=1
done
exit $status
