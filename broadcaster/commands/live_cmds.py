"""``broadcaster live start|stop``: put the microphone or line input on air, and take it off."""

from __future__ import annotations

import getpass

import click

from broadcaster.air.control import call
from broadcaster.commands.control_cmds import _var_dir


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name (a container): say so rather than fail
        return "?"


@click.group()
def live() -> None:
    """Go live from the microphone or line input (start / stop)."""


@live.command()
@click.option("--input", "device", default=None,
              help="Input device (name part or index; Linux: pulse:SOURCE). Default: live.input.")
@click.option("--zones", default="", help="Zones to go live in, comma separated (default: all).")
@click.option("--by", default=None, help="Who goes live (logged). Default: the OS user.")
@click.pass_context
def start(ctx: click.Context, device: str | None, zones: str, by: str | None) -> None:
    """Fade the program on air and put the input on air until 'live stop'."""
    names = [z.strip() for z in zones.split(",") if z.strip()]
    reply = call(_var_dir(ctx), "live_start", by=by or _os_user(), input=device, zones=names)
    click.echo(reply["message"])


@live.command()
@click.pass_context
def stop(ctx: click.Context) -> None:
    """Take the input off air (a fade); the schedule resumes."""
    click.echo(call(_var_dir(ctx), "live_stop")["message"])
