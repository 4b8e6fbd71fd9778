"""Station-level commands: init, run, demo, devices, log, check."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import click

from broadcaster.config import STATION_FILE
from broadcaster.errors import ConfigError
from broadcaster.messages import t
from broadcaster.program.jingles import write_chimes


@click.command()
@click.argument("directory", type=click.Path(file_okay=False))
def init(directory: str) -> None:
    """Create a new station folder (station.yaml, schedules/, audio/, inbox/)."""
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
