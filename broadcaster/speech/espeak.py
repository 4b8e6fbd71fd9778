"""Offline engine: espeak-ng's Vietnamese voices, run as a subprocess without a shell."""

from __future__ import annotations

import io
import shutil
import subprocess

import soundfile as sf

from broadcaster.errors import SpeechError
from broadcaster.models import Clip, Voice
from broadcaster.speech.base import EngineHealth

VOICES = ("vi", "vi-vn-x-central", "vi-vn-x-south")


class EspeakEngine:
    """espeak-ng reads text from stdin (no shell, no temp files) and writes WAV to stdout."""

    name = "espeak"
    max_chars = 1000
    native_rate = True  # espeak's own -s changes pace without changing pitch
    voices: tuple[str, ...] = VOICES

    def __init__(self, *, voice: str = "vi", wpm: int = 145, pitch: int = 50,
                 executable: str = "espeak-ng", timeout_s: float = 60.0,
                 concurrency: int = 2) -> None:
        if voice not in VOICES:
            raise SpeechError(f"unknown espeak-ng voice '{voice}'", hint=", ".join(VOICES))
        self.voice = voice
        self.wpm = wpm
        self.pitch = pitch
        self.executable = executable
        self.timeout_s = timeout_s
        self.concurrency = concurrency
        self.last_error = ""

    def default_voice(self, rate: float = 1.0) -> Voice:
        return Voice(self.name, self.voice, rate=rate, pitch=self.pitch)

    def _speed(self, voice: Voice) -> int:
        return max(80, min(450, int(round(self.wpm * voice.rate))))

    def settings_key(self, voice: Voice) -> str:
        return f"s={self._speed(voice)};p={voice.pitch}"

    def available(self) -> bool:
        return shutil.which(self.executable) is not None

    def synthesize(self, text: str, voice: Voice) -> Clip:
        exe = shutil.which(self.executable)
        if exe is None:
            self.last_error = "espeak-ng is not installed"
            raise SpeechError(self.last_error, hint="apt-get install espeak-ng")
        name = voice.name if voice.name in VOICES else self.voice
        args = [exe, "-v", name, "-s", str(self._speed(voice)), "-p", str(voice.pitch),
                "-b", "1", "--stdout"]
        try:
            proc = subprocess.run(args, input=text.encode("utf-8"), capture_output=True,
                                  timeout=self.timeout_s, check=False)
        except subprocess.TimeoutExpired:
            self.last_error = f"espeak-ng took longer than {self.timeout_s} s"
            raise SpeechError(self.last_error) from None
        except OSError as exc:
            self.last_error = f"cannot run espeak-ng: {exc}"
            raise SpeechError(self.last_error) from None
        if proc.returncode != 0 or not proc.stdout:
            self.last_error = f"espeak-ng failed: {proc.stderr.decode(errors='replace').strip()}"
            raise SpeechError(self.last_error)
        samples, rate = sf.read(io.BytesIO(proc.stdout), dtype="float32", always_2d=False)
        return Clip(samples, rate, engine=self.name, voice=name)

    def health(self, probe: bool = False) -> EngineHealth:
        ok = self.available()
        return EngineHealth(self.name, ok, None, "n/a",
                            self.last_error if ok else "espeak-ng is not installed", VOICES)
