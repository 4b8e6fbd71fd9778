"""A private icecast2 server on a free loopback port, for tests and benchmarks of the streaming
outputs (and of the relays and the watchdog's mount ears); ``Source`` feeds a mount an MP3
(``mp3_tone``) in real time, as an upstream station would.

Runs as root too (``<changeowner>`` to nobody/nogroup, as icecast2 refuses to run as root);
logs and the config live in a temp folder; ``stop()`` kills it (SIGKILL: a crash, as the tests
want), ``start()`` starts it again on the same port.
"""

from __future__ import annotations

import base64
import contextlib
import grp
import http.client
import io
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np

ICECAST = shutil.which("icecast2") or "/usr/bin/icecast2"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _owner() -> tuple[str, str] | None:
    """The user and group icecast2 changes to when started as root."""
    if os.geteuid() != 0:
        return None
    for user, group in (("icecast2", "icecast"), ("nobody", "nogroup")):
        try:
            pwd.getpwnam(user)
            grp.getgrnam(group)
            return user, group
        except KeyError:
            continue
    return None


class IcecastServer:
    """icecast2 on ``127.0.0.1:port``; sources log in as ``source`` with ``source_password``."""

    def __init__(self, base: Path, port: int | None = None, *, source_password: str = "hackme",
                 admin_password: str = "adminpw", sources: int = 16, clients: int = 64) -> None:
        self.base = base
        self.base.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.host = "127.0.0.1"
        self.source_password = source_password
        self.admin_password = admin_password
        self.sources = sources
        self.clients = clients
        self.proc: subprocess.Popen[bytes] | None = None
        self.config = self.base / "icecast.xml"
        # the user icecast2 changes to must reach its log folder: not under a root-only temp
        self.logs = Path(tempfile.mkdtemp(prefix="icecast-log-"))
        self.logs.chmod(0o755)

    def _write_config(self) -> None:
        owner = _owner()
        logs = self.logs
        if owner is not None:
            shutil.chown(logs, *owner)
        change = (f"<changeowner><user>{owner[0]}</user><group>{owner[1]}</group></changeowner>"
                  if owner else "")
        self.config.write_text(f"""<icecast>
  <location>test</location><admin>test@localhost</admin>
  <limits><clients>{self.clients}</clients><sources>{self.sources}</sources>
    <queue-size>524288</queue-size><client-timeout>30</client-timeout>
    <header-timeout>5</header-timeout><source-timeout>5</source-timeout>
    <burst-size>16384</burst-size></limits>
  <authentication><source-password>{self.source_password}</source-password>
    <relay-password>{self.source_password}</relay-password>
    <admin-user>admin</admin-user><admin-password>{self.admin_password}</admin-password>
  </authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>{self.port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <fileserve>1</fileserve>
  <paths><basedir>/usr/share/icecast2</basedir><logdir>{logs}</logdir>
    <webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot>
  </paths>
  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog>
    <loglevel>3</loglevel><logsize>10000</logsize></logging>
  <security><chroot>0</chroot>{change}</security>
</icecast>
""", encoding="utf-8")

    def start(self, timeout: float = 10.0) -> None:
        """Start (or start again) and wait until it answers HTTP."""
        if self.proc is not None and self.proc.poll() is None:
            return
        self._write_config()
        out = (self.base / "stdout.log").open("ab")
        self.proc = subprocess.Popen([ICECAST, "-c", str(self.config)], stdout=out, stderr=out,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                self.admin("stats", timeout=1.0)
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"icecast2 did not start on port {self.port}: "
                           f"{self.log_tail()}")

    def stop(self) -> None:
        """Kill it at once (a crash); listeners and sources see the connection drop."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self.proc = None

    def close(self) -> None:
        """Stop and remove the log folder."""
        self.stop()
        shutil.rmtree(self.logs, ignore_errors=True)

    def url(self, mount: str) -> str:
        return f"http://{self.host}:{self.port}/{mount.lstrip('/')}"

    def admin(self, path: str, timeout: float = 5.0) -> str:
        """An admin request (e.g. ``stats``), as the admin user."""
        req = urllib.request.Request(f"http://{self.host}:{self.port}/admin/{path}")
        token = base64.b64encode(f"admin:{self.admin_password}".encode()).decode()
        req.add_header("Authorization", f"Basic {token}")
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - loopback
            return str(resp.read().decode("utf-8", "replace"))

    def log_tail(self, lines: int = 20) -> str:
        parts = []
        for path in (self.base / "stdout.log", self.logs / "error.log"):
            if path.exists():
                parts += path.read_text(errors="replace").splitlines()[-lines:]
        return "\n".join(parts)


class Listener:
    """A receiver on a mount: collects the stream's bytes in a thread (reconnecting, as an IP
    loudspeaker does) until ``stop()``; ``audio()`` decodes what it got."""

    def __init__(self, url: str, reconnect: bool = True) -> None:
        self.url = url
        self.reconnect = reconnect
        self.chunks: list[bytes] = []
        self.sessions = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> Listener:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with urllib.request.urlopen(self.url, timeout=3) as resp:  # noqa: S310
                    self.sessions += 1
                    while not self._stop.is_set():
                        data = resp.read1(4096)
                        if not data:
                            break
                        self.chunks.append(data)
            except OSError:
                pass
            if not self.reconnect:
                return
            self._stop.wait(0.2)

    def stop(self) -> bytes:
        self._stop.set()
        self._thread.join(5)
        return b"".join(self.chunks)

    def data(self) -> bytes:
        return b"".join(list(self.chunks))


def decode(data: bytes, rate: int = 48000) -> np.ndarray:
    """Decode an MP3 or Ogg stream's bytes into float32 mono at ``rate`` (errors skipped)."""
    import io

    import av

    out: list[np.ndarray] = []
    with av.open(io.BytesIO(data)) as container:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        try:
            for frame in container.decode(audio=0):
                for chunk in resampler.resample(frame):
                    out.append(chunk.to_ndarray().reshape(-1))
        except av.error.FFmpegError:
            pass  # a stream cut mid-frame
    return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)


