"""Point 1 of issue 16: what aired is published as static files (page, index, MP3, three feeds);
what is withdrawn or rejected leaves; emergencies go up at once; ``when: approved`` works."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import feedparser
import jsonschema
import soundfile as sf

from broadcaster.publish.site import fold
from tests.publish.conftest import BASE, LETTER, NOTICE, Desk

TYPES = {"rss.xml": "application/rss+xml", "atom.xml": "application/atom+xml"}

# JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/): what it requires and what we promise.
# feedparser 6.0 (the released line) reads RSS and Atom only, so the JSON feed is held to this.
JSON_FEED = {
    "type": "object", "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string", "minLength": 1},
        "home_page_url": {"type": "string", "format": "uri"},
        "feed_url": {"type": "string", "format": "uri"},
        "language": {"type": "string"},
        "authors": {"type": "array", "items": {"type": "object", "required": ["name"]}},
        "items": {"type": "array", "items": {
            "type": "object", "required": ["id", "url", "title", "content_text", "date_published"],
            "properties": {
                "id": {"type": "string"}, "date_published": {"type": "string", "format": "date-time"},
                "attachments": {"type": "array", "items": {
                    "type": "object", "required": ["url", "mime_type", "size_in_bytes"],
                    "properties": {"mime_type": {"const": "audio/mpeg"},
                                   "size_in_bytes": {"type": "integer"},
                                   "duration_in_seconds": {"type": "number"}}}}}}},
    },
}


def parse(path: Path) -> feedparser.FeedParserDict:
    return feedparser.parse(path.read_bytes(), response_headers={"content-type": TYPES[path.name]})


def json_feed(desk: Desk) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((desk.public / "feed.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, JSON_FEED, format_checker=jsonschema.FormatChecker())
    return data


def _feeds(desk: Desk) -> dict[str, feedparser.FeedParserDict]:
    json_feed(desk)
    return {name: parse(desk.public / name) for name in TYPES}


def test_nothing_is_public_before_it_airs(desk: Desk) -> None:
    desk.drop("tiem-chung.txt", LETTER)
    desk.publisher.publish_once()
    index = (desk.public / "index.html").read_text(encoding="utf-8")
    assert "Chưa có bản tin nào được phát" in index
    assert not list((desk.public).glob("ban-tin/*"))
    for name, feed in _feeds(desk).items():
        assert not feed.bozo, (name, feed.get("bozo_exception"))
        assert feed.entries == []


def test_a_first_airing_publishes_page_index_mp3_and_three_feeds(desk: Desk) -> None:
    rec = desk.drop("tiem-chung.txt", LETTER)
    desk.air(rec)
    assert desk.publisher.publish_once() is True
    assert any("Tiêm chủng vắc-xin sởi" in m for m in desk.messages)

    page = (desk.public / "ban-tin" / f"{rec.id}.html").read_text(encoding="utf-8")
    assert "<h1>Tiêm chủng vắc-xin sởi</h1>" in page
    assert "01/12/2026" in page and "09:00" in page
    # the text as the editor wrote it (digits, abbreviations), without letterhead or recipients
    assert "số 12 đường Lê Lợi" in page and "Ủy ban nhân dân phường" in page
    for furniture in ("CỘNG HÒA XÃ HỘI", "Độc lập - Tự do", "Số: 12/TB-UBND", "Nơi nhận",
                      "Lưu VT", "Nguyễn Văn A"):
        assert furniture not in page, furniture
    mp3 = desk.public / "audio" / f"{rec.id}-v1.mp3"
    assert f'<audio controls preload="none" src="../audio/{mp3.name}">' in page
    assert "<script" not in page  # no inline script; the page works under a strict CSP

    index = (desk.public / "index.html").read_text(encoding="utf-8")
    assert f'href="ban-tin/{rec.id}.html"' in index and "01/12/2026" in index
    assert '<script src="search.js" defer></script>' in index
    assert 'data-search="' + fold("Tiêm chủng vắc-xin sởi") in index

    feeds = _feeds(desk)
    for name, feed in feeds.items():
        assert not feed.bozo, (name, feed.get("bozo_exception"))
        (entry,) = feed.entries
        assert entry.title == "Tiêm chủng vắc-xin sởi"
        assert entry.link == f"{BASE}ban-tin/{rec.id}.html"
        (enc,) = entry.enclosures
        assert enc.href == f"{BASE}audio/{mp3.name}"
        assert enc.type == "audio/mpeg"
        assert int(enc.length) == mp3.stat().st_size
    rss = feeds["rss.xml"]
    assert rss.version == "rss20"
    assert rss.feed.itunes_type == "episodic" and rss.feed.image.href == BASE + "cover.png"
    raw = (desk.public / "rss.xml").read_text(encoding="utf-8")
    assert "<itunes:explicit>false</itunes:explicit>" in raw and '<itunes:category text="Government" />' in raw
    assert rss.feed.author == desk.station.settings.name
    assert int(rss.entries[0].itunes_duration) > 0
    assert feeds["atom.xml"].version == "atom10"
    (item,) = json_feed(desk)["items"]
    assert item["url"] == f"{BASE}ban-tin/{rec.id}.html"
    (att,) = item["attachments"]
    assert att["url"] == f"{BASE}audio/{mp3.name}" and att["size_in_bytes"] == mp3.stat().st_size
    assert "Nơi nhận" not in item["content_text"] and "số 12 đường Lê Lợi" in item["content_text"]


def test_the_mp3_decodes_to_the_speech_duration_with_its_tags(desk: Desk) -> None:
    import av

    rec = desk.drop("tiem-chung.txt", LETTER)
    desk.air(rec)
    desk.publisher.publish_once()
    wav = desk.pipeline.speech(desk.store.require(rec.id).bulletin())
    info = sf.info(str(wav))
    mp3 = desk.public / "audio" / f"{rec.id}-v1.mp3"
    with av.open(str(mp3)) as c:
        tags = dict(c.metadata)
        stream = c.streams.audio[0]
        assert stream.codec_context.name.startswith("mp3")
        assert stream.codec_context.layout.name == "mono"
        assert 56_000 <= (stream.bit_rate or 0) <= 72_000
        rate = stream.sample_rate
        samples = sum(f.samples for f in c.decode(audio=0))
    assert abs(samples / rate - info.frames / info.samplerate) < 0.1
    assert tags["title"] == "Tiêm chủng vắc-xin sởi"
    assert tags["date"] == "2026-12-01"
    assert tags["artist"] == desk.station.settings.name


def _everywhere(desk: Desk, text: str) -> list[str]:
    return [p.name for p in desk.public.rglob("*") if p.is_file()
            and p.suffix in (".html", ".xml", ".json") and text in p.read_text(encoding="utf-8")]


def test_withdrawn_and_rejected_bulletins_leave_index_feeds_and_files(desk: Desk) -> None:
    a = desk.drop("tiem-chung.txt", LETTER)
    b = desk.drop("rac.txt", NOTICE)
    desk.air(a)
    desk.air(b)
    desk.publisher.publish_once()
    assert len(parse(desk.public / "rss.xml").entries) == 2
    desk.store.withdraw(a.id, "sai ngày", now=desk.clock.now())
    desk.store.reject(b.id, "trùng tin", by="Chủ tịch", now=desk.clock.now())
    assert desk.publisher.publish_once() is True
    assert not (desk.public / "ban-tin" / f"{a.id}.html").exists()
    assert not (desk.public / "audio" / f"{a.id}-v1.mp3").exists()
    assert list((desk.public / "ban-tin").iterdir()) == []
    assert list((desk.public / "audio").iterdir()) == []
    assert _everywhere(desk, "Tiêm chủng") == [] and _everywhere(desk, "thu gom rác") == []
    for name in TYPES:
        feed = parse(desk.public / name)
        assert not feed.bozo and feed.entries == []
    assert json_feed(desk)["items"] == []
    assert any(a.id in m and "rút" in m.lower() for m in desk.messages)


def test_an_emergency_is_published_as_soon_as_it_may_air(desk: Desk) -> None:
    rec = desk.drop("khan.txt", "---\ntitle: Cảnh báo lũ\npriority: emergency\n---\n"
                    "Nước sông đang lên nhanh, bà con khu thấp trũng di chuyển ngay.\n")
    assert desk.store.airings(rec.id) == []
    desk.publisher.publish_once()
    page = desk.public / "ban-tin" / f"{rec.id}.html"
    assert page.is_file() and "Khẩn cấp" in page.read_text(encoding="utf-8")


def test_when_approved_publishes_on_approval_not_before(station_dir: Path) -> None:
    from tests.publish.conftest import make_desk, publish_settings

    cfg = station_dir / "station.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("approval: none", "approval: required"),
                   encoding="utf-8")
    publish_settings(station_dir, "  when: approved\n")
    desk = make_desk(station_dir)
    try:
        rec = desk.drop("rac.txt", NOTICE)
        desk.publisher.publish_once()
        assert not (desk.public / "ban-tin" / f"{rec.id}.html").exists()
        desk.store.approve(rec.id, by="Chủ tịch", now=desk.clock.now())
        desk.publisher.publish_once()
        assert (desk.public / "ban-tin" / f"{rec.id}.html").is_file()
    finally:
        desk.store.close()


def test_a_new_version_replaces_the_old_once_it_airs(desk: Desk) -> None:
    rec = desk.drop("rac.txt", NOTICE)
    desk.air(rec)
    desk.publisher.publish_once()
    new = desk.drop("rac.txt", NOTICE.replace("17 giờ", "18 giờ"))
    assert new.version == 2
    assert desk.publisher.publish_once() is False  # version 2 has not aired: version 1 stays
    assert "17 giờ" in (desk.public / "ban-tin" / f"{rec.id}.html").read_text(encoding="utf-8")
    desk.clock.advance(6 * 3600)
    desk.air(new, "chieu")
    desk.publisher.publish_once()
    assert "18 giờ" in (desk.public / "ban-tin" / f"{rec.id}.html").read_text(encoding="utf-8")
    assert [p.name for p in (desk.public / "audio").iterdir()] == [f"{rec.id}-v2.mp3"]
