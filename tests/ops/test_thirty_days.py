"""Thirty simulated days on a fake clock with the lead's playout (Playout + SlotScheduler on
FakeJobScheduler) taking bulletins from the bulletin store: every slot aired exactly once or
logged with the reason it was not; each bulletin aired only when approved, inside its window,
up to its repeat count, never after withdrawal, never twice in one slot."""

from __future__ import annotations

import collections
import datetime as dt
from pathlib import Path

import numpy as np
import soundfile as sf

from broadcaster.air.asrun import AsRunLog
from broadcaster.air.player import FakePlayer
from broadcaster.air.playout import Playout
from broadcaster.air.prepare import PreparedProgram
from broadcaster.air.schedule import BulletinsItem, PlannedSlot, Schedule
from broadcaster.air.scheduler import SlotScheduler
from broadcaster.air.select import select_bulletins
from broadcaster.air.simulate import FakeJobScheduler
from broadcaster.clock import FakeClock
from broadcaster.config import Station, load_station
from broadcaster.inbox.ingest import Ingester
from broadcaster.inbox.store import BulletinStore, store_path

WEEK = """
slots:
  - id: sang
    at: "06:00"
    program: [{jingle: open}, {bulletins: {tags: [chung]}}]
  - id: trua
    at: "11:30"
    days: [t2, t3, t4, t5, t6]
    program: [{jingle: open}, {bulletins: {tags: [y-te]}}]
  - id: chieu
    at: "17:00"
    program: [{jingle: open}, {bulletins: {priority: [priority, emergency]}}]
"""


class Sim:
    def __init__(self, station: Station, clock: FakeClock, tmp: Path) -> None:
        self.station, self.clock = station, clock
        self.wav = tmp / "prog.wav"
        sf.write(str(self.wav), np.zeros(48000 * 20, np.float32), 48000)
        self.schedule = Schedule.load(station.schedules_dir, station.tz)
        self.player = FakePlayer(clock)

    def prepare(self, planned: PlannedSlot) -> PreparedProgram:
        picks: list = []
        for item in planned.slot.program:  # the lead's selection rule, as the Preparer uses it
            if isinstance(item, BulletinsItem):
                picks += select_bulletins(self.store.eligible(planned.start), item.bulletins,
                                          planned.slot.id, taken=[p.id for p in picks])
        return PreparedProgram(planned.key, self.wav, "h",
                               ("jingle:open", *(f"bulletin:{r.id}@v{r.version}" for r in picks)),
                               20_000, bulletins=tuple((r.id, r.version) for r in picks))

    def count(self, prepared: PreparedProgram, slot_key: str, when: dt.datetime) -> None:
        """What the station's on_aired hook does: one airing per bulletin carried."""
        for bulletin_id, version in prepared.bulletins:
            self.store.record_airing(bulletin_id, version, slot_key, when)

    def start(self) -> None:
        self.store = BulletinStore(store_path(self.station), approval="required", now=self.clock.now())
        self.ingester = Ingester(self.station, self.store, self.clock)
        self.ingester.recover(force=True)
        self.asrun = AsRunLog(self.station.var("db") / "asrun.sqlite3")
        self.asrun.settle_unfinished(self.clock.now(), "station stopped during airing")
        grace = dt.timedelta(minutes=10)
        playout = Playout(clock=self.clock, player=self.player, asrun=self.asrun,
                          prepare=self.prepare, archive_dir=self.station.var("archive"),
                          grace=grace, archive_format="wav", on_aired=self.count)
        self.jobs = FakeJobScheduler(self.clock)
        self.slots = SlotScheduler(playout, lambda: self.schedule, self.clock, tz=self.station.tz,
                                   preroll=dt.timedelta(minutes=10), grace=grace,
                                   scheduler=self.jobs)
        self.slots.start()

    def stop(self) -> None:
        self.slots.shutdown()
        self.asrun.close()
        self.store.close()

    def at(self, when: dt.datetime) -> None:
        self.jobs.run_until(when)

    def drop(self, name: str, text: str) -> None:
        (self.station.inbox_dir / name).write_text(text, encoding="utf-8")
        self.ingester.drain()

    def approve(self, bid: str) -> None:
        self.store.approve(bid, by="chu-tich", now=self.clock.now())


