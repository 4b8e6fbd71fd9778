"""Command line: the only place that turns exceptions into exit codes.

Exit codes: 0 success, 1 bad input or failed operation (clear message), 2 usage error.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys

import click

from broadcaster import __version__
from broadcaster.errors import BroadcasterError
from broadcaster.messages import t


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="broadcaster")
@click.option("--station", "-s", "station_dir", default=lambda: os.environ.get("BROADCASTER_STATION", "."),
              show_default="current folder", type=click.Path(file_okay=False),
              help="Station folder (holds station.yaml).")
@click.option("--verbose", "-v", count=True, help="More log detail (-vv for debug).")
@click.pass_context
def cli(ctx: click.Context, station_dir: str, verbose: int) -> None:
    """broadcaster: unattended Vietnamese ward/commune loudspeaker radio station.

    Phần mềm tự động hóa đài truyền thanh phường/xã.
    """
    ctx.ensure_object(dict)
    ctx.obj["station_dir"] = station_dir
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(level=max(level, logging.DEBUG),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _register() -> None:
    from broadcaster.commands import COMMANDS

    for module_name, attr in COMMANDS:
        module = importlib.import_module(f"broadcaster.commands.{module_name}")
        cli.add_command(getattr(module, attr))


_register()


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code."""
    try:
        rv = cli.main(args=argv, prog_name="broadcaster", standalone_mode=False)
    except click.UsageError as exc:
        exc.show()
        return 2
    except click.Abort:
        click.echo(t("cli.interrupted"), err=True)
        return 130
    except KeyboardInterrupt:
        click.echo(t("cli.interrupted"), err=True)
        return 130
    except BroadcasterError as exc:
        click.echo(t("cli.error", error=exc), err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return 1
    except OSError as exc:
        click.echo(t("cli.error", error=exc), err=True)
        return 1
    return rv if isinstance(rv, int) else 0


if __name__ == "__main__":
    sys.exit(main())
