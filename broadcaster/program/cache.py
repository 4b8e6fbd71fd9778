"""The render cache: ``<key>.wav`` + ``<key>.json`` in a folder, keyed by a hash of everything
that changes the sound (file contents, speech samples, items, settings, the render version);
an entry is trusted only when its WAV holds the frames its rundown promises."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

import soundfile as sf

from broadcaster import durable
from broadcaster.config import ProgramSettings
from broadcaster.program.model import Bed, Item, Program, RenderedProgram, RundownEntry
from broadcaster.program.sources import Source

# settings that never reach a rendered program: changing them keeps the cache
_NOT_IN_PROGRAMS = {"emergency_gain_lu"}


def cache_key(program: Program, settings: ProgramSettings, sr: int, srcs: Sequence[Source],
              bed_srcs: Sequence[Source], version: str) -> str:
    """The digest a render of ``program`` is stored under."""
    def desc(x: Item | Bed) -> dict:
        d = dataclasses.asdict(x)
        if not d.get("zones"):
            d.pop("zones", None)  # no zones: the key of every program rendered before them
        d["type"] = type(x).__name__
        return d

    payload = {
        "v": version,
        "sr": sr,
        "settings": settings.model_dump(mode="json", exclude=_NOT_IN_PROGRAMS),
        "items": [desc(s.item) | {"_d": s.digest, "_f": s.flags} for s in srcs],
        "beds": [desc(s.item) | {"_d": s.digest, "_f": s.flags} for s in bed_srcs],
        "max_ms": program.max_ms,
        "overlong": program.overlong,
    }
    blob = json.dumps(payload, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:24]


def temp_wav(cache_dir: Path, key: str) -> Path:
    """Where a render of ``key`` is written before it is final (``prune_cache`` clears it if
    a crash leaves it behind)."""
    return durable.temp_path(cache_dir / f"{key}.wav")


def load_cached(cache_dir: Path, key: str) -> RenderedProgram | None:
    """The stored render of ``key``, or None when absent or not whole."""
    wav, js = cache_dir / f"{key}.wav", cache_dir / f"{key}.json"
    if not (wav.is_file() and js.is_file()):
        return None
    try:
        data = json.loads(js.read_text(encoding="utf-8"))
        info = sf.info(str(wav))
    except (OSError, ValueError, sf.LibsndfileError, RuntimeError):
        return None
    if data.get("digest") != key or info.frames != data.get("frames"):
        return None
    return RenderedProgram(
        None, int(data["sample_rate"]), tuple(RundownEntry.from_json(e) for e in data["rundown"]),
        key, tuple(data.get("warnings", ())), data.get("loudness_lufs"),
        data.get("true_peak_dbtp"), int(data["frames"]), wav, js, tuple(data.get("dropped", ())),
        cached=True,
    )


def store(result: RenderedProgram, wav_tmp: Path, cache_dir: Path) -> RenderedProgram:
    """Move the finished WAV into place durably, then write its rundown: a reader that finds
    the rundown finds the WAV it describes."""
    wav = cache_dir / f"{result.digest}.wav"
    js = cache_dir / f"{result.digest}.json"
    _fsync(wav_tmp)  # on disk before anyone may rename it into place
    os.replace(wav_tmp, wav)
    durable.fsync_dir(cache_dir)
    result = dataclasses.replace(result, wav_path=wav, rundown_path=js)
    durable.write_text(js, json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    return result


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def prune_cache(cache_dir: Path, now: float, max_age_s: float) -> list[Path]:
    """Delete rendered programs (``.wav`` + ``.json``) and abandoned temp files last written
    more than ``max_age_s`` before ``now`` (a POSIX timestamp, passed in). Returns what went."""
    gone: list[Path] = []
    if not cache_dir.is_dir():
        return gone
    for p in cache_dir.iterdir():
        if not (p.suffix in (".wav", ".json", ".tmp") and p.is_file()):
            continue
        try:
            if now - p.stat().st_mtime > max_age_s:
                p.unlink()
                gone.append(p)
        except FileNotFoundError:
            continue
    return gone
