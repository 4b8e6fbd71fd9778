#!/usr/bin/env bash
# Set everything up, run the static checks (ruff with the complexity limit, mypy; seconds), then
# the whole test suite. The tests start their own PulseAudio sound server (a null sink) where
# they need one. A failed check does not stop the rest, so one run shows every problem; the exit
# status is non-zero if any step failed.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test || exit $?

failed=()
printf '\033[1m==> %s\033[0m\n' "ruff check"
.venv/bin/ruff check broadcaster tests benchmarks scripts || failed+=(ruff)
printf '\033[1m==> %s\033[0m\n' "mypy broadcaster"
.venv/bin/mypy broadcaster || failed+=(mypy)
printf '\033[1m==> %s\033[0m\n' "pytest"
.venv/bin/python -m pytest "$@" || failed+=(pytest)

if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
