"""``publish.targets`` over the network: an SFTP server (a real one, asyncssh, on loopback) and a
WebDAV folder (the ward portal's server, faked at the HTTP layer): the archive is mirrored, only
what changed is sent again, a withdrawn bulletin's files go, the portal's own files stay; a
server with another host key, a refused password or a server that is down is a failed copy
(alerted and retried, air untouched)."""

from __future__ import annotations

import asyncio
import base64
import threading
from collections.abc import Iterator
from pathlib import Path

import asyncssh
import pytest
from aiohttp import web

from tests.icecast import free_port
from tests.publish.conftest import NOTICE, make_desk, publish_settings

ARCHIVE = ("index.html", "rss.xml", "atom.xml", "feed.json", "style.css")


class SftpServer:
    """asyncssh's SFTP server in its own thread and loop, chrooted to ``root``; user ``dai``,
    password ``matkhau``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.key = asyncssh.generate_private_key("ssh-ed25519")
        self.host_key = self.key.export_public_key().decode().split()[0:2]
        self.loop = asyncio.new_event_loop()
        self.uploads = 0
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def start(self) -> SftpServer:
        self._thread.start()
        server = self

        class Auth(asyncssh.SSHServer):
            def password_auth_supported(self) -> bool:
                return True

            def validate_password(self, username: str, password: str) -> bool:
                return (username, password) == ("dai", "matkhau")

        class Sftp(asyncssh.SFTPServer):
            def __init__(self, chan: asyncssh.SSHServerChannel) -> None:
                super().__init__(chan, chroot=str(server.root).encode())

            def open(self, path: bytes, pflags: int, attrs: asyncssh.SFTPAttrs) -> object:
                if pflags & asyncssh.FXF_WRITE:
                    server.uploads += 1
                return super().open(path, pflags, attrs)

        async def listen() -> asyncssh.SSHAcceptor:
            return await asyncssh.listen("127.0.0.1", self.port, server_host_keys=[self.key],
                                         server_factory=Auth, sftp_factory=Sftp)

        self.acceptor = asyncio.run_coroutine_threadsafe(listen(), self.loop).result(10)
        return self

    def stop(self) -> None:
        self.acceptor.close()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)


@pytest.fixture
def sftp(tmp_path: Path) -> Iterator[SftpServer]:
    root = tmp_path / "sftp-root"
    (root / "www" / "truyen-thanh").mkdir(parents=True)
    server = SftpServer(root).start()
    try:
        yield server
    finally:
        server.stop()


def _sftp_target(server: SftpServer, *, password: str = "matkhau", key: str | None = None) -> str:
    host_key = key or " ".join(server.host_key)
    return (f"  targets:\n    - {{type: sftp, host: 127.0.0.1, port: {server.port}, user: dai, "
            f"password: {password}, path: /www/truyen-thanh, name: cổng phường, "
            f"timeout_seconds: 5, host_key: '{host_key}'}}\n")


def test_an_sftp_target_mirrors_the_archive_sends_only_changes_and_removes_only_its_own(
        station_dir: Path, sftp: SftpServer) -> None:
    portal = sftp.root / "www" / "truyen-thanh"
    (portal / "gioi-thieu.html").write_text("trang của phường", encoding="utf-8")
    publish_settings(station_dir, _sftp_target(sftp))
    desk = make_desk(station_dir)
    try:
        rec = desk.drop("rac.txt", NOTICE)
        desk.air(rec)
        desk.publisher.turn()
        for rel in (*ARCHIVE, f"ban-tin/{rec.id}.html", f"audio/{rec.id}-v1.mp3"):
            assert (portal / rel).read_bytes() == (desk.public / rel).read_bytes(), rel
        assert not list(portal.rglob("*.part")) and not desk.alerter.recent
        sent = sftp.uploads
        assert desk.publisher.targets[0].sync(desk.public) == 0  # nothing changed: nothing sent
        assert sftp.uploads == sent
        desk.store.withdraw(rec.id, "nhầm", now=desk.clock.now())
        desk.publisher.turn()
        assert not (portal / "ban-tin" / f"{rec.id}.html").exists()
        assert not (portal / "audio" / f"{rec.id}-v1.mp3").exists()
        assert (portal / "gioi-thieu.html").read_text(encoding="utf-8") == "trang của phường"
    finally:
        desk.store.close()


@pytest.mark.parametrize("wrong", ["host key", "password"])
def test_an_sftp_server_with_another_key_or_a_refused_password_is_a_failed_copy(
        station_dir: Path, sftp: SftpServer, wrong: str) -> None:
    other = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode()
    publish_settings(station_dir, _sftp_target(
        sftp, key=" ".join(other.split()[:2]) if wrong == "host key" else None,
        password="sai" if wrong == "password" else "matkhau"))
    desk = make_desk(station_dir)
    try:
        rec = desk.drop("rac.txt", NOTICE)
        desk.air(rec)
        desk.publisher.turn()
        assert (desk.public / "ban-tin" / f"{rec.id}.html").is_file()  # the archive itself is fine
        assert [k for _, k, _ in desk.alerter.recent] == ["publish"]
        assert "cổng phường" in desk.alerter.recent[-1][2]
        assert not (sftp.root / "www" / "truyen-thanh" / "index.html").exists()
        assert sftp.uploads == 0
    finally:
        desk.store.close()


class Dav:
    """The ward portal's WebDAV folder at ``/dav/`` (PUT, MKCOL, DELETE, GET; basic auth)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {"gioi-thieu.html": "trang của phường".encode()}
        self.folders: set[str] = set()
        self.puts = 0
        self.password = "matkhau"

    async def handle(self, request: web.Request) -> web.Response:
        auth = request.headers.get("Authorization", "")
        if auth != "Basic " + base64.b64encode(f"dai:{self.password}".encode()).decode():
            return web.Response(status=401)
        rel = request.match_info["rel"]
        if request.method == "MKCOL":
            if rel.rstrip("/") in self.folders:
                return web.Response(status=405)
            self.folders.add(rel.rstrip("/"))
            return web.Response(status=201)
        if request.method == "PUT":
            parent = rel.rpartition("/")[0]
            if parent and parent not in self.folders:
                return web.Response(status=409)  # WebDAV: the folder must exist first
            self.files[rel] = await request.read()
            self.puts += 1
            return web.Response(status=201)
        if request.method == "DELETE":
            return web.Response(status=204 if self.files.pop(rel, None) is not None else 404)
        if rel in self.files:
            return web.Response(body=self.files[rel])
        return web.Response(status=404)


