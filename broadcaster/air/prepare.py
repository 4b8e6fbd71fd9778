"""Prepare a slot's program ahead of air: resolve its items, get their speech, render it.

Schedule items become the program stage's model (jingles, music, text to say, bulletins chosen
from the store, silence); speech comes from the render-ahead service when ready, otherwise from
the engine chain (gTTS -> edge -> espeak-ng, cached). The result is a finished, verified local
WAV keyed by a hash of its content; only such files go on air. Anything missing is reported by
name and the program is built without it.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from broadcaster.air.schedule import (
    AudioItem,
    BulletinItem,
    BulletinsItem,
    JingleItem,
    MusicItem,
    PlannedSlot,
    SayItem,
    SilenceItem,
)
from broadcaster.air.select import select_bulletins
from broadcaster.config import Station
from broadcaster.errors import BroadcasterError, ProgramError
from broadcaster.models import Clip, Priority
from broadcaster.program import model as pm
from broadcaster.program.audio import resample
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
    slot: Any = field(default=None, compare=False)  # the Slot it was built from


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
    """Turns a planned slot into a finished program file under ``var/programs/``."""

    def __init__(self, station: Station, *, engines: Sequence[Any] | None = None,
                 cache: Any = None, store: Callable[[], Any] | None = None,
                 speech_service: Callable[[], Any] | None = None) -> None:
        self.station = station
        s = station.settings
        self.rate = s.audio.sample_rate
        self._engines = list(engines) if engines is not None else None
        self._cache = cache
        self._store = store or (lambda: None)
        self._service = speech_service or (lambda: None)
        lex = s.text.lexicon
        self._lexicon_path = station.resolve(lex) if lex else None
        self._lexicon: Any = None
        self._clips: dict[str, Clip | None] = {}  # per preparation (see _memo)
        self._paths: dict[str, Path] = {}  # finished speech files, per preparation
        self._memo_lock = threading.Lock()

    # --- speech -------------------------------------------------------------------------------
    def use_engines(self, engines: Sequence[Any], cache: Any = None) -> None:
        """Share the render-ahead service's engines (one breaker state) and cache."""
        self._engines = list(engines)
        if cache is not None:
            self._cache = cache

    def _engine_chain(self) -> list[Any]:
        if self._engines is None:
            from broadcaster.speech import SpeechCache, build_engines

            s = self.station.settings.speech
            self._engines = build_engines(s)
            if self._cache is None:
                self._cache = SpeechCache(self.station.var("cache", "speech"),
                                          s.cache_max_mb * 1024 * 1024)
        return self._engines

    def speak(self, text: str, *, engine: str | None = None, voice: str | None = None,
              fastest: bool = False) -> Clip:
        """``text`` through the text stage and the engine chain (``fastest``: offline first)."""
        from broadcaster.speech import order_engines, render_script, voices_for
        from broadcaster.text import load_lexicon, to_script

        s = self.station.settings
        if self._lexicon is None and self._lexicon_path is not None:
            self._lexicon = load_lexicon(self._lexicon_path)
        script = to_script(text, dialect=s.dialect, headings=s.text.headings,
                           lexicon=self._lexicon)
        if not script.segments:
            raise ProgramError("nothing to read")
        chain = self._engine_chain()
        chain = order_engines(chain, "espeak" if fastest else engine)
        return render_script(script, chain, pauses=s.speech.pauses_ms, rate=s.speech.rate,
                             voices=voices_for(chain, voice, strict=False), cache=self._cache)

    def _record(self, bulletin_id: str) -> Any:
        store = self._store()
        record = store.get(bulletin_id) if store is not None else None
        if record is None:
            raise ProgramError(f"bulletin {bulletin_id} is not in the store")
        return record

    def _finished_speech(self, record: Any) -> Path | None:
        """The bulletin's speech as rendered ahead by the speech stage, if it is whole."""
        if verify_wav(record.speech_path):
            return Path(record.speech_path)
        service = self._service()
        if service is not None:
            ready = service.ready(record.bulletin())
            if verify_wav(ready):
                return Path(ready)
        return None

    def _file_speech(self, path: Path) -> Clip:
        try:
            from broadcaster.inbox.reader import read_bulletin

            bulletin = read_bulletin(path)
        except OSError as exc:
            raise ProgramError(f"cannot read bulletin: {exc.strerror}", where=str(path)) from None
        return self.speak(bulletin.body, engine=bulletin.meta.engine, voice=bulletin.meta.voice)

    def _memo(self, key: str, make: Callable[[], Clip | None]) -> Clip | None:
        """The program renderer asks for a clip more than once: give it the same samples."""
        with self._memo_lock:
            if key in self._clips:
                return self._clips[key]
        clip = make()
        with self._memo_lock:
            return self._clips.setdefault(key, clip)

    def speech_for(self, bulletin_id: str) -> Clip | None:
        if bulletin_id.startswith(FILE_PREFIX):
            path = self.station.resolve(bulletin_id[len(FILE_PREFIX):])
            return self._memo("b:" + bulletin_id, lambda: self._file_speech(path))
        with self._memo_lock:
            if "b:" + bulletin_id in self._clips:
                return self._clips["b:" + bulletin_id]
            ready = self._paths.get(bulletin_id)
        if ready is None:
            record = self._record(bulletin_id)
            ready = self._finished_speech(record)
            if ready is None:  # made on the spot: made once, handed out again
                log.info("speech of %s not rendered ahead: rendering now", bulletin_id)
                return self._memo("b:" + bulletin_id, lambda: self.speak(
                    record.body, engine=record.engine, voice=record.voice))
            with self._memo_lock:
                ready = self._paths.setdefault(bulletin_id, ready)
        # speech the speech stage finished ahead is read again from the same file when the
        # renderer asks again, not held: an hour of it would be some 200 MB for the whole render
        return _clip_from_wav(ready)

    def say(self, text: str) -> Clip | None:
        return self._memo("s:" + text, lambda: self.speak(text))

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
            except BroadcasterError as exc:
                warnings.append(str(exc))
                log.warning("%s: item skipped: %s", planned.key, exc)
        return items, versions

    def _selected(self, planned: PlannedSlot, item: BulletinsItem, versions: dict[str, int],
                  warnings: list[str]) -> list[pm.Item]:
        store = self._store()
        if store is None:
            warnings.append("no bulletin store: bulletins by selection skipped")
            return []

        def duration(record: Any) -> int | None:
            if verify_wav(record.speech_path):
                return int(sf.info(str(record.speech_path)).duration * 1000)
            return None

        chosen = select_bulletins(store.eligible(planned.start), item.bulletins, planned.slot.id,
                                  taken=versions, duration_ms=duration)
        out: list[pm.Item] = []
        between = self.station.settings.program.jingles.between
        for i, record in enumerate(chosen):
            if i and between:
                out.append(pm.Jingle(path=between, label="between", belongs_to=record.id))
            out.append(pm.BulletinItem(bulletin_id=record.id, label=record.title,
                                       priority=Priority(record.priority)))
            versions[record.id] = record.version
        if not chosen:
            log.info("%s: no bulletin matches %s", planned.key, item.bulletins)
        return out

    def prepare(self, planned: PlannedSlot) -> PreparedProgram:
        with self._memo_lock:
            self._clips, self._paths = {}, {}
        try:
            return self._prepare(planned)
        finally:
            with self._memo_lock:
                self._clips, self._paths = {}, {}  # samples need not outlive the render

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
        return PreparedProgram(planned.key, rendered.wav_path, rendered.digest, tuple(labels),
                               int(rendered.duration_ms), tuple(warnings + list(rendered.warnings)),
                               aired, tuple(rendered.dropped))

    def prepare_emergency(self, text: str, repeat: int, key: str) -> PreparedProgram:
        """Alert tone and the message, ``repeat`` times, spoken by the fastest engine (offline).

        Peak-normalised and concatenated rather than rendered by the program stage: the
        message must be on air within a second of the operator's request."""
        speech = self.speak(text, fastest=True)
        tone = alert_tone(self.rate)
        gap = np.zeros(int(0.4 * self.rate), np.float32)
        voice = resample(speech.samples, speech.sample_rate, self.rate)
        peak = float(np.max(np.abs(voice))) or 1.0
        voice = voice * (10 ** (-1 / 20) / peak)
        parts: list[np.ndarray] = []
        labels: list[str] = []
        for _ in range(repeat):
            parts += [tone, gap, voice, gap]
            labels += ["jingle:alert", "speech:emergency"]
        samples = np.concatenate(parts).astype(np.float32)
        digest = hashlib.sha256(samples.tobytes()).hexdigest()[:16]
        wav = self.station.var("programs") / f"emergency-{digest}.wav"
        if not verify_wav(wav):
            write_wav_atomic(wav, samples, self.rate)
        return PreparedProgram(key, wav, digest, tuple(labels),
                               int(len(samples) * 1000 / self.rate))
