"""Read an editor's file as a Bulletin: detect the encoding (UTF-8/16, Windows-1258, TCVN3, VNI),
extract .docx/.odt/.pdf text, NFC-normalize, split off and validate the YAML front matter.

Legacy font encodings are explicit byte tables (``broadcaster.inbox.legacy``): every byte is read
or the file is refused naming the byte and line. Which encoding a file is in is decided by
scoring each candidate decoding by the share of its words that are well-formed Vietnamese
syllables, which also works for one-line notices; UTF-8 lines of a mixed file stay UTF-8.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from broadcaster.errors import InboxError
from broadcaster.inbox import frontmatter, legacy
from broadcaster.messages import t
from broadcaster.models import Bulletin
from broadcaster.text.syllable import is_syllable

log = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024  # a bulletin is a few pages; anything larger is a mistake
_WORD = re.compile(r"[^\W\d_]+")
_CASE_FLIP = re.compile(r"[^\W\d_A-ZĐÀ-Ỹ]\w*?[A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ]")
# characters that betray TCVN3/VNI text shown through a Western code page
_LEGACY_HINT = re.compile(r"[©®¸µ¶·¹»¼½¾ÆÇÐÑØÞßæçðñøþ¡¢£¤¥¦§¨ª«¬\xad¯°±²³´]|[aeiouyAEIOUY][øùïûõáàâäåéèëêìíòóôöÿ]")


# frequent syllables of bulletins: break ties between decodings that are all well-formed
# ("Mưa" in VNI reads "Mửa" through the TCVN3 table, also a syllable)
_COMMON = frozenset(["và", "của", "là", "có", "các", "được", "cho", "trong", "không", "một", "những", "người", "này", "với", "đã", "để", "khi", "thì", "theo", "đến", "từ", "năm", "ngày", "tháng", "về", "ra", "như", "đó", "trên", "sẽ", "phải", "nhà", "nước", "làm", "việc", "tại", "hội", "dân", "công", "phát", "triển", "xã", "sự", "đồng", "thời", "cùng", "vào", "nhiều", "nhân", "nhất", "động", "hành", "chính", "quốc", "gia", "mới", "cũng", "học", "bộ", "số", "điều", "cơ", "quan", "tổ", "chức", "kinh", "tế", "thực", "hiện", "đảng", "viên", "trường", "hợp", "thành", "phố", "tỉnh", "huyện", "phường", "tuyên", "truyền", "thông", "báo", "kế", "hoạch", "ban", "y", "tiêm", "mưa", "gió", "bão", "lũ", "nhiệt", "độ", "giờ", "sáng", "chiều", "tối", "đêm", "nay", "mai", "hôm", "bà", "con", "đề", "nghị", "ủy", "uỷ", "hộ", "gia", "đình", "trẻ", "em", "tuổi", "vắc", "xin", "phòng", "bệnh", "dịch", "sức", "khỏe", "khoẻ", "khám", "quân", "sự", "nghĩa", "vụ", "thuế", "giá", "tiền", "đồng", "nghìn", "triệu", "tỷ", "điện", "nước", "sạch", "đường", "xe", "an", "toàn", "giao", "cháy", "chữa", "cứu", "nạn", "lớn", "to", "nhỏ", "cao", "thấp", "mạnh", "cấp", "vùng", "khu", "vực", "biển", "sông", "núi", "trời", "nắng", "rét", "lạnh", "nóng", "ẩm", "mây", "thứ", "hai", "ba", "bốn", "sáu", "bảy", "tám", "chín", "mười", "trăm", "linh", "lẻ"])


def vietnamese_score(text: str) -> float:
    """How Vietnamese ``text`` reads: share of well-formed syllables, plus frequent ones, minus junk."""
    words = _WORD.findall(text[:20000])
    if not words:
        return 0.0
    # "KhÈn" (TCVN3 "Khẩn" through Windows-1258) is a syllable in the wrong case: not good
    good = sum(1 for w in words if is_syllable(w) and not _CASE_FLIP.search(w))
    common = sum(1 for w in words if w.lower() in _COMMON)
    odd = sum(1 for c in text[:20000] if c == "\ufffd" or 0x80 <= ord(c) < 0xA0)
    return (good + 0.5 * common) / len(words) - odd / max(1, len(words))


def _legacy_candidates(text: str) -> list[tuple[str, str]]:
    """``text`` (legacy bytes shown as Latin-1/Windows-1252 look-alikes) read as TCVN3 and VNI."""
    data = legacy.as_bytes(text)
    if data is None:
        return []
    out = []
    for enc in legacy.ENCODINGS:
        try:
            out.append((enc, legacy.decode(data, enc)))
        except legacy.LegacyByteError:
            continue  # not this encoding
    return out


def fix_legacy(text: str) -> str:
    """Convert TCVN3/VNI text (shown as Latin-1 look-alikes) to Unicode if that reads better."""
    if not _LEGACY_HINT.search(text):
        return text
    best, best_score = text, vietnamese_score(text)
    if best_score >= 1.0:  # reads as Vietnamese already (every word a syllable, many common ones)
        return text
    for _enc, converted in _legacy_candidates(text):
        score = vietnamese_score(converted)
        if score > best_score + 0.05:
            best, best_score = converted, score
    return best


@dataclass
class _Reading:
    """One candidate encoding applied to the legacy lines of a file."""

    encoding: str
    lines: dict[int, str]  # line index -> text
    error: tuple[int, int] | None = None  # (line index, byte) of the first unreadable byte
    score: float = 0.0


def _read_lines(lines: dict[int, bytes], encoding: str) -> _Reading:
    reading = _Reading(encoding, {})
    for index, raw in lines.items():
        try:
            text = raw.decode(encoding) if encoding == "cp1258" else legacy.decode(raw, encoding)
        except (legacy.LegacyByteError, UnicodeDecodeError) as exc:
            offset = exc.offset if isinstance(exc, legacy.LegacyByteError) else exc.start
            if reading.error is None:
                reading.error = (index, raw[offset])
            # the rest of the line, to judge how this reading does apart from that byte
            text = (raw.decode("cp1258", errors="replace") if encoding == "cp1258"
                    else legacy.decode(raw, encoding, strict=False))
        reading.lines[index] = unicodedata.normalize("NFC", text)
    reading.score = vietnamese_score("\n".join(reading.lines.values()))
    return reading


def _decode_legacy_lines(lines: dict[int, bytes], name: str) -> dict[int, str]:
    """Non-UTF-8 lines: Windows-1258, TCVN3 or VNI, one encoding for the whole file (the one that
    reads best). Every byte becomes a character; if the encoding the text reads in has a byte it
    does not define, the file is rejected naming that byte and line instead of guessing."""
    readings = [_read_lines(lines, enc) for enc in ("cp1258", *legacy.ENCODINGS)]
    whole = [r for r in readings if r.error is None]
    best = max(whole, key=lambda r: r.score)  # TCVN3 (VN1) defines every byte
    for reading in sorted(readings, key=lambda r: -r.score):
        if reading.error is None or reading.score <= max(0.5, best.score + 0.1):
            continue
        index, byte = reading.error
        raise InboxError(
            t("text.unreadable", path=name,
              reason=t("text.legacy_byte", byte=f"0x{byte:02X}", line=index + 1,
                       encoding=_ENCODING_NAMES[reading.encoding])),
            hint=t("text.legacy_byte.hint"))
    return best.lines


_ENCODING_NAMES = {"cp1258": "Windows-1258", legacy.TCVN3: "TCVN3", legacy.VNI: "VNI"}


# tab, new lines, escape, and the TCVN3 (VN1) capitals Ú Ụ Ừ Ử Ữ Ứ Ự Ỳ Ỷ Ỹ Ý Ỵ in 0x01-0x17
_TEXT_CONTROLS = frozenset((9, 10, 12, 13, 27, 1, 2, 4, 5, 6, *range(0x11, 0x18)))


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in _TEXT_CONTROLS)
    return control / len(sample) > 0.05


# what a binary file really is, by its first bytes: the note then fits it (a photo is not
# told to be "saved as plain text")
_MAGIC = (("image", (b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"BM", b"II*\x00", b"MM\x00*")),
          ("audio", (b"ID3", b"\xff\xfb", b"\xff\xf3", b"OggS", b"fLaC", b"RIFF", b"#!AMR",
                     b"\x30\x26\xb2\x75")))


def is_audio(head: bytes) -> bool:
    """Whether the first bytes of a file are those of a recording (MP3 with or without ID3,
    ADTS AAC, Ogg Vorbis/Opus, FLAC, WAV, AMR, M4A/3GP, Matroska/WebM, WMA), whatever its name."""
    if head.startswith((b"ID3", b"OggS", b"fLaC", b"#!AMR", b"\x30\x26\xb2\x75",
                        b"\x1a\x45\xdf\xa3")):
        return True
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return True
    if head[4:8] == b"ftyp":  # MP4 family: audio, or a HEIC/AVIF photo
        return head[8:12] not in (b"heic", b"heix", b"mif1", b"msf1", b"avif")
    return _mpeg_frame(head)


def _mpeg_frame(head: bytes) -> bool:
    """An MPEG audio frame header (MP3) or an ADTS one (AAC) at the start: 11 sync bits, a
    valid version, layer, bit rate and sample rate (a UTF-16 byte order mark is not one)."""
    if len(head) < 3 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    if head[1] & 0xF6 == 0xF0:  # ADTS: MPEG-4/2 AAC, layer 0
        return True
    version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 3
    return version != 1 and layer not in (0, 3) and bitrate not in (0, 15) and rate != 3


def looks_binary(data: bytes) -> bool:
    """Whether ``data`` (a file's first bytes) cannot be text in any encoding the station reads."""
    return _looks_binary(data)


def _binary_error(data: bytes, name: str) -> InboxError:
    kind = next((k for k, magics in _MAGIC if data.startswith(magics)), None)
    if kind is None and data[4:8] == b"ftyp":  # MP4/M4A/3GP, or HEIC photos
        kind = "image" if data[8:12] in (b"heic", b"heix", b"mif1") else "audio"
    if kind is None:
        return InboxError(t("text.unreadable", path=name, reason=t("text.binary")),
                          hint=t("text.unreadable.hint"))
    return InboxError(t(f"inbox.bad_type.{kind}", name=name, ext=Path(name).suffix or "?"),
                      hint=t(f"inbox.bad_type.{kind}.fix"))


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0) / (len(sample) / 2)
    odd = sample[1::2].count(0) / (len(sample) / 2)
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, name: str = "<bytes>") -> str:
    """Text of ``data`` as NFC Unicode, whatever Vietnamese encoding it came in."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for bom, codec in ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                       (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return _finish(data[len(bom) :].decode(codec, errors="replace"))
    utf16 = _utf16_without_bom(data)
    if utf16:
        text = data.decode(utf16, errors="replace")
        sample = text[:4096]
        bad = sum(1 for c in sample if (ord(c) < 32 and c not in "\t\n\r\f") or c == "\ufffd")
        ascii_share = sum(1 for c in sample if c.isascii()) / max(1, len(sample))
        if bad <= 0.05 * max(1, len(sample)) and (ascii_share > 0.6 or vietnamese_score(sample) > 0.3):
            return _finish(text)
    if _looks_binary(data):
        raise _binary_error(data, name)
    try:
        return _finish(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    # legacy or mixed: UTF-8 lines stay UTF-8, the others are read in one legacy encoding
    raw_lines = data.split(b"\n")
    out: dict[int, str] = {}
    legacy_lines: dict[int, bytes] = {}
    for index, line in enumerate(raw_lines):
        try:
            out[index] = line.decode("utf-8")
        except UnicodeDecodeError:
            legacy_lines[index] = line
    out.update(_decode_legacy_lines(legacy_lines, name))
    return _finish("\n".join(out[i] for i in range(len(raw_lines))))


def _finish(text: str) -> str:
    text = unicodedata.normalize("NFC", text.lstrip("\ufeff"))
    if _LEGACY_HINT.search(text):
        lines = text.split("\n")
        text = "\n".join(fix_legacy(line) if _LEGACY_HINT.search(line) else line for line in lines)
    return unicodedata.normalize("NFC", text)


def docx_text(data: bytes, name: str = "<docx>") -> str:
    """Paragraphs (and table cells) of a .docx, one per line."""
    try:
        import docx  # python-docx
        from docx.opc.exceptions import PackageNotFoundError

        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InboxError(t("text.unreadable", path=name, reason=t("text.bad_docx")),
                         hint=t("text.unreadable.hint")) from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text for cell in row.cells if cell.text.strip()))
    return _finish("\n\n".join(lines))


def pdf_text(data: bytes, name: str = "<pdf>") -> str:
    """The text layer of a PDF, page after page (pypdf reads the fonts' Unicode maps); a scan
    without text, a password or a damaged file is refused saying what to send instead."""
    import pypdf
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        pdf = pypdf.PdfReader(io.BytesIO(data))
        if pdf.is_encrypted and not pdf.decrypt(""):  # an owner password alone still reads
            raise FileNotDecryptedError("password")
        pages = [page.extract_text() or "" for page in pdf.pages]
    except (FileNotDecryptedError, DependencyError) as exc:
        raise InboxError(t("text.unreadable", path=name, reason=t("text.pdf_locked")),
                         hint=t("text.pdf_locked.hint")) from exc
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InboxError(t("text.unreadable", path=name, reason=t("text.bad_pdf", error=exc)),
                         hint=t("text.pdf_no_text.hint")) from exc
    text = "\n\n".join(p.strip("\n") for p in pages)
    if not _WORD.search(text):
        raise InboxError(t("text.unreadable", path=name, reason=t("text.pdf_no_text")),
                         hint=t("text.pdf_no_text.hint"))
    return _finish(text)


def _odt_blocks(node: object, out: list[str]) -> None:
    """Headings and paragraphs of an ODF body in document order (tables, lists, frames too)."""
    from odf import teletype
    from odf.element import Element

    if not isinstance(node, Element):
        return
    if node.qname[1] in ("h", "p") and node.qname[0].endswith(":text:1.0"):
        out.append(teletype.extractText(node))
        return
    for child in node.childNodes:
        _odt_blocks(child, out)


def odt_text(data: bytes, name: str = "<odt>") -> str:
    """Headings and paragraphs of an OpenDocument text (.odt), one per line."""
    try:
        from odf.opendocument import load

        document = load(io.BytesIO(data))
        if not document.mimetype.startswith("application/vnd.oasis.opendocument.text"):
            raise ValueError(document.mimetype)
        lines: list[str] = []
        _odt_blocks(document.text, lines)
    except (zipfile.BadZipFile, KeyError, ValueError, AttributeError, SyntaxError) as exc:
        raise InboxError(t("text.unreadable", path=name, reason=t("text.bad_odt")),
                         hint=t("text.bad_odt.hint")) from exc
    return _finish("\n\n".join(lines))


def _zip_kind(data: bytes, suffix: str) -> str:
    """``odt`` or ``docx`` for an office zip, by what it holds (the name may lie); by the name
    when the zip cannot be opened."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if "mimetype" in names and z.read("mimetype").startswith(
                    b"application/vnd.oasis.opendocument"):
                return "odt"
            return "docx"
    except (zipfile.BadZipFile, KeyError, OSError):
        return "odt" if suffix == ".odt" else "docx"


