"""A minimal private icecast2 for the watchdog's mount tests, and a source that feeds a mount
an MP3 tone in real time. (The ``route`` helper's ``tests/icecast.py`` is the shared fixture;
the lead may swap this file for it: same ``IcecastServer(base)``, ``url``, ``start``, ``stop``.)
"""

from __future__ import annotations

import base64
import http.client
import io
import os
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
BITRATE = 64000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class IcecastServer:
    """icecast2 on 127.0.0.1:port (as root it changes to nobody: ``<changeowner>``)."""

    def __init__(self, base: Path, port: int | None = None, password: str = "hackme") -> None:
        self.base = base
        base.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.source_password = password
        self.logs = Path(tempfile.mkdtemp(prefix="watch-icecast-"))
        self.logs.chmod(0o777)
        self.config = base / "icecast.xml"
        owner = ("<changeowner><user>nobody</user><group>nogroup</group></changeowner>"
                 if os.geteuid() == 0 else "")
        self.config.write_text(f"""<icecast>
  <location>test</location><admin>test@localhost</admin>
  <limits><clients>20</clients><sources>4</sources><queue-size>524288</queue-size>
    <client-timeout>30</client-timeout><header-timeout>5</header-timeout>
    <source-timeout>5</source-timeout><burst-on-connect>1</burst-on-connect>
    <burst-size>16384</burst-size></limits>
  <authentication><source-password>{password}</source-password>
    <admin-user>admin</admin-user><admin-password>{password}</admin-password></authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>{self.port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <paths><basedir>/usr/share/icecast2</basedir><logdir>{self.logs}</logdir>
    <webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot>
  </paths>
  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog>
    <loglevel>3</loglevel></logging>
  <security><chroot>0</chroot>{owner}</security>
</icecast>
""", encoding="utf-8")
        self.proc: subprocess.Popen[bytes] | None = None

    def url(self, mount: str) -> str:
        return f"http://127.0.0.1:{self.port}/{mount.lstrip('/')}"

    def start(self) -> None:
        self.proc = subprocess.Popen([ICECAST, "-c", str(self.config)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        end = time.monotonic() + 10
        while time.monotonic() < end:
            try:
                urllib.request.urlopen(self.url("status-json.xsl"), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.1)
        raise RuntimeError(f"icecast2 did not start: {self.logs}/error.log")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)
        self.proc = None


def mp3_tone(seconds: float, level: float = 0.2, rate: int = 48000) -> bytes:
    """``seconds`` of a 440 Hz tone as 64 kbit/s mono MP3 (PyAV's libmp3lame)."""
    import av

    buf = io.BytesIO()
    with av.open(buf, "w", format="mp3") as out:
        stream = out.add_stream("libmp3lame", rate=rate)
        stream.layout = "mono"  # type: ignore[union-attr]
        stream.bit_rate = BITRATE
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
        step = BITRATE // 8 // 10  # a tenth of a second of MP3
        began = time.monotonic()
        sent = 0
        try:
            while not self._stop.is_set():
                chunk = self.data[sent % len(self.data):][:step]
                conn.send(chunk)
                sent += len(chunk)
                ahead = began + sent / (BITRATE / 8) - time.monotonic()
                if ahead > 0.5:
                    time.sleep(ahead - 0.5)
        except OSError:
            pass
        finally:
            conn.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