def test_thirty_days_with_bulletins(station_dir: Path, tmp_path: Path) -> None:
    (station_dir / "schedules" / "week.yaml").write_text(WEEK, encoding="utf-8")
    (station_dir / "schedules" / "2026-12-10.yaml").write_text("no_broadcast: true\n")
    station = load_station(station_dir)
    tz = station.tz

    def d(day: int, h: int, m: int = 0) -> dt.datetime:
        return dt.datetime(2026, 12, day, h, m, tzinfo=tz)

    t0, t1 = d(1, 0, 1), d(31, 0, 1) + dt.timedelta(days=1)
    clock = FakeClock(t0)
    sim = Sim(station, clock, tmp_path)
    sim.start()
    sim.at(d(1, 8))
    sim.drop("tiem-chung.txt", "---\ntags: [y-te]\nrepeat: 3\n---\nTiêm chủng cho trẻ.\n")  # A
    sim.at(d(1, 8, 5))
    sim.approve("tiem-chung")
    sim.at(d(2, 9))
    sim.drop("chua-duyet.txt", "---\ntags: [chung]\n---\nTin chưa được duyệt.\n")  # E
    sim.at(d(3, 9))
    sim.store.reject("chua-duyet", "sai số liệu", now=clock.now())
    sim.at(d(4, 9))
    sim.drop("ve-sinh.txt", "---\ntags: [chung]\nrepeat: 2\n---\nTổng vệ sinh.\n")  # B
    sim.at(d(6, 7))
    sim.approve("ve-sinh")
    sim.at(d(7, 10))
    sim.drop("hop-dan.txt", "---\ntags: [chung]\nrepeat: 10\n---\nHọp dân.\n")  # D
    sim.approve("hop-dan")
    sim.at(d(11, 12))
    (station.inbox_dir / "hop-dan.txt").unlink()  # the editor deletes it: withdrawn
    sim.ingester.poll_once()
    sim.ingester.poll_once()
    sim.at(d(12, 10))
    sim.stop()  # PC off overnight
    clock.set(d(13, 6, 5))  # booted five minutes late
    sim.start()
    sim.at(d(13, 12))
    sim.drop("bao.txt", "---\npriority: priority\nfrom: 2026-12-14\nuntil: 2026-12-16\nrepeat: 20\n"
             "---\nCảnh báo mưa lớn.\n")  # C
    sim.approve("bao")
    sim.at(d(20, 9))
    sim.drop("le-hoi.txt", "---\ntags: [chung]\nrepeat: 2\n---\nLễ hội phường.\n")  # F
    sim.approve("le-hoi")
    sim.at(d(21, 10))
    sim.drop("le-hoi.txt", "---\ntags: [chung]\nrepeat: 2\n---\nLễ hội phường, đổi ngày.\n")
    sim.at(d(22, 8))
    sim.approve("le-hoi")
    sim.at(d(26, 16))
    sim.stop()  # off from 16:00 to 17:30: the 17:00 slot is missed
    clock.set(d(26, 17, 30))
    sim.start()
    sim.at(t1)
    sim.stop()

    rows = AsRunLog(station.var("db") / "asrun.sqlite3").rows()
    keys = [r.slot_key for r in rows]
    assert collections.Counter(keys).most_common(1)[0][1] == 1  # no slot twice
    expected = set()
    day = t0.date()
    while day <= t1.date():
        expected |= {p.key for p in sim.schedule.plan(day) if t0 <= p.start < t1}
        day += dt.timedelta(days=1)
    assert set(keys) == expected and not any(k.startswith("2026-12-10/") for k in keys)
    odd = {r.slot_key: r for r in rows if r.outcome != "aired"}
    assert {k: r.outcome for k, r in odd.items()} == {
        "2026-12-12/chieu": "missed", "2026-12-13/sang": "late", "2026-12-26/chieu": "missed"}
    assert all(r.reason for r in odd.values())

    store = BulletinStore(store_path(station))
    aired = collections.defaultdict(list)
    for bid, version, key, _ in store.airings():
        aired[bid].append((key, version))
    assert aired["tiem-chung"] == [("2026-12-01/trua", 1), ("2026-12-02/trua", 1),
                                   ("2026-12-03/trua", 1)]
    assert store.get("tiem-chung").state == "expired"
    assert aired["ve-sinh"] == [("2026-12-07/sang", 1), ("2026-12-08/sang", 1)]  # after approval
    assert aired["hop-dan"] == [("2026-12-08/sang", 1), ("2026-12-09/sang", 1),
                                ("2026-12-11/sang", 1)]  # withdrawn when its file was deleted
    assert store.get("hop-dan").state == "withdrawn"
    # a priority bulletin goes first in every slot that airs bulletins, inside its window
    assert aired["bao"] == [(f"2026-12-{d}/{s}", 1) for d in (14, 15, 16)
                            for s in ("sang", "trua", "chieu")]
    assert "chua-duyet" not in aired  # never approved
    assert aired["le-hoi"] == [("2026-12-21/sang", 1), ("2026-12-23/sang", 2),
                               ("2026-12-24/sang", 2)]  # v2 waited for its own approval
    store.expire(t1)
    assert store.get("bao").state == "expired"
    # the as-run log names the bulletin versions each slot aired
    by_key = {r.slot_key: r for r in rows}
    assert "bulletin:le-hoi@v2" in by_key["2026-12-23/sang"].items
