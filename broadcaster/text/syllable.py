"""Is a token a Vietnamese syllable? Decides whether "KẾ HOẠCH" is read as words or spelled.

A syllable is onset + rhyme with at most one tone mark; checked on the toneless form.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền sắc ngã hỏi nặng

_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x)?"
# nuclei, toneless, longest first: those ending in a glide take no final consonant ("ai", "ươu")
_OPEN = "uyê|oai|oay|oao|oeo|uây|uôi|ươi|ươu|yêu|iêu|uya|ai|ay|ây|ao|au|âu|eo|êu|iu|oi|ôi|ơi|ui|ưi|ưu|ia|ua|ưa"
_CLOSABLE = "uyê|oa|oă|oe|uê|uy|uâ|uơ|ươ|uô|iê|yê|oo|a|ă|â|e|ê|i|o|ô|ơ|u|ư|y"
_CODA = r"(?:ch|nh|ng|c|m|n|p|t)?"
_SYLLABLE = re.compile(rf"^{_ONSET}(?:(?:{_CLOSABLE}){_CODA}|(?:{_OPEN}))$")


def strip_tone(word: str) -> str:
    """``word`` without its tone mark, NFC ("hoạch" -> "hoach")."""
    decomposed = unicodedata.normalize("NFD", word)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))


@lru_cache(maxsize=4096)
def is_syllable(word: str) -> bool:
    """True for a well-formed Vietnamese syllable in any case ("HOẠCH", "ủy"); False for "UBND"."""
    w = strip_tone(word.lower())
    if not w or len(w) > 7:
        return False
    tones = sum(1 for c in unicodedata.normalize("NFD", word) if c in _TONES)
    return tones <= 1 and bool(_SYLLABLE.match(w))
