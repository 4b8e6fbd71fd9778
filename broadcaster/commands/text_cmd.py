"""``broadcaster text FILE|-``: print the spoken script (one sentence per line) or, with
``--explain``, every change the text stage makes, for an editor to review before air."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from broadcaster import STATION_FILE
from broadcaster.errors import InboxError, TextError
from broadcaster.inbox import frontmatter
from broadcaster.inbox.reader import MAX_BYTES, decode_bytes, is_audio, read_bulletin
from broadcaster.messages import t

if TYPE_CHECKING:
    from broadcaster.config import Station
    from broadcaster.pipeline import Pipeline
    from broadcaster.text.reading import Reading

SNAPSHOT = ("var", "cache", "reading.json")


def _station(root: Path) -> Station:
    """The station in ``root``, or the shipped defaults outside a station folder."""
    from broadcaster.config import Station, load_station, parse_settings

    if (root / STATION_FILE).is_file():
        return load_station(root)
    return Station(root.resolve(), parse_settings("", "<defaults>"))


def _pipeline(root: Path) -> Pipeline:
    from broadcaster.clock import SystemClock
    from broadcaster.pipeline import Pipeline

    station = _station(root)
    return Pipeline(station, SystemClock(station.tz))


def _reading(root: Path) -> Reading:
    """The reading that airs. Settings unchanged since they were last validated are taken from
    the snapshot (``text/reading.py``): validating them again is most of the start-up time."""
    from broadcaster.text.reading import Reading, ReadingSettings

    config, snapshot = root / STATION_FILE, root.joinpath(*SNAPSHOT)
    if config.is_file():
        cached = ReadingSettings.cached(snapshot, config)
        if cached is not None:
            return Reading(cached)
    reading = _pipeline(root).reading
    if config.is_file():
        reading.settings.save(snapshot, config)
    return reading


def _out(line: str) -> None:
    sys.stdout.buffer.write((line + "\n").encode("utf-8"))


def _recording(root: Path, path: Path) -> bool:
    """A recording (by its first bytes, whatever its name): say so and its length."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False  # read_bulletin says what is wrong with the path
    if not is_audio(head):
        return False
    pipeline = _pipeline(root)
    ms = pipeline.recording_ms(path)
    _out(t("text.recording", path=path, duration=f"{ms // 60_000}:{ms / 1000 % 60:04.1f}",
           lufs=pipeline.settings.program.loudness_lufs))
    return True


@click.command("text")
@click.argument("source", type=str)
@click.option("--explain", is_flag=True, help="Show each change: rule, original -> spoken.")
@click.option("--plan", "show_plan", is_flag=True, help="Print the pipeline's steps and exit.")
@click.option("--dialect", type=click.Choice(["north", "south"]), default=None,
              help="Number words: north (linh, nghìn) or south (lẻ, ngàn); default: station setting.")
@click.option("--headings", type=click.Choice(["read", "drop"]), default=None,
              help="Read heading numbers (I., 1.1.) or drop them; default: station setting.")
@click.option("--max-chars", type=click.IntRange(8, 5000), default=None,
              help="Cut long sentences into clauses of at most this many characters.")
@click.pass_context
def text(ctx: click.Context, source: str, explain: bool, show_plan: bool, dialect: str | None,
         headings: str | None, max_chars: int | None) -> None:
    """Print the spoken script of FILE (or - for standard input), one sentence per line."""
    from broadcaster import text as textstage

    root = Path((ctx.obj or {}).get("station_dir", "."))
    reading = _reading(root)  # the reading that airs
    if show_plan:
        lexicon, _digest = reading.lexicon()
        for i, (name, doc) in enumerate(textstage.plan(dialect or reading.settings.dialect,
                                                       lexicon), 1):
            _out(f"{i:2}. {name}: {doc.splitlines()[0] if doc else ''}")
        return
    if source == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise InboxError(t("text.unreadable", path="<stdin>", reason=t(
                "text.too_large", size=">" + str(MAX_BYTES // 2**20), limit=MAX_BYTES // 2**20)),
                hint=t("text.unreadable.hint"))
        body = decode_bytes(data, "<stdin>").replace("\r\n", "\n")
        fm, body, _ = frontmatter.split(body, "<stdin>")
        if fm is not None:
            frontmatter.parse(fm, "<stdin>")
        name = "<stdin>"
    else:
        path = Path(source)
        if _recording(root, path):
            return
        bulletin = read_bulletin(path)
        body, name = bulletin.body, str(path)
    if explain:
        for change in reading.explain(body, dialect=dialect, headings=headings,
                                       max_chars=max_chars):
            spoken = change.spoken or t("text.dropped")
            _out(f"{change.rule}: {change.original} -> {spoken}")
        return
    script = reading.script(body, dialect=dialect, headings=headings, max_chars=max_chars)
    if not script.segments:
        raise TextError(t("text.empty", path=name), where=name, hint=t("text.empty.hint"))
    for line in script.lines():
        _out(line)
