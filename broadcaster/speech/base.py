"""The engine protocol every TTS adapter implements."""

from __future__ import annotations

from typing import Protocol

from broadcaster.models import Clip, Voice


class Engine(Protocol):
    """Turns one script segment into PCM."""

    name: str

    def synthesize(self, text: str, voice: Voice) -> Clip:
        """Speech for ``text``; raises ``SpeechError`` on failure."""
        ...
