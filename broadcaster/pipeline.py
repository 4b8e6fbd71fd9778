"""The one path from a bulletin to its speech: ``script``, ``speech_key``, ``speech``, ``plan``.

Intake (the script it stores), render-ahead, program preparation and the ``text``, ``render``
and ``program`` commands all ask this object, so the reading an editor previews is the reading
that airs. The speech key covers everything that changes the sound: the bulletin's text, the
*content* of the station lexicon, the text stage's ``RULES_VERSION`` and shipped data tables,
the text settings, the engine order and the voice settings. Speech files are named by that key,
so speech made under an older lexicon or older rules is never "ready" and is made again.
The text part is ``Pipeline.reading`` (``text/reading.py``), the same object the ``text``
command reads with.

A recorded bulletin (``Bulletin.audio``: a phone recording or a voice note dropped in
``inbox/``) has no script: its "speech" is the recording decoded, made mono at the station's
sample rate and brought to the station loudness (``program.loudness_lufs``, true peak under
``program.true_peak_dbtp``), keyed by the recording's content and those settings.

Render-ahead runs in one background thread (``start``/``stop``): ``submit`` never blocks,
``ready`` returns a finished, verified WAV or None, ``speech`` returns one now (rendering in the
calling thread if it must). A render that had to fall back to a later engine is tried again
with the preferred engines later; the fallback speech stays ready meanwhile.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from broadcaster.clock import Clock
from broadcaster.config import Station
from broadcaster.durable import write_json
from broadcaster.errors import BroadcasterError, SpeechError
from broadcaster.models import Bulletin, Clip, Script
from broadcaster.text.reading import Reading, ReadingSettings
from broadcaster.worker import Worker

if TYPE_CHECKING:  # the speech stage pulls numpy in: commands that only read text skip it
    import numpy as np

    from broadcaster.speech.base import Engine, EngineHealth
    from broadcaster.speech.cache import SpeechCache
    from broadcaster.text import Change
    from broadcaster.text.lexicon import Lexicon

log = logging.getLogger(__name__)

MAX_UPGRADES = 3  # re-tries of a fallback render with the preferred engines
RECORDING = "recording"  # the "engine" of a recorded bulletin's speech
RECORDING_VERSION = 1  # bump when the leveling of recordings changes the sound


@dataclass(frozen=True)
class SpeechInfo:
    """What the sidecar of a finished speech file records."""

    path: Path
    engine: str
    voice: str
    note: str
    duration_ms: int
    sha256: str


@dataclass(frozen=True)
class SpeechPlan:
    """A dry run: what would be read, by which engines, under which key, and whether it is ready."""

    bulletin_id: str
    key: str
    lines: tuple[str, ...]
    engines: tuple[str, ...]
    voice: str | None
    ready: Path | None


@dataclass
class _Job:
    bulletin: Bulletin
    key: str
    due: float
    attempts: int = 0
    upgrade: bool = False  # speech exists (fallback); try the engines ahead of it


def _safe(name: str) -> str:
    return re.sub(r"[^0-9A-Za-z_.-]+", "_", name)[:60] or "bulletin"


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def reading_settings(station: Station) -> ReadingSettings:
    """The three settings that decide a station's reading, from its validated settings."""
    text = station.settings.text
    return ReadingSettings(dialect=station.settings.dialect, headings=text.headings,
                           lexicon=text.lexicon,
                           lexicon_file=station.resolve(text.lexicon) if text.lexicon else None)


