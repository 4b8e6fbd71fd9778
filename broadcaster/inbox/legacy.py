"""Legacy Vietnamese font encodings (TCVN3 VN1/VN3 and VNI-Windows) as explicit byte tables.

The tables are data (``inbox/data/tcvn3.tsv``, ``inbox/data/vni.tsv``); every byte of a file is
either turned into a character or reported (``LegacyByteError``) with its value and position,
never dropped. TCVN3 (VN1) defines all 256 bytes; VNI leaves some bytes undefined, and a mark
byte that follows no vowel cannot be read either.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from importlib import resources

TCVN3 = "tcvn3"
VNI = "vni"
ENCODINGS = (TCVN3, VNI)

# Windows-1252 punctuation a VNI document (a Windows font) carries in 0x80-0x9F
_CP1252_DEFINED = {b: bytes([b]).decode("cp1252") for b in range(0x80, 0xA0)
                   if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}


class LegacyByteError(ValueError):
    """A byte the encoding does not define (or a mark with no letter before it)."""

    def __init__(self, encoding: str, byte: int, offset: int) -> None:
        super().__init__(f"{encoding}: byte 0x{byte:02X} at offset {offset}")
        self.encoding = encoding
        self.byte = byte
        self.offset = offset


@dataclass(frozen=True)
class Table:
    """One legacy encoding: byte sequences to characters, and back."""

    name: str
    decode_map: dict[bytes, str]
    encode_map: dict[str, bytes]
    longest: int


def _load(name: str) -> Table:
    text = resources.files("broadcaster.inbox").joinpath("data", f"{name}.tsv").read_text("utf-8")
    decode: dict[bytes, str] = {}
    encode: dict[str, bytes] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        seq_hex, char = line.split("\t")[:2]
        seq = bytes(int(h, 16) for h in seq_hex.split())
        decode[seq] = char
        encode.setdefault(char, seq)
    return Table(name, decode, encode, max(len(s) for s in decode))


@functools.cache
def table(name: str) -> Table:
    """The table of ``name`` (``tcvn3`` or ``vni``), read once."""
    return _load(name)


def decode(data: bytes, encoding: str, *, strict: bool = True) -> str:
    """``data`` in ``encoding`` as NFC Unicode; ``LegacyByteError`` at the first unreadable byte
    (or U+FFFD in its place when not ``strict``, to judge how the rest reads)."""
    tab = table(encoding)
    out: list[str] = []
    i, n = 0, len(data)
    while i < n:
        b = data[i]
        if tab.longest > 1:
            pair = data[i:i + 2]
            if len(pair) == 2 and pair in tab.decode_map:
                out.append(tab.decode_map[pair])
                i += 2
                continue
        single = data[i:i + 1]
        if single in tab.decode_map:
            out.append(tab.decode_map[single])
        elif b < 0x80:
            out.append(chr(b))
        elif encoding == VNI and b in _CP1252_DEFINED:
            out.append(_CP1252_DEFINED[b])
        elif encoding == VNI and 0xA0 <= b < 0xC0:
            out.append(chr(b))  # Latin-1 symbols: no-break space, °, ±, ², ½ ...
        elif strict:
            raise LegacyByteError(encoding, b, i)
        else:
            out.append("\ufffd")
        i += 1
    return unicodedata.normalize("NFC", "".join(out))


def encode(text: str, encoding: str) -> bytes:
    """Unicode ``text`` written in ``encoding`` (for tests and round trips)."""
    tab = table(encoding)
    out = bytearray()
    for c in unicodedata.normalize("NFC", text):
        seq = tab.encode_map.get(c)
        if seq is not None:
            out += seq
        elif encoding == VNI and c in _CP1252_DEFINED.values():
            out += c.encode("cp1252")
        else:
            out += c.encode("latin-1")  # ASCII (and Latin-1 symbols in VNI)
    return bytes(out)


_CP1252_BACK = {c: b for b, c in _CP1252_DEFINED.items()}


def as_bytes(text: str) -> bytes | None:
    """Legacy text shown through a Western code page (Latin-1 or Windows-1252 look-alikes, as
    a .docx typed in a .VnTime font gives it) back as its bytes; None if it cannot be."""
    out = bytearray()
    for c in text:
        o = ord(c)
        if o < 0x100:
            out.append(o)
        elif c in _CP1252_BACK:
            out.append(_CP1252_BACK[c])
        else:
            return None
    return bytes(out)


__all__ = ["ENCODINGS", "TCVN3", "VNI", "LegacyByteError", "Table", "as_bytes", "decode", "encode",
           "table"]
