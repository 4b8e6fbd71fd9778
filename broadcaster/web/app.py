"""The web desk's aiohttp application: security middlewares, sessions, templates, routes.

Handlers live in ``views/``; they parse, check the role, call ``Desk`` and render a template.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from broadcaster.clock import Clock, SystemClock
from broadcaster.config import Station, load_station
from broadcaster.messages import CATALOG, label
from broadcaster.web.desk import Desk
from broadcaster.web.users import Action, Session, allowed

log = logging.getLogger(__name__)

SESSION_COOKIE = "desk_session"
PRE_COOKIE = "desk_pre"  # login form's CSRF token (double submit), before any session exists
LANGS = ("vi", "en")
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "media-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'")
OPEN_PATHS = ("/login", "/healthz", "/static/", "/cong-khai")
PUBLIC_TYPES = {"rss.xml": "application/rss+xml", "atom.xml": "application/atom+xml",
                "feed.json": "application/feed+json", ".html": "text/html", ".css": "text/css",
                ".js": "text/javascript", ".json": "application/json", ".xml": "application/xml",
                ".png": "image/png", ".mp3": "audio/mpeg"}

DESK: web.AppKey[Desk] = web.AppKey("desk", Desk)
JINJA: web.AppKey[jinja2.Environment] = web.AppKey("jinja", jinja2.Environment)
THROTTLE: web.AppKey[Throttle] = web.AppKey("throttle")
MAX_UPLOAD: web.AppKey[int] = web.AppKey("max_upload", int)
SESSION: web.RequestKey[Session] = web.RequestKey("session", Session)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def tr(lang: str, key: str, **params: object) -> str:
    """``messages.t`` in the page's language (the desk serves both at once)."""
    entry = CATALOG.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry.get("en") or key
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return text


class Throttle:
    """Failed logins per (address, name): after 5 failures, wait 2^n seconds (max 15 min)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.failures: dict[tuple[str, str], tuple[int, float]] = {}

    def wait_s(self, ip: str, name: str) -> float:
        count, last = self.failures.get((ip, name.lower()), (0, 0.0))
        if count < 5:
            return 0.0
        return max(0.0, last + min(900.0, 2.0 ** (count - 4)) - self.clock())

    def failed(self, ip: str, name: str) -> None:
        count, _ = self.failures.get((ip, name.lower()), (0, 0.0))
        self.failures[(ip, name.lower())] = (count + 1, self.clock())

    def succeeded(self, ip: str, name: str) -> None:
        self.failures.pop((ip, name.lower()), None)


def session_of(request: web.Request) -> Session:
    return request[SESSION]


def lang_of(request: web.Request) -> str:
    session: Session | None = request.get(SESSION)
    if session is not None:
        return session.lang
    lang = request.cookies.get("desk_lang", "")
    return lang if lang in LANGS else request.app[DESK].station.settings.language


def client_ip(request: web.Request) -> str:
    return request.remote or ""


def require(request: web.Request, action: Action) -> Session:
    """The session if its role may do ``action``; else 403 (nothing is changed)."""
    session = session_of(request)
    if not allowed(session.user.role, action):
        raise web.HTTPForbidden(text=tr(session.lang, "web.forbidden"))
    return session


def audit(request: web.Request, action: str, target: str = "", detail: str = "") -> None:
    session: Session | None = request.get(SESSION)
    who = session.user.name if session else "-"
    request.app[DESK].users.audit(who, action, target, detail, client_ip(request))


def render(request: web.Request, template: str, code: int = 200,
           **context: Any) -> web.Response:
    lang = lang_of(request)
    session: Session | None = request.get(SESSION)
    env = request.app[JINJA]
    html = env.get_template(template).render(
        t=lambda key, **p: tr(lang, key, **p),
        label=lambda kind, value: _label(lang, kind, value),
        lang=lang, session=session, csrf=session.csrf if session else "",
        can=lambda action: session is not None and allowed(session.user.role, Action(action)),
        path=request.path, station=request.app[DESK].station.settings.name, **context)
    return web.Response(text=html, content_type="text/html", status=code)


def _label(lang: str, kind: str, value: object) -> str:
    key = f"{kind}.{value}"
    return tr(lang, key) if key in CATALOG else label(kind, value)


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        resp = await handler(request)
    except web.HTTPException as exc:
        resp = exc
    resp.headers["Content-Security-Policy"] = CSP
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["X-Frame-Options"] = "DENY"
    resp.headers["Referrer-Policy"] = "same-origin"
    if isinstance(resp, web.HTTPException):
        raise resp
    return resp


@web.middleware
async def sessions(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every route but the login page, the health check and static files needs a session;
    every POST carries the session's CSRF token."""
    if request.path == "/login" or request.path.startswith(OPEN_PATHS[1:]):
        return await handler(request)
    token = request.cookies.get(SESSION_COOKIE, "")
    session = request.app[DESK].users.session(token) if token else None
    if session is None:
        if request.headers.get("HX-Request"):
            return web.Response(status=401, headers={"HX-Redirect": "/login"})
        raise web.HTTPSeeOther("/login")
    request[SESSION] = session
    if request.method == "POST":
        form = await request.post()
        sent = str(form.get("csrf", "")) or request.headers.get("X-CSRF-Token", "")
        if not sent or not secrets.compare_digest(sent, session.csrf):
            raise web.HTTPForbidden(text=tr(session.lang, "web.bad_csrf"))
    return await handler(request)


