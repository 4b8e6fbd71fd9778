"""Posting to the social pages: a station with publishing on, its real store, publisher and
outbox, and the social worker driven by hand on a fake clock against local HTTP fakes of the
Facebook Graph API and the Zalo OA API (only the internet is faked)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from broadcaster.models import PostState
from broadcaster.publish.social.outbox import Outbox, outbox_path
from tests.publish.conftest import BASE, LETTER, NOTICE, publish_settings
from tests.publish.social_fakes import (
    FB_TOKEN,
    PAGE_ID,
    ZALO_APP,
    ZALO_REFRESH,
    ZALO_SECRET,
    ZALO_TOKEN,
    FakeGraph,
    FakeZalo,
)
from tests.publish.social_rig import COVER, Rig, make_rig


def test_a_published_bulletin_is_posted_to_both_pages_and_the_post_ids_are_logged(rig: Rig) -> None:
    bid = rig.publish("tiem.txt", LETTER)
    rig.worker.turn()
    (fb,) = rig.graph.requests("POST", "/feed")
    link = f"{BASE}ban-tin/{bid}.html"
    assert fb.path == f"/v21.0/{PAGE_ID}/feed"
    assert fb.form["link"] == link and fb.form["access_token"] == FB_TOKEN
    message = fb.form["message"]
    assert message.startswith("Tiêm chủng vắc-xin sởi\n\n")
    assert "trạm y tế phường" in message
    assert "Nơi nhận" not in message and "CỘNG HÒA" not in message  # cleaned as the page shows
    create, verify = rig.zalo.requests("POST")
    assert create.path.endswith("/article/create") and verify.path.endswith("/article/verify")
    assert create.headers["access_token"] == ZALO_TOKEN
    article = create.json
    assert article["title"] == "Tiêm chủng vắc-xin sởi" and article["type"] == "normal"
    assert article["cover"] == {"cover_type": "photo", "photo_url": COVER, "status": "show"}
    body = article["body"]
    assert isinstance(body, list) and body[-1] == {"type": "text", "content": link}
    assert any("trạm y tế phường" in str(b["content"]) for b in body)

    fb_id = next(iter(rig.graph.posts))
    assert rig.row(bid) == (PostState.SENT, fb_id)
    assert rig.row(bid, "zalo") == (PostState.SENT, "art1")
    log = rig.worker.outbox.entries()
    assert {(e.platform, e.action, e.outcome, e.post_id) for e in log} == {
        ("facebook", "post", "ok", fb_id), ("zalo", "post", "ok", "art1")}
    assert log[0].at.startswith("2026-12-01T09:00")
    # a second pass posts nothing twice
    rig.worker.turn()
    assert len(rig.graph.requests("POST")) == 1 and len(rig.zalo.requests("POST")) == 2


def test_a_server_error_is_retried_with_doubling_waits(rig: Rig) -> None:
    rig.graph.script = [(500, {"error": {"code": 2, "message": "Service temporarily unavailable"}}),
                        (502, {"error": {"code": 1, "message": "unknown"}})]
    bid = rig.publish("rac.txt", NOTICE)
    clock, w = rig.desk.clock, rig.worker
    w.turn()
    assert len(rig.graph.requests("POST")) == 1
    row = w.outbox.get(bid, "facebook")
    assert row is not None and row.state == PostState.QUEUED and row.attempts == 1
    assert row.due_s == clock.now().timestamp() + 60  # retry_seconds
    assert "HTTP 500" in (row.error or "")
    clock.advance(59)
    w.turn()
    assert len(rig.graph.requests("POST")) == 1  # not before its time
    clock.advance(1)
    w.turn()
    assert len(rig.graph.requests("POST")) == 2
    row = w.outbox.get(bid, "facebook")
    assert row is not None and row.due_s == clock.now().timestamp() + 120  # doubled
    clock.advance(120)
    w.turn()
    assert rig.row(bid)[0] == PostState.SENT
    outcomes = [e.outcome for e in reversed(w.outbox.entries()) if e.platform == "facebook"]
    assert outcomes == ["retry", "retry", "ok"]
    assert rig.row(bid, "zalo")[0] == PostState.SENT  # one page's trouble is not the other's
    assert any("thử lại sau 60 giây" in m.lower() for m in rig.desk.messages)


def test_the_rate_limit_per_platform_is_respected(station_dir: Path,
                                                  servers: tuple[FakeGraph, FakeZalo]) -> None:
    r = make_rig(station_dir, servers, with_zalo=False,
                 limits="    min_interval_seconds: 60\n    max_per_hour: 2\n")
    try:
        clock, w = r.desk.clock, r.worker
        ids = [r.publish(f"b{i}.txt", NOTICE.replace("17 giờ", f"{17 + i} giờ")) for i in range(3)]
        w.turn()
        assert len(r.graph.requests("POST")) == 1  # one now, the others wait their turn
        assert w.rate_wait("facebook", clock.now().timestamp()) == 60
        assert w.wait_seconds() == 30  # check_seconds: it still looks for withdrawals meanwhile
        clock.advance(30)
        w.turn()
        assert len(r.graph.requests("POST")) == 1
        clock.advance(30)
        w.turn()
        assert len(r.graph.requests("POST")) == 2
        clock.advance(600)
        w.turn()
        assert len(r.graph.requests("POST")) == 2  # two an hour
        clock.advance(3600 - 660)
        w.turn()
        assert len(r.graph.requests("POST")) == 3
        assert [r.row(b)[0] for b in ids] == [PostState.SENT] * 3
    finally:
        r.worker.outbox.close()
        r.desk.store.close()


def test_a_refused_token_stops_posting_alerts_once_and_resumes_with_a_new_token(
        station_dir: Path, servers: tuple[FakeGraph, FakeZalo]) -> None:
    old = "EAAG-expired-token-55555"
    r = make_rig(station_dir, servers, fb_token=old)
    try:
        clock, w = r.desk.clock, r.worker
        first = r.publish("a.txt", NOTICE)
        second = r.publish("b.txt", LETTER)
        for _ in range(5):
            w.turn()
            clock.advance(3600)
        assert len(r.graph.requests("POST")) == 1  # no retry storm
        assert r.row(first)[0] == PostState.TOKEN and r.row(second)[0] == PostState.QUEUED
        assert r.row(first, "zalo")[0] == PostState.SENT  # Zalo goes on
        alerts = [m for _at, kind, m in r.desk.alerter.recent if kind == "social"]
        assert len(alerts) == 1
        assert "publish.social.facebook.token" in alerts[0] and "pages_manage_posts" in alerts[0]
        assert "190" in alerts[0] and "khởi động lại" in alerts[0]
        # the token is written nowhere: not in the alert, the log or the outbox file
        db = sqlite3.connect(outbox_path(r.desk.station.var("db")))
        dump = "\n".join(db.iterdump())
        db.close()
        assert old not in dump and old not in alerts[0]
        w.outbox.close()

        cfg = r.desk.station.root / "station.yaml"
        cfg.write_text(cfg.read_text(encoding="utf-8").replace(old, FB_TOKEN), encoding="utf-8")
        r.worker = r.new_worker()
        r.worker.outbox.requeue_token()  # what start() does
        r.worker.turn()
        assert r.row(first)[0] == PostState.SENT and r.row(second)[0] == PostState.SENT
    finally:
        r.worker.outbox.close()
        r.desk.store.close()


def test_facebook_takes_the_speech_as_a_video(station_dir: Path,
                                              servers: tuple[FakeGraph, FakeZalo]) -> None:
    import av

    r = make_rig(station_dir, servers, audio=True, with_zalo=False)
    try:
        bid = r.publish("rac.txt", NOTICE)
        item = r.desk.publisher.manifest.items[bid]
        assert item.mp3
        r.worker.turn()
        assert not r.graph.requests("POST", "/feed")
        (up,) = r.graph.requests("POST", "/videos")
        assert up.file_type == "video/mp4" and up.file_name == f"{bid}.mp4"
        assert up.form["access_token"] == FB_TOKEN
        assert up.form["title"] == "Lịch thu gom rác"
        assert up.form["description"].endswith(f"{BASE}ban-tin/{bid}.html")
        mp4 = r.desk.station.var_dir / "uploaded.mp4"
        mp4.write_bytes(up.file)
        with av.open(str(mp4)) as c:
            kinds = sorted(s.type for s in c.streams)
            audio = c.streams.audio[0]
            seconds = float(audio.duration * audio.time_base) if audio.duration else c.duration / 1e6
        assert kinds == ["audio", "video"]
        assert abs(seconds * 1000 - item.duration_ms) < 300
        assert r.worker.outbox.entries()[0].action == "video"
        assert not list((r.desk.station.var_dir / "publish" / "social").glob("*.mp4"))
    finally:
        r.worker.outbox.close()
        r.desk.store.close()


def test_a_withdrawn_bulletin_has_its_posts_deleted(rig: Rig) -> None:
    bid = rig.publish("rac.txt", NOTICE)
    rig.worker.turn()
    fb_id = rig.row(bid)[1]
    rig.desk.store.withdraw(bid, "nhầm lịch", now=rig.desk.clock.now())
    rig.desk.publisher.publish_once()
    rig.worker.turn()
    (delete,) = rig.graph.requests("DELETE")
    assert delete.path == f"/v21.0/{fb_id}" and delete.form["access_token"] == FB_TOKEN
    assert rig.zalo.removed == ["art1"]
    assert rig.row(bid)[0] == PostState.DELETED and rig.row(bid, "zalo")[0] == PostState.DELETED
    assert {(e.platform, e.action, e.outcome) for e in rig.worker.outbox.entries()[:2]} == {
        ("facebook", "delete", "ok"), ("zalo", "delete", "ok")}


def test_a_bulletin_withdrawn_before_posting_is_never_posted(rig: Rig) -> None:
    rig.graph.down = True
    bid = rig.publish("rac.txt", NOTICE)
    rig.worker.turn()
    assert rig.row(bid)[0] == PostState.QUEUED
    rig.graph.down = False
    rig.desk.store.withdraw(bid, "nhầm", now=rig.desk.clock.now())
    rig.desk.publisher.publish_once()
    rig.desk.clock.advance(3600)
    rig.worker.turn()
    assert rig.row(bid)[0] == PostState.CANCELLED
    assert len(rig.graph.requests("POST")) == 1 and not rig.graph.requests("DELETE")


def test_queued_posts_survive_a_restart(rig: Rig) -> None:
    rig.graph.down = True
    rig.zalo.down = True
    ids = [rig.publish("a.txt", NOTICE), rig.publish("b.txt", LETTER)]
    rig.worker.turn()
    assert all(rig.row(b)[0] == PostState.QUEUED for b in ids)
    rig.worker.outbox.close()  # the station stops (or the power goes)

    rig.graph.down = rig.zalo.down = False
    rig.worker = rig.new_worker()
    rig.desk.clock.advance(3600)
    rig.worker.turn()
    for b in ids:
        assert rig.row(b)[0] == PostState.SENT and rig.row(b, "zalo")[0] == PostState.SENT
    assert len(rig.graph.posts) == 2 and len(rig.zalo.articles) == 2


def test_a_refused_post_is_given_up_and_alerted(rig: Rig) -> None:
    rig.graph.script = [(400, {"error": {"code": 100, "message": "Invalid parameter"}})]
    bid = rig.publish("rac.txt", NOTICE)
    rig.worker.turn()
    assert rig.row(bid)[0] == PostState.FAILED
    (alert,) = [m for _at, kind, m in rig.desk.alerter.recent if kind == "social"]
    assert "Invalid parameter" in alert and bid in alert
    rig.desk.clock.advance(7200)
    rig.worker.turn()
    assert len(rig.graph.requests("POST")) == 1


def test_old_bulletins_are_not_posted_when_posting_is_turned_on(rig: Rig) -> None:
    bid = rig.publish("rac.txt", NOTICE)
    rig.desk.clock.advance(25 * 3600)  # max_age_hours: 24
    rig.worker.turn()
    assert rig.worker.outbox.get(bid, "facebook") is None and not rig.graph.seen


def test_a_platform_without_delete_leaves_the_post_and_says_so(rig: Rig) -> None:
    from broadcaster.publish.social.platforms import FakePlatform

    fake = FakePlatform("zalo", can_delete=False)
    rig.worker.platforms = [fake]
    bid = rig.publish("rac.txt", NOTICE)
    rig.worker.turn()
    rig.desk.store.withdraw(bid, "nhầm", now=rig.desk.clock.now())
    rig.desk.publisher.publish_once()
    rig.worker.turn()
    assert rig.row(bid, "zalo")[0] == PostState.KEPT
    assert rig.worker.outbox.entries()[0].outcome == "kept"
    assert any("tự xóa bài" in m for m in rig.desk.messages)


def test_outbox_opens_read_only_for_the_desk(rig: Rig) -> None:
    rig.publish("rac.txt", NOTICE)
    rig.worker.turn()
    ro = Outbox(outbox_path(rig.desk.station.var("db")), readonly=True)
    try:
        assert len(ro.entries()) == 2 and ro.waiting() == 0
    finally:
        ro.close()


def _zalo_refresh(zalo: FakeZalo) -> str:
    return (f", app_id: \"{ZALO_APP}\", secret_key: \"{ZALO_SECRET}\","
            f" refresh_token: \"{ZALO_REFRESH}\", oauth_url: \"{zalo.url}v4/oa/access_token\"")


def test_an_expired_zalo_token_is_renewed_with_the_refresh_token(
        station_dir: Path, servers: tuple[FakeGraph, FakeZalo]) -> None:
    graph, zalo = servers
    zalo.token = "the-token-zalo-issued-after-the-old-one-expired"  # ZALO_TOKEN has expired
    r = make_rig(station_dir, servers, zalo_extra=_zalo_refresh(zalo))
    try:
        first = r.publish("a.txt", NOTICE)
        r.worker.turn()
        assert r.row(first, "zalo") == (PostState.SENT, "art1") and zalo.renewals == 1
        oauth = zalo.requests("POST", "/access_token")[0]
        assert oauth.headers["secret_key"] == ZALO_SECRET
        assert oauth.form == {"refresh_token": ZALO_REFRESH, "app_id": ZALO_APP,
                              "grant_type": "refresh_token"}
        saved = r.desk.station.var("db") / "zalo-token.json"
        assert saved.stat().st_mode & 0o777 == 0o600
        assert "zalo-renewed-refresh-1" in saved.read_text(encoding="utf-8")
        assert not [a for a in r.desk.alerter.recent if a[1] == "social"]
        r.worker.outbox.close()
        # after a restart the renewed pair is used (the first refresh token is spent)
        r.worker = r.new_worker()
        second = r.publish("b.txt", LETTER)
        r.worker.turn()
        assert r.row(second, "zalo")[0] == PostState.SENT and zalo.renewals == 1
    finally:
        r.worker.outbox.close()
        r.desk.store.close()


def test_a_refused_refresh_token_alerts_once(station_dir: Path,
                                             servers: tuple[FakeGraph, FakeZalo]) -> None:
    graph, zalo = servers
    zalo.token, zalo.refresh = "someone-else", "also-someone-else"
    r = make_rig(station_dir, servers, zalo_extra=_zalo_refresh(zalo))
    try:
        bid = r.publish("a.txt", NOTICE)
        for _ in range(3):
            r.worker.turn()
            r.desk.clock.advance(3600)
        assert r.row(bid, "zalo")[0] == PostState.TOKEN
        assert len(zalo.requests("POST", "/access_token")) == 1
        (alert,) = [m for _at, kind, m in r.desk.alerter.recent if kind == "social"]
        assert "publish.social.zalo.token" in alert and "Refresh token is invalid" in alert
        for secret in (ZALO_TOKEN, ZALO_REFRESH, ZALO_SECRET):
            assert secret not in alert
        assert r.row(bid)[0] == PostState.SENT  # Facebook unaffected
    finally:
        r.worker.outbox.close()
        r.desk.store.close()


def test_social_settings_are_checked_and_never_show_the_token(station_dir: Path) -> None:
    from broadcaster.config import load_station
    from broadcaster.errors import ConfigError

    secret = "EAAG-very-secret-token-xyz"
    publish_settings(station_dir, "  social:\n"
                     f"    facebook: {{page_id: \"12ab\", token: \"{secret}\"}}\n"
                     f"    zalo: {{token: \"{secret}\", cover_url: \"{COVER}\","
                     " refresh_token: \"r\"}\n")
    with pytest.raises(ConfigError) as err:
        load_station(station_dir)
    text = str(err.value) + repr(err.value)
    assert "publish.social.facebook.page_id" in text
    assert "app_id" in text and "secret_key" in text  # a refresh token needs the app
    assert secret not in text
    cfg = station_dir / "station.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("12ab", "12").replace(
        ', refresh_token: "r"', ""), encoding="utf-8")
    settings = load_station(station_dir).settings.publish.social
    assert settings.facebook is not None and settings.zalo is not None
    assert secret not in repr(settings) and secret not in str(settings.model_dump())
    assert settings.facebook.token.get_secret_value() == secret


def test_a_delete_that_keeps_failing_is_alerted_as_a_post_to_remove_by_hand(rig: Rig) -> None:
    bid = rig.publish("rac.txt", NOTICE)
    rig.worker.turn()
    fb_id = rig.row(bid)[1]
    rig.graph.script = [(400, {"error": {"code": 100, "message": "Object cannot be deleted"}})]
    rig.desk.store.withdraw(bid, "nhầm", now=rig.desk.clock.now())
    rig.desk.publisher.publish_once()
    rig.worker.turn()
    assert rig.row(bid) == (PostState.KEPT, fb_id)
    (alert,) = [m for _at, kind, m in rig.desk.alerter.recent if kind == "social"]
    assert "không xóa được bài" in alert and str(fb_id) in alert
