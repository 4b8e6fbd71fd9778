"""The web desk's commands: ``broadcaster web`` (serve it alone) and ``broadcaster user``."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import click

from broadcaster.clock import SystemClock
from broadcaster.config import Station, load_station
from broadcaster.errors import ConfigError
from broadcaster.messages import set_language, t

if TYPE_CHECKING:
    from broadcaster.web.users import UserStore

ROLES = ("admin", "operator", "editor", "approver", "viewer")


def _open(ctx: click.Context) -> Station:
    station = load_station(ctx.obj["station_dir"])
    set_language(station.settings.language)
    return station


def desk_url(station: Station) -> str:
    web = station.settings.web
    host = "127.0.0.1" if web.host in ("0.0.0.0", "::") else web.host
    return f"http://{host}:{web.port}/"


@click.command("web")
@click.option("--listen", default=None, help="host:port (default: the web.listen setting).")
@click.pass_context
def web_cmd(ctx: click.Context, listen: str | None) -> None:
    """Run the web desk alone against the station folder (broadcaster run starts it itself)."""
    from broadcaster.web.app import main

    station = _open(ctx)
    _upgrade_stores(station)
    click.echo(t("web.serving", url=desk_url(station) if listen is None else f"http://{listen}/"))
    args = ["--station", str(station.root)] + (["--listen", listen] if listen else [])
    main(args)


def _upgrade_stores(station: Station) -> None:
    """The desk only reads the station's stores; when the station is not running, bring them to
    this release's schema first (the station does it itself when it starts)."""
    from broadcaster.air.asrun import AsRunLog
    from broadcaster.inbox.store import BulletinStore, store_path
    from broadcaster.ops.lock import StationLock
    from broadcaster.station import asrun_path

    if StationLock(station.var("run")).held_elsewhere():
        return
    if store_path(station).is_file():
        BulletinStore(store_path(station)).close()
    if asrun_path(station).is_file():
        AsRunLog(asrun_path(station)).close()


@contextlib.contextmanager
def _users(station: Station) -> Iterator[UserStore]:
    """The desk's accounts, closed afterwards (argon2 and the store load only for these
    commands)."""
    from broadcaster.web.users import UserStore, users_path

    users = UserStore(users_path(station.var("db")), SystemClock(station.tz))
    try:
        yield users
    finally:
        users.close()


def _read_password() -> str:
    """Asked twice on a terminal; one line from standard input when piped (for scripts)."""
    if sys.stdin.isatty():
        first = click.prompt(t("user.password_prompt"), hide_input=True)
        if click.prompt(t("user.password_again"), hide_input=True) != first:
            raise ConfigError(t("user.passwords_differ"))
        return str(first)
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise ConfigError(t("user.no_password"))
    return line


@click.group()
def user() -> None:
    """Web desk accounts: add, passwd, remove, list."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the user may do.")
@click.pass_context
def user_add(ctx: click.Context, name: str, role: str) -> None:
    """Create an account (password asked twice, or one line from standard input)."""
    from broadcaster.web.users import Role

    station = _open(ctx)
    password = _read_password()
    with _users(station) as users:
        users.add(name, Role(role), password)
        users.audit("cli", "user.add", name, role)
    click.echo(t("user.added", name=name, role=role))


@user.command("passwd")
@click.argument("name")
@click.pass_context
def user_passwd(ctx: click.Context, name: str) -> None:
    """Set a new password (every open session of the user is closed)."""
    station = _open(ctx)
    with _users(station) as users:
        users.require(name)
        users.set_password(name, _read_password())
        users.audit("cli", "user.passwd", name)
    click.echo(t("user.password_set", name=name))


@user.command("remove")
@click.argument("name")
@click.pass_context
def user_remove(ctx: click.Context, name: str) -> None:
    """Delete an account."""
    station = _open(ctx)
    with _users(station) as users:
        users.remove(name)
        users.audit("cli", "user.remove", name)
    click.echo(t("user.removed", name=name))


@user.command("list")
@click.pass_context
def user_list(ctx: click.Context) -> None:
    """List the accounts and their roles."""
    station = _open(ctx)
    with _users(station) as users:
        found = users.all()
    if not found:
        click.echo(t("user.none"))
    for u in found:
        click.echo(f"{u.name:<24} {u.role}")


def demo_admin(station: Station) -> str:
    """For ``broadcaster demo``: a fresh ``demo-admin`` with a random password; the line to print."""
    with _users(station) as users:
        if users.get("demo-admin") is not None:
            users.remove("demo-admin")
        password = users.random_password()
        from broadcaster.web.users import Role

        users.add("demo-admin", Role.ADMIN, password)
    return t("web.demo_admin", url=desk_url(station), name="demo-admin", password=password)
