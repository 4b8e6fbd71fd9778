"""Issue 13 point 7: .pdf with a text layer and .odt bulletins are taken like .docx (through the
text stage's PDF clean-up); a scan, a password-protected PDF or an old .doc is refused with a
note saying what to send instead. The files are made here by a PDF library (fpdf2, with the
DejaVuSans Unicode font of Debian's fonts-dejavu-core) and an ODF library (odfpy)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from broadcaster.clock import FakeClock
from broadcaster.config import Station
from broadcaster.errors import InboxError
from broadcaster.inbox.ingest import Ingester
from broadcaster.inbox.reader import read_bulletin
from broadcaster.inbox.store import BulletinStore, store_path

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
HEADING = "ỦY BAN NHÂN DÂN PHƯỜNG HÒA BÌNH"
BODY = ("Thông báo: ngày mai mất điện từ 7 giờ đến 17 giờ tại tổ dân phố 3; đề nghị bà con chủ "
        "động sắp xếp công việc, giữ gìn an toàn điện. Người dân liên hệ đường dây nóng của "
        "điện lực để được hướng dẫn thêm về lịch cắt điện của khu vực.")


def _pdf(path: Path, lines: list[str], **encryption: str) -> Path:
    from fpdf import FPDF
    from fpdf.enums import EncryptionMethod

    assert FONT.is_file(), "scripts/setup.sh installs fonts-dejavu-core"
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=12)
    for line in lines:
        pdf.multi_cell(0, 8, line)  # wraps long paragraphs into PDF lines
        pdf.ln(4)
    if encryption:
        pdf.set_encryption(encryption_method=EncryptionMethod.AES_128, **encryption)
    pdf.output(str(path))
    return path


def _scan(path: Path) -> Path:
    """A 'scanned' page: a picture of a page and no text layer."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    image = Image.new("L", (600, 800), 255)
    draw = ImageDraw.Draw(image)
    for y in range(100, 700, 30):
        draw.rectangle((60, y, 540, y + 12), fill=40)  # lines of "text" as ink
    pdf = FPDF()
    pdf.add_page()
    pdf.image(image, x=10, y=10, w=190)
    pdf.output(str(path))
    return path


def _odt(path: Path, heading: str, paragraphs: list[str]) -> Path:
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, P

    doc = OpenDocumentText()
    doc.text.addElement(H(outlinelevel=1, text=heading))
    for para in paragraphs:
        doc.text.addElement(P(text=para))
    table = Table(name="t")
    table.addElement(TableColumn())
    row = TableRow()
    cell = TableCell()
    cell.addElement(P(text="Nơi nhận: các tổ dân phố"))
    row.addElement(cell)
    table.addElement(row)
    doc.text.addElement(table)
    doc.save(str(path))
    return path


def _ingester(station: Station) -> tuple[Ingester, BulletinStore]:
    clock = FakeClock(dt.datetime(2026, 12, 1, 8, 0, tzinfo=station.tz))
    store = BulletinStore(store_path(station), approval=station.settings.approval, now=clock.now())
    return Ingester(station, store, clock), store


def _words(text: str) -> list[str]:
    return text.split()


def test_pdf_text_layer_in_a_vietnamese_unicode_font_is_read(tmp_path: Path) -> None:
    bulletin = read_bulletin(_pdf(tmp_path / "Thông báo.pdf", [HEADING, BODY]))
    assert _words(bulletin.body) == _words(HEADING + " " + BODY)  # every letter, every tone
    assert bulletin.id == "thong-bao"


def test_odt_paragraphs_headings_and_tables_are_read_in_order(tmp_path: Path) -> None:
    bulletin = read_bulletin(_odt(tmp_path / "tb.odt", HEADING, [BODY, "Trân trọng thông báo."]))
    lines = [line for line in bulletin.body.splitlines() if line.strip()]
    assert lines == [HEADING, BODY, "Trân trọng thông báo.", "Nơi nhận: các tổ dân phố"]


def test_an_odt_named_docx_is_still_read(tmp_path: Path) -> None:
    path = _odt(tmp_path / "tb.odt", HEADING, [BODY])
    renamed = path.rename(tmp_path / "tb.docx")
    assert BODY in read_bulletin(renamed).body


def test_pdf_with_an_owner_password_only_is_read(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "khoa-in.pdf", [BODY], owner_password="chu", user_password="")
    assert _words(read_bulletin(path).body) == _words(BODY)


@pytest.mark.parametrize("kind", ["pdf", "odt"])
def test_pdf_and_odt_are_ingested_like_docx_through_the_pdf_cleanup(
        quiet_station: Station, tmp_path: Path, kind: str) -> None:
    ing, store = _ingester(quiet_station)
    made = tmp_path / f"mat-dien.{kind}"
    if kind == "pdf":
        _pdf(made, [HEADING, BODY])
    else:
        _odt(made, HEADING, [BODY])
    drop = quiet_station.inbox_dir / made.name
    drop.write_bytes(made.read_bytes())
    (out,) = ing.drain()
    assert out.state == "ingested", out.detail
    rec = store.get("mat-dien")
    assert rec.original.read_bytes() == made.read_bytes()
    script = rec.script_text
    assert "mười bảy giờ" in script and "tổ dân phố ba" in script
    # the PDF's wrapped lines are joined into their sentence: no break inside "chủ động"
    assert "chủ động" in " ".join(script.split())
    assert drop.is_file()  # put back, like a .docx


@pytest.mark.parametrize(("name", "make", "words"), [
    ("scan.pdf", "scan", ["không có lớp chữ", ".docx"]),
    ("mat-khau.pdf", "locked", ["mật khẩu", "không đặt mật khẩu"]),
    ("cu.doc", "doc", ["Word cũ (.doc)", "Lưu thành .docx"]),
    ("hong.odt", "broken-odt", [".odt", "LibreOffice"]),
])
def test_unreadable_documents_are_refused_saying_what_to_send(
        quiet_station: Station, tmp_path: Path, name: str, make: str, words: list[str]) -> None:
    ing, store = _ingester(quiet_station)
    path = tmp_path / name
    if make == "scan":
        _scan(path)
    elif make == "locked":
        _pdf(path, [BODY], owner_password="chu", user_password="mat-khau")
    elif make == "doc":
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)
    else:
        path.write_bytes(b"PK\x03\x04 not really a zip")
    (quiet_station.inbox_dir / name).write_bytes(path.read_bytes())
    (out,) = ing.drain()
    assert out.state == "rejected"
    note = (quiet_station.inbox_dir / "rejected" / f"{name}.loi.txt").read_text(encoding="utf-8")
    for word in words:
        assert word in note, (word, note)
    assert store.all() == []


def test_reader_refuses_a_scan_with_the_reason(tmp_path: Path) -> None:
    with pytest.raises(InboxError) as err:
        read_bulletin(_scan(tmp_path / "scan.pdf"))
    assert "scan.pdf" in str(err.value) and err.value.hint
