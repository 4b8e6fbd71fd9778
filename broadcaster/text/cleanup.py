"""Cleanup of text pasted from PDF or Word: drop what is not read on air, rejoin wrapped lines.

Works on lines; the result is a list of blocks (a heading or a paragraph), in reading order.
Each step is a named ``list[str] -> list[str]`` function listed in ``LINE_RULES``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from broadcaster.text.record import record
from broadcaster.text.syllable import is_syllable

_VOWELS = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
UPPER = "A-ZĐ" + _VOWELS.upper()


@dataclass(frozen=True)
class Block:
    """A heading or a paragraph of running text; ``label`` is a heading number ("I", "1.1", "a")."""

    text: str
    heading: bool = False
    label: str = ""
    label_kind: str = ""  # roman | number | letter


# --- characters -------------------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u2002\u2003\t\v\f"), " ")


# every non-ASCII character with str.isdigit() that ``\d`` misses (superscripts, circled ...),
# listed from the Unicode tables of this Python; ``\d`` covers the other scripts' digits
_ODD_DIGIT = re.compile(
    "[\u00b2-\u00b3\u00b9\u1369-\u1371\u19da\u2070\u2074-\u2079\u2080-\u2089\u2460-\u2468"
    "\u2474-\u247c\u2488-\u2490\u24ea\u24f5-\u24fd\u24ff\u2776-\u277e\u2780-\u2788\u278a-\u2792"
    "\U00010a40-\U00010a43\U00010e60-\U00010e68\U00011052-\U0001105a\U0001f100-\U0001f10a]|(?![0-9])\\d"
)
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


def clean_characters(text: str) -> str:
    """NFC, one kind of newline, no invisible or control characters, plain spaces."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = text.translate(_INVISIBLE).translate(_SPACES)
    # "²", "①", "٣", fullwidth digits: plain digits, so every rule sees a number
    text = _ODD_DIGIT.sub(lambda m: str(unicodedata.digit(m.group(0), 0)), text)
    return _CONTROL.sub(" ", text)


# --- header and footer ------------------------------------------------------------------------

_MOTTO = re.compile(r"CỘNG\s+H[ÒO]A\s+X[ÃA]\s+H[ỘO]I|Độc\s+lập\s*[-–—]\s*Tự\s+do|ĐỘC\s+LẬP\s*[-–—]\s*TỰ\s+DO",
                    re.IGNORECASE)
_DOC_NUMBER = re.compile(r"^\s*Số\s*:\s*\S*\d", re.IGNORECASE)
_PLACE_DATE = re.compile(r"^\s*[\w .]{2,40},\s*ngày\s+\S+\s+tháng\s+\S+\s+năm\s+\d{4}\s*\.?\s*$", re.IGNORECASE)
_RULER = re.compile(r"^\s*[-_=*~.–—]{3,}\s*$")
_DOC_TITLE = re.compile(
    r"^\s*(?:THÔNG BÁO|KẾ HOẠCH|QUYẾT ĐỊNH|GIẤY MỜI|CÔNG VĂN|TỜ TRÌNH|BÁO CÁO|HƯỚNG DẪN|CHƯƠNG TRÌNH|"
    r"LỜI KÊU GỌI|THƯ NGỎ|THƯ KÊU GỌI|BẢN TIN|TIN BÃO|TIN ÁP THẤP|CÔNG ĐIỆN|CHỈ THỊ|NGHỊ QUYẾT)\b[^a-zđ]*$")
_HEADER_ZONE = 14  # the header block of an official document sits in its first lines


def drop_header(lines: list[str]) -> list[str]:
    """Drop the national motto, the agency/number header and the place-date line above the title."""
    nonblank = [i for i, line in enumerate(lines) if line.strip()][:_HEADER_ZONE]
    last = -1
    for i in nonblank:
        line = lines[i].strip()
        if _MOTTO.search(line) or _DOC_NUMBER.match(line) or _PLACE_DATE.match(line):
            last = i
    if last < 0:
        return [line for line in lines if not _RULER.match(line.strip())]
    kept = []
    for line in lines[: last + 1]:
        if _DOC_TITLE.match(line.strip()):
            kept.append(line)  # "THÔNG BÁO" typed above the date line is still the title
        elif line.strip():
            record("drop_header", line.strip(), "")
    return kept + [line for line in lines[last + 1 :] if not _RULER.match(line.strip())]