class Pipeline:
    """bulletin -> script -> speech for one station, with render-ahead in the background."""

    def __init__(self, station: Station, clock: Clock, *,
                 engines: Sequence[Engine] | None = None, cache: SpeechCache | None = None,
                 no_cache: bool = False, out_dir: Path | None = None) -> None:
        self.station = station
        self.clock = clock
        self.settings = station.settings
        self._engines: list[Engine] | None = list(engines) if engines is not None else None
        self._cache = cache
        self._cache_made = cache is not None or no_cache
        self._out_dir = out_dir
        self.reading = Reading(reading_settings(station))
        self._jobs: dict[str, _Job] = {}
        self._lock = threading.Lock()
        self._worker = Worker("speech-ahead")
        self._verified: dict[Path, tuple[int, int, str]] = {}
        self._audio_digests: dict[Path, tuple[int, int, str]] = {}
        self.heartbeat: float | None = None  # clock.monotonic() of the last loop turn
        self.last_error = ""

    @property
    def out_dir(self) -> Path:
        """Where finished speech goes (``var/speech/``, made on first use)."""
        if self._out_dir is None:
            self._out_dir = self.station.var("speech")
        return self._out_dir

    # --- text ------------------------------------------------------------------------------
    def lexicon(self) -> tuple[Lexicon, str]:
        """The station lexicon (re-read when its file changes) and a digest of its content."""
        return self.reading.lexicon()

    def text_key(self) -> str:
        """Digest of everything that decides the reading (lexicon content, rules, settings)."""
        return self.reading.key()

    def script_of_text(self, text: str, *, dialect: str | None = None,
                       headings: str | None = None, max_chars: int | None = None) -> Script:
        """The script an announcer reads for ``text`` with the station's text settings (the
        ``text`` command may try another dialect, heading rule or clause length)."""
        return self.reading.script(text, dialect=dialect, headings=headings, max_chars=max_chars)

    def explain(self, text: str, *, dialect: str | None = None, headings: str | None = None,
                max_chars: int | None = None) -> list[Change]:
        """Every change the text stage makes to ``text`` on its way to the script."""
        return self.reading.explain(text, dialect=dialect, headings=headings,
                                    max_chars=max_chars)

    def script(self, bulletin: Bulletin) -> Script:
        """The script read for ``bulletin``; empty for a recording (nothing is read aloud)."""
        if bulletin.audio is not None:
            return Script(())
        return self.script_of_text(bulletin.body)

    # --- recordings ----------------------------------------------------------------------------
    def recording_ms(self, path: Path) -> int:
        """Length of a recording by its header (WAV, MP3, OGG/Opus, FLAC, M4A/AAC, AMR ...);
        raises a ``ProgramError`` naming the file when it is missing or cannot be decoded."""
        from broadcaster.program.audio import AudioCorrupt, probe

        info = probe(path)
        if info.frames <= 0 or info.sample_rate <= 0:
            raise AudioCorrupt(f"{path.name}: no audio frames", where=str(path))
        return int(info.frames * 1000 // info.sample_rate)

    def _recording_digest(self, path: Path) -> str:
        try:
            st = path.stat()
        except OSError:
            return "missing"
        seen = self._audio_digests.get(path)
        if seen is None or seen[:2] != (st.st_mtime_ns, st.st_size):
            seen = (st.st_mtime_ns, st.st_size, _sha256_file(path))
            self._audio_digests[path] = seen
        return seen[2]

    def recording(self, path: Path) -> Clip:
        """A recording (an emergency message recorded on a phone) decoded, mono at the station
        rate, at its own level (the emergency program levels it with its tone)."""
        import numpy as np

        from broadcaster.program.audio import decode, resample

        rate = self.settings.audio.sample_rate
        data, own_rate = decode(path)  # an undecodable file: AudioCorrupt, naming it
        samples = resample(data, own_rate, rate)
        if len(samples) == 0 or not np.any(samples):
            raise SpeechError(f"{path.name}: the recording is silent", where=str(path))
        return Clip(samples=samples, sample_rate=rate, engine=RECORDING)

    def _level_recording(self, path: Path) -> tuple[np.ndarray, int]:
        """The recording decoded, mono at the station rate, at the station loudness."""
        import numpy as np

        from broadcaster.program import dsp

        clip = self.recording(path)
        samples, rate = clip.samples, clip.sample_rate
        p = self.settings.program
        limiter = dsp.Limiter(rate, p.true_peak_dbtp)
        for _ in range(4):  # the limiter takes some loudness off a peaky recording: again
            loud = dsp.integrated_loudness(samples, rate)
            if loud is None or abs(loud - p.loudness_lufs) < 0.2:
                break
            samples *= np.float32(dsp.db_to_lin(p.loudness_lufs - loud))
            limiter.process(samples)
        np.clip(samples, -1.0, 1.0, out=samples)
        return samples, rate

    def script_text(self, bulletin: Bulletin) -> str:
        """The script, one sentence per line (what the store keeps and ``text`` prints)."""
        return "\n".join(self.script(bulletin).lines()).strip()

    # --- engines ---------------------------------------------------------------------------
    @property
    def engines(self) -> list[Engine]:
        if self._engines is None:
            from broadcaster.speech import build_engines

            self._engines = build_engines(self.settings.speech)
        return self._engines

    @property
    def cache(self) -> SpeechCache | None:
        if not self._cache_made:
            from broadcaster.speech import SpeechCache

            self._cache = SpeechCache(self.station.var("cache", "speech"),
                                      self.settings.speech.cache_max_mb * 1024 * 1024)
            self._cache_made = True
        return self._cache

    def engine_order(self, bulletin: Bulletin) -> list[Engine]:
        from broadcaster.speech import order_engines

        return order_engines(self.engines, bulletin.meta.engine)

    def health(self, probe: bool = False) -> list[EngineHealth]:
        return [e.health(probe) for e in self.engines]

    # --- speech ----------------------------------------------------------------------------
    def speech_key(self, bulletin: Bulletin) -> str:
        """Hash of everything the speech depends on: text, reading, engines, voice settings
        (for a recording: its content, the loudness settings and the sample rate)."""
        if bulletin.audio is not None:
            p = self.settings.program
            raw = json.dumps([RECORDING, RECORDING_VERSION, self._recording_digest(bulletin.audio),
                              p.loudness_lufs, p.true_peak_dbtp, self.settings.audio.sample_rate])
            return hashlib.sha256(raw.encode()).hexdigest()[:20]
        raw = json.dumps([
            hashlib.sha256(bulletin.body.encode()).hexdigest(), self.text_key(),
            [e.name for e in self.engine_order(bulletin)], bulletin.meta.voice,
            self.settings.speech.model_dump(mode="json"),
        ], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(raw.encode()).hexdigest()[:20]

    def paths(self, bulletin: Bulletin) -> tuple[Path, Path]:
        stem = f"{_safe(bulletin.id)}-{self.speech_key(bulletin)}"
        return self.out_dir / f"{stem}.wav", self.out_dir / f"{stem}.json"

    def info(self, bulletin: Bulletin) -> SpeechInfo | None:
        """The finished speech of ``bulletin``'s current key, if it is there and intact."""
        wav, meta = self.paths(bulletin)
        try:
            data = json.loads(meta.read_text(encoding="utf-8"))
            st = wav.stat()
        except (OSError, ValueError):
            return None
        seen = self._verified.get(wav)
        if seen is None or seen[:2] != (st.st_mtime_ns, st.st_size) or seen[2] != data.get("sha256"):
            if _sha256_file(wav) != data.get("sha256"):
                log.warning("speech: %s does not match its checksum; rendering again", wav)
                return None
            self._verified[wav] = (st.st_mtime_ns, st.st_size, str(data["sha256"]))
        return SpeechInfo(wav, data["engine"], data["voice"], data.get("note", ""),
                          int(data["duration_ms"]), data["sha256"])

    def ready(self, bulletin: Bulletin) -> Path | None:
        """The finished, verified WAV of ``bulletin``'s current key, or None."""
        info = self.info(bulletin)
        return info.path if info else None

    def plan(self, bulletin: Bulletin) -> SpeechPlan:
        """What ``speech`` would do, without doing it."""
        engines = ((RECORDING,) if bulletin.audio is not None
                   else tuple(e.name for e in self.engine_order(bulletin)))
        return SpeechPlan(bulletin.id, self.speech_key(bulletin),
                          tuple(self.script(bulletin).lines()), engines,
                          bulletin.meta.voice, self.ready(bulletin))

    def speech(self, bulletin: Bulletin, *, progress: Progress | None = None) -> Path:
        """The bulletin's speech file under the current key, made now if it is not ready
        (``progress(done, total)`` is told after each piece: the desk's player shows it)."""
        ready = self.ready(bulletin)
        if ready is not None:
            return ready
        log.info("speech of %s not rendered ahead: rendering now", bulletin.id)
        return self._render(bulletin, upgrade_from=None, progress=progress).path

    def speak(self, text: str, *, engine: str | None = None, voice: str | None = None,
              fastest: bool = False) -> Clip:
        """``text`` (a ``say:`` item, an emergency) through the text stage and the engines;
        ``fastest`` puts the offline engine first (an emergency cannot wait for the network)."""
        from broadcaster.speech import order_engines, render_script, voices_for

        script = self.script_of_text(text)
        if not script.segments:
            raise SpeechError("nothing to read", hint=text[:60])
        chain = order_engines(self.engines, "espeak" if fastest else engine)
        s = self.settings.speech
        return render_script(script, chain, pauses=s.pauses_ms, rate=s.rate,
                             voices=voices_for(chain, voice, strict=False), cache=self.cache)

    def _render_recording(self, bulletin: Bulletin, audio: Path) -> SpeechInfo:
        from broadcaster.speech.audio import write_wav_atomic

        samples, rate = self._level_recording(audio)
        wav, meta = self.paths(bulletin)
        write_wav_atomic(wav, samples, rate)
        digest = _sha256_file(wav)
        duration_ms = int(len(samples) * 1000 // rate)
        write_json(meta, {"bulletin": bulletin.id, "engine": RECORDING, "voice": "",
                          "note": audio.name, "duration_ms": duration_ms, "sha256": digest,
                          "rendered_at": self.clock.now().isoformat()})
        log.info("recording ready: %s at %.1f LUFS (%d ms)", bulletin.id,
                 self.settings.program.loudness_lufs, duration_ms)
        return self.info(bulletin) or SpeechInfo(wav, RECORDING, "", audio.name, duration_ms,
                                                 digest)

    def _render(self, bulletin: Bulletin, upgrade_from: SpeechInfo | None,
                progress: Progress | None = None) -> SpeechInfo:
        from broadcaster.speech import render_script, voices_for
        from broadcaster.speech.audio import write_wav_atomic

        if bulletin.audio is not None:
            return self._render_recording(bulletin, bulletin.audio)
        engines = self.engine_order(bulletin)
        voices = voices_for(engines, bulletin.meta.voice, strict=False)
        if upgrade_from is not None:  # only engines the station prefers to the one that spoke
            names = [e.name for e in engines]
            if upgrade_from.engine in names:
                engines = engines[: names.index(upgrade_from.engine)]
            if not engines:
                return upgrade_from
        s = self.settings.speech
        clip = render_script(self.script(bulletin), engines, pauses=s.pauses_ms, rate=s.rate,
                             voices=voices, cache=self.cache, progress=progress)
        wav, meta = self.paths(bulletin)
        write_wav_atomic(wav, clip.samples, clip.sample_rate)
        digest = _sha256_file(wav)
        note = clip.note
        if upgrade_from is not None and not note:
            note = f"upgraded from {upgrade_from.engine}"
        write_json(meta, {"bulletin": bulletin.id, "engine": clip.engine, "voice": clip.voice,
                          "note": note, "duration_ms": clip.duration_ms, "sha256": digest,
                          "rendered_at": self.clock.now().isoformat()})
        log.info("speech ready: %s by %s (%d ms)%s", bulletin.id, clip.engine, clip.duration_ms,
                 f"; {clip.note}" if clip.note else "")
        return self.info(bulletin) or SpeechInfo(wav, clip.engine, clip.voice, note,
                                                 clip.duration_ms, digest)

    # --- render-ahead ----------------------------------------------------------------------
    def submit(self, bulletin: Bulletin) -> None:
        """Queue ``bulletin`` (new or changed) for rendering ahead; returns at once."""
        key = self.speech_key(bulletin)
        with self._lock:
            job = self._jobs.get(bulletin.id)
            if job is not None and job.key == key:
                return
        if self.info(bulletin) is not None:
            return
        with self._lock:
            self._jobs[bulletin.id] = _Job(bulletin, key, due=self.clock.monotonic())
        self._worker.wake()

    def pending(self) -> int:
        with self._lock:
            return len(self._jobs)

    def run_pending(self) -> int:
        """Render every job that is due now; returns how many were tried."""
        now = self.clock.monotonic()
        with self._lock:
            due = [j for j in self._jobs.values() if j.due <= now]
        for job in due:
            self._run(job)
        return len(due)

    def _run(self, job: _Job) -> None:
        later = self.settings.speech.retry_later_s
        try:
            current = self.info(job.bulletin) if job.upgrade else None
            info = self._render(job.bulletin, upgrade_from=current)
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
            preferred = (RECORDING if job.bulletin.audio is not None
                         else self.engine_order(job.bulletin)[0].name)
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
        """Run render-ahead in a background thread."""
        if self._worker.running:
            return
        self.text_key()  # load the lexicon and the rules now: ``submit`` must never wait
        self._worker.start(self._loop)

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the render in hand (never half a file); joins the thread."""
        self._worker.stop(timeout)

    def _loop(self) -> None:
        while not self._worker.stopping:
            self.heartbeat = self.clock.monotonic()
            try:
                self.run_pending()
            except Exception:  # noqa: BLE001 - a long-running loop restarts itself
                log.exception("speech render-ahead loop error")
            with self._lock:
                dues = [j.due for j in self._jobs.values()]
            wait = 1.0 if not dues else max(0.0, min(min(dues) - self.clock.monotonic(), 1.0))
            self._worker.pause(wait)


ScriptFn = Callable[[Bulletin], Script]
Progress = Callable[[int, int], None]  # (pieces done, pieces in all), as speech.render says

__all__ = ["Pipeline", "SpeechInfo", "SpeechPlan"]
