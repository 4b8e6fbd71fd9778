"""An Icecast mount heard as a listener: HTTP GET with bounded connect and read timeouts, the
bytes decoded a little with PyAV (MP3 through FFmpeg's parser, Ogg/Opus through its demuxer)
into one ``Level`` per block. A mount that refuses, stalls or ends is retried with a backoff;
the judge sees it as not listening after a while (``mount_timeout_seconds``).
"""

from __future__ import annotations

import base64
import contextlib
import io
import logging
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.client import HTTPException, HTTPResponse
from typing import TYPE_CHECKING

from broadcaster.clock import Clock
from broadcaster.errors import public_url
from broadcaster.messages import t
from broadcaster.ops.ears.listen import OnAlive, OnLevel, _Restarting, level_of

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

CHUNK = 4096
USER_AGENT = "broadcaster-watchdog/1"


def probe_mount(url: str, timeout: float = 5.0) -> tuple[bool, str]:
    """Connect to ``url`` as a listener and read a first chunk (``doctor``)."""
    try:
        with _open(url, timeout) as resp:
            first = resp.read1(CHUNK)
            kind = resp.headers.get("Content-Type", "?")
    except (OSError, urllib.error.URLError, ValueError) as exc:
        return False, _why(exc)
    if not first:
        return False, t("ear.no_audio")
    return True, kind


def _open(url: str, timeout: float) -> HTTPResponse:
    """A listener's GET; a ``user:password@`` in ``url`` goes as basic authentication (urllib
    would read it as a port), and every failure is an ``OSError`` naming the URL without it."""
    parts = urllib.parse.urlsplit(url)
    headers = {"User-Agent": USER_AGENT, "Icy-MetaData": "0"}
    if parts.username is not None:
        pair = f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password or '')}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
    req = urllib.request.Request(public_url(url), headers=headers)
    try:
        resp = urllib.request.urlopen(req, timeout=timeout)  # noqa: S310 - http(s) URLs validated in config
    except HTTPException as exc:  # a malformed answer: as a failed connection
        raise OSError(f"{public_url(url)}: {exc!r}") from None
    if not isinstance(resp, HTTPResponse):
        resp.close()
        raise ValueError(t("ear.not_http", url=public_url(url)))
    return resp


def _why(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return f"{exc.reason}"
    return f"{type(exc).__name__}: {exc}"


class _Blocks:
    """Decoded audio -> fixed blocks of mono float at ``rate``."""

    def __init__(self, rate: int, block: int) -> None:
        import av

        self.rate, self.block = rate, block
        self.resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        self.pending: list[np.ndarray] = []
        self.count = 0

    def add(self, frame: object) -> Iterator[np.ndarray]:
        import av
        import numpy as np

        if not isinstance(frame, av.AudioFrame):
            return
        for out in self.resampler.resample(frame):
            data = out.to_ndarray().reshape(-1)
            self.pending.append(data)
            self.count += data.size
        if self.count < self.block:
            return
        joined = np.concatenate(self.pending)
        cut = (joined.size // self.block) * self.block
        yield from joined[:cut].reshape(-1, self.block)
        rest = joined[cut:]
        self.pending, self.count = ([rest] if rest.size else []), rest.size


class _Body(io.RawIOBase):
    """The response body as a file for PyAV's demuxer; every read bounded by the socket
    timeout; each read reports that bytes flow. A failed read ends the stream for FFmpeg
    (an exception would only be printed by PyAV) and is kept in ``error``."""

    def __init__(self, resp: HTTPResponse, alive: OnAlive, clock: Clock) -> None:
        self.resp, self.alive, self.clock = resp, alive, clock
        self.error: Exception | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buf: bytearray | memoryview) -> int:  # type: ignore[override]
        if self.error is not None:
            return 0
        try:
            data = self.resp.read1(min(len(buf), CHUNK))
        except (OSError, ValueError) as exc:  # a timeout, a reset, a closed response
            self.error = exc
            return 0
        if data:
            self.alive(self.clock.monotonic())
        buf[: len(data)] = data
        return len(data)


class MountEar(_Restarting):
    """One Icecast mount, heard as a listener hears it."""

    kind = "mount"

    def __init__(self, clock: Clock, url: str, *, timeout_s: float = 5.0, rate: int = 16000,
                 block_ms: int = 100) -> None:
        super().__init__(public_url(url), clock)  # how status and alerts name it
        self.url = url
        self.timeout_s = timeout_s
        self.rate = rate
        self.block = max(1, rate * block_ms // 1000)
        self._resp: HTTPResponse | None = None
        self._lock = threading.Lock()

    def start(self, on_level: OnLevel, on_alive: OnAlive) -> None:
        self._begin(lambda: self._listen(on_level, on_alive))

    def _listen(self, on_level: OnLevel, on_alive: OnAlive) -> None:
        try:
            resp = _open(self.url, self.timeout_s)
        except (OSError, urllib.error.URLError) as exc:
            raise OSError(_why(exc)) from exc
        with self._lock:
            self._resp = resp
        try:
            kind = (resp.headers.get("Content-Type") or "").lower()
            self.last_error = ""
            self._decode(resp, "ogg" if "ogg" in kind or "opus" in kind else "mp3",
                         on_level, on_alive)
        finally:
            with self._lock:
                self._resp = None
            resp.close()

    def _decode(self, resp: HTTPResponse, fmt: str, on_level: OnLevel,
                on_alive: OnAlive) -> None:
        import av

        blocks = _Blocks(self.rate, self.block)
        raw = _Body(resp, on_alive, self.clock)
        try:
            with av.open(io.BufferedReader(raw, CHUNK), mode="r", format=fmt,
                         options={"probesize": "32768", "analyzeduration": "0"}) as container:
                for frame in container.decode(audio=0):
                    for block in blocks.add(frame):
                        on_level(level_of(block, self.clock.monotonic(), self.rate))
                    if self._stop.is_set():
                        return
        except av.FFmpegError as exc:
            raise OSError(t("ear.undecodable", error=raw.error or exc)) from exc
        raise OSError(t("ear.stream_ended", error=raw.error or "EOF"))

    def stop(self) -> None:
        self._stop.set()
        with self._lock:
            if self._resp is not None:
                with contextlib.suppress(OSError):  # a read in progress ends by its timeout
                    self._resp.close()
        self._end()
