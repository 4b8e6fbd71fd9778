"""Dashboard (live through server-sent events), emergency, as-run log, audit log."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import hashlib
import io
import json
from typing import Any

from aiohttp import web

from broadcaster.web.app import DESK, audit, render, require, session_of, tr
from broadcaster.web.desk import DeskError
from broadcaster.web.users import Action

EVENT_POLL_S = 0.25   # a change of state reaches an open dashboard well within a second
EVENT_KEEPALIVE_S = 15.0
MAX_REPEAT = 10


async def _dashboard_data(request: web.Request) -> dict[str, Any]:
    desk = request.app[DESK]
    status = await asyncio.to_thread(desk.status)
    level = status.output_level if status is not None else None
    fresh = level if level is not None and level.fresh(desk.clock.now()) else None
    return {"status": status, "awaiting": desk.awaiting(), "problems": desk.recent_problems(),
            "today": desk.asrun()[-8:], "level": fresh, "stale": level is not None and not fresh,
            "disk": await asyncio.to_thread(desk.disk)}


async def dashboard(request: web.Request) -> web.Response:
    require(request, Action.VIEW)
    return render(request, "dashboard.html", **await _dashboard_data(request))


async def panel(request: web.Request) -> web.Response:
    require(request, Action.VIEW)
    return render(request, "_panel.html", **await _dashboard_data(request))


def _fingerprint(data: dict[str, Any]) -> str:
    """What the panel shows but the level (the meter follows its own ``level`` event: a
    changing level must not reload the whole panel four times a second)."""
    status = data["status"]
    shown = {k: v for k, v in status.__dict__.items() if k != "output_level"} if status else None
    raw = json.dumps([shown, [(r.id, r.version, r.state) for r in data["awaiting"]],
                      [(r.id, r.outcome) for r in data["today"]], data["disk"].warn],
                     default=str, sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()


def _level_event(data: dict[str, Any]) -> str:
    level = data["level"]
    return json.dumps(level.as_event() if level is not None else None)


_shared: dict[int, tuple[float, str, str]] = {}


async def _current(request: web.Request) -> tuple[str, str]:
    """The dashboard's fingerprint and level, computed once per poll for every open page
    together (fifty open dashboards make one status call to the station, not fifty)."""
    loop = asyncio.get_running_loop()
    key = id(request.app)
    cached = _shared.get(key)
    if cached is not None and loop.time() - cached[0] < EVENT_POLL_S * 0.9:
        return cached[1], cached[2]
    data = await _dashboard_data(request)
    value, level = _fingerprint(data), _level_event(data)
    _shared[key] = (loop.time(), value, level)
    return value, level


async def events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: ``change`` whenever what the dashboard shows changes, ``level``
    (JSON ``{"rms": dBFS, "peak": dBFS}`` or ``null``) whenever the output level does."""
    require(request, Action.VIEW)
    resp = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                       "Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
    await resp.prepare(request)
    last, last_level = "", ""
    idle = 0.0
    try:
        while True:
            now, level = await _current(request)
            if now != last:
                if last:
                    await resp.write(b"event: change\ndata: 1\n\n")
                last, idle = now, 0.0
            if level != last_level:
                await resp.write(f"event: level\ndata: {level}\n\n".encode())
                last_level, idle = level, 0.0
            elif idle >= EVENT_KEEPALIVE_S:
                await resp.write(b": keep-alive\n\n")
                idle = 0.0
            await asyncio.sleep(EVENT_POLL_S)
            idle += EVENT_POLL_S
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    return resp


async def emergency_page(request: web.Request) -> web.Response:
    require(request, Action.EMERGENCY)
    return render(request, "emergency.html", text="", repeat=2, error="", confirm=False,
                  recording="", recording_name="")


