"""Online engine: Microsoft Edge neural voices (vi-VN-HoaiMyNeural, vi-VN-NamMinhNeural).

The only module importing ``edge_tts``. We reuse its protocol pieces (SSML, headers, the
Sec-MS-GEC token, voice-name validation) but drive the websocket ourselves, because
``Communicate`` hard-codes the endpoint and TLS context (so it cannot be pointed at a test
fake), accepts a stream that closes before ``turn.end`` as complete (a truncated clip), and
gives no way to tell throttling from outages. Retries and the breaker are shared with gTTS.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import ssl
import time
from collections.abc import Callable
from xml.sax.saxutils import escape

import aiohttp
import certifi
from edge_tts import constants as edge_constants
from edge_tts.communicate import (
    connect_id,
    date_to_string,
    get_headers_and_data,
    mkssml,
    remove_incompatible_characters,
    ssml_headers_plus_data,
)
from edge_tts.data_classes import TTSConfig
from edge_tts.drm import DRM

from broadcaster.errors import SpeechError
from broadcaster.models import Clip, Voice
from broadcaster.speech.audio import check_speech, decode_mp3
from broadcaster.speech.base import EngineHealth
from broadcaster.speech.resilience import (
    CircuitBreaker,
    PermanentError,
    RetryPolicy,
    TransientError,
    call_with_retries,
    probe_tcp,
)

log = logging.getLogger(__name__)

VOICES = ("vi-VN-HoaiMyNeural", "vi-VN-NamMinhNeural")
_SSL = ssl.create_default_context(cafile=certifi.where())
_OUTPUT = "audio-24khz-48kbitrate-mono-mp3"


def rate_param(rate: float) -> str:
    """Edge's SSML prosody rate for pace ``rate`` (0.95 -> "-5%"); the service keeps the pitch."""
    return f"{round((rate - 1.0) * 100):+d}%"


