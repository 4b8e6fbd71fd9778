"""Load YAML keeping where each key and value stands, so errors can say file:line:column.

PyYAML's safe loader drops positions; composing the node tree keeps them. Written by hand
because no maintained library maps a pydantic/jsonschema error path back to YAML lines.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from broadcaster.messages import t

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Pos:
    line: int  # 1-based
    column: int  # 1-based


@dataclass
class Located:
    """Parsed data plus the position of every mapping key and value, by path."""

    data: Any
    keys: dict[PathKey, Pos]
    values: dict[PathKey, Pos]
    source: str

    def where(self, path: Sequence[str | int], *, key: bool = True) -> str:
        """``file:line:column`` of the deepest known prefix of ``path``."""
        p = tuple(path)
        while p:
            pos = (self.keys if key else self.values).get(p) or self.keys.get(p)
            if pos:
                return f"{self.source}:{pos.line}:{pos.column}"
            p = p[:-1]
        return f"{self.source}:1:1"


class YamlSyntaxError(ValueError):
    """Bad YAML syntax: ``detail`` is the parser's text, ``plain`` the operator's explanation
    (tabs, an unclosed bracket or quote, a colon in an unquoted value), at ``line``:``column``."""

    def __init__(self, source: str, line: int, column: int, detail: str, plain: str = "") -> None:
        super().__init__(f"{source}:{line}:{column}: {plain or detail}")
        self.source, self.line, self.column, self.detail = source, line, column, detail
        self.plain = plain or t("yaml.other", detail=detail)


class DuplicateKeyError(YamlSyntaxError):
    """A key written twice in one mapping. PyYAML keeps the last value without a word, so an
    appended second ``policy:`` block would silently drop the first: the station refuses it,
    at the repeat's line, naming the line of the first one (``first``)."""

    def __init__(self, source: str, key: object, first: Pos, again: Pos, *, block: bool) -> None:
        fix = t("yaml.duplicate_key.blocks") if block else t("yaml.duplicate_key.lines")
        plain = t("yaml.duplicate_key", key=key, first=first.line, line=again.line, fix=fix)
        super().__init__(source, again.line, again.column, f"duplicate key {key!r}", plain)
        self.key, self.first = key, first


def _pos(mark: yaml.Mark) -> Pos:
    return Pos(mark.line + 1, mark.column + 1)


def _construct(node: yaml.Node, path: PathKey, loc: Located, loader: yaml.SafeLoader) -> Any:
    loc.values[path] = _pos(node.start_mark)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        seen: dict[Any, tuple[Pos, yaml.Node]] = {}
        for knode, vnode in node.value:
            key = loader.construct_object(knode, deep=True)
            if isinstance(key, (dict, list)):
                key = str(key)
            if key in seen:
                first, before = seen[key]
                block = any(isinstance(n, yaml.CollectionNode) for n in (before, vnode))
                raise DuplicateKeyError(loc.source, key, first, _pos(knode.start_mark), block=block)
            seen[key] = (_pos(knode.start_mark), vnode)
            loc.keys[path + (key,)] = _pos(knode.start_mark)
            out[key] = _construct(vnode, path + (key,), loc, loader)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, child in enumerate(node.value):
            loc.keys[path + (i,)] = _pos(child.start_mark)
            items.append(_construct(child, path + (i,), loc, loader))
        return items
    return loader.construct_object(node, deep=True)


# libyaml's loader (when PyYAML was built with it) parses ten times faster than the pure-Python
# one and gives the same nodes and marks: the shipped tables and station.yaml load in every command
SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """``yaml.safe_load`` through the fastest safe loader available."""
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506 - a safe loader


def load(text: str, source: str = "<string>") -> Located:
    """Parse one YAML document; raise ``YamlSyntaxError`` with the position on bad syntax."""
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        loc = Located(None, {}, {}, source)
        loc.data = _construct(node, (), loc, loader) if node is not None else None
        return loc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        detail = " ".join(x for x in (exc.context, exc.problem) if x) or str(exc)
        line, col, plain = _plain_words(exc, text, line, col)
        raise YamlSyntaxError(source, line, col, detail, plain) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(source, 1, 1, str(exc)) from None
    finally:
        loader.dispose()


def _plain_words(exc: yaml.MarkedYAMLError, text: str, line: int, col: int
                 ) -> tuple[int, int, str]:
    """The mistakes operators really make, in plain words, at the place to fix them."""
    lines = text.split("\n")
    problem = exc.problem or ""
    opened = exc.context_mark
    tab_line = next((i for i, ln in enumerate(lines[:line], 1)
                     if "\t" in ln[:len(ln) - len(ln.lstrip(" \t"))]), None)
    if "'\\t'" in problem or tab_line is not None and "quoted" not in (exc.context or ""):
        at = tab_line or line
        return at, lines[at - 1].index("\t") + 1 if "\t" in lines[at - 1] else 1, \
            t("yaml.tab", line=at)
    if "flow" in (exc.context or "") and opened is not None:
        bracket = text_at(lines, opened) or "["
        close = {"[": "]", "{": "}"}.get(bracket, "]")
        return opened.line + 1, opened.column + 1, t("yaml.unclosed", bracket=bracket,
                                                    line=opened.line + 1, close=close)
    if "quoted scalar" in (exc.context or "") and opened is not None:
        quote = text_at(lines, opened) or '"'
        return opened.line + 1, opened.column + 1, t("yaml.quote", quote=quote,
                                                    line=opened.line + 1)
    if "mapping values are not allowed" in problem:
        key, _, value = lines[line - 1].strip().lstrip("- ").partition(":")
        example = f'{key}: "{value.strip()}"'
        return line, col, t("yaml.colon", example=example)
    if "expected <block end>" in problem or "did not find expected" in problem:
        return line, col, t("yaml.indent")
    return line, col, ""


def text_at(lines: list[str], mark: yaml.Mark) -> str:
    """The character at ``mark`` ('' past the end)."""
    if mark.line < len(lines) and mark.column < len(lines[mark.line]):
        return lines[mark.line][mark.column]
    return ""


def load_file(path: Path) -> Located:
    return load(path.read_text(encoding="utf-8-sig"), str(path))


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest known name to a mistyped ``word``, if any is close."""
    match = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return match[0] if match else None
