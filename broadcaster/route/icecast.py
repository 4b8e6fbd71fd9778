"""An Icecast source client: one thread per mount, speaking HTTP PUT with basic auth over a
plain socket with a timeout on every call, encoding with PyAV.

Why a thread and not a child process: the sound card already plays in its own child process
that positions every sample itself, so nothing in this process can delay or disturb it; a
thread shares the program file and the live blocks without copying them through a pipe.
What could hang a thread is bounded: connect, send and the metadata request all time out, the
live queue is bounded (oldest dropped), and a thread that stops making progress anyway is left
behind and replaced by the hub (``IcecastOutput.stalled``).
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from http.client import HTTPException

import av

from broadcaster.config import IcecastTarget
from broadcaster.messages import t
from broadcaster.route.encoder import CONTENT_TYPES, StreamEncoder
from broadcaster.route.feed import Feed

log = logging.getLogger(__name__)

BLOCK_S = 0.1  # audio encoded and sent per turn
MAX_CATCH_UP_S = 1.0  # a thread that fell behind skips ahead beyond this (never bursts)
BACKOFF_S = (0.25, 0.5, 1.0, 2.0)  # then the setting's cap, repeated

# (output name, seconds it was down, when it went down) -> an as-run mark
OnBack = Callable[[str, float, dt.datetime], None]
OnDown = Callable[[str, str, dt.datetime], None]


class IcecastRefused(OSError):
    """The server answered the source login with an error (wrong password, mount in use)."""


def _auth(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def _ascii(text: str) -> str:
    return text.encode("ascii", "replace").decode("ascii").replace("\r", " ").replace("\n", " ")


def connect_source(target: IcecastTarget, timeout: float) -> socket.socket:
    """Log in as the mount's source (``PUT``, Icecast >= 2.4); the socket is ready for data."""
    url = urllib.parse.urlsplit(target.url)
    host, port = url.hostname or "localhost", url.port or 8000
    sock = socket.create_connection((host, port), timeout=timeout)
    try:
        head = (f"PUT {url.path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                f"Authorization: {_auth(target.user, target.password)}\r\n"
                f"User-Agent: broadcaster\r\nContent-Type: {CONTENT_TYPES[target.codec]}\r\n"
                f"Ice-Name: {_ascii(target.name)}\r\nIce-Public: 0\r\n"
                f"Ice-Audio-Info: channels=1;bitrate={target.bitrate_kbps}\r\n"
                "Expect: 100-continue\r\n\r\n")
        sock.sendall(head.encode("ascii"))
        reply = b""
        while b"\r\n\r\n" not in reply and len(reply) < 8192:
            chunk = sock.recv(1024)
            if not chunk:
                break
            reply += chunk
        status = reply.split(b"\r\n", 1)[0].decode("latin-1")
        parts = status.split(" ", 2)
        if len(parts) < 2 or parts[1] not in ("100", "200"):
            raise IcecastRefused(t("route.refused", url=target.url, answer=status or "-"))
        return sock
    except BaseException:
        sock.close()
        raise


def send_title(target: IcecastTarget, title: str, timeout: float) -> None:
    """Set the mount's stream title (``/admin/metadata?mode=updinfo``, MP3 mounts)."""
    url = urllib.parse.urlsplit(target.url)
    query = urllib.parse.urlencode({"mode": "updinfo", "mount": url.path, "song": title})
    # no charset: the UTF-8 title is kept as sent (a charset asks Icecast to convert it to the
    # mount's charset, ISO-8859-1 by default, which has no Vietnamese letters)
    req = urllib.request.Request(f"{url.scheme}://{url.netloc}/admin/metadata?{query}")
    req.add_header("Authorization", _auth(target.user, target.password))
    req.add_header("User-Agent", "broadcaster")
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - the station's own server
        resp.read()


@dataclass
class StreamState:
    """What ``status`` says about one stream (written by its thread only)."""

    connected: bool = False
    last_error: str = ""
    down_since: dt.datetime | None = None
    down_mono: float | None = None
    dropped_s: float = 0.0  # total seconds down since the station started (past drops)
    drops: int = 0
    announced: bool = False  # the current drop was told (as-run mark, log)
    bytes_sent: int = 0
    beat: float = 0.0  # monotonic time of the last turn (a hung thread stops beating)