def find(signal: np.ndarray, needle: np.ndarray) -> tuple[int, float]:
    """Where ``needle`` best matches in ``signal`` (sample index) and how well (normalised
    cross-correlation, 0..1)."""
    from scipy.signal import fftconvolve

    if len(signal) < len(needle) or not np.any(needle):
        return 0, 0.0
    corr = fftconvolve(signal, needle[::-1], mode="valid")
    window = fftconvolve(signal * signal, np.ones(len(needle)), mode="valid")
    energy = np.sqrt(np.maximum(window, 0.05 * float(np.sum(needle * needle))))  # no 0/0
    score = np.abs(corr) / (energy * np.sqrt(np.sum(needle * needle)))
    i = int(np.argmax(score))
    return i, float(score[i])


def icy_title(url: str, timeout: float = 8.0) -> str:
    """The stream title a receiver sees (ICY metadata, as UTF-8), read as a listener would."""
    req = urllib.request.Request(url, headers={"Icy-MetaData": "1"})
    deadline = time.monotonic() + timeout
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - loopback
        metaint = int(resp.headers.get("icy-metaint", "0"))
        if not metaint:
            return ""
        while time.monotonic() < deadline:
            resp.read(metaint)
            size = resp.read(1)[0] * 16
            if size:
                meta = resp.read(size).rstrip(b"\0").decode("utf-8", "replace")
                for part in meta.split(";"):
                    if part.startswith("StreamTitle="):
                        return part[len("StreamTitle="):].strip("'")
    return ""


MP3_BITRATE = 64000


def mp3_tone(seconds: float, level: float = 0.2, rate: int = 48000) -> bytes:
    """``seconds`` of a 440 Hz tone as 64 kbit/s mono MP3 (PyAV's libmp3lame)."""
    import av

    buf = io.BytesIO()
    with av.open(buf, "w", format="mp3") as out:
        stream = out.add_stream("libmp3lame", rate=rate)
        stream.layout = "mono"  # type: ignore[union-attr]
        stream.bit_rate = MP3_BITRATE
        t = np.arange(int(seconds * rate)) / rate
        x = (level * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
        for i in range(0, len(x), 1152):
            frame = av.AudioFrame.from_ndarray(x[None, i:i + 1152], format="fltp", layout="mono")
            frame.sample_rate = rate
            for packet in stream.encode(frame):  # type: ignore[union-attr]
                out.mux(packet)
        for packet in stream.encode(None):  # type: ignore[union-attr]
            out.mux(packet)
    return buf.getvalue()


class Source:
    """A source client: HTTP PUT of an MP3 to ``mount``, paced at its bit rate, until stopped."""

    def __init__(self, server: IcecastServer, mount: str, data: bytes) -> None:
        self.server, self.mount, self.data = server, mount, data
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> Source:
        self._thread.start()
        return self

    def _run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=5)
        auth = base64.b64encode(f"source:{self.server.source_password}".encode()).decode()
        conn.putrequest("PUT", "/" + self.mount)
        for key, value in (("Authorization", f"Basic {auth}"), ("Content-Type", "audio/mpeg"),
                           ("Ice-Public", "0")):
            conn.putheader(key, value)
        conn.endheaders()
        step = MP3_BITRATE // 8 // 10  # a tenth of a second of MP3
        began = time.monotonic()
        sent = 0
        try:
            while not self._stop.is_set():
                chunk = self.data[sent % len(self.data):][:step]
                conn.send(chunk)
                sent += len(chunk)
                ahead = began + sent / (MP3_BITRATE / 8) - time.monotonic()
                if ahead > 0.5:
                    time.sleep(ahead - 0.5)
        except OSError:
            pass
        finally:
            conn.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
