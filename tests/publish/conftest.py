"""A station with publishing on, its store with bulletins taken in from inbox/, and a publisher
driven by hand on a fake clock (no thread): the same objects the running station wires."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from stationfile import amend

from broadcaster.clock import FakeClock
from broadcaster.config import Station, load_station
from broadcaster.inbox.ingest import Ingester
from broadcaster.inbox.records import BulletinRecord
from broadcaster.inbox.store import BulletinStore, store_path
from broadcaster.ops.alerts import Alerter
from broadcaster.pipeline import Pipeline
from broadcaster.publish.publisher import Publisher

BASE = "https://phuong.example.vn/truyen-thanh/"
DAY = dt.date(2026, 12, 1)

# an official letter as a ward office pastes it: letterhead above, distribution list below
LETTER = """---
title: Tiêm chủng vắc-xin sởi
---
UBND PHƯỜNG KINH MÔN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 12/TB-UBND
Kinh Môn, ngày 28 tháng 11 năm 2026

THÔNG BÁO
Về việc tiêm chủng vắc-xin sởi cho trẻ em

Ủy ban nhân dân phường tổ chức tiêm chủng vắc-xin sởi cho trẻ em từ 1 đến 5 tuổi
vào sáng thứ Bảy tại trạm y tế phường, số 12 đường Lê Lợi.
Đề nghị các gia đình đưa trẻ đến đúng giờ.

Nơi nhận:
- Như trên;
- Lưu VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Nguyễn Văn A
"""

NOTICE = """---
title: Lịch thu gom rác
---
Từ tuần sau, xe thu gom rác qua các tổ dân phố lúc 17 giờ hằng ngày.
"""


@dataclass
class Desk:
    """What a test drives: the station, its store, clock, pipeline, alerter and publisher."""

    station: Station
    store: BulletinStore
    clock: FakeClock
    pipeline: Pipeline
    alerter: Alerter
    publisher: Publisher
    messages: list[str]

    @property
    def public(self) -> Path:
        return self.station.var_dir / "public"

    def drop(self, name: str, text: str) -> BulletinRecord:
        (self.station.inbox_dir / name).write_text(text, encoding="utf-8")
        Ingester(self.station, self.store, self.clock, stable_seconds=0).drain()
        rec = self.store.by_source(name)
        assert rec is not None
        return rec

    def air(self, rec: BulletinRecord, slot: str = "sang") -> None:
        """What the playout's ``on_aired`` does after a slot that carried ``rec`` aired."""
        key = f"{self.clock.now():%Y-%m-%d}/{slot}"
        self.store.record_airing(rec.id, rec.version, key, self.clock.now())


def publish_settings(station_dir: Path, extra: str = "") -> None:
    amend(station_dir / "station.yaml", f"publish:\n  enabled: true\n  base_url: {BASE}\n{extra}")


def make_desk(station_dir: Path) -> Desk:
    station = load_station(station_dir)
    clock = FakeClock(dt.datetime.combine(DAY, dt.time(9, 0), station.tz))
    store = BulletinStore(store_path(station), approval=station.settings.approval, now=clock.now())
    pipeline = Pipeline(station, clock)
    alerter = Alerter(None, clock, min_interval_s=0, title=station.settings.name)
    messages: list[str] = []

    def speech(rec: BulletinRecord) -> Path:
        return rec.speech_path or pipeline.speech(rec.bulletin())

    publisher = Publisher(station, clock, store, speech=speech, alerter=alerter,
                          notify=messages.append)
    return Desk(station, store, clock, pipeline, alerter, publisher, messages)


@pytest.fixture
def desk(station_dir: Path) -> Iterator[Desk]:
    publish_settings(station_dir)
    d = make_desk(station_dir)
    try:
        yield d
    finally:
        d.store.close()


# the web desk served in a thread and Debian's chromium, as the desk's own tests use them

# the social pages' rig (tests/publish/social_rig.py, imported late: it builds on this file)
@pytest.fixture
def servers() -> Iterator[object]:
    from tests.publish.social_rig import fake_servers

    yield from fake_servers()


@pytest.fixture
def rig(station_dir: Path, servers: object) -> Iterator[object]:
    from tests.publish.social_rig import social_rig

    yield from social_rig(station_dir, servers)  # type: ignore[arg-type]
from tests.web.conftest import _quick_hashes, served, web_station_dir  # noqa: E402, F401
from tests.web.test_browser import browser, shots  # noqa: E402, F401
