"""Intake: encodings, legacy fonts, .docx, NFC, front matter with line-numbered errors (point 1)."""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadcaster.errors import InboxError, TextError
from broadcaster.inbox import legacy as legacy_tables
from broadcaster.inbox.reader import decode_bytes, read_bulletin
from broadcaster.models import Priority

TEXT = "Thông báo lịch tiêm vắc xin phòng bệnh sởi cho trẻ em tại trạm y tế phường. Đề nghị Nhân dân."
_TONES = "\u0300\u0301\u0303\u0309\u0323"

# Legacy font encodings, written from the published TCVN3 (ABC) and VNI-Windows charts.
TCVN3 = {"ô": "«", "á": "¸", "ị": "Þ", "ê": "ª", "ắ": "¾", "ò": "ß", "ệ": "Ö", "ở": "ë", "ẻ": "Î",
         "ạ": "¹", "ế": "Õ", "ư": "\xad", "ờ": "ê", "Đ": "§", "ề": "Ò", "â": "©", "ộ": "é", "ố": "è",
         "đ": "®", "ổ": "æ", "ậ": "Ë", "ầ": "Ç", "ả": "¶", "à": "µ", "ấ": "Ê", "ã": "·", "ó": "ã",
         "ă": "¨", "ơ": "¬", "ú": "ó", "ụ": "ô", "ủ": "ñ", "ớ": "í", "ì": "×", "í": "Ý", "ọ": "ä"}
VNI = {"ô": "oâ", "á": "aù", "ị": "ò", "ê": "eâ", "ắ": "aé", "ò": "oø", "ệ": "eä", "ở": "ôû", "ẻ": "eû",
       "ạ": "aï", "ế": "eá", "ư": "ö", "ờ": "ôø", "Đ": "Ñ", "ề": "eà", "â": "aâ", "ộ": "oä", "đ": "ñ",
       "ố": "oá", "à": "aø"}


def legacy(table: dict[str, str], s: str) -> bytes:
    return "".join(table.get(c, c) for c in s).encode("latin-1")


def cp1258(s: str) -> bytes:
    out = b""
    for c in unicodedata.normalize("NFC", s):
        try:
            out += c.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        d = unicodedata.normalize("NFD", c)
        base = unicodedata.normalize("NFC", "".join(x for x in d if x not in _TONES))
        out += base.encode("cp1258") + "".join(x for x in d if x in _TONES).encode("cp1258")
    return out


@pytest.mark.parametrize("data", [
    TEXT.encode("utf-8"),
    b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
    TEXT.encode("utf-16"),
    TEXT.encode("utf-16-le"),
    TEXT.encode("utf-16-be"),
    cp1258(TEXT),
    unicodedata.normalize("NFD", TEXT).encode("utf-8"),
], ids=["utf8", "utf8-bom", "utf16-bom", "utf16le", "utf16be", "windows-1258", "nfd"])
def test_unicode_and_windows_1258(data: bytes) -> None:
    assert decode_bytes(data) == TEXT


def test_tcvn3_and_vni_detected_and_converted() -> None:
    assert decode_bytes(legacy(TCVN3, TEXT)) == TEXT
    assert decode_bytes(legacy_tables.encode("Thông báo: Đề nghị bà con phòng chống bão.", "vni")) == (
        "Thông báo: Đề nghị bà con phòng chống bão.")
    # TCVN3 text that went through a UTF-8 editor (shown as Latin-1 look-alikes)
    assert decode_bytes(legacy(TCVN3, TEXT).decode("latin-1").encode("utf-8")) == TEXT


def test_mixed_encodings_line_by_line() -> None:
    data = "Dòng một là UTF-8.\n".encode() + cp1258("Dòng hai là Windows-1258 cũ.")
    assert decode_bytes(data) == "Dòng một là UTF-8.\nDòng hai là Windows-1258 cũ."


def test_binary_and_huge_files_rejected_clearly(tmp_path: Path) -> None:
    with pytest.raises(InboxError) as err:
        decode_bytes(b"\x00\x01\x02\x03" * 100, "anh.png")
    assert "anh.png" in str(err.value)
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.truncate(50 * 1024 * 1024)
    with pytest.raises(InboxError) as err:
        read_bulletin(big)
    assert "big.txt" in str(err.value)


