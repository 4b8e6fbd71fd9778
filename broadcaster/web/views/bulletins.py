"""Bulletins (list, new by paste or upload, preview of the spoken script, withdraw) and the
approval queue (approve pinned to the content hash, reject with a reason).

An uploaded recording (recognised by its first bytes, not its name) is written into ``inbox/``
with its title, priority and repeat in a ``NAME.yaml`` sidecar, and taken by the station's
intake like a dropped one; its player is served by an authenticated route that only serves
files under the station's ``inbox/`` and ``var/originals/``."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

from aiohttp import web
from aiohttp.web_request import FileField

from broadcaster.clock import Clock
from broadcaster.config import Station
from broadcaster.durable import temp_path, write_bytes, write_text
from broadcaster.errors import BroadcasterError
from broadcaster.inbox.ingest import AUDIO_EXTS
from broadcaster.inbox.reader import is_audio
from broadcaster.messages import t
from broadcaster.models import BulletinState, Priority
from broadcaster.web.app import DESK, MAX_UPLOAD, audit, render, require, session_of, tr
from broadcaster.web.desk import Desk, DeskError, safe_name
from broadcaster.web.users import Action

ID = r"{id:[a-z0-9][a-z0-9-]{0,80}}"
RECORDING_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,100}\.(mp3|m4a|aac|ogg|oga|opus|wav|amr|flac)")
AUDIO_TYPES = {".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".aac": "audio/aac",
               ".ogg": "audio/ogg", ".oga": "audio/ogg", ".opus": "audio/ogg",
               ".wav": "audio/wav", ".amr": "audio/amr", ".flac": "audio/flac"}


def _audio_suffix(name: str, head: bytes) -> str:
    """The extension a recording is saved under: its own if an audio one, else by its bytes."""
    ext = Path(name).suffix.lower()
    if ext in AUDIO_TYPES:
        return ext
    for magic, suffix in ((b"ID3", ".mp3"), (b"OggS", ".ogg"), (b"fLaC", ".flac"),
                          (b"RIFF", ".wav"), (b"#!AMR", ".amr")):
        if head.startswith(magic):
            return suffix
    if head[4:8] == b"ftyp":
        return ".m4a"
    return ".aac" if len(head) > 1 and head[1] & 0xF6 == 0xF0 else ".mp3"


def _duration(ms: int) -> str:
    return f"{ms // 60_000}:{ms // 1000 % 60:02d}"


def _probe_ms(station: Station, clock: Clock, data: bytes, suffix: str) -> int:
    """The recording's length, decoding it from a private temp copy under ``var/``."""
    from broadcaster.pipeline import Pipeline

    scratch = temp_path(station.var("tmp") / f"upload{suffix}")
    try:
        write_bytes(scratch, data, sync=False)
        return Pipeline(station, clock).recording_ms(scratch)
    finally:
        scratch.unlink(missing_ok=True)


def _free(inbox: Path, name: str, stamp: str) -> str:
    stem, ext = name.rsplit(".", 1)
    candidate, n = f"{stem}-{stamp}.{ext}", 1
    while (inbox / candidate).exists() or (inbox / candidate).with_suffix(".yaml").exists():
        n += 1
        candidate = f"{stem}-{stamp}-{n}.{ext}"
    return candidate


