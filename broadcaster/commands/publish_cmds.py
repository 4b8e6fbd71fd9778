"""Publishing commands: ``published`` (the social posting log)."""

from __future__ import annotations

import json

import click

from broadcaster.config import load_station
from broadcaster.messages import set_language, t


@click.command()
@click.option("--limit", "-n", default=30, show_default=True, type=int,
              help="How many log lines (newest first).")
@click.option("--json", "as_json", is_flag=True, help="Print the log as JSON.")
@click.pass_context
def published(ctx: click.Context, limit: int, as_json: bool) -> None:
    """Show what was posted to the social pages: where, when, the post id or the error."""
    from broadcaster.publish.social.outbox import read_log

    station = load_station(ctx.obj["station_dir"])
    set_language(station.settings.language)
    if limit < 1:
        raise click.BadParameter(t("social.bad_limit", value=limit), param_hint="--limit")
    rows, waiting = read_log(station.var_dir / "db", limit)
    if as_json:
        click.echo(json.dumps({"waiting": waiting, "log": [r.as_dict() for r in rows]},
                              ensure_ascii=False, indent=2))
        return
    social = station.settings.publish.social
    if social.facebook is None and social.zalo is None:
        click.echo(t("social.log.off"))
    if not rows:
        click.echo(t("social.log.empty"))
        return
    click.echo(t("social.log.head"))
    click.echo(t("social.log.columns"))
    for r in rows:
        what = f"{r.bulletin_id} «{r.title}»"
        result = r.post_id or r.detail or ""
        click.echo(f"{r.at[:19].replace('T', ' ')}  {t(f'social.platform.{r.platform}'):<14}"
                   f"  {t(f'social.action.{r.action}'):<16}  {what}  "
                   f"{t(f'social.outcome.{r.outcome}')}  {result}")
    if waiting:
        click.echo(t("web.published.waiting", n=waiting))
