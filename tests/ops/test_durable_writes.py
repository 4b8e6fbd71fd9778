"""One durable write helper: files get the process umask's mode (a web server or an editor's
share can read them), the control channel's token file stays private, a failed write leaves
the old file whole, and the station's writers all go through it."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from broadcaster import durable
from broadcaster.air.control import ControlServer
from broadcaster.ops.lock import StationLock
from broadcaster.speech.audio import write_wav_atomic
from broadcaster.speech.cache import SpeechCache


@contextlib.contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*.tmp")]


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_the_helper_gives_files_the_umasks_mode(tmp_path: Path, mask: int, expected: int) -> None:
    with umask(mask):
        durable.write_text(tmp_path / "a" / "x.txt", "xin chào")
        durable.write_bytes(tmp_path / "y.bin", b"\0\1")
        durable.write_json(tmp_path / "z.json", {"k": "v"})
    assert (tmp_path / "a" / "x.txt").read_text(encoding="utf-8") == "xin chào"
    assert {mode(tmp_path / n) for n in ("a/x.txt", "y.bin", "z.json")} == {expected}
    assert leftovers(tmp_path) == []


def test_private_files_stay_private_whatever_the_umask(tmp_path: Path) -> None:
    with umask(0):
        durable.write_text(tmp_path / "secret", "token", mode=0o600)
    assert mode(tmp_path / "secret") == 0o600


def test_a_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    durable.write_text(target, "cũ")
    with pytest.raises(RuntimeError), durable.atomic_file(target) as fh:
        fh.write(b"half")
        raise RuntimeError("disk full")
    assert target.read_text(encoding="utf-8") == "cũ" and leftovers(tmp_path) == []


def test_the_control_file_stays_0600(tmp_path: Path) -> None:
    with umask(0o002):
        server = ControlServer(tmp_path, lambda request: {"ok": True})
        server.start()
    try:
        assert mode(server.path) == 0o600
        assert str(server.port) in server.path.read_text()
        assert leftovers(tmp_path) == []
    finally:
        server.stop()
    assert not server.path.exists()


def test_speech_wavs_cache_entries_and_the_pid_file_get_the_umasks_mode(tmp_path: Path) -> None:
    samples = np.sin(np.linspace(0, 200, 8000)).astype(np.float32) * 0.5
    with umask(0o022):
        write_wav_atomic(tmp_path / "speech" / "b" / "v1.wav", samples, 16000)
        cache = SpeechCache(tmp_path / "cache", 1 << 20)
        cache.put("ab" * 32, samples, 16000)
        lock = StationLock(tmp_path / "run")
        lock.acquire()
    try:
        wav = tmp_path / "speech" / "b" / "v1.wav"
        assert mode(wav) == 0o644  # mkstemp made these 0600 before the helper
        assert wav.read_bytes()[:4] == b"RIFF"
        entry = cache.path("ab" * 32)
        assert mode(entry) == 0o644 and cache.get("ab" * 32) is not None
        assert cache.size_bytes == entry.stat().st_size
        assert mode(lock.pid_file) == 0o644 and lock.holder() == os.getpid()
        assert leftovers(tmp_path) == []
    finally:
        lock.release()
