#!/usr/bin/env python3
"""Generate the station's own chimes into audio/ (deterministic; see broadcaster.program.jingles)."""

from __future__ import annotations

import argparse
from pathlib import Path

import soundfile as sf

from broadcaster.program.jingles import write_chimes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", nargs="?", default=Path(__file__).resolve().parent.parent / "audio")
    for path in write_chimes(Path(parser.parse_args().out)):
        print(f"{path}: {sf.info(str(path)).duration:.2f} s")


if __name__ == "__main__":
    main()
