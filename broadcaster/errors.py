"""One root error, one subclass per stage; ``recoverable`` says whether the station carries on.

Errors carry ``where`` (file, line, field) and a ``hint`` (how to fix it); the CLI is the only
place that turns them into exit codes.
"""

from __future__ import annotations


class BroadcasterError(Exception):
    """Root of every error the station raises on purpose."""

    recoverable = True

    def __init__(self, message: str, *, where: str = "", hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class ConfigError(BroadcasterError):
    """station.yaml or another settings file is invalid: fatal at start-up."""

    recoverable = False

    def __init__(self, problems: list[str] | str, *, where: str = "", hint: str = "") -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems), where=where, hint=hint)


class InboxError(BroadcasterError):
    """A dropped file cannot be read as a bulletin."""


class TextError(BroadcasterError):
    """Text cannot be turned into a script (bad front matter, nothing speakable)."""


class SpeechError(BroadcasterError):
    """A TTS engine failed; the next engine in the chain is tried."""


class ProgramError(BroadcasterError):
    """A program cannot be assembled (missing audio, over-long)."""


class ScheduleError(BroadcasterError):
    """A schedule file is invalid."""

    def __init__(self, problems: list[str] | str, *, where: str = "", hint: str = "") -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems), where=where, hint=hint)


class AirError(BroadcasterError):
    """The sound output failed; playout retries with a fresh player."""


def public_url(url: str) -> str:
    """``url`` without a user and password: how logs, alerts, status and the as-run log name a
    stream, a feed or a server (a password written in a URL is never shown)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