_RECIPIENTS = re.compile(r"^\s*Nơi\s+nhận\s*:\s*(?:$|[-–•+]|Như\s+trên)", re.IGNORECASE)
_SIGNATURE = re.compile(
    rf"^\s*(?:(?:TM|KT|TL|TUQ|Q)\s*\.\s*[{UPPER}]|\(?\s*đã\s+ký|CHỦ\s+TỊCH\s*$|PHÓ\s+CHỦ\s+TỊCH\s*$|"
    r"BÍ\s+THƯ\s*$|TRƯỞNG\s+BAN\s*$|GIÁM\s+ĐỐC\s*$)",
    re.IGNORECASE,
)


def drop_footer(lines: list[str]) -> list[str]:
    """Drop the "Nơi nhận:" list and the signature block (TM./KT./titles, names) at the end."""
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    if not nonblank:
        return lines
    tail_start = nonblank[max(0, len(nonblank) - 40)] if len(nonblank) > 4 else nonblank[0]
    cut = None
    for i in nonblank:
        if i < tail_start:
            continue
        line = lines[i].strip()
        if _RECIPIENTS.match(line) or (_SIGNATURE.match(line) and line.strip() == line.strip().upper()
                                       or _SIGNATURE.match(line) and re.match(r"^\s*\(?\s*đã\s+ký", line)):
            cut = i
            break
    if cut is None:
        return lines
    for line in lines[cut:]:
        if line.strip():
            record("drop_footer", line.strip(), "")
    return lines[:cut]


_PAGE_NUMBER = re.compile(r"^\s*(?:[-–—]?\s*\d{1,3}\s*[-–—]?|Trang\s+\d{1,3}(?:\s*/\s*\d{1,3})?|\d{1,3}\s*/\s*\d{1,3})\s*$",
                          re.IGNORECASE)


def drop_page_numbers(lines: list[str]) -> list[str]:
    """Drop lines that are only a page number ("2", "- 2 -", "Trang 2/5")."""
    out = []
    for line in lines:
        if _PAGE_NUMBER.match(line.strip()):
            record("drop_page_numbers", line.strip(), "")
            continue
        out.append(line)
    return out


def drop_running_headers(lines: list[str]) -> list[str]:
    """Drop a short line repeated on every page (a running header or footer)."""
    counts = Counter(line.strip() for line in lines if line.strip())
    repeated = {
        text for text, n in counts.items()
        if n >= 3 and len(text) < 90 and not text.endswith((".", ";", ":", ",")) and not _LABEL.match(text)
    }
    if not repeated:
        return lines
    out = []
    for line in lines:
        if line.strip() in repeated:
            record("drop_running_headers", line.strip(), "")
            continue
        out.append(line)
    return out


# --- rejoining wrapped lines ------------------------------------------------------------------

_LABEL = re.compile(
    rf"^\s*(?:(?P<roman>[IVX]{{1,6}})\s*[.)]|(?P<number>\d{{1,2}}(?:\.\d{{1,2}}){{0,3}})\s*(?:[.)]|/(?=\s))|(?P<letter>[a-zđ])\s*[.)])"
    rf"(?:[\s.)…]*[-–:;,…]\s*|[.)…]*\s+)(?=[\"“(]?[{UPPER}a-zđà-ỹ\d])"
)
_LONE_LABEL = re.compile(r"^\s*(?:(?:[IVX]{1,6}|\d{1,2}(?:\.\d{1,2}){0,3})\s*[.)]|[a-zđ]\))[\s.)\-–:;,…]*$")
_BULLET_PREFIX = re.compile(r"^(?:[-–•+*▪●○◦]+\s*)+")
_BULLET = re.compile(r"^\s*[-–•+*▪●○◦]\s+")
_END = re.compile(r"[.!?:;…]\s*[\"”’)]*\s*$|\./\.?\s*$")
_CODE_SPLIT = re.compile(r"\w[-/]$")
_WORD_SPLIT = re.compile(r"([^\W\d_]+)-$")
_CODE_START = re.compile(rf"^[{UPPER}]{{1,8}}[\w&]*(?:[-/][{UPPER}\w&]+)*")


@lru_cache(maxsize=4096)
def _is_caps_line(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters) and len(text) < 120


def _starts_block(text: str) -> bool:
    s = text.lstrip("\"“'(")
    return bool(s) and (s[0].isupper() or s[0].isdigit() or bool(_BULLET.match(text)))


def _width(lines: list[str], min_lines: int = 6) -> int:
    """The usual length of a wrapped line (0 when there are too few lines to tell)."""
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    if len(lengths) < min_lines:
        return 0
    return lengths[int(len(lengths) * 0.8)]


