"""Bản tin and Phê duyệt: an edit becomes the next version through the station's intake and is
approved again; the approval page shows each version's word-level changes (escaped), pins the
approval to the content hash, and shows a thousand waiting bulletins a page at a time."""

from __future__ import annotations

import re

import requests

from broadcaster.inbox.store import BulletinStore
from broadcaster.models import BulletinState
from broadcaster.web.versions import Span, word_diff
from tests.web.conftest import Served, csrf, login

BODY = "Thông báo: ngày 5/12 phường tổ chức tiêm chủng tại trạm y tế từ 7h30."
EDITED = "Thông báo: ngày 6/12 phường tổ chức tiêm chủng sởi tại trạm y tế từ 8h00."


def _store(served: Served) -> BulletinStore:
    return served.store()


def _add(served: Served, name: str = "tiem-chung.txt", body: str = BODY,
         title: str = "Tiêm chủng") -> str:
    (served.station.inbox_dir / name).write_text(f"---\ntitle: {title}\n---\n{body}\n",
                                                 encoding="utf-8")
    served.ingest()
    store = _store(served)
    try:
        rec = store.by_source(name)
    finally:
        store.close()
    assert rec is not None
    return rec.id


def _rec(served: Served, bid: str):  # type: ignore[no-untyped-def]
    store = _store(served)
    try:
        return store.require(bid)
    finally:
        store.close()


def _edit(s: requests.Session, served: Served, bid: str, **fields: str) -> requests.Response:
    data = {"csrf": csrf(s, served.url), "title": "Tiêm chủng", "body": EDITED,
            "priority": "normal", "repeat": "1", **fields}
    return s.post(f"{served.url}/bulletins/{bid}/edit", data=data, timeout=30)


def test_word_diff_marks_insertions_and_deletions() -> None:
    spans = word_diff("họp dân lúc 19h30 tại nhà văn hóa", "họp dân lúc 20h tại hội trường")
    assert "".join(s.text for s in spans if s.op != "+") == "họp dân lúc 19h30 tại nhà văn hóa"
    assert "".join(s.text for s in spans if s.op != "-") == "họp dân lúc 20h tại hội trường"
    assert Span("-", "19h30") in spans and Span("+", "20h") in spans
    assert spans[0] == Span("=", "họp dân lúc ")
    assert word_diff("a b", "a b") == [Span("=", "a b")]


def test_an_edit_becomes_the_next_version_and_is_approved_again(served: Served) -> None:
    bid = _add(served)
    store = _store(served)
    try:
        rec = store.require(bid)
        store.approve(bid, by="approver", now=rec.received_at, content_hash=rec.content_hash)
    finally:
        store.close()
    editor = login(served.url, "editor")
    page = editor.get(f"{served.url}/bulletins/{bid}", timeout=30).text
    assert f'href="/bulletins/{bid}/edit"' in page
    form = editor.get(f"{served.url}/bulletins/{bid}/edit", timeout=30)
    assert form.status_code == 200 and BODY in form.text and "phiên bản 2" in form.text
    r = _edit(editor, served, bid)
    assert r.status_code == 200 and "phiên bản 2" in r.text
    text = (served.station.inbox_dir / "tiem-chung.txt").read_text(encoding="utf-8")
    assert text.startswith("---\n") and EDITED in text and '"Tiêm chủng"' in text
    served.ingest()  # what the running station's intake does
    rec = _rec(served, bid)
    assert (rec.version, rec.state, rec.body.strip()) == (2, BulletinState.AWAITING_APPROVAL,
                                                          EDITED)
    assert not rec.approved  # the approval of version 1 does not carry over
    audit = login(served.url, "admin").get(served.url + "/audit", timeout=30).text
    assert "bulletin.edit" in audit


def test_edit_refuses_unchanged_text_a_recording_and_other_roles(served: Served) -> None:
    bid = _add(served)
    editor = login(served.url, "editor")
    r = _edit(editor, served, bid, body=BODY)
    assert r.status_code == 400 and "không đổi" in r.text
    r = _edit(editor, served, bid, body="   ")
    assert r.status_code == 400
    for role in ("approver", "viewer", "operator"):
        s = login(served.url, role)
        assert s.get(f"{served.url}/bulletins/{bid}/edit", timeout=30).status_code == 403
        assert _edit(s, served, bid).status_code == 403
    assert _rec(served, bid).version == 1
    assert EDITED not in (served.station.inbox_dir / "tiem-chung.txt").read_text(encoding="utf-8")
    assert editor.get(f"{served.url}/bulletins/khong-co/edit", timeout=30).status_code == 404


