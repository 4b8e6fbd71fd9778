"""CAP 1.2 (OASIS Common Alerting Protocol) as ``FeedItem``s: a single ``<alert>`` document, or
an Atom feed of them (each entry carrying the alert inline or linking to it).

Mapping (overridable per feed by ``priority_map``, "Urgency/Severity" with "*" for any):
urgency Immediate with severity Extreme/Severe -> emergency; any other Extreme/Severe, or
Immediate/Expected with Moderate -> priority; the rest (and urgency Past) -> normal.
``msgType`` Alert takes the alert, Update takes it as a new version of the alert(s) it
``references`` (``sender,identifier,sent`` triplets), Cancel withdraws them; Ack and Error carry
nothing to air. Only ``status`` Actual is aired (Exercise, System, Test, Draft are noted).
The ``info`` block read is the first in Vietnamese (``language`` vi or vi-VN), else the first;
``headline`` is the title, ``description`` and ``instruction`` the text, ``effective``/``onset``
and ``expires`` the air window."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field

from broadcaster.inbox.feeds.model import FeedItem, FeedProblem, ItemAction
from broadcaster.inbox.feeds.stationfeed import when
from broadcaster.inbox.feeds.xmlsafe import child, children, local, parse_xml, text
from broadcaster.messages import t
from broadcaster.models import Priority

CAP_NAMESPACES = ("urn:oasis:names:tc:emergency:cap:1.2", "urn:oasis:names:tc:emergency:cap:1.1")
SEVERE = ("Extreme", "Severe")


def cap_priority(urgency: str, severity: str, overrides: Mapping[str, str] | None = None
                 ) -> Priority:
    """The station's level for a CAP urgency and severity."""
    for key in (f"{urgency}/{severity}", f"{urgency}/*", f"*/{severity}", "*/*"):
        if overrides and key in overrides:
            return Priority(overrides[key])
    if urgency == "Past":
        return Priority.NORMAL
    if urgency == "Immediate" and severity in SEVERE:
        return Priority.EMERGENCY
    if severity in SEVERE or (urgency in ("Immediate", "Expected") and severity == "Moderate"):
        return Priority.PRIORITY
    return Priority.NORMAL


def references(value: str) -> tuple[str, ...]:
    """The identifiers named by a ``references`` element (``sender,identifier,sent`` ...)."""
    out = []
    for triplet in value.split():
        parts = triplet.split(",")
        if len(parts) >= 2 and parts[1]:
            out.append(parts[1])
    return tuple(out)


def pick_info(alert: ET.Element) -> ET.Element | None:
    """The first Vietnamese ``info`` block (vi, vi-VN ...), else the first one."""
    infos = children(alert, "info")
    for info in infos:
        if text(info, "language").lower().replace("_", "-").split("-")[0] == "vi":
            return info
    return infos[0] if infos else None


@dataclass
class CapResult:
    """Items from one CAP document or feed, alert links still to fetch, and notes."""

    items: list[FeedItem] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (atom entry id, url)
    notes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # identifiers seen that make no bulletin


def parse_alert(alert: ET.Element, where: str, tz: dt.tzinfo,
                overrides: Mapping[str, str] | None, out: CapResult) -> None:
    """One ``<alert>`` into ``out``."""
    ns = alert.tag[1:].partition("}")[0] if alert.tag.startswith("{") else ""
    if ns not in CAP_NAMESPACES:
        raise FeedProblem("cap_namespace", url=where, ns=ns or "-")
    ident = text(alert, "identifier")
    if not ident:
        raise FeedProblem("cap_no_id", url=where)
    status, kind = text(alert, "status"), text(alert, "msgType")
    refs = references(text(alert, "references"))
    if status != "Actual":
        out.notes.append(t("feeds.cap_not_actual", url=where, id=ident, status=status or "-"))
        out.skipped.append(ident)
        return
    if kind == "Cancel":
        out.items.append(FeedItem(external_id=ident, title="", text="", action=ItemAction.CANCEL,
                                  cancels=refs, station=text(alert, "sender")))
        return
    if kind not in ("Alert", "Update"):
        out.skipped.append(ident)  # Ack, Error: nothing to air
        return
    info = pick_info(alert)
    if info is None:
        raise FeedProblem("cap_no_info", url=where, id=ident)
    headline, event = text(info, "headline"), text(info, "event")
    body = "\n\n".join(x for x in (text(info, "description"), text(info, "instruction")) if x)
    if not body:
        body = headline or event
    if not body:
        raise FeedProblem("cap_no_text", url=where, id=ident)
    sent = when(text(alert, "sent"), tz)
    start = when(text(info, "onset") or text(info, "effective"), tz)
    out.items.append(FeedItem(
        external_id=ident, title=(headline or event or ident)[:300], text=body,
        priority=cap_priority(text(info, "urgency"), text(info, "severity"), overrides),
        published=sent, air_from=start if start is not None and sent is not None
        and start > sent else None, air_until=when(text(info, "expires"), tz),
        station=text(info, "senderName") or text(alert, "sender"),
        cancels=refs if kind == "Update" else ()))


def parse_cap(data: bytes, where: str, tz: dt.tzinfo,
              overrides: Mapping[str, str] | None = None) -> CapResult:
    """A CAP alert document or an Atom feed of alerts."""
    root = parse_xml(data, where)
    out = CapResult()
    name = local(root.tag)
    if name == "alert":
        parse_alert(root, where, tz, overrides, out)
    elif name == "feed":
        for entry in children(root, "entry"):
            _entry(entry, where, tz, overrides, out)
    else:
        raise FeedProblem("cap_not_cap", url=where, root=name)
    return out


def _entry(entry: ET.Element, where: str, tz: dt.tzinfo, overrides: Mapping[str, str] | None,
           out: CapResult) -> None:
    content = child(entry, "content")
    inline = None
    if content is not None:
        inline = next((c for c in content.iter() if local(c.tag) == "alert"), None)
    if inline is not None:
        try:
            parse_alert(inline, where, tz, overrides, out)
        except FeedProblem as exc:
            out.notes.append(exc.message)
        return
    links = children(entry, "link")
    cap = [ln for ln in links if "cap" in ln.get("type", "")] or \
          [ln for ln in links if ln.get("rel", "alternate") in ("alternate", "related")]
    if cap and cap[0].get("href"):
        out.links.append((text(entry, "id") or cap[0].get("href", ""), cap[0].get("href", "")))
    else:
        out.notes.append(t("feeds.cap_entry_empty", url=where, id=text(entry, "id") or "?"))


__all__ = ["CAP_NAMESPACES", "CapResult", "cap_priority", "parse_alert", "parse_cap",
           "pick_info", "references"]
