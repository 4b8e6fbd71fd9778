"""Ingest: claim, decode, keep the original, versions, withdrawal, rejections with a Vietnamese
note, the stability wait, disk full and crashes at every step (nothing lost), the watcher."""

from __future__ import annotations

import datetime as dt
import errno
import time
from pathlib import Path

import pytest

from broadcaster.clock import FakeClock, SystemClock
from broadcaster.config import Station
from broadcaster.inbox import ingest as ingest_mod
from broadcaster.inbox.ingest import Ingester
from broadcaster.inbox.store import BulletinStore, store_path
from broadcaster.inbox.watcher import InboxWatcher
from broadcaster.models import Bulletin

GOOD = "---\ntitle: Tiêm chủng\ntags: [y-te]\npriority: priority\n---\nNgày 5/12 trạm y tế phường tiêm vắc-xin.\n"


def _setup(station: Station, clock: FakeClock | None = None, **kw: object
           ) -> tuple[Ingester, BulletinStore, FakeClock]:
    clock = clock or FakeClock(dt.datetime(2026, 12, 1, 8, 0, tzinfo=station.tz))
    store = BulletinStore(store_path(station), approval=station.settings.approval, now=clock.now())
    return Ingester(station, store, clock, **kw), store, clock  # type: ignore[arg-type]


def test_ingest_keeps_original_stores_script_and_puts_the_file_back(quiet_station: Station) -> None:
    ing, store, _ = _setup(quiet_station)
    drop = quiet_station.inbox_dir / "Y tế" / "Tiêm chủng.txt"
    drop.parent.mkdir()
    drop.write_text(GOOD, encoding="utf-8")
    (out,) = ing.drain()
    assert out.state == "ingested" and out.bulletin_id == "y-te-tiem-chung"
    rec = store.get("y-te-tiem-chung")
    assert rec.title == "Tiêm chủng" and rec.priority == "priority" and rec.tags == ("y-te",)
    assert rec.source == "Y tế/Tiêm chủng.txt" and rec.state == "approved"
    assert "năm tháng mười hai" in rec.script_text  # the text stage's spoken form
    assert rec.original.read_text(encoding="utf-8") == GOOD
    assert drop.read_text(encoding="utf-8") == GOOD  # back where the editor put it
    assert ing.drain() == []  # the put-back file is known: not ingested again
    assert [i.state for i in store.intake()] == ["ingested"]


