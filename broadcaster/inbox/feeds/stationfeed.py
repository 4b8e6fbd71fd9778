"""Another station's public feed as ``FeedItem``s. The canonical format is JSON Feed 1.1 (what
``broadcaster.publish`` writes as ``feed.json``: ids ``<bulletin>@v<version>``, the priority as
a tag, the station as the feed's author); Atom 1.0 and RSS 2.0 are read too, with a hardened XML
parser. An item's audio enclosure is checked (type, declared size) but not fetched: the station
speaks the text with its own voice, lexicon and loudness, and the text is what the editor wrote.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from broadcaster.inbox.feeds.model import Enclosure, FeedItem, FeedProblem
from broadcaster.inbox.feeds.xmlsafe import child, children, local, parse_xml, text
from broadcaster.messages import t
from broadcaster.models import Priority

_VERSION = re.compile(r"@v\d+$")
_PRIORITIES = {p.value: p for p in Priority}
_MAX_TITLE = 300


@dataclass
class ParsedFeed:
    """A feed's items (oldest first) and what was noticed and left out, in words."""

    title: str
    items: list[FeedItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def when(value: object, tz: dt.tzinfo) -> dt.datetime | None:
    """An ISO 8601 (or RFC 822) time; a time without offset is in the station's zone."""
    if not isinstance(value, str) or not value.strip():
        return None
    raw = value.strip()
    try:
        got = dt.datetime.fromisoformat(raw)
    except ValueError:
        try:
            got = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            return None
    return got if got.tzinfo is not None else got.replace(tzinfo=tz)


def plain(markup: str) -> str:
    """Text from (possibly HTML) feed content: tags out, paragraphs kept, entities decoded."""
    s = re.sub(r"(?i)<\s*(br|/p|/div|/li|/h\d)\s*/?>", "\n\n", markup)
    s = html.unescape(re.sub(r"<[^>]*>", "", s))
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", s)]
    return "\n\n".join(p for p in paras if p)


def _priority(tags: list[str]) -> Priority:
    found = [_PRIORITIES[x.strip().lower()] for x in tags if x.strip().lower() in _PRIORITIES]
    order = (Priority.EMERGENCY, Priority.PRIORITY, Priority.NORMAL)
    return next((p for p in order if p in found), Priority.NORMAL)


def _enclosure(url: str, mime: str, size: object, where: str, item_id: str,
               max_bytes: int, notes: list[str]) -> tuple[Enclosure | None, str]:
    n = int(size) if isinstance(size, int | float | str) and str(size).isdigit() else None
    if not mime.lower().startswith("audio/"):
        note = t("feeds.enclosure_type", url=where, id=item_id, type=mime or "?")
    elif n is not None and n > max_bytes:
        note = t("feeds.enclosure_big", url=where, id=item_id, mb=round(n / 2**20, 1),
                 limit=round(max_bytes / 2**20, 1))
    else:
        return Enclosure(url, mime, n), ""
    notes.append(note)
    return None, note


def _item(*, ext: str, title: str, body: str, tags: list[str], published: dt.datetime | None,
          station: str, enclosure: tuple[Enclosure | None, str], where: str,
          notes: list[str]) -> FeedItem | None:
    if not ext:
        notes.append(t("feeds.item_no_id", url=where, title=title or "?"))
        return None
    if not body.strip():
        notes.append(t("feeds.item_no_text", url=where, id=ext))
        return None
    return FeedItem(external_id=ext[:500], title=(title or body.split("\n")[0])[:_MAX_TITLE],
                    text=body, priority=_priority(tags), published=published, station=station,
                    enclosure=enclosure[0], note=enclosure[1])


def parse_json_feed(data: bytes, where: str, tz: dt.tzinfo, max_enclosure: int) -> ParsedFeed:
    """JSON Feed 1.x (the canonical station feed)."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise FeedProblem("json_bad", url=where, error=str(exc)) from None
    if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith(
            "https://jsonfeed.org/version/1") or not isinstance(doc.get("items"), list):
        raise FeedProblem("json_not_feed", url=where)
    station = _author(doc) or str(doc.get("title") or "")
    out = ParsedFeed(str(doc.get("title") or ""))
    for raw in doc["items"]:
        if not isinstance(raw, dict):
            out.notes.append(t("feeds.item_bad", url=where, error=type(raw).__name__))
            continue
        item = _json_item(raw, where, tz, max_enclosure, station, out.notes)
        if item is not None:
            out.items.append(item)
    out.items.reverse()  # feeds list newest first; take oldest first
    return out


def _author(obj: dict[str, Any]) -> str:
    authors = obj.get("authors")
    if isinstance(authors, list) and authors and isinstance(authors[0], dict):
        return str(authors[0].get("name") or "")
    return ""


def _json_item(raw: dict[str, Any], where: str, tz: dt.tzinfo, max_enclosure: int,
               station: str, notes: list[str]) -> FeedItem | None:
    ext = _VERSION.sub("", str(raw.get("id") or "").strip())
    body = raw.get("content_text")
    if not isinstance(body, str) or not body.strip():
        body = plain(str(raw.get("content_html") or raw.get("summary") or ""))
    tags = [str(x) for x in raw.get("tags") or [] if isinstance(x, str)]
    enc: tuple[Enclosure | None, str] = (None, "")
    atts = raw.get("attachments")
    if isinstance(atts, list) and atts and isinstance(atts[0], dict):
        a = atts[0]
        enc = _enclosure(str(a.get("url") or ""), str(a.get("mime_type") or ""),
                         a.get("size_in_bytes"), where, ext, max_enclosure, notes)
    return _item(ext=ext, title=str(raw.get("title") or "").strip(), body=body, tags=tags,
                 published=when(raw.get("date_published"), tz),
                 station=_author(raw) or station, enclosure=enc, where=where, notes=notes)


def parse_atom(root: ET.Element, where: str, tz: dt.tzinfo, max_enclosure: int) -> ParsedFeed:
    """Atom 1.0 (``atom.xml`` of a station's archive)."""
    author = child(root, "author")
    station = text(author, "name") if author is not None else ""
    out = ParsedFeed(text(root, "title"))
    for e in children(root, "entry"):
        body_el = child(e, "content")
        if body_el is None:
            body_el = child(e, "summary")
        body = (body_el.text or "") if body_el is not None else ""
        if body_el is not None and body_el.get("type") in ("html", "xhtml"):
            body = plain(body)
        enc: tuple[Enclosure | None, str] = (None, "")
        for link in children(e, "link"):
            if link.get("rel") == "enclosure":
                enc = _enclosure(link.get("href", ""), link.get("type", ""), link.get("length"),
                                 where, text(e, "id"), max_enclosure, out.notes)
                break
        a = child(e, "author")
        item = _item(ext=text(e, "id"), title=text(e, "title"), body=body.strip(),
                     tags=[c.get("term", "") for c in children(e, "category")],
                     published=when(text(e, "published") or text(e, "updated"), tz),
                     station=(text(a, "name") if a is not None else "") or station,
                     enclosure=enc, where=where, notes=out.notes)
        if item is not None:
            out.items.append(item)
    out.items.reverse()
    return out


def parse_rss(root: ET.Element, where: str, tz: dt.tzinfo, max_enclosure: int) -> ParsedFeed:
    """RSS 2.0 (``rss.xml``): guid, title, description, pubDate, enclosure, category."""
    ch = child(root, "channel")
    if ch is None:
        raise FeedProblem("xml_not_feed", url=where, root="rss")
    station = text(ch, "title")
    out = ParsedFeed(station)
    for it in children(ch, "item"):
        ext = _VERSION.sub("", text(it, "guid") or text(it, "link"))
        enc: tuple[Enclosure | None, str] = (None, "")
        e = child(it, "enclosure")
        if e is not None:
            enc = _enclosure(e.get("url", ""), e.get("type", ""), e.get("length"), where, ext,
                             max_enclosure, out.notes)
        item = _item(ext=ext, title=text(it, "title"), body=plain(text(it, "description")),
                     tags=[(c.text or "") for c in children(it, "category")],
                     published=when(text(it, "pubDate"), tz), station=station, enclosure=enc,
                     where=where, notes=out.notes)
        if item is not None:
            out.items.append(item)
    out.items.reverse()
    return out


def parse_station_feed(data: bytes, where: str, tz: dt.tzinfo, max_enclosure: int) -> ParsedFeed:
    """Any of the three formats, told apart by their first byte and root element."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"{", b"["):
        return parse_json_feed(data, where, tz, max_enclosure)
    if head != b"<":
        raise FeedProblem("not_a_feed", url=where)
    root = parse_xml(data, where)
    name = local(root.tag)
    if name == "feed":
        return parse_atom(root, where, tz, max_enclosure)
    if name == "rss":
        return parse_rss(root, where, tz, max_enclosure)
    if name == "alert":
        raise FeedProblem("wrong_kind_cap", url=where)
    raise FeedProblem("xml_not_feed", url=where, root=name)


__all__ = ["ParsedFeed", "parse_atom", "parse_json_feed", "parse_rss", "parse_station_feed",
           "plain", "when"]
