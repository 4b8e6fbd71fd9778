"""Players of rendered speech: a stored text bulletin's (the station's own speech file, rendered
on demand when not ready yet) and an unsaved text's on the new and edit forms. Rendering runs in
the desk's render worker (``web/renders.py``); the player polls its progress through htmx.
Every pipeline call runs off the event loop: other requests never wait for speech."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from aiohttp import web

from broadcaster.models import Bulletin, RenderState
from broadcaster.web.app import DESK, render, require
from broadcaster.web.desk import DeskError
from broadcaster.web.renders import Busy, Job, Listening, draft_bulletin
from broadcaster.web.users import Action

LISTENING: web.AppKey[Listening] = web.AppKey("listening", Listening)
ID = r"{id:[a-z0-9][a-z0-9-]{0,80}}"
KEY = r"{key:[0-9a-f]{20}}"
MAX_DRAFT_CHARS = 20_000
WAV_HEADERS = {"Content-Type": "audio/wav", "Cache-Control": "private, no-store",
               "X-Content-Type-Options": "nosniff"}


@dataclass(frozen=True)
class Player:
    """What ``_player.html`` draws: a button, a progress bar (polling), the audio, or an error."""

    job: Job | None
    start: str       # POST here to render (and include ``body`` for a draft)
    poll: str        # GET here for the player again
    audio: str       # the WAV
    draft: bool = False
    notice: str = ""  # a message key (busy, gone, empty)
    autoplay: bool = False

    @property
    def state(self) -> str:
        return self.job.state.value if self.job is not None else ""


def _stored(request: web.Request) -> Bulletin:
    try:
        rec = request.app[DESK].bulletin(request.match_info["id"])
    except DeskError as exc:
        raise web.HTTPNotFound(text=str(exc)) from None
    if rec.audio is not None or not rec.body.strip():
        raise web.HTTPNotFound()  # a recording has its own player (``/recording``)
    return rec.bulletin()


def _player(request: web.Request, player: Player, code: int = 200) -> web.Response:
    return render(request, "_player.html", code=code, player=player)


def _stored_player(bid: str, job: Job | None, **kw: object) -> Player:
    base = f"/bulletins/{bid}"
    key = f"?k={job.key}" if job is not None else ""
    return Player(job, f"{base}/listen", f"{base}/listen", f"{base}/speech.wav{key}",
                  **kw)  # type: ignore[arg-type]


async def player_of(request: web.Request, bulletin: Bulletin) -> Player:
    """A stored bulletin's player as it is now (for the detail page)."""
    job = await asyncio.to_thread(request.app[LISTENING].state, bulletin)
    return _stored_player(bulletin.id, job)


def idle_draft() -> Player:
    """The form's player before anything was asked."""
    return _draft_player(None)


async def stored_player(request: web.Request) -> web.Response:
    """The player of a stored bulletin as it is now (polled while it renders)."""
    require(request, Action.VIEW)
    bulletin = _stored(request)
    job = await asyncio.to_thread(request.app[LISTENING].state, bulletin)
    return _player(request, _stored_player(bulletin.id, job))


async def stored_start(request: web.Request) -> web.Response:
    """Render a stored bulletin's speech now (in the worker) unless it is ready (not for a
    viewer: a render may spend the online engine's quota; a viewer plays what is ready)."""
    require(request, Action.LISTEN)
    bulletin = _stored(request)
    try:
        job = await asyncio.to_thread(request.app[LISTENING].start, bulletin)
    except Busy:
        return _player(request, _stored_player(bulletin.id, None, notice="web.listen.busy"), 503)
    return _player(request, _stored_player(bulletin.id, job, autoplay=True))


async def stored_audio(request: web.Request) -> web.StreamResponse:
    require(request, Action.VIEW)
    bulletin = _stored(request)
    job = await asyncio.to_thread(request.app[LISTENING].state, bulletin)
    if job is None or job.state != RenderState.READY or job.path is None:
        raise web.HTTPNotFound()
    return web.FileResponse(job.path, headers=WAV_HEADERS)


def _draft_player(job: Job | None, **kw: object) -> Player:
    key = job.key if job is not None else "0" * 20
    return Player(job, "/speech/draft", f"/speech/draft/{key}", f"/speech/draft/{key}.wav",
                  draft=True, **kw)  # type: ignore[arg-type]


async def draft_start(request: web.Request) -> web.Response:
    """Render the text on the form (new or edit) as it is now."""
    require(request, Action.SUBMIT)
    form = await request.post()
    body = str(form.get("body", ""))[:MAX_DRAFT_CHARS]
    if not body.strip():
        return _player(request, _draft_player(None, notice="web.listen.empty"))
    try:
        job = await asyncio.to_thread(request.app[LISTENING].start, draft_bulletin(body),
                                      draft=True)
    except Busy:
        return _player(request, _draft_player(None, notice="web.listen.busy"), 503)
    return _player(request, _draft_player(job, autoplay=True))


def _draft_job(request: web.Request) -> Job | None:
    listening = request.app[LISTENING]
    key = request.match_info["key"]
    job = listening.renders.job(key)
    wav = listening.draft_dir / f"nhap-{key}.wav"
    if wav.is_file() and (job is None or job.state == RenderState.READY):
        return Job(key, RenderState.READY, path=wav)
    return job if job is not None and job.state != RenderState.READY else None


async def draft_player(request: web.Request) -> web.Response:
    require(request, Action.SUBMIT)
    job = _draft_job(request)
    return _player(request, _draft_player(job, notice="" if job else "web.listen.gone"))


async def draft_audio(request: web.Request) -> web.StreamResponse:
    require(request, Action.SUBMIT)
    job = _draft_job(request)
    if job is None or job.path is None:
        raise web.HTTPNotFound()
    return web.FileResponse(job.path, headers=WAV_HEADERS)


def routes(app: web.Application) -> None:
    desk = app[DESK]
    listening = Listening(desk.station, desk.clock)
    app[LISTENING] = listening
    app.router.add_get(f"/bulletins/{ID}/listen", stored_player)
    app.router.add_post(f"/bulletins/{ID}/listen", stored_start)
    app.router.add_get(f"/bulletins/{ID}/speech.wav", stored_audio)
    app.router.add_post("/speech/draft", draft_start)
    app.router.add_get(f"/speech/draft/{KEY}", draft_player)
    app.router.add_get(f"/speech/draft/{KEY}.wav", draft_audio)

    async def close(_app: web.Application) -> None:
        await asyncio.to_thread(listening.close)

    app.on_cleanup.append(close)


__all__ = ["LISTENING", "Player", "idle_draft", "player_of", "routes"]
