"""Bad input from feeds (issue 16 point 4): malformed JSON/XML, XML bombs and external entities
(refused by the hardened parser), huge bodies, wrong-type and huge enclosures, a feed that goes
away (connection refused, 404, timeout). Each gives a Vietnamese note naming the feed and what
to do, in the log and in ``doctor``; the feed is retried with backoff; nothing taken is lost."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from broadcaster.inbox.feeds.cap import parse_cap
from broadcaster.inbox.feeds.model import FeedProblem
from broadcaster.inbox.feeds.stationfeed import parse_station_feed
from broadcaster.models import BulletinState
from broadcaster.ops.doctor import check_feeds
from tests.inbox.feedkit import Kit, item, json_feed, make_kit, subscribe
from tests.inbox.feedserver import FeedServer, closed_port

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>x</id><title>&lol9;</title>
<content>bom</content></entry></feed>"""


def xxe(secret: Path) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY xxe SYSTEM "file://{secret}">]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>x</id><title>Tin</title>
<content>&xxe;</content></entry></feed>""".encode()


@pytest.fixture
def kit(station_dir: Path, server: FeedServer) -> Iterator[Kit]:
    subscribe(station_dir, [
        {"name": "quan", "url": server.url("/quan/feed"), "kind": "station", "every": 60},
        {"name": "tat", "url": f"http://127.0.0.1:{closed_port()}/feed.json", "kind": "station",
         "every": 60},
        {"name": "canh-bao", "url": server.url("/cap"), "kind": "cap", "every": 60}],
        timeout=1.5, max_feed_kb=64)
    yield from make_kit(station_dir)


def _taken_first(kit: Kit, server: FeedServer) -> str:
    server.put("/quan/feed", json_feed([item("tiem-chung")]))
    assert kit.poll("quan").status == "taken"
    rec = kit.store.by_external("quan", "tiem-chung")
    assert rec is not None
    return rec.id


def _assert_failed_and_kept(kit: Kit, feed: str, bid: str | None, *words: str) -> str:
    result = kit.poll(feed)
    assert result.status == "failed"
    note = result.problem
    assert f"Nguồn tin «{feed}»" in note and "thử lại sau" in note, note
    for w in words:
        assert w in note, (w, note)
    if bid is not None:
        rec = kit.store.get(bid)
        assert rec is not None and rec.state is BulletinState.AWAITING_APPROVAL
    state = kit.store.feed_state(feed, kit.feed(feed).url)
    assert state.failures >= 1 and state.last_error == note
    return note


@pytest.mark.parametrize(("body", "words"), [
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', ("JSON",)),
    (b'{"hello": 1}', ("JSON Feed", "feed.json")),
    (b"<feed xmlns='http://www.w3.org/2005/Atom'><entry>", ("XML", "dòng")),
    ("<html><body>Trang chủ</body></html>".encode(), ("<html>",)),
    (b"Xin chao", ("không phải nguồn tin",)),
], ids=["json-cut", "json-not-feed", "xml-cut", "html-page", "plain-text"])
def test_a_malformed_feed_is_noted_and_loses_nothing(kit: Kit, server: FeedServer, body: bytes,
                                                     words: tuple[str, ...]) -> None:
    bid = _taken_first(kit, server)
    server.put("/quan/feed", body)
    _assert_failed_and_kept(kit, "quan", bid, *words)
    assert len(kit.store.all()) == 1  # a broken feed withdraws nothing either


def test_an_xml_bomb_is_refused_at_once(kit: Kit, server: FeedServer) -> None:
    bid = _taken_first(kit, server)
    server.put("/quan/feed", LAUGHS, content_type="application/atom+xml")
    started = time.monotonic()
    _assert_failed_and_kept(kit, "quan", bid, "XML không an toàn", "ENTITY")
    assert time.monotonic() - started < 5
    with pytest.raises(FeedProblem) as err:
        parse_cap(LAUGHS, "bom.xml", kit.station.tz)
    assert err.value.key == "xml_unsafe"


def test_an_external_entity_is_never_resolved(kit: Kit, server: FeedServer, tmp_path: Path
                                              ) -> None:
    secret = tmp_path / "mat-khau.txt"
    secret.write_text("BI-MAT-123", encoding="utf-8")
    server.put("/quan/feed", xxe(secret), content_type="application/atom+xml")
    _assert_failed_and_kept(kit, "quan", None, "XML không an toàn")
    assert all("BI-MAT" not in r.body for r in kit.store.all())
    with pytest.raises(FeedProblem):
        parse_station_feed(xxe(secret), "x.xml", kit.station.tz, 1 << 20)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_huge_body_is_not_read_past_the_cap(kit: Kit, server: FeedServer, chunked: bool
                                              ) -> None:
    bid = _taken_first(kit, server)
    huge = json_feed([item("tiem-chung", text="Rất dài. " * 20000)]).encode()
    assert len(huge) > 64 * 1024
    server.put("/quan/feed", huge, chunked=chunked)
    _assert_failed_and_kept(kit, "quan", bid, "64 KB", "feeds.max_feed_kb")


def test_wrong_type_or_huge_enclosures_are_left_out_and_the_text_is_taken(
        kit: Kit, server: FeedServer, caplog: pytest.LogCaptureFixture) -> None:
    page = item("trang", title="Tin có tệp lạ", attachments=[
        {"url": "http://a/x.html", "mime_type": "text/html", "size_in_bytes": 100}])
    big = item("lon", title="Tin có tệp rất lớn", attachments=[
        {"url": "http://a/x.mp3", "mime_type": "audio/mpeg", "size_in_bytes": 10 * 2**30}])
    server.put("/quan/feed", json_feed([page, big]))
    with caplog.at_level(logging.WARNING):
        result = kit.poll("quan")
    assert result.status == "taken" and len(result.report.taken) == 2
    text = "\n".join(result.report.notes)
    assert "text/html, không phải âm thanh" in text and "10240.0 MB" in text
    assert "không phải âm thanh" in caplog.text


def test_a_feed_that_goes_away_is_noted_retried_with_backoff_and_recovers(
        kit: Kit, server: FeedServer) -> None:
    bid = _taken_first(kit, server)
    server.docs["/quan/feed"].status = 404
    note = _assert_failed_and_kept(kit, "quan", bid, "404", "station.yaml")
    assert kit.notes[-1] == note  # the console is told at the first failure
    assert kit.poller.due_in("quan") == 60
    kit.poll("quan")
    assert kit.poller.due_in("quan") == 120  # doubling ...
    kit.poll("quan")
    assert kit.poller.due_in("quan") == 240
    (line,) = [c for c in check_feeds(kit.station) if c.name == "feed quan"]
    assert line.verdict == "fail" and "404" in line.detail and "3 lần" in line.detail
    server.docs["/quan/feed"].status = 200
    assert kit.poll("quan").status in ("taken", "not_modified")
    assert kit.poller.due_in("quan") == 60 and "trở lại" in kit.notes[-1]
    (line,) = [c for c in check_feeds(kit.station) if c.name == "feed quan"]
    assert line.verdict == "ok"


def test_connection_refused_is_noted(kit: Kit) -> None:
    _assert_failed_and_kept(kit, "tat", None, "không kết nối được", "mạng Internet")
    (line,) = [c for c in check_feeds(kit.station) if c.name == "feed tat"]
    assert line.verdict == "warn" and "không kết nối được" in line.detail


def test_a_server_that_never_finishes_is_cut_at_the_timeout(kit: Kit, server: FeedServer) -> None:
    server.put("/quan/feed", json_feed([item("cham")]), drip_seconds=0.05)
    started = time.monotonic()
    _assert_failed_and_kept(kit, "quan", None, "1.5 giây", "feeds.timeout_seconds")
    assert time.monotonic() - started < 1.5 + 3  # bounded: the whole answer, not each read
    assert kit.store.all() == []


def test_doctor_names_a_feed_never_polled(kit: Kit) -> None:
    lines = {c.name: c for c in check_feeds(kit.station)}
    assert set(lines) == {"feed quan", "feed tat", "feed canh-bao"}
    assert lines["feed canh-bao"].verdict == "warn"
    assert "chưa lấy lần nào" in lines["feed canh-bao"].detail


def test_an_item_without_id_or_text_is_noted_and_skipped(kit: Kit, server: FeedServer) -> None:
    feed = json.loads(json_feed([item("ok")]))
    feed["items"] += [{"title": "không mã", "content_text": "x"},
                      {"id": "rong", "title": "rỗng", "content_text": " "}, "chuỗi"]
    server.put("/quan/feed", json.dumps(feed))
    result = kit.poll("quan")
    assert result.status == "taken" and len(result.report.taken) == 1
    notes = "\n".join(result.report.notes)
    assert "không có mã" in notes and "không có nội dung chữ" in notes


def test_an_item_with_nothing_speakable_is_noted_once_and_taken_when_fixed(
        kit: Kit, server: FeedServer, caplog: pytest.LogCaptureFixture) -> None:
    server.put("/quan/feed", json_feed([item("sao", text="*** --- ***")]))
    with caplog.at_level(logging.WARNING):
        first = kit.poll("quan")
        server.put("/quan/feed", json_feed([item("sao", text="*** --- ***")]) + " ")
        kit.poll("quan")
    assert kit.store.all() == [] and first.status == "taken"
    assert caplog.text.count("không đọc được tin sao") == 1
    server.put("/quan/feed", json_feed([item("sao", text="Đã sửa: họp tổ dân phố tối nay.")]))
    assert len(kit.poll("quan").report.taken) == 1
