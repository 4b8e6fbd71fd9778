"""Each role against each action: allowed ones succeed, the rest get 403 and change nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import requests

from broadcaster.air.control import ControlServer
from tests.web.conftest import ROLES, Served, csrf, login
from tests.web.test_schedule import write_week

BODY = "Thông báo: ngày 5/12 phường tổ chức tiêm chủng tại trạm y tế từ 7h30."


@dataclass
class Case:
    allowed: set[str]
    act: Callable[[requests.Session, Served, str, str], requests.Response]
    changed: Callable[[Served, str], bool]
    needs_bulletin: bool = True


def _bulletin(served: Served, n: int) -> str:
    (served.station.inbox_dir / f"ban-tin-{n}.txt").write_text(f"{BODY} Lần {n}.", encoding="utf-8")
    served.ingest()
    store = served.store()
    try:
        rec = store.by_source(f"ban-tin-{n}.txt")
    finally:
        store.close()
    assert rec is not None and rec.state == "awaiting_approval"
    return rec.id


def _state(served: Served, bid: str) -> str:
    store = served.store()
    try:
        return store.require(bid).state
    finally:
        store.close()


def _hash(served: Served, bid: str) -> str:
    store = served.store()
    try:
        return store.require(bid).content_hash
    finally:
        store.close()


def _inbox_count(served: Served) -> int:
    return len([p for p in served.station.inbox_dir.glob("*.txt")])


def _day(bid: str) -> dt.date:
    return dt.date.today() + dt.timedelta(days=10 + int(bid))


def _schedule(s: requests.Session, sv: Served, bid: str, kind: str,
              data: dict[str, str]) -> requests.Response:
    write_week(sv)
    return s.post(f"{sv.url}/schedule/{_day(bid).isoformat()}/{kind}", data=data, timeout=30)


def _day_text(sv: Served, bid: str) -> str:
    path = sv.station.schedules_dir / f"{_day(bid).isoformat()}.yaml"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


CASES: dict[str, Case] = {
    "submit": Case(
        {"admin", "editor"},
        lambda s, sv, bid, tok: s.post(f"{sv.url}/bulletins/new", data={
            "csrf": tok, "title": f"Tin {bid}", "body": BODY, "priority": "normal", "repeat": "1"},
            timeout=30),
        lambda sv, bid: any(f"tin-{bid}-" in p.name for p in sv.station.inbox_dir.iterdir()),
        needs_bulletin=False,
    ),
    "approve": Case(
        {"admin", "approver"},
        lambda s, sv, bid, tok: s.post(f"{sv.url}/approvals/{bid}/approve",
                                       data={"csrf": tok, "hash": _hash(sv, bid)}, timeout=30),
        lambda sv, bid: _state(sv, bid) == "approved",
    ),
    "reject": Case(
        {"admin", "approver"},
        lambda s, sv, bid, tok: s.post(f"{sv.url}/approvals/{bid}/reject",
                                       data={"csrf": tok, "reason": "sai ngày"}, timeout=30),
        lambda sv, bid: _state(sv, bid) == "rejected",
    ),
    "withdraw": Case(
        {"admin", "operator", "editor"},
        lambda s, sv, bid, tok: s.post(f"{sv.url}/bulletins/{bid}/withdraw",
                                       data={"csrf": tok, "reason": "hết hiệu lực"}, timeout=30),
        lambda sv, bid: _state(sv, bid) == "withdrawn",
    ),
    "emergency": Case(
        {"admin", "operator"},
        lambda s, sv, bid, tok: s.post(f"{sv.url}/emergency", data={
            "csrf": tok, "text": f"Bão số {bid}", "repeat": "2", "confirmed": "yes"}, timeout=30),
        lambda sv, bid: any(c.get("text") == f"Bão số {bid}" for c in CALLS),
        needs_bulletin=False,
    ),
    "schedule.add": Case(
        {"admin", "operator"},
        lambda s, sv, bid, tok: _schedule(s, sv, bid, "add", {
            "csrf": tok, "id": f"mot-lan-{bid}", "at": "09:30", "max_minutes": "10"}),
        lambda sv, bid: f"mot-lan-{bid}" in _day_text(sv, bid),
        needs_bulletin=False,
    ),
    "schedule.cancel": Case(
        {"admin", "operator"},
        lambda s, sv, bid, tok: _schedule(s, sv, bid, "cancel", {
            "csrf": tok, "slot": "chieu", "confirmed": "yes"}),
        lambda sv, bid: "chieu" in _day_text(sv, bid),
        needs_bulletin=False,
    ),
    "schedule.no_broadcast": Case(
        {"admin", "operator"},
        lambda s, sv, bid, tok: _schedule(s, sv, bid, "no-broadcast", {
            "csrf": tok, "confirmed": "yes"}),
        lambda sv, bid: "no_broadcast" in _day_text(sv, bid),
        needs_bulletin=False,
    ),
    "audit": Case(
        {"admin"},
        lambda s, sv, bid, tok: s.get(f"{sv.url}/audit", timeout=30),
        lambda sv, bid: True,
        needs_bulletin=False,
    ),
}

CALLS: list[dict[str, object]] = []


@pytest.fixture
def control(served: Served) -> Iterator[None]:
    """A stand-in for the running station's control channel: records emergencies."""

    def handle(request: dict[str, object]) -> dict[str, object]:
        CALLS.append(request)
        return {"ok": True, "key": "2026-12-01/emergency-1", "duration_ms": 1000}

    server = ControlServer(served.station.var_dir, handle)
    server.start()
    yield
    server.stop()
    CALLS.clear()


