"""Control channel of the running station: JSON lines over TCP on the loopback address only.

The station writes ``var/run/control.json`` (port, token, pid) readable by its own user only; a
client must present the token. TCP on 127.0.0.1 rather than a Unix socket so the same channel
works on a Windows station PC and can later serve the local web dashboard.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import secrets
import socket
import socketserver
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from broadcaster import durable
from broadcaster.errors import BroadcasterError
from broadcaster.messages import t

log = logging.getLogger(__name__)

CONTROL_FILE = "run/control.json"  # under var/, beside the heartbeat and the lock
MAX_REQUEST = 1 << 20

Handler = Callable[[dict[str, Any]], dict[str, Any]]


class ControlError(BroadcasterError):
    """The running station cannot be reached or refused the request."""


class _RequestHandler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        peer = self.client_address[0]
        if peer not in ("127.0.0.1", "::1"):
            return  # local connections only
        line = self.rfile.readline(MAX_REQUEST)
        try:
            request = json.loads(line)
            if not isinstance(request, dict):
                raise ValueError("request must be a JSON object")
        except ValueError as exc:
            self._reply({"ok": False, "error": f"bad request: {exc}"})
            return
        token = str(request.pop("token", ""))
        if not hmac.compare_digest(token, self.server.token):
            self._reply({"ok": False, "error": t("control.bad_token")})
            return
        try:
            reply = self.server.handler(request)
        except BroadcasterError as exc:
            reply = {"ok": False, "error": str(exc)}
        except Exception as exc:  # noqa: BLE001 - a bad request never kills the station
            log.exception("control request %s failed", request.get("cmd"))
            reply = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        self._reply(reply)

    def _reply(self, reply: dict[str, Any]) -> None:
        self.wfile.write(json.dumps(reply, ensure_ascii=False, default=str).encode() + b"\n")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    token: str
    handler: Handler


class ControlServer:
    """Serves requests to ``handler`` on 127.0.0.1 until stopped."""

    def __init__(self, var_dir: Path, handler: Handler) -> None:
        self.path = var_dir / CONTROL_FILE
        self.server = _Server(("127.0.0.1", 0), _RequestHandler)
        self.server.token = secrets.token_urlsafe(24)
        self.server.handler = handler
        self.thread = threading.Thread(target=self.server.serve_forever, name="control",
                                       daemon=True)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def start(self) -> None:
        # the token is a password to the station: readable by its own user only
        durable.write_text(self.path, json.dumps({"port": self.port, "token": self.server.token,
                                                  "pid": os.getpid()}), mode=0o600)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        try:
            info = json.loads(self.path.read_text())
            if info.get("pid") == os.getpid():
                self.path.unlink()
        except (OSError, ValueError):
            pass


def call(var_dir: Path, cmd: str, timeout: float = 30.0, **args: Any) -> dict[str, Any]:
    """Send ``cmd`` to the station running on ``var_dir``; raise ControlError if not running."""
    path = var_dir / CONTROL_FILE
    try:
        info = json.loads(path.read_text())
    except (OSError, ValueError):
        raise ControlError(t("control.not_running"), hint=t("control.not_running.hint")) from None
    request = {"token": info["token"], "cmd": cmd, **args}
    try:
        with socket.create_connection(("127.0.0.1", int(info["port"])), timeout=timeout) as sock:
            sock.sendall(json.dumps(request, ensure_ascii=False).encode() + b"\n")
            data = sock.makefile("rb").readline(MAX_REQUEST)
    except OSError:
        raise ControlError(t("control.not_running"), hint=t("control.not_running.hint")) from None
    try:
        reply = json.loads(data)
    except ValueError:
        raise ControlError(t("control.bad_reply")) from None
    if not reply.get("ok"):
        raise ControlError(str(reply.get("error", "?")))
    return reply