class IcecastOutput:
    """One Icecast mount fed with what its zones air; reconnects with capped backoff."""

    kind = "icecast"

    def __init__(self, target: IcecastTarget, *, rate: int, idle_title: str, timeout_s: float,
                 backoff_max_s: float, now: Callable[[], dt.datetime],
                 on_down: OnDown | None = None, on_back: OnBack | None = None) -> None:
        self.target = target
        self.name = target.name
        self.rate = rate
        self.feed = Feed(rate, idle_title)
        self.timeout_s = timeout_s
        self.backoff_max_s = backoff_max_s
        self.now = now
        self.on_down = on_down
        self.on_back = on_back
        self.state = StreamState()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def description(self) -> str:
        return f"Icecast {self.target.url} ({self.target.codec} {self.target.bitrate_kbps} kbit/s)"

    def start(self) -> None:
        self._stop.clear()
        self.state.beat = time.monotonic()
        self._went_down(t("route.not_connected_yet"), quiet=True)
        self._thread = threading.Thread(target=self._run, name=f"stream-{self.name}",
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)  # a thread stuck in C is left behind (daemon)
            self._thread = None
        self.feed.close()

    def stalled(self, limit_s: float) -> bool:
        """No turn for ``limit_s`` although every call is bounded: the thread is hung."""
        return self._thread is not None and time.monotonic() - self.state.beat > limit_s

    def connected(self) -> bool:
        return self.state.connected

    def last_error(self) -> str:
        return self.state.last_error

    def dropped_s(self) -> float:
        """Seconds down so far, the current drop included."""
        st = self.state
        now_down = time.monotonic() - st.down_mono if st.down_mono is not None else 0.0
        return st.dropped_s + now_down

    # --- the stream thread -------------------------------------------------------------------
    def _run(self) -> None:
        attempt = 0
        while not self._stop.is_set():
            self.state.beat = time.monotonic()
            try:
                if self._session():
                    attempt = 0
            except (OSError, av.error.FFmpegError, ValueError) as exc:
                self._went_down(str(exc) or type(exc).__name__)
            except Exception as exc:  # noqa: BLE001 - a stream loop restarts itself
                log.exception("stream %s failed", self.name)
                self._went_down(f"{type(exc).__name__}: {exc}")
            if self._stop.is_set():
                break
            delay = BACKOFF_S[attempt] if attempt < len(BACKOFF_S) else self.backoff_max_s
            attempt += 1
            self._stop.wait(min(delay, self.backoff_max_s))

    def _session(self) -> bool:
        """One connection: stream until stopped or the connection fails (raises)."""
        sock = connect_source(self.target, self.timeout_s)
        encoder = StreamEncoder(self.target.codec, self.rate, self.target.bitrate_kbps,
                                self.feed.idle_title)
        try:
            self._came_up()
            self._stream(sock, encoder)
            return True
        finally:
            sock.close()
            encoder.close()

    def _stream(self, sock: socket.socket, encoder: StreamEncoder) -> None:
        block = int(BLOCK_S * self.rate)
        t0, sent, shown = time.monotonic(), 0, None
        self.feed.flush_live()
        while not self._stop.is_set():
            self.state.beat = time.monotonic()
            due = int((time.monotonic() - t0) * self.rate) - sent
            if due < block:
                self._stop.wait((block - due) / self.rate)
                continue
            if due > MAX_CATCH_UP_S * self.rate:  # fell behind (a stall): skip, never burst
                sent += due - block
                due = block
            pcm, title = self.feed.read(due, time.time())
            data = encoder.encode(pcm)
            if data:
                sock.sendall(data)
                self.state.bytes_sent += len(data)
            sent += due
            if title != shown and self.target.codec == "mp3":
                shown = title
                # beside the audio, never in its way: a slow admin answer must not stall it
                threading.Thread(target=self._title, args=(title,), daemon=True,
                                 name=f"title-{self.name}").start()

    def _title(self, title: str) -> None:
        try:
            send_title(self.target, title, min(self.timeout_s, 2.0))
        except (OSError, urllib.error.URLError, HTTPException) as exc:  # the audio matters more
            log.warning("stream %s: the title was not set: %s", self.name, exc)

    # --- up and down -------------------------------------------------------------------------
    def _went_down(self, why: str, *, quiet: bool = False) -> None:
        """Down (again): one drop lasts until the next connection; said once (the mark)."""
        st = self.state
        st.last_error = why
        st.connected = False
        if st.down_mono is None:
            st.down_mono = time.monotonic()
            st.down_since = self.now()
        if quiet or st.announced:
            return
        st.announced = True
        st.drops += 1
        log.warning("stream %s down: %s", self.name, why)
        if self.on_down is not None and st.down_since is not None:
            self.on_down(self.name, why, st.down_since)

    def _came_up(self) -> None:
        st = self.state
        if st.down_mono is not None:
            seconds = time.monotonic() - st.down_mono
            since = st.down_since or self.now()
            if st.announced:  # not the first quiet connection at start
                st.dropped_s += seconds
                log.warning("stream %s back after %.1f s", self.name, seconds)
                if self.on_back is not None:
                    self.on_back(self.name, seconds, since)
            st.down_mono = None
            st.down_since = None
            st.announced = False
        st.connected = True
        st.last_error = ""
        log.info("stream %s connected: %s", self.name, self.target.url)
