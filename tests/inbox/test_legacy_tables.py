"""Issue 11 point 4: legacy font encodings are decoded byte for byte or rejected, never garbled.

The TCVN3 table is checked against iconv's TCVN5712-1 (VN1); every byte value of both tables
round-trips; a VNI byte that is no letter stops the file with a note naming the byte and line.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import unicodedata

import pytest

from broadcaster.clock import FakeClock
from broadcaster.config import Station
from broadcaster.errors import InboxError
from broadcaster.inbox import legacy
from broadcaster.inbox.ingest import Ingester
from broadcaster.inbox.reader import decode_bytes
from broadcaster.inbox.store import BulletinStore, store_path

HEADING = "ỦY BAN NHÂN DÂN PHƯỜNG HÒA BÌNH\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
BODY = ("THÔNG BÁO KHẨN: Ủy ban nhân dân phường đề nghị bà con chuẩn bị phòng chống bão số 3. "
        "Đội CỨU HỘ trực suốt đêm; ỦY VIÊN Ý kiến: Ừ, Ử, Ữ, Ứ, Ự, Ỳ, Ỷ, Ỹ, Ý, Ỵ, Ú, Ụ.\n")
_ICONV = shutil.which("iconv")
needs_iconv = pytest.mark.skipif(_ICONV is None, reason="iconv (libc-bin) is part of Debian")


def _iconv(data: bytes, src: str, dst: str) -> bytes:
    return subprocess.run([_ICONV or "iconv", "-f", src, "-t", dst], input=data,
                          capture_output=True, check=True).stdout


# --- TCVN3 ----------------------------------------------------------------------------------
@needs_iconv
def test_tcvn3_table_matches_iconv_for_every_byte() -> None:
    for b in range(256):
        ours = legacy.decode(bytes([b]), legacy.TCVN3)
        theirs = unicodedata.normalize("NFC", _iconv(bytes([b]), "TCVN5712-1", "UTF-8").decode())
        assert ours == theirs, f"byte 0x{b:02X}: {ours!r} != iconv {theirs!r}"


def test_every_tcvn3_byte_round_trips() -> None:
    for b in range(256):
        text = legacy.decode(bytes([b]), legacy.TCVN3)
        assert len(text) == 1, f"byte 0x{b:02X} must be one character, not {text!r}"
        assert legacy.encode(text, legacy.TCVN3) == bytes([b]), f"byte 0x{b:02X}"


@needs_iconv
def test_upper_case_tcvn3_from_iconv_is_read_whole() -> None:
    """Reproduces the bug: 0x80-0x9F (and 0x01-0x17) were dropped, "Ủy ban" became "y ban"."""
    data = _iconv((HEADING + BODY).encode(), "UTF-8", "TCVN5712-1")
    assert any(0x80 <= b < 0xA0 for b in data) and b"\x11" in data  # the bytes that were lost
    assert decode_bytes(data) == HEADING + BODY


def test_vn3_text_with_upper_case_from_the_font_reads_in_lower_case() -> None:
    """VN3 (.VnTimeH shows capitals of the same bytes): nothing lost, only the case."""
    data = legacy.encode("ủy ban nhân dân phường thông báo lịch cắt điện", legacy.TCVN3)
    assert all(b < 0x80 or b >= 0xA1 for b in data)
    assert decode_bytes(data) == "ủy ban nhân dân phường thông báo lịch cắt điện"


# --- VNI ------------------------------------------------------------------------------------
def _vni_bases(mark: int) -> list[bytes]:
    return [seq[:1] for seq in legacy.table(legacy.VNI).decode_map if len(seq) == 2 and seq[1] == mark]


def test_every_vni_byte_round_trips_or_is_refused() -> None:
    tab = legacy.table(legacy.VNI)
    marks = {seq[1] for seq in tab.decode_map if len(seq) == 2}
    for b in range(256):
        one = bytes([b])
        if b < 0x80 or one in tab.decode_map:
            assert legacy.encode(legacy.decode(one, legacy.VNI), legacy.VNI) == one, hex(b)
        if b in marks:
            for base in _vni_bases(b):
                letter = legacy.decode(base + one, legacy.VNI)
                assert len(letter) == 1 and unicodedata.combining(letter) == 0, (base, hex(b))
                if tab.encode_map[letter] == base + one:  # the written form (i/y forms are read only)
                    assert legacy.encode(letter, legacy.VNI) == base + one
            if one not in tab.decode_map:  # a mark with no vowel before it is no letter
                with pytest.raises(legacy.LegacyByteError) as err:
                    legacy.decode(b"b" + one, legacy.VNI)
                assert err.value.byte == b and err.value.offset == 1
        elif b >= 0x80 and one not in tab.decode_map:
            try:
                text = legacy.decode(one, legacy.VNI)
            except legacy.LegacyByteError as exc:
                assert exc.byte == b
            else:  # Windows-1252 punctuation or a Latin-1 symbol, kept as itself
                assert len(text) == 1 and legacy.encode(text, legacy.VNI) == one, hex(b)


def test_every_vietnamese_letter_has_one_vni_and_one_tcvn3_form() -> None:
    letters = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
    for c in letters + letters.upper():
        for enc in legacy.ENCODINGS:
            assert legacy.decode(legacy.encode(c, enc), enc) == c, (c, enc)


def test_vni_text_round_trips() -> None:
    text = HEADING + BODY
    assert decode_bytes(legacy.encode(text, legacy.VNI)) == text


def test_vni_file_with_a_byte_that_is_no_letter_is_refused_naming_byte_and_line() -> None:
    data = legacy.encode("Thông báo khẩn của ủy ban nhân dân phường.\n", legacy.VNI)
    data += legacy.encode("Đề nghị bà con chuẩn bị phòng chống bão", legacy.VNI) + b"\xff\n"
    with pytest.raises(InboxError) as err:
        decode_bytes(data, "bao.txt")
    assert "0xFF" in str(err.value) and "2" in str(err.value) and "VNI" in str(err.value)


def test_the_note_of_a_refused_legacy_file_names_byte_and_line(quiet_station: Station) -> None:
    clock = FakeClock(dt.datetime(2026, 12, 1, 8, 0, tzinfo=quiet_station.tz))
    store = BulletinStore(store_path(quiet_station), approval=quiet_station.settings.approval, now=clock.now())
    ing = Ingester(quiet_station, store, clock)
    data = legacy.encode("Thông báo khẩn của ủy ban nhân dân phường.\nMưa to, gió mạnh", legacy.VNI)
    (quiet_station.inbox_dir / "bao.txt").write_bytes(data + b" \xdd\n")
    (out,) = ing.drain()
    assert out.state == "rejected"
    note = (quiet_station.inbox_dir / "rejected" / "bao.txt.loi.txt").read_bytes()
    assert b"\r\n" in note  # Notepad
    assert "0xDD" in note.decode() and "dòng 2" in note.decode()


@needs_iconv
def test_a_tcvn3_bulletin_from_iconv_is_spoken_whole(quiet_station: Station) -> None:
    """The reported case end to end: the heading is not garbled into letters a rule expands."""
    clock = FakeClock(dt.datetime(2026, 12, 1, 8, 0, tzinfo=quiet_station.tz))
    store = BulletinStore(store_path(quiet_station), approval=quiet_station.settings.approval, now=clock.now())
    ing = Ingester(quiet_station, store, clock)
    text = ("ỦY BAN NHÂN DÂN PHƯỜNG HÒA BÌNH\n\nTHÔNG BÁO\n\nỦy ban nhân dân phường thông báo "
            "lịch tiêm chủng cho trẻ em tại trạm y tế phường vào sáng thứ bảy.\n")
    (quiet_station.inbox_dir / "tiem.txt").write_bytes(_iconv(text.encode(), "UTF-8", "TCVN5712-1"))
    (out,) = ing.drain()
    assert out.state == "ingested"
    rec = store.get("tiem")
    assert rec.body.strip() == text.strip()
    assert "ủy ban nhân dân phường thông báo" in rec.script_text.lower()
    assert "công an" not in rec.script_text.lower()
