"""What the bulletin store hands out: a bulletin's current version (``BulletinRecord``), its
history rows, and the stable ASCII id made from a file's path."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from broadcaster.models import Bulletin, BulletinMeta, BulletinState, Priority


def slugify(text: str) -> str:
    """ASCII id from a Vietnamese file path: ``Thông báo/Tiêm chủng.txt`` -> ``thong-bao-tiem-chung``."""
    s = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")[:48].strip("-") or "ban-tin"


@dataclass(frozen=True)
class BulletinRecord:
    """One bulletin's current version as the store holds it."""

    id: str
    version: int
    title: str
    priority: Priority
    tags: tuple[str, ...]
    air_from: dt.datetime | None
    air_until: dt.datetime | None
    slots: tuple[str, ...]
    repeat: int
    times_aired: int
    content_hash: str
    script_text: str
    speech_path: Path | None  # finished WAV of the speech, if rendered
    source: str  # path relative to inbox/
    state: BulletinState = BulletinState.APPROVED
    original: Path | None = None
    body: str = ""
    voice: str | None = None
    engine: str | None = None
    approved_hash: str | None = None
    approved_by: str = ""
    approved_at: dt.datetime | None = None
    reason: str = ""
    received_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    audio: Path | None = None  # a recorded bulletin's kept recording (no text, no script)
    origin: str | None = None  # the upstream feed it was taken from (None: inbox/)
    external_id: str | None = None  # its item id in that feed
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def airable_since(self) -> dt.datetime | None:
        """When it became airable: its approval, or its arrival where none is needed."""
        return self.approved_at if self.approved_at is not None else self.received_at

    @property
    def approved(self) -> bool:
        """Approved by a person, for exactly this content."""
        return self.approved_hash is not None and self.approved_hash == self.content_hash

    def meta(self) -> BulletinMeta:
        """The front matter this version was received with."""
        return BulletinMeta(title=self.title, tags=self.tags, priority=self.priority,
                            air_from=self.air_from, air_until=self.air_until, slots=self.slots,
                            repeat=self.repeat, voice=self.voice, engine=self.engine)

    def bulletin(self) -> Bulletin:
        """The domain object (for the speech stage)."""
        return Bulletin(id=self.id, source=self.original or Path(self.source), body=self.body,
                        meta=self.meta(), content_hash=self.content_hash, version=self.version,
                        audio=self.audio)

    def in_window(self, now: dt.datetime) -> bool:
        """Inside its air window (``air_from`` inclusive, ``air_until`` exclusive)."""
        return ((self.air_from is None or self.air_from <= now)
                and (self.air_until is None or now < self.air_until))

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields (no body; ``audio`` only for a recording); enums as their stored
        strings."""
        out: dict[str, Any] = {}
        for k, v in self.__dict__.items():
            if k in ("body", "extra") or (k in ("audio", "origin", "external_id") and v is None):
                continue  # a text bulletin reads as before recordings were taken
            if isinstance(v, dt.datetime):
                v = v.isoformat()
            elif isinstance(v, Path):
                v = str(v)
            elif isinstance(v, tuple):
                v = list(v)
            elif isinstance(v, Priority | BulletinState):
                v = v.value
            out[k] = v
        return out


@dataclass(frozen=True)
class HistoryRow:
    """One event in a bulletin's life (received, approved, aired, ...)."""

    bulletin_id: str
    version: int
    at: str
    event: str
    detail: str


__all__ = ["BulletinRecord", "HistoryRow", "slugify"]
