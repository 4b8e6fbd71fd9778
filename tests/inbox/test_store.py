"""Bulletin store: states, versions and history, approvals pinned to content, airings counted once."""

from __future__ import annotations

import datetime as dt
import inspect
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from broadcaster.errors import InboxError
from broadcaster.inbox import journal
from broadcaster.inbox import store as store_module
from broadcaster.inbox.store import BulletinStore, slugify
from broadcaster.models import Bulletin, BulletinMeta, BulletinState, IntakeState, Priority

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=TZ)


def _add(store: BulletinStore, source: str, body: str, *, digest: str | None = None,
         **meta: object) -> tuple[str, bool]:
    bid, version = store.plan_version(source)
    intake = store.claim(f"tok-{source}-{version}-{digest or body}", source, Path("/x"), 1, NOW)
    bulletin = Bulletin(id=bid, source=Path(source), body=body, meta=BulletinMeta(**meta),
                        content_hash=digest or f"h-{body}", version=version)
    rec, changed = store.add_version(intake, bulletin, source=source, script_text=body,
                                     original=Path(f"/orig/{bid}/v{version}"), now=NOW)
    return rec.id, changed


def test_ids_are_stable_ascii_and_unique(tmp_path: Path) -> None:
    assert slugify("Thông báo/Tiêm chủng đợt 2") == "thong-bao-tiem-chung-dot-2"
    store = BulletinStore(tmp_path / "b.sqlite3")
    a, _ = _add(store, "Tiêm chủng.txt", "một")
    b, _ = _add(store, "tiem-chung.docx", "hai")  # same slug, other file: another id
    assert a == "tiem-chung" and b == "tiem-chung-2"
    again, changed = _add(store, "Tiêm chủng.txt", "ba")  # same file name: same bulletin
    assert again == a and changed and store.get(a).version == 2


def test_approval_required_pins_the_content_hash(tmp_path: Path) -> None:
    store = BulletinStore(tmp_path / "b.sqlite3", approval="required", now=NOW)
    bid, _ = _add(store, "a.txt", "nội dung một")
    assert store.get(bid).state == "awaiting_approval"
    assert store.eligible(NOW) == []
    store.approve(bid, by="chu-tich", now=NOW)
    (rec,) = store.eligible(NOW)
    assert rec.approved and rec.approved_by == "chu-tich" and rec.script_text == "nội dung một"
    # a changed file needs approval again; the old version stays in history
    _add(store, "a.txt", "nội dung hai")
    rec = store.get(bid)
    assert rec.version == 2 and rec.state == "awaiting_approval" and not rec.approved
    assert store.eligible(NOW) == []
    assert [v["version"] for v in store.versions(bid)] == [1, 2]
    # the same content as approved before keeps its approval
    _add(store, "a.txt", "nội dung một")
    assert store.get(bid).version == 3 and store.get(bid).approved
    events = [h.event for h in store.history(bid)]
    assert events.count("received") == 3 and "approved" in events


def test_approve_refuses_content_changed_since_listing(tmp_path: Path) -> None:
    store = BulletinStore(tmp_path / "b.sqlite3", approval="required", now=NOW)
    bid, _ = _add(store, "tiem-chung.txt", "một", digest="aaa")
    with pytest.raises(InboxError):
        store.approve(bid, by="x", now=NOW, content_hash="bbb")
    assert not store.get(bid).approved
    with pytest.raises(InboxError, match="tiem-chung"):
        store.approve("tiem-chnug", by="x", now=NOW)  # a typo: the message names the likely id


def test_switching_approval_mode_requires_a_person(tmp_path: Path) -> None:
    path = tmp_path / "b.sqlite3"
    store = BulletinStore(path, approval="none", now=NOW)
    bid, _ = _add(store, "a.txt", "một")
    assert store.get(bid).state == "approved" and store.eligible(NOW)
    store.close()
    store = BulletinStore(path, approval="required", now=NOW)
    assert store.get(bid).state == "awaiting_approval" and not store.eligible(NOW)
    assert BulletinStore(path).approval == "required"  # persisted for the playout's own handle


