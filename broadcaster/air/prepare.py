"""Prepare a slot's program ahead of air: resolve its items, get their speech, render it.

Schedule items become the program stage's model (jingles, music, text to say, bulletins chosen
from the store, silence); speech comes from the render-ahead service when ready, otherwise from
the engine chain (gTTS -> edge -> espeak-ng, cached). The result is a finished, verified local
WAV keyed by a hash of its content; only such files go on air. Anything missing is reported by
name and the program is built without it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf

from broadcaster.air.schedule import (
    AudioItem,
    BulletinItem,
    BulletinsItem,
    JingleItem,
    MusicItem,
    PlannedSlot,
    RelayItem,
    SayItem,
    SilenceItem,
    Slot,
)
from broadcaster.air.select import Candidate, select_bulletins, selected_versions, settled
from broadcaster.config import Station
from broadcaster.errors import BroadcasterError, ProgramError
from broadcaster.inbox.store import BulletinRecord, BulletinStore
from broadcaster.models import Bulletin, Clip, Priority
from broadcaster.pipeline import Pipeline
from broadcaster.program import model as pm
from broadcaster.program.jingles import alert_tone
from broadcaster.program.render import render_program
from broadcaster.speech.audio import write_wav_atomic

log = logging.getLogger(__name__)

FILE_PREFIX = "file:"


@dataclass(frozen=True)
class PreparedProgram:
    key: str
    wav: Path
    digest: str
    items: tuple[str, ...]
    duration_ms: int
    warnings: tuple[str, ...] = ()
    bulletins: tuple[tuple[str, int], ...] = field(default=())  # (store id, version) aired
    dropped: tuple[str, ...] = ()  # bulletin ids left for the next slot (duration policy)
    selected: tuple[tuple[str, int], ...] = ()  # what the selection picked (before the policy)
    slot: Slot | None = field(default=None, compare=False)  # the Slot it was built from
    # (offset_ms, duration_ms) of each relay item's fallback in ``wav``, in program order: the
    # relay airs there instead (None: that fallback is missing from the program)
    relays: tuple[tuple[int, int] | None, ...] = ()
    air_ms: int | None = None  # how long it airs, when that differs (relays for their minutes)

    @property
    def on_air_ms(self) -> int:
        """How long the program takes on air (each relay for its minutes, not its fallback's)."""
        return self.duration_ms if self.air_ms is None else self.air_ms


def relay_label(index: int) -> str:
    """The rundown label of the ``index``-th relay item's fallback (the first: as before)."""
    return "relay-fallback" if index == 0 else f"relay-fallback-{index + 1}"


def verify_wav(path: Path | None) -> bool:
    """True when ``path`` is a complete, readable WAV."""
    if path is None:
        return False
    try:
        return sf.info(str(path)).frames > 0
    except (OSError, RuntimeError):
        return False


def _clip_from_wav(path: Path) -> Clip:
    try:
        data, rate = sf.read(str(path), dtype="float32", always_2d=False)
    except (sf.LibsndfileError, RuntimeError, OSError) as exc:
        raise ProgramError(f"cannot read speech: {exc}", where=str(path)) from None
    if data.ndim == 2:
        data = data.mean(axis=1)
    return Clip(np.ascontiguousarray(data, np.float32), rate)


class Preparer:
    """Turns a planned slot into a finished program file under ``var/programs/``.

    Speech comes from the station's one pipeline: a bulletin's stored speech is used only when
    it was made under the current speech key (text, lexicon content, rules, engines, voice);
    otherwise it is made now, so an old reading never airs."""

    def __init__(self, station: Station, pipeline: Pipeline, store: BulletinStore | None = None
                 ) -> None:
        self.station = station
        self.pipeline = pipeline
        self.store = store
        self.rate = station.settings.audio.sample_rate
        self._said: dict[str, Clip] = {}  # ``say:`` clips, per preparation (asked for twice)
        self._memo_lock = threading.Lock()

    # --- speech -------------------------------------------------------------------------------
    def _record(self, bulletin_id: str) -> BulletinRecord:
        record = self.store.get(bulletin_id) if self.store is not None else None
        if record is None:
            raise ProgramError(f"bulletin {bulletin_id} is not in the store")
        return record

    def _file_bulletin(self, relative: str) -> Bulletin:
        from broadcaster.inbox.reader import is_audio, read_bulletin

        path = self.station.resolve(relative)
        try:
            with path.open("rb") as fh:
                if is_audio(fh.read(64)):  # a recording named in the schedule: leveled, aired
                    return Bulletin(id=path.stem, source=path, body="", audio=path)
            return read_bulletin(path)
        except OSError as exc:
            raise ProgramError(f"cannot read bulletin: {exc.strerror}", where=str(path)) from None

    def speech_for(self, bulletin_id: str) -> Clip | None:
        """The speech of a store bulletin (or ``file:PATH``), read from its finished file.

        Read again each time the renderer asks rather than held: an hour of speech would be
        some 200 MB for the whole render."""
        if bulletin_id.startswith(FILE_PREFIX):
            bulletin = self._file_bulletin(bulletin_id[len(FILE_PREFIX):])
        else:
            bulletin = self._record(bulletin_id).bulletin()
        return _clip_from_wav(self.pipeline.speech(bulletin))

    def say(self, text: str) -> Clip | None:
        with self._memo_lock:
            if text in self._said:
                return self._said[text]
        clip = self.pipeline.speak(text)
        with self._memo_lock:
            return self._said.setdefault(text, clip)

    def duration_ms(self, record: Candidate) -> int | None:
        """Length of a bulletin's finished speech, if ready, or of its recording (selection
        budgets with it)."""
        if not isinstance(record, BulletinRecord):
            return None
        bulletin = record.bulletin()
        info = self.pipeline.info(bulletin)
        if info is not None:
            return info.duration_ms
        if bulletin.audio is not None:  # a recording not leveled yet: its length as recorded
            try:
                return self.pipeline.recording_ms(bulletin.audio)
            except BroadcasterError:
                return None
        return None

    def eligible(self, planned: PlannedSlot, *, settle: bool = True) -> list[Candidate]:
        """Store bulletins ``planned`` may carry: eligible at its start and (``settle``)
        airable before its selection settled (``playout.settle_seconds`` before air)."""
        if self.store is None:
            return []
        found: list[Candidate] = list(self.store.eligible(planned.start))
        if not settle:
            return found
        cut = dt.timedelta(seconds=self.station.settings.playout.settle_seconds)
        return settled(found, planned.start, cut)

    def selection(self, planned: PlannedSlot, *, settle: bool = True
                  ) -> tuple[tuple[str, int], ...]:
        """(id, version) of the store bulletins ``planned`` airs if built now (``settle``
        False: as if every bulletin had come in time)."""
        return selected_versions(planned.slot.program, planned.slot.id,
                                 self.eligible(planned, settle=settle),
                                 duration_ms=self.duration_ms)

    # --- program --------------------------------------------------------------------------------
    def _jingle_path(self, name: str) -> str:
        jingles = self.station.settings.program.jingles
        if name in ("open", "close", "between"):
            configured = getattr(jingles, name)
            if configured is None:
                raise ProgramError(f"jingle '{name}' is switched off in station.yaml")
            return configured
        return name

    def _items(self, planned: PlannedSlot, warnings: list[str]
               ) -> tuple[list[pm.Item], dict[str, int]]:
        items: list[pm.Item] = []
        versions: dict[str, int] = {}
        relays = 0
        for item in planned.slot.program:
            try:
                if isinstance(item, JingleItem):
                    items.append(pm.Jingle(path=self._jingle_path(item.jingle),
                                           label=item.jingle, gain_db=item.gain_db))
                elif isinstance(item, AudioItem):
                    items.append(pm.Jingle(path=item.audio, gain_db=item.gain_db,
                                           fade_in_ms=item.fade_in_ms,
                                           fade_out_ms=item.fade_out_ms))
                elif isinstance(item, MusicItem):
                    items.append(pm.Music(path=item.music, gain_db=item.gain_db,
                                          fade_in_ms=item.fade_in_ms,
                                          fade_out_ms=item.fade_out_ms,
                                          max_ms=int(item.max_seconds * 1000)
                                          if item.max_seconds else None))
                elif isinstance(item, SayItem):
                    items.append(pm.Say(text=item.say))
                elif isinstance(item, BulletinItem):
                    items.append(pm.BulletinItem(bulletin_id=FILE_PREFIX + item.bulletin,
                                                 label=item.bulletin))
                elif isinstance(item, SilenceItem):
                    items.append(pm.Silence(ms=item.silence_ms))
                elif isinstance(item, BulletinsItem):
                    items += self._selected(planned, item, versions, warnings)
                elif isinstance(item, RelayItem):  # its place holds its fallback
                    items.append(pm.Jingle(path=item.relay.fallback, zones=item.zones,
                                           label=relay_label(relays)))
                    relays += 1
            except BroadcasterError as exc:
                warnings.append(str(exc))
                log.warning("%s: item skipped: %s", planned.key, exc)
        return items, versions

    def _selected(self, planned: PlannedSlot, item: BulletinsItem, versions: dict[str, int],
                  warnings: list[str]) -> list[pm.Item]:
        if self.store is None:
            warnings.append("no bulletin store: bulletins by selection skipped")
            return []
        chosen = select_bulletins(self.eligible(planned), item.bulletins, planned.slot.id,
                                  taken=versions, duration_ms=self.duration_ms)
        out: list[pm.Item] = []
        between = self.station.settings.program.jingles.between
        for i, record in enumerate(chosen):
            if i and between:
                out.append(pm.Jingle(path=between, label="between", belongs_to=record.id,
                                     zones=item.zones))
            out.append(pm.BulletinItem(bulletin_id=record.id, label=record.title,
                                       priority=Priority(record.priority), zones=item.zones))
            versions[record.id] = record.version
        if not chosen:
            log.info("%s: no bulletin matches %s", planned.key, item.bulletins)
        return out

    def prepare(self, planned: PlannedSlot) -> PreparedProgram:
        with self._memo_lock:
            self._said = {}
        try:
            return self._prepare(planned)
        finally:
            with self._memo_lock:
                self._said = {}  # samples need not outlive the render

    def _prepare(self, planned: PlannedSlot) -> PreparedProgram:
        s = self.station.settings
        warnings: list[str] = []
        items, versions = self._items(planned, warnings)
        if not items:
            raise ProgramError(f"slot {planned.key} has nothing to air", hint="; ".join(warnings))
        minutes = planned.slot.max_minutes or s.policy.max_session_minutes
        program = pm.Program(tuple(items), label=planned.slot.label,
                             max_ms=int(minutes * 60_000), overlong=s.policy.overlong)
        rendered = render_program(program, s.program, sample_rate=self.rate,
                                  resolve_path=self.station.resolve, speech_for=self.speech_for,
                                  say=self.say, cache_dir=self.station.var("programs"))
        if rendered.wav_path is None or not verify_wav(rendered.wav_path):
            raise ProgramError(f"slot {planned.key}: the rendered program is not readable")
        labels = []
        for entry in rendered.rundown:
            label = f"{entry.kind}:{entry.label}"
            if entry.kind == "bulletin" and entry.source in versions:
                label += f"@v{versions[entry.source]}"
            labels.append(label + (f" ({', '.join(entry.flags)})" if entry.flags else ""))
        aired = tuple((bid, v) for bid, v in versions.items() if bid not in rendered.dropped)
        # a fallback that is quiet or short (flagged "silent") still holds the relay's place
        places = {e.label: (e.offset_ms, e.duration_ms) for e in rendered.rundown
                  if e.kind == "jingle" and e.duration_ms > 0
                  and not {"missing", "corrupt", "truncated"} & set(e.flags)}
        relays = tuple(places.get(relay_label(j)) for j in range(len(planned.slot.relays)))
        air_ms = int(rendered.duration_ms) + sum(
            int(item.relay.minutes * 60_000) - place[1]
            for item, place in zip(planned.slot.relays, relays, strict=True) if place is not None)
        return PreparedProgram(planned.key, rendered.wav_path, rendered.digest, tuple(labels),
                               int(rendered.duration_ms), tuple(warnings + list(rendered.warnings)),
                               aired, tuple(rendered.dropped), selected=tuple(versions.items()),
                               relays=relays, air_ms=air_ms if relays else None)

    def warm_up(self) -> None:
        """Load and run the emergency path once (its first call pays for scipy's import and
        filter set-up: seconds on a busy machine), so the operator's first alert does not."""
        from broadcaster.program.emergency import emergency_audio

        clip = Clip(np.zeros(self.rate // 10, np.float32), self.rate)
        emergency_audio(alert_tone(self.rate), clip, 1, self.station.settings.program, self.rate)

    def prepare_emergency(self, text: str, repeat: int, key: str, *,
                          audio: Path | None = None) -> PreparedProgram:
        """Alert tone and the message, ``repeat`` times, spoken by the fastest engine (offline)
        or, with ``audio``, that recording, at the station loudness plus
        ``program.emergency_gain_lu`` under the true-peak ceiling (the same every time),
        processed in memory: it must be on air within a second."""
        from broadcaster.program.emergency import emergency_audio

        message = (self.pipeline.recording(audio) if audio is not None
                   else self.pipeline.speak(text, fastest=True))
        samples = emergency_audio(alert_tone(self.rate), message, repeat,
                                  self.station.settings.program, self.rate)
        kind = "recording" if audio is not None else "speech"
        labels = ("jingle:alert", f"{kind}:emergency") * repeat
        digest = hashlib.sha256(samples.tobytes()).hexdigest()[:16]
        wav = self.station.var("programs") / f"emergency-{digest}.wav"
        if not verify_wav(wav):
            write_wav_atomic(wav, samples, self.rate)
        return PreparedProgram(key, wav, digest, labels,
                               int(len(samples) * 1000 / self.rate))
