"""Login, logout and the language switch."""

from __future__ import annotations

import secrets

from aiohttp import web

from broadcaster.web.app import (
    DESK,
    LANGS,
    PRE_COOKIE,
    SESSION_COOKIE,
    THROTTLE,
    audit,
    client_ip,
    lang_of,
    render,
    session_of,
    tr,
)
from broadcaster.web.users import SESSION_HOURS


def _cookie(resp: web.StreamResponse, request: web.Request, name: str, value: str,
            max_age: int) -> None:
    resp.set_cookie(name, value, max_age=max_age, httponly=True, samesite="Strict", path="/",
                    secure=request.secure)


async def login_page(request: web.Request) -> web.StreamResponse:
    wanted = request.query.get("lang", "")
    if wanted in LANGS:
        back = web.HTTPSeeOther("/login")
        _cookie(back, request, "desk_lang", wanted, 365 * 86400)
        return back
    # one token per browser: a second login page load (another tab, the favicon's redirect)
    # must not invalidate the form already shown
    pre = request.cookies.get(PRE_COOKIE, "")
    if len(pre) < 24:
        pre = secrets.token_urlsafe(24)
    resp = render(request, "login.html", pre=pre, error="")
    _cookie(resp, request, PRE_COOKIE, pre, 3600)
    return resp


async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
    pre = request.cookies.get(PRE_COOKIE, "")
    lang = lang_of(request)
    if not pre or not secrets.compare_digest(pre, str(form.get("pre", ""))):
        raise web.HTTPForbidden(text=tr(lang, "web.bad_csrf"))
    ip = client_ip(request)
    throttle = request.app[THROTTLE]
    wait = throttle.wait_s(ip, name)
    if wait > 0:
        request.app[DESK].users.audit(name or "-", "login.throttled", "", "", ip)
        return render(request, "login.html", code=429, pre=pre,
                      error=tr(lang, "web.throttled", seconds=int(wait) + 1))
    user = request.app[DESK].users.verify(name, password)
    if user is None:
        throttle.failed(ip, name)
        request.app[DESK].users.audit(name or "-", "login.failed", "", "", ip)
        return render(request, "login.html", code=401, pre=pre, error=tr(lang, "web.bad_login"))
    throttle.succeeded(ip, name)
    session = request.app[DESK].users.open_session(user, lang)
    request.app[DESK].users.audit(user.name, "login", "", "", ip)
    resp = web.HTTPSeeOther("/")
    _cookie(resp, request, SESSION_COOKIE, session.token, SESSION_HOURS * 3600)
    resp.del_cookie(PRE_COOKIE, path="/")
    return resp


async def logout(request: web.Request) -> web.StreamResponse:
    session = session_of(request)
    audit(request, "logout")
    request.app[DESK].users.close_session(session.token)
    resp = web.HTTPSeeOther("/login")
    resp.del_cookie(SESSION_COOKIE, path="/")
    return resp


async def set_lang(request: web.Request) -> web.StreamResponse:
    session = session_of(request)
    form = await request.post()
    lang = str(form.get("lang", ""))
    if lang in LANGS:
        request.app[DESK].users.set_lang(session.token, lang)
    back = request.headers.get("Referer", "/")
    target = back if back.startswith(f"{request.scheme}://{request.host}/") else "/"
    raise web.HTTPSeeOther(target)


def routes(app: web.Application) -> None:
    app.router.add_get("/login", login_page)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)
    app.router.add_post("/lang", set_lang)
