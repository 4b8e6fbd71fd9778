"""A local upstream 'radio station' for the relay tests and benchmark: an MP3 made with PyAV at
test time, sent over HTTP at real-time pace as if live (a connection starts at the live
position), that can be taken down, brought back, or made to accept and then hang."""

from __future__ import annotations

import asyncio
import io
import socket
import threading
import time

import numpy as np
from aiohttp import web
from scipy import signal

RATE = 48000
BITRATE = 128000
CHUNK_S = 0.1


def band_noise(seconds: float, seed: int = 1, rate: int = RATE) -> np.ndarray:
    """A known signal that survives MP3: noise in 2-6 kHz at about -20 dBFS RMS."""
    x = np.random.default_rng(seed).standard_normal(int(seconds * rate))
    sos = signal.butter(6, [2000, 6000], "bandpass", fs=rate, output="sos")
    y = signal.sosfilt(sos, x)
    return (0.1 * y / np.sqrt(np.mean(y * y))).astype(np.float32)


def encode_mp3(audio: np.ndarray, rate: int = RATE, bitrate: int = BITRATE) -> bytes:
    import av

    buf = io.BytesIO()
    with av.open(buf, "w", format="mp3") as c:
        stream = c.add_stream("libmp3lame", rate=rate, layout="mono")
        stream.bit_rate = bitrate
        frame = av.AudioFrame.from_ndarray(audio.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            c.mux(packet)
        for packet in stream.encode(None):
            c.mux(packet)
    data = buf.getvalue()
    if data[:3] == b"ID3":  # a live stream has no tag: start at the first frame
        size = int.from_bytes(bytes(b & 0x7F for b in data[6:10]), "big")
        data = data[10 + size:]
    return data


def decode_mp3(data: bytes, rate: int = RATE) -> np.ndarray:
    import av

    parts = []
    with av.open(io.BytesIO(data), format="mp3") as c:
        res = av.AudioResampler(format="flt", layout="mono", rate=rate)
        for frame in c.decode(audio=0):
            parts += [f.to_ndarray().reshape(-1) for f in res.resample(frame)]
    return np.concatenate(parts).astype(np.float32)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class UpstreamServer:
    """Sends ``audio`` (looped) as a live MP3 stream on ``url``; ``epoch`` is the wall time at
    which its source time 0 went out. ``down()``/``up()``/``hang()`` change what it does."""

    def __init__(self, audio: np.ndarray, rate: int = RATE) -> None:
        self.mp3 = encode_mp3(audio, rate)
        self.decoded = decode_mp3(self.mp3, rate)  # what a decoder makes of one loop
        self.rate = rate
        self.loop_s = len(self.mp3) * 8 / BITRATE
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/live.mp3"
        self.mode = "up"
        self.epoch = 0.0
        self.connections = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._ready = threading.Event()
        self._responses: set[web.StreamResponse] = set()
        self.thread = threading.Thread(target=self._serve, name="upstream", daemon=True)

    def start(self) -> UpstreamServer:
        self.epoch = time.time()
        self.thread.start()
        self._ready.wait(10)
        return self

    def _serve(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        app = web.Application()
        app.router.add_get("/live.mp3", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        loop.run_until_complete(site.start())
        self._ready.set()
        loop.run_forever()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if self.mode == "down":
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=503)
        while self.mode == "hang":  # accepted, never answered (until stopped)
            await asyncio.sleep(0.1)
        if self.mode == "down":
            return web.Response(status=503)
        self.connections += 1
        resp = web.StreamResponse(headers={"Content-Type": "audio/mpeg", "icy-name": "test"})
        await resp.prepare(request)
        chunk = int(BITRATE / 8 * CHUNK_S)
        frame = 384  # bytes per MP3 frame at 128 kbit/s, 48 kHz
        pos = int((time.time() - self.epoch) * BITRATE / 8) // frame * frame
        try:
            while self.mode == "up":
                due = self.epoch + pos * 8 / BITRATE
                if due > time.time():
                    await asyncio.sleep(due - time.time())
                start = pos % len(self.mp3)
                data = (self.mp3 + self.mp3)[start:start + chunk]
                await resp.write(data)
                pos += chunk
        except (ConnectionResetError, asyncio.CancelledError):
            return resp
        if request.transport is not None:
            request.transport.close()  # taken down: the connection drops
        return resp

    def down(self) -> None:
        self.mode = "down"

    def up(self) -> None:
        self.mode = "up"

    def hang(self) -> None:
        self.mode = "hang"

    def stop(self) -> None:
        self.mode = "down"
        loop = self._loop
        if loop is not None and self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), loop).result(10)
            loop.call_soon_threadsafe(loop.stop)
        self.thread.join(5)


def locate(window: np.ndarray, server: UpstreamServer) -> tuple[float, float]:
    """Where ``window`` (recorded audio) sits in one loop of the upstream's decoded audio:
    (seconds into the loop, normalized correlation)."""
    hay = np.concatenate([server.decoded, server.decoded[: len(window)]])
    corr = signal.correlate(hay, window, mode="valid", method="fft")
    energy = np.sqrt(np.maximum(signal.correlate(hay**2, np.ones(len(window)), mode="valid",
                                                 method="fft"), 0))
    norm = corr / (np.linalg.norm(window) * np.maximum(energy, 1e-3))
    i = int(np.argmax(norm))
    return i / server.rate, float(norm[i])


def delay_of(window: np.ndarray, window_wall: float, server: UpstreamServer) -> tuple[float, float]:
    """Source-to-output delay of a recorded window that started at wall time ``window_wall``:
    (seconds, correlation)."""
    at, score = locate(window, server)
    loop = server.loop_s
    sent = server.epoch + at  # the same source position went out once per loop
    lag = (window_wall - sent) % loop
    return lag, score
