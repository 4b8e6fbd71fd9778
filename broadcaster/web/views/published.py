"""Đã đăng: the social posting log (what went to the Facebook Page and the Zalo OA, when, the
post id or the error), read from the station's outbox."""

from __future__ import annotations

import asyncio

from aiohttp import web

from broadcaster.publish.social.outbox import read_log
from broadcaster.web.app import DESK, render, require
from broadcaster.web.users import Action

LIMIT = 200


async def published_page(request: web.Request) -> web.Response:
    require(request, Action.VIEW)
    station = request.app[DESK].station
    rows, waiting = await asyncio.to_thread(read_log, station.var_dir / "db", LIMIT)
    social = station.settings.publish.social
    return render(request, "published.html", rows=rows, waiting=waiting,
                  configured=social.facebook is not None or social.zalo is not None)


def routes(app: web.Application) -> None:
    app.router.add_get("/published", published_page)
