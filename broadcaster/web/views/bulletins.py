"""Bulletins (list, new by paste or upload, preview of the spoken script, withdraw) and the
approval queue (approve pinned to the content hash, reject with a reason)."""

from __future__ import annotations

from aiohttp import web
from aiohttp.web_request import FileField

from broadcaster.models import BulletinState, Priority
from broadcaster.web.app import DESK, MAX_UPLOAD, audit, render, require, session_of, tr
from broadcaster.web.desk import DeskError
from broadcaster.web.users import Action

ID = r"{id:[a-z0-9][a-z0-9-]{0,80}}"


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
            name = desk.submit_file(upload.filename, data, request.app[MAX_UPLOAD])
            audit(request, "bulletin.upload", name, upload.filename)
        else:
            name = desk.submit_text(title, body, priority, repeat)
            audit(request, "bulletin.submit", name, title)
    except DeskError as exc:
        return _form(request, str(exc), 400, title, body, priority.value, repeat)
    return render(request, "submitted.html", name=name,
                  message=tr(session.lang, "web.submitted", name=name))


async def detail(request: web.Request) -> web.Response:
    require(request, Action.VIEW)
    desk = request.app[DESK]
    try:
        rec = desk.bulletin(request.match_info["id"])
    except DeskError as exc:
        raise web.HTTPNotFound(text=str(exc)) from None
    return render(request, "bulletin.html", rec=rec, preview=desk.preview(rec.body), error="")


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
    app.router.add_post(f"/bulletins/{ID}/withdraw", withdraw)
    app.router.add_get("/approvals", approvals_page)
    app.router.add_post(f"/approvals/{ID}/approve", approve)
    app.router.add_post(f"/approvals/{ID}/reject", reject)


__all__ = ["routes", "session_of"]
