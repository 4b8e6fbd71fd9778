"""The players of rendered speech: rendered on demand by real espeak-ng in the desk's render
worker (never in a request's thread, never on the sound card), progress polled, the station's
own speech file and key (cached: a second listen renders nothing)."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from broadcaster.clock import SystemClock
from broadcaster.errors import SpeechError
from broadcaster.models import RenderState
from broadcaster.pipeline import Pipeline
from broadcaster.web.renders import Busy, Renders
from tests.web.conftest import Served, csrf, login

BODY = "Thông báo: ngày 5/12 phường tổ chức tiêm chủng tại trạm y tế từ 7h30."
LONG = " ".join(f"Câu thứ {i}: phường thông báo lịch tiêm chủng vắc-xin cho trẻ em tại tổ dân "
                f"phố số {i}, đề nghị các gia đình đưa trẻ đến đúng giờ." for i in range(1, 41))


def _add(served: Served, body: str = BODY, name: str = "tiem-chung.txt") -> str:
    (served.station.inbox_dir / name).write_text(body + "\n", encoding="utf-8")
    served.ingest()
    store = served.store()
    try:
        rec = store.by_source(name)
    finally:
        store.close()
    assert rec is not None
    return rec.id


def _state(html: str) -> str:
    m = re.search(r'class="player" data-state="([a-z]+)"', html)
    assert m, html
    return m.group(1)


def _poll(s: requests.Session, url: str, limit_s: float = 120.0) -> tuple[str, list[str]]:
    """GET the player until it is ready or failed; returns (last html, states seen)."""
    seen: list[str] = []
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        html = s.get(url, timeout=30).text
        seen.append(_state(html))
        if seen[-1] in ("ready", "failed"):
            return html, seen
        time.sleep(0.2)
    raise AssertionError(f"no speech after {limit_s} s: {seen[-5:]}")


def test_a_bulletin_is_rendered_on_demand_with_progress_and_cached(served: Served) -> None:
    bid = _add(served)
    s = login(served.url, "approver")
    page = s.get(f"{served.url}/bulletins/{bid}", timeout=30).text
    assert _state(page) == "idle" and f'hx-post="/bulletins/{bid}/listen"' in page
    r = s.post(f"{served.url}/bulletins/{bid}/listen", data={"csrf": csrf(s, served.url)},
               timeout=30)
    assert r.status_code == 200 and _state(r.text) in ("queued", "rendering", "ready")
    if _state(r.text) != "ready":
        assert 'hx-trigger="load delay:700ms"' in r.text and "<progress" in r.text
    html, _ = _poll(s, f"{served.url}/bulletins/{bid}/listen")
    assert _state(html) == "ready", html
    src = re.search(r'<audio controls preload="metadata" class="speech" src="([^"]+)"', html)
    assert src and src.group(1).startswith(f"/bulletins/{bid}/speech.wav")
    wav = s.get(served.url + src.group(1).replace("&amp;", "&"), timeout=30)
    assert wav.status_code == 200 and wav.headers["Content-Type"] == "audio/wav"
    assert wav.content[:4] == b"RIFF" and len(wav.content) > 20_000
    # the station's own file under its own key: the intake and the player share one cache
    store = served.store()
    try:
        bulletin = store.require(bid).bulletin()
    finally:
        store.close()
    ready = Pipeline(served.station, SystemClock(served.station.tz)).ready(bulletin)
    assert ready is not None and ready.read_bytes() == wav.content
    mtime = ready.stat().st_mtime_ns
    again = s.post(f"{served.url}/bulletins/{bid}/listen", data={"csrf": csrf(s, served.url)},
                   timeout=30)
    assert _state(again.text) == "ready" and ready.stat().st_mtime_ns == mtime  # not redone
    assert _state(s.get(f"{served.url}/bulletins/{bid}", timeout=30).text) == "ready"


def test_rendering_never_holds_up_other_requests(served: Served) -> None:
    bid = _add(served, LONG, "dai.txt")
    viewer = login(served.url, "viewer")  # a viewer plays what is ready, never starts a render
    assert viewer.post(f"{served.url}/bulletins/{bid}/listen", timeout=30,
                       data={"csrf": csrf(viewer, served.url)}).status_code == 403
    s = login(served.url, "editor")
    token = csrf(s, served.url)
    t0 = time.monotonic()
    r = s.post(f"{served.url}/bulletins/{bid}/listen", data={"csrf": token}, timeout=30)
    assert _state(r.text) in ("queued", "rendering"), "rendered inside the request"
    answered: list[float] = []
    while _state(s.get(f"{served.url}/bulletins/{bid}/listen", timeout=30).text) != "ready":
        t1 = time.monotonic()
        assert s.get(served.url + "/bulletins", timeout=30).status_code == 200
        answered.append(time.monotonic() - t1)
        assert time.monotonic() - t0 < 180
        time.sleep(0.1)
    assert answered, "the render finished before any other request was tried"
    # a page answered while espeak-ng was busy in the worker (generous: a loaded 2-core box)
    assert max(answered) < 2.0, answered


def test_the_forms_text_is_read_as_a_draft(served: Served) -> None:
    s = login(served.url, "editor")
    form = s.get(served.url + "/bulletins/new", timeout=30).text
    assert 'hx-post="/speech/draft"' in form and 'hx-include="closest form"' in form
    r = s.post(served.url + "/speech/draft", timeout=30,
               data={"csrf": csrf(s, served.url), "body": "Họp dân lúc 19h30."})
    assert r.status_code == 200
    key = re.search(r'/speech/draft/([0-9a-f]{20})', r.text)
    assert key, r.text
    html, _ = _poll(s, f"{served.url}/speech/draft/{key.group(1)}")
    assert _state(html) == "ready"
    wav = s.get(f"{served.url}/speech/draft/{key.group(1)}.wav", timeout=30)
    assert wav.status_code == 200 and wav.content[:4] == b"RIFF"
    assert list(served.station.var("desk", "speech").glob("nhap-*.wav"))
    empty = s.post(served.url + "/speech/draft", data={"csrf": csrf(s, served.url), "body": " "},
                   timeout=30)
    assert "nhập nội dung" in empty.text
    assert s.get(f"{served.url}/speech/draft/{'0' * 20}.wav", timeout=30).status_code == 404
    viewer = login(served.url, "viewer")
    assert viewer.post(served.url + "/speech/draft", timeout=30, data={
        "csrf": csrf(viewer, served.url), "body": "x"}).status_code == 403


def test_a_recording_or_unknown_bulletin_has_no_speech_player(served: Served) -> None:
    s = login(served.url, "viewer")
    assert s.get(f"{served.url}/bulletins/khong-co/listen", timeout=30).status_code == 404
    assert s.get(f"{served.url}/bulletins/khong-co/speech.wav", timeout=30).status_code == 404
    bid = _add(served)
    assert s.get(f"{served.url}/bulletins/{bid}/speech.wav", timeout=30).status_code == 404


def test_render_worker_reports_progress_failure_and_a_full_queue() -> None:
    renders = Renders(max_queued=2)
    gate = threading.Event()
    seen: list[tuple[int, int]] = []

    def slow(progress):  # type: ignore[no-untyped-def]
        for i in range(1, 4):
            progress(i, 3)
            job = renders.job("a")
            assert job is not None
            seen.append((job.done, job.total))
        gate.wait(10)
        return Path("/x.wav")

    def bad(progress):  # type: ignore[no-untyped-def]
        raise SpeechError("every speech engine failed")

    try:
        assert renders.submit("a", slow).state == RenderState.QUEUED
        assert renders.submit("a", slow).key == "a"  # the same key is not queued twice
        renders.submit("b", bad)
        renders.submit("c", bad)
        with pytest.raises(Busy):
            renders.submit("d", bad)  # bounded: the desk answers "busy", it never piles up
        gate.set()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # one worker, in order: c is the last one
            c = renders.job("c")
            if c is not None and c.state == RenderState.FAILED:
                break
            time.sleep(0.02)
        a, b = renders.job("a"), renders.job("b")
        assert a is not None and a.state == RenderState.READY and a.path == Path("/x.wav")
        assert (a.done, a.total, a.percent) == (3, 3, 100) and seen == [(1, 3), (2, 3), (3, 3)]
        assert b is not None and b.state == RenderState.FAILED and "engine" in b.error
        assert renders.submit("b", slow).state == RenderState.QUEUED  # a failed one may retry
    finally:
        gate.set()
        renders.close()


def test_the_desks_speech_never_loads_the_sound_card_library(station_dir: Path) -> None:
    code = (
        "import sys\n"
        "from broadcaster.config import load_station\n"
        "from broadcaster.clock import SystemClock\n"
        "from broadcaster.web.app import make_app\n"
        "from broadcaster.web.renders import Listening, draft_bulletin\n"
        f"st = load_station({str(station_dir)!r})\n"
        "make_app(st)\n"
        "li = Listening(st, SystemClock(st.tz))\n"
        "b = draft_bulletin('Xin chào bà con.')\n"
        "li.start(b, draft=True)\n"
        "import time\n"
        "t0 = time.monotonic()\n"
        "while (li.state(b, draft=True) is None or li.state(b, draft=True).state != 'ready')"
        " and time.monotonic() - t0 < 60: time.sleep(0.1)\n"
        "assert li.state(b, draft=True).state == 'ready'\n"
        "li.close()\n"
        "print('sounddevice' in sys.modules, 'broadcaster.air.soundcard' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False"]
