"""Issue 11 point 8: ``broadcaster init`` creates a usable example week: a morning and an
evening slot that validate and air the station's chimes and the inbox bulletins, and a commented
example day file that validates once copied to a date."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path

import pytest
from running_station import Running
from stationfile import amend

from broadcaster.air.schedules import ScheduleBook
from broadcaster.cli import main
from broadcaster.clock import SystemClock
from broadcaster.config import load_station


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROADCASTER_LANG", "en")


def test_init_creates_a_week_that_validates_and_airs_chimes_and_inbox_bulletins(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "dai-moi"
    assert main(["init", str(root)]) == 0
    amend(root / "station.yaml", "\nspeech:\n  engines: [espeak]\n")  # no internet in tests
    assert main(["--station", str(root), "validate"]) == 0
    assert "valid" in capsys.readouterr().out
    station = load_station(root)
    book = ScheduleBook.open(station)
    assert book.invalid() == []
    tomorrow = SystemClock(station.tz).now().date() + dt.timedelta(days=1)
    plan = book.schedule().plan(tomorrow)
    assert [(p.slot.id, p.start.hour) for p in plan] == [("sang", 6), ("chieu", 17)]

    example = root / "schedules" / "YYYY-MM-DD.yaml.example"
    assert example.read_text(encoding="utf-8").startswith("#")
    dated = root / "schedules" / f"{tomorrow}.yaml"
    shutil.copyfile(example, dated)
    assert main(["--station", str(root), "validate", str(dated)]) == 0
    dated.unlink()

    (root / "inbox" / "tiem-chung.txt").write_text(
        "---\ntitle: Tiêm chủng\n---\nSáng thứ bảy tiêm chủng tại trạm y tế phường.\n",
        encoding="utf-8")
    with Running(station) as service:
        end = time.monotonic() + 30
        while not service.store.eligible(service.clock.now()) and time.monotonic() < end:
            time.sleep(0.1)
        morning = next(p for p in service.schedule.plan(tomorrow) if p.slot.id == "sang")
        prepared = service.preparer.prepare(morning)  # type: ignore[union-attr]
    kinds = [i.split("@")[0] for i in prepared.items]
    assert kinds[0] == "jingle:open" and kinds[-1] == "jingle:close", kinds
    assert "bulletin:Tiêm chủng" in kinds, kinds
    assert prepared.warnings == (), prepared.warnings
