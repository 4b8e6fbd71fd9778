"""Commands that talk to the running station: status, skip, stop, load, emergency."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from broadcaster import STATION_FILE
from broadcaster.air.control import call
from broadcaster.errors import ConfigError, ScheduleError, TextError
from broadcaster.messages import set_language, t

if TYPE_CHECKING:
    from broadcaster.config import Station



def _station(ctx: click.Context) -> Station:
    from broadcaster.config import load_station

    station = load_station(ctx.obj["station_dir"])
    set_language(station.settings.language)
    return station


def _var_dir(ctx: click.Context) -> Path:
    """The running station's ``var/`` folder (``Station.var_dir``), with the operator's language.

    The running station validated its settings when it started; a command that only talks to
    it does not validate them again (pydantic costs ~0.3 s of an emergency's second)."""
    root = Path(ctx.obj["station_dir"]).resolve()
    config = root / STATION_FILE
    if not config.is_file():
        raise ConfigError(t("station.not_found", path=root), hint=t("station.not_found.hint"))
    set_language(_language(config))
    return root / "var"


def _language(config: Path) -> str | None:
    """The station's ``language`` setting, or None when the file does not say (or is broken)."""
    import yaml

    try:
        data = yaml.safe_load(config.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    value = data.get("language") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Raw JSON.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """What is on air, the next slots, and the output in use."""
    reply = call(_var_dir(ctx), "status")
    if as_json:
        click.echo(json.dumps(reply, ensure_ascii=False, indent=2))
        return
    click.echo(f"{reply['station']}  ({reply['now']})")
    if reply.get("on_air"):
        click.echo(t("status.on_air", slot=reply["on_air"], since=reply.get("on_air_since") or "-"))
    else:
        click.echo(t("status.idle"))
    click.echo(t("status.next"))
    for item in reply.get("next", []):
        click.echo(f"  {item['start'][:19].replace('T', ' ')}  {item['slot']}")
    click.echo(t("status.output", output=reply.get("output", "?")))
    if reply.get("output_error"):
        click.echo(f"  ! {reply['output_error']}")
    click.echo(t("status.bulletins", n=len(reply.get("bulletins", []))))
    for b in reply.get("bulletins", []):
        nxt = str(b.get("next_airing") or "-").replace("T", " ")
        click.echo(f"  [{b['priority']}] {b['title']} ({b['aired']}/{b['repeat']})"
                   f"  {t('status.next_airing')}: {nxt}"
                   + (f"  ({t('status.awaiting')})" if b.get("state") == "awaiting_approval" else ""))
    click.echo(t("status.engines"))
    for e in reply.get("engines", []):
        state = {True: "ok", False: "!", None: "-"}[e.get("reachable")]
        error = f"  ({e['last_error']})" if e.get("last_error") else ""
        click.echo(f"  {e['name']:<7} {state:<2} breaker={e['breaker']}{error}")
    _watchdog_lines(reply)


def _watchdog_lines(reply: dict) -> None:
    """The watchdog's checks (issue 15.4) and the output level, when the station reports them."""
    checks = reply.get("watchdog") or []
    if checks:
        click.echo(t("status.watchdog"))
    for c in checks:
        mark = "ok" if c.get("ok") else "!"
        since = str(c.get("since") or "")[11:19]
        click.echo(f"  {mark:<2} {c.get('ear')} {c.get('check')} {since}  {c.get('detail')}")
    level = reply.get("output_level")
    if isinstance(level, dict):
        click.echo(t("status.level", rms=level.get("rms_dbfs"), peak=level.get("peak_dbfs")))


@click.command()
@click.pass_context
def skip(ctx: click.Context) -> None:
    """Fade out the program on air now (logged as interrupted)."""
    click.echo(call(_var_dir(ctx), "skip")["message"])


@click.command()
@click.pass_context
def stop(ctx: click.Context) -> None:
    """Stop the running station cleanly."""
    click.echo(call(_var_dir(ctx), "stop")["message"])


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--yes", is_flag=True, help="Confirm a file that removes existing slots.")
@click.pass_context
def load(ctx: click.Context, file: Path, yes: bool) -> None:
    """Validate a schedule file and install it in the running station at once; says which
    slots it adds, removes and moves (removing slots needs --yes)."""
    from broadcaster.air.schedules import ScheduleBook

    station = _station(ctx)
    problems = ScheduleBook.open(station).check(file)  # also when the station is not running
    if problems:
        raise ScheduleError(problems)
    click.echo(call(station.var_dir, "load", path=str(file.resolve()), yes=yes)["message"])


@click.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--text", default=None, help="The emergency message (instead of a file).")
@click.option("--repeat", default=2, show_default=True, type=click.IntRange(1, 10),
              help="How many times the message is read.")
@click.pass_context
def emergency(ctx: click.Context, file: Path | None, text: str | None, repeat: int) -> None:
    """Interrupt now: alert tone and the message, then the schedule resumes.

    FILE is a text bulletin or a recording (mp3, m4a, ogg, wav, amr ...: told by its bytes)."""
    from broadcaster.inbox.reader import is_audio, read_bulletin

    var_dir = _var_dir(ctx)
    if file is not None:
        with file.open("rb") as fh:
            head = fh.read(4096)
        if is_audio(head):  # a recording (by its bytes): the station airs it after the tone
            reply = call(var_dir, "emergency", audio=str(file.resolve()), repeat=repeat)
            click.echo(t("emergency.audio_sent", repeat=repeat,
                         seconds=f"{reply['duration_ms'] / 1000:.0f}"))
            return
        text = read_bulletin(file).body
    if not text or not text.strip():
        raise TextError(t("emergency.need_text"))
    reply = call(var_dir, "emergency", text=text, repeat=repeat)
    click.echo(t("emergency.sent", repeat=repeat, seconds=f"{reply['duration_ms'] / 1000:.0f}"))
