"""Copies of the public folder elsewhere: a network share (``type: folder``), an SFTP server
(``type: sftp``, paramiko) or a WebDAV folder (``type: webdav``, requests), all behind one
``Target`` protocol. A copy only ever deletes files it placed itself (listed in
``.broadcaster-public.json`` in the target), so a shared portal folder keeps the rest. Remote
copies send only what changed since the last copy (that list records each file's size and
modification time); every network call has a timeout."""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

from broadcaster.config import FolderTarget, PublishTarget, SftpTarget, WebdavTarget
from broadcaster.durable import copy_file, write_json
from broadcaster.errors import public_url

log = logging.getLogger(__name__)

PLACED = ".broadcaster-public.json"


class Target(Protocol):
    """Somewhere the public folder is copied to."""

    name: str

    def sync(self, public: Path) -> int:
        """Make the target hold what ``public`` holds; the number of files changed. Raises
        ``OSError`` when the target cannot be written."""
        ...


def _files(root: Path) -> Iterator[tuple[str, os.stat_result]]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            yield path.relative_to(root).as_posix(), path.stat()


class FolderCopy:
    """A mirror of the public folder in another folder (a mounted network share)."""

    def __init__(self, setting: FolderTarget, station_root: Path) -> None:
        path = Path(setting.path)
        self.path = path if path.is_absolute() else station_root / path
        self.name = setting.name or str(self.path)

    def sync(self, public: Path) -> int:
        if not self.path.is_dir():
            # a share that is not mounted must not fill the local disk under its mount point
            raise FileNotFoundError(f"{self.path}: not a folder (is the share mounted?)")
        placed_file = self.path / PLACED
        try:
            placed = set(json.loads(placed_file.read_text(encoding="utf-8")).get("files", []))
        except (OSError, ValueError):
            placed = set()
        changed = 0
        now: set[str] = set()
        for rel, st in _files(public):
            now.add(rel)
            dst = self.path / rel
            try:
                there = dst.stat()
                same = there.st_size == st.st_size and there.st_mtime_ns == st.st_mtime_ns
            except OSError:
                same = False
            if not same:
                copy_file(public / rel, dst)
                changed += 1
        for rel in sorted(placed - now):
            try:
                (self.path / rel).unlink()
                changed += 1
            except FileNotFoundError:
                pass
        write_json(placed_file, {"files": sorted(now)})
        return changed


class Remote(Protocol):
    """The few file operations a remote copy needs (paths relative to the target's folder)."""

    def read(self, rel: str) -> bytes | None: ...  # None: not there
    def put(self, rel: str, data: bytes) -> None: ...
    def delete(self, rel: str) -> None: ...  # gone already is fine
    def close(self) -> None: ...


class RemoteCopy:
    """A mirror of the public folder on a server (SFTP, WebDAV): files whose size or time
    changed since the last copy are sent, files it placed that are gone are removed."""

    def __init__(self, name: str, connect: Callable[[], Remote]) -> None:
        self.name = name
        self._connect = connect

    def sync(self, public: Path) -> int:
        remote = self._connect()
        try:
            return self._sync(remote, public)
        finally:
            remote.close()

    def _sync(self, remote: Remote, public: Path) -> int:
        try:
            placed = dict(json.loads(remote.read(PLACED) or b"{}").get("stamps", {}))
        except (ValueError, AttributeError):
            placed = {}
        now: dict[str, list[int]] = {}
        changed = 0
        for rel, st in _files(public):
            now[rel] = [st.st_size, st.st_mtime_ns]
            if placed.get(rel) != now[rel]:
                remote.put(rel, (public / rel).read_bytes())
                changed += 1
        for rel in sorted(set(placed) - set(now)):
            remote.delete(rel)
            changed += 1
        if changed or placed.keys() != now.keys():
            remote.put(PLACED, json.dumps({"files": sorted(now), "stamps": now}).encode())
        return changed


