"""Local stand-ins for the internet: the Facebook Graph API and the Zalo OA API as small aiohttp
servers on loopback (the only part of the social path that is faked). Each records every
request and answers from a script of canned replies, then with success."""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
from dataclasses import dataclass, field

from aiohttp import web

FB_TOKEN = "EAAG-fake-page-token-0123456789"
ZALO_TOKEN = "zalo-fake-oa-token-9876543210"
PAGE_ID = "1122334455"
ZALO_APP = "4455667788"
ZALO_SECRET = "zalo-fake-app-secret-key"
ZALO_REFRESH = "zalo-fake-refresh-token-1"


@dataclass
class Seen:
    """One request as the fake received it."""

    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, str] = field(default_factory=dict)
    json: dict[str, object] = field(default_factory=dict)
    file_name: str = ""
    file_type: str = ""
    file: bytes = b""


Reply = tuple[int, dict[str, object]]


class _Server:
    """An aiohttp app on 127.0.0.1:<free port>, run on its own loop in a thread."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.script: list[Reply] = []
        self.down = False  # every request answered 503 (the service is away)
        self.lock = threading.Lock()
        self._ids = itertools.count(1)
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        assert self._ready.wait(10)
        self.url = f"http://127.0.0.1:{self.port}/"

    def routes(self, app: web.Application) -> None:
        raise NotImplementedError

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application(client_max_size=200 * 1024 * 1024)
        self.routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._ready.set()
        self._loop.run_forever()

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def next_id(self) -> int:
        return next(self._ids)

    async def record(self, request: web.Request) -> Seen:
        seen = Seen(request.method, request.path, dict(request.headers))
        if request.content_type == "multipart/form-data":
            reader = await request.multipart()
            async for part in reader:
                if part.filename:  # type: ignore[union-attr]
                    seen.file_name = part.filename  # type: ignore[union-attr]
                    seen.file_type = part.headers.get("Content-Type", "")  # type: ignore[union-attr]
                    seen.file = await part.read()  # type: ignore[union-attr]
                else:
                    seen.form[part.name or ""] = await part.text()  # type: ignore[union-attr]
        elif request.content_type == "application/json":
            seen.json = await request.json()
        else:
            seen.form = {k: str(v) for k, v in (await request.post()).items()}
        with self.lock:
            self.seen.append(seen)
        return seen

    def scripted(self) -> Reply | None:
        with self.lock:
            if self.down:
                return 503, {"error": "down"}
            return self.script.pop(0) if self.script else None

    def requests(self, method: str | None = None, suffix: str = "") -> list[Seen]:
        with self.lock:
            return [s for s in self.seen if (method is None or s.method == method)
                    and s.path.endswith(suffix)]


class FakeGraph(_Server):
    """``POST /{page}/feed``, ``POST /{page}/videos`` (multipart ``source``), ``DELETE /{id}``;
    a wrong ``access_token`` gets the Graph API's error 190."""

    def __init__(self) -> None:
        self.posts: dict[str, Seen] = {}
        self.deleted: list[str] = []
        super().__init__()

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v21.0/{page}/feed", self.create)
        app.router.add_post("/v21.0/{page}/videos", self.create)
        app.router.add_delete("/v21.0/{post}", self.delete)

    async def create(self, request: web.Request) -> web.Response:
        seen = await self.record(request)
        canned = self.scripted()
        if canned is not None:
            return web.json_response(canned[1], status=canned[0])
        if seen.form.get("access_token") != FB_TOKEN:
            return web.json_response(status=400, data={"error": {
                "message": "Error validating access token: Session has expired.",
                "type": "OAuthException", "code": 190, "error_subcode": 463}})
        if request.match_info["page"] != PAGE_ID:
            return web.json_response(status=400, data={"error": {"code": 100,
                                                                 "message": "bad page"}})
        n = self.next_id()
        ident = f"{PAGE_ID}_{1000 + n}" if request.path.endswith("/feed") else f"{7000 + n}"
        self.posts[ident] = seen
        return web.json_response({"id": ident})

    async def delete(self, request: web.Request) -> web.Response:
        seen = await self.record(request)
        canned = self.scripted()
        if canned is not None:
            return web.json_response(canned[1], status=canned[0])
        if seen.form.get("access_token") != FB_TOKEN:
            return web.json_response(status=400, data={"error": {"code": 190, "message": "x"}})
        self.deleted.append(request.match_info["post"])
        return web.json_response({"success": True})


class FakeZalo(_Server):
    """``article/create`` (a token), ``article/verify`` (the id), ``article/remove``; the token
    comes in the ``access_token`` header, errors as ``{"error": -216, ...}`` with HTTP 200."""

    def __init__(self) -> None:
        self.articles: dict[str, Seen] = {}
        self.removed: list[str] = []
        self._pending: dict[str, Seen] = {}
        self.token = ZALO_TOKEN  # the access token it accepts now
        self.refresh = ZALO_REFRESH  # the refresh token it accepts now (single use)
        self.renewals = 0
        super().__init__()

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v2.0/article/{op}", self.article)
        app.router.add_post("/v4/oa/access_token", self.oauth)

    async def oauth(self, request: web.Request) -> web.Response:
        """Zalo's OAuth v4: a refresh token (used once) buys a new access and refresh token."""
        seen = await self.record(request)
        f = seen.form
        if (seen.headers.get("secret_key") != ZALO_SECRET or f.get("app_id") != ZALO_APP
                or f.get("grant_type") != "refresh_token" or f.get("refresh_token") != self.refresh):
            return web.json_response({"error": -14014, "error_name": "Invalid refresh token",
                                      "error_description": "Refresh token is invalid"})
        self.renewals += 1
        self.token = f"zalo-renewed-access-{self.renewals}"
        self.refresh = f"zalo-renewed-refresh-{self.renewals}"
        return web.json_response({"access_token": self.token, "refresh_token": self.refresh,
                                  "expires_in": "90000"})

    async def article(self, request: web.Request) -> web.Response:
        seen = await self.record(request)
        canned = self.scripted()
        if canned is not None:
            return web.json_response(canned[1], status=canned[0])
        if seen.headers.get("access_token") != self.token:
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        op = request.match_info["op"]
        if op == "create":
            token = f"tok{self.next_id()}"
            self._pending[token] = seen
            return web.json_response({"error": 0, "message": "Success", "data": {"token": token}})
        if op == "verify":
            token = str(seen.json.get("token"))
            ident = f"art{token[3:]}"
            self.articles[ident] = self._pending.pop(token)
            return web.json_response({"error": 0, "message": "Success", "data": {"id": ident}})
        if op == "remove":
            self.removed.append(str(seen.json.get("id")))
            return web.json_response({"error": 0, "message": "Success"})
        return web.json_response({"error": -201, "message": json.dumps(op)})
