"""One durable write for the whole station: a temp file in the same folder, fsync it, rename it
over the target, fsync the folder. A reader sees the old file or the new one, never half of one,
also after a power cut.

Files are created with the process umask's mode (``os.open(..., 0o666)``), not 0600 as
``tempfile.mkstemp`` makes them, so a web server or an editor's share can read what the station
writes. Files that must stay private (the control channel's token) pass ``mode=0o600``.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


def fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (POSIX; a no-op where folders cannot be opened)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def temp_path(path: Path) -> Path:
    """A hidden temp name beside ``path`` (same folder, so the rename is atomic)."""
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


@contextlib.contextmanager
def atomic_file(path: Path, *, mode: int = 0o666, sync: bool = True) -> Iterator[IO[bytes]]:
    """Write ``path`` through a binary file object; it appears whole on success, not at all on
    error. ``mode`` is filtered by the umask like any new file's."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
        if mode != 0o666:
            os.chmod(tmp, mode)  # private files stay private whatever the umask
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if sync:
        fsync_dir(path.parent)


def write_bytes(path: Path, data: bytes, *, mode: int = 0o666, sync: bool = True) -> None:
    """``path`` holds exactly ``data`` afterwards (durably, unless ``sync`` is False)."""
    with atomic_file(path, mode=mode, sync=sync) as fh:
        fh.write(data)


def write_text(path: Path, text: str, *, encoding: str = "utf-8", newline: str | None = None,
               mode: int = 0o666, sync: bool = True) -> None:
    """``text`` into ``path``; ``newline="\\r\\n"`` for files editors open in Notepad."""
    if newline is not None:
        text = text.replace("\r\n", "\n").replace("\n", newline)
    write_bytes(path, text.encode(encoding), mode=mode, sync=sync)


def write_json(path: Path, data: Any, *, mode: int = 0o666, sync: bool = True) -> None:
    """``data`` as UTF-8 JSON (Vietnamese kept readable)."""
    write_text(path, json.dumps(data, ensure_ascii=False, indent=1, default=str), mode=mode,
               sync=sync)


def copy_file(src: Path, dst: Path, *, sync: bool = True) -> None:
    """Copy ``src`` to ``dst`` (contents and times): ``dst`` is whole or absent."""
    with Path(src).open("rb") as fi, atomic_file(dst, sync=sync) as fo:
        shutil.copyfileobj(fi, fo, 1 << 20)
    with contextlib.suppress(OSError):
        shutil.copystat(src, dst)


__all__ = ["atomic_file", "copy_file", "fsync_dir", "temp_path", "write_bytes", "write_json",
           "write_text"]
