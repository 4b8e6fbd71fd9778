#!/usr/bin/env bash
# Set everything up, then run the default station in demo mode (Ctrl-C stops it cleanly).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh runtime
exec .venv/bin/broadcaster demo "$@"