class EdgeEngine:
    """Edge neural TTS over its websocket, with timeouts, retries and a circuit breaker."""

    name = "edge"
    max_chars = 1000
    native_rate = True  # SSML prosody rate: the neural voice slows down without a pitch change
    voices: tuple[str, ...] = VOICES

    def __init__(self, *, voice: str = "vi-VN-HoaiMyNeural", timeout_s: float = 10.0,
                 concurrency: int = 4, retry: RetryPolicy | None = None,
                 breaker: CircuitBreaker | None = None, endpoint: str | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 rng: random.Random | None = None) -> None:
        TTSConfig(voice, "+0%", "+0%", "+0Hz", "SentenceBoundary")  # validates the name
        self.voice = voice
        self.url = endpoint or edge_constants.WSS_URL
        self.timeout_s = timeout_s
        self.concurrency = concurrency
        self.retry = retry or RetryPolicy()
        self.breaker = breaker or CircuitBreaker()
        self._sleep = sleep
        self._rng = rng or random.Random()
        self.requests_sent = 0

    def default_voice(self, rate: float = 1.0) -> Voice:
        return Voice(self.name, self.voice, rate=rate)

    def settings_key(self, voice: Voice) -> str:
        return f"rate={rate_param(voice.rate)};fmt={_OUTPUT}"

    def synthesize(self, text: str, voice: Voice) -> Clip:
        name = voice.name if voice.name.endswith("Neural") else self.voice
        try:
            config = TTSConfig(name, rate_param(voice.rate), "+0%", "+0Hz", "SentenceBoundary")
        except ValueError as exc:
            raise PermanentError(f"edge: {exc}") from None
        ssml = mkssml(config, escape(remove_incompatible_characters(text)))

        def once() -> Clip:
            self.requests_sent += 1
            samples, rate = decode_mp3(asyncio.run(self._fetch(ssml)))
            check_speech(samples, rate, text)
            return Clip(samples, rate, engine=self.name, voice=name)

        return call_with_retries(once, policy=self.retry, breaker=self.breaker,
                                 sleep=self._sleep, rng=self._rng, what="edge")

    async def _fetch(self, ssml: str) -> bytes:
        url = (f"{self.url}&ConnectionId={connect_id()}"
               f"&Sec-MS-GEC={DRM.generate_sec_ms_gec()}"
               f"&Sec-MS-GEC-Version={edge_constants.SEC_MS_GEC_VERSION}")
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=min(self.timeout_s, 5.0),
                                        sock_read=self.timeout_s)
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session, session.ws_connect(
                url, headers=DRM.headers_with_muid(edge_constants.WSS_HEADERS),
                ssl=_SSL if url.startswith("wss:") else False,
                timeout=aiohttp.ClientWSTimeout(ws_receive=self.timeout_s, ws_close=self.timeout_s),
            ) as ws:
                await ws.send_str(
                    f"X-Timestamp:{date_to_string()}\r\n"
                    "Content-Type:application/json; charset=utf-8\r\n"
                    "Path:speech.config\r\n\r\n"
                    '{"context":{"synthesis":{"audio":{"metadataoptions":{'
                    '"sentenceBoundaryEnabled":"false","wordBoundaryEnabled":"false"},'
                    f'"outputFormat":"{_OUTPUT}"'
                    "}}}}\r\n"
                )
                await ws.send_str(ssml_headers_plus_data(connect_id(), date_to_string(), ssml))
                return await self._receive(ws)
        except aiohttp.WSServerHandshakeError as exc:
            if exc.status == 429:
                raise TransientError("HTTP 429 (throttled)", kind="throttled") from None
            if exc.status >= 500:
                raise TransientError(f"HTTP {exc.status}", kind="server") from None
            if exc.status == 403:  # token clock skew: edge_tts re-syncs and we retry
                with contextlib.suppress(Exception):  # best effort; the retry decides
                    DRM.handle_client_response_error(exc)
                raise TransientError("HTTP 403 (token)", kind="server") from None
            raise PermanentError(f"edge: HTTP {exc.status}") from None
        except TimeoutError:
            raise TransientError("timed out", kind="timeout") from None
        except aiohttp.ClientConnectorError as exc:
            where = f"{exc.host}:{exc.port}"
            if isinstance(exc.os_error, ConnectionRefusedError):
                raise TransientError(f"connection refused by {where}", kind="refused") from None
            reason = exc.os_error.strerror or str(exc.os_error)
            raise TransientError(f"cannot reach {where}: {reason}", kind="network") from None
        except aiohttp.ClientError as exc:
            raise TransientError(f"connection failed: {exc}", kind="network") from None

    @staticmethod
    async def _receive(ws: aiohttp.ClientWebSocketResponse) -> bytes:
        audio = bytearray()
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                data = msg.data.encode("utf-8")
                headers, _ = get_headers_and_data(data, data.find(b"\r\n\r\n"))
                if headers.get(b"Path") == b"turn.end":
                    if not audio:
                        raise TransientError("no audio before turn.end", kind="bad-audio")
                    return bytes(audio)
            elif msg.type == aiohttp.WSMsgType.BINARY:
                if len(msg.data) < 2:
                    raise TransientError("binary message without header", kind="bad-audio")
                hlen = int.from_bytes(msg.data[:2], "big")
                if hlen > len(msg.data):
                    raise TransientError("binary message header too long", kind="bad-audio")
                headers, payload = get_headers_and_data(msg.data, hlen)
                if headers.get(b"Path") == b"audio" and payload:
                    audio.extend(payload)
            elif msg.type == aiohttp.WSMsgType.ERROR:
                raise TransientError(f"websocket error: {ws.exception()}", kind="network")
        raise TransientError("stream closed before turn.end", kind="truncated")

    def health(self, probe: bool = False) -> EngineHealth:
        reachable = probe_tcp(self.url, min(self.timeout_s, 3.0)) if probe else None
        return EngineHealth(self.name, True, reachable, self.breaker.state,
                            self.breaker.last_error, VOICES)


def check_voice(name: str) -> None:
    """SpeechError unless ``name`` is a known Vietnamese edge voice."""
    if name not in VOICES:
        raise SpeechError(f"unknown edge voice '{name}'", hint=", ".join(VOICES))
