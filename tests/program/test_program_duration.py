"""Duration policy: over-long programs drop the lowest-priority bulletins (carried to the next
slot) or trim music, and the rendered program respects the limit."""

from __future__ import annotations

from broadcaster.models import Priority
from broadcaster.program.duration import fit_duration, layout
from broadcaster.program.model import Bed, BulletinItem, Jingle, Music, Program, Say, Silence


def prog() -> Program:
    return Program((
        Jingle(path="open.flac"),
        BulletinItem(bulletin_id="urgent", priority=Priority.EMERGENCY),
        Jingle(path="between.flac", belongs_to="a"),
        BulletinItem(bulletin_id="a"),
        Jingle(path="between.flac", belongs_to="b"),
        BulletinItem(bulletin_id="b", priority=Priority.PRIORITY),
        Jingle(path="between.flac", belongs_to="c"),
        BulletinItem(bulletin_id="c"),
        Music(path="song.mp3"),
        Jingle(path="close.flac"),
    ), beds=(Bed(path="bed.mp3", first=7, last=8),))


LEN = [3000, 60000, 2000, 60000, 2000, 60000, 2000, 60000, 120000, 3000]


def test_layout_places_gaps_overlaps_silences_and_skips_missing() -> None:
    items = (Jingle(path="j"), Say(text="x"), Music(path="m", overlap_ms=500), Silence(ms=1000),
             Jingle(path="missing"), Jingle(path="j"))
    starts, total = layout(items, [2000, 3000, 4000, 1000, 0, 2000], 600)
    assert starts == [0, 2600, 5100, 9100, 10100, 10100]
    assert total == 12100


def test_fits_untouched_when_short_enough() -> None:
    fit = fit_duration(prog(), LEN, 10 * 60000, "drop_bulletins", 600)
    assert fit.program == prog() and fit.dropped == () and fit.warnings == ()


def test_drop_bulletins_drops_lowest_priority_last_first_with_their_separators() -> None:
    total = layout(prog().items, LEN, 600)[1]
    fit = fit_duration(prog(), LEN, total - 30000, "drop_bulletins", 600)
    assert [b.bulletin_id for b in fit.dropped] == ["c"]  # normal, latest in running order
    assert not any(getattr(i, "bulletin_id", None) == "c" or i.belongs_to == "c"
                   for i in fit.program.items)
    assert fit.total_ms <= total - 30000
    assert len(fit.warnings) == 2  # over-long, dropped c
    assert fit.program.beds[0].first == 6 and fit.program.beds[0].last == 6  # still the song
    assert [fit.program.items[i] for i in range(len(fit.origin))] == [
        prog().items[i] for i in fit.origin]
    # much too long: normal first, then priority; the emergency always stays
    fit = fit_duration(prog(), LEN, 60000, "drop_bulletins", 600)
    assert [b.bulletin_id for b in fit.dropped] == ["c", "a", "b"]
    assert any(getattr(i, "bulletin_id", None) == "urgent" for i in fit.program.items)
    assert fit.total_ms > 60000  # cannot fit: said so
    assert "khẩn cấp" in fit.warnings[-1] or "emergency" in fit.warnings[-1]


def test_trim_music_cuts_the_song_with_a_fade_before_dropping_anything() -> None:
    total = layout(prog().items, LEN, 600)[1]
    fit = fit_duration(prog(), LEN, total - 50000, "trim_music", 600)
    assert fit.dropped == ()
    song = fit.program.items[fit.trimmed[0]]
    assert isinstance(song, Music) and song.max_ms == 70000 and song.fade_out_ms >= 3000
    assert fit.total_ms == total - 50000
    # more than the music can give: the song goes, then bulletins
    fit = fit_duration(prog(), LEN, total - 200000, "trim_music", 600)
    assert not any(isinstance(i, Music) for i in fit.program.items)
    assert [b.bulletin_id for b in fit.dropped] == ["c", "a"]
    assert fit.total_ms <= total - 200000
