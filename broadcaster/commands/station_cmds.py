"""Station-level commands: init, run, demo, devices, log, check."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import click

from broadcaster.clock import SystemClock
from broadcaster.config import STATION_FILE, Station, load_station
from broadcaster.errors import ConfigError
from broadcaster.messages import label, set_language, t
from broadcaster.models import DEMO_PREFIX

if TYPE_CHECKING:
    from broadcaster.station import StationService


@click.command()
@click.argument("directory", type=click.Path(file_okay=False))
def init(directory: str) -> None:
    """Create a new station folder (station.yaml, schedules/, audio/, inbox/)."""
    from broadcaster.program.jingles import write_chimes

    root = Path(directory)
    if (root / STATION_FILE).exists():
        raise ConfigError(t("init.exists", path=root), hint=t("init.exists.hint"))
    template = resources.files("broadcaster").joinpath("template")
    for sub in ("schedules", "audio", "inbox"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    with resources.as_file(template) as tpl:
        for src in Path(tpl).rglob("*"):
            if src.is_file() and "__pycache__" not in src.parts:
                dst = root / src.relative_to(tpl)
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dst)
    write_chimes(root / "audio")
    click.echo(t("init.created", path=root.resolve()))


def _open(ctx: click.Context) -> Station:
    station = load_station(ctx.obj["station_dir"])
    set_language(station.settings.language)
    return station


def _echo_with_time(clock: SystemClock) -> Callable[[str], None]:
    def notify(message: str) -> None:
        click.echo(f"[{clock.now():%H:%M:%S}] {message}")

    return notify


def _serve(station: Station, setup: Callable[[StationService], None] | None = None, *,
           demo: bool = False) -> None:
    from broadcaster.ops.logs import setup_console
    from broadcaster.station import StationService

    setup_console(station)
    clock = SystemClock(station.tz)
    service = StationService(station, clock, notify=_echo_with_time(clock), demo=demo)
    try:
        service.start()
        click.echo(t("run.started", name=station.settings.name, tz=station.settings.timezone))
        if setup is not None:
            setup(service)
        service.print_upcoming()
        service.wait()
    except KeyboardInterrupt:
        pass
    finally:
        service.stop()


@click.command()
@click.pass_context
def run(ctx: click.Context) -> None:
    """Run the station: air the schedule on time until stopped (production)."""
    _serve(_open(ctx))


DEMO_BULLETIN = "samples/ke-hoach-tuyen-truyen-nq57.txt"


@click.command()
@click.option("--in", "delay", default=10, show_default=True, type=click.IntRange(3, 3600),
              help="Seconds from now to the demo slot.")
@click.option("--bulletin", default=DEMO_BULLETIN, show_default=True,
              help="Bulletin file the demo slot airs (relative to the station folder).")
@click.pass_context
def demo(ctx: click.Context, delay: int, bulletin: str) -> None:
    """Run the station with a one-off demo slot a few seconds ahead."""
    from broadcaster.air.schedule import Slot

    station = _open(ctx)
    if not station.resolve(bulletin).is_file():
        raise ConfigError(t("text.unreadable", path=station.resolve(bulletin), reason="not found"))

    def add_demo(service: StationService) -> None:
        when = (service.clock.now() + dt.timedelta(seconds=delay)).replace(microsecond=0)
        slot = Slot.model_validate({
            "id": f"{DEMO_PREFIX}{when:%H%M%S}", "name": "Trình diễn / Demo", "at": f"{when:%H:%M:%S}",
            "program": [{"jingle": "open"}, {"bulletin": bulletin}, {"jingle": "close"}],
        })
        click.echo(t("demo.slot", slot=slot.label, when=f"{when:%H:%M:%S}", seconds=delay,
                     bulletin=bulletin))
        service.add_one_off(slot, when)

    if station.settings.web.enabled:
        from broadcaster.commands.web_cmds import demo_admin

        click.echo(demo_admin(station))
    _serve(station, add_demo, demo=True)


@click.command()
def devices() -> None:
    """List the sound outputs PortAudio sees (the station plays on one of them)."""
    from broadcaster.air.player import probe_outputs

    found, why = probe_outputs()
    if not found:
        click.echo(t("devices.none", reason=why))
        return
    for d in found:
        mark = "*" if d["default"] else " "
        click.echo(f"{mark} {d['index']:>3}  {d['name']}  ({d['hostapi']}, {d['channels']} ch,"
                   f" {d['default_samplerate']:.0f} Hz)")


@click.command(name="log")
@click.option("--date", "day", default=None, help="Day YYYY-MM-DD (default: today).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@click.pass_context
def log_cmd(ctx: click.Context, day: str | None, fmt: str) -> None:
    """Show the as-run log: what aired, when, and what became of each slot."""
    from broadcaster.air.asrun import AsRunLog, AsRunRow
    from broadcaster.station import asrun_path  # imports the whole station (see the report)

    station = _open(ctx)
    try:
        when = dt.date.fromisoformat(day) if day else SystemClock(station.tz).now().date()
    except ValueError:
        raise click.BadParameter(t("log.bad_date", value=day), param_hint="--date") from None
    asrun = AsRunLog(asrun_path(station))
    try:
        rows = asrun.rows(day=when)
        marks = asrun.marks(day=when)  # what the watchdog heard (dead air, mount down ...)
    finally:
        asrun.close()
    if fmt == "json":
        click.echo(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        fields = list(AsRunRow.__dataclass_fields__)
        writer.writerow(fields)
        for r in rows:
            writer.writerow([json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
                             for v in r.as_dict().values()])
        click.echo(out.getvalue(), nl=False)
    elif not rows:
        click.echo(t("log.empty", date=when))
    else:
        click.echo(t("log.head", scheduled=t("log.col.scheduled"), started=t("log.col.started"),
                     offset=t("log.col.offset"), outcome=t("log.col.outcome")))
        for r in rows:
            started = r.started[11:23] if r.started else "-"
            offset = f"{r.offset_ms:.0f} ms" if r.offset_ms is not None else "-"
            extra = f"  ({r.reason})" if r.reason else ""
            click.echo(f"{r.scheduled[11:19]:<8}  {started:<12}  {offset:>8}"
                       f"  {label('outcome', r.outcome):<11}  {r.slot_name}{extra}")
    if fmt == "table" and marks:
        click.echo(t("log.marks"))
        for m in marks:
            click.echo(f"  {m.at[11:19]}  {m.kind:<26}  {m.subject}  {m.detail}")