def test_eligible_window_priority_repeat_and_withdrawal(tmp_path: Path) -> None:
    store = BulletinStore(tmp_path / "b.sqlite3")
    later = NOW + dt.timedelta(days=1)
    _add(store, "n.txt", "thường")
    _add(store, "p.txt", "ưu tiên", priority=Priority.PRIORITY, tags=("y-te",), repeat=2)
    _add(store, "e.txt", "khẩn", priority=Priority.EMERGENCY)
    _add(store, "future.txt", "sau", air_from=later)
    _add(store, "past.txt", "cũ", air_until=NOW - dt.timedelta(minutes=1))
    assert [r.id for r in store.eligible(NOW)] == ["e", "p", "n"]
    assert {r.id for r in store.eligible(later)} == {"e", "p", "n", "future"}
    # record_airing counts once per slot, expires at the repeat count
    assert store.record_airing("p", 1, "2026-12-01/sang", NOW)
    assert not store.record_airing("p", 1, "2026-12-01/sang", NOW)  # a retry after a crash
    assert store.get("p").times_aired == 1 and store.get("p").state == "approved"
    assert store.record_airing("p", 1, "2026-12-01/chieu", NOW)
    assert store.get("p").state == "expired" and "p" not in [r.id for r in store.eligible(NOW)]
    store.withdraw("n", "sai thông tin", now=NOW)
    assert store.get("n").state == "withdrawn" and store.get("n").reason == "sai thông tin"
    assert "n" not in [r.id for r in store.eligible(NOW)]
    assert store.expire(NOW) == ["past"]
    assert store.get("past").state == "expired"


def test_reject_needs_a_reason_and_never_airs(tmp_path: Path) -> None:
    store = BulletinStore(tmp_path / "b.sqlite3", approval="required", now=NOW)
    bid, _ = _add(store, "a.txt", "một")
    with pytest.raises(InboxError):
        store.reject(bid, "  ", now=NOW)
    store.reject(bid, "chưa đúng số liệu", by="pho-chu-tich", now=NOW)
    rec = store.get(bid)
    assert rec.state == "rejected" and rec.reason == "chưa đúng số liệu"
    assert store.eligible(NOW) == []
    # dropping the same content again does not undo a rejection; new content does
    _, changed = _add(store, "a.txt", "một")
    assert not changed and store.get(bid).state == "rejected"
    _add(store, "a.txt", "một, đã sửa")
    assert store.get(bid).state == "awaiting_approval" and store.get(bid).version == 2


def test_airing_of_an_old_version_does_not_count_for_the_new(tmp_path: Path) -> None:
    store = BulletinStore(tmp_path / "b.sqlite3")
    bid, _ = _add(store, "a.txt", "một", repeat=1)
    _add(store, "a.txt", "hai", repeat=1)
    assert store.record_airing(bid, 1, "2026-12-01/sang", NOW)
    assert store.get(bid).times_aired == 0 and store.get(bid).state == "approved"
    assert len(store.airings(bid)) == 1


def test_every_time_comes_from_the_caller(tmp_path: Path) -> None:
    """approve, reject, withdraw and the approval mode stamp the ``now`` they are given (the
    station's clock), never the machine's time; leaving it out is an error, not a default."""
    first = NOW - dt.timedelta(days=3)
    store = BulletinStore(tmp_path / "b.sqlite3", approval="none", now=first)
    a, _ = _add(store, "a.txt", "một")
    b, _ = _add(store, "b.txt", "hai")
    store.set_approval("required", now=first + dt.timedelta(hours=1))
    assert store.get(a).updated_at == first + dt.timedelta(hours=1)
    rec = store.approve(a, by="chu-tich", now=first + dt.timedelta(hours=2))
    assert rec.approved_at == rec.updated_at == first + dt.timedelta(hours=2)
    rec = store.reject(b, "sai", now=first + dt.timedelta(hours=3))
    assert rec.updated_at == first + dt.timedelta(hours=3)
    rec = store.withdraw(a, "hủy", now=first + dt.timedelta(hours=4))
    assert rec.updated_at == first + dt.timedelta(hours=4)
    assert [h.at for h in store.history(a)][-2:] == [
        (first + dt.timedelta(hours=2)).isoformat(), (first + dt.timedelta(hours=4)).isoformat()]
    with pytest.raises(TypeError):
        store.withdraw(b, "hủy")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        BulletinStore(tmp_path / "b.sqlite3", approval="none")  # type: ignore[call-overload]


def test_states_are_enums_in_records_and_never_spelled_out_in_sql(tmp_path: Path) -> None:
    store = BulletinStore(tmp_path / "b.sqlite3")
    bid, _ = _add(store, "a.txt", "một", priority=Priority.EMERGENCY)
    rec = store.get(bid)
    assert rec.state is BulletinState.APPROVED and rec.priority is Priority.EMERGENCY
    assert rec.as_dict()["state"] == "approved" and type(rec.as_dict()["priority"]) is str
    assert {row.state for row in store.intake()} == {IntakeState.COMMITTED}
    with pytest.raises(ValueError):
        store.intake_state(1, "ingestd", now=NOW)  # a misspelt state never reaches the file
    for module in (store_module, journal):
        source = inspect.getsource(module)
        for value in [*BulletinState, *IntakeState, *Priority]:
            assert f"'{value}'" not in source, (module.__name__, value)
        assert "datetime.now" not in source
