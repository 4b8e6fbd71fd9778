"""Playout core: prepare each planned slot ahead, air it on time, log what became of it.

Time comes from the injected clock; the scheduler adapter (APScheduler) or a test driver calls
``prepare`` and ``air`` at the right moments. One airing at a time: the output is exclusive.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from broadcaster.air.asrun import AsRunLog
from broadcaster.air.player import PREEMPTED, Cancel, Player, PlayResult
from broadcaster.air.prepare import PreparedProgram, verify_wav
from broadcaster.air.schedule import PlannedSlot
from broadcaster.clock import Clock
from broadcaster.errors import BroadcasterError, ProgramError
from broadcaster.messages import t
from broadcaster.program.archive import archive_program

log = logging.getLogger(__name__)

ON_TIME_S = 1.0  # started within this of the slot time: "aired"; later: "late"
FADE_S = 0.4  # the sound card player's fade-out on a hard stop (air/soundcard.py FADE_S)
EMERGENCY_LABEL = "KHẨN CẤP / EMERGENCY"


@dataclass(frozen=True)
class AirReport:
    key: str
    outcome: str
    reason: str = ""
    started: dt.datetime | None = None
    archive: str = ""


class Playout:
    """Prepares and airs planned slots; every outcome lands in the as-run log."""

    def __init__(self, *, clock: Clock, player: Player, asrun: AsRunLog,
                 prepare: Callable[[PlannedSlot], PreparedProgram], archive_dir: Path,
                 grace: dt.timedelta, archive_format: str = "flac", archive_days: int = 365,
                 player_archives: bool = False,
                 notify: Callable[[str], None] | None = None,
                 on_aired: Callable[[PreparedProgram, str, dt.datetime], None] | None = None,
                 still_valid: Callable[[PreparedProgram, dt.datetime], bool] | None = None
                 ) -> None:
        self.clock = clock
        self.player = player
        self.asrun = asrun
        self._prepare = prepare
        self.archive_dir = archive_dir
        self.grace = grace
        self.archive_format = archive_format
        self.archive_days = archive_days
        self.player_archives = player_archives  # the file sink already writes the archive copy
        self._notify = notify or (lambda msg: log.info("%s", msg))
        self.on_aired = on_aired
        # At air time: are the bulletins chosen at pre-roll still approved, current, due?
        self.still_valid = still_valid  # e.g. count the bulletins' airings in the store
        self._prepared: dict[str, PreparedProgram] = {}
        self._errors: dict[str, str] = {}
        self._air_lock = threading.Lock()
        self._prep_lock = threading.Lock()
        self._emergency_lock = threading.Lock()
        self._emergencies = 0  # pending emergencies: scheduled airings wait for them
        self._interrupt_reason = ""
        self._cancel: Cancel | None = None  # the airing in progress, if any
        self.closing = False  # the station is stopping: nothing new starts
        self._slot_label: str | None = None
        self._slot_since: dt.datetime | None = None
        self._em_since: dt.datetime | None = None  # an emergency on air (overlaps the fade)
        self._em_cancel: Cancel | None = None

    def notify(self, message: str) -> None:
        """Tell the operator; a broken console never aborts an airing."""
        try:
            self._notify(message)
        except Exception:  # noqa: BLE001 - listeners never crash the sender
            log.exception("notifying failed")

    # --- preparation ------------------------------------------------------------------------
    def prepare(self, planned: PlannedSlot) -> PreparedProgram | None:
        """Build the slot's program now (idempotent); None and a logged reason if it fails."""
        ready = self._prepared.get(planned.key)  # fast path: never wait behind another render
        if ready and ready.slot == planned.slot and verify_wav(ready.wav):
            return ready
        with self._prep_lock:
            ready = self._prepared.get(planned.key)
            if ready and ready.slot == planned.slot and verify_wav(ready.wav):
                return ready
            self.notify(t("air.preparing", slot=planned.slot.label))
            try:
                ready = self._prepare(planned)
            except BroadcasterError as exc:
                self._errors[planned.key] = str(exc)
                log.error("preparing %s failed: %s", planned.key, exc)
                return None
            ready = dataclasses.replace(ready, slot=planned.slot)  # what it was built from
            self._prepared[planned.key] = ready
            self._errors.pop(planned.key, None)
            for warning in ready.warnings:
                log.warning("%s: %s", planned.key, warning)
            self.notify(t("air.prepared", slot=planned.slot.label,
                          duration=_mmss(ready.duration_ms), items=len(ready.items)))
            return ready

    def ready(self, key: str) -> PreparedProgram | None:
        """The program already built for ``key``, if any (never builds)."""
        ready = self._prepared.get(key)
        return ready if ready is not None and verify_wav(ready.wav) else None

    def forget(self, keys_to_keep: set[str]) -> None:
        """Drop prepared programs of slots no longer planned."""
        with self._prep_lock:
            for key in list(self._prepared):
                if key not in keys_to_keep:
                    del self._prepared[key]

    def invalidate(self, key: str) -> None:
        """Forget one prepared program (its bulletins changed); it is built again."""
        self._prepared.pop(key, None)

    # --- air --------------------------------------------------------------------------------
    def air(self, planned: PlannedSlot) -> AirReport:
        """Air ``planned`` at its start time (or now, if late within grace); log the outcome."""
        if self.asrun.has_final(planned.key):  # decided without waiting for the output
            return AirReport(planned.key, "skipped", "already aired or logged")
        late = self.clock.now() - planned.start
        if late > self.grace:
            return self._missed(planned, f"station was not running at {planned.start:%H:%M:%S}"
                                f" (late by {late.total_seconds():.0f} s,"
                                f" grace {self.grace.total_seconds():.0f} s)")
        while True:
            with self._air_lock:
                if not self._emergencies:
                    report = self._air(planned)
                    if report.outcome != "preempted" or self.closing:
                        return report
            self.clock.sleep(0.05)  # an emergency goes first; then this slot airs (late)

    def emergency(self, prepared: PreparedProgram, reason: str = "emergency") -> AirReport:
        """Fade out whatever is on air and air ``prepared`` right after; logged as emergency.

        The emergency does not wait for the interrupted airing to wind down: its player starts
        at once and positions the first sample just after the fade-out (the sound server mixes
        the two for that instant; an exclusive device is retried by the player).
        """
        if self.closing:
            return AirReport(prepared.key, "preempted", "station stopping")
        with self._emergency_lock:
            self._emergencies += 1
            try:
                self._interrupt_reason = reason
                cancel = self._cancel
                busy = cancel is not None
                if busy:
                    cancel.request()
                # after the fade has left the output (stop request poll ~50 ms + output latency ~100 ms)
                return self._air_emergency(prepared, after_s=FADE_S + 0.2 if busy else 0.0)
            finally:
                self._emergencies -= 1

    def _air_emergency(self, prepared: PreparedProgram, after_s: float) -> AirReport:
        now = self.clock.now()
        start_at = now + dt.timedelta(seconds=after_s)
        row = self.asrun.begin(slot_key=prepared.key, slot_id="emergency", slot_name="KHẨN CẤP",
                               scheduled=now, now=now, program_hash=prepared.digest,
                               items=prepared.items, sink=self.player.description)
        self._em_since, self._em_cancel = start_at, Cancel()
        try:
            result = self.player.play(prepared.wav, start_at, name="emergency",
                                      cancel=self._em_cancel)
        except Exception as exc:  # noqa: BLE001 - an audio error never kills the station
            log.exception("player crashed")
            result = PlayResult("failed", None, self.clock.now(), f"player error: {exc}")
        finally:
            self._em_since = self._em_cancel = None
        outcome = "emergency" if result.outcome == "aired" else result.outcome
        archive = result.sink if self.player_archives else self._archive(
            prepared, now, "emergency")
        self.asrun.finish(row, outcome=outcome, started=result.started, ended=result.ended,
                          scheduled=now, reason=result.reason, archive=archive)
        return AirReport(prepared.key, outcome, result.reason, result.started, archive)

    @property
    def on_air_label(self) -> str | None:
        """What is on air (or about to start) now, for status and skip."""
        return EMERGENCY_LABEL if self._em_since is not None else self._slot_label

    @property
    def on_air_since(self) -> dt.datetime | None:
        return self._em_since if self._em_since is not None else self._slot_since

    def _air(self, planned: PlannedSlot) -> AirReport:
        key, slot = planned.key, planned.slot
        if self.closing:
            return AirReport(key, "preempted", "station stopping")
        if self.asrun.has_final(key):
            log.info("%s already has an as-run entry: not airing it twice", key)
            return AirReport(key, "skipped", "already aired or logged")
        now = self.clock.now()
        if now - planned.start > self.grace:
            return self._missed(planned, f"station was not running at {planned.start:%H:%M:%S}"
                                f" (late by {(now - planned.start).total_seconds():.0f} s,"
                                f" grace {self.grace.total_seconds():.0f} s)")
        prepared = self.prepare(planned)
        if prepared is None:
            reason = self._errors.get(key, "program could not be prepared")
            self.asrun.record(slot_key=key, slot_id=slot.id, slot_name=slot.label,
                              scheduled=planned.start, outcome="failed", now=self.clock.now(),
                              reason=reason)
            self.notify(t("air.failed", slot=slot.label, reason=reason))
            return AirReport(key, "failed", reason)
        if self.still_valid is not None and not self.still_valid(prepared, self.clock.now()):
            log.warning("%s: a bulletin was withdrawn, changed or aired enough since pre-roll:"
                        " building the program again", key)
            self.invalidate(key)
            prepared = self.prepare(planned)
            if prepared is None:
                reason = self._errors.get(key, "program could not be prepared")
                self.asrun.record(slot_key=key, slot_id=slot.id, slot_name=slot.label,
                                  scheduled=planned.start, outcome="failed",
                                  now=self.clock.now(), reason=reason)
                return AirReport(key, "failed", reason)
        if self.closing:
            return AirReport(key, "preempted", "station stopping")
        now = self.clock.now()
        if now - planned.start > self.grace:
            return self._missed(planned, "program was not ready within the grace period")
        start_at = max(planned.start, now)
        row = self.asrun.begin(slot_key=key, slot_id=slot.id, slot_name=slot.label,
                               scheduled=planned.start, now=now, program_hash=prepared.digest,
                               items=prepared.items, sink=self.player.description)
        self._interrupt_reason = ""
        self._cancel = Cancel()
        if self._emergencies or self.closing:  # came in while this was being set up
            self._cancel.request()
        self._slot_since, self._slot_label = start_at, slot.label
        self.notify(t("air.on_air", slot=slot.label, duration=_mmss(prepared.duration_ms),
                      when=f"{start_at:%H:%M:%S}"))
        try:
            result = self.player.play(prepared.wav, start_at, name=slot.id, cancel=self._cancel)
        except Exception as exc:  # noqa: BLE001 - an audio error never kills the station
            log.exception("player crashed")
            result = PlayResult("failed", None, self.clock.now(), f"player error: {exc}")
        finally:
            self._slot_since = self._slot_label = None
            self._cancel = None
        if result.started is None and result.reason == PREEMPTED and (self._emergencies
                                                                      or self.closing):
            # Never reached the air: it airs after the emergency, or (station stopping) at
            # the next start if that is within the grace period.
            self.asrun.discard(row)
            return AirReport(key, "preempted")
        outcome, reason = result.outcome, result.reason
        if outcome == "interrupted" and self._interrupt_reason:
            reason = self._interrupt_reason  # e.g. skipped by the operator before it began
        if outcome == "aired" and result.started is not None:
            late_s = (result.started - planned.start).total_seconds()
            if late_s > ON_TIME_S:
                outcome, reason = "late", f"started {late_s:.1f} s late"
        if prepared.warnings:  # aired what was ready; say what was missing
            reason = "; ".join(filter(None, [reason, *prepared.warnings]))
        archive = result.sink if self.player_archives else self._archive(
            prepared, planned.start, planned.slot.id)
        self.asrun.finish(row, outcome=outcome, started=result.started, ended=result.ended,
                          scheduled=planned.start, reason=reason, archive=archive)
        if outcome in ("aired", "late") and self.on_aired is not None and result.started:
            try:
                self.on_aired(prepared, key, result.started)
            except Exception:  # noqa: BLE001 - listeners never crash the sender
                log.exception("recording the bulletins of %s failed", key)
        if outcome in ("aired", "late"):
            offset = (result.started - planned.start).total_seconds() * 1000 if result.started else 0
            self.notify(t("air.done", slot=slot.label,
                          started=f"{result.started:%H:%M:%S.%f}"[:-3] if result.started else "-",
                          offset_ms=f"{offset:.0f}", archive=archive))
        elif outcome == "interrupted":
            self.notify(t("air.interrupted", slot=slot.label, reason=reason))
        else:
            self.notify(t("air.failed", slot=slot.label, reason=reason))
        return AirReport(key, outcome, reason, result.started, archive)

    def _missed(self, planned: PlannedSlot, reason: str) -> AirReport:
        self.asrun.record(slot_key=planned.key, slot_id=planned.slot.id,
                          slot_name=planned.slot.label, scheduled=planned.start,
                          outcome="missed", now=self.clock.now(), reason=reason)
        self.notify(t("air.missed", slot=planned.slot.label,
                      scheduled=f"{planned.start:%H:%M:%S}", reason=reason))
        return AirReport(planned.key, "missed", reason)

    def _archive(self, prepared: PreparedProgram, when: dt.datetime, name: str) -> str:
        """A compact copy of what aired under var/archive/YYYY-MM-DD/ (streamed, never the
        whole program in memory); days past the retention setting are pruned."""
        try:
            return str(archive_program(prepared.wav, self.archive_dir, self.archive_format,
                                       self.archive_days, when, name=name).path)
        except ProgramError as exc:
            log.error("archiving %s failed: %s", name, exc)
            return ""

    def skip(self, reason: str) -> str | None:
        """The operator's skip: fade out what is audible now (never a slot still waiting for
        its start time); returns its label, or None when nothing is on air."""
        since = self.on_air_since
        if since is None or since > self.clock.now():
            return None
        label = self.on_air_label
        self.stop_current(reason)
        return label

    def stop_current(self, reason: str = "", *, soft: bool = False) -> None:
        """End what is on air, logged interrupted with ``reason``: fade out now, or with
        ``soft`` at the next pause in the speech (never mid-word)."""
        self._interrupt_reason = reason
        for cancel in (self._em_cancel, self._cancel):
            if cancel is not None:
                cancel.request(soft=soft)

    def wait_idle(self, timeout: float) -> bool:
        """Wait until nothing is on air (an airing in progress has ended); True if so."""
        deadline = self.clock.monotonic() + max(0.0, timeout)
        if not self._air_lock.acquire(timeout=max(0.0, timeout)):
            return False
        self._air_lock.release()
        while self._emergencies or self._em_since is not None:  # emergencies take no air lock
            if self.clock.monotonic() >= deadline:
                return False
            self.clock.sleep(0.05)
        return True


def _mmss(ms: int) -> str:
    s = ms // 1000
    return f"{s // 60}:{s % 60:02d}"
