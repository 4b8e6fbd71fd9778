"""What the public archive holds: one ``PublicItem`` per published bulletin, kept in a manifest
(``var/publish/items.json``) so a page survives the store pruning the bulletin's text, and the
rule that picks what should be public from the store (``wanted``)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from broadcaster.durable import write_json
from broadcaster.inbox.records import BulletinRecord
from broadcaster.models import BulletinState, Priority

log = logging.getLogger(__name__)

GONE = (BulletinState.WITHDRAWN, BulletinState.REJECTED)
APPROVED = (BulletinState.APPROVED, BulletinState.EXPIRED)


@dataclass(frozen=True)
class PublicItem:
    """One published bulletin version: what its page, MP3 and feed entries say."""

    id: str
    version: int
    content_hash: str
    title: str
    priority: str
    published: str  # ISO 8601 with offset: its first airing (or its approval)
    body: str  # the text as the editor wrote it (cleaned when rendered)
    mp3: str = ""  # file name under audio/, "" while there is no speech
    mp3_size: int = 0
    duration_ms: int = 0

    @property
    def when(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.published)

    @property
    def page(self) -> str:
        return f"ban-tin/{self.id}.html"


@dataclass(frozen=True)
class Wanted:
    """A bulletin version that should be public, and since when."""

    record: BulletinRecord
    published: dt.datetime


Airing = tuple[str, int, str, str]  # the store's (bulletin_id, version, slot_key, aired_at)


def wanted(records: Iterable[BulletinRecord], airings: Sequence[Airing], when: str
           ) -> dict[str, Wanted]:
    """The bulletins whose current version should be public now.

    ``when="aired"``: a version that has aired (dated by its first airing); ``"approved"``: also
    one approved (dated by its approval). An emergency is public as soon as it may air.
    Withdrawn and rejected bulletins never are."""
    first: dict[tuple[str, int], str] = {}
    for bid, version, _slot, at in airings:
        first.setdefault((bid, version), at)
    out: dict[str, Wanted] = {}
    for rec in records:
        if rec.state in GONE or not rec.body.strip():
            continue
        aired = first.get((rec.id, rec.version))
        if aired is not None:
            out[rec.id] = Wanted(rec, dt.datetime.fromisoformat(aired))
            continue
        early = when == "approved" or rec.priority == Priority.EMERGENCY
        since = rec.airable_since
        if early and rec.state in APPROVED and since is not None:
            out[rec.id] = Wanted(rec, since)
    return out


class Manifest:
    """The published items, read at start and rewritten (durably) after each change."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: dict[str, PublicItem] = {}
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            self.items = {d["id"]: PublicItem(**d) for d in raw.get("items", [])}
        except FileNotFoundError:
            pass
        except (OSError, ValueError, TypeError, KeyError):
            log.exception("%s is unreadable: the archive is rebuilt from the store", path)

    def save(self) -> None:
        write_json(self.path, {"items": [asdict(i) for i in self.newest_first()]})

    def newest_first(self) -> list[PublicItem]:
        return sorted(self.items.values(), key=lambda i: (i.when, i.id), reverse=True)