def extract_text(data: bytes, suffix: str, name: str) -> str:
    """The text of a file's bytes by what they are: PDF, ODT, DOCX, old .doc (refused), text."""
    if data.startswith(b"%PDF") or suffix == ".pdf":
        return pdf_text(data, name)
    if data.startswith(b"PK\x03\x04") or suffix in (".docx", ".odt"):
        kind = _zip_kind(data, suffix)
        return odt_text(data, name) if kind == "odt" else docx_text(data, name)
    if suffix == ".doc" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InboxError(t("text.unreadable", path=name, reason=t("text.old_doc")),
                         hint=t("text.old_doc.hint"))
    return decode_bytes(data, name)


def _slug(stem: str) -> str:
    s = unicodedata.normalize("NFD", stem.replace("đ", "d").replace("Đ", "D"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-") or "bulletin"


def read_bulletin(path: Path, *, bulletin_id: str | None = None) -> Bulletin:
    """Read ``path`` (.txt, .docx, .odt or .pdf) into a Bulletin: NFC body without front matter, its meta."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InboxError(
                t("text.unreadable", path=path, reason=t("text.too_large", size=round(size / 2**20, 1),
                                                          limit=MAX_BYTES // 2**20)),
                hint=t("text.unreadable.hint"))
        data = path.read_bytes()
    except OSError as exc:
        raise InboxError(t("text.unreadable", path=path, reason=exc.strerror or exc),
                         hint=t("text.unreadable.hint")) from None
    text = extract_text(data, path.suffix.lower(), str(path))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    fm, body, _ = frontmatter.split(text, str(path))
    meta = frontmatter.parse(fm, str(path)) if fm is not None else frontmatter.BulletinMeta()
    return Bulletin(
        id=bulletin_id or _slug(path.stem),
        source=path,
        body=body,
        meta=meta,
        content_hash=hashlib.sha256(data).hexdigest(),
    )
