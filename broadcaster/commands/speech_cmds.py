"""Speech commands: ``render`` a bulletin file to WAV, list ``engines`` with voices and health."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from broadcaster.config import ENGINES, load_station
from broadcaster.errors import SpeechError
from broadcaster.messages import t
from broadcaster.models import Bulletin


def _read(path: Path) -> Bulletin:
    """The bulletin in ``path`` (.txt or .docx, optional front matter), as the inbox reads it."""
    from broadcaster.inbox.reader import read_bulletin

    return read_bulletin(path)


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", "output", required=True,
              type=click.Path(dir_okay=False, path_type=Path), help="WAV file to write.")
@click.option("--engine", type=click.Choice(ENGINES), default=None,
              help="Speak with this engine only; if it fails, exit 1 with the reason.")
@click.option("--fallback", is_flag=True,
              help="With --engine: if that engine fails, go on down the station's engines.")
@click.option("--voice", default=None, help="Voice name, e.g. vi-VN-NamMinhNeural or vi-vn-x-south.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the speech cache.")
@click.pass_context
def render(ctx: click.Context, file: Path, output: Path, engine: str | None, fallback: bool,
           voice: str | None, no_cache: bool) -> None:
    """Speak a bulletin FILE into a WAV file, with the station's engines and settings.

    Without --engine the station's chain is used (the bulletin's ``engine:`` first). An explicit
    --engine is honoured exactly: that engine or exit 1, unless --fallback is given."""
    from broadcaster.clock import SystemClock
    from broadcaster.pipeline import Pipeline
    from broadcaster.speech import (
        SpeechCache,
        build_engines,
        order_engines,
        render_script,
        voices_for,
    )
    from broadcaster.speech.audio import write_wav_atomic

    station = load_station(ctx.obj["station_dir"])
    speech = station.settings.speech
    bulletin = _read(file)
    only = engine is not None and not fallback
    names: list[str] = [engine] if only and engine else list(speech.engines)
    if engine and engine not in names:
        names.append(engine)  # asked for explicitly: use it even if the station does not
    engines = build_engines(speech.model_copy(update={"engines": tuple(names)}))
    engines = order_engines(engines, engine or bulletin.meta.engine)
    wanted = voice or bulletin.meta.voice
    voices = voices_for(engines, wanted, strict=voice is not None)
    cache = None if no_cache else SpeechCache(station.var("cache", "speech"),
                                              speech.cache_max_mb * 1024 * 1024)
    script = Pipeline(station, SystemClock(station.tz)).script(bulletin)
    if not script.segments:
        raise SpeechError(t("text.empty", path=file), hint=t("text.empty.hint"))

    bar: Any
    with click.progressbar(length=1, label=t("speech.rendering", file=file.name),
                           file=click.get_text_stream("stderr")) as bar:
        state = {"done": 0}

        def progress(done: int, total: int) -> None:
            if bar.length != total or done < state["done"]:  # a new engine started over
                bar.length, bar.pos, state["done"] = total, 0, 0
            bar.update(done - state["done"])
            state["done"] = done

        try:
            clip = render_script(script, engines, pauses=speech.pauses_ms, rate=speech.rate,
                                 voices=voices, cache=cache, progress=progress)
        except SpeechError as exc:
            if not only:
                raise
            reason = exc.message.removeprefix("every speech engine failed: ")
            reason = reason.removeprefix(f"{engine}: ")
            raise SpeechError(t("speech.engine_failed", engine=engine, reason=reason),
                              hint=t("speech.engine_failed.hint")) from exc
    write_wav_atomic(output, clip.samples, clip.sample_rate)
    if clip.note:
        click.echo(t("speech.fallback", engine=clip.engine, note=clip.note), err=True)
    click.echo(t("speech.rendered", path=output, seconds=f"{clip.duration_ms / 1000:.1f}",
                 engine=clip.engine, voice=clip.voice))


@click.command()
@click.option("--probe/--no-probe", default=True, help="Check that online endpoints answer.")
@click.pass_context
def engines(ctx: click.Context, probe: bool) -> None:
    """List speech engines in the station's order, their voices and health."""
    from broadcaster.speech import build_engine

    station = load_station(ctx.obj["station_dir"])
    speech = station.settings.speech
    order = list(speech.engines) + [n for n in ENGINES if n not in speech.engines]
    for position, name in enumerate(order, 1):
        engine = build_engine(name, speech)
        h = engine.health(probe=probe)
        used = position <= len(speech.engines)
        rank = str(position) if used else "-"
        if h.reachable is None:
            reach = t("engines.local")
        else:
            reach = t("engines.reachable") if h.reachable else t("engines.unreachable")
        default = engine.default_voice(speech.rate).name
        click.echo(f"{rank:>2}  {name:<7} {t('engines.ok') if h.available else t('engines.missing')}"
                   f"  {reach}  breaker={h.breaker}")
        click.echo(f"    {t('engines.voices')}: " + ", ".join(
            f"{v}*" if v == default else v for v in h.voices))
        if h.last_error:
            click.echo(f"    {t('engines.last_error')}: {h.last_error}")
