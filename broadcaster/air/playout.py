"""Playout core: prepare each planned slot ahead, air it on time, log what became of it.

Time comes from the injected clock; the scheduler adapter (APScheduler) or a test driver calls
``prepare`` and ``air`` at the right moments. One airing at a time: the output is exclusive.
What is on air is an immutable ``OnAir`` snapshot swapped under one small lock; each airing's
``Cancel`` carries why it was ended, so no reason is shared between threads.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from broadcaster.air.asrun import AsRunLog, AsRunRow
from broadcaster.air.player import Cancel, Player, PlayResult
from broadcaster.air.prepare import PreparedProgram, verify_wav
from broadcaster.air.schedule import PlannedSlot
from broadcaster.air.soundcard import FADE_S
from broadcaster.air.stream import Streamer, StreamJob
from broadcaster.clock import Clock
from broadcaster.errors import BroadcasterError, ProgramError
from broadcaster.messages import t
from broadcaster.models import Ending, Outcome
from broadcaster.program.archive import Cut, archive_program, frames_of

log = logging.getLogger(__name__)

ON_TIME_S = 1.0  # started within this of the slot time: "aired"; later: "late"
EMERGENCY_LABEL = "KHẨN CẤP / EMERGENCY"
PREEMPTED = "preempted"  # AirReport only: never reached air (it airs after the emergency)
SKIPPED = "skipped"  # AirReport only: already has an as-run entry


@dataclass(frozen=True)
class AirReport:
    key: str
    outcome: str  # an Outcome value, or PREEMPTED / SKIPPED (nothing logged)
    reason: str = ""
    started: dt.datetime | None = None
    archive: str = ""


@dataclass(frozen=True)
class OnAir:
    """What is on air (or waiting for its first sample) now: one immutable snapshot."""

    label: str
    since: dt.datetime
    cancel: Cancel


@dataclass
class _Slots:
    """Playout state shared between the air, preparation, control and emergency threads;
    only touched under ``Playout._lock`` (never held while preparing or playing)."""

    slot: OnAir | None = None
    emergency: OnAir | None = None
    emergencies: int = 0  # pending emergencies: scheduled airings wait for them
    prepared: dict[str, PreparedProgram] = dataclasses.field(default_factory=dict)
    errors: dict[str, str] = dataclasses.field(default_factory=dict)
    holds: int = 0  # live segments asked for or on air: scheduled airings wait for them


class RelayNotStarted(Exception):  # noqa: N818 - it says what happened, not "Error"
    """A relay slot's stream could not even be set up (nothing aired yet): its fallback airs."""