def _runs_on(stripped: list[str]) -> bool:
    """Does some line run on into the next in lower case (a sentence cut by a line break)?"""
    text = [line for line in stripped if line]
    return any(not _END.search(a) and re.match(r"[a-zđà-ỹ]", b) for a, b in zip(text, text[1:], strict=False))


def join_lines(lines: list[str]) -> list[Block]:
    """Rejoin hard-wrapped lines and page-break splits into blocks (headings and paragraphs)."""
    stripped = [line.strip() for line in lines]
    transitions = sum(1 for a, b in zip(stripped, stripped[1:], strict=False) if a and b)
    blank_sep = sum(1 for i in range(1, len(stripped) - 1) if not stripped[i] and stripped[i - 1])
    # a short PDF paste (a blank line after every line, a sentence running on in lower case
    # across a break) shows its width in two lines already
    width = _width(lines, 2 if blank_sep and not transitions and _runs_on(stripped) else 6)
    # PDF pastes put a blank line after every wrapped line: then blank lines mean nothing
    # typed files (long lines, or only a few) mark paragraphs with blank lines
    trust_blanks = transitions >= blank_sep or width == 0 or width > 110
    blocks: list[list[str]] = []
    prev = ""
    gap = False
    for line in stripped:
        if not line:
            gap = True
            continue
        new = True
        if prev and blocks:
            prev_done = bool(_END.search(prev)) or _is_caps_line(prev) or bool(_LABEL.match(blocks[-1][0]) and len(" ".join(blocks[-1])) < 100 and width and len(prev) < 0.75 * width)
            short = bool(width) and len(prev) < 0.7 * width
            if _LONE_LABEL.match(prev):
                new = False  # "I." alone on its line, its heading on the next
            elif _CODE_SPLIT.search(prev) and (_CODE_START.match(line) or re.match(r"[a-zđà-ỹ]", line)):
                new = False  # "57-" | "NQ/TW": a document code split by a line or page break
            elif trust_blanks and gap or _is_caps_line(line) and not _is_caps_line(prev):
                new = True
            elif _is_caps_line(line) and _is_caps_line(prev):
                new = bool(_LABEL.match(line)) or _is_caps_line(prev) and prev_done
            elif _LABEL.match(line) and (prev_done or short) or _starts_block(line) and (prev_done or short):
                new = True
            else:
                new = False
        if new or not blocks:
            blocks.append([line])
        else:
            last = blocks[-1][-1]
            split = _WORD_SPLIT.search(last)
            if _CODE_SPLIT.search(last) and _CODE_START.match(line):
                blocks[-1][-1] = last + line
            elif split and re.match(r"[a-zđà-ỹ]", line):
                # "thực hi-" | "ện": a syllable hyphenated across a line or page break
                head = split.group(1)
                tail = re.match(r"[^\W\d_]+", line)
                glued = head + (tail.group(0) if tail else "")
                joiner = "" if is_syllable(glued) else "-"
                blocks[-1][-1] = last[: -1] + joiner + line
            else:
                blocks[-1].append(line)
        prev = line
        gap = False
    return [make_block(" ".join(parts)) for parts in blocks]


def make_block(text: str) -> Block:
    """One block from its joined lines: the bullet and trailing marks dropped, a heading number split off."""
    text = re.sub(r" {2,}", " ", text).strip()
    bullet = _BULLET_PREFIX.match(text)
    if bullet:
        record("drop_bullet", bullet.group(0).strip(), "")
        text = text[bullet.end() :]
    trailing = re.search(r"[\s\-–—:;,/…]+$", text)
    if trailing:
        record("drop_trailing_marks", trailing.group(0).strip(), "")
        text = text[: trailing.start()]
    lone = bool(_LONE_LABEL.match(text))
    m = _LABEL.match(text + " A" if lone else text)
    if m:
        kind = "roman" if m.group("roman") else "number" if m.group("number") else "letter"
        label = m.group(kind)
        rest = "" if lone else text[m.end() :].strip()
        heading = len(rest) < 160 and not re.search(r"[.!?]\s*$", rest) or _is_caps_line(rest)
        return Block(rest, heading=heading, label=label, label_kind=kind)
    return Block(text, heading=_is_caps_line(text))


LINE_RULES: list[Callable[[list[str]], list[str]]] = [
    drop_header,
    drop_footer,
    drop_page_numbers,
    drop_running_headers,
]


def to_blocks(text: str) -> list[Block]:
    """Cleaned text as blocks: header/footer/page furniture dropped, wrapped lines rejoined."""
    lines = clean_characters(text).split("\n")
    for rule in LINE_RULES:
        lines = rule(lines)
    return [b for b in join_lines(lines) if b.text or b.label]
