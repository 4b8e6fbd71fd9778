"""CAP 1.2 alerts taken as bulletins (issue 16 point 3): single ``<alert>`` documents and an Atom
feed of them (inline or linked), urgency/severity mapped to normal/priority/emergency (with a
per-feed override), the Vietnamese ``info`` block read, ``expires`` as the air window, and
``msgType`` Update/Cancel with ``references`` making a new version or a withdrawal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from broadcaster.inbox.feeds.cap import cap_priority, parse_cap, references
from broadcaster.models import BulletinState, Priority
from tests.inbox.feedkit import Kit, make_kit, subscribe
from tests.inbox.feedserver import FeedServer

DATA = Path(__file__).parent / "data" / "cap"
NS = "urn:oasis:names:tc:emergency:cap:1.2"
TZ = dt.timezone(dt.timedelta(hours=7))


def alert(ident: str, *, kind: str = "Alert", status: str = "Actual", refs: str = "",
          urgency: str = "Expected", severity: str = "Severe", lang: str = "vi",
          headline: str = "Mưa lớn diện rộng", expires: str = "2026-12-03T00:00:00+07:00",
          description: str = "Mưa lớn từ chiều nay đến sáng mai.") -> str:
    ref = f"<references>{refs}</references>" if refs else ""
    info = "" if kind == "Cancel" else f"""<info><language>{lang}</language>
<category>Met</category><event>Mưa</event><urgency>{urgency}</urgency>
<severity>{severity}</severity><certainty>Likely</certainty><expires>{expires}</expires>
<headline>{headline}</headline><description>{description}</description></info>"""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="{NS}"><identifier>{ident}</identifier><sender>kttv@example.vn</sender>
<sent>2026-12-01T08:00:00+07:00</sent><status>{status}</status><msgType>{kind}</msgType>
<scope>Public</scope>{ref}{info}</alert>"""


def atom_of(entries: list[str]) -> str:
    return ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>CAP</title>'
            + "".join(entries) + "</feed>")


@pytest.fixture
def kit(station_dir: Path, server: FeedServer) -> Iterator[Kit]:
    subscribe(station_dir, [
        {"name": "kttv", "url": server.url("/kttv.xml"), "kind": "cap"},
        {"name": "pccc", "url": server.url("/pccc/atom.xml"), "kind": "cap",
         "trusted_emergency": True,
         "priority_map": {"Expected/Severe": "emergency", "*/Minor": "priority"}}])
    yield from make_kit(station_dir)


@pytest.mark.parametrize(("urgency", "severity", "level"), [
    ("Immediate", "Extreme", Priority.EMERGENCY),
    ("Immediate", "Severe", Priority.EMERGENCY),
    ("Expected", "Extreme", Priority.PRIORITY),
    ("Future", "Severe", Priority.PRIORITY),
    ("Immediate", "Moderate", Priority.PRIORITY),
    ("Expected", "Moderate", Priority.PRIORITY),
    ("Future", "Moderate", Priority.NORMAL),
    ("Immediate", "Minor", Priority.NORMAL),
    ("Past", "Extreme", Priority.NORMAL),
    ("Unknown", "Unknown", Priority.NORMAL),
])
def test_urgency_and_severity_map_to_the_station_s_levels(urgency: str, severity: str,
                                                          level: Priority) -> None:
    assert cap_priority(urgency, severity) is level


def test_a_feed_s_priority_map_comes_first() -> None:
    over = {"Expected/Severe": "emergency", "*/Minor": "priority"}
    assert cap_priority("Expected", "Severe", over) is Priority.EMERGENCY
    assert cap_priority("Future", "Minor", over) is Priority.PRIORITY
    assert cap_priority("Immediate", "Extreme", over) is Priority.EMERGENCY


def test_references_name_identifiers() -> None:
    assert references("a@x,ID-1,2026-12-01T08:00:00+07:00 b@y,ID-2,2026-12-01T09:00:00+07:00"
                      ) == ("ID-1", "ID-2")


def test_the_vietnamese_info_block_is_read_and_expires_is_the_air_window() -> None:
    (item,) = parse_cap((DATA / "bao.xml").read_bytes(), "bao.xml", TZ).items
    assert item.external_id == "VN-KTTV-2026-1201-001"
    assert item.title == "Bão số 9 đang tiến vào đất liền"
    assert item.text == ("Bão số 9 đổ bộ vào đêm nay, gió giật cấp 12.\n\n"
                         "Người dân ở nhà, chằng chống nhà cửa, không ra biển.")
    assert item.priority is Priority.EMERGENCY
    assert item.air_until == dt.datetime(2026, 12, 2, 8, 30, tzinfo=TZ)
    assert item.station == "Trung tâm Dự báo khí tượng thủy văn quốc gia"


def test_without_a_vietnamese_block_the_first_is_read() -> None:
    (item,) = parse_cap(alert("X", lang="en-US", headline="Heavy rain").encode(), "x", TZ).items
    assert item.title == "Heavy rain"


