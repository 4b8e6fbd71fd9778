"""Render ahead: a bulletin's speech is made when it arrives or changes, never at air time.

``SpeechService`` runs renders in one background thread. ``submit`` never blocks; ``ready``
returns a finished, verified WAV or None. A failed render (or one that had to fall back) is
tried again later; the last good speech stays ready meanwhile.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from broadcaster.clock import Clock
from broadcaster.config import Station
from broadcaster.errors import BroadcasterError, SpeechError
from broadcaster.models import Bulletin, Script
from broadcaster.speech.audio import write_wav_atomic
from broadcaster.speech.base import Engine, EngineHealth
from broadcaster.speech.cache import SpeechCache
from broadcaster.speech.render import order_engines, render_script, voices_for

log = logging.getLogger(__name__)

MAX_UPGRADES = 3  # re-tries of a fallback render with the preferred engines


@dataclass(frozen=True)
class SpeechInfo:
    """What the sidecar of a finished speech file records (for status and the as-run log)."""

    path: Path
    engine: str
    voice: str
    note: str
    duration_ms: int
    sha256: str


@dataclass
class _Job:
    bulletin: Bulletin
    key: str
    due: float
    attempts: int = 0
    upgrade: bool = False  # speech exists (fallback); try the engines ahead of it


def script_for(bulletin: Bulletin, station: Station) -> Script:
    """The text stage's script for ``bulletin`` with the station's text settings."""
    from broadcaster.text import load_lexicon, to_script

    s = station.settings
    lexicon = load_lexicon(station.resolve(s.text.lexicon)) if s.text.lexicon else None
    return to_script(bulletin.body, dialect=s.dialect, headings=s.text.headings, lexicon=lexicon)


def _safe(name: str) -> str:
    return re.sub(r"[^0-9A-Za-z_.-]+", "_", name)[:60] or "bulletin"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class SpeechService:
    """Background renderer of bulletins' speech into ``var/speech/`` of the station."""

    def __init__(self, station: Station, engines: Sequence[Engine], cache: SpeechCache | None,
                 clock: Clock, *, out_dir: Path | None = None,
                 script: Callable[[Bulletin], Script] | None = None) -> None:
        self.station = station
        self.engines = list(engines)
        self.cache = cache
        self.clock = clock
        self.settings = station.settings.speech
        self.out_dir = out_dir or station.var("speech")
        self._script = script or (lambda b: script_for(b, station))
        self._jobs: dict[str, _Job] = {}  # bulletin id -> pending job
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._verified: dict[Path, tuple[int, int, str]] = {}
        self.heartbeat: float | None = None  # clock.monotonic() of the last loop turn
        self.last_error = ""

    # --- what the station calls ----------------------------------------------------------
    def key(self, bulletin: Bulletin) -> str:
        """Hash of everything the speech depends on: text, its settings, engines, voices."""
        s = self.station.settings
        raw = json.dumps([
            bulletin.id, bulletin.content_hash or hashlib.sha256(bulletin.body.encode()).hexdigest(),
            bulletin.meta.engine, bulletin.meta.voice, [e.name for e in self.engines],
            s.speech.model_dump(mode="json"), s.text.model_dump(mode="json"), s.dialect,
        ], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(raw.encode()).hexdigest()[:20]

    def paths(self, bulletin: Bulletin) -> tuple[Path, Path]:
        stem = f"{_safe(bulletin.id)}-{self.key(bulletin)}"
        return self.out_dir / f"{stem}.wav", self.out_dir / f"{stem}.json"

    def submit(self, bulletin: Bulletin) -> None:
        """Queue ``bulletin`` (new or changed) for rendering; returns at once."""
        key = self.key(bulletin)
        if self.info(bulletin) is not None and not self._needs_upgrade(bulletin):
            return
        with self._lock:
            job = self._jobs.get(bulletin.id)
            if job is None or job.key != key:
                self._jobs[bulletin.id] = _Job(bulletin, key, due=self.clock.monotonic())
        self._wake.set()

    def ready(self, bulletin: Bulletin) -> Path | None:
        """The finished, verified WAV of ``bulletin``'s current text, or None."""
        info = self.info(bulletin)
        return info.path if info else None

    def info(self, bulletin: Bulletin) -> SpeechInfo | None:
        """Engine, voice and fallback note of the finished speech, if it is there and intact."""
        wav, meta = self.paths(bulletin)
        try:
            data = json.loads(meta.read_text(encoding="utf-8"))
            st = wav.stat()
        except (OSError, ValueError):
            return None
        seen = self._verified.get(wav)
        if seen is None or seen[:2] != (st.st_mtime_ns, st.st_size) or seen[2] != data.get("sha256"):
            digest = _sha256(wav)
            if digest != data.get("sha256"):
                log.warning("speech: %s does not match its checksum; rendering again", wav)
                return None
            self._verified[wav] = (st.st_mtime_ns, st.st_size, digest)
        return SpeechInfo(wav, data["engine"], data["voice"], data.get("note", ""),
                          int(data["duration_ms"]), data["sha256"])

    def pending(self) -> int:
        with self._lock:
            return len(self._jobs)

    def health(self, probe: bool = False) -> list[EngineHealth]:
        return [e.health(probe) for e in self.engines]

    # --- the work ------------------------------------------------------------------------
    def _needs_upgrade(self, bulletin: Bulletin) -> bool:
        with self._lock:
            job = self._jobs.get(bulletin.id)
            return job is not None and job.upgrade

    def _engines_for(self, bulletin: Bulletin) -> list[Engine]:
        return order_engines(self.engines, bulletin.meta.engine)

    def render(self, job: _Job) -> SpeechInfo:
        """Render one job now (in the calling thread) and publish the WAV atomically."""
        bulletin = job.bulletin
        engines = self._engines_for(bulletin)
        voices = voices_for(engines, bulletin.meta.voice, strict=False)
        current = self.info(bulletin) if job.upgrade else None
        if current is not None:  # only engines the station prefers to the one that spoke
            names = [e.name for e in engines]
            engines = engines[: names.index(current.engine)] if current.engine in names else engines
            if not engines:
                return current
        clip = render_script(self._script(bulletin), engines, pauses=self.settings.pauses_ms,
                             rate=self.settings.rate, voices=voices, cache=self.cache)
        wav, meta = self.paths(bulletin)
        write_wav_atomic(wav, clip.samples, clip.sample_rate)
        digest = _sha256(wav)
        note = clip.note if current is None else clip.note or f"upgraded from {current.engine}"
        data = {"bulletin": bulletin.id, "engine": clip.engine, "voice": clip.voice, "note": note,
                "duration_ms": clip.duration_ms, "sha256": digest,
                "rendered_at": self.clock.now().isoformat()}
        fd, tmp = tempfile.mkstemp(prefix=f".{meta.name}.", suffix=".tmp", dir=meta.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
        os.replace(tmp, meta)
        log.info("speech ready: %s by %s (%d ms)%s", bulletin.id, clip.engine, clip.duration_ms,
                 f"; {clip.note}" if clip.note else "")
        return self.info(bulletin) or SpeechInfo(wav, clip.engine, clip.voice, note,
                                                 clip.duration_ms, digest)

    def run_pending(self) -> int:
        """Render every job that is due now; returns how many were tried."""
        now = self.clock.monotonic()
        with self._lock:
            due = [j for j in self._jobs.values() if j.due <= now]
        for job in due:
            self._run(job)
        return len(due)

    def _run(self, job: _Job) -> None:
        later = self.settings.retry_later_s
        try:
            info = self.render(job)
        except BroadcasterError as exc:
            self.last_error = str(exc)
            log.error("speech for %s failed (attempt %d): %s; retrying in %.0f s",
                      job.bulletin.id, job.attempts + 1, exc, later)
            self._reschedule(job, later)
            return
        except Exception as exc:  # noqa: BLE001 - stage boundary: the loop must not die
            self.last_error = f"{type(exc).__name__}: {exc}"
            log.exception("speech for %s crashed; retrying in %.0f s", job.bulletin.id, later)
            self._reschedule(job, later)
            return
        with self._lock:
            if self._jobs.get(job.bulletin.id) is not job:
                return  # the bulletin changed meanwhile: its new job stays queued
            preferred = self._engines_for(job.bulletin)[0].name
            if info.engine != preferred and job.attempts < MAX_UPGRADES:
                job.upgrade = True  # fell back: try the preferred engines again later
                job.attempts += 1
                job.due = self.clock.monotonic() + later
            else:
                del self._jobs[job.bulletin.id]

    def _reschedule(self, job: _Job, delay: float) -> None:
        with self._lock:
            if self._jobs.get(job.bulletin.id) is not job:
                return
            job.attempts += 1
            if job.upgrade and job.attempts >= MAX_UPGRADES:
                del self._jobs[job.bulletin.id]  # the fallback speech stays; enough tries
            else:  # no speech yet: never give up on a bulletin
                job.due = self.clock.monotonic() + delay

    def start(self) -> None:
        """Run the render loop in a background thread."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="speech-service", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.heartbeat = self.clock.monotonic()
            try:
                self.run_pending()
            except Exception:  # noqa: BLE001 - a long-running loop restarts itself
                log.exception("speech service loop error")
            with self._lock:
                dues = [j.due for j in self._jobs.values()]
            wait = 1.0 if not dues else max(0.0, min(min(dues) - self.clock.monotonic(), 1.0))
            if wait > 0:
                self._wake.wait(wait)
            self._wake.clear()


__all__ = ["SpeechError", "SpeechInfo", "SpeechService", "script_for"]
