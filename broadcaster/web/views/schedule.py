"""Lịch phát: the week template and any day as a timeline; a one-off slot, a cancelled week
slot or a no-broadcast day written to ``schedules/YYYY-MM-DD.yaml`` (validated like
``validate``, installed like ``load``, confirmed when it removes slots)."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from aiohttp import web

from broadcaster.air.schedule import DAYS, PlannedSlot
from broadcaster.web.app import DESK, audit, render, require, session_of, tr
from broadcaster.web.desk import DeskError
from broadcaster.web.listen import Prepared, browser_file
from broadcaster.web.planner import DayEdit, Draft, EditKind, NewSlot, day_name, timeline
from broadcaster.web.programs import (
    FIXED_KINDS,
    PROGRAM_KINDS,
    ProgramRow,
    Scope,
    rows_from_form,
    rows_of,
    slot_source,
)
from broadcaster.web.users import Action

DATE = r"{date:\d{4}-\d{2}-\d{2}}"
SLOT_ID = r"[a-z0-9][a-z0-9_-]*"
AHEAD_DAYS = 7
SLOT_FORM = ("id", "name", "at", "max_minutes", "say", "tags")


def _date(request: web.Request, raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw) if raw else request.app[DESK].clock.now().date()
    except ValueError:
        raise web.HTTPBadRequest(text=tr(session_of(request).lang, "log.bad_date",
                                         value=raw)) from None


def _page(request: web.Request, day: dt.date, code: int = 200, **extra: Any) -> web.Response:
    desk = request.app[DESK]
    view = desk.day(day)
    today = desk.clock.now().date()
    week = desk.week()
    context: dict[str, Any] = {
        "form": {k: "" for k in SLOT_FORM} | {"max_minutes": "10"}, "errors": {},
        "problems": [], "confirm": None, "edit": None}
    context.update(extra)
    return render(request, "schedule.html", code=code, day=day.isoformat(), view=view,
                  weekday=DAYS[day.weekday()], file_name=day_name(day),
                  segments=timeline(view, desk.station.settings.policy.max_session_minutes),
                  days=[today + dt.timedelta(days=n) for n in range(AHEAD_DAYS + 1)],
                  week_days=DAYS, week=[(d, [s for s in week.slots if d in s.days]) for d in DAYS],
                  **context)


async def schedule_page(request: web.Request) -> web.Response:
    require(request, Action.VIEW)
    day = _date(request, request.query.get("date", ""))
    return await asyncio.to_thread(_page, request, day)


def _edit(kind: EditKind, form: dict[str, str]) -> DayEdit:
    if kind == EditKind.ADD:
        tags = tuple(t.strip() for t in form.get("tags", "").split(",") if t.strip())
        return DayEdit(kind, NewSlot(form.get("id", ""), form.get("name", ""), form.get("at", ""),
                                     form.get("max_minutes", ""), form.get("say", ""), tags))
    if kind == EditKind.CANCEL:
        return DayEdit(kind, cancel=form.get("slot", ""))
    return DayEdit(kind)


async def change(request: web.Request) -> web.StreamResponse:
    """One schedule action; the kind is the route's last part."""
    require(request, Action.SCHEDULE)
    day = _date(request, request.match_info["date"])
    kind = EditKind(request.match_info["kind"].replace("-", "_"))
    post = await request.post()
    form = {k: str(v) for k, v in post.items() if k != "csrf" and isinstance(v, str)}
    desk = request.app[DESK]
    try:
        found, installed = await asyncio.to_thread(
            desk.change_day, day, _edit(kind, form), confirmed=form.get("confirmed") == "yes")
    except DeskError as exc:
        return _page(request, day, 409, problems=[str(exc)], **_kept(kind, form))
    if found.problems:
        return _page(request, day, 400, problems=found.general, errors=found.at_field,
                     **_kept(kind, form))
    if not installed:  # removes slots: say which, and ask
        return _page(request, day, confirm=_confirm(found), edit={
            "kind": kind.value.replace("_", "-"), "fields": form}, **_kept(kind, form))
    audit(request, f"schedule.{kind.value}", found.path.name,
          "; ".join(c.line().strip() for c in found.change.slots) if found.change else "")
    raise web.HTTPSeeOther(f"/schedule?date={day.isoformat()}")


def _kept(kind: EditKind, form: dict[str, str]) -> dict[str, Any]:
    """The add form keeps what was typed (a problem is fixed where it is shown)."""
    if kind != EditKind.ADD:
        return {}
    return {"form": {k: form.get(k, "") for k in SLOT_FORM}}


