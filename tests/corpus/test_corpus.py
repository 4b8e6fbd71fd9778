"""Corpus of real-style bulletins with the spoken forms an announcer would read (point 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadcaster.inbox.reader import read_bulletin
from broadcaster.text import to_script

HERE = Path(__file__).parent
BULLETINS = sorted(p for p in HERE.glob("*.txt") if not p.name.endswith(".expected.txt"))


def cases(name: str = "cases.tsv") -> list[tuple[str, str]]:
    """(source, expected) rows; a third column (the classes a row tests) is for the benchmark."""
    out = []
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            src, expected = line.split("\t")[:2]
            out.append((src, expected))
    return out


@pytest.mark.parametrize(("source", "expected"), cases(), ids=[c[0] for c in cases()])
def test_case(source: str, expected: str) -> None:
    assert to_script(source).text == expected


@pytest.mark.parametrize(("source", "expected"), cases("heldout.tsv"), ids=[c[0][:40] for c in cases("heldout.tsv")])
def test_heldout(source: str, expected: str) -> None:
    assert to_script(source).text == expected


@pytest.mark.parametrize("path", BULLETINS, ids=[p.stem for p in BULLETINS])
def test_bulletin(path: Path) -> None:
    expected = (HERE / f"{path.stem}.expected.txt").read_text(encoding="utf-8").splitlines()
    got = to_script(read_bulletin(path).body).lines()
    assert got == expected


def test_corpus_covers_the_kinds_of_bulletin() -> None:
    names = {p.stem for p in BULLETINS}
    assert {"ke-hoach-tuyen-truyen-nq57", "tiem-chung", "goi-nhap-ngu", "ban-tin-bao",
            "thong-bao-thue", "thong-bao-cat-dien"} <= names
    assert len(cases()) >= 60


@pytest.mark.parametrize("path", BULLETINS, ids=[p.stem for p in BULLETINS])
def test_bulletin_output_is_a_fixed_point(path: Path) -> None:
    once = to_script(read_bulletin(path).body).text
    assert not any(c.isdigit() for c in once)
    assert to_script(once).text == once
