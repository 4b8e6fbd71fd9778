"""Where each item's audio comes from: locate a file (header only) or ask the caller for speech,
its length at the station rate, and the content hashes the render cache is keyed by."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from broadcaster.errors import BroadcasterError, ProgramError
from broadcaster.messages import t
from broadcaster.models import Clip
from broadcaster.program.audio import (
    AudioCorrupt,
    AudioInfo,
    AudioMissing,
    probe,
    resampled_length,
)
from broadcaster.program.model import Bed, BulletinItem, Item, Music, Say, Silence, _FileItem

SpeechFn = Callable[[str], Clip | None]
PathFn = Callable[[str], Path]


@dataclass(frozen=True)
class Inputs:
    """The caller's ways to find audio: files by their program path, speech by bulletin id or
    by text (see ``render_program``)."""

    resolve_path: PathFn
    speech_for: SpeechFn
    say: SpeechFn


@dataclass
class Source:
    """An item with its audio located (not yet decoded) and its length at the station rate."""

    item: Item | Bed
    n: int = 0
    path: Path | None = None
    info: AudioInfo | None = None
    fetch: Callable[[], Clip | None] | None = None  # speech: asks the caller again at render
    digest: str = ""
    fingerprint: str = ""  # speech: to notice it changed between planning and processing
    flags: tuple[str, ...] = ()
    detail: str = ""
    source: str = ""


def hash_file(path: Path) -> str:
    h = hashlib.sha256()  # hardware-accelerated: twice blake2b's speed here
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:32]


def hash_clip(clip: Clip) -> str:
    h = hashlib.sha256()
    h.update(str(clip.sample_rate).encode())
    h.update(np.ascontiguousarray(clip.samples, dtype=np.float32).data.cast("B"))
    return h.hexdigest()


def fingerprint(clip: Clip) -> str:
    """A cheap check that the speech handed over again is the speech that was hashed: length,
    rate and every 61st sample (new synthesis changes nearly all of them)."""
    h = hashlib.sha256(f"{clip.sample_rate}:{len(clip.samples)}".encode())
    h.update(np.ascontiguousarray(clip.samples[::61], dtype=np.float32).data.cast("B"))
    return h.hexdigest()


def resolve(item: Item | Bed, sr: int, inputs: Inputs) -> Source:
    """Locate ``item``'s audio; a missing or corrupt one comes back flagged, not raised."""
    if isinstance(item, Silence):
        return Source(item, n=int(round(item.ms * sr / 1000)))
    if isinstance(item, (_FileItem, Bed)):
        return _resolve_file(item, sr, inputs.resolve_path)
    if isinstance(item, (Say, BulletinItem)):
        return _resolve_speech(item, sr, inputs)
    raise ProgramError(f"unknown program item {type(item).__name__}")


def _resolve_file(item: _FileItem | Bed, sr: int, resolve_path: PathFn) -> Source:
    src = Source(item)
    src.source = item.path
    path = resolve_path(item.path)
    src.path = path
    try:
        src.info = probe(path)
    except AudioMissing as exc:
        src.flags, src.detail = ("missing",), str(exc)
        return src
    except AudioCorrupt as exc:
        src.flags, src.detail = ("corrupt",), str(exc)
        return src
    src.digest = hash_file(path)
    src.n = resampled_length(src.info.frames, src.info.sample_rate, sr)
    if isinstance(item, Music) and item.max_ms is not None:
        src.n = min(src.n, int(round(item.max_ms * sr / 1000)))
    return src


def _resolve_speech(item: Say | BulletinItem, sr: int, inputs: Inputs) -> Source:
    src = Source(item)
    key = item.text if isinstance(item, Say) else item.bulletin_id
    src.source = key if isinstance(item, BulletinItem) else ""
    fn = inputs.say if isinstance(item, Say) else inputs.speech_for
    try:
        clip = fn(key)
    except BroadcasterError as exc:
        clip, src.detail = None, str(exc)
    if clip is None or len(clip.samples) == 0:
        src.flags = ("missing",)
        src.detail = src.detail or t("program.no_speech", item=item.name)
        return src
    src.digest = hash_clip(clip)
    src.fingerprint = fingerprint(clip)
    src.n = resampled_length(len(clip.samples), clip.sample_rate, sr)
    # not held: an hour of speech would be hundreds of MB; the worker asks again when it
    # processes this item (the speech stage's finished files make that cheap)
    src.fetch = lambda: fn(key)
    return src
