"""Another station's feed taken into the inbox (issue 16 point 3): served by a local HTTP server,
items become bulletins with their feed and item id recorded, de-duplicated, updated (a new
version, approved again) and withdrawn when the source drops them; conditional requests are
asserted on the server side; trusted emergencies are approved at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from broadcaster.inbox.feeds.intake import feed_source
from broadcaster.models import BulletinState, Priority
from tests.inbox.feedkit import Kit, item, json_feed, make_kit, subscribe
from tests.inbox.feedserver import LAST_MODIFIED, FeedServer


@pytest.fixture
def kit(station_dir: Path, server: FeedServer) -> Iterator[Kit]:
    subscribe(station_dir, [
        {"name": "quan", "url": server.url("/quan/feed.json"), "kind": "station", "every": 60},
        {"name": "tin-cay", "url": server.url("/tin-cay/feed.json"), "kind": "station",
         "every": 60, "trusted_emergency": True}])
    yield from make_kit(station_dir)


def test_an_item_enters_the_inbox_as_a_bulletin_naming_its_feed_and_item(
        kit: Kit, server: FeedServer) -> None:
    server.put("/quan/feed.json", json_feed([item("tiem-chung")]))
    result = kit.poll("quan")
    assert result.status == "taken" and len(result.report.taken) == 1
    (rec,) = kit.store.all()
    assert rec.origin == "quan" and rec.external_id == "tiem-chung"
    assert rec.source == feed_source("quan", "tiem-chung")
    assert rec.title == "Lịch tiêm chủng" and rec.priority is Priority.NORMAL
    assert rec.state is BulletinState.AWAITING_APPROVAL  # the station's approval rules hold
    assert "vắc-xin sởi" in rec.body and rec.script_text
    assert rec.original is not None and "Đài phường A" in rec.original.read_text(encoding="utf-8")
    assert [h.event for h in kit.store.history(rec.id)][:2] == ["received", "awaiting_approval"]
    # the intake journal holds a finished entry for it (nothing pending for recovery)
    assert kit.store.intake(pending=True) == []
    assert [r.state for r in kit.store.intake()] == ["ingested"]


def test_the_second_poll_is_conditional_and_a_304_changes_nothing(
        kit: Kit, server: FeedServer) -> None:
    server.put("/quan/feed.json", json_feed([item("tiem-chung")]))
    kit.poll("quan")
    kit.clock.advance(60)
    again = kit.poll("quan")
    first, second = server.seen("/quan/feed.json")
    assert "If-None-Match" not in first.headers
    assert second.headers["If-None-Match"].startswith('"')
    assert second.headers["If-Modified-Since"] == LAST_MODIFIED
    assert second.status == 304 and again.status == "not_modified"
    (rec,) = kit.store.all()
    assert rec.version == 1


def test_the_same_item_again_is_not_a_second_bulletin(kit: Kit, server: FeedServer) -> None:
    server.put("/quan/feed.json", json_feed([item("tiem-chung")]))
    kit.poll("quan")
    # the feed changed (another item added) but this item did not: still one version
    server.put("/quan/feed.json", json_feed([item("rac", title="Thu gom rác",
                                                  text="Xe rác qua lúc 17 giờ."),
                                             item("tiem-chung")]))
    result = kit.poll("quan")
    assert result.report.unchanged == 1 and len(result.report.taken) == 1
    assert sorted(r.external_id or "" for r in kit.store.all()) == ["rac", "tiem-chung"]
    assert kit.store.by_external("quan", "tiem-chung").version == 1  # type: ignore[union-attr]


def test_an_updated_item_is_a_new_version_that_needs_approval_again(
        kit: Kit, server: FeedServer) -> None:
    server.put("/quan/feed.json", json_feed([item("tiem-chung")]))
    kit.poll("quan")
    rec = kit.store.by_external("quan", "tiem-chung")
    assert rec is not None
    kit.store.approve(rec.id, by="chu-tich", now=kit.clock.now())
    server.put("/quan/feed.json", json_feed([item(
        "tiem-chung", 2, text="Lịch tiêm đổi sang sáng Chủ nhật tại trạm y tế phường.")]))
    kit.poll("quan")
    new = kit.store.get(rec.id)
    assert new is not None and new.version == 2 and "Chủ nhật" in new.body
    assert new.state is BulletinState.AWAITING_APPROVAL and not new.approved
    assert len(kit.store.all()) == 1


def test_an_item_the_source_no_longer_lists_is_withdrawn(kit: Kit, server: FeedServer) -> None:
    server.put("/quan/feed.json", json_feed([item("a", title="Tin A"), item("b", title="Tin B")]))
    kit.poll("quan")
    server.put("/quan/feed.json", json_feed([item("b", title="Tin B")]))
    result = kit.poll("quan")
    gone = kit.store.by_external("quan", "a")
    assert gone is not None and result.withdrawn == [gone.id]
    assert gone.state is BulletinState.WITHDRAWN and "quan" in gone.reason
    assert kit.store.by_external("quan", "b").state is BulletinState.AWAITING_APPROVAL  # type: ignore[union-attr]


def test_a_trusted_feed_s_emergency_is_approved_at_once_an_untrusted_one_waits(
        kit: Kit, server: FeedServer) -> None:
    alarm = item("lu", title="Lũ khẩn cấp", text="Nước sông lên nhanh, di dời ngay.",
                 priority="emergency")
    server.put("/quan/feed.json", json_feed([alarm]))
    server.put("/tin-cay/feed.json", json_feed([alarm], station="Ban chỉ huy phòng chống thiên tai"))
    kit.poll("quan")
    kit.poll("tin-cay")
    waiting = kit.store.by_external("quan", "lu")
    trusted = kit.store.by_external("tin-cay", "lu")
    assert waiting is not None and trusted is not None and waiting.id != trusted.id
    assert waiting.state is BulletinState.AWAITING_APPROVAL
    assert trusted.state is BulletinState.APPROVED and trusted.approved
    assert trusted.priority is Priority.EMERGENCY and "tin-cay" in trusted.approved_by
    # what the station's store watcher airs at once as an emergency
    eligible = kit.store.eligible(kit.clock.now())
    assert [r.id for r in eligible] == [trusted.id]


def test_atom_and_rss_station_feeds_are_read_too(station_dir: Path, server: FeedServer) -> None:
    atom = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Đài quận</title><id>urn:x</id>
<author><name>Đài quận 1</name></author>
<entry><id>http://q1/ban-tin/mua.html</id><title>Mưa lớn</title>
<published>2026-12-01T07:00:00+07:00</published><category term="priority"/>
<content type="html">&lt;p&gt;Chiều nay có mưa lớn.&lt;/p&gt;&lt;p&gt;Bà con chú ý.&lt;/p&gt;</content></entry>
</feed>"""
    rss = """<?xml version="1.0"?><rss version="2.0"><channel><title>Đài xã B</title>
<item><guid>cho-phien@v3</guid><title>Chợ phiên</title><description>Chợ phiên họp sáng mai.</description>
<pubDate>Tue, 01 Dec 2026 07:00:00 +0700</pubDate></item></channel></rss>"""
    subscribe(station_dir, [
        {"name": "atom", "url": server.put("/a.xml", atom, content_type="application/atom+xml"),
         "kind": "station"},
        {"name": "rss", "url": server.put("/r.xml", rss, content_type="application/rss+xml"),
         "kind": "station"}])
    for kit in make_kit(station_dir):
        kit.poll("atom")
        kit.poll("rss")
        a = kit.store.by_external("atom", "http://q1/ban-tin/mua.html")
        r = kit.store.by_external("rss", "cho-phien")
        assert a is not None and a.priority is Priority.PRIORITY
        assert a.body == "Chiều nay có mưa lớn.\n\nBà con chú ý." and a.title == "Mưa lớn"
        assert r is not None and r.title == "Chợ phiên" and r.body == "Chợ phiên họp sáng mai."
