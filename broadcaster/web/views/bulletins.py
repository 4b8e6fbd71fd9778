"""Bulletins (list in pages, new by paste or upload, preview of the spoken script, edit as a new
version, withdraw) and the approval queue (in pages; each version with its word-level changes
since the one before; approve pinned to the content hash, reject with a reason). The players
of rendered speech are ``views/listen.py``.

An uploaded recording (recognised by its first bytes, not its name) is written into ``inbox/``
with its title, priority and repeat in a ``NAME.yaml`` sidecar, and taken by the station's
intake like a dropped one; its player is served by an authenticated route that only serves
files under the station's ``inbox/`` and ``var/originals/``."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from aiohttp import web
from aiohttp.web_request import FileField

from broadcaster.clock import Clock
from broadcaster.config import Station
from broadcaster.durable import temp_path, write_bytes, write_text
from broadcaster.errors import BroadcasterError
from broadcaster.inbox.ingest import AUDIO_EXTS
from broadcaster.inbox.reader import is_audio
from broadcaster.inbox.records import BulletinRecord
from broadcaster.messages import label, t
from broadcaster.models import BulletinState, Priority
from broadcaster.web.app import DESK, MAX_UPLOAD, audit, render, require, session_of, tr
from broadcaster.web.desk import Desk, DeskError, safe_name
from broadcaster.web.users import Action
from broadcaster.web.versions import Edit, Span, editable, word_diff, write_edit
from broadcaster.web.views import listen

ID = r"{id:[a-z0-9][a-z0-9-]{0,80}}"
RECORDING_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,100}\.(mp3|m4a|aac|ogg|oga|opus|wav|amr|flac)")
AUDIO_TYPES = {".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".aac": "audio/aac",
               ".ogg": "audio/ogg", ".oga": "audio/ogg", ".opus": "audio/ogg",
               ".wav": "audio/wav", ".amr": "audio/amr", ".flac": "audio/flac"}
T = TypeVar("T")


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


PAGE_ROWS = 50       # bulletins list: rows per page
PAGE_APPROVALS = 20  # approval queue: versions per page (each with its diff)


@dataclass(frozen=True)
class Pager:
    page: int
    pages: int
    total: int
    query: str  # the other query parameters, for the page links

    def href(self, page: int) -> str:
        return f"?{self.query}&page={page}" if self.query else f"?page={page}"


def _page(request: web.Request, rows: list[T], size: int, query: str = "") -> tuple[list[T], Pager]:
    """One page of ``rows`` (``?page=N``, clamped): a thousand rows never reach the template."""
    pages = max(1, -(-len(rows) // size))
    raw = request.query.get("page", "1")
    page = min(max(int(raw), 1), pages) if raw.isdigit() else 1
    return rows[(page - 1) * size: page * size], Pager(page, pages, len(rows), query)


async def bulletins_page(request: web.Request) -> web.Response:
    require(request, Action.VIEW)
    state = request.query.get("state", "")
    states = (state,) if state in set(BulletinState) else ()
    rows, pager = _page(request, request.app[DESK].bulletins(states), PAGE_ROWS,
                        f"state={state}" if states else "")
    return render(request, "bulletins.html", rows=rows, pager=pager,
                  state=state if states else "", states=list(BulletinState))


async def new_page(request: web.Request) -> web.Response:
    require(request, Action.SUBMIT)
    return _form(request, error="")


def _form(request: web.Request, error: str, status: int = 200, title: str = "", body: str = "",
          priority: str = "normal", repeat: int = 1) -> web.Response:
    return render(request, "bulletin_new.html", code=status, error=error, title=title,
                  body=body, priority=priority, repeat=repeat, priorities=list(Priority),
                  max_mb=request.app[MAX_UPLOAD] // 2**20, draft_player=listen.idle_draft())


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
    text = rec.audio is None and bool(rec.body.strip())
    preview = desk.preview(rec.body) if text else None
    player = await listen.player_of(request, rec.bulletin()) if text else None
    return render(request, "bulletin.html", rec=rec, preview=preview, error="",
                  editable=editable(rec), player=player)


async def edit_page(request: web.Request) -> web.Response:
    require(request, Action.SUBMIT)
    try:
        rec = request.app[DESK].bulletin(request.match_info["id"])
    except DeskError as exc:
        raise web.HTTPNotFound(text=str(exc)) from None
    if not editable(rec):
        raise web.HTTPConflict(text=t("web.edit.not_editable", id=rec.id, source=rec.source,
                                      state=label("state", rec.state)))
    return _edit_form(request, rec, "", Edit(rec.title, rec.body, rec.priority, rec.repeat))


def _edit_form(request: web.Request, rec: BulletinRecord, error: str, edit: Edit,
               status: int = 200) -> web.Response:
    return render(request, "bulletin_edit.html", code=status, rec=rec, error=error,
                  title=edit.title, body=edit.body, priority=edit.priority.value,
                  repeat=edit.repeat, priorities=list(Priority), draft_player=listen.idle_draft())


def _form_fields(form: Mapping[str, object]) -> Edit:
    raw_prio, raw_repeat = str(form.get("priority", "normal")), str(form.get("repeat", "1"))
    return Edit(title=str(form.get("title", "")).strip()[:200], body=str(form.get("body", "")),
                priority=Priority(raw_prio) if raw_prio in set(Priority) else Priority.NORMAL,
                repeat=max(1, min(int(raw_repeat), 50)) if raw_repeat.isdigit() else 1)


async def edit(request: web.Request) -> web.Response:
    """Save an edit as the bulletin's next version (written where intake takes it)."""
    session = require(request, Action.SUBMIT)
    form = await request.post()
    desk = request.app[DESK]
    bid = request.match_info["id"]
    fields = _form_fields(form)
    try:
        rec = write_edit(desk, bid, fields)
    except DeskError as exc:
        try:
            rec = desk.bulletin(bid)
        except DeskError:
            raise web.HTTPNotFound(text=str(exc)) from None
        return _edit_form(request, rec, str(exc), fields, 409 if not editable(rec) else 400)
    audit(request, "bulletin.edit", bid, f"v{rec.version + 1}: {fields.title or rec.title}")
    return render(request, "submitted.html", name=rec.source, recording="",
                  message=tr(session.lang, "web.edit.saved", title=fields.title or rec.title,
                             version=rec.version + 1))


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
        await asyncio.to_thread(request.app[DESK].withdraw, bid, str(form.get("reason", "")),
                                session.user.name)  # through the station: off the event loop
    except DeskError as exc:
        raise web.HTTPConflict(text=str(exc)) from None
    audit(request, "bulletin.withdraw", bid, str(form.get("reason", "")))
    raise web.HTTPSeeOther(f"/bulletins/{bid}")


