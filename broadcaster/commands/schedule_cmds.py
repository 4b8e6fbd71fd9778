"""Schedule commands: validate."""

from __future__ import annotations

from pathlib import Path

import click

from broadcaster.air.validate import validate_file
from broadcaster.config import load_station
from broadcaster.messages import set_language, t


@click.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def validate(ctx: click.Context, files: tuple[Path, ...]) -> int:
    """Check schedule files (default: all in schedules/); exit 0 if valid, 1 if not."""
    station = load_station(ctx.obj["station_dir"])
    set_language(station.settings.language)
    paths = list(files) or sorted(station.schedules_dir.glob("*.yaml"))
    bad = 0
    for path in paths:
        problems = validate_file(path, station)
        if problems:
            bad += 1
            for problem in problems:
                click.echo(problem)
        else:
            click.echo(t("validate.ok", path=path))
    return 1 if bad else 0
