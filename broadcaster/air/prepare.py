"""Prepare a slot's program ahead of air: resolve its items, speak its text, assemble, write.

The result is a finished, verified local WAV keyed by a hash of its content; only such files go
on air. Anything missing is reported by name and the program is built without it.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
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
    SayItem,
    SilenceItem,
)
from broadcaster.config import Station
from broadcaster.errors import BroadcasterError, ProgramError
from broadcaster.models import Clip, Voice
from broadcaster.program.assemble import assemble
from broadcaster.program.audio import load_audio, silence
from broadcaster.program.jingles import alert_tone
from broadcaster.speech.espeak import EspeakEngine
from broadcaster.text import to_script

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PreparedProgram:
    key: str
    wav: Path
    digest: str
    items: tuple[str, ...]
    duration_ms: int
    warnings: tuple[str, ...] = ()


def write_wav_atomic(path: Path, samples: np.ndarray, rate: int) -> None:
    """Write 16-bit PCM WAV via a temp file and rename: readers never see a partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    sf.write(str(tmp), samples, rate, subtype="PCM_16", format="WAV")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def verify_wav(path: Path) -> bool:
    """True when ``path`` is a complete, readable WAV."""
    try:
        info = sf.info(str(path))
        return info.frames > 0
    except (OSError, RuntimeError):
        return False


class Preparer:
    """Turns a planned slot into a finished program file under ``var/programs/``."""

    def __init__(self, station: Station) -> None:
        self.station = station
        s = station.settings
        self.rate = s.audio.sample_rate
        self.engine = EspeakEngine(wpm=s.speech.espeak_wpm)
        self.voice = Voice("espeak", s.speech.espeak_voice, rate=s.speech.rate,
                           pitch=s.speech.espeak_pitch)

    def speak(self, text: str) -> Clip:
        script = to_script(text, dialect=self.station.settings.dialect,
                           headings=self.station.settings.text.headings)
        if not script.segments:
            raise ProgramError("nothing to read")
        return self.engine.synthesize("\n".join(script.lines()), self.voice)

    def _jingle_path(self, name: str) -> Path:
        jingles = self.station.settings.program.jingles
        configured = getattr(jingles, name, None) if name in ("open", "close", "between") else name
        if configured is None:
            raise ProgramError(f"jingle '{name}' is switched off in station.yaml")
        return self.station.resolve(configured)

    def prepare_emergency(self, text: str, repeat: int, key: str) -> PreparedProgram:
        """Alert tone and the message, ``repeat`` times, spoken by the fastest engine (offline)."""
        speech = self.speak(text)
        parts: list[tuple[str, str, np.ndarray | Clip]] = []
        for _ in range(repeat):
            parts += [("jingle", "alert", alert_tone(self.rate)), ("speech", "emergency", speech)]
        program = assemble(parts, self.rate, gap_ms=400)
        wav = self.station.var("programs") / f"emergency-{program.digest}.wav"
        if not verify_wav(wav):
            write_wav_atomic(wav, program.samples, self.rate)
        return PreparedProgram(key, wav, program.digest,
                               tuple(f"{e.kind}:{e.label}" for e in program.rundown),
                               program.duration_ms)

    def prepare(self, planned: PlannedSlot) -> PreparedProgram:
        parts: list[tuple[str, str, np.ndarray | Clip]] = []
        warnings: list[str] = []
        for item in planned.slot.program:
            try:
                if isinstance(item, JingleItem):
                    parts.append(("jingle", item.jingle,
                                  load_audio(self._jingle_path(item.jingle), self.rate)))
                elif isinstance(item, (AudioItem, MusicItem)):
                    path = item.audio if isinstance(item, AudioItem) else item.music
                    parts.append(("music" if isinstance(item, MusicItem) else "audio", path,
                                  load_audio(self.station.resolve(path), self.rate)))
                elif isinstance(item, SayItem):
                    parts.append(("speech", item.say[:40], self.speak(item.say)))
                elif isinstance(item, BulletinItem):
                    path = self.station.resolve(item.bulletin)
                    try:
                        text = path.read_text(encoding="utf-8-sig")
                    except OSError as exc:
                        raise ProgramError(f"cannot read bulletin: {exc.strerror}",
                                           where=str(path)) from None
                    parts.append(("bulletin", item.bulletin, self.speak(text)))
                elif isinstance(item, SilenceItem):
                    parts.append(("silence", f"{item.silence_ms} ms",
                                  silence(item.silence_ms, self.rate)))
                elif isinstance(item, BulletinsItem):
                    warnings.append("bulletin selection by tags needs the bulletin store; skipped")
            except BroadcasterError as exc:
                warnings.append(str(exc))
                log.warning("%s: item skipped: %s", planned.key, exc)
        if not parts:
            raise ProgramError(f"slot {planned.key} has nothing to air",
                               hint="; ".join(warnings))
        program = assemble(parts, self.rate, gap_ms=self.station.settings.program.gap_ms)
        name = planned.key.replace("/", "_")
        digest = hashlib.sha256(program.samples.tobytes()).hexdigest()[:16]
        wav = self.station.var("programs") / f"{name}-{digest}.wav"
        if not verify_wav(wav):
            write_wav_atomic(wav, program.samples, self.rate)
        return PreparedProgram(planned.key, wav, digest,
                               tuple(f"{e.kind}:{e.label}" for e in program.rundown),
                               program.duration_ms, tuple(warnings))
