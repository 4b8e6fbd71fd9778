"""The social platforms a bulletin is posted to: one protocol, a Facebook Page (Graph API) and a
Zalo Official Account (OA articles) over HTTP with bounded timeouts, and an in-memory fake.

A platform either returns the post's id or raises ``PostError`` saying whether trying again can
help; ``TokenError`` means the token itself was refused (retrying cannot help until an operator
renews it). The token never appears in an error: every message passes through ``redact``."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import requests

from broadcaster.config import FacebookSettings, SocialSettings, ZaloSettings
from broadcaster.durable import write_json
from broadcaster.errors import BroadcasterError
from broadcaster.messages import t

log = logging.getLogger(__name__)

FACEBOOK = "facebook"
ZALO = "zalo"
# Graph API error codes: 190 token invalid/expired, 102 session, 10 and 200-299 permissions
# (a token without pages_manage_posts); 1, 2, 4, 17, 32, 341, 613: temporary or throttled
_FB_TOKEN = {190, 102, 10}
_FB_RETRY = {1, 2, 4, 17, 32, 341, 613}
# Zalo OA error codes: -216 access token invalid, -124 access token expired; -32 rate limited
_ZALO_TOKEN = {-216, -124}
_ZALO_RETRY = {-32, -1}


class PostError(BroadcasterError):
    """A platform refused or could not take a request; ``retry``: trying again may help."""

    def __init__(self, message: str, *, retry: bool) -> None:
        super().__init__(message)
        self.retry = retry


class TokenError(PostError):
    """The platform refused the access token: stop, alert, wait for a new one."""

    def __init__(self, message: str) -> None:
        super().__init__(message, retry=False)


@dataclass(frozen=True)
class SocialPost:
    """What goes on a page: the title, the cleaned text, the bulletin page's link and the MP3."""

    bulletin_id: str
    title: str
    text: str
    link: str
    mp3: Path | None = None


@dataclass(frozen=True)
class Posted:
    post_id: str
    with_audio: bool = False


class Platform(Protocol):
    """One social page: ``post`` returns the new post; ``delete`` is False when the platform
    offers no delete (the log then says the post was left up)."""

    name: str
    audio: bool  # it takes the speech (when the post has an MP3)

    def post(self, post: SocialPost) -> Posted: ...

    def delete(self, post_id: str) -> bool: ...


def redact(text: str, *secrets: str) -> str:
    """``text`` with every secret (a token, a key) blotted out, wherever a library put it."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Http:
    """requests with the station's timeout; every failure becomes a redacted ``PostError``."""

    def __init__(self, secret: str, timeout_s: float) -> None:
        self.secrets = [secret]
        self.timeout = (min(10.0, timeout_s), timeout_s)
        self.session = requests.Session()

    def call(self, method: str, url: str, **kw: object) -> tuple[int, dict[str, object]]:
        """(HTTP status, JSON body); a network failure or a non-JSON reply is retryable."""
        try:
            resp = self.session.request(method, url, timeout=self.timeout, **kw)  # type: ignore[arg-type]
        except requests.RequestException as exc:
            raise PostError(redact(f"{type(exc).__name__}: {exc}", *self.secrets),
                            retry=True) from None
        try:
            body = resp.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise PostError(f"HTTP {resp.status_code}: {_short(redact(resp.text, *self.secrets))}",
                            retry=resp.status_code >= 500 or resp.status_code == 429)
        return resp.status_code, body


