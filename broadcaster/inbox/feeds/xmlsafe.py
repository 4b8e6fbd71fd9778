"""Hardened XML for everything a feed sends: ``defusedxml`` refuses DTDs with entities (billion
laughs, quadratic blow-up) and external entities, so nothing from the network expands in memory
or makes the station read a local file or another URL."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from broadcaster.inbox.feeds.model import FeedProblem


def parse_xml(data: bytes, where: str) -> ET.Element:
    """The root element of ``data``; a FeedProblem naming ``where`` for anything unsafe or
    malformed."""
    try:
        root: ET.Element = fromstring(data, forbid_dtd=False, forbid_entities=True,
                                      forbid_external=True)
    except DefusedXmlException as exc:
        raise FeedProblem("xml_unsafe", url=where, error=type(exc).__name__) from None
    except ET.ParseError as exc:
        line, col = exc.position
        raise FeedProblem("xml_bad", url=where, line=line, col=col, error=str(exc)) from None
    return root


def local(tag: str) -> str:
    """An element's name without its namespace: ``{urn:...:cap:1.2}alert`` -> ``alert``."""
    return tag.rpartition("}")[2]


def child(el: ET.Element, name: str) -> ET.Element | None:
    """The first child named ``name`` in any namespace."""
    for c in el:
        if local(c.tag) == name:
            return c
    return None


def children(el: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in el if local(c.tag) == name]


def text(el: ET.Element, name: str) -> str:
    """The stripped text of the first child named ``name``; "" when absent."""
    c = child(el, name)
    return (c.text or "").strip() if c is not None else ""


__all__ = ["child", "children", "local", "parse_xml", "text"]
