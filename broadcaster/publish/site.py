"""The public archive as static files: index, one page per bulletin, feeds (podcast RSS 2.0 with
iTunes tags, JSON Feed 1.1, Atom), style, search script and cover. Pages link relatively (they
work at ``/cong-khai/``, on the ward portal and opened from a folder); feeds link absolutely
(``base_url``). Every file is written durably and only when its content changed."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import struct
import unicodedata
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jinja2

from broadcaster.durable import write_bytes
from broadcaster.messages import t
from broadcaster.publish.archive import PublicItem
from broadcaster.text.cleanup import Block, to_blocks

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
ATOM = "http://www.w3.org/2005/Atom"
ET.register_namespace("itunes", ITUNES)
ET.register_namespace("atom", ATOM)
STATIC = ("style.css", "search.js")
FEEDS = ("rss.xml", "atom.xml", "feed.json")
SEARCH_CHARS = 4000  # of each bulletin's text carried by the index page for the search


@dataclass(frozen=True)
class SiteInfo:
    """The archive's identity: the station, the language, where it is published."""

    station: str
    base_url: str  # ends with "/"
    language: str
    tz: dt.tzinfo
    description: str


def fold(text: str) -> str:
    """Lower case without accents (đ -> d): a search typed without diacritics still matches."""
    s = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D").lower())
    return " ".join("".join(c for c in s if not unicodedata.combining(c)).split())


def paragraphs(body: str) -> list[Block]:
    """The editor's text without letterhead, distribution list and page furniture."""
    return to_blocks(body)


def plain_text(body: str) -> str:
    """The cleaned text as paragraphs separated by blank lines (feeds, search)."""
    return "\n\n".join(_block_text(b) for b in paragraphs(body))


def _block_text(block: Block) -> str:
    if not block.label:
        return block.text
    mark = f"{block.label})" if block.label_kind == "letter" else f"{block.label}."
    return f"{mark} {block.text}".strip()


def _env() -> jinja2.Environment:
    folder = resources.files("broadcaster.publish").joinpath("templates")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)),
                             autoescape=jinja2.select_autoescape(["html"], default=True),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.globals.update(t=t, block_text=_block_text)
    return env


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``path`` durably unless it already holds ``data``; True when written."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_bytes(path, data)
    return True


def _day(when: dt.datetime) -> str:
    names = t("publish.weekdays").split("|")
    name = names[when.weekday()] if len(names) == 7 else ""
    return f"{name}, {when:%d/%m/%Y}".lstrip(", ")


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{max(1, round(n / 1024))} KB"


def _duration(ms: int) -> str:
    s = round(ms / 1000)
    return f"{s // 60}:{s % 60:02d}"


def _view(item: PublicItem, info: SiteInfo) -> dict[str, object]:
    local = item.when.astimezone(info.tz)
    return {"item": item, "when": f"{local:%H:%M}, {_day(local)}", "time": f"{local:%H:%M}",
            "iso": item.when.isoformat(), "blocks": paragraphs(item.body),
            "search": fold(item.title + " " + plain_text(item.body))[:SEARCH_CHARS],
            "size": _size(item.mp3_size), "duration": _duration(item.duration_ms)}


def render_index(items: list[PublicItem], info: SiteInfo) -> str:
    """The index: newest first, grouped by day (station time), with the search box."""
    days: list[tuple[str, list[dict[str, object]]]] = []
    for item in items:
        day = _day(item.when.astimezone(info.tz))
        if not days or days[-1][0] != day:
            days.append((day, []))
        days[-1][1].append(_view(item, info))
    return _env().get_template("index.html").render(days=days, site=info, root="")


def render_page(item: PublicItem, info: SiteInfo) -> str:
    """One bulletin's page: title, date, the cleaned text, the audio player."""
    return _env().get_template("bulletin.html").render(v=_view(item, info), site=info, root="../")


def _rfc822(when: dt.datetime) -> str:
    return email.utils.format_datetime(when)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def render_rss(items: list[PublicItem], info: SiteInfo, now: dt.datetime) -> bytes:
    """Podcast RSS 2.0 with the iTunes tags podcast apps read."""
    rss = ET.Element("rss", {"version": "2.0"})
    ch = _sub(rss, "channel")
    _sub(ch, "title", info.station)
    _sub(ch, "link", info.base_url + "index.html")
    _sub(ch, "description", info.description)
    _sub(ch, "language", info.language)
    _sub(ch, "lastBuildDate", _rfc822(max((i.when for i in items), default=now)))
    _sub(ch, "generator", "broadcaster")
    _sub(ch, f"{{{ATOM}}}link", href=info.base_url + "rss.xml", rel="self",
         type="application/rss+xml")
    image = _sub(ch, "image")
    _sub(image, "url", info.base_url + "cover.png")
    _sub(image, "title", info.station)
    _sub(image, "link", info.base_url + "index.html")
    _sub(ch, f"{{{ITUNES}}}author", info.station)
    _sub(ch, f"{{{ITUNES}}}summary", info.description)
    _sub(ch, f"{{{ITUNES}}}image", href=info.base_url + "cover.png")
    ET.SubElement(ch, f"{{{ITUNES}}}category", {"text": "Government"})
    _sub(ch, f"{{{ITUNES}}}explicit", "false")
    _sub(ch, f"{{{ITUNES}}}type", "episodic")
    owner = _sub(ch, f"{{{ITUNES}}}owner")
    _sub(owner, f"{{{ITUNES}}}name", info.station)
    for item in items:
        it = _sub(ch, "item")
        _sub(it, "title", item.title)
        _sub(it, "link", info.base_url + item.page)
        _sub(it, "guid", f"{item.id}@v{item.version}", isPermaLink="false")
        _sub(it, "pubDate", _rfc822(item.when))
        _sub(it, "description", plain_text(item.body))
        if item.mp3:
            _sub(it, "enclosure", url=info.base_url + "audio/" + item.mp3,
                 length=str(item.mp3_size), type="audio/mpeg")
            _sub(it, f"{{{ITUNES}}}duration", str(round(item.duration_ms / 1000)))
        _sub(it, f"{{{ITUNES}}}episodeType", "full")
        _sub(it, f"{{{ITUNES}}}explicit", "false")
    return _xml(rss)