@dataclass(frozen=True)
class StreamAiring:
    """A live source's airing (relay, live input) as one as-run row. ``connect`` runs
    ``ahead_s`` before the start; a cancel whose ending is ``COMPLETED`` is its normal end
    (live stop); ``note`` adds to the logged reason once the result is known."""

    key: str
    slot_id: str
    label: str
    scheduled: dt.datetime
    job: StreamJob
    cancel: Cancel
    items: tuple[str, ...] = ()
    connect: Callable[[], None] | None = None
    ahead_s: float = 5.0
    note: Callable[[PlayResult], str] | None = None
    # a program with relays in it: its file and hash in the as-run row, its warnings in the
    # reason, its bulletins counted as aired (``on_aired``) like any program's
    planned: PlannedSlot | None = None
    prepared: PreparedProgram | None = None


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
        # the file sink writes the archive copy itself (PlayResult.archive); kept for callers
        self.player_archives = player_archives
        self._notify = notify or (lambda msg: log.info("%s", msg))
        self.on_aired = on_aired
        # At air time: are the bulletins chosen at pre-roll still approved, current, due?
        self.still_valid = still_valid  # e.g. count the bulletins' airings in the store
        self._lock = threading.Lock()
        self._state = _Slots()
        self._air_lock = threading.Lock()
        self._prep_lock = threading.Lock()
        self._emergency_lock = threading.Lock()
        self.closing = False  # the station is stopping: nothing new starts
        # a relay slot's airing (set by the station: air/relay.py's RelayAirer.air)
        self.relay: Callable[[PlannedSlot, PreparedProgram], AirReport] | None = None

    def notify(self, message: str) -> None:
        """Tell the operator; a broken console never aborts an airing."""
        try:
            self._notify(message)
        except Exception:  # noqa: BLE001 - listeners never crash the sender
            log.exception("notifying failed")

    # --- preparation ------------------------------------------------------------------------
    def _ready(self, planned: PlannedSlot) -> PreparedProgram | None:
        with self._lock:
            ready = self._state.prepared.get(planned.key)
        if ready and ready.slot == planned.slot and verify_wav(ready.wav):
            return ready
        return None

    def prepare(self, planned: PlannedSlot) -> PreparedProgram | None:
        """Build the slot's program now (idempotent); None and a logged reason if it fails."""
        ready = self._ready(planned)  # fast path: never wait behind another render
        if ready is not None:
            return ready
        with self._prep_lock:
            ready = self._ready(planned)
            if ready is not None:
                return ready
            self.notify(t("air.preparing", slot=planned.slot.label))
            try:
                ready = self._prepare(planned)
            except BroadcasterError as exc:
                with self._lock:
                    self._state.errors[planned.key] = str(exc)
                log.error("preparing %s failed: %s", planned.key, exc)
                return None
            ready = dataclasses.replace(ready, slot=planned.slot)  # what it was built from
            with self._lock:
                self._state.prepared[planned.key] = ready
                self._state.errors.pop(planned.key, None)
            for warning in ready.warnings:
                log.warning("%s: %s", planned.key, warning)
            self.notify(t("air.prepared", slot=planned.slot.label,
                          duration=_mmss(ready.on_air_ms), items=len(ready.items)))
            return ready

    def ready(self, key: str) -> PreparedProgram | None:
        """The program already built for ``key``, if any (never builds)."""
        with self._lock:
            ready = self._state.prepared.get(key)
        return ready if ready is not None and verify_wav(ready.wav) else None

    def is_prepared(self, key: str) -> bool:
        """Whether the program of planned airing ``key`` is built and held."""
        with self._lock:
            return key in self._state.prepared

    def forget(self, keys_to_keep: set[str]) -> None:
        """Drop prepared programs of slots no longer planned."""
        with self._lock:
            for key in list(self._state.prepared):
                if key not in keys_to_keep:
                    del self._state.prepared[key]

    def invalidate(self, key: str) -> None:
        """Forget one prepared program (its bulletins changed); it is built again."""
        with self._lock:
            self._state.prepared.pop(key, None)

    # --- what is on air ---------------------------------------------------------------------
    @property
    def on_air_label(self) -> str | None:
        """What is on air (or about to start) now, for status and skip."""
        with self._lock:
            if self._state.emergency is not None:
                return EMERGENCY_LABEL
            return self._state.slot.label if self._state.slot else None

    @property
    def on_air_since(self) -> dt.datetime | None:
        with self._lock:
            current = self._state.emergency or self._state.slot
            return current.since if current else None

    def _set_on_air(self, *, slot: OnAir | None | bool = False,
                    emergency: OnAir | None | bool = False) -> None:
        with self._lock:
            if slot is not False:
                self._state.slot = slot if isinstance(slot, OnAir) else None
            if emergency is not False:
                self._state.emergency = emergency if isinstance(emergency, OnAir) else None

    def _pending_emergencies(self) -> int:
        with self._lock:
            return self._state.emergencies

    def _held(self) -> int:
        with self._lock:
            return self._state.holds

    @contextlib.contextmanager
    def holding(self) -> Iterator[None]:
        """Scheduled airings wait while this is held (live outranks them); a slot that came
        due meanwhile airs late within the grace, or is logged missed."""
        with self._lock:
            self._state.holds += 1
        try:
            yield
        finally:
            with self._lock:
                self._state.holds -= 1

    @contextlib.contextmanager
    def exclusive(self, timeout: float = 10.0) -> Iterator[bool]:
        """The output to oneself (what was on air has finished); False: not within timeout."""
        got = self._air_lock.acquire(timeout=timeout)
        try:
            yield got
        finally:
            if got:
                self._air_lock.release()

    # --- air --------------------------------------------------------------------------------
    def air(self, planned: PlannedSlot) -> AirReport:
        """Air ``planned`` at its start time (or now, if late within grace); log the outcome."""
        early = self._precheck(planned)  # decided without waiting for the output
        if early is not None:
            return early
        while True:
            with self._air_lock:
                if not self._pending_emergencies() and not self._held():
                    report = self._air(planned)
                    if report.outcome != PREEMPTED or self.closing:
                        return report
            self.clock.sleep(0.05)  # an emergency goes first; then this slot airs (late)

    def _precheck(self, planned: PlannedSlot) -> AirReport | None:
        """Closing, already logged, or beyond the grace: the report; else None."""
        if self.closing:
            return AirReport(planned.key, PREEMPTED, t("air.reason.station_stopping"))
        if self.asrun.has_final(planned.key):
            log.info("%s already has an as-run entry: not airing it twice", planned.key)
            return AirReport(planned.key, SKIPPED, t("air.reason.already"))
        late = self.clock.now() - planned.start
        if late > self.grace:
            return self._missed(planned, t(
                "air.reason.not_running", at=f"{planned.start:%H:%M:%S}",
                late=f"{late.total_seconds():.0f}", grace=f"{self.grace.total_seconds():.0f}"))
        return None

    def _air(self, planned: PlannedSlot) -> AirReport:
        early = self._precheck(planned)
        if early is not None:
            return early
        prepared = self.prepare(planned)
        if prepared is not None and self.still_valid is not None and not self.still_valid(
                prepared, self.clock.now()):
            log.warning("%s: a bulletin was withdrawn, changed or aired enough since pre-roll:"
                        " building the program again", planned.key)
            self.invalidate(planned.key)
            prepared = self.prepare(planned)
        if prepared is None:
            return self._prepare_failed(planned)
        if self.closing:
            return AirReport(planned.key, PREEMPTED, t("air.reason.station_stopping"))
        if self.clock.now() - planned.start > self.grace:
            return self._missed(planned, t("air.reason.not_ready"))
        if planned.slot.relays and self.relay is not None:
            try:
                return self.relay(planned, prepared)  # the prepared program is its fallback
            except RelayNotStarted as exc:  # never silence: the fallback airs as a program
                log.error("%s: the relay could not start (%s): its fallback airs", planned.key,
                          exc)
                self.notify(t("relay.not_started", slot=planned.slot.label, reason=exc))
        return self._play(planned, prepared)

    def _prepare_failed(self, planned: PlannedSlot) -> AirReport:
        """The one place a slot without a program is logged failed and the operator told."""
        with self._lock:
            reason = self._state.errors.get(planned.key) or t("air.reason.not_prepared")
        self.asrun.record(slot_key=planned.key, slot_id=planned.slot.id,
                          slot_name=planned.slot.label, scheduled=planned.start,
                          outcome=Outcome.FAILED, now=self.clock.now(), reason=reason)
        self.notify(t("air.failed", slot=planned.slot.label, reason=reason))
        return AirReport(planned.key, Outcome.FAILED, reason)

    def _play(self, planned: PlannedSlot, prepared: PreparedProgram) -> AirReport:
        key, slot = planned.key, planned.slot
        now = self.clock.now()
        start_at = max(planned.start, now)
        row = self.asrun.begin(slot_key=key, slot_id=slot.id, slot_name=slot.label,
                               scheduled=planned.start, now=now, program_hash=prepared.digest,
                               items=prepared.items, sink=self.player.description,
                               program=str(prepared.wav))
        cancel = Cancel()
        self._set_on_air(slot=OnAir(slot.label, start_at, cancel))
        if self._pending_emergencies() or self.closing or self._held():  # came in meanwhile
            cancel.request(ending=Ending.EMERGENCY if not self.closing else Ending.STOPPED)
        self.notify(t("air.on_air", slot=slot.label, duration=_mmss(prepared.duration_ms),
                      when=f"{start_at:%H:%M:%S}"))
        try:
            result = self._run_player(prepared.wav, start_at, slot.id, cancel,
                                      lambda started: self.asrun.mark_started(
                                          row, started, planned.start))
        finally:
            self._set_on_air(slot=None)
        if result.preempted and (self._pending_emergencies() or self.closing):
            # Never reached the air: it airs after the emergency, or (station stopping) at
            # the next start if that is within the grace period.
            self.asrun.discard(row)
            return AirReport(key, PREEMPTED)
        outcome, reason, ending = _judge(result, cancel, planned.start)
        if prepared.warnings:  # aired what was ready; say what was missing
            reason = "; ".join(filter(None, [reason, *prepared.warnings]))
        archive = self._archive_result(result, prepared, planned.start, slot.id)
        self.asrun.finish(row, outcome=outcome, started=result.started, ended=result.ended,
                          scheduled=planned.start, reason=reason, archive=archive,
                          ending=ending)
        self._after(planned, prepared, result, outcome, reason, archive)
        return AirReport(key, outcome, reason, result.started, archive)

    def air_stream(self, streamer: Streamer, spec: StreamAiring) -> AirReport:
        """Air a live source as one as-run row, archived from its recording. The caller holds
        the output (``air`` for a relay slot, ``exclusive`` for live)."""
        cancel, job = spec.cancel, spec.job
        now = self.clock.now()
        prepared = spec.prepared
        row = self.asrun.begin(slot_key=spec.key, slot_id=spec.slot_id, slot_name=spec.label,
                               scheduled=spec.scheduled, now=now, items=spec.items,
                               sink=streamer.description,
                               program_hash=prepared.digest if prepared else "",
                               program=str(prepared.wav) if prepared else "")
        self._set_on_air(slot=OnAir(spec.label, max(job.start_at, now), cancel))
        if self._pending_emergencies() or self.closing:
            cancel.request(ending=Ending.EMERGENCY if not self.closing else Ending.STOPPED)
        try:
            ahead = (job.start_at - self.clock.now()).total_seconds() - spec.ahead_s
            if not self.clock.wait(cancel, ahead) and spec.connect is not None:
                spec.connect()
            result = streamer.stream(job, cancel, lambda started: self.asrun.mark_started(
                row, started, spec.scheduled))
        except Exception as exc:  # noqa: BLE001 - an audio error never kills the station
            log.exception("streaming %s failed", spec.key)
            result = PlayResult(Outcome.FAILED, None, self.clock.now(),
                                t("air.reason.player_error", error=exc), Ending.DEVICE_LOST, 0.0)
        finally:
            self._set_on_air(slot=None)
        if result.preempted and (self._pending_emergencies() or self.closing):
            self.asrun.discard(row)
            return AirReport(spec.key, PREEMPTED)
        outcome, reason, ending = _judge(result, cancel, spec.scheduled)
        if result.started is not None and cancel.is_set() and cancel.ending is Ending.COMPLETED:
            outcome, reason, ending = Outcome.AIRED, "", Ending.COMPLETED  # its normal end
        elif result.started is None and cancel.ending is Ending.DEVICE_LOST:
            outcome, reason, ending = Outcome.FAILED, cancel.reason, Ending.DEVICE_LOST
        if spec.note is not None:
            reason = "; ".join(filter(None, [reason, spec.note(result)]))
        if prepared is not None and prepared.warnings:
            reason = "; ".join(filter(None, [reason, *prepared.warnings]))
        archive = result.archive
        if not archive and job.record is not None and result.started is not None:
            archive = self.archive(job.record, result.started, spec.slot_id,
                                   result.cut(job.source.rate))
        if job.record is not None:
            job.record.unlink(missing_ok=True)
        self.asrun.finish(row, outcome=outcome, started=result.started, ended=result.ended,
                          scheduled=spec.scheduled, reason=reason, archive=archive,
                          ending=ending)
        if spec.planned is not None and prepared is not None:
            self._after(spec.planned, prepared, result, outcome, reason, archive)
        return AirReport(spec.key, outcome, reason, result.started, archive)

    def _run_player(self, wav: Path, start_at: dt.datetime, name: str, cancel: Cancel,
                    on_started: Callable[[dt.datetime], None]) -> PlayResult:
        try:
            return self.player.play(wav, start_at, name=name, cancel=cancel,
                                    on_started=on_started)
        except Exception as exc:  # noqa: BLE001 - an audio error never kills the station
            log.exception("player crashed")
            return PlayResult(Outcome.FAILED, None, self.clock.now(),
                              t("air.reason.player_error", error=exc), Ending.DEVICE_LOST, 0.0)

    def _after(self, planned: PlannedSlot, prepared: PreparedProgram, result: PlayResult,
               outcome: Outcome, reason: str, archive: str) -> None:
        """Count the bulletins of a program that aired; tell the operator."""
        label = planned.slot.label
        if outcome in (Outcome.AIRED, Outcome.LATE) and result.started is not None:
            if self.on_aired is not None:
                try:
                    self.on_aired(prepared, planned.key, result.started)
                except Exception:  # noqa: BLE001 - listeners never crash the sender
                    log.exception("recording the bulletins of %s failed", planned.key)
            offset = (result.started - planned.start).total_seconds() * 1000
            self.notify(t("air.done", slot=label,
                          started=f"{result.started:%H:%M:%S.%f}"[:-3],
                          offset_ms=f"{offset:.0f}", archive=archive))
        elif outcome == Outcome.INTERRUPTED:
            self.notify(t("air.interrupted", slot=label, reason=reason))
        else:
            self.notify(t("air.failed", slot=label, reason=reason))

    # --- emergency --------------------------------------------------------------------------
    def emergency(self, prepared: PreparedProgram, reason: str = "") -> AirReport:
        """Fade out whatever is on air and air ``prepared`` right after; logged as emergency.

        The emergency does not wait for the interrupted airing to wind down: its player starts
        at once and positions the first sample just after the fade-out (the sound server mixes
        the two for that instant; an exclusive device is retried by the player).
        """
        if self.closing:
            return AirReport(prepared.key, PREEMPTED, t("air.reason.station_stopping"))
        with self._emergency_lock:
            with self._lock:
                self._state.emergencies += 1
                current = self._state.slot
            try:
                if current is not None:
                    current.cancel.request(ending=Ending.EMERGENCY,
                                           reason=reason or t("air.reason.emergency"))
                # after the fade has left the output (stop poll ~50 ms + output latency ~100 ms)
                after_s = FADE_S + 0.2 if current is not None else 0.0
                return self._air_emergency(prepared, after_s)
            finally:
                with self._lock:
                    self._state.emergencies -= 1

    def _air_emergency(self, prepared: PreparedProgram, after_s: float) -> AirReport:
        now = self.clock.now()
        start_at = now + dt.timedelta(seconds=after_s)
        row = self.asrun.begin(slot_key=prepared.key, slot_id="emergency", slot_name="KHẨN CẤP",
                               scheduled=now, now=now, program_hash=prepared.digest,
                               items=prepared.items, sink=self.player.description,
                               program=str(prepared.wav))
        cancel = Cancel()
        self._set_on_air(emergency=OnAir(EMERGENCY_LABEL, start_at, cancel))
        try:
            result = self._run_player(prepared.wav, start_at, "emergency", cancel,
                                      lambda started: self.asrun.mark_started(row, started, now))
        finally:
            self._set_on_air(emergency=None)
        outcome, reason, ending = _judge(result, cancel, None)
        if outcome == Outcome.AIRED:
            outcome = Outcome.EMERGENCY
        archive = self._archive_result(result, prepared, now, "emergency")
        self.asrun.finish(row, outcome=outcome, started=result.started, ended=result.ended,
                          scheduled=now, reason=reason, archive=archive, ending=ending)
        return AirReport(prepared.key, outcome, reason, result.started, archive)

    # --- proof ------------------------------------------------------------------------------
    def _missed(self, planned: PlannedSlot, reason: str) -> AirReport:
        self.asrun.record(slot_key=planned.key, slot_id=planned.slot.id,
                          slot_name=planned.slot.label, scheduled=planned.start,
                          outcome=Outcome.MISSED, now=self.clock.now(), reason=reason)
        self.notify(t("air.missed", slot=planned.slot.label,
                      scheduled=f"{planned.start:%H:%M:%S}", reason=reason))
        return AirReport(planned.key, Outcome.MISSED, reason)

    def _archive_result(self, result: PlayResult, prepared: PreparedProgram,
                        when: dt.datetime, name: str) -> str:
        """The archive of exactly what went out: the player's own copy, or a copy of the
        program cut where the airing ended; none when nothing aired."""
        if result.archive:
            return result.archive
        if result.started is None or result.played_s == 0.0:
            return ""  # nothing went out
        try:
            _, rate = frames_of(prepared.wav)
        except ProgramError as exc:
            log.error("archiving %s failed: %s", name, exc)
            return ""
        return self.archive(prepared.wav, when, name, result.cut(rate))

    def archive(self, wav: Path, when: dt.datetime, name: str, cut: Cut | None) -> str:
        """A compact copy of what aired under var/archive/YYYY-MM-DD/ (streamed, never the
        whole program in memory); days past the retention setting are pruned."""
        try:
            return str(archive_program(wav, self.archive_dir, self.archive_format,
                                       self.archive_days, when, name=name, cut=cut).path)
        except ProgramError as exc:
            log.error("archiving %s failed: %s", name, exc)
            return ""

    def settle_crashed(self, last_on_air: dt.datetime | None) -> list[AsRunRow]:
        """At start, before anything airs: settle the airings the last run left on air
        (killed, power cut). Each keeps its start, ends at ``last_on_air`` (the last
        heartbeat) and gets an archive cut from its program file to the time it was on air."""
        def archive(row: AsRunRow, seconds: float) -> tuple[str, float]:
            wav = Path(row.program) if row.program else None
            if wav is None or not verify_wav(wav):
                log.warning("%s: %s", row.slot_key, t("air.reason.no_program_file",
                                                    path=row.program or "-"))
                return "", seconds
            frames, rate = frames_of(wav)
            seconds = min(seconds, frames / rate)
            if seconds <= 0:
                return "", 0.0  # killed at its first sample: nothing to keep
            return self.archive(wav, dt.datetime.fromisoformat(row.scheduled), row.slot_id,
                                Cut.seconds(seconds, 0.0, rate)), seconds

        settled = self.asrun.settle_crashed(last_on_air, archive)
        for row in settled:
            log.warning("%s: %s", row.slot_key, row.reason)
        return settled

    # --- operator ---------------------------------------------------------------------------
    def skip(self, reason: str = "") -> str | None:
        """The operator's skip: fade out what is audible now (never a slot still waiting for
        its start time); returns its label, or None when nothing is on air. Logged as
        interrupted with ending ``skipped`` (not alerted)."""
        with self._lock:
            current = self._state.emergency or self._state.slot
        if current is None or current.since > self.clock.now():
            return None
        self.stop_current(reason or t("air.reason.skipped"), ending=Ending.SKIPPED)
        return current.label

    def stop_current(self, reason: str = "", *, soft: bool = False,
                     ending: Ending = Ending.STOPPED) -> None:
        """End what is on air, logged interrupted with ``reason``: fade out now, or with
        ``soft`` at the next pause in the speech (never mid-word)."""
        with self._lock:
            airings = [a for a in (self._state.emergency, self._state.slot) if a is not None]
        for airing in airings:
            airing.cancel.request(soft=soft, ending=ending,
                                  reason=reason or t("air.reason.station_stopped"))

    def fade_slot(self, reason: str, ending: Ending = Ending.STOPPED) -> None:
        """Fade out the scheduled airing on air now (never an emergency), logged ``reason``."""
        with self._lock:
            current = self._state.slot
        if current is not None:
            current.cancel.request(ending=ending, reason=reason)

    def wait_emergencies(self, timeout: float) -> bool:
        """Wait until no emergency is pending or on air; True if so within ``timeout``."""
        deadline = self.clock.monotonic() + max(0.0, timeout)
        while True:
            with self._lock:
                if not self._state.emergencies and self._state.emergency is None:
                    return True
            if self.clock.monotonic() >= deadline:
                return False
            self.clock.sleep(0.05)

    def wait_idle(self, timeout: float) -> bool:
        """Wait until nothing is on air (an airing in progress has ended); True if so."""
        deadline = self.clock.monotonic() + max(0.0, timeout)
        if not self._air_lock.acquire(timeout=max(0.0, timeout)):
            return False
        self._air_lock.release()
        while True:  # emergencies take no air lock
            with self._lock:
                busy = self._state.emergencies or self._state.emergency is not None
            if not busy:
                return True
            if self.clock.monotonic() >= deadline:
                return False
            self.clock.sleep(0.05)


def _judge(result: PlayResult, cancel: Cancel, scheduled: dt.datetime | None
           ) -> tuple[Outcome, str, Ending]:
    """The logged outcome, reason and ending of one airing: a stop says why it was asked
    (skip, emergency, station stop); a start more than ON_TIME_S after ``scheduled`` is late."""
    outcome, reason, ending = result.outcome, result.reason, result.ending
    if ending in (Ending.STOPPED, Ending.PREEMPTED) and cancel.is_set():
        ending = cancel.ending if result.started is not None else ending
        reason = cancel.reason or reason
    if outcome == Outcome.AIRED and result.started is not None and scheduled is not None:
        late_s = (result.started - scheduled).total_seconds()
        if late_s > ON_TIME_S:
            outcome, reason = Outcome.LATE, t("air.reason.late", seconds=f"{late_s:.1f}")
    if outcome == Outcome.AIRED:
        ending = Ending.COMPLETED
    return outcome, reason, ending


def _mmss(ms: int) -> str:
    s = ms // 1000
    return f"{s // 60}:{s % 60:02d}"
