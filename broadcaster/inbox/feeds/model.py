"""What every feed parser hands the intake: ``FeedItem`` (one bulletin-to-be, or a cancellation)
and ``FeedProblem`` (why a feed or an item cannot be taken, and what to do, in words)."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from broadcaster.errors import InboxError
from broadcaster.messages import t
from broadcaster.models import Priority


class ItemAction(enum.StrEnum):
    """What an item asks of the station."""

    TAKE = "take"  # new, or a new version of an item already taken (the same id)
    CANCEL = "cancel"  # the source withdrew it (CAP msgType Cancel)


@dataclass(frozen=True)
class Enclosure:
    """The audio an item points at (not fetched: the station speaks the text itself)."""

    url: str
    mime_type: str
    size: int | None


@dataclass(frozen=True)
class FeedItem:
    """One item of a feed, in the station's terms."""

    external_id: str  # stable across the item's versions: the de-duplication key
    title: str
    text: str
    priority: Priority = Priority.NORMAL
    published: dt.datetime | None = None
    air_from: dt.datetime | None = None
    air_until: dt.datetime | None = None
    station: str = ""  # who published it (the source station, the CAP sender)
    action: ItemAction = ItemAction.TAKE
    cancels: tuple[str, ...] = ()  # external ids this item replaces or cancels (CAP references)
    enclosure: Enclosure | None = None
    note: str = ""  # something noticed and left out (a wrong-type enclosure ...)


class FeedProblem(InboxError):
    """A feed (or one item) cannot be used: ``key`` names the message, its ``.fix`` the hint."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(t(f"feeds.{key}", **params), hint=t(f"feeds.{key}.fix", **params))


__all__ = ["Enclosure", "FeedItem", "FeedProblem", "ItemAction"]
