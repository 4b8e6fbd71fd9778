"""Editors' workflow commands: bulletins (list), approve, reject, withdraw."""

from __future__ import annotations

import datetime as dt
import getpass
import json

import click

from broadcaster.clock import SystemClock
from broadcaster.config import Station, load_station
from broadcaster.inbox.store import BulletinRecord, BulletinStore, store_path
from broadcaster.messages import set_language, t


def _open(ctx: click.Context) -> tuple[Station, BulletinStore]:
    station = load_station(ctx.obj["station_dir"])
    set_language(station.settings.language)
    return station, BulletinStore(store_path(station), approval=station.settings.approval, now=SystemClock(station.tz).now())


def _who(by: str | None) -> str:
    if by:
        return by
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "approver"


@click.command()
@click.argument("bulletin_id")
@click.option("--by", default=None, help="Name of the approver (default: the login name).")
@click.option("--hash", "content_hash", default=None,
              help="Approve only if the content still has this sha256 (as listed).")
@click.option("--version", "version", type=int, default=None,
              help="Approve only if this is still the current version (ID@vN works too).")
@click.pass_context
def approve(ctx: click.Context, bulletin_id: str, by: str | None, content_hash: str | None,
            version: int | None) -> None:
    """Approve a bulletin for air (pinned to its current content)."""
    if "@v" in bulletin_id and bulletin_id.rsplit("@v", 1)[1].isdigit():
        bulletin_id, number = bulletin_id.rsplit("@v", 1)
        version = version or int(number)
    station, store = _open(ctx)
    try:
        rec = store.approve(bulletin_id, by=_who(by), now=SystemClock(station.tz).now(),
                            content_hash=_full_hash(store, bulletin_id, content_hash),
                            version=version)
    finally:
        store.close()
    click.echo(t("store.approved", id=rec.id, version=rec.version, title=rec.title))


def _full_hash(store: BulletinStore, bulletin_id: str, prefix: str | None) -> str | None:
    if not prefix:
        return None
    rec = store.require(bulletin_id)
    return rec.content_hash if rec.content_hash.startswith(prefix.lower()) else prefix


@click.command()
@click.argument("bulletin_id")
@click.option("--reason", required=True, help="Why it may not air (shown to the editors).")
@click.option("--by", default=None, help="Name of the approver (default: the login name).")
@click.pass_context
def reject(ctx: click.Context, bulletin_id: str, reason: str, by: str | None) -> None:
    """Refuse a bulletin; it never airs (the editor may drop a corrected file)."""
    station, store = _open(ctx)
    try:
        rec = store.reject(bulletin_id, reason, by=_who(by), now=SystemClock(station.tz).now())
    finally:
        store.close()
    click.echo(t("store.rejected", id=rec.id, reason=rec.reason))


@click.command()
@click.argument("bulletin_id")
@click.option("--reason", required=True, help="Why it is taken off air.")
@click.pass_context
def withdraw(ctx: click.Context, bulletin_id: str, reason: str) -> None:
    """Take a bulletin off air before its next airing."""
    station, store = _open(ctx)
    try:
        rec = store.withdraw(bulletin_id, reason, now=SystemClock(station.tz).now())
    finally:
        store.close()
    click.echo(t("store.withdrawn", id=rec.id, reason=rec.reason))


def _rows(station: Station, store: BulletinStore, show_all: bool) -> list[dict[str, object]]:
    from broadcaster.air.schedules import ScheduleBook
    from broadcaster.ops.upcoming import promises

    now = SystemClock(station.tz).now()
    schedule = ScheduleBook.open(station).schedule()  # one bad file never blinds the list
    out = []
    recs: list[BulletinRecord] = store.all() if show_all else [
        r for r in store.all() if r.state not in ("expired", "withdrawn")
        or (r.updated_at and now - r.updated_at < dt.timedelta(days=7))]
    settle = dt.timedelta(seconds=station.settings.playout.settle_seconds)
    promised = promises(recs, schedule, now, store.eligible, settle=settle) if schedule else {}
    for rec in recs:
        planned = promised.get(rec.id)
        d = rec.as_dict()
        d["next_airing"] = f"{planned.start:%Y-%m-%d %H:%M} {planned.slot.id}" if planned else None
        for key in ("approved_hash", "approved_by", "approved_at"):
            d.pop(key, None)
        d["approval"] = _approval(rec, store.approval == "required")
        out.append(d)
    return out


def _approval(rec: BulletinRecord, required: bool) -> dict[str, object]:
    """One approval field: whether the current content is approved, by whom, when."""
    by_person = rec.approved  # pinned to this exact content
    return {"required": required, "approved": by_person or not required,
            "by": rec.approved_by if by_person else "",
            "at": rec.approved_at.isoformat() if by_person and rec.approved_at else None,
            "content_hash": rec.content_hash}


@click.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.option("--all", "show_all", is_flag=True, help="Also long-expired and withdrawn ones.")
@click.pass_context
def bulletins(ctx: click.Context, fmt: str, show_all: bool) -> None:
    """List bulletins: source file, state, air window, times aired, next airing, reasons."""
    station, store = _open(ctx)
    try:
        rows = _rows(station, store, show_all)
    finally:
        store.close()
    if fmt == "json":
        for r in rows:
            r.pop("script_text", None)
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(t("store.none"))
        return

    def short(v: object) -> str:
        return str(v)[:16].replace("T", " ") if v else "-"

    head = f"{'id':<28} {'v':>2} {'state':<17} {'prio':<9} {'aired':>5} {'from':<16} {'until':<16} {'next airing':<23} source / reason"
    click.echo(head)
    for r in rows:
        state = str(r["state"])
        aired = f"{r['times_aired']}/{r['repeat']}"
        extra = f"  ({r['reason']})" if r["reason"] else ""
        click.echo(f"{str(r['id'])[:28]:<28} {r['version']:>2} {state:<17} {str(r['priority']):<9}"
                   f" {aired:>5} {short(r['air_from']):<16} {short(r['air_until']):<16}"
                   f" {str(r['next_airing'] or '-'):<23} {r['source']}{extra}")
