"""Operator commands for unattended running: doctor (health checks), report (monthly)."""

from __future__ import annotations

import click

from broadcaster.clock import SystemClock
from broadcaster.config import load_station
from broadcaster.errors import BroadcasterError
from broadcaster.messages import set_language, t


@click.command()
@click.option("--no-device", is_flag=True, help="Skip the sound device check.")
@click.option("--no-engines", is_flag=True, help="Skip the speech engine checks (no network).")
@click.pass_context
def doctor(ctx: click.Context, no_device: bool, no_engines: bool) -> int:
    """Check device, speech engines, disk, clock, schedule, inbox; a verdict per check."""
    from broadcaster.ops.doctor import FAIL, OK, WARN, run_checks

    station = load_station(ctx.obj["station_dir"])
    set_language(station.settings.language)
    checks = run_checks(station, SystemClock(station.tz), device=not no_device,
                        engines=not no_engines)
    label = {OK: t("doctor.ok"), WARN: t("doctor.warn"), FAIL: t("doctor.fail")}
    for c in checks:
        click.echo(f"[{label[c.verdict]:^9}] {c.name:<18} {c.detail}")
    counts = {v: sum(1 for c in checks if c.verdict == v) for v in (OK, WARN, FAIL)}
    click.echo(t("doctor.summary", ok=counts[OK], warn=counts[WARN], fail=counts[FAIL]))
    return 1 if counts[FAIL] else 0


@click.command()
@click.option("--month", required=True, help="Month YYYY-MM.")
@click.option("--format", "fmt", type=click.Choice(["csv", "html"]), default="csv",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write to this file instead of the screen.")
@click.pass_context
def report(ctx: click.Context, month: str, fmt: str, output: str | None) -> None:
    """Monthly report: airings per slot and bulletin, emergencies, late/missed, airtime."""
    from broadcaster.air.asrun import AsRunLog
    from broadcaster.inbox.store import BulletinStore, store_path
    from broadcaster.ops.report import build_report, to_csv, to_html, valid_month

    station = load_station(ctx.obj["station_dir"])
    set_language(station.settings.language)
    if not valid_month(month):
        raise BroadcasterError(t("report.bad_month", value=month))
    asrun = AsRunLog(station.var("db") / "asrun.sqlite3")
    store = BulletinStore(store_path(station))
    try:
        rows = asrun.rows(month=month)
        airings = store.airings(month=month)
        recs = {r.id: r for r in store.all()}
    finally:
        asrun.close()
        store.close()
    rep = build_report(month, station.settings.name, rows, airings, recs)
    text = to_csv(rep) if fmt == "csv" else to_html(rep)
    if output:
        from pathlib import Path

        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