@pytest.mark.parametrize("action", list(CASES))
def test_each_role_against_each_action(served: Served, action: str, request: pytest.FixtureRequest
                                       ) -> None:
    case = CASES[action]
    if action == "emergency":
        request.getfixturevalue("control")
    for n, role in enumerate(ROLES):
        bid = _bulletin(served, n) if case.needs_bulletin else str(n)
        before = _inbox_count(served)
        s = login(served.url, role)
        r = case.act(s, served, bid, csrf(s, served.url))
        if role in case.allowed:
            assert r.status_code == 200, (action, role, r.status_code, r.text[:300])
            assert case.changed(served, bid), (action, role)
        else:
            assert r.status_code == 403, (action, role, r.status_code)
            if action != "audit":
                assert not case.changed(served, bid), (action, role)
            assert _inbox_count(served) == before
            if case.needs_bulletin:
                assert _state(served, bid) == "awaiting_approval"


def test_every_action_is_audited_with_who_and_where(served: Served) -> None:
    bid = _bulletin(served, 99)
    s = login(served.url, "approver")
    s.post(f"{served.url}/approvals/{bid}/approve",
           data={"csrf": csrf(s, served.url), "hash": _hash(served, bid)}, timeout=30)
    rows = served.desk.users.audit_rows()
    assert any(r.who == "approver" and r.action == "bulletin.approve" and r.target == bid
               and r.ip == "127.0.0.1" and r.at for r in rows)
    admin = login(served.url, "admin")
    page = admin.get(f"{served.url}/audit", timeout=10).text
    assert "bulletin.approve" in page and bid in page


def test_a_role_that_may_not_listen_is_not_offered_the_button(served: Served) -> None:
    """A viewer may read a bulletin but not have its speech made (it may spend a TTS quota):
    the page offers no ▶ button it would only be refused; an editor's page has it."""
    bid = _bulletin(served, 77)
    pages = {role: login(served.url, role).get(f"{served.url}/bulletins/{bid}", timeout=10)
             for role in ("viewer", "editor")}
    assert pages["viewer"].status_code == 200 and pages["editor"].status_code == 200
    assert 'class="listen"' not in pages["viewer"].text
    assert 'class="listen"' in pages["editor"].text
