"""``doctor``'s lines for the upstream feeds: one per configured source, from the state the
poller keeps in the store (last success, consecutive failures and the last problem in words)."""

from __future__ import annotations

import datetime as dt

from broadcaster.config import Station
from broadcaster.inbox.feeds.state import FeedState
from broadcaster.messages import t

OK, WARN, FAIL = "ok", "warn", "fail"
FAIL_AFTER = 3  # consecutive failures before the line turns from warn to fail


def _when(value: str | None, tz: dt.tzinfo) -> str:
    if not value:
        return "-"
    return f"{dt.datetime.fromisoformat(value).astimezone(tz):%d/%m/%Y %H:%M}"


def feed_lines(station: Station, states: dict[str, FeedState]) -> list[tuple[str, str, str]]:
    """(name, verdict, detail) for every source in ``feeds.sources``."""
    out = []
    tz = station.tz
    for feed in station.settings.feeds.sources:
        name = f"feed {feed.name}"
        state = states.get(feed.name)
        if state is None or (state.last_ok is None and not state.failures):
            out.append((name, WARN, t("doctor.feeds.never", feed=feed.name, url=feed.url)))
            continue
        ok = t("doctor.feeds.ok", feed=feed.name, when=_when(state.last_ok, tz),
               taken=state.taken) if state.last_ok else ""
        if state.failures:
            bad = t("doctor.feeds.failing", failures=state.failures,
                    when=_when(state.last_error_at, tz), error=state.last_error)
            verdict = FAIL if state.failures >= FAIL_AFTER else WARN
            out.append((name, verdict, f"{ok}; {bad}" if ok else bad))
        else:
            out.append((name, OK, ok))
    return out


__all__ = ["FAIL_AFTER", "feed_lines"]