def test_read_txt_with_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "Thông báo tiêm chủng.txt"
    raw = ("---\ntitle: Lịch tiêm chủng\ntags: [y tế, trẻ em]\npriority: emergency\n"
           "from: 2025-04-15 06:00\nuntil: 2025-04-16\nslots: [sang, chieu]\nrepeat: 3\nvoice: nu-mien-bac\n"
           "---\n" + TEXT + "\n").encode("utf-8")
    path.write_bytes(raw)
    b = read_bulletin(path)
    assert b.body.strip() == TEXT
    assert b.meta.title == "Lịch tiêm chủng"
    assert b.meta.tags == ("y tế", "trẻ em")
    assert b.meta.priority is Priority.EMERGENCY
    assert b.meta.air_from == dt.datetime(2025, 4, 15, 6, 0)
    assert b.meta.air_until is not None and b.meta.air_until.date() == dt.date(2025, 4, 16)
    assert b.meta.slots == ("sang", "chieu") and b.meta.repeat == 3 and b.meta.voice == "nu-mien-bac"
    assert b.content_hash == hashlib.sha256(raw).hexdigest()
    assert b.id == "thong-bao-tiem-chung"
    assert read_bulletin(path, bulletin_id="x").id == "x"


@pytest.mark.parametrize(("front", "line", "word"), [
    ("title: A\npriorty: normal\n", 3, "priorty"),
    ("title: A\npriority: urgent\n", 3, "priority"),
    ("title: A\nrepeat: 0\n", 3, "repeat"),
    ("title: A\nfrom: tomorrow\n", 3, "from"),
    ("title: [unclosed\n", 2, "["),  # at the bracket left open, in plain words
    ("title: A\ntags: [a]\ntitle: B\n", 4, "'title'"),  # twice: neither is picked (dupkeys)
])
def test_front_matter_errors_name_the_line(tmp_path: Path, front: str, line: int, word: str) -> None:
    path = tmp_path / "b.txt"
    path.write_text("---\n" + front + "---\nNội dung.\n", encoding="utf-8")
    with pytest.raises(TextError) as err:
        read_bulletin(path)
    msg = str(err.value)
    assert f"b.txt:{line}" in msg and word in msg


def test_unclosed_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "b.txt"
    path.write_text("---\ntitle: A\nNội dung.\n", encoding="utf-8")
    with pytest.raises(TextError, match="---"):
        read_bulletin(path)


def test_docx(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("THÔNG BÁO")
    d.add_paragraph(unicodedata.normalize("NFD", "Lịch cắt điện ngày 11/10/2025."))
    path = tmp_path / "tb.docx"
    d.save(path)
    b = read_bulletin(path)
    assert "THÔNG BÁO" in b.body and "Lịch cắt điện ngày 11/10/2025." in b.body
    bad = tmp_path / "hong.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InboxError):
        read_bulletin(bad)


def _encode_with(encoding: str, s: str) -> bytes:
    return legacy_tables.encode(s, encoding)


SHORT = ["Bão", "Mưa to", "Khẩn", "Thông báo khẩn", "xin cảm ơn", "Rượu", "Lũ quét", "Sạt lở đất",
         "Trời rét đậm, rét hại", "Nước sông lên nhanh"]


@pytest.mark.parametrize("text", SHORT)
def test_short_legacy_lines_detected(text: str) -> None:
    """Short notices are where detection is hardest: one or two words must still come out right."""
    assert decode_bytes(_encode_with("tcvn3", text)) == text
    assert decode_bytes(_encode_with("vni", text)) == text
    assert decode_bytes(cp1258(text)) == text


@pytest.mark.parametrize("path", sorted((Path(__file__).parents[1] / "corpus").glob("*.txt")),
                         ids=lambda p: p.name)
def test_real_unicode_text_is_never_converted(path: Path) -> None:
    raw = path.read_bytes()
    assert decode_bytes(raw) == unicodedata.normalize("NFC", raw.decode("utf-8"))


def test_docx_typed_in_a_tcvn3_font(tmp_path: Path) -> None:
    """Old Word files typed with .VnTime: the text python-docx returns is TCVN3, converted here."""
    import docx

    d = docx.Document()
    d.add_paragraph(_encode_with("tcvn3", TEXT).decode("latin-1"))
    path = tmp_path / "cu.docx"
    d.save(path)
    assert read_bulletin(path).body.strip() == TEXT


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_decode_or_fail_cleanly(data: bytes) -> None:
    try:
        text = decode_bytes(data, "x.txt")
    except InboxError as exc:
        assert "x.txt" in str(exc)
    else:
        assert text == unicodedata.normalize("NFC", text)