def test_an_alert_becomes_a_bulletin_an_update_a_new_version_a_cancel_withdraws_it(
        kit: Kit, server: FeedServer) -> None:
    server.put("/kttv.xml", alert("MUA-1"), content_type="application/cap+xml")
    kit.poll("kttv")
    rec = kit.store.by_external("kttv", "MUA-1")
    assert rec is not None and rec.origin == "kttv" and rec.priority is Priority.PRIORITY
    assert rec.title == "Mưa lớn diện rộng" and rec.state is BulletinState.AWAITING_APPROVAL
    assert rec.air_until == dt.datetime(2026, 12, 3, tzinfo=TZ)
    kit.store.approve(rec.id, by="chu-tich", now=kit.clock.now())
    # the same alert at the next poll (a server without validators) changes nothing
    kit.clock.advance(300)
    server.put("/kttv.xml", alert("MUA-1") + " ", content_type="application/cap+xml")
    assert kit.poll("kttv").report.taken == []
    update = alert("MUA-2", kind="Update", refs="kttv@example.vn,MUA-1,2026-12-01T08:00:00+07:00",
                   headline="Mưa rất lớn", description="Mưa rất lớn, đề phòng ngập úng.")
    server.put("/kttv.xml", update, content_type="application/cap+xml")
    kit.poll("kttv")
    new = kit.store.get(rec.id)
    assert new is not None and new.version == 2 and new.title == "Mưa rất lớn"
    assert new.state is BulletinState.AWAITING_APPROVAL  # approved again by a person
    assert new.external_id == "MUA-1" and len(kit.store.all()) == 1
    cancel = alert("MUA-3", kind="Cancel",
                   refs="kttv@example.vn,MUA-1,x kttv@example.vn,MUA-2,y")
    server.put("/kttv.xml", cancel, content_type="application/cap+xml")
    result = kit.poll("kttv")
    gone = kit.store.get(rec.id)
    assert gone is not None and gone.state is BulletinState.WITHDRAWN
    assert result.report.cancelled == [rec.id] and "MUA-1" in gone.reason


def test_test_and_exercise_alerts_never_air(kit: Kit, server: FeedServer) -> None:
    server.put("/kttv.xml", alert("DIEN-TAP", status="Exercise"))
    result = kit.poll("kttv")
    assert result.status == "taken" and kit.store.all() == []
    assert any("Exercise" in n for n in result.report.notes)


def test_an_expired_alert_is_not_taken(kit: Kit, server: FeedServer) -> None:
    server.put("/kttv.xml", alert("CU", expires="2026-11-30T00:00:00+07:00"))
    result = kit.poll("kttv")
    assert kit.store.all() == [] and "hết hạn" in result.report.notes[0]


def test_an_atom_feed_of_alerts_inline_and_linked(kit: Kit, server: FeedServer) -> None:
    inline = alert("CHAY-1", urgency="Immediate", severity="Extreme",
                   headline="Cháy rừng", description="Cháy rừng ở phía tây phường.")
    inline_body = inline.split("?>", 1)[1]
    server.put("/pccc/alerts/2.xml", alert("SAT-LO-2", urgency="Expected", severity="Severe",
                                           headline="Sạt lở đất",
                                           description="Nguy cơ sạt lở ở tổ 5."))
    server.put("/pccc/atom.xml", atom_of([
        f"<entry><id>urn:pccc:1</id><title>Cháy</title><updated>2026-12-01T08:00:00Z</updated>"
        f"<content type='application/cap+xml'>{inline_body}</content></entry>",
        "<entry><id>urn:pccc:2</id><title>Sạt lở</title><updated>2026-12-01T08:00:00Z</updated>"
        "<link rel='alternate' type='application/cap+xml' href='alerts/2.xml'/></entry>"]))
    result = kit.poll("pccc")
    fire = kit.store.by_external("pccc", "CHAY-1")
    slide = kit.store.by_external("pccc", "SAT-LO-2")
    assert fire is not None and slide is not None, result
    # trusted feed: both are emergencies (one by the built-in mapping, one by priority_map)
    # and approved in the feed's name at once
    assert fire.priority is slide.priority is Priority.EMERGENCY
    assert fire.approved and slide.approved and sorted(result.report.trusted) == sorted(
        [fire.id, slide.id])
    # the linked alert is fetched once; the next poll does not fetch it again
    kit.clock.advance(600)
    server.put("/pccc/atom.xml", server.docs["/pccc/atom.xml"].body + b" ")
    kit.poll("pccc")
    assert len(server.seen("/pccc/alerts/2.xml")) == 1


def test_a_link_to_a_local_file_is_never_followed(kit: Kit, server: FeedServer, tmp_path: Path
                                                  ) -> None:
    secret = tmp_path / "canh-bao.xml"
    secret.write_text(alert("BI-MAT"), encoding="utf-8")
    server.put("/pccc/atom.xml", atom_of([
        f"<entry><id>urn:x</id><title>x</title><link href='file://{secret}'/></entry>"]))
    result = kit.poll("pccc")
    assert kit.store.all() == [] and any("http://" in n for n in result.report.notes)


def test_a_misspelt_priority_map_key_is_refused_at_start_up_naming_it(station_dir: Path) -> None:
    from broadcaster.config import load_station
    from broadcaster.errors import ConfigError

    subscribe(station_dir, [{"name": "kttv", "url": "https://x.example/cap.xml", "kind": "cap",
                             "priority_map": {"Immediate/Extrem": "emergency"}}])
    with pytest.raises(ConfigError) as err:
        load_station(station_dir)
    assert "Immediate/Extrem" in str(err.value) and "station.yaml" in str(err.value)
