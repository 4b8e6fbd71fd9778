"""A slot's prepared program for the desk's player: the finished WAV the running station holds
for one airing (asked through the control channel, never built here), its rundown from the
render cache's JSON beside it, and an MP3 copy for the browser (a phone on the ward's Wi-Fi
should not pull 6 MB a minute)."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from broadcaster.air.control import call
from broadcaster.config import Station
from broadcaster.durable import atomic_file

log = logging.getLogger(__name__)
_lock = threading.Lock()
_encoding: set[str] = set()  # MP3 copies being made (one thread per program)

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


def browser_file(station: Station, prepared: Prepared) -> Path:
    """What the desk's player gets: the program's MP3 under ``var/desk-listen/`` once made,
    else the WAV itself (it plays and seeks at once) while the MP3 is made in the background
    (a long program takes LAME a while on a busy station PC: no request waits for it)."""
    name = "".join(c for c in prepared.digest if c.isalnum())[:40] or "program"
    out = station.var(LISTEN_DIR) / f"{name}.mp3"
    if out.is_file():
        return out
    with _lock:
        start = name not in _encoding
        _encoding.add(name)
    if start:
        threading.Thread(target=_make, args=(prepared.wav, out, name), name="desk-mp3",
                         daemon=True).start()
    return prepared.wav


def _make(wav: Path, out: Path, name: str) -> None:
    try:
        encode_blocks(wav, out)
        _prune(out.parent, out.stat().st_mtime - KEEP_S)
    except Exception:  # noqa: BLE001 - a thread's last word: the WAV is still served
        log.exception("desk: MP3 copy of %s failed", wav)
    finally:
        with _lock:
            _encoding.discard(name)


def encode_blocks(wav: Path, dst: Path, kbps: int = LISTEN_KBPS) -> None:
    """``wav`` as a mono MP3 in ``dst`` (whole or not at all), a second at a time: an hour's
    program never sits in the desk's memory."""
    import av
    import numpy as np
    import soundfile as sf

    from broadcaster.publish.mp3 import MP3_RATES

    with sf.SoundFile(str(wav)) as src, atomic_file(dst, sync=False) as fh:
        rate = src.samplerate
        out_rate = rate if rate in MP3_RATES else 44100
        container = av.open(fh, mode="w", format="mp3")
        try:
            stream = container.add_stream("libmp3lame", rate=out_rate)
            stream.bit_rate = kbps * 1000
            stream.layout = "mono"
            resampler = av.AudioResampler(format="s16p", layout="mono", rate=out_rate,
                                          frame_size=1152)
            for block in src.blocks(blocksize=rate, dtype="float32", always_2d=True):
                mono = np.ascontiguousarray(block.mean(axis=1, dtype=np.float32).reshape(1, -1))
                frame = av.AudioFrame.from_ndarray(mono, format="flt", layout="mono")
                frame.sample_rate = rate
                for chunk in resampler.resample(frame):
                    container.mux(stream.encode(chunk))
            for chunk in resampler.resample(None):
                container.mux(stream.encode(chunk))
            container.mux(stream.encode(None))
        finally:
            container.close()


def _prune(folder: Path, before: float) -> None:
    """Copies of programs long aired go (nothing else writes this folder)."""
    for p in folder.glob("*.mp3"):
        try:
            if p.stat().st_mtime < before:
                p.unlink()
        except OSError:
            continue