def render_atom(items: list[PublicItem], info: SiteInfo, now: dt.datetime) -> bytes:
    """Atom 1.0: one entry per bulletin, the MP3 as an enclosure link."""
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": info.language})
    _sub(feed, f"{{{ATOM}}}id", info.base_url + "atom.xml")
    _sub(feed, f"{{{ATOM}}}title", info.station)
    _sub(feed, f"{{{ATOM}}}subtitle", info.description)
    latest = max((i.when for i in items), default=now)
    _sub(feed, f"{{{ATOM}}}updated", latest.isoformat())
    _sub(feed, f"{{{ATOM}}}link", href=info.base_url + "atom.xml", rel="self",
         type="application/atom+xml")
    _sub(feed, f"{{{ATOM}}}link", href=info.base_url + "index.html", rel="alternate",
         type="text/html")
    author = _sub(feed, f"{{{ATOM}}}author")
    _sub(author, f"{{{ATOM}}}name", info.station)
    for item in items:
        e = _sub(feed, f"{{{ATOM}}}entry")
        _sub(e, f"{{{ATOM}}}id", info.base_url + item.page)
        _sub(e, f"{{{ATOM}}}title", item.title)
        _sub(e, f"{{{ATOM}}}published", item.when.isoformat())
        _sub(e, f"{{{ATOM}}}updated", item.when.isoformat())
        _sub(e, f"{{{ATOM}}}link", href=info.base_url + item.page, rel="alternate",
             type="text/html")
        if item.mp3:
            _sub(e, f"{{{ATOM}}}link", href=info.base_url + "audio/" + item.mp3,
                 rel="enclosure", type="audio/mpeg", length=str(item.mp3_size))
        _sub(e, f"{{{ATOM}}}content", plain_text(item.body), type="text")
    return _xml(feed)


def render_json_feed(items: list[PublicItem], info: SiteInfo) -> bytes:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""
    entries = []
    for item in items:
        entry: dict[str, object] = {
            "id": f"{item.id}@v{item.version}", "url": info.base_url + item.page,
            "title": item.title, "content_text": plain_text(item.body),
            "date_published": item.when.isoformat(), "tags": [item.priority]}
        if item.mp3:
            entry["attachments"] = [{"url": info.base_url + "audio/" + item.mp3,
                                     "mime_type": "audio/mpeg", "size_in_bytes": item.mp3_size,
                                     "duration_in_seconds": round(item.duration_ms / 1000, 1)}]
        entries.append(entry)
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": info.station,
            "home_page_url": info.base_url + "index.html", "feed_url": info.base_url + "feed.json",
            "description": info.description, "language": info.language,
            "icon": info.base_url + "cover.png", "authors": [{"name": info.station}],
            "items": entries}
    return (json.dumps(feed, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def cover_png(size: int = 1400, rgb: tuple[int, int, int] = (0x1d, 0x4e, 0x89)) -> bytes:
    """A plain square cover (podcast apps want one of at least 1400 px), made without PIL."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    row = b"\x00" + bytes(rgb) * size
    raw = zlib.compress(row * size, 9)
    head = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def static_files() -> Iterable[tuple[str, bytes]]:
    """The style sheet and the search script shipped with the package, and the cover."""
    folder = resources.files("broadcaster.publish").joinpath("static")
    for name in STATIC:
        yield name, folder.joinpath(name).read_bytes()
    yield "cover.png", cover_png()


def write_site(root: Path, items: list[PublicItem], info: SiteInfo, now: dt.datetime) -> int:
    """Every page, feed and static file of ``items`` under ``root``; the number written."""
    files: list[tuple[str, bytes]] = list(static_files())
    files.append(("index.html", render_index(items, info).encode("utf-8")))
    files += [(item.page, render_page(item, info).encode("utf-8")) for item in items]
    files += [("rss.xml", render_rss(items, info, now)), ("atom.xml", render_atom(items, info, now)),
              ("feed.json", render_json_feed(items, info))]
    return sum(write_if_changed(root / name, data) for name, data in files)