@pytest.fixture
def dav() -> Iterator[tuple[Dav, int]]:
    state = Dav()
    app = web.Application()
    app.router.add_route("*", "/dav/{rel:.*}", state.handle)
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    port = free_port()
    loop.run_until_complete(runner.setup())
    loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield state, port
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.run_until_complete(runner.cleanup())


def test_a_webdav_target_mirrors_the_archive_and_a_refused_password_is_alerted(
        station_dir: Path, dav: tuple[Dav, int]) -> None:
    state, port = dav
    publish_settings(station_dir, f"  targets:\n    - {{type: webdav, url: "
                                  f"'http://127.0.0.1:{port}/dav/', user: dai, password: matkhau, "
                                  f"timeout_seconds: 5}}\n")
    desk = make_desk(station_dir)
    try:
        rec = desk.drop("rac.txt", NOTICE)
        desk.air(rec)
        desk.publisher.turn()
        for rel in (*ARCHIVE, f"ban-tin/{rec.id}.html", f"audio/{rec.id}-v1.mp3"):
            assert state.files[rel] == (desk.public / rel).read_bytes(), rel
        assert not desk.alerter.recent
        puts = state.puts
        assert desk.publisher.targets[0].sync(desk.public) == 0 and state.puts == puts
        desk.store.withdraw(rec.id, "nhầm", now=desk.clock.now())
        desk.publisher.turn()
        assert f"ban-tin/{rec.id}.html" not in state.files
        assert state.files["gioi-thieu.html"] == "trang của phường".encode()
        state.password = "doi-roi"  # the portal changed the password
        with pytest.raises(PermissionError, match="401"):
            desk.publisher.targets[0].sync(desk.public)
    finally:
        desk.store.close()
