"""The monthly report's figures as bar charts the page draws as inline SVG (no script): every
number comes from ``ops.report.build_report``, the same as ``broadcaster report``; a day's
figures are the report of that day's rows."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from broadcaster.air.asrun import AsRunRow
from broadcaster.inbox.store import BulletinRecord
from broadcaster.ops.report import MonthReport, build_report

WIDTH, HEIGHT, AXIS, TOP = 720, 190, 24, 16  # the SVG's own units (it scales to the page)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    w: float
    h: float
    shown: str  # the value as printed on the bar


@dataclass(frozen=True)
class Chart:
    title_key: str
    bars: tuple[Bar, ...]
    peak: float
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def total(self) -> float:
        return sum(b.value for b in self.bars)


@dataclass(frozen=True)
class MonthFigures:
    report: MonthReport
    airings_per_day: dict[str, int]     # YYYY-MM-DD -> slots aired (aired, late, emergency)
    minutes_per_day: dict[str, float]   # YYYY-MM-DD -> minutes on air
    bulletins_by_tag: dict[str, int]    # tag -> airings of bulletins with that tag
    charts: tuple[Chart, ...]


def _days(month: str) -> list[str]:
    year, mon = (int(x) for x in month.split("-"))
    return [dt.date(year, mon, d).isoformat() for d in range(1, calendar.monthrange(year, mon)[1] + 1)]


def figures(rep: MonthReport, rows: list[AsRunRow], recs: dict[str, BulletinRecord],
            untagged: str = "-") -> MonthFigures:
    """The charts' numbers for ``rep`` (built from ``rows``): per day, the report of that day."""
    by_day: dict[str, list[AsRunRow]] = defaultdict(list)
    for r in rows:
        by_day[r.scheduled[:10]].append(r)
    airings: dict[str, int] = {}
    minutes: dict[str, float] = {}
    for day in _days(rep.month):
        one = build_report(rep.month, rep.station, by_day.get(day, []), [], {})
        airings[day] = sum(s.aired for s in one.slots)
        minutes[day] = one.total_airtime_s / 60
    tags: dict[str, int] = defaultdict(int)
    for b in rep.bulletins:
        rec = recs.get(b.id)
        for tag in (rec.tags if rec and rec.tags else (untagged,)):
            tags[tag] += b.airings
    by_tag = dict(sorted(tags.items(), key=lambda kv: (-kv[1], kv[0])))
    charts = (bars("web.report.airings_per_day", {d[8:]: v for d, v in airings.items()}, "{:.0f}"),
              bars("web.report.minutes_per_day", {d[8:]: v for d, v in minutes.items()}, "{:.0f}"),
              bars("web.report.by_tag", dict(by_tag), "{:.0f}"))
    return MonthFigures(rep, airings, minutes, by_tag, charts)


def bars(title_key: str, values: dict[str, float], fmt: str) -> Chart:
    """Bars of ``values`` laid out in a WIDTH x HEIGHT box, the axis labels below."""
    peak = max(values.values(), default=0.0)
    n = max(len(values), 1)
    step = WIDTH / n
    room = HEIGHT - AXIS - TOP
    out = []
    for i, (name, value) in enumerate(values.items()):
        h = room * value / peak if peak > 0 else 0.0
        out.append(Bar(name, value, round(i * step + step * 0.1, 2), round(TOP + room - h, 2),
                       round(step * 0.8, 2), round(h, 2), fmt.format(value)))
    return Chart(title_key, tuple(out), peak)
