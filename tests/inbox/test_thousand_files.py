"""A thousand files dropped into the inbox: every one ends as a bulletin (its exact bytes kept
as the original of the current version) or as a rejection (its exact bytes in inbox/rejected/
with a .loi.txt beside it). Binary, empty, huge, wrong encodings, partial writes, duplicates,
rapid replaces, subfolders."""

from __future__ import annotations

import datetime as dt
import io
import random
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document

from broadcaster.clock import FakeClock
from broadcaster.config import Station
from broadcaster.inbox.ingest import Ingester
from broadcaster.inbox.store import BulletinRecord, BulletinStore, store_path

WORDS = [
    "thông", "báo", "ủy", "ban", "nhân", "dân", "phường", "về", "việc", "tổ", "chức", "tiêm",
    "chủng", "cho", "trẻ", "em", "dưới", "năm", "tuổi", "tại", "trạm", "y", "tế", "từ", "bảy",
    "giờ", "sáng", "đề", "nghị", "các", "hộ", "gia", "đình", "đưa", "con", "em", "đến", "đúng",
    "giờ", "và", "mang", "theo", "sổ", "tiêm", "chủng", "điện", "nước", "vệ", "sinh", "môi",
    "trường", "họp", "dân", "khu", "phố",
]


def _cp1258(text: str) -> bytes:
    """Windows-1258: base letters with circumflex/breve/horn precomposed, tones combining."""
    out: list[str] = []
    tones: list[str] = []
    for ch in unicodedata.normalize("NFD", text) + " ":
        if not unicodedata.combining(ch):
            out.extend(tones)
            tones = []
            out.append(ch)
        elif ch in "\u0302\u0306\u031b":
            out[-1] = unicodedata.normalize("NFC", out[-1] + ch)
        else:
            tones.append(ch)
    out.pop()
    return "".join(out).encode("cp1258")


def _docx(text: str) -> bytes:
    doc = Document()
    for para in text.split("\n"):
        doc.add_paragraph(para)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _text(rng: random.Random, n: int, marker: str) -> str:
    body = " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()
    return f"{body}. Mã {marker}."


class Drops:
    """What the editors leave in the inbox: each file's bytes as last written there."""

    def __init__(self, inbox: Path) -> None:
        self.inbox = inbox
        self.final: dict[str, bytes] = {}  # relative path -> the bytes the editor last left
        self.count = 0

    def drop(self, rel: str, data: bytes) -> None:
        path = self.inbox / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.final[rel] = data
        self.count += 1


def _front(rng: random.Random, i: int, text: str) -> bytes:
    fm = (f"---\ntitle: Tin số {i}\ntags: [khu-{i % 5}]\n"
          f"priority: {rng.choice(['normal', 'priority'])}\nrepeat: {rng.randint(1, 3)}\n---\n")
    return (fm + text).encode("utf-8")