def test_a_withdrawn_bulletin_cannot_be_edited_and_withdraw_checks_it_exists(served: Served) -> None:
    bid = _add(served)
    editor = login(served.url, "editor")
    r = editor.post(f"{served.url}/bulletins/khong-co/withdraw", timeout=30,
                    data={"csrf": csrf(editor, served.url), "reason": "nhầm"})
    assert r.status_code == 409 and "khong-co" in r.text
    r = editor.post(f"{served.url}/bulletins/{bid}/withdraw", timeout=30,
                    data={"csrf": csrf(editor, served.url), "reason": "hết hạn"})
    assert r.status_code == 200 and _rec(served, bid).state == BulletinState.WITHDRAWN
    assert editor.get(f"{served.url}/bulletins/{bid}/edit", timeout=30).status_code == 409
    r = _edit(editor, served, bid)
    assert r.status_code == 409 and _rec(served, bid).version == 1


def test_approval_page_shows_the_changes_escaped(served: Served) -> None:
    bid = _add(served, body="Họp dân lúc 19h30 tại nhà văn hóa.")
    editor = login(served.url, "editor")
    r = _edit(editor, served, bid, title="Họp <b>dân</b>",
              body="Họp dân lúc 20h tại nhà văn hóa <script>alert(1)</script>.")
    assert r.status_code == 200
    served.ingest()
    page = login(served.url, "approver").get(served.url + "/approvals", timeout=30).text
    card = page[page.index(f'id="approve-{bid}"'):]
    assert "Thay đổi so với phiên bản 1" in card
    assert "<del>19h30</del>" in card and "<ins>20h</ins>" in card
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in card
    assert "<del>Tiêm chủng</del>" in card and "<ins>Họp &lt;b&gt;dân&lt;/b&gt;</ins>" in card
    assert f'hx-post="/bulletins/{bid}/listen"' in card


def test_approval_is_pinned_to_the_content_hash(served: Served) -> None:
    bid = _add(served)
    old_hash = _rec(served, bid).content_hash
    editor = login(served.url, "editor")
    assert _edit(editor, served, bid).status_code == 200
    served.ingest()  # version 2 arrives while the approver still looks at version 1
    approver = login(served.url, "approver")
    r = approver.post(f"{served.url}/approvals/{bid}/approve", timeout=30,
                      data={"csrf": csrf(approver, served.url), "hash": old_hash})
    assert r.status_code == 409 and 'role="alert"' in r.text
    rec = _rec(served, bid)
    assert rec.state == BulletinState.AWAITING_APPROVAL and not rec.approved
    r = approver.post(f"{served.url}/approvals/{bid}/approve", timeout=30,
                      data={"csrf": csrf(approver, served.url), "hash": rec.content_hash},
                      allow_redirects=False)
    assert r.status_code == 303
    rec = _rec(served, bid)
    assert rec.state == BulletinState.APPROVED and rec.approved_hash == rec.content_hash


def test_reject_needs_a_reason_and_is_shown_on_the_bulletin(served: Served) -> None:
    bid = _add(served)
    approver = login(served.url, "approver")
    r = approver.post(f"{served.url}/approvals/{bid}/reject", timeout=30,
                      data={"csrf": csrf(approver, served.url), "reason": " "})
    assert r.status_code == 409 and _rec(served, bid).state == BulletinState.AWAITING_APPROVAL
    r = approver.post(f"{served.url}/approvals/{bid}/reject", timeout=30,
                      data={"csrf": csrf(approver, served.url), "reason": "Sai ngày"})
    assert r.status_code == 200 and _rec(served, bid).state == BulletinState.REJECTED
    page = approver.get(f"{served.url}/bulletins/{bid}", timeout=30).text
    assert "Sai ngày" in page
    # the editor corrects a refused bulletin: the new version waits for approval again
    editor = login(served.url, "editor")
    assert _edit(editor, served, bid).status_code == 200
    served.ingest()
    assert _rec(served, bid).state == BulletinState.AWAITING_APPROVAL


def test_a_thousand_waiting_bulletins_are_shown_a_page_at_a_time(served: Served) -> None:
    inbox = served.station.inbox_dir
    for i in range(120):
        (inbox / f"tin-{i:03d}.txt").write_text(f"Thông báo số {i} của phường.\n", encoding="utf-8")
    served.ingest()
    s = login(served.url, "approver")
    page = s.get(served.url + "/approvals", timeout=30).text
    assert len(re.findall(r'class="card approval"', page)) == 20
    assert "Trang 1/6" in page and 'href="?page=2"' in page
    last = s.get(served.url + "/approvals?page=6", timeout=30).text
    assert len(re.findall(r'class="card approval"', last)) == 20 and "Trang 6/6" in last
    assert "Trang 1/6" in s.get(served.url + "/approvals?page=x", timeout=30).text
    assert "Trang 6/6" in s.get(served.url + "/approvals?page=99", timeout=30).text
    listing = s.get(served.url + "/bulletins?state=awaiting_approval&page=3", timeout=30).text
    assert len(re.findall(r'<tr><td><a href="/bulletins/', listing)) == 20
    assert "Trang 3/3" in listing and 'href="?state=awaiting_approval&amp;page=2"' in listing
