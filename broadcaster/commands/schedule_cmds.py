"""Schedule commands: validate, program."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from broadcaster.clock import SystemClock
from broadcaster.config import load_station
from broadcaster.durable import copy_file
from broadcaster.errors import ScheduleError
from broadcaster.messages import set_language, t
from broadcaster.yamlpos import did_you_mean


@click.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def validate(ctx: click.Context, files: tuple[Path, ...]) -> int:
    """Check schedule files (default: all in schedules/); exit 0 if valid, 1 if not."""
    from broadcaster.air.schedules import ScheduleBook

    station = load_station(ctx.obj["station_dir"])
    set_language(station.settings.language)
    book = ScheduleBook.open(station)  # a dated file is judged against the week that airs
    paths = list(files) or sorted(station.schedules_dir.glob("*.yaml"))
    bad = 0
    for path in paths:
        problems = book.check(path)
        if problems:
            bad += 1
            for problem in problems:
                click.echo(problem)
        else:
            click.echo(t("validate.ok", path=path))
    return 1 if bad else 0


@click.command()
@click.argument("slot")
@click.option("--date", "day", default=None, help="Day YYYY-MM-DD (default: today).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the program here (WAV at the station rate).")
@click.option("--json", "as_json", is_flag=True, help="Print the rundown as JSON.")
@click.pass_context
def program(ctx: click.Context, slot: str, day: str | None, output: Path | None,
            as_json: bool) -> None:
    """Build SLOT's program from the schedule and print its rundown."""
    from broadcaster.air.prepare import Preparer
    from broadcaster.air.schedules import ScheduleBook
    from broadcaster.inbox.store import BulletinStore, store_path
    from broadcaster.pipeline import Pipeline

    station = load_station(ctx.obj["station_dir"])
    set_language(station.settings.language)
    try:
        when = dt.date.fromisoformat(day) if day else SystemClock(station.tz).now().date()
    except ValueError:
        raise click.BadParameter(t("log.bad_date", value=day), param_hint="--date") from None
    schedule = ScheduleBook.open(station).schedule()
    planned = {p.slot.id: p for p in schedule.plan(when)}
    if slot not in planned:
        guess = did_you_mean(slot, planned)
        hint = t("v.did_you_mean", guess=guess) if guess else ", ".join(planned) or "-"
        raise ScheduleError(t("program.no_slot", slot=slot, date=when), hint=hint)
    store_file = store_path(station)
    store = (BulletinStore(store_file, approval=station.settings.approval,
                           now=SystemClock(station.tz).now()) if store_file.exists() else None)
    try:
        pipeline = Pipeline(station, SystemClock(station.tz))
        prepared = Preparer(station, pipeline, store).prepare(planned[slot])
    finally:
        if store is not None:
            store.close()
    info = json.loads(prepared.wav.with_suffix(".json").read_text(encoding="utf-8"))
    if output is not None:
        copy_file(prepared.wav, output)
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False, indent=2))
        return
    click.echo(f"{'start':>8}  {'length':>7}  {'kind':<9} {'LUFS':>6} {'dBTP':>6}  item")
    for e in info["rundown"]:
        lufs = f"{e['loudness_lufs']:.1f}" if e.get("loudness_lufs") is not None else "-"
        peak = f"{e['true_peak_dbtp']:.1f}" if e.get("true_peak_dbtp") is not None else "-"
        flags = f"  [{', '.join(e['flags'])}: {e.get('detail', '')}]" if e.get("flags") else ""
        click.echo(f"{_mmss(e['offset_ms']):>8}  {_mmss(e['duration_ms']):>7}  {e['kind']:<9}"
                   f" {lufs:>6} {peak:>6}  {e['label']}{flags}")
    click.echo(t("program.total", duration=_mmss(info["duration_ms"]),
                 lufs=f"{info['loudness_lufs']:.1f}" if info.get("loudness_lufs") is not None else "-",
                 peak=f"{info['true_peak_dbtp']:.1f}" if info.get("true_peak_dbtp") is not None else "-"))
    for warning in info.get("warnings", []):
        click.echo(f"! {warning}")
    if output is not None:
        click.echo(t("program.written", path=output))


def _mmss(ms: float) -> str:
    s = int(ms) // 1000
    return f"{s // 60}:{s % 60:02d}.{int(ms) % 1000 // 100}"
