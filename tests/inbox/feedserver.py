"""A local aiohttp server for the feed tests: serves documents (or a folder) with ETag and
Last-Modified, answers conditional requests with 304, and records every request's headers so a
test asserts on the server side what the station sent. Modes per path: ``status`` (404, 500),
``drip`` (a body sent a byte at a time, slower than the station's timeout), ``chunked`` (no
Content-Length)."""

from __future__ import annotations

import asyncio
import hashlib
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

LAST_MODIFIED = "Tue, 01 Dec 2026 01:00:00 GMT"


def closed_port() -> int:
    """A local port nothing listens on (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Doc:
    body: bytes
    content_type: str = "application/feed+json"
    status: int = 200
    drip_seconds: float = 0.0  # pause between bytes
    chunked: bool = False


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    status: int


@dataclass
class FeedServer:
    docs: dict[str, Doc] = field(default_factory=dict)
    folder: Path | None = None  # served under /site/ (a station's var/public)
    requests: list[Seen] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        assert self._started.wait(10)
        self.base = f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def put(self, path: str, body: bytes | str, **kw: object) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.docs[path] = Doc(data, **kw)  # type: ignore[arg-type]
        return self.url(path)

    def seen(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path == path]

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_get("/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._started.set()
        self._loop.run_forever()

    def _lookup(self, path: str) -> Doc | None:
        if path in self.docs:
            return self.docs[path]
        if self.folder is not None and path.startswith("/site/"):
            file = (self.folder / path[len("/site/"):]).resolve()
            if file.is_file() and self.folder.resolve() in file.parents:
                kind = {".json": "application/feed+json", ".xml": "application/xml",
                        ".mp3": "audio/mpeg", ".html": "text/html"}.get(file.suffix, "text/plain")
                return Doc(file.read_bytes(), kind)
        return None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        doc = self._lookup(request.path)
        headers = dict(request.headers)
        if doc is None or doc.status != 200:
            status = 404 if doc is None else doc.status
            self.requests.append(Seen(request.path, headers, status))
            return web.Response(status=status, text="not here")
        etag = '"' + hashlib.sha256(doc.body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            self.requests.append(Seen(request.path, headers, 304))
            return web.Response(status=304, headers={"ETag": etag, "Last-Modified": LAST_MODIFIED})
        self.requests.append(Seen(request.path, headers, 200))
        base = {"ETag": etag, "Last-Modified": LAST_MODIFIED, "Content-Type": doc.content_type}
        if not doc.drip_seconds and not doc.chunked:
            return web.Response(body=doc.body, headers=base)
        resp = web.StreamResponse(headers=base)
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        step = 1 if doc.drip_seconds else 65536
        try:
            for i in range(0, len(doc.body), step):
                await resp.write(doc.body[i:i + step])
                if doc.drip_seconds:
                    await asyncio.sleep(doc.drip_seconds)
            await resp.write_eof()
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        return resp

    def close(self) -> None:
        async def stop() -> None:
            await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
