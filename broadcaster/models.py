"""Frozen domain objects shared by every stage: Bulletin, Script, Clip, Slot, Airing.

Units are in the names: ``*_ms`` milliseconds, ``sample_rate`` in Hz, loudness in LUFS.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only Clip's annotation: the CLI imports models without numpy
    import numpy as np

DEMO_PREFIX = "demo-"  # slots made by ``broadcaster demo``: marked, and left out of reports


class Priority(enum.StrEnum):
    """National model for commune radio: normal, priority (first in next slot), emergency (now)."""

    NORMAL = "normal"
    PRIORITY = "priority"
    EMERGENCY = "emergency"


@dataclass(frozen=True)
class BulletinMeta:
    """What the optional YAML front matter of a bulletin file says."""

    title: str | None = None
    tags: tuple[str, ...] = ()
    priority: Priority = Priority.NORMAL
    air_from: dt.datetime | None = None
    air_until: dt.datetime | None = None
    slots: tuple[str, ...] = ()
    repeat: int = 1
    voice: str | None = None
    engine: str | None = None


@dataclass(frozen=True)
class Bulletin:
    """A decoded editor file: Unicode NFC body text plus its metadata."""

    id: str
    source: Path
    body: str
    meta: BulletinMeta = field(default_factory=BulletinMeta)
    content_hash: str = ""
    version: int = 1
    audio: Path | None = None  # a recorded bulletin: its kept recording (body and script empty)

    @property
    def title(self) -> str:
        return self.meta.title or self.source.stem


class Pause(enum.StrEnum):
    """The boundary after a segment; the speech stage turns it into silence."""

    SEGMENT = "segment"  # a clause cut inside a long sentence
    SENTENCE = "sentence"
    PARAGRAPH = "paragraph"
    HEADING = "heading"


@dataclass(frozen=True)
class Segment:
    """One piece of spoken text (no digits, NFC) and the pause that follows it."""

    text: str
    pause: Pause = Pause.SENTENCE


@dataclass(frozen=True)
class Script:
    """The speakable script of a bulletin, as ordered segments."""

    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments)

    def lines(self) -> list[str]:
        """One sentence per line: segments joined until a sentence-or-larger pause."""
        out: list[str] = []
        cur: list[str] = []
        for seg in self.segments:
            cur.append(seg.text)
            if seg.pause is not Pause.SEGMENT:
                out.append(" ".join(cur))
                cur = []
        if cur:
            out.append(" ".join(cur))
        return out


@dataclass(frozen=True)
class Voice:
    """Which engine and voice speaks, and how."""

    engine: str
    name: str
    rate: float = 1.0  # 1.0 = engine's normal pace; 0.9 = 10 % slower
    pitch: int = 50  # espeak-style 0..99; ignored by engines that cannot change it


@dataclass(frozen=True, eq=False)
class Clip:
    """Mono float32 PCM in [-1, 1] at ``sample_rate``."""

    samples: np.ndarray
    sample_rate: int
    engine: str = ""
    voice: str = ""
    note: str = ""  # e.g. "fallback from gtts: timeout"

    @property
    def duration_ms(self) -> int:
        return int(round(len(self.samples) * 1000 / self.sample_rate))


class BulletinState(enum.StrEnum):
    """A bulletin's life in the store: received -> awaiting_approval -> approved -> (aired N
    times) -> expired | withdrawn; rejected by the approver."""

    RECEIVED = "received"
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class IntakeState(enum.StrEnum):
    """Where one dropped file is in the intake journal (nothing is ever lost between them)."""

    CLAIMED = "claimed"
    COMMITTED = "committed"
    INGESTED = "ingested"
    UNCHANGED = "unchanged"
    REJECTING = "rejecting"
    REJECTED = "rejected"
    LOST = "lost"


class Outcome(enum.StrEnum):
    """What became of a scheduled airing (as-run log)."""

    ON_AIR = "on_air"  # started, not finished yet (a crash leaves it; settled at the restart)
    AIRED = "aired"
    LATE = "late"
    MISSED = "missed"
    INTERRUPTED = "interrupted"
    FAILED = "failed"
    EMERGENCY = "emergency"


class Ending(enum.StrEnum):
    """How an airing ended (as-run log ``ending``), so an operator's skip is told apart from a
    lost device: the reason column says it in words, this in a value a check can test."""

    COMPLETED = "completed"
    SKIPPED = "skipped"  # the operator's skip
    EMERGENCY = "emergency"  # faded out for an emergency message
    STOPPED = "stopped"  # the station was stopped (or a stop request without a named cause)
    KILLED = "killed"  # the station died on air (SIGKILL, power cut); settled at the restart
    DEVICE_LOST = "device_lost"  # the output failed, stalled or vanished
    PREEMPTED = "preempted"  # cancelled before its first sample: nothing aired
    NOT_STARTED = "not_started"  # missed, or no program to air


# --- watchdog (issue 15.4) ---------------------------------------------------------------------
class WatchCheck(enum.StrEnum):
    """What the watchdog checks on each ear (the output monitor, an Icecast mount)."""

    LISTENING = "listening"  # the ear hears anything at all (monitor child alive, mount up)
    DEAD_AIR = "dead_air"  # no signal while a program plays
    UNEXPECTED_SOUND = "unexpected_sound"  # sound while nothing should be on air


@dataclass(frozen=True)
class Airing:
    """One row of the as-run log."""

    slot_id: str
    scheduled: dt.datetime
    outcome: Outcome
    started: dt.datetime | None = None
    ended: dt.datetime | None = None
    program_hash: str = ""
    items: tuple[str, ...] = ()
    archive: str = ""
    sink: str = ""
    reason: str = ""


class PostState(enum.StrEnum):
    """A social-page post in the outbox (``publish/social``): queued -> sent; a withdrawn
    bulletin's post -> deleting -> deleted (or kept, where the platform cannot delete)."""

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"  # given up (a refused post, or too many failed tries): alerted
    TOKEN = "token"  # stopped: the platform refused the token; queued again on restart
    CANCELLED = "cancelled"  # withdrawn before it was posted
    DELETING = "deleting"
    DELETED = "deleted"
    KEPT = "kept"  # withdrawn, but the platform offers no delete: the log says so
