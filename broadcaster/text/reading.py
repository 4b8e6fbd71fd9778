"""The station's reading: the text settings and lexicon that decide how a bulletin is read.

The pipeline reads every bulletin through one ``Reading`` (``Pipeline.reading``), and the
``text`` command builds the same object, so the script an editor previews is the script that
airs. It needs three settings only (dialect, heading rule, lexicon file), so ``text`` can build
it from a snapshot of the last validated settings (``ReadingSettings.save``/``cached``) without
loading the settings models on every run: the validation library and its models are most of the
command's start-up time. The snapshot is keyed by the bytes of ``station.yaml`` and of the
shipped defaults and by the package version: any change and the command validates again.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from broadcaster import text as textstage
from broadcaster.models import Script
from broadcaster.text import Change, Lexicon, explain, load_lexicon, to_script

# 2: settings read before a key written twice was refused could have vouched for such a file
SNAPSHOT_VERSION = 2


def _shipped_text_digest() -> str:
    """The text stage's shipped data tables (abbreviations, units ...), by content."""
    h = hashlib.sha256()
    data = resources.files("broadcaster.text").joinpath("data")
    for entry in sorted(data.iterdir(), key=lambda e: e.name):
        if entry.is_file():
            h.update(entry.name.encode())
            h.update(entry.read_bytes())
    return h.hexdigest()


def settings_digest(config_file: Path) -> str:
    """What a reading snapshot is valid for: ``station.yaml``, the shipped defaults, the version."""
    from broadcaster import __version__

    h = hashlib.sha256(f"{SNAPSHOT_VERSION}:{__version__}:".encode())
    h.update(resources.files("broadcaster").joinpath("defaults.yaml").read_bytes())
    h.update(b"\0")
    h.update(config_file.read_bytes())
    return h.hexdigest()


@dataclass(frozen=True)
class ReadingSettings:
    """``dialect``, ``text.headings`` and ``text.lexicon`` (as written) of a validated station;
    ``lexicon_file`` is the lexicon resolved against the station folder."""

    dialect: str
    headings: str
    lexicon: str | None
    lexicon_file: Path | None

    def save(self, snapshot: Path, config_file: Path) -> None:
        """Remember these settings for ``config_file`` as it is now (best effort: a read-only
        station folder only makes the next ``text`` validate again)."""
        from broadcaster.durable import write_json

        data = {"dialect": self.dialect, "headings": self.headings, "lexicon": self.lexicon,
                "digest": settings_digest(config_file)}
        try:
            snapshot.parent.mkdir(parents=True, exist_ok=True)
            write_json(snapshot, data)
        except OSError:
            pass

    @classmethod
    def cached(cls, snapshot: Path, config_file: Path) -> ReadingSettings | None:
        """The snapshot, if it was taken from ``config_file`` exactly as it is now."""
        try:
            data = json.loads(snapshot.read_text(encoding="utf-8"))
            if data.get("digest") != settings_digest(config_file):
                return None
            lexicon = str(data["lexicon"]) if data["lexicon"] else None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        # resolved as ``Station.resolve`` does: against the station folder, wherever it now is
        return cls(dialect=str(data["dialect"]), headings=str(data["headings"]), lexicon=lexicon,
                   lexicon_file=config_file.parent / lexicon if lexicon else None)


class Reading:
    """Text -> script under one station's reading, the lexicon re-read when its file changes."""

    def __init__(self, settings: ReadingSettings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._lex: tuple[tuple[int, int] | None, Lexicon, str] | None = None
        self._shipped = ""

    def lexicon(self) -> tuple[Lexicon, str]:
        """The station lexicon (re-read when its file changes) and a digest of its content."""
        path = self.settings.lexicon_file
        try:
            stamp = (path.stat().st_mtime_ns, path.stat().st_size) if path else None
        except OSError:
            stamp = None
        with self._lock:
            if self._lex is not None and self._lex[0] == stamp:
                return self._lex[1], self._lex[2]
            lexicon = load_lexicon(path)
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if stamp and path else "-"
            self._lex = (stamp, lexicon, digest)
            return lexicon, digest

    def key(self) -> str:
        """Digest of everything that decides the reading (lexicon content, rules, settings)."""
        _lexicon, digest = self.lexicon()
        if not self._shipped:
            self._shipped = _shipped_text_digest()
        s = self.settings
        raw = json.dumps([textstage.RULES_VERSION, self._shipped, digest, s.dialect,
                          {"headings": s.headings, "lexicon": s.lexicon}], sort_keys=True)
        return hashlib.sha256(raw.encode()).hexdigest()[:20]

    def script(self, text: str, *, dialect: str | None = None, headings: str | None = None,
               max_chars: int | None = None) -> Script:
        """The script an announcer reads for ``text`` (the ``text`` command may try another
        dialect, heading rule or clause length)."""
        lexicon, _digest = self.lexicon()
        return to_script(text, dialect=dialect or self.settings.dialect,
                         headings=headings or self.settings.headings, lexicon=lexicon,
                         max_chars=max_chars)

    def explain(self, text: str, *, dialect: str | None = None, headings: str | None = None,
                max_chars: int | None = None) -> list[Change]:
        """Every change the text stage makes to ``text`` on its way to the script."""
        lexicon, _digest = self.lexicon()
        return explain(text, dialect=dialect or self.settings.dialect,
                       headings=headings or self.settings.headings, lexicon=lexicon,
                       max_chars=max_chars)
