"""Zoned stretches of a program: a ``bulletins`` selection or a relay item with ``zones:``
reaches only those zones of its slot; the other outputs are silent meanwhile.

The zones travel with the audio: the renderer writes each item's zones into the program's
rundown (``<digest>.json`` beside ``<digest>.wav``; the zones are part of the digest), so a
player that is handed the WAV finds its routing there, and a program is never aired with
another program's routing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from broadcaster import durable

log = logging.getLogger(__name__)

MERGE_S = 2.0  # zoned items closer than this (the gap between two bulletins) are one stretch
EDGE_S = 0.01  # a muted stretch fades in and out this fast (no click on the horn)


@dataclass(frozen=True)
class Span:
    """Frames [start, end) of the program reach only ``zones`` (within the slot's)."""

    start: int
    end: int
    zones: tuple[str, ...]


TITLED = {"bulletin": "", "say": "", "music": "", "recording": ""}  # items named on the stream


@dataclass(frozen=True)
class ProgramMap:
    """What the rundown beside a program says about routing it: its zoned stretches, and where
    each item starts with its title (a bulletin's title, a music file; "" for chimes, gaps)."""

    spans: tuple[Span, ...] = ()
    items: tuple[tuple[int, str], ...] = ()  # (first frame, item title), in program order

    def titles(self, base: str) -> tuple[tuple[int, str], ...]:
        """(first frame, stream title) for the whole program: ``base - item`` or ``base``."""
        return tuple((at, f"{base} – {name}" if name else base) for at, name in self.items)


def title_at(titles: Sequence[tuple[int, str]], frame: int, base: str) -> str:
    """The title of the item at ``frame`` (``titles``: (first frame, title), in order)."""
    found = base
    for at, title in titles:
        if at > frame:
            break
        found = title
    return found


def map_of(wav: Path) -> ProgramMap:
    """The program map of ``wav`` from its rundown (empty without one; never raises: an
    unreadable rundown airs the program on all its slot's zones under the slot's title)."""
    rundown = wav.with_suffix(".json")
    try:
        data = json.loads(rundown.read_text(encoding="utf-8"))
        rate = int(data["sample_rate"])
        entries = data["rundown"]
        return ProgramMap(_spans(entries, rate), _items(entries, rate))
    except FileNotFoundError:
        return ProgramMap()  # an emergency, a recording: no rundown, no zones
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.error("%s: unreadable rundown (%s): the program airs on all its slot's zones",
                  rundown, exc)
        return ProgramMap()


def spans_of(wav: Path) -> tuple[Span, ...]:
    """The zoned stretches of the program ``wav`` (none without a rundown)."""
    return map_of(wav).spans


def _items(entries: list[dict], rate: int) -> tuple[tuple[int, str], ...]:
    out = []
    for e in entries:
        if e.get("kind") == "bed" or not int(e.get("duration_ms") or 0):
            continue
        name = str(e.get("label") or "") if e.get("kind") in TITLED else ""
        out.append((int(e["offset_ms"]) * rate // 1000, name))
    return tuple(out)


def _spans(entries: list[dict], rate: int) -> tuple[Span, ...]:
    """Zoned entries as stretches; two with the same zones close together are one (the gap
    between two bulletins of one selection), unless an item for everyone lies between."""
    out: list[Span] = []
    shared = False  # an item for every zone since the last stretch
    for e in entries:
        if e.get("kind") == "bed":
            continue
        zones = tuple(e.get("zones") or ())
        if not zones:
            shared = shared or int(e.get("duration_ms") or 0) > 0
            continue
        a = int(e["offset_ms"]) * rate // 1000
        b = (int(e["offset_ms"]) + int(e["duration_ms"])) * rate // 1000
        if (out and not shared and out[-1].zones == zones
                and a - out[-1].end <= MERGE_S * rate):
            out[-1] = Span(out[-1].start, max(b, out[-1].end), zones)
        elif b > a:
            out.append(Span(a, b, zones))
            shared = False
    return tuple(out)


def muted(spans: Sequence[Span], output: str, members: Callable[[tuple[str, ...]], frozenset[str]]
          ) -> tuple[tuple[int, int], ...]:
    """The frame ranges ``output`` stays silent: the spans whose zones leave it out."""
    return tuple((s.start, s.end) for s in spans if output not in members(s.zones))


def masked_copy(wav: Path, ranges: Sequence[tuple[int, int]]) -> Path:
    """``wav`` with ``ranges`` silent (short fades at their edges), written once beside it:
    the sound card's version of a program some of whose stretches are for other zones. It is
    a finished, verified local file like the program itself, made a second at a time (an hour
    of program is never held whole)."""
    if not ranges:
        return wav
    tag = "-".join(f"{a}_{b}" for a, b in ranges)
    out = wav.with_name(f"{wav.stem}.card-{hashlib.sha256(tag.encode()).hexdigest()[:10]}.wav")
    with sf.SoundFile(str(wav)) as src:
        with contextlib.suppress(OSError, RuntimeError):
            if sf.info(str(out)).frames == src.frames:
                return out
        rate, edge = src.samplerate, max(1, int(EDGE_S * src.samplerate))
        with durable.atomic_file(out) as fh, sf.SoundFile(
                fh, "w", rate, src.channels, src.subtype, format="WAV") as dst:
            pos = 0
            for block in src.blocks(blocksize=rate, dtype="float32", always_2d=True):
                dst.write(block * _gain(pos, len(block), ranges, edge)[:, None])
                pos += len(block)
    return out


def _gain(pos: int, n: int, ranges: Sequence[tuple[int, int]], edge: int) -> np.ndarray:
    """The gain of frames [pos, pos + n): 0 inside ``ranges``, ramps ``edge`` long outside."""
    x = np.arange(pos, pos + n, dtype=np.float64)
    gain = np.ones(n)
    for a, b in ranges:
        g = np.clip(np.maximum((a - x) / edge, (x - b + 1) / edge), 0.0, 1.0)
        gain = np.minimum(gain, g)
    return gain.astype(np.float32)
