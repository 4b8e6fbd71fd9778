"""Local stand-ins for the online TTS endpoints, at the HTTP/websocket layer on 127.0.0.1.

Each server answers from a list of scripted actions (one per request, then ``default``):
``ok``, ``429``, ``500``, ``403``, ``slow`` (answer after ``slow_s``), ``truncate`` (connection
closes mid-answer), ``empty`` (no audio), ``garbage`` (undecodable audio), ``short`` (far too
little audio for the text). Used by tests and benchmarks.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import re
import socket
import threading
import time
from collections.abc import Iterable
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import numpy as np
import soundfile as sf

MS_PER_CHAR = 60  # fake speech pace: about a real Vietnamese voice's


@lru_cache(maxsize=256)
def tone_mp3(ms: int, freq: float = 220.0, rate: int = 24000, lead_ms: int = 120) -> bytes:
    """An MP3 of a tone ``ms`` long, with engine-like silence before and after."""
    t = np.arange(int(rate * ms / 1000)) / rate
    tone = 0.4 * np.sin(2 * np.pi * freq * t) * (1 + 0.3 * np.sin(2 * np.pi * 4 * t))
    pad = np.zeros(int(rate * lead_ms / 1000))
    buf = io.BytesIO()
    sf.write(buf, np.concatenate([pad, tone, pad]).astype(np.float32), rate, format="MP3")
    return buf.getvalue()


def speech_for(text: str) -> bytes:
    letters = sum(ch.isalnum() for ch in text)
    return tone_mp3(max(100, letters * MS_PER_CHAR))


def closed_port() -> int:
    """A local port nothing listens on (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Scripted:
    def __init__(self, actions: Iterable[str] = (), default: str = "ok", latency_s: float = 0.0,
                 slow_s: float = 2.0) -> None:
        self.actions = list(actions)
        self.default = default
        self.latency_s = latency_s
        self.slow_s = slow_s
        self.requests = 0
        self.texts: list[str] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.connections = 0
        self.lock = threading.Lock()

    def script(self, actions: Iterable[str], default: str | None = None) -> None:
        with self.lock:
            self.actions = list(actions)
            if default is not None:
                self.default = default

    def next_action(self, text: str) -> str:
        with self.lock:
            self.requests += 1
            self.texts.append(text)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            return self.actions.pop(0) if self.actions else self.default

    def done(self) -> None:
        with self.lock:
            self.in_flight -= 1


# --- Google Translate batchexecute --------------------------------------------------------------

def google_answer(audio: bytes) -> bytes:
    b64 = base64.b64encode(audio).decode("ascii")
    inner = json.dumps([b64], separators=(",", ":"))
    line = json.dumps([["wrb.fr", "jQ1olc", inner, None, None, None, "generic"]],
                      separators=(",", ":"))
    return f")]}}'\n\n{len(line)}\n{line}\n".encode()


def google_text(body: str) -> str:
    """The text of a gTTS request body (``f.req`` form field)."""
    freq = parse_qs(body)["f.req"][0]
    rpc = json.loads(freq)
    return json.loads(rpc[0][0][1])[0]


class FakeGoogle(_Scripted):
    """Google's TTS batchexecute endpoint; ``url`` is what GttsEngine(endpoint=...) takes."""

    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as Google does

            def setup(self) -> None:
                super().setup()
                with fake.lock:
                    fake.connections += 1

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                try:
                    text = google_text(body)
                except (KeyError, ValueError, IndexError):
                    self._send(400, b"bad request")
                    return
                action = fake.next_action(text)
                try:
                    fake.serve(self, action, text)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout): expected in these tests
                finally:
                    fake.done()

            def _send(self, status: int, data: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/_/TranslateWebserverUi/data/batchexecute"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def serve(self, h: BaseHTTPRequestHandler, action: str, text: str) -> None:
        send = h._send  # type: ignore[attr-defined]
        if self.latency_s:
            time.sleep(self.latency_s)
        if action == "slow":
            time.sleep(self.slow_s)
            action = "ok"
        if action == "429":
            send(429, b"Too Many Requests", {"Retry-After": "0"})
        elif action in ("500", "503"):
            send(int(action), b"server error")
        elif action == "403":
            send(403, b"forbidden")
        elif action == "truncate":
            data = google_answer(speech_for(text))
            h.send_response(200)
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data[: len(data) // 3])
            h.wfile.flush()
            h.close_connection = True
            h.connection.shutdown(socket.SHUT_RDWR)
        elif action == "empty":
            send(200, google_answer(b""))
        elif action == "garbage":
            send(200, google_answer(b"\x00garbage" * 50))
        elif action == "short":
            send(200, google_answer(tone_mp3(60)))
        else:
            send(200, google_answer(speech_for(text)))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- Edge read-aloud websocket ------------------------------------------------------------------

def _edge_binary(audio: bytes) -> bytes:
    header = b"X-RequestId:fake\r\nContent-Type:audio/mpeg\r\nPath:audio\r\n"
    return len(header).to_bytes(2, "big") + header + audio


def _edge_text(path: str) -> str:
    return f"X-RequestId:fake\r\nContent-Type:application/json; charset=utf-8\r\nPath:{path}\r\n\r\n{{}}"


class FakeEdge(_Scripted):
    """Edge's read-aloud websocket; ``url`` is what EdgeEngine(endpoint=...) takes."""

    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        from aiohttp import web

        self._web = web
        self._loop = asyncio.new_event_loop()
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._started.wait(10)
        self.url = f"ws://127.0.0.1:{self.port}/edge/v1?TrustedClientToken=fake"

    def _run(self) -> None:
        web = self._web
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_get("/edge/v1", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._started.set()
        self._loop.run_forever()

    async def _handle(self, request):  # type: ignore[no-untyped-def]
        web = self._web
        with self.lock:
            self.connections += 1
        action = self.actions[0] if self.actions else self.default
        if action in ("429", "500", "403"):
            self.next_action("")
            self.done()
            return web.Response(status=int(action), text="no")
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        config = await ws.receive_str()
        ssml_msg = await ws.receive_str()
        if "speech.config" not in config:
            await ws.close()
            return ws
        match = re.search(r"<prosody[^>]*>(.*)</prosody>", ssml_msg, re.S)
        text = match.group(1) if match else ""
        action = self.next_action(text)
        try:
            await self._answer(ws, action, text)
        except (ConnectionError, RuntimeError):
            pass  # the client gave up (timeout): expected in these tests
        finally:
            self.done()
        await ws.close()
        return ws

    async def _answer(self, ws, action: str, text: str) -> None:  # type: ignore[no-untyped-def]
        if self.latency_s:
            await asyncio.sleep(self.latency_s)
        if action == "slow":
            await asyncio.sleep(self.slow_s)
            action = "ok"
        await ws.send_str(_edge_text("turn.start"))
        audio = speech_for(text)
        if action == "empty":
            await ws.send_str(_edge_text("turn.end"))
        elif action == "truncate":
            await ws.send_bytes(_edge_binary(audio[: len(audio) // 3]))
            await ws.close()
        elif action == "short":
            await ws.send_bytes(_edge_binary(tone_mp3(60)))
            await ws.send_str(_edge_text("turn.end"))
        else:
            for i in range(0, len(audio), 4096):
                await ws.send_bytes(_edge_binary(audio[i : i + 4096]))
            await ws.send_str(_edge_text("turn.end"))

    def close(self) -> None:
        async def stop() -> None:
            await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