async def emergency(request: web.Request) -> web.Response:
    """Text or a recording, a repeat count, then a confirmation step; on air through the
    station's control channel (as fast as the CLI's)."""
    session = require(request, Action.EMERGENCY)
    desk = request.app[DESK]
    form = await request.post()
    text = str(form.get("text", "")).strip()
    raw = str(form.get("repeat", "1"))
    repeat = max(1, min(int(raw), MAX_REPEAT)) if raw.isdigit() else 1
    recording, shown = str(form.get("recording", "")), str(form.get("recording_name", ""))
    page: dict[str, Any] = {"text": text, "repeat": repeat, "recording": recording,
                            "recording_name": shown}
    upload = form.get("audio")
    try:
        if isinstance(upload, web.FileField) and upload.filename:
            shown = upload.filename
            data = upload.file.read()  # decoding it takes a while: off the event loop
            kept = await asyncio.to_thread(desk.keep_recording, shown, data)
            page.update(recording=kept, recording_name=shown)
    except DeskError as exc:
        return render(request, "emergency.html", code=400, error=str(exc), confirm=False, **page)
    if not text and not page["recording"]:
        return render(request, "emergency.html", code=400, confirm=False,
                      error=tr(session.lang, "emergency.need_text"), **page)
    if form.get("confirmed") != "yes":
        return render(request, "emergency.html", error="", confirm=True, **page)
    try:
        # the station prepares the message before it answers: off the event loop
        result = await asyncio.to_thread(desk.emergency, text, repeat, str(page["recording"]))
    except DeskError as exc:
        audit(request, "emergency.failed", "", f"{exc}")
        return render(request, "emergency.html", code=409, error=str(exc), confirm=False, **page)
    what = f"recording {shown}" if page["recording"] else text
    audit(request, "emergency", str(result.get("key", "")), f"x{repeat}: {what}")
    return render(request, "emergency.html", text="", repeat=2, confirm=False, error="",
                  recording="", recording_name="",
                  done=tr(session.lang, "web.emergency_queued", repeat=repeat))


async def live(request: web.Request) -> web.Response:
    """Go live from the desk (operator, admin): ``broadcaster live start|stop`` by the user."""
    session = require(request, Action.EMERGENCY)
    start = request.match_info["what"] == "start"
    page: dict[str, Any] = {"text": "", "repeat": 2, "recording": "", "recording_name": "",
                            "confirm": False}
    try:  # the station fades the program first: a second or two, off the event loop
        message = await asyncio.to_thread(request.app[DESK].live, start, session.user.name)
    except DeskError as exc:
        audit(request, "live.failed", "", f"{exc}")
        return render(request, "emergency.html", code=409, error=str(exc), **page)
    audit(request, "live.start" if start else "live.stop", "", message)
    return render(request, "emergency.html", error="", done=message, **page)


def _day(request: web.Request) -> dt.date:
    raw = request.query.get("date", "")
    try:
        return dt.date.fromisoformat(raw) if raw else request.app[DESK].clock.now().date()
    except ValueError:
        raise web.HTTPBadRequest(text=tr(session_of(request).lang, "log.bad_date",
                                         value=raw)) from None


async def asrun_page(request: web.Request) -> web.Response:
    require(request, Action.VIEW)
    day = _day(request)
    return render(request, "asrun.html", day=day.isoformat(), rows=request.app[DESK].asrun(day))


async def asrun_csv(request: web.Request) -> web.Response:
    require(request, Action.VIEW)
    day = _day(request)
    out = io.StringIO()
    writer = csv.writer(out)
    rows = request.app[DESK].asrun(day)
    fields = ["scheduled", "started", "ended", "offset_ms", "outcome", "slot_id", "slot_name",
              "reason", "items"]
    writer.writerow(fields)
    for r in rows:
        d = r.as_dict()
        writer.writerow([json.dumps(d[f], ensure_ascii=False) if f == "items" else d[f]
                         for f in fields])
    return web.Response(body=out.getvalue().encode("utf-8-sig"), content_type="text/csv",
                        charset="utf-8", headers={
                            "Content-Disposition": f'attachment; filename="asrun-{day}.csv"'})


async def audit_page(request: web.Request) -> web.Response:
    require(request, Action.AUDIT)
    return render(request, "audit.html", rows=request.app[DESK].users.audit_rows())


def routes(app: web.Application) -> None:
    app.router.add_get("/", dashboard)
    app.router.add_get("/panel", panel)
    app.router.add_get("/events", events)
    app.router.add_get("/emergency", emergency_page)
    app.router.add_post("/emergency", emergency)
    app.router.add_post("/live/{what:start|stop}", live)
    app.router.add_get("/asrun", asrun_page)
    app.router.add_get("/asrun.csv", asrun_csv)
    app.router.add_get("/audit", audit_page)