def _templates() -> jinja2.Environment:
    folder = resources.files("broadcaster.web").joinpath("templates")
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)),
                              autoescape=jinja2.select_autoescape(["html"], default=True),
                              undefined=jinja2.StrictUndefined)


async def healthz(request: web.Request) -> web.Response:
    return web.Response(text="ok")


async def public(request: web.Request) -> web.StreamResponse:
    """``/cong-khai/...``: the published archive (static files under ``var/public/``), open to
    everyone; nothing outside that folder is ever served."""
    root = request.app[DESK].station.var("public").resolve()
    rel = request.match_info.get("path", "")
    target = (root / rel).resolve()
    if not target.is_relative_to(root) or any(p.startswith(".") for p in Path(rel).parts):
        raise web.HTTPNotFound()
    if target.is_dir():
        if rel and not rel.endswith("/"):
            raise web.HTTPMovedPermanently(f"/cong-khai/{rel}/")
        target = target / "index.html"
    if not target.is_file():
        raise web.HTTPNotFound()
    resp = web.FileResponse(target)
    kind = PUBLIC_TYPES.get(target.name) or PUBLIC_TYPES.get(target.suffix)
    if kind is not None:
        resp.content_type = kind
        if not kind.startswith(("audio/", "image/")):
            resp.charset = "utf-8"
    return resp


async def public_root(request: web.Request) -> web.Response:
    raise web.HTTPMovedPermanently("/cong-khai/")


def make_app(station: Station, clock: Clock | None = None) -> web.Application:
    """The desk for ``station``; ``clock`` for tests."""
    from broadcaster.web.views import air, auth, bulletins, ops, published, schedule

    max_upload = int(station.settings.web.max_upload_mb * 2**20)
    app = web.Application(middlewares=[security_headers, sessions],
                          client_max_size=max_upload + 64 * 1024)
    desk = Desk(station, clock or SystemClock(station.tz))
    app[DESK] = desk
    app[JINJA] = _templates()
    app[THROTTLE] = Throttle()
    app[MAX_UPLOAD] = max_upload
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/cong-khai", public_root)
    app.router.add_get("/cong-khai/{path:.*}", public)
    static = Path(str(resources.files("broadcaster.web").joinpath("static")))
    app.router.add_static("/static/", static, follow_symlinks=False, append_version=False)
    auth.routes(app)
    air.routes(app)
    bulletins.routes(app)
    schedule.routes(app)
    ops.routes(app)
    published.routes(app)

    async def close(_app: web.Application) -> None:
        desk.close()

    app.on_cleanup.append(close)
    return app


def main(argv: list[str] | None = None) -> int:
    """``python -m broadcaster.web --station DIR``: serve the desk until stopped."""
    parser = argparse.ArgumentParser(prog="broadcaster.web")
    parser.add_argument("--station", default=".")
    parser.add_argument("--listen", default=None, help="host:port (default: web.listen)")
    parser.add_argument("--exit-with-parent", action="store_true",
                        help="exit when standard input closes (the station that started it died)")
    args = parser.parse_args(argv)
    if args.exit_with_parent:
        threading.Thread(target=_exit_when_stdin_closes, name="parent-watch", daemon=True).start()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    station = load_station(args.station)
    web_settings = station.settings.web
    listen = args.listen or web_settings.listen
    host, _, port = listen.rpartition(":")
    app = make_app(station)
    try:
        web.run_app(app, host=host.strip("[]"), port=int(port), print=None,
                    handle_signals=True, access_log=None, shutdown_timeout=2.0)
    except OSError as exc:  # the port is taken, or the address is not this machine's
        log.error("the web desk cannot listen on %s: %s (web.listen in station.yaml)", listen,
                  exc.strerror or exc)
        return 3
    return 0


def _exit_when_stdin_closes() -> None:
    """The station holds our standard input open; EOF means it is gone (even SIGKILLed)."""
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except (OSError, ValueError):
        pass
    os._exit(0)  # the desk only reads the stores: nothing to flush

