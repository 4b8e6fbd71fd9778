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
    def __init__(self, source: str, line: int, column: int, detail: str) -> None:
        super().__init__(f"{source}:{line}:{column}: {detail}")
        self.source, self.line, self.column, self.detail = source, line, column, detail


def _pos(mark: yaml.Mark) -> Pos:
    return Pos(mark.line + 1, mark.column + 1)


def _construct(node: yaml.Node, path: PathKey, loc: Located, loader: yaml.SafeLoader) -> Any:
    loc.values[path] = _pos(node.start_mark)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for knode, vnode in node.value:
            key = loader.construct_object(knode, deep=True)
            if isinstance(key, (dict, list)):
                key = str(key)
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


def load(text: str, source: str = "<string>") -> Located:
    """Parse one YAML document; raise ``YamlSyntaxError`` with the position on bad syntax."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        loc = Located(None, {}, {}, source)
        loc.data = _construct(node, (), loc, loader) if node is not None else None
        return loc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        detail = " ".join(x for x in (exc.context, exc.problem) if x) or str(exc)
        raise YamlSyntaxError(source, line, col, detail) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(source, 1, 1, str(exc)) from None
    finally:
        loader.dispose()


def load_file(path: Path) -> Located:
    return load(path.read_text(encoding="utf-8-sig"), str(path))


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest known name to a mistyped ``word``, if any is close."""
    match = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return match[0] if match else None
