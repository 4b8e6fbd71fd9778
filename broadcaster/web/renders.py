"""Speech rendered on demand for the desk's players, off the request threads: one worker thread
and a bounded queue (``Renders``), and what a player asks the station's pipeline (``Listening``:
ready already? render it, with progress). Only files are made; nothing here plays sound."""

from __future__ import annotations

import collections
import functools
import hashlib
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from broadcaster.clock import Clock
from broadcaster.config import Station
from broadcaster.errors import BroadcasterError
from broadcaster.models import Bulletin, BulletinMeta, RenderState

if TYPE_CHECKING:
    from broadcaster.pipeline import Pipeline

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Work = Callable[[Progress], Path]
MAX_QUEUED = 8   # a busy desk says "try again" rather than pile up renders
KEEP_JOBS = 64   # finished jobs remembered for their players (their files stay on disk)
KEEP_DRAFTS = 20  # draft speech files kept under var/desk/speech


@dataclass(frozen=True)
class Job:
    """One render: ``done``/``total`` pieces, then the finished file or what went wrong."""

    key: str
    state: RenderState
    done: int = 0
    total: int = 0
    path: Path | None = None
    error: str = ""

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


class Busy(BroadcasterError):
    """The render queue is full; the player asks again later."""


class Renders:
    """Jobs by key; ``submit`` never blocks and a key already queued or made is not redone."""

    def __init__(self, max_queued: int = MAX_QUEUED) -> None:
        self._jobs: collections.OrderedDict[str, Job] = collections.OrderedDict()
        self._lock = threading.Lock()
        self._queue: queue.Queue[tuple[str, Work] | None] = queue.Queue(max_queued)
        self._thread: threading.Thread | None = None

    def job(self, key: str) -> Job | None:
        with self._lock:
            return self._jobs.get(key)

    def submit(self, key: str, work: Work) -> Job:
        """Queue ``work`` under ``key`` unless it is queued, rendering or ready already."""
        with self._lock:
            found = self._jobs.get(key)
            if found is not None and found.state != RenderState.FAILED:
                return found
            job = Job(key, RenderState.QUEUED)
            try:
                self._queue.put_nowait((key, work))
            except queue.Full:
                raise Busy("the render queue is full") from None
            self._set(job)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="desk-render", daemon=True)
                self._thread.start()
        return job

    def _set(self, job: Job) -> None:  # under self._lock
        self._jobs[job.key] = job
        self._jobs.move_to_end(job.key)
        while len(self._jobs) > KEEP_JOBS:
            oldest = next(iter(self._jobs))
            if self._jobs[oldest].state in (RenderState.QUEUED, RenderState.RENDERING):
                break
            del self._jobs[oldest]

    def _update(self, key: str, **changes: object) -> None:
        with self._lock:
            job = self._jobs.get(key)
            if job is not None:
                self._jobs[key] = replace(job, **changes)  # type: ignore[arg-type]

    def _progress(self, key: str, done: int, total: int) -> None:
        self._update(key, done=done, total=total)

    def _loop(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            key, work = item
            self._update(key, state=RenderState.RENDERING)
            try:
                path = work(functools.partial(self._progress, key))
            except BroadcasterError as exc:
                log.warning("desk render %s failed: %s", key, exc)
                self._update(key, state=RenderState.FAILED, error=str(exc))
            except Exception as exc:  # noqa: BLE001 - the worker must outlive one bad render
                log.exception("desk render %s crashed", key)
                self._update(key, state=RenderState.FAILED, error=f"{type(exc).__name__}: {exc}")
            else:
                self._update(key, state=RenderState.READY, path=path)

    def close(self, timeout: float = 5.0) -> None:
        """Stop after the render in hand (the file is whole or absent: atomic writes)."""
        thread = self._thread
        if thread is None:
            return
        try:
            self._queue.put(None, timeout=timeout)
        except queue.Full:
            return  # daemon thread: it ends with the process
        thread.join(timeout)


def draft_bulletin(body: str) -> Bulletin:
    """An unsaved text as a bulletin the pipeline can speak (the new and edit forms)."""
    digest = hashlib.sha256(body.encode()).hexdigest()
    return Bulletin(id="nhap", source=Path("nhap.txt"), body=body, meta=BulletinMeta(),
                    content_hash=digest, version=0)


class Listening:
    """What the desk's players ask: the station's pipeline (its keys, its cache, its
    ``var/speech`` files) for stored bulletins; drafts go to ``var/desk/speech``."""

    def __init__(self, station: Station, clock: Clock) -> None:
        self.station = station
        self.clock = clock
        self.renders = Renders()
        self._lock = threading.Lock()
        self._pipelines: tuple[Pipeline, Pipeline] | None = None

    def _pipeline(self, draft: bool) -> Pipeline:
        from broadcaster.pipeline import Pipeline

        with self._lock:
            if self._pipelines is None:
                main = Pipeline(self.station, self.clock)
                drafts = Pipeline(self.station, self.clock, engines=main.engines,
                                  cache=main.cache, out_dir=self.draft_dir)
                self._pipelines = (main, drafts)
            return self._pipelines[1 if draft else 0]

    @property
    def draft_dir(self) -> Path:
        return self.station.var("desk", "speech")

    def key(self, bulletin: Bulletin, *, draft: bool = False) -> str:
        return self._pipeline(draft).speech_key(bulletin)

    def state(self, bulletin: Bulletin, *, draft: bool = False) -> Job | None:
        """Ready (a verified file under the current key), rendering, failed, or None (never
        asked). Reads files: call it off the event loop."""
        pipeline = self._pipeline(draft)
        key = pipeline.speech_key(bulletin)
        info = pipeline.info(bulletin)
        if info is not None:
            return Job(key, RenderState.READY, path=info.path)
        job = self.renders.job(key)
        if job is not None and job.state == RenderState.READY:
            return None  # its file is gone (housekeeping): render again when asked
        return job

    def start(self, bulletin: Bulletin, *, draft: bool = False) -> Job:
        """Render ``bulletin``'s speech in the worker unless it is ready; Busy when full."""
        found = self.state(bulletin, draft=draft)
        if found is not None and found.state != RenderState.FAILED:
            return found
        pipeline = self._pipeline(draft)

        def work(progress: Progress) -> Path:
            path = pipeline.speech(bulletin, progress=progress)
            if draft:
                self._tidy_drafts()
            return path

        return self.renders.submit(pipeline.speech_key(bulletin), work)

    def _tidy_drafts(self) -> None:
        wavs = sorted(self.draft_dir.glob("*.wav"), key=lambda p: p.stat().st_mtime_ns)
        for old in wavs[:-KEEP_DRAFTS]:
            old.unlink(missing_ok=True)
            old.with_suffix(".json").unlink(missing_ok=True)

    def close(self) -> None:
        self.renders.close()


__all__ = ["Busy", "Job", "Listening", "Renders", "draft_bulletin"]
