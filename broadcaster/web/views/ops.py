"""Báo cáo tháng (the monthly report drawn as charts, with its HTML/CSV downloads) and Tình
trạng (the doctor's checks)."""

from __future__ import annotations

import asyncio

from aiohttp import web

from broadcaster.ops.report import to_csv, to_html, valid_month
from broadcaster.web.app import DESK, render, require, session_of, tr
from broadcaster.web.users import Action


def _month(request: web.Request) -> str:
    raw = request.query.get("month", "")
    if not raw:
        return f"{request.app[DESK].clock.now():%Y-%m}"
    if not valid_month(raw):
        raise web.HTTPBadRequest(text=tr(session_of(request).lang, "report.bad_month", value=raw))
    return raw


async def report_page(request: web.Request) -> web.Response:
    require(request, Action.VIEW)
    month = _month(request)
    found = await asyncio.to_thread(request.app[DESK].month, month)
    rep = found.report
    return render(request, "report.html", month=month, fig=found, rep=rep,
                  aired=sum(s.aired for s in rep.slots),
                  hours=f"{rep.total_airtime_s / 3600:.1f}")


async def report_file(request: web.Request) -> web.Response:
    require(request, Action.VIEW)
    month = _month(request)
    rep = (await asyncio.to_thread(request.app[DESK].month, month)).report
    fmt = request.match_info["fmt"]
    body = to_csv(rep).encode("utf-8-sig") if fmt == "csv" else to_html(rep).encode("utf-8")
    return web.Response(body=body, content_type="text/csv" if fmt == "csv" else "text/html",
                        charset="utf-8", headers={
                            "Content-Disposition": f'attachment; filename="bao-cao-{month}.{fmt}"'})


async def status_page(request: web.Request) -> web.Response:
    require(request, Action.VIEW)
    probe = request.query.get("probe") == "1"
    checks = await asyncio.to_thread(request.app[DESK].checks, probe=probe)
    counts = {v: sum(1 for c in checks if c.verdict == v) for v in ("ok", "warn", "fail")}
    return render(request, "status.html", checks=checks, probe=probe, counts=counts)


def routes(app: web.Application) -> None:
    app.router.add_get("/report", report_page)
    app.router.add_get("/report.{fmt:csv|html}", report_file)
    app.router.add_get("/status", status_page)
