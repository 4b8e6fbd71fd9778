"""Fetching a feed over HTTP, bounded: conditional requests (ETag / Last-Modified -> 304), one
deadline for the whole answer (connect, headers and every chunk of the body), and a size cap on
what is read. Every failure becomes a ``FeedProblem`` naming what happened."""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from broadcaster.inbox.feeds.model import FeedProblem

USER_AGENT = "broadcaster-feeds/1 (+ward loudspeaker station)"
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Response:
    """A feed's answer: 200 with a body, or 304 (not modified) with none."""

    status: int
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class Fetcher(Protocol):
    """Gets a URL, conditionally; raises ``FeedProblem``."""

    def get(self, url: str, *, etag: str | None, last_modified: str | None,
            max_bytes: int, timeout: float) -> Response: ...


class HttpFetcher:
    """The real fetcher (urllib: TLS verified, redirects followed, proxies from the system)."""

    def __init__(self) -> None:
        self._mono = time.monotonic  # a deadline on the wire, not station logic

    def get(self, url: str, *, etag: str | None, last_modified: str | None,
            max_bytes: int, timeout: float) -> Response:
        headers = {"User-Agent": USER_AGENT,
                   "Accept": "application/feed+json, application/json, application/atom+xml,"
                             " application/cap+xml, application/rss+xml, application/xml;q=0.9,"
                             " */*;q=0.5"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            # a link in a feed may name file:// or ftp://: never read those for a feed
            raise FeedProblem("bad_scheme", url=url)
        request = urllib.request.Request(url, headers=headers)
        deadline = self._mono() + timeout
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                body = self._read(answer, max_bytes, deadline, timeout)
                return Response(answer.status, body, answer.headers.get("ETag"),
                                answer.headers.get("Last-Modified"),
                                answer.headers.get("Content-Type", ""))
        except urllib.error.HTTPError as exc:
            if exc.code == 304:
                return Response(304, b"", exc.headers.get("ETag") or etag,
                                exc.headers.get("Last-Modified") or last_modified)
            raise FeedProblem("http_status", url=url, status=exc.code,
                              reason=exc.reason or "") from None
        except FeedProblem:
            raise
        except TimeoutError:
            raise FeedProblem("timeout", url=url, seconds=f"{timeout:g}") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise FeedProblem("timeout", url=url, seconds=f"{timeout:g}") from None
            raise FeedProblem("unreachable", url=url, error=str(exc.reason)) from None
        except (OSError, http.client.HTTPException, ValueError) as exc:
            raise FeedProblem("unreachable", url=url,
                              error=f"{type(exc).__name__}: {exc}") from None

    def _read(self, answer: http.client.HTTPResponse, max_bytes: int, deadline: float,
              timeout: float) -> bytes:
        declared = answer.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise FeedProblem("too_big", url=answer.geturl(), kb=int(declared) // 1024,
                              limit=max_bytes // 1024)
        parts: list[bytes] = []
        got = 0
        while True:
            if self._mono() > deadline:  # a server dripping bytes must not hold the poll
                raise FeedProblem("timeout", url=answer.geturl(), seconds=f"{timeout:g}")
            chunk = answer.read1(min(_CHUNK, max_bytes + 1 - got))  # what has come, not all
            if not chunk:
                return b"".join(parts)
            parts.append(chunk)
            got += len(chunk)
            if got > max_bytes:
                raise FeedProblem("too_big", url=answer.geturl(), kb=f">{max_bytes // 1024}",
                                  limit=max_bytes // 1024)


__all__ = ["Fetcher", "HttpFetcher", "Response"]
