"""The program model: ordered items (jingle, music, recording, text to say, bulletin, silence),
optional music beds, and what a render returns (rundown entries, RenderedProgram).

Pure data: nothing here reads files or calls TTS. Times are in milliseconds.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from broadcaster.models import Priority

SPEECH_KINDS = frozenset({"say", "bulletin", "recording"})


@dataclass(frozen=True, kw_only=True)
class Item:
    """Fields every item has. ``overlap_ms`` > 0 starts the item that long before the previous
    one ends (with fades: a crossfade); otherwise ``gap_ms`` of silence precedes it (None = the
    station's ``program.gap_ms``). ``belongs_to`` ties a separator to a bulletin id: when that
    bulletin is dropped by the duration policy, the item goes with it."""

    label: str = ""
    gain_db: float = 0.0
    fade_in_ms: int = 0
    fade_out_ms: int = 0
    overlap_ms: int = 0
    gap_ms: int | None = None
    belongs_to: str | None = None
    # The zones this item reaches (issue 15: a bulletins selection or a relay for some zones
    # of the slot); the rundown carries them beside the audio, and the routing reads them there.
    zones: tuple[str, ...] = ()

    kind = "item"

    @property
    def is_speech(self) -> bool:
        return self.kind in SPEECH_KINDS

    @property
    def name(self) -> str:
        return self.label or self.kind


@dataclass(frozen=True, kw_only=True)
class _FileItem(Item):
    path: str

    @property
    def name(self) -> str:
        return self.label or Path(self.path).name


@dataclass(frozen=True, kw_only=True)
class Jingle(_FileItem):
    """A station chime or identification from an audio file."""

    kind = "jingle"


@dataclass(frozen=True, kw_only=True)
class Music(_FileItem):
    """A music track; ``max_ms`` cuts it (with its fade-out) and the trim_music policy sets it."""

    max_ms: int | None = None
    kind = "music"


@dataclass(frozen=True, kw_only=True)
class Recording(_FileItem):
    """Recorded speech from a file (an interview, a message); processed and ducked as speech."""

    kind = "recording"


@dataclass(frozen=True, kw_only=True)
class Say(Item):
    """Inline text, spoken through the caller's ``say(text)`` callable."""

    text: str
    kind = "say"

    @property
    def name(self) -> str:
        return self.label or self.text[:40]


@dataclass(frozen=True, kw_only=True)
class BulletinItem(Item):
    """A bulletin's speech through the caller's ``speech_for(bulletin_id)`` callable."""

    bulletin_id: str
    priority: Priority = Priority.NORMAL
    kind = "bulletin"

    @property
    def name(self) -> str:
        return self.label or self.bulletin_id


@dataclass(frozen=True, kw_only=True)
class Silence(Item):
    """Silence; no station gap is added before or after it."""

    ms: int
    kind = "silence"


@dataclass(frozen=True, kw_only=True)
class Bed:
    """Music looped under items ``first``..``last`` (indexes, inclusive; None = to the end),
    ducked by ``duck_db`` (None = station setting) under every speech item."""

    path: str
    first: int = 0
    last: int | None = None
    label: str = ""
    gain_db: float | None = None
    duck_db: float | None = None
    fade_in_ms: int = 1000
    fade_out_ms: int = 2000

    @property
    def name(self) -> str:
        return self.label or Path(self.path).name


@dataclass(frozen=True)
class Program:
    """An ordered program. ``max_ms`` (from the station policy) enables the duration policy
    ``overlong`` (drop_bulletins | trim_music) when the program is rendered."""

    items: tuple[Item, ...]
    beds: tuple[Bed, ...] = ()
    label: str = ""
    max_ms: int | None = None
    overlong: str = "drop_bulletins"


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RundownEntry:
    """One line of the rundown: where an item sits in the rendered program and how it measures."""

    kind: str  # jingle | music | recording | say | bulletin | silence | bed
    label: str
    offset_ms: int
    duration_ms: int
    loudness_lufs: float | None = None
    true_peak_dbtp: float | None = None
    flags: tuple[str, ...] = ()  # missing | corrupt | truncated | trimmed | silent
    source: str = ""  # file path or bulletin id
    detail: str = ""  # why it is flagged
    zones: tuple[str, ...] = ()  # the item's zones (empty: the slot's)

    def to_json(self) -> dict:
        d = asdict(self)
        d["flags"] = list(self.flags)
        d["zones"] = list(self.zones)
        return d

    @classmethod
    def from_json(cls, d: dict) -> RundownEntry:
        return cls(**{**d, "flags": tuple(d.get("flags", ())), "zones": tuple(d.get("zones", ()))})


@dataclass(frozen=True, eq=False)
class RenderedProgram:
    """A finished program at ``sample_rate``. ``samples`` (mono float32) is loaded from
    ``wav_path`` on first use when the render went to a cache folder."""

    pcm: np.ndarray | None
    sample_rate: int
    rundown: tuple[RundownEntry, ...]
    digest: str
    warnings: tuple[str, ...] = field(default_factory=tuple)
    loudness_lufs: float | None = None
    true_peak_dbtp: float | None = None
    frames: int | None = None
    wav_path: Path | None = None
    rundown_path: Path | None = None
    dropped: tuple[str, ...] = ()  # bulletin ids the duration policy left for the next slot
    cached: bool = False

    @cached_property
    def samples(self) -> np.ndarray:
        if self.pcm is not None:
            return self.pcm
        if self.wav_path is None:
            return np.zeros(0, np.float32)
        import soundfile as sf

        data, _ = sf.read(str(self.wav_path), dtype="float32", always_2d=False)
        return data

    @property
    def duration_ms(self) -> int:
        n = self.frames if self.frames is not None else len(self.samples)
        return int(round(n * 1000 / self.sample_rate))

    def to_json(self) -> dict:
        return {
            "digest": self.digest,
            "sample_rate": self.sample_rate,
            "frames": self.frames if self.frames is not None else len(self.samples),
            "duration_ms": self.duration_ms,
            "loudness_lufs": self.loudness_lufs,
            "true_peak_dbtp": self.true_peak_dbtp,
            "dropped": list(self.dropped),
            "warnings": list(self.warnings),
            "rundown": [e.to_json() for e in self.rundown],
        }

    def rundown_json(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2)
