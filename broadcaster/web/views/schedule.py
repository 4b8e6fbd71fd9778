"""Lịch phát: the week template and any day as a timeline; a one-off slot, a cancelled week
slot or a no-broadcast day written to ``schedules/YYYY-MM-DD.yaml`` (validated like
``validate``, installed like ``load``, confirmed when it removes slots)."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from aiohttp import web

from broadcaster.air.schedule import DAYS
from broadcaster.web.app import DESK, audit, render, require, session_of, tr
from broadcaster.web.desk import DeskError
from broadcaster.web.planner import DayEdit, Draft, EditKind, NewSlot, day_name, timeline
from broadcaster.web.users import Action

DATE = r"{date:\d{4}-\d{2}-\d{2}}"
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


def routes(app: web.Application) -> None:
    app.router.add_get("/schedule", schedule_page)
    app.router.add_post(f"/schedule/{DATE}/{{kind:add|cancel|no-broadcast}}", change)