@pytest.mark.parametrize(("name", "data", "words"), [
    ("nhi-phan.txt", bytes(range(256)) * 40, "nhị phân"),
    ("trong.txt", b"", "trống"),
    ("anh.jpg", b"\xff\xd8\xff\xe0JFIF", ".jpg"),
    ("cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".docx"),
    ("dau-sai.txt", "---\ntitle: [a\n---\nNội dung.\n".encode(), "dau-sai.txt:"),
    ("chi-dau.txt", "---\ntitle: Chỉ có phần đầu\n---\n".encode(), "không có"),
    ("hai-lan.txt", "---\ntitle: A\nrepeat: 2\nrepeat: 3\n---\nNội dung.\n".encode(),
     "hai-lan.txt:4: khóa 'repeat' xuất hiện hai lần (dòng 3 và dòng 4)"),
])
def test_unusable_files_go_to_rejected_with_a_vietnamese_note(
        quiet_station: Station, name: str, data: bytes, words: str) -> None:
    ing, store, _ = _setup(quiet_station)
    (quiet_station.inbox_dir / name).write_bytes(data)
    (out,) = ing.drain()
    assert out.state == "rejected"
    kept = quiet_station.inbox_dir / "rejected" / name
    assert kept.read_bytes() == data  # the editor's file, untouched
    note = (kept.parent / f"{name}.loi.txt").read_text(encoding="utf-8")
    assert note.startswith(f"TỆP BỊ TỪ CHỐI: {name}")
    assert "Lỗi:" in note and "Cách sửa:" in note and words in note
    assert "claimed" not in note  # the file is named as the editor knows it
    assert store.all() == [] and [i.state for i in store.intake()] == ["rejected"]
    assert not (quiet_station.inbox_dir / name).exists()


def test_same_name_is_a_new_version_and_deleting_withdraws(quiet_station: Station) -> None:
    ing, store, _ = _setup(quiet_station)
    drop = quiet_station.inbox_dir / "mat-dien.txt"
    drop.write_text("Ngày mai mất điện từ 7 giờ.", encoding="utf-8")
    ing.drain()
    drop.write_text("Ngày mai mất điện từ 8 giờ.", encoding="utf-8")
    ing.drain()
    rec = store.get("mat-dien")
    assert rec.version == 2 and "tám giờ" in rec.script_text
    assert [v["version"] for v in store.versions("mat-dien")] == [1, 2]
    assert (quiet_station.var_dir / "originals" / "mat-dien" / "v1-mat-dien.txt").is_file()
    # the same bytes again: no new version
    drop.write_text("Ngày mai mất điện từ 8 giờ.", encoding="utf-8")
    (out,) = ing.drain()
    assert out.state == "unchanged" and store.get("mat-dien").version == 2
    drop.unlink()
    ing.poll_once()
    assert store.get("mat-dien").state == "approved"  # missing once: maybe a share's hiccup
    ing.poll_once()
    rec = store.get("mat-dien")
    assert rec.state == "withdrawn" and "xóa" in rec.reason


def test_a_broken_replacement_keeps_the_previous_version_on_air(quiet_station: Station) -> None:
    ing, store, _ = _setup(quiet_station)
    drop = quiet_station.inbox_dir / "hop-dan.txt"
    drop.write_text("Họp dân tối thứ sáu.", encoding="utf-8")
    ing.drain()
    drop.write_bytes(b"\x00\x01\x02" * 500)
    (out,) = ing.drain()
    assert out.state == "rejected"
    note = (quiet_station.inbox_dir / "rejected" / "hop-dan.txt.loi.txt").read_text("utf-8")
    assert "phiên bản 1" in note  # tells the editor the old one stays
    assert store.get("hop-dan").state == "approved" and store.get("hop-dan").version == 1
    assert drop.read_text(encoding="utf-8") == "Họp dân tối thứ sáu."
    for _ in range(3):
        ing.poll_once()
    assert store.get("hop-dan").state == "approved"  # not withdrawn by the rejection


def test_waits_until_the_file_is_complete(quiet_station: Station) -> None:
    ing, store, clock = _setup(quiet_station, stable_seconds=1.0)
    drop = quiet_station.inbox_dir / "dang-ghi.txt"
    drop.write_text("Phần đầu", encoding="utf-8")
    assert ing.poll_once() == []
    clock.advance(0.6)
    with drop.open("a", encoding="utf-8") as fh:  # still being written (e.g. over the network)
        fh.write(", phần sau của bản tin.")
    assert ing.poll_once() == []
    clock.advance(0.6)
    assert ing.poll_once() == []  # changed 0.6 s ago: not yet
    clock.advance(0.5)
    (out,) = ing.poll_once()
    assert out.state == "ingested"
    assert "phần sau" in store.get("dang-ghi").script_text


def test_editor_temp_and_lock_files_are_left_alone(quiet_station: Station) -> None:
    ing, _, _ = _setup(quiet_station)
    for name in ("~$ban-tin.docx", ".~lock.ban-tin.docx#", "ban-tin.docx.tmp", ".an.txt"):
        (quiet_station.inbox_dir / name).write_bytes(b"x")
    assert ing.drain() == []


class Crash(BaseException):
    """What a SIGKILL does to the code in hand: nothing after this point runs."""


@pytest.mark.parametrize("where", ["read", "copy", "commit", "put_back", "reject_rename"])
def test_a_crash_at_any_step_is_finished_on_restart(quiet_station: Station,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    where: str) -> None:
    text = "Bản tin về vệ sinh môi trường." if where != "reject_rename" else "\x00\x01" * 300
    drop = quiet_station.inbox_dir / "ve-sinh.txt"
    drop.write_text(text, encoding="utf-8")
    ing, store, clock = _setup(quiet_station)

    def boom(*a: object, **k: object) -> None:
        raise Crash

    with monkeypatch.context() as m:
        if where == "read":
            m.setattr(ing, "_read", boom)
        elif where == "copy":
            m.setattr(ing_mod_copy_target().durable, "copy_file", boom)
        elif where == "commit":
            m.setattr(store, "add_version", boom)
        elif where == "put_back":
            m.setattr(ing, "_put_back", boom)
        else:
            m.setattr(ing, "_finish_reject", boom)
        with pytest.raises(Crash):
            ing.drain()
    store.close()
    ing2, store2, _ = _setup(quiet_station, clock)  # the restarted station
    ing2.recover(force=True)
    ing2.drain()
    (row,) = store2.intake()
    if where == "reject_rename":
        assert row.state == "rejected"
        assert (quiet_station.inbox_dir / "rejected" / "ve-sinh.txt").is_file()
        assert (quiet_station.inbox_dir / "rejected" / "ve-sinh.txt.loi.txt").is_file()
    else:
        assert row.state == "ingested"
        (rec,) = store2.all()
        assert rec.version == 1 and "vệ sinh" in rec.script_text
        assert drop.read_text(encoding="utf-8") == text
    leftovers = [p for p in (quiet_station.var_dir / "inbox" / "claimed").rglob("*") if p.is_file()]
    assert leftovers == []


def ing_mod_copy_target():  # type: ignore[no-untyped-def]
    return ingest_mod


def test_disk_full_keeps_the_file_and_retries(quiet_station: Station,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    ing, store, clock = _setup(quiet_station)
    alerts: list[str] = []
    ing.on_disk_error = alerts.append
    drop = quiet_station.inbox_dir / "dai.txt"
    drop.write_text("Thông báo dài.", encoding="utf-8")

    def full(src: Path, dst: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ingest_mod.durable, "copy_file", full)
    (out,) = ing.drain()
    assert out.state == "deferred" and alerts and "space" in alerts[0]
    (row,) = store.intake()
    assert row.state == "claimed" and row.claim.read_text(encoding="utf-8") == "Thông báo dài."
    ing.poll_once()  # too soon: still waiting for the retry time
    assert store.intake()[0].state == "claimed"
    monkeypatch.undo()  # space freed
    clock.advance(ing.retry_seconds + 1)
    ing.poll_once()
    assert store.intake()[0].state == "ingested" and store.get("dai").version == 1
    assert drop.read_text(encoding="utf-8") == "Thông báo dài."


def test_orphan_claim_without_journal_is_taken_in(quiet_station: Station) -> None:
    """A power cut can lose the journal's last transaction; the claimed file is still there."""
    orphan = quiet_station.var("inbox", "claimed", "deadbeef") / "le-hoi.txt"
    orphan.write_text("Lễ hội văn hóa phường.", encoding="utf-8")
    ing, store, _ = _setup(quiet_station)
    ing.recover(force=True)
    assert store.get("le-hoi").version == 1
    assert (quiet_station.inbox_dir / "le-hoi.txt").is_file()


class FakeSpeech:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.submitted: list[Bulletin] = []

    def submit(self, bulletin: Bulletin) -> None:
        # like the pipeline: a bulletin already queued is not queued again
        if all((b.id, b.version) != (bulletin.id, bulletin.version) for b in self.submitted):
            self.submitted.append(bulletin)

    def ready(self, bulletin: Bulletin) -> Path | None:
        path = self.out / f"{bulletin.id}-{bulletin.version}.wav"
        return path if path.exists() else None


def test_speech_is_requested_ahead_and_recorded_when_ready(quiet_station: Station,
                                                           tmp_path: Path) -> None:
    speech = FakeSpeech(tmp_path)
    ing, store, _ = _setup(quiet_station, speech=speech)
    (quiet_station.inbox_dir / "a.txt").write_text("Bản tin a.", encoding="utf-8")
    ing.drain()
    assert [b.id for b in speech.submitted] == ["a"] and speech.submitted[0].body == "Bản tin a."
    assert store.get("a").speech_path is None
    (tmp_path / "a-1.wav").write_bytes(b"RIFF")
    ing.poll_once()
    assert store.get("a").speech_path == tmp_path / "a-1.wav"
    (rec,) = store.eligible(dt.datetime(2026, 12, 1, 9, 0, tzinfo=quiet_station.tz))
    assert rec.speech_path == tmp_path / "a-1.wav"


def test_watcher_notices_a_drop_within_two_seconds(quiet_station: Station) -> None:
    store = BulletinStore(store_path(quiet_station))
    ing = Ingester(quiet_station, store, SystemClock(quiet_station.tz), stable_seconds=0.3)
    watcher = InboxWatcher(ing, SystemClock(quiet_station.tz), poll_seconds=30.0)
    watcher.start()
    try:
        time.sleep(0.3)
        assert watcher.events  # inotify here; polling covers network shares
        dropped = time.monotonic()
        (quiet_station.inbox_dir / "nhanh.txt").write_text("Thông báo nhanh.", encoding="utf-8")
        while store.get("nhanh") is None and time.monotonic() - dropped < 5:
            time.sleep(0.02)
        took = time.monotonic() - dropped
    finally:
        watcher.stop()
    assert store.get("nhanh") is not None and took < 2.0, took


def test_polling_alone_finds_files(quiet_station: Station) -> None:
    store = BulletinStore(store_path(quiet_station))
    ing = Ingester(quiet_station, store, SystemClock(quiet_station.tz), stable_seconds=0.1)
    watcher = InboxWatcher(ing, SystemClock(quiet_station.tz), poll_seconds=0.2,
                           use_events=False)
    watcher.start()
    try:
        (quiet_station.inbox_dir / "cham.txt").write_text("Thông báo.", encoding="utf-8")
        end = time.monotonic() + 5
        while store.get("cham") is None and time.monotonic() < end:
            time.sleep(0.05)
    finally:
        watcher.stop()
    assert not watcher.events and store.get("cham") is not None


def _spoken_ahead(station: Station) -> BulletinStore:
    """One bulletin ingested and its speech rendered ahead by the real speech service."""
    from broadcaster.pipeline import Pipeline

    clock = SystemClock(station.tz)
    speech = Pipeline(station, clock, no_cache=True)
    store = BulletinStore(store_path(station))
    ing = Ingester(station, store, clock, speech=speech)
    (station.inbox_dir / "loa.txt").write_text("Loa phường phát lúc sáu giờ.", "utf-8")
    ing.drain()
    assert speech.run_pending() == 1  # what the service's thread does in the station
    ing.sync_speech()
    return store


def test_real_speech_service_renders_ahead_into_var(quiet_station: Station) -> None:
    store = _spoken_ahead(quiet_station)
    rec = store.get("loa")
    assert rec.speech_path is not None and rec.speech_path.parent == quiet_station.var_dir / "speech"
    import soundfile as sf

    assert sf.info(str(rec.speech_path)).duration > 1.0


def test_a_really_full_disk_loses_nothing(quiet_station: Station) -> None:
    """A child process whose files may not grow past 64 KiB (RLIMIT_FSIZE: the OS answers
    EFBIG, as a full disk answers ENOSPC) tries to ingest a 200 KiB bulletin."""
    import subprocess
    import sys

    body = ("Thông báo về kế hoạch phòng chống thiên tai của phường. " * 3000).encode("utf-8")
    (quiet_station.inbox_dir / "dai.txt").write_bytes(body)
    store = BulletinStore(store_path(quiet_station))
    store.close()  # the database exists before the limit applies
    code = (
        "import resource, signal, sys\n"
        "from broadcaster.config import load_station\n"
        "from broadcaster.clock import SystemClock\n"
        "from broadcaster.inbox.ingest import Ingester\n"
        "from broadcaster.inbox.store import BulletinStore, store_path\n"
        "st = load_station(sys.argv[1])\n"
        "store = BulletinStore(store_path(st))\n"
        "ing = Ingester(st, store, SystemClock(st.tz))\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, resource.RLIM_INFINITY))\n"
        "print(','.join(o.state for o in ing.drain(max_passes=1)))\n")
    out = subprocess.run([sys.executable, "-c", code, str(quiet_station.root)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "deferred", out.stdout + out.stderr
    store = BulletinStore(store_path(quiet_station))
    (row,) = store.intake()
    assert row.state == "claimed" and row.claim.read_bytes() == body  # kept, whole
    assert not list((quiet_station.var_dir / "originals").rglob("*.txt"))  # no partial copy
    ing = Ingester(quiet_station, store, SystemClock(quiet_station.tz))  # space is back
    ing.recover(force=True)
    assert store.intake()[0].state == "ingested"
    assert store.get("dai").original.read_bytes() == body
    assert (quiet_station.inbox_dir / "dai.txt").read_bytes() == body


def test_inbox_on_another_file_system_is_claimed_in_place(quiet_station: Station) -> None:
    """An inbox on a mounted share: rename into var/ would fail (EXDEV), so claims stay on the
    share's file system, in a hidden folder the scan skips."""
    import shutil
    import tempfile

    shm = Path("/dev/shm")
    if not shm.is_dir() or shm.stat().st_dev == quiet_station.root.stat().st_dev:
        pytest.fail("this test needs /dev/shm on its own file system (Linux tmpfs)")
    share = Path(tempfile.mkdtemp(dir=shm))
    try:
        shutil.rmtree(quiet_station.inbox_dir)
        quiet_station.inbox_dir.symlink_to(share)
        ing, store, _ = _setup(quiet_station)
        assert ing.claim_root == quiet_station.inbox_dir / ".dang-xu-ly"
        (share / "chia-se.txt").write_text("Tin từ máy chia sẻ.", encoding="utf-8")
        (out,) = ing.drain()
        assert out.state == "ingested"
        assert store.get("chia-se").original.read_text(encoding="utf-8") == "Tin từ máy chia sẻ."
        assert (share / "chia-se.txt").is_file() and ing.drain() == []
    finally:
        shutil.rmtree(share, ignore_errors=True)


def test_the_program_reads_finished_speech_again_and_holds_only_what_it_synthesised(
        quiet_station: Station) -> None:
    """The renderer asks for each bulletin's speech twice (to plan, then to process): speech
    rendered ahead is read from its file each time (an hour of it is not held in memory), speech
    made on the spot is made once and handed out again."""
    import numpy as np

    from broadcaster.air.prepare import FILE_PREFIX, Preparer
    from broadcaster.pipeline import Pipeline

    store = _spoken_ahead(quiet_station)
    pipeline = Pipeline(quiet_station, SystemClock(quiet_station.tz), no_cache=True)
    prep = Preparer(quiet_station, pipeline, store)
    first, again = prep.speech_for("loa"), prep.speech_for("loa")
    assert first is not None and again is not None
    assert first is not again and np.array_equal(first.samples, again.samples)
    (quiet_station.root / "tin.txt").write_text("Tin nhanh của phường.", "utf-8")
    made, handed = prep.speech_for(FILE_PREFIX + "tin.txt"), prep.speech_for(FILE_PREFIX + "tin.txt")
    assert made is not None and handed is not None and len(made.samples) > 0
    assert np.array_equal(made.samples, handed.samples)  # made once, into var/speech/
    assert len(list((quiet_station.var_dir / "speech").glob("tin-*.wav"))) == 1
