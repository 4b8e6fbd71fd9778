"""Archive: aired programs stored as FLAC (compact), day folders pruned past retention."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import soundfile as sf

from broadcaster.program.archive import archive_program
from broadcaster.program.model import Jingle, Program


def test_archive_writes_flac_and_prunes_old_days(render, tmp_path: Path) -> None:
    rendered = render(Program((Jingle(path="audio/chime-open.flac"),)), cache_dir=tmp_path / "c")
    arch = tmp_path / "archive"
    old = arch / "2026-01-01"
    old.mkdir(parents=True)
    (old / "x.flac").write_bytes(b"old")
    keep = arch / "2026-10-30"
    keep.mkdir()
    now = dt.datetime(2026, 11, 26, 6, 30, 5)
    res = archive_program(rendered, arch, "flac", 30, now, name="sáng 06:30")
    assert res.path.parent == arch / "2026-11-26" and res.path.suffix == ".flac"
    assert res.path.name.startswith("063005-") and rendered.digest[:12] in res.path.name
    assert res.pruned == (old,) and not old.exists() and keep.exists()
    data, rate = sf.read(str(res.path), dtype="float32")
    assert rate == rendered.sample_rate
    assert np.max(np.abs(data - rendered.samples)) < 1e-4  # lossless
    assert res.path.stat().st_size < rendered.wav_path.stat().st_size * 0.8
    assert not [p for p in res.path.parent.iterdir() if p.name.startswith(".")]  # no temp left


def test_archive_from_a_wav_path_and_in_memory_program(render, tmp_path: Path) -> None:
    inmem = render(Program((Jingle(path="audio/chime-between.flac"),)))
    now = dt.datetime(2026, 11, 26, 18, 0, 0)
    a = archive_program(inmem, tmp_path, "wav", 365, now)
    data, _ = sf.read(str(a.path), dtype="float32")
    assert len(data) == len(inmem.samples)
    b = archive_program(a.path, tmp_path / "other", "flac", 365, now, name="evening")
    assert sf.info(str(b.path)).format == "FLAC"
