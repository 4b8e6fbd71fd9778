#!/usr/bin/env bash
# One-step set-up on Debian/Ubuntu: system packages, a virtual environment, the package.
# Usage: scripts/setup.sh [runtime|test|bench]   (idempotent: a second run is quick)
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-runtime}"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# --- system packages ---------------------------------------------------------------------
# espeak-ng: offline Vietnamese speech. libportaudio2: sound card. libsndfile1: audio files.
# pulseaudio + utils + ALSA plugin: the sound server (tests play to a null sink through it).
# fonts-dejavu-core: a Unicode font with every Vietnamese letter (tests make PDF bulletins with it).
pkgs=(espeak-ng libportaudio2 libsndfile1 pulseaudio pulseaudio-utils libasound2-plugins
      fonts-dejavu-core python3 python3-venv python3-pip ca-certificates)
# chromium: the web desk's browser tests (Playwright drives Debian's build; no download).
# icecast2: the streaming server the tests and benchmarks start on loopback (Icecast outputs, relays).
if [ "$profile" = test ] || [ "$profile" = bench ]; then pkgs+=(chromium icecast2); fi
if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    say "Installing system packages: ${missing[*]}"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
    # apt's own progress (download, unpack, set up) shows what the minute is spent on
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  fi
else
  echo "Not a Debian/Ubuntu system: install espeak-ng, PortAudio, libsndfile and PulseAudio yourself." >&2
fi

# --- Python >= 3.11 ----------------------------------------------------------------------
PY=""
for cand in python3 python3.13 python3.12 python3.11; do
  if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    PY="$cand"; break
  fi
done
if [ -z "$PY" ]; then
  say "Python 3.11+ not found; installing python3.11"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3.11 python3.11-venv
  PY=python3.11
fi

# --- virtual environment and the package -------------------------------------------------
if [ ! -x .venv/bin/python ]; then
  say "Creating virtual environment .venv ($($PY --version))"
  "$PY" -m venv .venv
fi
extras=""
case "$profile" in
  test) extras="[test]" ;;
  bench) extras="[test,bench]" ;;
esac
stamp=".venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)-${profile}"
if [ ! -f "$stamp" ]; then
  say "Installing broadcaster${extras} and its Python packages into .venv (a minute or two; log: .venv/install.log)"
  # one short line per package as pip takes it, the full output in the log
  progress() { { grep --line-buffered -E '^(Collecting|Installing collected|Successfully installed)' || true; } |
               sed -u -E 's/^Collecting ([^ <>=!~;(]+).*/    \1/; s/^Successfully installed.*/    done/; s/^Installing collected.*/    installing .../'; }
  if ! { .venv/bin/python -m pip install --progress-bar off --upgrade pip &&
         .venv/bin/python -m pip install --progress-bar off -e ".${extras}"; } 2>&1 | tee .venv/install.log | progress; then
    cat .venv/install.log >&2
    echo "Installing the Python packages failed (above). Check the network access to PyPI." >&2
    exit 1
  fi
  touch "$stamp"
fi