class FacebookPage:
    """A Facebook Page through the Graph API: ``/{page-id}/feed`` (message + link), or
    ``/{page-id}/videos`` (the speech as a still-picture video, the text and link as its
    description) when ``audio`` is on; ``DELETE /{post-id}`` when withdrawn."""

    name = FACEBOOK

    def __init__(self, settings: FacebookSettings, timeout_s: float,
                 make_video: Callable[[Path, Path], Path] | None = None,
                 work_dir: Path | None = None) -> None:
        self.page_id = settings.page_id
        self.api = settings.api_url
        self.token = settings.token.get_secret_value()
        self.audio = settings.audio
        self.http = _Http(self.token, timeout_s)
        self.make_video = make_video
        self.work_dir = work_dir

    def post(self, post: SocialPost) -> Posted:
        if self.audio and post.mp3 is not None and post.mp3.exists() and self.make_video:
            return self._video(post)
        data = {"message": f"{post.title}\n\n{post.text}", "link": post.link,
                "access_token": self.token}
        body = self._ok(*self.http.call("POST", f"{self.api}{self.page_id}/feed", data=data))
        return Posted(self._id(body))

    def _video(self, post: SocialPost) -> Posted:
        assert post.mp3 is not None and self.make_video is not None  # checked by post()
        work = self.work_dir or post.mp3.parent
        work.mkdir(parents=True, exist_ok=True)
        mp4 = self.make_video(post.mp3, work / f".{post.bulletin_id}.mp4")
        try:
            with mp4.open("rb") as fh:
                data = {"title": post.title, "access_token": self.token,
                        "description": f"{post.title}\n\n{post.text}\n\n{post.link}"}
                status, body = self.http.call(
                    "POST", f"{self.api}{self.page_id}/videos", data=data,
                    files={"source": (f"{post.bulletin_id}.mp4", fh, "video/mp4")})
        finally:
            mp4.unlink(missing_ok=True)
        return Posted(self._id(self._ok(status, body)), with_audio=True)

    def delete(self, post_id: str) -> bool:
        self._ok(*self.http.call("DELETE", f"{self.api}{post_id}",
                                 data={"access_token": self.token}))
        return True

    @staticmethod
    def _id(body: dict[str, object]) -> str:
        ident = body.get("post_id") or body.get("id")
        if not ident:
            raise PostError(t("social.no_id", reply=_short(json.dumps(body))), retry=True)
        return str(ident)

    def _ok(self, status: int, body: dict[str, object]) -> dict[str, object]:
        err = body.get("error")
        if status < 400 and not err:
            return body
        info = err if isinstance(err, dict) else {}
        code = info.get("code")
        text = redact(f"HTTP {status}, Graph API error {code}: {info.get('message', '')}",
                      *self.http.secrets)
        sub = info.get("error_subcode")
        if status == 401 or code in _FB_TOKEN or (isinstance(code, int) and 200 <= code < 300):
            raise TokenError(_short(text + (f" (subcode {sub})" if sub else "")))
        raise PostError(_short(text), retry=status >= 500 or status == 429 or code in _FB_RETRY
                        or bool(info.get("is_transient")))


class ZaloTokens:
    """The OA access token in use, and the refresh token that renews it. A renewal is kept in
    ``path`` (private, durable): Zalo's refresh tokens are single-use, so the renewed pair is the
    only one that works after a restart. A new token put in ``station.yaml`` wins over it."""

    def __init__(self, settings: ZaloSettings, path: Path | None) -> None:
        self.path = path
        self.access = settings.token.get_secret_value()
        self.refresh = settings.refresh_token.get_secret_value() if settings.refresh_token else ""
        self.origin = hashlib.sha256(f"{self.access}\n{self.refresh}".encode()).hexdigest()[:16]
        if path is None:
            return
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(saved, dict) and saved.get("origin") == self.origin:
            self.access = str(saved.get("access_token") or self.access)
            self.refresh = str(saved.get("refresh_token") or self.refresh)

    def renewed(self, access: str, refresh: str) -> None:
        self.access, self.refresh = access, refresh or self.refresh
        if self.path is not None:
            write_json(self.path, {"origin": self.origin, "access_token": self.access,
                                   "refresh_token": self.refresh}, mode=0o600)


