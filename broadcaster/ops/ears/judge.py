"""The watchdog's decisions, pure and time-injected: what one ear (the output monitor, an
Icecast mount) heard, against what should be airing -> a verdict per check.

An ear reports one ``Level`` per short block. A single block never decides: the level judged
is the short-term RMS over ``window_s`` (so a word's gap is not silence), and a silence or a
sound must then *last* (``dead_air_s``, ``unexpected_s``) before it counts, with a hold that
lets speech pauses through. An ear that hears late (an Icecast listener is seconds behind the
air) has its ``lag_s`` added to every grace.
"""

from __future__ import annotations

import collections
import math
from dataclasses import dataclass

from broadcaster.config import WatchdogSettings
from broadcaster.messages import t
from broadcaster.models import WatchCheck

FLOOR_DBFS = -120.0  # digital silence is -inf; reported and compared as this
HOLD_S = 2.0  # a sound that stops for less than this is one stretch (speech pauses)
STALE_S = 3.0  # an ear that reported nothing this long is not listening


def dbfs(power: float) -> float:
    """Mean square (full scale 1.0) -> dBFS, floored at FLOOR_DBFS."""
    return max(FLOOR_DBFS, 10.0 * math.log10(power)) if power > 0 else FLOOR_DBFS


@dataclass(frozen=True)
class Level:
    """One block as an ear heard it: when (the clock's monotonic seconds), how loud."""

    at: float
    rms_dbfs: float
    peak_dbfs: float
    seconds: float


@dataclass(frozen=True)
class Expected:
    """What should be airing at ``now``: a label and the monotonic time it started (or will
    start: a slot waits for its first sample), or nothing."""

    on_air: str | None
    since: float | None

    def playing(self, now: float) -> bool:
        return self.on_air is not None and self.since is not None and self.since <= now


@dataclass(frozen=True)
class Thresholds:
    window_s: float = 1.0
    dead_air_s: float = 8.0
    silence_dbfs: float = -50.0
    sound_dbfs: float = -40.0
    unexpected_s: float = 5.0
    idle_grace_s: float = 5.0
    lag_s: float = 0.0

    @classmethod
    def of(cls, s: WatchdogSettings, lag_s: float = 0.0) -> Thresholds:
        return cls(window_s=s.window_seconds, dead_air_s=s.dead_air_seconds,
                   silence_dbfs=s.silence_dbfs, sound_dbfs=s.sound_dbfs,
                   unexpected_s=s.unexpected_sound_seconds, idle_grace_s=s.idle_grace_seconds,
                   lag_s=lag_s)


@dataclass(frozen=True)
class Finding:
    """One check's answer now: fine or not, and in words."""

    check: WatchCheck
    ok: bool
    detail: str


class EarJudge:
    """Feed it an ear's levels (``hear``), ask it at any time (``judge``)."""

    def __init__(self, limits: Thresholds, stale_s: float = STALE_S) -> None:
        self.limits = limits
        self.stale_s = stale_s  # heard nothing this long: not listening
        self._window: collections.deque[tuple[float, float, float]] = collections.deque()
        self.short_term_dbfs = FLOOR_DBFS
        self.last_heard: float | None = None  # any report (a level, or bytes flowing)
        self.levels = False  # ever got a level (a mount may only be known to send bytes)
        self._last_signal: float | None = None  # the last block above silence_dbfs
        self._loud_since: float | None = None
        self._last_loud: float | None = None
        self._idle_since: float | None = None
        self._first: float | None = None

    # --- what the ear heard ---------------------------------------------------------------
    def alive(self, at: float) -> None:
        """The ear is receiving (bytes flow) even if it cannot measure a level."""
        self.last_heard = at if self.last_heard is None else max(self.last_heard, at)

    def hear(self, level: Level) -> None:
        self.alive(level.at)
        self.levels = True
        power = 10.0 ** (level.rms_dbfs / 10.0) if level.rms_dbfs > FLOOR_DBFS else 0.0
        self._window.append((level.at, power * level.seconds, level.seconds))
        while self._window and self._window[0][0] <= level.at - self.limits.window_s:
            self._window.popleft()
        energy = sum(e for _, e, _ in self._window)
        span = sum(s for _, _, s in self._window)
        self.short_term_dbfs = dbfs(energy / span) if span > 0 else FLOOR_DBFS
        if level.rms_dbfs > self.limits.silence_dbfs:
            self._last_signal = level.at
        if self.short_term_dbfs > self.limits.sound_dbfs:
            if self._loud_since is None or (self._last_loud is not None
                                             and level.at - self._last_loud > HOLD_S):
                self._loud_since = level.at
            self._last_loud = level.at

    # --- the verdicts -----------------------------------------------------------------------
    def judge(self, now: float, expected: Expected) -> list[Finding]:
        """Every check of this ear at ``now``."""
        if expected.playing(now):
            self._idle_since = None
        elif self._idle_since is None:
            self._idle_since = now
        if self._first is None:
            self._first = now  # an ear gets stale_s to hear its first block
        heard_at = self.last_heard if self.last_heard is not None else self._first
        listening = now - heard_at <= self.stale_s
        heard = Finding(WatchCheck.LISTENING, listening,
                        t("watch.listening") if listening else t("watch.deaf"))
        if not listening or not self.levels:
            why = t("watch.cannot_judge")
            return [heard, Finding(WatchCheck.DEAD_AIR, True, why),
                    Finding(WatchCheck.UNEXPECTED_SOUND, True, why)]
        return [heard, self._dead_air(now, expected), self._unexpected(now, expected)]

    def _dead_air(self, now: float, expected: Expected) -> Finding:
        if not expected.playing(now) or expected.since is None:
            return Finding(WatchCheck.DEAD_AIR, True, t("watch.nothing_to_air"))
        began = expected.since + self.limits.lag_s
        quiet_from = max(began, self._last_signal if self._last_signal is not None else began)
        quiet_s = now - quiet_from
        # silence is timed from the last block with signal, but only a quiet window decides
        if quiet_s >= self.limits.dead_air_s and self.short_term_dbfs <= self.limits.silence_dbfs:
            return Finding(WatchCheck.DEAD_AIR, False,
                           t("watch.dead_air", seconds=f"{quiet_s:.0f}", slot=expected.on_air,
                             level=f"{self.short_term_dbfs:.0f}"))
        return Finding(WatchCheck.DEAD_AIR, True,
                       t("watch.signal", level=f"{self.short_term_dbfs:.0f}"))

    def _unexpected(self, now: float, expected: Expected) -> Finding:
        if expected.playing(now) or self._idle_since is None:
            return Finding(WatchCheck.UNEXPECTED_SOUND, True, t("watch.on_air_ok"))
        quiet_after = self._idle_since + self.limits.idle_grace_s + self.limits.lag_s
        if (self._loud_since is None or self._last_loud is None
                or now - self._last_loud > HOLD_S or self._last_loud < quiet_after):
            return Finding(WatchCheck.UNEXPECTED_SOUND, True, t("watch.quiet"))
        sound_s = self._last_loud - max(self._loud_since, quiet_after)
        if sound_s >= self.limits.unexpected_s:
            return Finding(WatchCheck.UNEXPECTED_SOUND, False,
                           t("watch.unexpected", seconds=f"{sound_s:.0f}",
                             level=f"{self.short_term_dbfs:.0f}"))
        return Finding(WatchCheck.UNEXPECTED_SOUND, True, t("watch.quiet"))
