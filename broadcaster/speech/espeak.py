"""Offline engine: espeak-ng's Vietnamese voices, run as a subprocess without a shell."""

from __future__ import annotations

import io
import shutil
import subprocess

import soundfile as sf

from broadcaster.errors import SpeechError
from broadcaster.models import Clip, Voice

VOICES = ("vi", "vi-vn-x-central", "vi-vn-x-south")


class EspeakEngine:
    name = "espeak"

    def __init__(self, wpm: int = 145, executable: str = "espeak-ng", timeout_s: float = 120.0):
        self.wpm = wpm
        self.executable = executable
        self.timeout_s = timeout_s

    def available(self) -> bool:
        return shutil.which(self.executable) is not None

    def synthesize(self, text: str, voice: Voice) -> Clip:
        exe = shutil.which(self.executable)
        if exe is None:
            raise SpeechError("espeak-ng is not installed", hint="apt-get install espeak-ng")
        args = [exe, "-v", voice.name or "vi", "-s", str(int(self.wpm * voice.rate)),
                "-p", str(voice.pitch), "--stdout", "-b", "1"]
        try:
            proc = subprocess.run(args, input=text.encode("utf-8"), capture_output=True,
                                  timeout=self.timeout_s, check=False)
        except subprocess.TimeoutExpired:
            raise SpeechError(f"espeak-ng took longer than {self.timeout_s} s") from None
        if proc.returncode != 0 or not proc.stdout:
            raise SpeechError(f"espeak-ng failed: {proc.stderr.decode(errors='replace').strip()}")
        samples, rate = sf.read(io.BytesIO(proc.stdout), dtype="float32", always_2d=False)
        return Clip(samples, rate, engine=self.name, voice=voice.name)
