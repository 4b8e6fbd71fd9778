"""Read an editor's file as a Bulletin: detect the encoding (UTF-8/16, Windows-1258, TCVN3, VNI),
extract .docx text, NFC-normalize, split off and validate the YAML front matter.

Legacy font encodings: ``viparse`` (PyPI) holds carefully derived TCVN3 and VNI tables and we use
them for the conversion. Its automatic detection declines short texts ("too little to score")
and only looks at text, so detection here is our own: every candidate decoding is scored by the
share of its words that are well-formed Vietnamese syllables, which also works line by line for
files with mixed encodings and for one-line notices.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import unicodedata
import zipfile
from pathlib import Path

from broadcaster.errors import InboxError
from broadcaster.inbox import frontmatter
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
    try:
        import viparse  # lazy: only files that look legacy pay for the import
    except ImportError:  # pragma: no cover - viparse is a declared dependency
        return []
    out = []
    for enc in ("tcvn3", "vni"):
        try:
            out.append((enc, viparse.fix(text, encoding=enc)))
        except Exception as exc:  # noqa: BLE001 - a third-party converter must not stop intake
            log.debug("viparse %s failed: %s", enc, exc)
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


def _decode_legacy_bytes(data: bytes) -> str:
    """Non-UTF-8 bytes: Windows-1258, or TCVN3/VNI font bytes; the best-scoring decoding wins."""
    latin = data.decode("latin-1")
    candidates = [unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))]
    candidates += [c for _e, c in _legacy_candidates(latin)]
    candidates.append(latin)
    return max(candidates, key=vietnamese_score)


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return control / len(sample) > 0.05


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
    codec = _utf16_without_bom(data)
    if codec:
        text = data.decode(codec, errors="replace")
        sample = text[:4096]
        bad = sum(1 for c in sample if (ord(c) < 32 and c not in "\t\n\r\f") or c == "\ufffd")
        ascii_share = sum(1 for c in sample if c.isascii()) / max(1, len(sample))
        if bad <= 0.05 * max(1, len(sample)) and (ascii_share > 0.6 or vietnamese_score(sample) > 0.3):
            return _finish(text)
    if _looks_binary(data):
        raise InboxError(t("text.unreadable", path=name, reason=t("text.binary")),
                         hint=t("text.unreadable.hint"))
    try:
        return _finish(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    # mixed encodings: decide line by line
    out = []
    for line in data.split(b"\n"):
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(_decode_legacy_bytes(line))
    return _finish("\n".join(out))


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


def _slug(stem: str) -> str:
    s = unicodedata.normalize("NFD", stem.replace("đ", "d").replace("Đ", "D"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-") or "bulletin"


def read_bulletin(path: Path, *, bulletin_id: str | None = None) -> Bulletin:
    """Read ``path`` (.txt or .docx) into a Bulletin: NFC body without front matter, its meta."""
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
    suffix = path.suffix.lower()
    if suffix == ".docx" or data.startswith(b"PK\x03\x04"):
        text = docx_text(data, str(path))
    elif suffix == ".doc" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InboxError(t("text.unreadable", path=path, reason=t("text.old_doc")),
                         hint=t("text.old_doc.hint"))
    else:
        text = decode_bytes(data, str(path))
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
