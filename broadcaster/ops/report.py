"""Monthly report for the ward: airings per slot and per bulletin, emergencies, late and
missed slots, total airtime; as CSV or a self-contained HTML page."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field

from broadcaster.air.asrun import AsRunRow
from broadcaster.inbox.store import BulletinRecord
from broadcaster.messages import label, language, t
from broadcaster.models import DEMO_PREFIX

AIRED = ("aired", "late", "emergency")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def valid_month(value: str) -> bool:
    return bool(_MONTH.match(value))


@dataclass
class SlotLine:
    slot_id: str
    name: str
    planned: int = 0
    aired: int = 0
    late: int = 0
    missed: int = 0
    failed: int = 0
    interrupted: int = 0
    airtime_s: float = 0.0


@dataclass
class BulletinLine:
    id: str
    title: str
    airings: int
    versions: str
    slots: str


@dataclass
class MonthReport:
    month: str
    station: str
    slots: list[SlotLine] = field(default_factory=list)
    bulletins: list[BulletinLine] = field(default_factory=list)
    emergencies: list[AsRunRow] = field(default_factory=list)
    problems: list[AsRunRow] = field(default_factory=list)  # late, missed, failed, interrupted
    total_airtime_s: float = 0.0


def _seconds(row: AsRunRow) -> float:
    if not row.started or not row.ended:
        return 0.0
    return max(0.0, (dt.datetime.fromisoformat(row.ended)
                     - dt.datetime.fromisoformat(row.started)).total_seconds())


def build_report(month: str, station: str, rows: list[AsRunRow],
                 airings: list[tuple[str, int, str, str]],
                 bulletins: dict[str, BulletinRecord]) -> MonthReport:
    """Pure: as-run rows and bulletin airings of ``month`` -> the report. Demo airings
    (``broadcaster demo``) are left out: they are not the ward's broadcasts."""
    rep = MonthReport(month, station)
    rows = [r for r in rows if not r.slot_id.startswith(DEMO_PREFIX)]
    airings = [a for a in airings if not a[2].split("/", 1)[-1].startswith(DEMO_PREFIX)]
    by_slot: dict[str, SlotLine] = {}
    for r in rows:
        line = by_slot.setdefault(r.slot_id, SlotLine(r.slot_id, r.slot_name or r.slot_id))
        line.planned += 1
        if r.outcome in ("aired", "emergency"):
            line.aired += 1
        elif r.outcome == "late":
            line.aired += 1
            line.late += 1
        elif r.outcome in ("missed", "failed", "interrupted"):
            setattr(line, r.outcome, getattr(line, r.outcome) + 1)
        secs = _seconds(r) if r.outcome in AIRED + ("interrupted",) else 0.0
        line.airtime_s += secs
        rep.total_airtime_s += secs
        if r.outcome == "emergency" or r.slot_id.startswith("emergency"):
            rep.emergencies.append(r)
        if r.outcome in ("late", "missed", "failed", "interrupted"):
            rep.problems.append(r)
    rep.slots = sorted(by_slot.values(), key=lambda s: s.slot_id)
    per: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for bid, version, slot_key, _at in airings:
        per[bid].append((version, slot_key))
    for bid, items in sorted(per.items()):
        rec = bulletins.get(bid)
        versions = ", ".join(f"v{v}" for v in sorted({v for v, _ in items}))
        slots = ", ".join(sorted({k.split("/", 1)[-1] for _, k in items}))
        rep.bulletins.append(BulletinLine(bid, rec.title if rec else bid, len(items), versions,
                                          slots))
    return rep


def _hms(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def to_csv(rep: MonthReport) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["report", "station", "month", "total_airtime", "total_airtime_s"])
    w.writerow(["summary", rep.station, rep.month, _hms(rep.total_airtime_s),
                f"{rep.total_airtime_s:.0f}"])
    w.writerow([])
    w.writerow(["section", "slot_id", "slot", "planned", "aired", "late", "missed", "failed",
                "interrupted", "airtime", "airtime_s"])
    for s in rep.slots:
        w.writerow(["slot", s.slot_id, s.name, s.planned, s.aired, s.late, s.missed, s.failed,
                    s.interrupted, _hms(s.airtime_s), f"{s.airtime_s:.0f}"])
    w.writerow([])
    w.writerow(["section", "bulletin_id", "title", "airings", "versions", "slots"])
    for b in rep.bulletins:
        w.writerow(["bulletin", b.id, b.title, b.airings, b.versions, b.slots])
    w.writerow([])
    w.writerow(["section", "scheduled", "slot", "outcome", "started", "reason"])
    for r in rep.emergencies:
        w.writerow(["emergency", r.scheduled, r.slot_name, r.outcome, r.started or "", r.reason])
    for r in rep.problems:
        w.writerow(["problem", r.scheduled, r.slot_name, r.outcome, r.started or "", r.reason])
    return out.getvalue()


def to_html(rep: MonthReport) -> str:
    """A self-contained page in the station's language."""
    e = html.escape

    def table(head_key: str, rows: list[list[object]]) -> str:
        th = "".join(f"<th>{e(h)}</th>" for h in t(head_key).split("|"))
        body = "".join("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in r) + "</tr>" for r in rows)
        return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"

    def rows_of(found: list[AsRunRow]) -> list[list[object]]:
        return [[r.scheduled[:16].replace("T", " "), r.slot_name, label("outcome", r.outcome),
                 (r.started or "")[11:19], r.reason] for r in found]

    title = t("report.title", month=rep.month)
    parts = [
        f"<!DOCTYPE html><html lang=\"{language()}\"><head><meta charset=\"utf-8\">",
        f"<title>{e(title)} — {e(rep.station)}</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;"
        "margin-bottom:2em}td,th{border:1px solid #999;padding:4px 8px;text-align:left}"
        "th{background:#eee}</style></head><body>",
        f"<h1>{e(title)}</h1><p>{e(rep.station)}</p>",
        f"<p>{e(t('report.total'))}: <b>{_hms(rep.total_airtime_s)}</b></p>",
        f"<h2>{e(t('report.per_slot'))}</h2>",
        table("report.slot_cols",
              [[s.slot_id, s.name, s.planned, s.aired, s.late, s.missed, s.failed,
                s.interrupted, _hms(s.airtime_s)] for s in rep.slots]),
        f"<h2>{e(t('report.per_bulletin'))}</h2>",
        table("report.bulletin_cols",
              [[b.id, b.title, b.airings, b.versions, b.slots] for b in rep.bulletins]),
        f"<h2>{e(t('report.emergencies'))}</h2>",
        table("report.row_cols", rows_of(rep.emergencies)),
        f"<h2>{e(t('report.problems'))}</h2>",
        table("report.row_cols", rows_of(rep.problems)),
        "</body></html>",
    ]
    return "\n".join(parts)
