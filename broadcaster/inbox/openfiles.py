"""Whether some process still holds a file open for writing, where the OS can tell.

Linux: every ``/proc/<pid>/fd/<n>`` that is the same file (device and inode) and whose
``fdinfo`` flags carry O_WRONLY or O_RDWR. Processes we may not look into are skipped. Elsewhere
the answer is "cannot tell" (False): on Windows the claim by rename already fails while an
editor has the file open, and the ingester tries again at the next scan.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_PROC = Path("/proc")
_WRITE_MODES = os.O_WRONLY | os.O_RDWR


def _fd_writes(pid_dir: str, fd: str) -> bool:
    try:
        with open(f"{pid_dir}/fdinfo/{fd}", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("flags:"):
                    return bool(int(line.split()[1], 8) & _WRITE_MODES)
    except (OSError, ValueError):
        return False
    return False


def writing_to(paths: list[Path]) -> set[Path]:
    """Those of ``paths`` that a process (this one included) has open for writing; one pass
    over ``/proc`` for all of them (Linux only; elsewhere none)."""
    if not sys.platform.startswith("linux") or not _PROC.is_dir():
        return set()
    targets: dict[tuple[int, int], Path] = {}
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            continue
        targets[(st.st_dev, st.st_ino)] = path
    if not targets:
        return set()
    try:
        pids = [e.name for e in os.scandir(_PROC) if e.name.isdigit()]
    except OSError:
        return set()
    held: set[Path] = set()
    for pid in pids:
        pid_dir = f"/proc/{pid}"
        try:
            fds = os.listdir(f"{pid_dir}/fd")
        except OSError:  # gone, or not ours to look into
            continue
        for fd in fds:
            try:
                fst = os.stat(f"{pid_dir}/fd/{fd}")
            except OSError:
                continue
            hit = targets.get((fst.st_dev, fst.st_ino))
            if hit is not None and hit not in held and _fd_writes(pid_dir, fd):
                held.add(hit)
    return held


def held_for_writing(path: Path) -> bool:
    """True if a process (this one included) has ``path`` open for writing (Linux only)."""
    return path in writing_to([path])


__all__ = ["held_for_writing", "writing_to"]
