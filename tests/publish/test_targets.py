"""``publish.targets``: the public folder is copied to a network share folder; a failed copy is
alerted and retried with backoff, and the copy only removes files it placed itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadcaster.config import parse_settings
from broadcaster.errors import ConfigError
from tests.publish.conftest import NOTICE, make_desk, publish_settings


def test_a_folder_target_mirrors_the_archive_and_keeps_the_portal_s_own_files(
        station_dir: Path, tmp_path: Path) -> None:
    share = tmp_path / "cong-thong-tin"
    share.mkdir()
    (share / "gioi-thieu.html").write_text("trang của phường", encoding="utf-8")
    publish_settings(station_dir, f"  targets:\n    - {{type: folder, path: {share}}}\n")
    desk = make_desk(station_dir)
    try:
        rec = desk.drop("rac.txt", NOTICE)
        desk.air(rec)
        desk.publisher.turn()
        for rel in ("index.html", f"ban-tin/{rec.id}.html", f"audio/{rec.id}-v1.mp3", "rss.xml",
                    "atom.xml", "feed.json", "search.js", "style.css", "cover.png"):
            assert (share / rel).read_bytes() == (desk.public / rel).read_bytes(), rel
        desk.store.withdraw(rec.id, "nhầm", now=desk.clock.now())
        desk.publisher.turn()
        assert not (share / "ban-tin" / f"{rec.id}.html").exists()
        assert not (share / "audio" / f"{rec.id}-v1.mp3").exists()
        assert (share / "gioi-thieu.html").read_text(encoding="utf-8") == "trang của phường"
    finally:
        desk.store.close()


def test_a_failed_copy_is_alerted_and_retried_with_backoff(station_dir: Path,
                                                           tmp_path: Path) -> None:
    share = tmp_path / "chua-gan"  # the share is not mounted yet
    publish_settings(station_dir, f"  retry_seconds: 30\n  targets:\n"
                                  f"    - {{type: folder, path: {share}, name: cổng phường}}\n")
    desk = make_desk(station_dir)
    try:
        rec = desk.drop("rac.txt", NOTICE)
        desk.air(rec)
        desk.publisher.turn()
        assert (desk.public / "ban-tin" / f"{rec.id}.html").is_file()  # the archive itself is fine
        assert [k for _, k, _ in desk.alerter.recent] == ["publish"]
        assert "cổng phường" in desk.alerter.recent[-1][2] and "30" in desk.alerter.recent[-1][2]
        assert not share.exists()  # never created under an unmounted mount point
        share.mkdir()
        desk.clock.advance(10)
        desk.publisher.turn()  # not due yet
        assert not (share / "index.html").exists()
        desk.clock.advance(25)
        desk.publisher.turn()
        assert (share / f"ban-tin/{rec.id}.html").is_file()
        assert any("cổng phường" in m for m in desk.messages)
    finally:
        desk.store.close()


def test_backoff_doubles_up_to_the_limit(station_dir: Path, tmp_path: Path) -> None:
    publish_settings(station_dir, f"  retry_seconds: 30\n  retry_max_seconds: 100\n  targets:\n"
                                  f"    - {{type: folder, path: {tmp_path / 'no'}}}\n")
    desk = make_desk(station_dir)
    try:
        delays = []
        for _ in range(4):
            desk.publisher.turn()
            (retry,) = desk.publisher._dirty.values()
            delays.append(retry.delay)
            desk.clock.advance(1000)
        assert delays == [30, 60, 100, 100]
        assert len(desk.alerter.recent) == 4  # alerts.min_interval limits them in a station
    finally:
        desk.store.close()


def test_unknown_target_types_are_refused_at_start_up_naming_the_line() -> None:
    text = "publish:\n  enabled: true\n  targets:\n    - {type: ftp, path: /x}\n"
    with pytest.raises(ConfigError) as err:
        parse_settings(text, "station.yaml")
    assert "station.yaml:4" in str(err.value) and "folder" in str(err.value)
