"""Archive of aired programs: a compact copy (FLAC, or WAV) per airing under
``archive_dir/YYYY-MM-DD/``, and pruning of days past the retention. Time is passed in."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from broadcaster.errors import ProgramError
from broadcaster.program.model import RenderedProgram

log = logging.getLogger(__name__)

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_BLOCK = 1 << 18


@dataclass(frozen=True)
class Archived:
    path: Path
    pruned: tuple[Path, ...] = ()


def _write(src_frames: Iterable[np.ndarray], rate: int, out: Path, fmt: str) -> None:
    tmp = out.with_name(f".{out.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    subtype = "PCM_16"
    try:
        with sf.SoundFile(str(tmp), "w", rate, 1, subtype, format=fmt.upper()) as f:
            for block in src_frames:
                f.write(block)
        os.replace(tmp, out)
    except (sf.LibsndfileError, RuntimeError, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise ProgramError(f"cannot write archive: {exc}", where=str(out)) from None


def archive_program(program: RenderedProgram | Path, archive_dir: Path, fmt: str,
                    retention_days: int, now: dt.datetime, name: str = "program") -> Archived:
    """Copy an aired program into the archive as ``YYYY-MM-DD/HHMMSS-<name>-<digest>.<fmt>``
    (16-bit mono; FLAC is about half the WAV size) and delete day folders older than
    ``retention_days`` before ``now``. ``program`` is a render result or a WAV path."""
    if fmt not in ("flac", "wav"):
        raise ProgramError(f"unknown archive format '{fmt}'", hint="flac or wav")
    day = archive_dir / now.strftime("%Y-%m-%d")
    day.mkdir(parents=True, exist_ok=True)
    if isinstance(program, RenderedProgram):
        src, digest = program.wav_path, program.digest[:12]
    else:
        src, digest = Path(program), Path(program).stem[:12]
    stem = _SAFE.sub("-", name).strip("-") or "program"
    out = day / f"{now.strftime('%H%M%S')}-{stem}-{digest}.{fmt}"
    if src is not None:
        copy_audio(src, out, fmt)  # reads the rate from the file, names it if unreadable
    else:
        assert isinstance(program, RenderedProgram)  # a render result held in memory
        pcm = program.samples
        _write((np.asarray(pcm[i : i + _BLOCK]) for i in range(0, len(pcm), _BLOCK)),
               program.sample_rate, out, fmt)
    return Archived(out, prune_archive(archive_dir, retention_days, now))


def copy_audio(src: Path, out: Path, fmt: str) -> None:
    """Write the WAV ``src`` to ``out`` as 16-bit mono ``fmt`` (flac or wav), atomically and
    streamed (a long program is never held whole)."""
    if fmt not in ("flac", "wav"):
        raise ProgramError(f"unknown archive format '{fmt}'", hint="flac or wav")
    try:
        info = sf.info(str(src))
    except (sf.LibsndfileError, RuntimeError, OSError) as exc:
        raise ProgramError(f"cannot read program: {exc}", where=str(src)) from None
    if fmt == "wav" and info.subtype == "PCM_16" and info.channels == 1:
        tmp = out.with_name(f".{out.name}.{os.getpid()}-{threading.get_ident()}.tmp")
        try:
            shutil.copyfile(src, tmp)
            os.replace(tmp, out)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise ProgramError(f"cannot write archive: {exc}", where=str(out)) from None
        return
    with sf.SoundFile(str(src)) as f:
        if f.channels != 1:
            blocks = (b.mean(axis=1) for b in f.blocks(_BLOCK, dtype="float32", always_2d=True))
        else:
            blocks = f.blocks(_BLOCK, dtype="float32")
        _write(blocks, info.samplerate, out, fmt)


def prune_archive(archive_dir: Path, retention_days: int, now: dt.datetime) -> tuple[Path, ...]:
    """Delete day folders whose date is more than ``retention_days`` before ``now``'s date."""
    cutoff = now.date() - dt.timedelta(days=retention_days)
    pruned = []
    if not archive_dir.is_dir():
        return ()
    for d in sorted(archive_dir.iterdir()):
        if not (d.is_dir() and _DAY.match(d.name)):
            continue
        try:
            day = dt.date.fromisoformat(d.name)
        except ValueError:
            continue
        if day < cutoff:
            shutil.rmtree(d)
            pruned.append(d)
            log.info("archive: pruned %s (older than %d days)", d, retention_days)
    return tuple(pruned)