def _confirm(found: Draft) -> list[str]:
    return [c.line().strip() for c in found.change.slots] if found.change else []


def _planned(request: web.Request, day: dt.date) -> PlannedSlot:
    slot_id = request.match_info["slot"]
    found = [p for p in request.app[DESK].day(day).planned if p.slot.id == slot_id]
    if not found:
        raise web.HTTPNotFound(text=tr(session_of(request).lang, "web.program.no_slot",
                                       slot=slot_id, date=day.isoformat()))
    return found[0]


def _slot_page(request: web.Request, day: dt.date, code: int = 200, **extra: Any
               ) -> web.Response:
    """One airing: its program to edit, and the prepared program to listen to."""
    desk = request.app[DESK]
    planned = _planned(request, day)
    source = slot_source(desk.book(), day, planned.slot.id) or Scope.DAY
    context: dict[str, Any] = {"rows": rows_of(planned.slot), "errors": {}, "problems": [],
                               "scope": source.value, "saved": False}
    context.update(extra)
    listen: Prepared | None = None
    listen_error = ""
    try:
        listen = desk.prepared(planned.key)
    except DeskError as exc:
        listen_error = str(exc)
    return render(request, "slot.html", code=code, day=day.isoformat(), planned=planned,
                  source=source.value, kinds=PROGRAM_KINDS, fixed=FIXED_KINDS, listen=listen,
                  listen_error=listen_error, mmss=_mmss, **context)


def _mmss(ms: int) -> str:
    return f"{ms // 60000}:{ms // 1000 % 60:02d}.{ms % 1000 // 100}"


async def slot_page(request: web.Request) -> web.Response:
    require(request, Action.VIEW)
    day = _date(request, request.match_info["date"])
    saved = request.query.get("saved") == "1"
    return await asyncio.to_thread(_slot_page, request, day, saved=saved)


async def save_program(request: web.Request) -> web.StreamResponse:
    """A slot's program from the form: written where the slot lives (or, for a week slot,
    into the day's file when the operator chose this day only), judged, installed."""
    require(request, Action.SCHEDULE)
    day = _date(request, request.match_info["date"])
    slot_id = request.match_info["slot"]
    post = await request.post()
    form = {k: str(v) for k, v in post.items() if k != "csrf" and isinstance(v, str)}
    rows = rows_from_form(form)
    scope = Scope.WEEK if form.get("scope") == Scope.WEEK.value else Scope.DAY
    desk = request.app[DESK]
    kept = {"rows": rows or [ProgramRow("")], "scope": scope.value}  # fixed where shown
    try:
        found, installed = await asyncio.to_thread(
            desk.change_program, day, slot_id, rows, scope, confirmed=form.get("confirmed") == "yes")
    except DeskError as exc:
        return await asyncio.to_thread(_slot_page, request, day, 409, problems=[str(exc)], **kept)
    if found.problems or not installed:
        return await asyncio.to_thread(_slot_page, request, day, 400, problems=found.general,
                                       errors=found.at_field, **kept)
    audit(request, "schedule.program", found.path.name, f"{day.isoformat()}/{slot_id}: " + "; ".join(
        f"{r.kind}={r.value}" for r in rows if r.kind))
    raise web.HTTPSeeOther(f"/schedule/{day.isoformat()}/slot/{slot_id}?saved=1")


async def slot_audio(request: web.Request) -> web.StreamResponse:
    """The prepared program of one airing, for the player (the station's render cache only)."""
    require(request, Action.VIEW)
    day = _date(request, request.match_info["date"])
    desk = request.app[DESK]
    key = f"{day.isoformat()}/{request.match_info['slot']}"
    try:
        found = await asyncio.to_thread(desk.prepared, key)
    except DeskError:
        raise web.HTTPNotFound() from None
    if found is None:
        raise web.HTTPNotFound()
    path = await asyncio.to_thread(browser_file, desk.station, found)
    kind = "audio/mpeg" if path.suffix == ".mp3" else "audio/wav"
    return web.FileResponse(path, headers={"Content-Type": kind,
                                           "Cache-Control": "private, no-store"})


def routes(app: web.Application) -> None:
    app.router.add_get("/schedule", schedule_page)
    app.router.add_post(f"/schedule/{DATE}/{{kind:add|cancel|no-broadcast}}", change)
    app.router.add_get(f"/schedule/{DATE}/slot/{{slot:{SLOT_ID}}}", slot_page)
    app.router.add_post(f"/schedule/{DATE}/slot/{{slot:{SLOT_ID}}}/program", save_program)
    app.router.add_get(f"/schedule/{DATE}/slot/{{slot:{SLOT_ID}}}/audio", slot_audio)