# kind -> (relative path, bytes) of drop number i, whose body is text
Maker = Callable[[random.Random, int, str, Drops], tuple[str, bytes]]
MAKERS: dict[str, Maker] = {
    "utf8": lambda rng, i, text, d: (f"tin-{i:04d}.txt", text.encode("utf-8") if i % 2
                                     else b"\xef\xbb\xbf" + text.encode()),
    "front": lambda rng, i, text, d: (f"tin-{i:04d}.txt", _front(rng, i, text)),
    "utf16": lambda rng, i, text, d: (f"tin-{i:04d}.txt", text.encode("utf-16")),
    "cp1258": lambda rng, i, text, d: (f"tin-{i:04d}.txt", _cp1258(text)),
    "docx": lambda rng, i, text, d: (f"tin-{i:04d}.docx", _docx(text)),
    "binary": lambda rng, i, text, d: (f"tin-{i:04d}.txt",
                                       rng.randbytes(rng.randint(200, 5000)) + b"\x00"),
    "empty": lambda rng, i, text, d: (f"tin-{i:04d}.txt", b""),
    "huge": lambda rng, i, text, d: (f"tin-{i:04d}.txt",
                                     (text + "\n").encode() * (6 * 1024 * 1024 // len(text))),
    "badext": lambda rng, i, text, d: (f"tin-{i:04d}.{rng.choice(['pdf', 'jpg', 'xlsx', 'mp3'])}",
                                       rng.randbytes(300)),
    "badfront": lambda rng, i, text, d: (
        f"tin-{i:04d}.txt", f"---\nuntil: ngày mai\npriorty: cao\n---\n{text}".encode()),
    "brokendocx": lambda rng, i, text, d: (f"tin-{i:04d}.docx", _docx(text)[:700]),
    # the same content under another name: another bulletin
    "dup": lambda rng, i, text, d: (f"tin-{i:04d}.txt", d.final["tin-0001.txt"]),
    "sub": lambda rng, i, text, d: (f"To dan pho {i % 7}/Thông báo {i}.txt", text.encode("utf-8")),
}
KINDS: list[str] = (["utf8"] * 250 + ["front"] * 100 + ["utf16"] * 60 + ["cp1258"] * 60
                    + ["docx"] * 40 + ["binary"] * 80 + ["empty"] * 40 + ["huge"] * 4
                    + ["badext"] * 40 + ["badfront"] * 40 + ["brokendocx"] * 20
                    + ["dup"] * 60 + ["sub"] * 56)


def _settle(ing: Ingester, clock: FakeClock) -> None:
    for _ in range(3):
        ing.poll_once()
        clock.advance(1.1)
    ing.poll_once()


def _drop_partial_writes(drops: Drops, ing: Ingester, clock: FakeClock,
                         rng: random.Random) -> None:
    """Half of 40 files now, the rest after the ingester has seen them: none taken half-way."""
    halves = {}
    for j in range(40):
        text = _text(rng, 40, f"p{j}").encode("utf-8")
        rel = f"dang-ghi-{j:02d}.txt"
        (drops.inbox / rel).write_bytes(text[: len(text) // 2])
        halves[rel] = text
    ing.poll_once()
    clock.advance(0.6)
    for rel, text in halves.items():
        drops.drop(rel, text)
    assert all(o.source not in halves for o in ing.poll_once())


def _drop_replaces(drops: Drops, rng: random.Random) -> None:
    """Written three times in a row before the ingester looks; an ingested file replaced (a new
    version); the same file dropped again, unchanged."""
    for j in range(30):
        for k in range(3):
            drops.drop(f"thay-nhanh-{j:02d}.txt", _text(rng, 10, f"r{j}-{k}").encode("utf-8"))
    for j in range(30):
        drops.drop(f"tin-{j:04d}.txt", _text(rng, 12, f"v2-{j}").encode("utf-8"))
    for j in range(30, 60):
        drops.drop(f"tin-{j:04d}.txt", drops.final[f"tin-{j:04d}.txt"])


def _check_each_file_accounted_for(drops: Drops, bulletins: dict[str, BulletinRecord],
                                   rejected: dict[str, bytes]) -> None:
    rejected_dir = drops.inbox / "rejected"
    for rel, data in drops.final.items():
        rec = bulletins.get(rel)
        if rec is not None:
            assert rec.original.read_bytes() == data, rel
            assert (drops.inbox / rel).read_bytes() == data, rel  # the file stays for the editor
            assert rec.script_text.strip(), rel
        else:
            assert rejected.get(rel) == data, f"{rel} is neither a bulletin nor a rejection"
            assert (rejected_dir / f"{rel}.loi.txt").read_text(encoding="utf-8").startswith(
                "TỆP BỊ TỪ CHỐI"), rel
    assert len(bulletins) + len(rejected) == len(drops.final)


def _check_expected_shape(bulletins: dict[str, BulletinRecord], rejected: dict[str, bytes],
                          rejected_dir: Path) -> None:
    """Encodings and .docx read, garbage rejected, versions; the same bytes under another
    name refused, naming the bulletin they repeat."""
    assert sum(1 for r in rejected if r.startswith("tin-")) == 80 + 40 + 4 + 40 + 40 + 20 + 60
    dups = [f"tin-{i:04d}.txt" for i, k in enumerate(KINDS) if k == "dup"]
    assert all("tin-0001" in (rejected_dir / f"{rel}.loi.txt").read_text(encoding="utf-8")
               for rel in dups)
    assert all(bulletins[f"tin-{j:04d}.txt"].version == 2 for j in range(30))
    assert all(bulletins[f"tin-{j:04d}.txt"].version == 1 for j in range(30, 60))
    assert all(f"r{j}-2" in bulletins[f"thay-nhanh-{j:02d}.txt"].body for j in range(30))
    cp = [bulletins[f"tin-{i:04d}.txt"] for i, k in enumerate(KINDS) if k == "cp1258"]
    assert all("thông" in r.body.lower() or "ủy" in r.body.lower() or "đ" in r.body.lower()
               or any(w in r.body.lower() for w in WORDS if len(w) > 3) for r in cp)


@pytest.mark.slow
def test_a_thousand_drops_are_all_accounted_for(quiet_station: Station) -> None:
    rng = random.Random(7)
    clock = FakeClock(dt.datetime(2026, 12, 1, 8, 0, tzinfo=quiet_station.tz))
    store = BulletinStore(store_path(quiet_station))
    ing = Ingester(quiet_station, store, clock, stable_seconds=1.0)
    drops = Drops(quiet_station.inbox_dir)
    for i, kind in enumerate(KINDS):
        text = _text(rng, rng.randint(5, 60), f"{i}")
        drops.drop(*MAKERS[kind](rng, i, text, drops))
    _drop_partial_writes(drops, ing, clock, rng)
    _settle(ing, clock)
    _drop_replaces(drops, rng)
    _settle(ing, clock)

    assert drops.count >= 1000
    rejected_dir = drops.inbox / "rejected"
    bulletins = {r.source: r for r in store.all()}
    rejected = {p.relative_to(rejected_dir).as_posix(): p.read_bytes()
                for p in rejected_dir.rglob("*") if p.is_file() and not p.name.endswith(".loi.txt")}
    _check_each_file_accounted_for(drops, bulletins, rejected)
    # what the journal says agrees, and nothing is left half-way
    states = [row.state for row in store.intake()]
    assert set(states) <= {"ingested", "unchanged", "rejected"}
    assert states.count("rejected") == len(rejected)
    assert [p for p in (quiet_station.var_dir / "inbox" / "claimed").rglob("*") if p.is_file()] == []
    _check_expected_shape(bulletins, rejected, rejected_dir)