class WebdavRemote:
    """WebDAV over ``requests``: PUT a file, MKCOL its folders, DELETE, GET."""

    def __init__(self, setting: WebdavTarget) -> None:
        import requests

        self.base = setting.url.rstrip("/") + "/"
        self.shown = public_url(self.base)  # errors and alerts never show a password in the URL
        self.http = requests.Session()
        if setting.user:
            self.http.auth = (setting.user, setting.password or "")
        self.timeout = setting.timeout_seconds
        self._made: set[str] = set()

    def _call(self, method: str, rel: str, data: bytes | None = None) -> int:
        from urllib.parse import quote

        import requests

        try:
            r = self.http.request(method, self.base + quote(rel), data=data, timeout=self.timeout)
        except requests.RequestException as exc:
            raise OSError(f"WebDAV {method} {self.shown}{rel}: {exc}") from None
        if r.status_code in (401, 403):
            raise PermissionError(f"WebDAV {method} {self.shown}{rel}: HTTP {r.status_code} "
                                  "(user or password refused)")
        return r.status_code

    def read(self, rel: str) -> bytes | None:
        from urllib.parse import quote

        import requests

        try:
            r = self.http.get(self.base + quote(rel), timeout=self.timeout)
        except requests.RequestException as exc:
            raise OSError(f"WebDAV GET {self.shown}{rel}: {exc}") from None
        return r.content if r.status_code == 200 else None

    def put(self, rel: str, data: bytes) -> None:
        parts = rel.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            folder = "/".join(parts[:i]) + "/"
            if folder not in self._made:
                code = self._call("MKCOL", folder)
                if code not in (201, 405, 301, 200):  # 405: it exists already
                    raise OSError(f"WebDAV MKCOL {self.shown}{folder}: HTTP {code}")
                self._made.add(folder)
        code = self._call("PUT", rel, data)
        if code not in (200, 201, 204):
            raise OSError(f"WebDAV PUT {self.shown}{rel}: HTTP {code}")

    def delete(self, rel: str) -> None:
        code = self._call("DELETE", rel)
        if code not in (200, 204, 404):
            raise OSError(f"WebDAV DELETE {self.shown}{rel}: HTTP {code}")

    def close(self) -> None:
        self.http.close()


class SftpRemote:
    """SFTP through paramiko; the server must present ``host_key`` (no trust on first use)."""

    def __init__(self, setting: SftpTarget, station_root: Path) -> None:
        import paramiko

        kind, blob = setting.host_key.split()[:2]
        known = paramiko.PKey.from_type_string(kind, base64.b64decode(blob))
        self.ssh = paramiko.SSHClient()
        name = setting.host if setting.port == 22 else f"[{setting.host}]:{setting.port}"
        self.ssh.get_host_keys().add(name, kind, known)
        self.ssh.set_missing_host_key_policy(paramiko.RejectPolicy())
        key = None if setting.key_file is None else str(station_root / setting.key_file)
        try:
            self.ssh.connect(setting.host, setting.port, setting.user, password=setting.password,
                             key_filename=key, timeout=setting.timeout_seconds,
                             banner_timeout=setting.timeout_seconds,
                             auth_timeout=setting.timeout_seconds, look_for_keys=False,
                             allow_agent=False)
            self.sftp = self.ssh.open_sftp()
        except (paramiko.SSHException, OSError) as exc:
            self.ssh.close()
            raise OSError(f"SFTP {setting.user}@{setting.host}:{setting.port}: {exc}") from None
        channel = self.sftp.get_channel()
        if channel is not None:
            channel.settimeout(setting.timeout_seconds)
        self.root = setting.path.rstrip("/") or "/"
        self.where = f"{setting.user}@{setting.host}:{setting.port}"
        self._made: set[str] = set()

    @contextlib.contextmanager
    def _guard(self, what: str) -> Iterator[None]:
        """A connection lost mid-copy (paramiko's SSHException, an EOF) is a failed copy like
        any other: an ``OSError``, which the publisher alerts and retries."""
        import paramiko

        try:
            yield
        except (paramiko.SSHException, EOFError) as exc:
            raise OSError(f"SFTP {self.where}: {what}: {exc}") from None

    def read(self, rel: str) -> bytes | None:
        try:
            with self._guard(rel), self.sftp.open(f"{self.root}/{rel}", "rb") as fh:
                return bytes(fh.read())
        except FileNotFoundError:
            return None

    def put(self, rel: str, data: bytes) -> None:
        parts = rel.split("/")[:-1]
        with self._guard(rel):
            for i in range(1, len(parts) + 1):
                folder = f"{self.root}/" + "/".join(parts[:i])
                if folder not in self._made:
                    try:
                        self.sftp.mkdir(folder)
                    except OSError:
                        self.sftp.stat(folder)  # it exists already; else this raises
                    self._made.add(folder)
            temp = f"{self.root}/{rel}.part"  # a reader never sees half a file
            with self.sftp.open(temp, "wb") as fh:
                fh.write(data)
            self.sftp.posix_rename(temp, f"{self.root}/{rel}")

    def delete(self, rel: str) -> None:
        with self._guard(rel), contextlib.suppress(FileNotFoundError):
            self.sftp.remove(f"{self.root}/{rel}")

    def close(self) -> None:
        self.ssh.close()


def make_targets(settings: tuple[PublishTarget, ...], station_root: Path) -> list[Target]:
    """One copier per ``publish.targets`` entry."""
    targets: list[Target] = []
    for s in settings:
        if isinstance(s, FolderTarget):
            targets.append(FolderCopy(s, station_root))
        elif isinstance(s, WebdavTarget):
            targets.append(RemoteCopy(s.name or public_url(s.url),
                                      functools.partial(WebdavRemote, s)))
        else:
            targets.append(RemoteCopy(s.name or f"sftp://{s.user}@{s.host}:{s.port}{s.path}",
                                      functools.partial(SftpRemote, s, station_root)))
    return targets
