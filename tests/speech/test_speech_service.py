"""The pipeline's render-ahead: speech is made on arrival, never blocks, retries later, verified WAVs."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
import soundfile as sf
from speech_fakes import FakeGoogle, closed_port

from broadcaster.clock import FakeClock
from broadcaster.config import Station, parse_settings
from broadcaster.models import Bulletin, BulletinMeta
from broadcaster.pipeline import Pipeline
from broadcaster.speech import SpeechCache, build_engines

BODY = ("THÔNG BÁO\n\nỦy ban nhân dân phường thông báo lịch tiêm chủng mở rộng cho trẻ em "
        "vào sáng thứ Bảy ngày 15/3/2025 tại nhà văn hóa tổ dân phố số 4. Đề nghị các gia đình "
        "đưa trẻ đến đúng giờ.")


@pytest.fixture
def station(tmp_path: Path) -> Station:
    """A station folder with the shipped settings (no template files needed here)."""
    return Station(tmp_path / "station", parse_settings("", "station.yaml"))


def make(station: Station, speech_settings, engines: tuple[str, ...], url: str,
         clock: FakeClock) -> Pipeline:
    speech = speech_settings.model_copy(update={"engines": engines})
    st = Station(station.root, station.settings.model_copy(update={"speech": speech}))
    eng = build_engines(speech, monotonic=clock.monotonic, endpoints={"gtts": url})
    cache = SpeechCache(st.var("cache", "speech"), speech.cache_max_mb * 1024 * 1024)
    return Pipeline(st, clock, engines=eng, cache=cache)


def clock() -> FakeClock:
    return FakeClock(dt.datetime(2025, 3, 14, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))))


def bulletin(body: str = BODY, **meta) -> Bulletin:
    return Bulletin(id="tiem-chung", source=Path("tiem-chung.txt"), body=body,
                    meta=BulletinMeta(**meta))


def test_submit_never_blocks_and_speech_is_ready_ahead(station, speech_settings) -> None:
    fake = FakeGoogle(latency_s=0.3)
    svc = make(station, speech_settings, ("gtts", "espeak"), fake.url, clock())
    svc.start()
    try:
        b = bulletin()
        t0 = time.monotonic()
        svc.submit(b)
        assert time.monotonic() - t0 < 0.1
        assert svc.ready(b) is None  # not yet: playout would not air it
        deadline = time.monotonic() + 20
        while svc.ready(b) is None and time.monotonic() < deadline:
            time.sleep(0.05)
        path = svc.ready(b)
        assert path is not None and path.parent == station.root / "var" / "speech"
        info = sf.info(str(path))
        assert info.duration > 5 and info.samplerate == 24000
        assert svc.info(b).engine == "gtts" and svc.info(b).note == ""
        assert svc.pending() == 0 and svc.heartbeat is not None
    finally:
        svc.stop()
        fake.close()


def test_changed_text_is_rendered_again_and_corrupt_wav_is_never_ready(
        station, speech_settings, google: FakeGoogle) -> None:
    svc = make(station, speech_settings, ("gtts",), google.url, clock())
    b1 = bulletin()
    svc.submit(b1)
    assert svc.run_pending() == 1
    p1 = svc.ready(b1)
    assert p1 is not None
    b2 = bulletin(BODY.replace("tổ dân phố số 4", "tổ dân phố số 5"))
    assert svc.ready(b2) is None
    svc.submit(b2)
    svc.run_pending()
    p2 = svc.ready(b2)
    assert p2 is not None and p2 != p1
    sent = google.requests
    # damage the finished file: it must not be offered for air
    data = p2.read_bytes()
    p2.write_bytes(data[: len(data) // 2])
    assert svc.ready(b2) is None
    svc.submit(b2)
    svc.run_pending()
    assert svc.ready(b2) is not None
    assert google.requests == sent  # re-made from the verified speech cache, no network


def test_failure_is_retried_later_and_fallback_is_upgraded(station, speech_settings) -> None:
    clk = clock()
    svc = make(station, speech_settings, ("gtts", "espeak"), f"http://127.0.0.1:{closed_port()}/x",
               clk)
    b = bulletin()
    svc.submit(b)
    svc.run_pending()
    info = svc.info(b)
    assert info is not None and info.engine == "espeak"  # never dropped: fell back
    assert "fallback from gtts" in info.note and "refused" in info.note
    assert svc.pending() == 1  # the preferred engine is tried again later
    assert svc.run_pending() == 0  # ... not right away
    fake = FakeGoogle()
    try:
        svc.engines[0].url = fake.url  # the network is back
        clk.advance(speech_settings.retry_later_s + 1)
        assert svc.run_pending() == 1
        info = svc.info(b)
        assert info is not None and info.engine == "gtts" and "upgraded from espeak" in info.note
        assert svc.pending() == 0
    finally:
        fake.close()


def test_all_engines_down_keeps_the_bulletin_queued(station, speech_settings) -> None:
    clk = clock()
    svc = make(station, speech_settings, ("gtts",), f"http://127.0.0.1:{closed_port()}/x", clk)
    b = bulletin()
    svc.submit(b)
    svc.run_pending()
    assert svc.ready(b) is None and svc.pending() == 1 and "gtts" in svc.last_error
    fake = FakeGoogle()
    try:
        svc.engines[0].url = fake.url
        clk.advance(speech_settings.retry_later_s + 1)
        svc.run_pending()
        assert svc.ready(b) is not None and svc.pending() == 0
    finally:
        fake.close()


def test_bulletin_voice_choice_is_used(station, speech_settings, google: FakeGoogle) -> None:
    svc = make(station, speech_settings, ("gtts", "espeak"), google.url, clock())
    b = bulletin(engine="espeak", voice="vi-vn-x-south")
    svc.submit(b)
    svc.run_pending()
    info = svc.info(b)
    assert info is not None and (info.engine, info.voice) == ("espeak", "vi-vn-x-south")
    assert google.requests == 0


def test_unknown_engine_or_voice_in_a_bulletin_never_stops_it(station, speech_settings,
                                                              google: FakeGoogle) -> None:
    svc = make(station, speech_settings, ("gtts",), google.url, clock())
    b = bulletin(engine="edge", voice="en-US-Nobody")
    svc.submit(b)
    svc.run_pending()
    info = svc.info(b)
    assert info is not None and info.engine == "gtts" and info.voice == "vi"
