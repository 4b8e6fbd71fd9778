"""Change a station's settings file in tests the way an operator would: by block.

A key written twice in ``station.yaml`` is refused (``yamlpos.DuplicateKeyError``), so a test
cannot append a second ``policy:`` or ``speech:`` block and count on the last one winning.
``amend`` gives exactly that last-wins meaning and leaves a file the station accepts.
"""

from __future__ import annotations

import re
from pathlib import Path

# a top-level key: a plain word or a quoted string at column 0, then ':' (then a space or EOL)
_TOP = re.compile(r"""^(?P<key>[A-Za-z_][\w.-]*|"[^"]*"|'[^']*')[ \t]*:(?:[ \t]|$)""")


def _key(line: str) -> str | None:
    m = _TOP.match(line)
    return m.group("key").strip("\"'") if m else None


def _blocks(lines: list[str]) -> dict[str, tuple[int, int]]:
    """Each top-level key's ``[start, end)`` lines: its line through the line before the next
    top-level key, less the blank lines and column-0 comments just before that key (they
    belong to what follows)."""
    starts = [(i, k) for i, ln in enumerate(lines) if (k := _key(ln)) is not None]
    out: dict[str, tuple[int, int]] = {}
    for n, (start, key) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
            end -= 1
        assert key not in out, f"{key!r} is already written twice in the file"
        out[key] = (start, end)
    return out


def amended(original: str, text: str) -> str:
    """``original`` with each top-level block of ``text`` replaced: the old block of that key
    removed (other lines and comments kept), ``text`` appended."""
    new_keys = list(_blocks(text.splitlines()))
    lines = original.splitlines()
    old = _blocks(lines)
    drop = {i for key in new_keys if key in old for i in range(*old[key])}
    kept = "".join(ln + "\n" for i, ln in enumerate(lines) if i not in drop)
    return kept + text + ("" if text.endswith("\n") else "\n")


def amend(path: Path, text: str) -> None:
    """Set the top-level blocks of ``text`` in the YAML file ``path`` (last one wins, as if
    appended, but without writing any key twice)."""
    path.write_text(amended(path.read_text(encoding="utf-8"), text), encoding="utf-8")
