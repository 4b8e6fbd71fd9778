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
    """Pure: as-run rows and bulletin airings of ``month`` -> the report."""
    rep = MonthReport(month, station)
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
    e = html.escape

    def table(head: list[str], rows: list[list[object]]) -> str:
        th = "".join(f"<th>{e(h)}</th>" for h in head)
        body = "".join("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in r) + "</tr>" for r in rows)
        return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"

    parts = [
        "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\">",
        f"<title>Báo cáo phát thanh {e(rep.month)} — {e(rep.station)}</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;"
        "margin-bottom:2em}td,th{border:1px solid #999;padding:4px 8px;text-align:left}"
        "th{background:#eee}</style></head><body>",
        f"<h1>Báo cáo phát thanh tháng {e(rep.month)}</h1><p>{e(rep.station)}</p>",
        f"<p>Tổng thời lượng phát / total airtime: <b>{_hms(rep.total_airtime_s)}</b></p>",
        "<h2>Theo buổi phát / per slot</h2>",
        table(["slot", "tên", "kế hoạch", "đã phát", "trễ", "bỏ lỡ", "lỗi", "bị ngắt",
               "thời lượng"],
              [[s.slot_id, s.name, s.planned, s.aired, s.late, s.missed, s.failed,
                s.interrupted, _hms(s.airtime_s)] for s in rep.slots]),
        "<h2>Theo bản tin / per bulletin</h2>",
        table(["mã", "tiêu đề", "số lần phát", "phiên bản", "buổi"],
              [[b.id, b.title, b.airings, b.versions, b.slots] for b in rep.bulletins]),
        "<h2>Khẩn cấp / emergencies</h2>",
        table(["lịch", "buổi", "kết quả", "bắt đầu", "ghi chú"],
              [[r.scheduled, r.slot_name, r.outcome, r.started or "", r.reason]
               for r in rep.emergencies]),
        "<h2>Trễ, bỏ lỡ, lỗi / late, missed, failed</h2>",
        table(["lịch", "buổi", "kết quả", "bắt đầu", "lý do"],
              [[r.scheduled, r.slot_name, r.outcome, r.started or "", r.reason]
               for r in rep.problems]),
        "</body></html>",
    ]
    return "\n".join(parts)
