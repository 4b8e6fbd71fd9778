"""render_program applies the duration policy with real lengths and reports what it dropped."""

from __future__ import annotations

from program_measure import SR

from broadcaster.models import Priority
from broadcaster.program.model import BulletinItem, Jingle, Music, Program


def test_overlong_program_drops_a_bulletin_and_reports_it(render, speech) -> None:
    items = (Jingle(path="audio/chime-open.flac"),
             BulletinItem(bulletin_id="b1", priority=Priority.PRIORITY),
             Jingle(path="audio/chime-between.flac", belongs_to="b2"),
             BulletinItem(bulletin_id="b2"),
             Jingle(path="audio/chime-close.flac"))
    full = render(Program(items))
    limit = full.duration_ms - 1000
    out = render(Program(items, max_ms=limit, overlong="drop_bulletins"))
    assert out.dropped == ("b2",)
    assert out.duration_ms <= limit
    assert [e.label for e in out.rundown] == ["chime-open.flac", "b1", "chime-close.flac"]
    assert any("b2" in w for w in out.warnings)
    assert len(out.samples) == out.frames
    assert abs(out.duration_ms - out.frames * 1000 / SR) <= 0.5


def test_overlong_program_trims_music(render) -> None:
    items = (Jingle(path="audio/chime-open.flac"), Music(path="music.flac"),
             BulletinItem(bulletin_id="b1"))
    full = render(Program(items))
    out = render(Program(items, max_ms=full.duration_ms - 1500, overlong="trim_music"))
    music = next(e for e in out.rundown if e.kind == "music")
    assert "trimmed" in music.flags and music.duration_ms == 12000 - 1500
    assert out.dropped == () and out.duration_ms <= full.duration_ms - 1500


def test_station_program_shape_follows_the_settings(render, speech) -> None:
    from broadcaster.config import parse_settings
    from broadcaster.program import station_program

    st = parse_settings("policy:\n  max_session_minutes: 0.3\n", "station.yaml")
    prog = station_program([BulletinItem(bulletin_id="b1", priority=Priority.PRIORITY),
                            BulletinItem(bulletin_id="b2")], st.program.jingles,
                           policy=st.policy)
    assert [i.label or i.kind for i in prog.items] == ["open", "bulletin",
                                                       "between", "bulletin", "close"]
    assert prog.max_ms == 18_000 and prog.overlong == "drop_bulletins"
    out = render(prog)
    assert out.dropped == ("b2",) and out.duration_ms <= 18_000
    assert [e.label for e in out.rundown] == ["open", "b1", "close"]


def test_rundown_table_lists_every_item_with_its_figures(render, monkeypatch) -> None:
    from broadcaster.program import rundown_table

    monkeypatch.setenv("BROADCASTER_LANG", "en")
    out = render(Program((Jingle(path="audio/chime-open.flac"), BulletinItem(bulletin_id="b1"),
                          BulletinItem(bulletin_id="nobody"))))
    text = rundown_table(out)
    lines = text.splitlines()
    assert lines[0].split() == ["Start", "Length", "Kind", "Item", "LUFS", "dBTP", "Flags"]
    assert lines[2].split()[:4] == ["00:00.0", "00:02.8", "jingle", "chime-open.flac"]
    assert "missing" in lines[4] and "nobody" in lines[4]
    assert f"{out.loudness_lufs:.1f} LUFS" in text and any("nobody" in w for w in lines[5:])
