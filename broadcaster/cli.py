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
from broadcaster.commands import COMMANDS, CommandEntry
from broadcaster.errors import BroadcasterError
from broadcaster.messages import t


class LazyGroup(click.Group):
    """A group whose subcommands are imported only when one runs (or its help is shown).

    ``broadcaster --help`` lists them from the static table in ``broadcaster.commands``, so
    neither ``--help`` nor ``--version`` imports a command module (numpy, scipy, the station).
    """

    def __init__(self, *args: object, lazy: dict[str, CommandEntry], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = self.lazy.get(cmd_name)
        if entry is None:
            return super().get_command(ctx, cmd_name)
        module = importlib.import_module(f"broadcaster.commands.{entry.module}")
        command = getattr(module, entry.attr)
        if not isinstance(command, click.Command):
            raise TypeError(f"broadcaster.commands.{entry.module}.{entry.attr} is not a command")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            entry = self.lazy.get(name)
            if entry is not None:
                rows.append((name, click.utils.make_default_short_help(entry.short_help, limit)))
            else:
                cmd = super().get_command(ctx, name)
                if cmd is not None and not cmd.hidden:
                    rows.append((name, cmd.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, lazy=COMMANDS,
             context_settings={"help_option_names": ["-h", "--help"]})
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
