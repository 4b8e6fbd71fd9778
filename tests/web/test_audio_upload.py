"""A recording uploaded through the desk: recognised by its content, written into inbox/ with
its title, priority and repeat, played back on the page through an authenticated route that
serves nothing outside the station's folders, and taken by intake like a dropped one."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import requests

from tests.inbox.audiofiles import encode, speech_samples
from tests.web.conftest import Served, csrf, login


def _recording(tmp_path: Path, suffix: str) -> bytes:
    return encode(*speech_samples(), tmp_path / f"rec{suffix}").read_bytes()


def _upload(s: requests.Session, served: Served, name: str, data: bytes,
            **fields: str) -> requests.Response:
    return s.post(served.url + "/bulletins/new", timeout=60,
                  data={"csrf": csrf(s, served.url), "body": "", **fields},
                  files={"file": (name, data, "application/octet-stream")})


def test_an_uploaded_recording_plays_back_and_becomes_a_recorded_bulletin(
        served: Served, tmp_path: Path) -> None:
    data = _recording(tmp_path, ".mp3")
    editor = login(served.url, "editor")
    r = _upload(editor, served, "Tin <b>phường</b>.mp3", data, title="Lịch <i>tiêm</i>",
                priority="priority", repeat="2")
    assert r.status_code == 200, r.text
    assert "<audio" in r.text and "<b>phường" not in r.text
    (src,) = [part.split('"')[0] for part in r.text.split('src="/recordings/')[1:]]
    name = src
    assert (served.station.inbox_dir / name).read_bytes() == data
    got = editor.get(f"{served.url}/recordings/{name}", timeout=10)
    assert got.status_code == 200 and got.content == data
    assert got.headers["Content-Type"] == "audio/mpeg"
    # no session, no file
    anon = requests.get(f"{served.url}/recordings/{name}", timeout=10, allow_redirects=False)
    assert anon.status_code in (302, 303, 401, 403) and anon.content != data
    served.ingest()
    store = served.store()
    (rec,) = store.all()
    store.close()
    assert rec.audio is not None and rec.script_text == ""
    assert (rec.title, rec.priority, rec.repeat) == ("Lịch <i>tiêm</i>", "priority", 2)
    assert rec.state == "awaiting_approval"
    queue = login(served.url, "approver").get(f"{served.url}/approvals", timeout=10).text
    assert f'src="/bulletins/{rec.id}/recording"' in queue and rec.content_hash in queue
    page = editor.get(f"{served.url}/bulletins/{rec.id}", timeout=10).text
    assert f'src="/bulletins/{rec.id}/recording"' in page and "Lịch <i>" not in page
    kept = editor.get(f"{served.url}/bulletins/{rec.id}/recording", timeout=10)
    assert kept.status_code == 200 and kept.content == data


def test_a_recording_named_txt_is_taken_as_a_recording(served: Served, tmp_path: Path) -> None:
    data = _recording(tmp_path, ".amr")
    editor = login(served.url, "editor")
    r = _upload(editor, served, "ghi-am.txt", data)
    assert r.status_code == 200, r.text
    assert [p.suffix for p in served.station.inbox_dir.iterdir() if p.suffix != ".yaml"] == [
        ".amr"]
    served.ingest()
    store = served.store()
    (rec,) = store.all()
    store.close()
    assert rec.audio is not None and rec.title == "ghi-am"


def test_a_damaged_recording_is_refused_and_nothing_reaches_the_inbox(
        served: Served, tmp_path: Path) -> None:
    head = _recording(tmp_path, ".mp3")[:10]
    editor = login(served.url, "editor")
    junk = head + np.random.default_rng(3).bytes(5000)
    r = _upload(editor, served, "hong.mp3", junk)
    assert r.status_code == 400 and "hong.mp3" in r.text
    assert not [p for p in served.station.inbox_dir.rglob("*") if p.is_file()]


def test_the_recording_routes_serve_nothing_outside_the_station_folders(
        served: Served, tmp_path: Path) -> None:
    editor = login(served.url, "editor")
    (served.station.root / "secret.mp3").write_bytes(b"ID3 not for you")
    for path in ("/recordings/..%2Fsecret.mp3", "/recordings/../secret.mp3",
                 "/recordings/station.yaml", "/recordings/missing.mp3",
                 "/bulletins/no-such/recording"):
        r = editor.get(served.url + path, timeout=10)
        assert r.status_code == 404, path
        assert b"not for you" not in r.content
    viewer = login(served.url, "viewer")
    (served.station.inbox_dir).mkdir(exist_ok=True)
    (served.station.inbox_dir / "a.mp3").write_bytes(_recording(tmp_path, ".mp3"))
    assert viewer.get(served.url + "/recordings/a.mp3", timeout=10).status_code == 403


def test_an_emergency_recording_is_confirmed_then_sent_to_the_station_as_a_kept_file(
        served: Served, tmp_path: Path) -> None:
    from broadcaster.air.control import ControlServer

    calls: list[dict[str, object]] = []
    server = ControlServer(served.station.var_dir, lambda req: (
        req["cmd"] == "emergency" and calls.append(req), {"ok": True, "key": "k"})[1])
    data = _recording(tmp_path, ".m4a")
    server.start()
    try:
        s = login(served.url, "operator")
        r = s.post(served.url + "/emergency", timeout=60,
                   data={"csrf": csrf(s, served.url), "text": "", "repeat": "2"},
                   files={"audio": ("Bão <b>số 9</b>.m4a", data, "audio/mp4")})
        assert r.status_code == 200 and 'id="emergency-recording"' in r.text, r.text
        assert "<b>số 9" not in r.text and not calls  # the name shown as text; not on air yet
        kept = re.search(r'name="recording" value="([^"]+)"', r.text)
        assert kept is not None
        r = s.post(served.url + "/emergency", timeout=30, data={
            "csrf": csrf(s, served.url), "text": "", "repeat": "2", "recording": kept.group(1),
            "recording_name": "Bão số 9.m4a", "confirmed": "yes"})
        assert r.status_code == 200 and 'id="emergency-done"' in r.text
        (call,) = calls
        path = Path(str(call["audio"]))
        assert call["repeat"] == 2 and "text" not in call
        assert path.parent == served.station.var_dir / "emergency" and path.read_bytes() == data
        # a name that is not one the desk kept never reaches the station
        r = s.post(served.url + "/emergency", timeout=30, data={
            "csrf": csrf(s, served.url), "repeat": "1", "recording": "../../station.yaml",
            "confirmed": "yes"})
        assert r.status_code == 409 and len(calls) == 1
    finally:
        server.stop()


def test_an_emergency_upload_that_is_not_audio_is_refused(served: Served) -> None:
    s = login(served.url, "operator")
    r = s.post(served.url + "/emergency", timeout=30,
               data={"csrf": csrf(s, served.url), "text": "", "repeat": "1"},
               files={"audio": ("bao.mp3", b"MZ\x90\x00" + b"\x00" * 2000, "audio/mpeg")})
    assert r.status_code == 400 and "bao.mp3" in r.text
    assert not list((served.station.var_dir / "emergency").glob("*"))
