"""``broadcaster user add|passwd|remove|list``: passwords from a pipe, argon2 hashes, roles."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from broadcaster.clock import SystemClock
from broadcaster.config import load_station
from broadcaster.web.users import Role, UserStore, users_path


def _cli(station_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "broadcaster", "--station", str(station_dir),
                           *args], input=stdin, capture_output=True, text=True, timeout=120,
                          env={"BROADCASTER_LANG": "en", "PATH": "/usr/bin:/bin"})


def _users(station_dir: Path) -> UserStore:
    st = load_station(station_dir)
    return UserStore(users_path(st.var("db")), SystemClock(st.tz))


def test_user_commands(station_dir: Path) -> None:
    r = _cli(station_dir, "user", "add", "lan", "--role", "editor", stdin="mat-khau-dai-1\n")
    assert r.returncode == 0, r.stderr
    assert "lan" in r.stdout
    users = _users(station_dir)
    assert users.verify("lan", "mat-khau-dai-1") == users.get("lan")
    assert users.require("lan").role is Role.EDITOR
    users.close()
    db = sqlite3.connect(users_path(station_dir / "var" / "db"))
    (digest,) = db.execute("SELECT hash FROM users WHERE name='lan'").fetchone()
    db.close()
    assert digest.startswith("$argon2id$") and "mat-khau" not in digest

    assert _cli(station_dir, "user", "add", "lan", "--role", "viewer",
                stdin="khac-hoan-toan\n").returncode == 1
    assert _cli(station_dir, "user", "add", "bad", "--role", "king", stdin="x" * 10).returncode == 2
    short = _cli(station_dir, "user", "add", "ngan", "--role", "viewer", stdin="abc\n")
    assert short.returncode == 1 and "8" in short.stderr

    assert _cli(station_dir, "user", "passwd", "lan", stdin="mat-khau-moi-2\n").returncode == 0
    users = _users(station_dir)
    assert users.verify("lan", "mat-khau-dai-1") is None
    assert users.verify("lan", "mat-khau-moi-2") is not None
    users.close()

    listed = _cli(station_dir, "user", "list")
    assert "lan" in listed.stdout and "editor" in listed.stdout
    assert _cli(station_dir, "user", "remove", "lan").returncode == 0
    assert "lan" not in _cli(station_dir, "user", "list").stdout
    assert _cli(station_dir, "user", "remove", "lan").returncode == 1
    audit = _users(station_dir)
    assert [r.action for r in audit.audit_rows()][:3] == ["user.remove", "user.passwd", "user.add"]
    audit.close()


def test_cli_import_stays_free_of_the_web_stack() -> None:
    code = ("import sys, broadcaster.cli; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('aiohttp', 'jinja2', 'argon2')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_demo_admin_gets_a_random_password_that_logs_in(station_dir: Path) -> None:
    from broadcaster.commands.web_cmds import demo_admin

    station = load_station(station_dir)
    line = demo_admin(station)
    password = line.split()[-1] if "(" not in line else line.split(": ")[-1].split(" (")[0]
    assert "http://127.0.0.1:8750/" in line and "demo-admin" in line
    users = _users(station_dir)
    try:
        assert users.verify("demo-admin", password) is not None
        assert users.require("demo-admin").role is Role.ADMIN
    finally:
        users.close()
    again = demo_admin(station)  # a second demo: a new password, the old one no longer works
    assert again != line
    users = _users(station_dir)
    try:
        assert users.verify("demo-admin", password) is None
    finally:
        users.close()


def test_broadcaster_web_serves_the_desk_alone(station_dir: Path) -> None:
    import time
    import urllib.request

    from tests.web.conftest import free_port

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "broadcaster", "--station", str(station_dir),
                             "web", "--listen", f"127.0.0.1:{port}"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=1) as r:
                    assert r.status == 200 and "Đăng nhập" in r.read().decode()
                    break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(10)