class ZaloOA:
    """A Zalo Official Account: an OA article (``article/create``, then ``article/verify`` for its
    id), the ``access_token`` header; ``article/remove`` when withdrawn. Articles carry text,
    pictures and videos, not sound: the link leads to the bulletin page and its player. A refused
    token is renewed once with the refresh token, when the settings give one."""

    name = ZALO
    audio = False

    def __init__(self, settings: ZaloSettings, timeout_s: float, station: str,
                 token_file: Path | None = None) -> None:
        self.settings = settings
        self.api = settings.api_url
        self.tokens = ZaloTokens(settings, token_file)
        self.cover = settings.cover_url
        self.author = (settings.author or station)[:50]
        self.http = _Http(self.tokens.access, timeout_s)
        key = settings.secret_key.get_secret_value() if settings.secret_key else ""
        self.http.secrets += [self.tokens.refresh, key, settings.token.get_secret_value()]

    def _call(self, path: str, payload: dict[str, object], *,
              renewed: bool = False) -> dict[str, object]:
        status, body = self.http.call("POST", f"{self.api}{path}", json=payload,
                                      headers={"access_token": self.tokens.access})
        code = body.get("error", 0)
        if status < 400 and code == 0:
            data = body.get("data")
            return data if isinstance(data, dict) else {}
        text = _short(redact(f"HTTP {status}, Zalo error {code}: {body.get('message', '')}",
                             *self.http.secrets))
        if status == 401 or code in _ZALO_TOKEN:
            if renewed or not self.settings.can_refresh:
                raise TokenError(text)
            self._renew(text)
            return self._call(path, payload, renewed=True)
        raise PostError(text, retry=status >= 500 or status == 429 or code in _ZALO_RETRY)

    def _renew(self, why: str) -> None:
        """A new access token (and refresh token) from Zalo's OAuth server."""
        s = self.settings
        assert s.app_id is not None and s.secret_key is not None  # checked by the settings
        status, body = self.http.call(
            "POST", s.oauth_url, headers={"secret_key": s.secret_key.get_secret_value()},
            data={"refresh_token": self.tokens.refresh, "app_id": s.app_id,
                  "grant_type": "refresh_token"})
        access, refresh = body.get("access_token"), body.get("refresh_token")
        if status >= 400 or not access:
            detail = body.get("error_description") or body.get("error_name") or body.get("error")
            raise TokenError(_short(redact(f"{why}; renewing it failed: HTTP {status}, {detail}",
                                           *self.http.secrets)))
        self.http.secrets += [str(access), str(refresh or "")]
        self.tokens.renewed(str(access), str(refresh or ""))
        log.info("zalo: the OA access token was renewed")

    def post(self, post: SocialPost) -> Posted:
        paragraphs = [p for p in post.text.split("\n\n") if p.strip()]
        body = [{"type": "text", "content": p} for p in paragraphs]
        body.append({"type": "text", "content": post.link})
        article: dict[str, object] = {
            "type": "normal", "title": post.title[:150], "author": self.author,
            "cover": {"cover_type": "photo", "photo_url": self.cover, "status": "show"},
            "description": _short(post.text, 300), "body": body,
            "status": "show", "comment": "show"}
        token = self._call("article/create", article).get("token")
        if not token:
            raise PostError("Zalo article/create replied without a token", retry=True)
        ident = self._call("article/verify", {"token": token}).get("id")
        if not ident:
            raise PostError("Zalo article/verify replied without an id", retry=True)
        return Posted(str(ident))

    def delete(self, post_id: str) -> bool:
        self._call("article/remove", {"id": post_id})
        return True


@dataclass
class FakePlatform:
    """In memory: posts land in ``posts``; ``fail`` holds errors to raise, one per call."""

    name: str
    can_delete: bool = True
    audio: bool = True
    posts: dict[str, SocialPost] = field(default_factory=dict)
    deleted: list[str] = field(default_factory=list)
    fail: list[PostError] = field(default_factory=list)

    def post(self, post: SocialPost) -> Posted:
        if self.fail:
            raise self.fail.pop(0)
        ident = f"{self.name}-{len(self.posts) + 1}"
        self.posts[ident] = post
        return Posted(ident, with_audio=self.audio and post.mp3 is not None)

    def delete(self, post_id: str) -> bool:
        if self.fail:
            raise self.fail.pop(0)
        if not self.can_delete:
            return False
        self.deleted.append(post_id)
        return True


def make_platforms(settings: SocialSettings, station: str, work_dir: Path,
                   token_dir: Path) -> list[Platform]:
    """The platforms ``publish.social`` sets up (none when neither is configured)."""
    from broadcaster.publish.social.video import still_video

    out: list[Platform] = []
    if settings.facebook is not None:
        out.append(FacebookPage(settings.facebook, settings.timeout_seconds,
                                make_video=still_video, work_dir=work_dir))
    if settings.zalo is not None:
        out.append(ZaloOA(settings.zalo, settings.timeout_seconds, station,
                          token_file=token_dir / "zalo-token.json"))
    return out
