"""Optional YAML front matter of a bulletin file (``---`` ... ``---``), validated with line numbers."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from broadcaster import yamlpos
from broadcaster.errors import TextError
from broadcaster.messages import t
from broadcaster.models import BulletinMeta, Priority

KEYS = ("title", "tags", "priority", "from", "until", "air", "slots", "repeat", "voice", "engine")
_ALIASES = {"air_from": "from", "air_until": "until"}
_PRIORITY = {
    "normal": Priority.NORMAL, "thường": Priority.NORMAL, "thuong": Priority.NORMAL,
    "priority": Priority.PRIORITY, "ưu tiên": Priority.PRIORITY, "uu tien": Priority.PRIORITY,
    "emergency": Priority.EMERGENCY, "khẩn cấp": Priority.EMERGENCY, "khan cap": Priority.EMERGENCY,
}
_OPEN = re.compile(r"\A[ \t]*---[ \t]*\n")
_CLOSE = re.compile(r"^[ \t]*(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


def split(text: str, source: str = "<text>") -> tuple[str | None, str, int]:
    """(front matter YAML or None, body, number of lines the front matter took)."""
    m = _OPEN.match(text)
    if not m:
        return None, text, 0
    close = _CLOSE.search(text, m.end())
    if not close:
        raise TextError(t("frontmatter.unclosed"), where=f"{source}:1", hint=t("frontmatter.unclosed.hint"))
    yaml_text = text[m.end() : close.start()]
    body = text[close.end() :].lstrip("\n")
    lines = text[: close.end()].count("\n") + 1
    return yaml_text, body, lines


def _problem(loc: yamlpos.Located, key: str, detail: str) -> TextError:
    return TextError(t("frontmatter.bad_value", key=key, detail=detail), where=loc.where((key,)),
                     hint=t("frontmatter.hint"))


def _text(loc: yamlpos.Located, key: str, v: Any) -> str:
    if isinstance(v, (str, int, float)) and not isinstance(v, bool) and str(v).strip():
        return str(v).strip()
    raise _problem(loc, key, t("frontmatter.expect_text"))


def _list(loc: yamlpos.Located, key: str, v: Any) -> tuple[str, ...]:
    if isinstance(v, str):
        return tuple(x.strip() for x in v.split(",") if x.strip())
    if isinstance(v, list) and all(isinstance(x, (str, int)) and not isinstance(x, bool) for x in v):
        return tuple(str(x).strip() for x in v if str(x).strip())
    raise _problem(loc, key, t("frontmatter.expect_list"))


def _when(loc: yamlpos.Located, key: str, v: Any, *, end: bool) -> dt.datetime:
    if isinstance(v, dt.datetime):
        return v
    if isinstance(v, dt.date):
        return dt.datetime.combine(v, dt.time.max if end else dt.time.min)
    if isinstance(v, str):
        s = v.strip().replace("h", ":") if re.fullmatch(r"[\d\- ]+\d{1,2}h\d{2}", v.strip()) else v.strip()
        try:
            return dt.datetime.fromisoformat(s)
        except ValueError:
            pass
        try:
            d = dt.date.fromisoformat(s)
            return dt.datetime.combine(d, dt.time.max if end else dt.time.min)
        except ValueError:
            pass
    raise _problem(loc, key, t("frontmatter.expect_datetime"))


def _priority(loc: yamlpos.Located, key: str, v: Any) -> dict[str, Any]:
    p = _PRIORITY.get(str(v).strip().lower()) if isinstance(v, str) else None
    if p is None:
        raise _problem(loc, key, t("frontmatter.expect_priority"))
    return {"priority": p}


def _air(loc: yamlpos.Located, key: str, v: Any) -> dict[str, Any]:
    if not isinstance(v, dict) or set(v) - {"from", "until"}:
        raise _problem(loc, key, t("frontmatter.expect_datetime"))
    out: dict[str, Any] = {}
    if "from" in v:
        out["air_from"] = _when(loc, key, v["from"], end=False)
    if "until" in v:
        out["air_until"] = _when(loc, key, v["until"], end=True)
    return out


def _repeat(loc: yamlpos.Located, key: str, v: Any) -> dict[str, Any]:
    if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= 50:
        raise _problem(loc, key, t("frontmatter.expect_repeat"))
    return {"repeat": v}


# front matter key -> reader of its value (returns the BulletinMeta fields it sets)
_READERS: dict[str, Callable[[yamlpos.Located, str, Any], dict[str, Any]]] = {
    "title": lambda loc, k, v: {"title": _text(loc, k, v)},
    "tags": lambda loc, k, v: {"tags": _list(loc, k, v)},
    "slots": lambda loc, k, v: {"slots": _list(loc, k, v)},
    "priority": _priority,
    "air": _air,
    "from": lambda loc, k, v: {"air_from": _when(loc, k, v, end=False)},
    "until": lambda loc, k, v: {"air_until": _when(loc, k, v, end=True)},
    "repeat": _repeat,
    "voice": lambda loc, k, v: {"voice": _text(loc, k, v)},
    "engine": lambda loc, k, v: {"engine": _text(loc, k, v)},
}


def _check_window(fields: dict[str, Any], loc: yamlpos.Located, data: dict[Any, Any],
                  source: str) -> None:
    a, b = fields.get("air_from"), fields.get("air_until")
    if not (a and b):
        return
    try:
        bad = b <= a
    except TypeError:  # one aware, one naive
        bad = False
    if bad:
        raise TextError(t("frontmatter.window"),
                        where=loc.where(("until",)) if "until" in data else source,
                        hint=t("frontmatter.hint"))


def parse(yaml_text: str, source: str = "<text>") -> BulletinMeta:
    """Validate front matter YAML (the lines between the ``---``) into BulletinMeta."""
    try:
        # a blank first line stands for the opening '---', so positions are file lines
        loc = yamlpos.load("\n" + yaml_text, source)
    except yamlpos.DuplicateKeyError as exc:  # not a syntax error: the reason says it all
        raise TextError(exc.plain, where=f"{source}:{exc.line}",
                        hint=t("yaml.duplicate_key.hint")) from None
    except yamlpos.YamlSyntaxError as exc:
        raise TextError(t("frontmatter.syntax", detail=exc.plain), where=f"{source}:{exc.line}",
                        hint=t("frontmatter.hint")) from None
    data = loc.data
    if data is None:
        return BulletinMeta()
    if not isinstance(data, dict):
        raise TextError(t("frontmatter.not_mapping"), where=f"{source}:2", hint=t("frontmatter.hint"))
    fields: dict[str, Any] = {}
    for raw_key, value in data.items():
        key = _ALIASES.get(str(raw_key), str(raw_key))
        if key not in KEYS:
            guess = yamlpos.did_you_mean(str(raw_key), KEYS)
            hint = t("config.did_you_mean", suggestion=guess) if guess else t("frontmatter.hint")
            raise TextError(t("frontmatter.unknown_key", key=raw_key), where=loc.where((raw_key,)),
                            hint=hint)
        fields.update(_READERS[key](loc, raw_key, value))
    _check_window(fields, loc, data, source)
    return BulletinMeta(**fields)
