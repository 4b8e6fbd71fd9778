#!/usr/bin/env bash
# Set everything up, then run the whole test suite. The tests start their own PulseAudio
# sound server (a null sink) where they need one.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
exec .venv/bin/python -m pytest "$@"
