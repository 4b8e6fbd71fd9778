"""The rendered program, measured: loudness, true peak, jingle positions, ducking, high-pass,
crossfades, missing/corrupt audio, cache and atomic files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import scipy.signal as ss
import soundfile as sf
from program_measure import SR, TEXTS, lufs, tone_level, true_peak_db

from broadcaster.models import Clip, Priority
from broadcaster.program import dsp
from broadcaster.program.model import (
    Bed,
    BulletinItem,
    Jingle,
    Music,
    Program,
    Recording,
    Say,
    Silence,
)


def station_program() -> Program:
    return Program((
        Jingle(path="audio/chime-open.flac"),
        Say(text=TEXTS["hello"]),
        BulletinItem(bulletin_id="b1", priority=Priority.PRIORITY),
        Jingle(path="audio/chime-between.flac", belongs_to="b2"),
        BulletinItem(bulletin_id="b2"),
        Music(path="music.ogg", fade_in_ms=300, fade_out_ms=1500),
        Jingle(path="audio/chime-close.flac"),
    ))


def find(needle: np.ndarray, hay: np.ndarray) -> tuple[int, float]:
    """Best lag of ``needle`` in ``hay`` and the normalised correlation there."""
    c = ss.correlate(hay, needle, mode="valid", method="fft")
    c2 = np.concatenate([[0.0], np.cumsum(np.asarray(hay, np.float64) ** 2)])
    energy = np.sqrt((c2[len(needle):] - c2[: -len(needle)]) * np.sum(needle**2))
    k = int(np.argmax(c))  # the lag by raw correlation; the score normalised at that lag
    return k, float(c[k] / max(energy[k], 1e-12))


def test_program_is_at_target_loudness_under_the_ceiling(render, settings) -> None:
    out = render(station_program())
    x = out.samples
    assert abs(lufs(x) - settings.loudness_lufs) <= 0.5
    assert true_peak_db(x) <= settings.true_peak_dbtp
    # what the renderer reports agrees with the independent measurement
    assert abs(out.loudness_lufs - lufs(x)) < 0.1
    assert abs(out.true_peak_dbtp - true_peak_db(x)) < 0.2


@pytest.mark.parametrize("level", [-40.0, 6.0])
def test_quiet_and_overdriven_inputs_end_at_target(render, settings, media: Path,
                                                   level: float) -> None:
    rng = np.random.default_rng(3)
    noise = np.clip(rng.standard_normal(SR * 8) * dsp.db_to_lin(level - 12), -1, 1)
    sf.write(media / f"noise{level}.wav", noise.astype(np.float32), SR, subtype="FLOAT")
    out = render(Program((Music(path=f"noise{level}.wav"), BulletinItem(bulletin_id="b1"))))
    assert abs(lufs(out.samples) - settings.loudness_lufs) <= 0.5
    assert true_peak_db(out.samples) <= settings.true_peak_dbtp


def test_other_target_and_ceiling_are_honoured(render, settings) -> None:
    s = settings.model_copy(update={"loudness_lufs": -20.0, "true_peak_dbtp": -3.0})
    out = render(station_program(), settings_=s)
    assert abs(lufs(out.samples) - -20.0) <= 0.5
    assert true_peak_db(out.samples) <= -3.0


def test_each_item_is_normalised(render, settings) -> None:
    out = render(station_program())
    for e in out.rundown:
        if e.kind in ("say", "bulletin", "music", "jingle"):
            start, end = e.offset_ms * SR // 1000, (e.offset_ms + e.duration_ms) * SR // 1000
            measured = lufs(out.samples[start:end])
            assert abs(measured - settings.loudness_lufs) < 1.5, e
            assert abs(e.loudness_lufs - measured) < 0.3, (e, measured)  # the rundown is right
            assert abs(e.true_peak_dbtp - true_peak_db(out.samples[start:end])) < 0.2, e


def test_jingles_are_found_at_their_rundown_offsets(render, settings, media: Path) -> None:
    out = render(station_program())
    x = out.samples
    jingles = [e for e in out.rundown if e.kind == "jingle"]
    assert len(jingles) == 3
    for e in jingles:
        chime, rate = sf.read(str(media / e.source), dtype="float32")
        assert rate == SR
        # on air the chime has been through the horn high-pass (which turns its phase)
        chime = ss.sosfilt(ss.butter(settings.highpass_order, settings.highpass_hz, "highpass",
                                     fs=SR, output="sos"), chime)
        at = e.offset_ms * SR // 1000
        lo = max(0, at - SR)  # search one second either side
        k, score = find(chime, x[lo : at + SR + len(chime)])
        assert abs(lo + k - at) <= SR // 1000 * 2, (e.label, lo + k, at)
        assert score > 0.9, (e.label, score)


def test_bed_is_ducked_by_the_configured_depth_under_speech(render, settings, media: Path,
                                                             speech) -> None:
    t = np.arange(SR * 4) / SR
    sf.write(media / "bed.wav", (0.2 * np.sin(2 * np.pi * 5000 * t)).astype(np.float32), SR)
    sf.write(media / "interview.wav", speech["b2"].samples, speech["b2"].sample_rate)
    prog = Program(
        (Silence(ms=3000), BulletinItem(bulletin_id="b1"), Silence(ms=3000),
         Recording(path="interview.wav", label="b2"), Silence(ms=3000)),
        beds=(Bed(path="bed.wav", fade_in_ms=0, fade_out_ms=0),),
    )
    for depth in (settings.duck_db, 20.0):
        out = render(prog, settings_=settings.model_copy(update={"duck_db": depth}))
        x = out.samples
        r = {e.label: e for e in out.rundown}
        quiet = [tone_level(x[a * SR // 1000 : b * SR // 1000], 5000) for a, b in (
            (1000, 2500), (r["b1"].offset_ms + r["b1"].duration_ms + 1000,
                           r["b2"].offset_ms - 500))]
        ducked = [tone_level(x[(e.offset_ms + 300) * SR // 1000:
                               (e.offset_ms + e.duration_ms - 300) * SR // 1000], 5000)
                  for e in (r["b1"], r["b2"])]
        for q in quiet:
            for d in ducked:
                assert abs((q - d) - depth) < 1.0, (q, d, depth)


@pytest.mark.parametrize("hz,order", [(140.0, 4), (120.0, 2)])
def test_high_pass_attenuates_60_hz_by_the_configured_amount(render, settings, media: Path,
                                                             hz: float, order: int) -> None:
    r = 44100
    t = np.arange(r * 6) / r
    sf.write(media / "hum.wav", (0.25 * np.sin(2 * np.pi * 60 * t)
                                 + 0.25 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32), r)
    s = settings.model_copy(update={"highpass_hz": hz, "highpass_order": order})
    x = render(Program((Music(path="hum.wav"),)), settings_=s).samples
    mid = x[SR : 5 * SR]
    measured = tone_level(mid, 1000) - tone_level(mid, 60)
    expected = (dsp.highpass_attenuation_db(hz, order, 60)
                - dsp.highpass_attenuation_db(hz, order, 1000))
    assert abs(measured - expected) < 1.0, (measured, expected)
    assert measured > 10


def test_high_pass_can_be_switched_off(render, settings, media: Path) -> None:
    r = 44100
    t = np.arange(r * 6) / r
    sf.write(media / "hum0.wav", (0.25 * np.sin(2 * np.pi * 60 * t)
                                  + 0.25 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32), r)
    s = settings.model_copy(update={"highpass_hz": 0.0})
    x = render(Program((Music(path="hum0.wav"),)), settings_=s).samples[SR : 5 * SR]
    assert abs(tone_level(x, 1000) - tone_level(x, 60)) < 0.5


def test_overlap_crossfades_and_gaps_place_items(render, settings, media: Path) -> None:
    rng = np.random.default_rng(5)
    for name in ("steady1.wav", "steady2.wav"):  # steady noise: any dip or bump is the fade's
        sf.write(media / name, (0.1 * rng.standard_normal(SR * 8)).astype(np.float32), SR)
    prog = Program((
        Music(path="steady1.wav", fade_out_ms=2000),
        Music(path="steady2.wav", overlap_ms=2000, fade_in_ms=2000),
        BulletinItem(bulletin_id="b1", gap_ms=1500),
        Silence(ms=2000),
        Jingle(path="audio/chime-between.flac"),
    ))
    out = render(prog)
    m1, m2, b1, sil, j = out.rundown
    assert m2.offset_ms == m1.offset_ms + m1.duration_ms - 2000
    assert b1.offset_ms == m2.offset_ms + m2.duration_ms + 1500
    assert sil.offset_ms == b1.offset_ms + b1.duration_ms and sil.duration_ms == 2000
    assert j.offset_ms == sil.offset_ms + 2000  # no station gap next to a silence
    x = out.samples
    assert np.max(np.abs(x[(sil.offset_ms + 50) * SR // 1000 : (j.offset_ms - 50) * SR // 1000])) < 1e-3
    # the crossfade keeps the level steady: no hole and no bump over the overlap
    env = [lufs(x[a * SR // 1000 : (a + 1000) * SR // 1000]) for a in
           range(m2.offset_ms - 1500, m2.offset_ms + 2500, 500)]
    assert max(env) - min(env) < 1.5, env


def test_gain_and_fades_are_applied(render, settings) -> None:
    out = render(Program((Music(path="music.flac", gain_db=-6.0, fade_in_ms=3000),
                          Music(path="music.flac"))))
    a, b = out.rundown
    x = out.samples
    quiet = lufs(x[4 * SR : (a.duration_ms - 500) * SR // 1000])
    loud = lufs(x[(b.offset_ms + 3000) * SR // 1000 : (b.offset_ms + b.duration_ms) * SR // 1000])
    assert abs((loud - quiet) - 6.0) < 0.7
    head = np.abs(x[: SR // 10]).max()
    assert head < 0.1 * np.abs(x[4 * SR : 5 * SR]).max()  # fading in from silence


def test_every_format_and_rate_decodes_into_the_program(render, settings) -> None:
    names = ["music.ogg", "music.mp3", "music.flac", "music22k.wav", "music.m4a"]
    out = render(Program(tuple(Music(path=n) for n in names)))
    for e in out.rundown:
        assert e.flags == ()
        assert abs(e.duration_ms - 12000) < 60, e  # AAC adds a few ms of encoder priming
        assert abs(e.loudness_lufs - settings.loudness_lufs) < 1.0


def test_missing_and_corrupt_audio_is_flagged_and_the_program_still_builds(
        render, media: Path, settings) -> None:
    (media / "broken.mp3").write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 40)
    good = sf.read(str(media / "music.flac"))[0]
    sf.write(media / "cut.wav", good[:, 0].astype(np.float32), 44100)
    data = (media / "cut.wav").read_bytes()
    (media / "cut.wav").write_bytes(data[: len(data) // 2])  # header says more than is there
    prog = Program((Jingle(path="audio/chime-open.flac"), Jingle(path="nowhere.flac"),
                    Music(path="broken.mp3"), BulletinItem(bulletin_id="gone"),
                    Music(path="cut.wav"), BulletinItem(bulletin_id="b1")))
    out = render(prog)
    kinds = {e.label: e for e in out.rundown}
    assert kinds["nowhere.flac"].flags == ("missing",) and kinds["nowhere.flac"].duration_ms == 0
    assert kinds["broken.mp3"].flags == ("corrupt",)
    assert kinds["gone"].flags == ("missing",)
    assert "truncated" in kinds["cut.wav"].flags
    joined = "\n".join(out.warnings)
    for name in ("nowhere.flac", "broken.mp3", "gone", "cut.wav"):
        assert name in joined
    assert kinds["b1"].duration_ms > 1000 and kinds["b1"].flags == ()
    assert abs(lufs(out.samples) - settings.loudness_lufs) <= 0.5


def test_caller_speech_is_not_modified(render, speech) -> None:
    before = speech["b1"].samples.copy()
    render(Program((BulletinItem(bulletin_id="b1"),)))
    assert np.array_equal(before, speech["b1"].samples)


def test_speech_that_changes_while_the_program_renders_is_flagged(render, speech) -> None:
    calls: list[int] = []

    def changing(_bid: str) -> Clip:
        calls.append(1)
        clip = speech["b1"]
        if len(calls) == 1:
            return clip
        return Clip(clip.samples[::-1].copy(), clip.sample_rate)  # other audio, same length

    prog = Program((BulletinItem(bulletin_id="b1"),))
    steady = render(prog)
    assert "changed" not in steady.rundown[0].flags
    changed = render(prog, speech_map=_Calls(changing))
    assert "changed" in changed.rundown[0].flags


class _Calls(dict):
    """A speech map that asks a function each time."""

    def __init__(self, fn) -> None:
        super().__init__()
        self.fn = fn

    def get(self, key, default=None):
        return self.fn(key)


def test_cache_writes_atomically_and_hits_on_same_inputs(render, tmp_path: Path, settings,
                                                         media: Path) -> None:
    cache = tmp_path / "cache"
    first = render(station_program(), cache_dir=cache)
    assert not first.cached and first.wav_path == cache / f"{first.digest}.wav"
    assert sorted(p.name for p in cache.iterdir()) == [f"{first.digest}.json",
                                                       f"{first.digest}.wav"]
    info = sf.info(str(first.wav_path))
    assert (info.samplerate, info.channels, info.subtype) == (SR, 1, "PCM_16")
    rundown = json.loads(first.rundown_path.read_text(encoding="utf-8"))
    assert rundown["digest"] == first.digest and len(rundown["rundown"]) == 7
    assert {"kind", "label", "offset_ms", "duration_ms", "loudness_lufs", "true_peak_dbtp",
            "flags"} <= set(rundown["rundown"][0])
    again = render(station_program(), cache_dir=cache)
    assert again.cached and again.digest == first.digest
    assert again.rundown == first.rundown
    assert np.array_equal(again.samples, first.samples)
    # other settings, or other bytes in an input file, give another program
    louder = render(station_program(), cache_dir=cache,
                    settings_=settings.model_copy(update={"loudness_lufs": -14.0}))
    assert louder.digest != first.digest
    # a cache entry whose WAV does not match its rundown is not trusted
    first.wav_path.write_bytes(first.wav_path.read_bytes()[: 10000])
    redone = render(station_program(), cache_dir=cache)
    assert not redone.cached and sf.info(str(redone.wav_path)).frames == rundown["frames"]


def test_rendering_twice_is_identical(render) -> None:
    a, b = render(station_program()), render(station_program())
    assert a.digest == b.digest and np.array_equal(a.samples, b.samples)


def test_streaming_chunk_size_does_not_change_the_output(render, monkeypatch, media: Path) -> None:
    from broadcaster.program import render as render_mod

    rng = np.random.default_rng(11)  # hot noise: the limiter works across chunk boundaries
    sf.write(media / "hot.wav", np.clip(rng.standard_normal(SR * 5) * 0.5, -1, 1).astype(
        np.float32), SR, subtype="FLOAT")
    prog = Program((Music(path="hot.wav"), BulletinItem(bulletin_id="b1")))
    whole = render(prog).samples
    monkeypatch.setattr(render_mod, "CHUNK_S", 0.3)
    chunked = render(prog).samples
    assert np.array_equal(whole, chunked)


def test_old_renders_are_pruned_from_the_cache(render, tmp_path: Path) -> None:
    import os

    from broadcaster.program import prune_cache

    cache = tmp_path / "cache"
    old = render(Program((Jingle(path="audio/chime-open.flac"),)), cache_dir=cache)
    new = render(Program((Jingle(path="audio/chime-close.flac"),)), cache_dir=cache)
    for p in (old.wav_path, old.rundown_path):
        os.utime(p, (1_000_000, 1_000_000))
    for p in (new.wav_path, new.rundown_path):
        os.utime(p, (1_000_000 + 86_400 * 3, 1_000_000 + 86_400 * 3))
    gone = prune_cache(cache, now=1_000_000 + 86_400 * 3 + 60, max_age_s=86_400)
    assert sorted(gone) == sorted([old.wav_path, old.rundown_path])
    assert new.wav_path.exists() and new.rundown_path.exists()


def test_short_peaky_speech_program_still_reaches_the_target(render, settings) -> None:
    # espeak speech is peaky: the limiter takes more than a level correction could give back
    out = render(Program((Jingle(path="audio/chime-open.flac"), BulletinItem(bulletin_id="b1"),
                          Jingle(path="audio/chime-close.flac"))))
    assert abs(lufs(out.samples) - settings.loudness_lufs) <= 0.3
    assert true_peak_db(out.samples) <= settings.true_peak_dbtp


def test_speech_compression_narrows_the_level_swings(render, settings) -> None:
    def swing(out) -> float:
        e = out.rundown[0]
        x = out.samples[e.offset_ms * SR // 1000 : (e.offset_ms + e.duration_ms) * SR // 1000]
        hop = SR // 20  # 50 ms levels of the voiced parts
        lv = 10 * np.log10(np.square(x[: len(x) // hop * hop]).reshape(-1, hop).mean(axis=1) + 1e-12)
        lv = lv[lv > lv.max() - 30]
        return float(np.percentile(lv, 90) - np.percentile(lv, 10))

    prog = Program((BulletinItem(bulletin_id="b1"),))
    plain = render(prog, settings_=settings.model_copy(update={"compression": False}))
    squeezed = render(prog)
    assert swing(squeezed) < swing(plain) - 1.0, (swing(squeezed), swing(plain))


def test_overlapping_renders_hand_back_the_blas_threads_they_found() -> None:
    from threadpoolctl import threadpool_info

    from broadcaster.program.blas import one_blas_thread

    def blas_threads() -> list[int]:
        return [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]

    before = blas_threads()
    assert before  # numpy's BLAS is loaded: the test has something to watch
    first, second = one_blas_thread(), one_blas_thread()
    first.__enter__()
    second.__enter__()
    assert set(blas_threads()) <= {1}
    first.__exit__(None, None, None)  # the first render ends while the second still runs
    assert set(blas_threads()) <= {1}
    second.__exit__(None, None, None)
    assert blas_threads() == before


def test_a_failed_sync_leaves_no_temporary_file(render, tmp_path: Path, monkeypatch) -> None:
    from broadcaster.program import cache as cache_mod

    def broken(_path: Path) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(cache_mod, "_fsync", broken)
    cache = tmp_path / "cache"
    with pytest.raises(OSError):
        render(Program((Jingle(path="audio/chime-open.flac"),)), cache_dir=cache)
    assert list(cache.iterdir()) == []
