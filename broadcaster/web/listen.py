"""A slot's prepared program for the desk's player: the finished WAV the running station holds
for one airing (asked through the control channel, never built here), its rundown from the
render cache's JSON beside it, and an MP3 copy for the browser (a phone on the ward's Wi-Fi
should not pull 6 MB a minute)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from broadcaster.air.control import call
from broadcaster.config import Station

LISTEN_DIR = "desk-listen"  # under var/: MP3 copies of prepared programs, named by digest
LISTEN_KBPS = 64
KEEP_S = 7 * 86400  # copies older than a week are removed when a new one is made


@dataclass(frozen=True)
class RundownRow:
    """One item of a prepared program: what it is, where it starts, how long it lasts."""

    kind: str
    label: str
    offset_ms: int
    duration_ms: int
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Prepared:
    key: str
    wav: Path
    digest: str
    duration_ms: int
    rundown: tuple[RundownRow, ...]
    warnings: tuple[str, ...] = ()


def fetch(station: Station, key: str, timeout: float = 5.0) -> Prepared | None:
    """The program the running station holds for airing ``key`` (``YYYY-MM-DD/slot``); None
    when it is not built yet. ControlError when the station does not answer."""
    reply = call(station.var_dir, "prepared", timeout=timeout, key=key).get("prepared")
    if not isinstance(reply, dict):
        return None
    wav = Path(str(reply.get("wav", "")))
    programs = station.var("programs").resolve()
    if not wav.resolve().is_relative_to(programs) or not wav.is_file():
        return None  # only the station's own render cache is ever served
    return Prepared(str(reply.get("key", key)), wav, str(reply.get("digest", "")),
                    int(reply.get("duration_ms") or 0), rundown_of(wav),
                    tuple(str(w) for w in reply.get("warnings") or ()))


def rundown_of(wav: Path) -> tuple[RundownRow, ...]:
    """The rundown the renderer wrote beside ``wav`` (``<digest>.json``); empty if none."""
    try:
        data = json.loads(wav.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    rows = [RundownRow(str(e.get("kind", "")), str(e.get("label", "")),
                       int(e.get("offset_ms") or 0), int(e.get("duration_ms") or 0),
                       tuple(str(f) for f in e.get("flags") or ()))
            for e in data.get("rundown") or [] if isinstance(e, dict)]
    return tuple(sorted((r for r in rows if r.kind != "bed"), key=lambda r: r.offset_ms))


def browser_copy(station: Station, prepared: Prepared) -> Path:
    """An MP3 of ``prepared`` under ``var/desk-listen/`` (encoded once per program digest)."""
    from broadcaster.publish.mp3 import encode_mp3

    name = "".join(c for c in prepared.digest if c.isalnum())[:40] or "program"
    out = station.var(LISTEN_DIR) / f"{name}.mp3"
    if not out.is_file():
        encode_mp3(prepared.wav, out, title=prepared.key, date=prepared.key[:10],
                   station=station.settings.name, bitrate_kbps=LISTEN_KBPS)
        _prune(out.parent, out.stat().st_mtime - KEEP_S)
    return out


def _prune(folder: Path, before: float) -> None:
    """Copies of programs long aired go (nothing else writes this folder)."""
    for p in folder.glob("*.mp3"):
        try:
            if p.stat().st_mtime < before:
                p.unlink()
        except OSError:
            continue