def submit_recording(desk: Desk, name: str, data: bytes, limit: int, *, title: str,
                     priority: Priority, repeat: int) -> tuple[str, int]:
    """Check an uploaded recording decodes and is not too long, then write its sidecar and
    itself into ``inbox/`` (the sidecar first: intake reads it when it takes the recording).
    Returns (the name in inbox/, its length in ms)."""
    station = desk.station
    if len(data) > limit:
        raise DeskError(t("web.too_large", name=name, limit=limit // 2**20))
    suffix = _audio_suffix(name, data[:16])
    try:
        ms = _probe_ms(station, desk.clock, data, suffix)
    except BroadcasterError:
        raise DeskError(t("web.bulletins.audio_bad", name=name)) from None
    limit_ms = station.settings.inbox.max_audio_minutes * 60_000
    if ms <= 0 or ms > limit_ms:
        raise DeskError(t("inbox.audio_long", name=name, minutes=round(ms / 60_000, 2),
                          limit=station.settings.inbox.max_audio_minutes))
    inbox = station.inbox_dir
    inbox.mkdir(parents=True, exist_ok=True)
    target = _free(inbox, safe_name(name, suffix), f"{desk.clock.now():%Y%m%d-%H%M%S}")
    sidecar = {"title": title or Path(name).stem, "priority": priority.value, "repeat": repeat}
    write_text((inbox / target).with_suffix(".yaml"),  # JSON is YAML: no injection by quoting
               "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in sidecar.items()))
    write_bytes(inbox / target, data)
    return target, ms


async def bulletins_page(request: web.Request) -> web.Response:
    require(request, Action.VIEW)
    state = request.query.get("state", "")
    states = (state,) if state in set(BulletinState) else ()
    return render(request, "bulletins.html", rows=request.app[DESK].bulletins(states),
                  state=state if states else "", states=list(BulletinState))


async def new_page(request: web.Request) -> web.Response:
    require(request, Action.SUBMIT)
    return _form(request, error="")


def _form(request: web.Request, error: str, status: int = 200, title: str = "", body: str = "",
          priority: str = "normal", repeat: int = 1) -> web.Response:
    return render(request, "bulletin_new.html", code=status, error=error, title=title,
                  body=body, priority=priority, repeat=repeat, priorities=list(Priority),
                  max_mb=request.app[MAX_UPLOAD] // 2**20)


async def preview(request: web.Request) -> web.Response:
    require(request, Action.SUBMIT)
    form = await request.post()
    body = str(form.get("body", ""))
    result = request.app[DESK].preview(body) if body.strip() else None
    return render(request, "_preview.html", preview=result)


async def submit(request: web.Request) -> web.Response:
    session = require(request, Action.SUBMIT)
    form = await request.post()
    desk = request.app[DESK]
    title = str(form.get("title", "")).strip()[:200]
    body = str(form.get("body", ""))
    raw_prio, raw_repeat = str(form.get("priority", "normal")), str(form.get("repeat", "1"))
    priority = Priority(raw_prio) if raw_prio in set(Priority) else Priority.NORMAL
    repeat = max(1, min(int(raw_repeat), 50)) if raw_repeat.isdigit() else 1
    upload = form.get("file")
    try:
        if isinstance(upload, FileField) and upload.filename:
            data = upload.file.read(request.app[MAX_UPLOAD] + 1)
            ext = Path(upload.filename).suffix.lower()
            if is_audio(data[:4096]) or (ext in AUDIO_EXTS and b"\0" in data[:4096]):
                name, ms = await asyncio.to_thread(
                    submit_recording, desk, upload.filename, data, request.app[MAX_UPLOAD],
                    title=title, priority=priority, repeat=repeat)
                audit(request, "bulletin.upload", name, upload.filename)
                return render(request, "submitted.html", name=name, recording=name,
                              message=tr(session.lang, "web.bulletins.audio_taken", name=name,
                                         duration=_duration(ms)))
            name = desk.submit_file(upload.filename, data, request.app[MAX_UPLOAD])
            audit(request, "bulletin.upload", name, upload.filename)
        else:
            name = desk.submit_text(title, body, priority, repeat)
            audit(request, "bulletin.submit", name, title)
    except DeskError as exc:
        return _form(request, str(exc), 400, title, body, priority.value, repeat)
    return render(request, "submitted.html", name=name, recording="",
                  message=tr(session.lang, "web.submitted", name=name))


async def detail(request: web.Request) -> web.Response:
    require(request, Action.VIEW)
    desk = request.app[DESK]
    try:
        rec = desk.bulletin(request.match_info["id"])
    except DeskError as exc:
        raise web.HTTPNotFound(text=str(exc)) from None
    preview = desk.preview(rec.body) if rec.audio is None and rec.body.strip() else None
    return render(request, "bulletin.html", rec=rec, preview=preview, error="")


def _served_file(station: Station, path: Path) -> Path:
    """``path`` if it is a file under the station's inbox/ or var/originals/; else 404."""
    try:
        real = path.resolve(strict=True)
    except OSError:
        raise web.HTTPNotFound() from None
    roots = (station.inbox_dir.resolve(), station.var("originals").resolve())
    if not real.is_file() or not any(real.is_relative_to(root) for root in roots):
        raise web.HTTPNotFound()
    if real.is_relative_to(station.inbox_dir.resolve() / "rejected"):
        raise web.HTTPNotFound()
    return real


def _audio_response(path: Path) -> web.FileResponse:
    return web.FileResponse(path, headers={
        "Content-Type": AUDIO_TYPES.get(path.suffix.lower(), "application/octet-stream"),
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})


async def uploaded_recording(request: web.Request) -> web.StreamResponse:
    """A recording uploaded through the desk, as it sits in ``inbox/`` (for its player)."""
    require(request, Action.SUBMIT)
    name = request.match_info["name"]
    if not RECORDING_NAME.fullmatch(name):
        raise web.HTTPNotFound()
    station = request.app[DESK].station
    return _audio_response(_served_file(station, station.inbox_dir / name))


async def bulletin_recording(request: web.Request) -> web.StreamResponse:
    """The kept recording of a recorded bulletin (under ``var/originals/``)."""
    require(request, Action.VIEW)
    desk = request.app[DESK]
    try:
        rec = desk.bulletin(request.match_info["id"])
    except DeskError:
        raise web.HTTPNotFound() from None
    if rec.audio is None:
        raise web.HTTPNotFound()
    return _audio_response(_served_file(desk.station, rec.audio))


async def withdraw(request: web.Request) -> web.StreamResponse:
    session = require(request, Action.WITHDRAW)
    form = await request.post()
    bid = request.match_info["id"]
    try:
        request.app[DESK].withdraw(bid, str(form.get("reason", "")), session.user.name)
    except DeskError as exc:
        raise web.HTTPConflict(text=str(exc)) from None
    audit(request, "bulletin.withdraw", bid, str(form.get("reason", "")))
    raise web.HTTPSeeOther(f"/bulletins/{bid}")


async def approvals_page(request: web.Request) -> web.Response:
    require(request, Action.VIEW)
    return render(request, "approvals.html", rows=request.app[DESK].awaiting(), error="")


async def approve(request: web.Request) -> web.StreamResponse:
    session = require(request, Action.APPROVE)
    form = await request.post()
    bid, content_hash = request.match_info["id"], str(form.get("hash", ""))
    try:
        request.app[DESK].approve(bid, content_hash, session.user.name)
    except DeskError as exc:
        return render(request, "approvals.html", code=409, rows=request.app[DESK].awaiting(),
                      error=str(exc))
    audit(request, "bulletin.approve", bid, f"sha256 {content_hash[:12]}")
    raise web.HTTPSeeOther("/approvals")


async def reject(request: web.Request) -> web.StreamResponse:
    session = require(request, Action.APPROVE)
    form = await request.post()
    bid, reason = request.match_info["id"], str(form.get("reason", ""))
    try:
        request.app[DESK].reject(bid, reason, session.user.name)
    except DeskError as exc:
        return render(request, "approvals.html", code=409, rows=request.app[DESK].awaiting(),
                      error=str(exc))
    audit(request, "bulletin.reject", bid, reason)
    raise web.HTTPSeeOther("/approvals")


def routes(app: web.Application) -> None:
    app.router.add_get("/bulletins", bulletins_page)
    app.router.add_get("/bulletins/new", new_page)
    app.router.add_post("/bulletins/new", submit)
    app.router.add_post("/bulletins/preview", preview)
    app.router.add_get(f"/bulletins/{ID}", detail)
    app.router.add_get(f"/bulletins/{ID}/recording", bulletin_recording)
    app.router.add_get("/recordings/{name}", uploaded_recording)
    app.router.add_post(f"/bulletins/{ID}/withdraw", withdraw)
    app.router.add_get("/approvals", approvals_page)
    app.router.add_post(f"/approvals/{ID}/approve", approve)
    app.router.add_post(f"/approvals/{ID}/reject", reject)


__all__ = ["routes", "session_of"]