@dataclass(frozen=True)
class Waiting:
    """A version in the approval queue with what changed since the version before it."""

    rec: BulletinRecord
    previous_title: str | None  # None: the first version
    diff: list[Span]

    @property
    def changed(self) -> bool:
        return any(s.op != "=" for s in self.diff)


def _waiting(desk: Desk, recs: list[BulletinRecord]) -> list[Waiting]:
    before = desk.previous_texts([(r.id, r.version) for r in recs if r.version > 1])
    out = []
    for r in recs:
        old = before.get((r.id, r.version))
        diff = word_diff(old[1], r.body) if old is not None and r.audio is None else []
        out.append(Waiting(r, old[0] if old is not None else None, diff))
    return out


def _approvals(request: web.Request, error: str = "", code: int = 200) -> web.Response:
    desk = request.app[DESK]
    recs, pager = _page(request, desk.awaiting(), PAGE_APPROVALS)
    return render(request, "approvals.html", code=code, rows=_waiting(desk, recs), pager=pager,
                  error=error)


async def approvals_page(request: web.Request) -> web.Response:
    require(request, Action.VIEW)
    return _approvals(request)


async def approve(request: web.Request) -> web.StreamResponse:
    session = require(request, Action.APPROVE)
    form = await request.post()
    bid, content_hash = request.match_info["id"], str(form.get("hash", ""))
    try:
        await asyncio.to_thread(request.app[DESK].approve, bid, content_hash, session.user.name)
    except DeskError as exc:
        return _approvals(request, str(exc), 409)
    audit(request, "bulletin.approve", bid, f"sha256 {content_hash[:12]}")
    raise web.HTTPSeeOther("/approvals")


async def reject(request: web.Request) -> web.StreamResponse:
    session = require(request, Action.APPROVE)
    form = await request.post()
    bid, reason = request.match_info["id"], str(form.get("reason", ""))
    try:
        await asyncio.to_thread(request.app[DESK].reject, bid, reason, session.user.name)
    except DeskError as exc:
        return _approvals(request, str(exc), 409)
    audit(request, "bulletin.reject", bid, reason)
    raise web.HTTPSeeOther("/approvals")


def routes(app: web.Application) -> None:
    app.router.add_get("/bulletins", bulletins_page)
    app.router.add_get("/bulletins/new", new_page)
    app.router.add_post("/bulletins/new", submit)
    app.router.add_post("/bulletins/preview", preview)
    app.router.add_get(f"/bulletins/{ID}", detail)
    app.router.add_get(f"/bulletins/{ID}/edit", edit_page)
    app.router.add_post(f"/bulletins/{ID}/edit", edit)
    app.router.add_get(f"/bulletins/{ID}/recording", bulletin_recording)
    app.router.add_get("/recordings/{name}", uploaded_recording)
    app.router.add_post(f"/bulletins/{ID}/withdraw", withdraw)
    app.router.add_get("/approvals", approvals_page)
    app.router.add_post(f"/approvals/{ID}/approve", approve)
    app.router.add_post(f"/approvals/{ID}/reject", reject)
    listen.routes(app)


__all__ = ["routes", "session_of"]
