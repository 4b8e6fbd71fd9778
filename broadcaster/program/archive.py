"""Archive of aired programs: a compact copy (FLAC, or WAV) per airing under
``archive_dir/YYYY-MM-DD/``, and pruning of days past the retention. Time is passed in."""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from broadcaster.durable import atomic_file, copy_file
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


@dataclass(frozen=True)
class Cut:
    """What of a program went out: its first ``frames`` (at the file's rate), the last
    ``fade_frames`` of them faded out linearly (a hard stop), as the listeners heard it."""

    frames: int
    fade_frames: int = 0

    @classmethod
    def seconds(cls, played_s: float, fade_s: float, rate: int) -> Cut:
        return cls(max(0, int(round(played_s * rate))), max(0, int(round(fade_s * rate))))


def _cut_blocks(blocks: Iterator[np.ndarray], cut: Cut | None) -> Iterator[np.ndarray]:
    """The blocks up to ``cut.frames``, the fade applied to the last ``cut.fade_frames``."""
    if cut is None:
        yield from blocks
        return
    fade = min(cut.fade_frames, cut.frames)
    fade_from = cut.frames - fade
    pos = 0
    for block in blocks:
        if pos >= cut.frames:
            return
        block = np.array(block[: cut.frames - pos], dtype=np.float32)
        if fade and pos + len(block) > fade_from:
            idx = np.arange(pos, pos + len(block), dtype=np.float64)
            gain = np.clip((cut.frames - idx) / fade, 0.0, 1.0)
            block = (block * gain).astype(np.float32)
        pos += len(block)
        yield block


def _write(src_frames: Iterable[np.ndarray], rate: int, out: Path, fmt: str) -> None:
    try:
        with atomic_file(out) as fh, sf.SoundFile(fh, "w", rate, 1, "PCM_16",
                                                  format=fmt.upper()) as f:
            for block in src_frames:
                f.write(block)
    except (sf.LibsndfileError, RuntimeError, OSError) as exc:
        raise ProgramError(f"cannot write archive: {exc}", where=str(out)) from None


def _check_format(fmt: str) -> None:
    if fmt not in ("flac", "wav"):
        raise ProgramError(f"unknown archive format '{fmt}'", hint="flac or wav")


def archive_path(archive_dir: Path, fmt: str, when: dt.datetime, name: str, digest: str) -> Path:
    """``archive_dir/YYYY-MM-DD/HHMMSS-<name>-<digest>.<fmt>``: where an airing's copy goes."""
    stem = _SAFE.sub("-", name).strip("-") or "program"
    return archive_dir / when.strftime("%Y-%m-%d") / f"{when:%H%M%S}-{stem}-{digest[:12]}.{fmt}"


def archive_program(program: RenderedProgram | Path, archive_dir: Path, fmt: str,
                    retention_days: int, now: dt.datetime, name: str = "program",
                    cut: Cut | None = None) -> Archived:
    """Copy an aired program into the archive as ``YYYY-MM-DD/HHMMSS-<name>-<digest>.<fmt>``
    (16-bit mono; FLAC is about half the WAV size) and delete day folders older than
    ``retention_days`` before ``now``. ``program`` is a render result or a WAV path; ``cut``
    keeps only what went out (an airing that ended early)."""
    _check_format(fmt)
    digest = program.digest if isinstance(program, RenderedProgram) else Path(program).stem
    out = archive_path(archive_dir, fmt, now, name, digest)
    if isinstance(program, RenderedProgram) and program.wav_path is None:
        pcm = program.samples  # a render result held in memory
        blocks = (np.asarray(pcm[i : i + _BLOCK]) for i in range(0, len(pcm), _BLOCK))
        _write(_cut_blocks(blocks, cut), program.sample_rate, out, fmt)
    else:
        src = program.wav_path if isinstance(program, RenderedProgram) else Path(program)
        assert src is not None
        copy_audio(src, out, fmt, cut=cut)  # reads the rate from the file, names it if unreadable
    return Archived(out, prune_archive(archive_dir, retention_days, now))


def copy_audio(src: Path, out: Path, fmt: str, *, cut: Cut | None = None) -> None:
    """Write the WAV ``src`` to ``out`` as 16-bit mono ``fmt`` (flac or wav), atomically and
    streamed (a long program is never held whole); ``cut`` keeps only its first frames."""
    _check_format(fmt)
    try:
        info = sf.info(str(src))
    except (sf.LibsndfileError, RuntimeError, OSError) as exc:
        raise ProgramError(f"cannot read program: {exc}", where=str(src)) from None
    if cut is None and fmt == "wav" and info.subtype == "PCM_16" and info.channels == 1:
        try:
            copy_file(src, out)
        except OSError as exc:
            raise ProgramError(f"cannot write archive: {exc}", where=str(out)) from None
        return
    with sf.SoundFile(str(src)) as f:
        blocks: Iterator[np.ndarray]
        if f.channels != 1:
            blocks = (b.mean(axis=1) for b in f.blocks(_BLOCK, dtype="float32", always_2d=True))
        else:
            blocks = f.blocks(_BLOCK, dtype="float32")
        _write(_cut_blocks(blocks, cut), info.samplerate, out, fmt)


def frames_of(path: Path) -> tuple[int, int]:
    """(frames, sample rate) of an audio file; ProgramError naming it if unreadable."""
    try:
        info = sf.info(str(path))
    except (sf.LibsndfileError, RuntimeError, OSError) as exc:
        raise ProgramError(f"cannot read program: {exc}", where=str(path)) from None
    return int(info.frames), int(info.samplerate)


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
