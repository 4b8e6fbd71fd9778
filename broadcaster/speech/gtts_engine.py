"""Online engine: Google Translate TTS (the endpoint gTTS uses), Vietnamese. The only gtts import.

We send the requests ourselves with ``requests`` instead of calling ``gTTS.save()``: gTTS opens
a new session per piece, sends pieces one after another, waits forever by default, never
retries, reports timeouts and refused connections as one error and leaves a truncated file when
a later piece fails. What gTTS is good at we reuse: its language table (checked offline), its
request format (``gTTS.get_bodies``) and its headers and RPC id, so a change of the wire format
is picked up by upgrading gtts. Segmentation is ours (the text stage's sentences, merged up to
the 100-character limit), and pieces run in parallel via ``render_script``.
"""

from __future__ import annotations

import base64
import binascii
import logging
import random
import re
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import requests
from gtts import gTTS
from gtts.lang import tts_langs
from requests.adapters import HTTPAdapter

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

ENDPOINT = "https://translate.google.{tld}/_/TranslateWebserverUi/data/batchexecute"
_AUDIO = re.compile(r'jQ1olc","\[\\"(.*?)\\"]')


def _retry_after(resp: requests.Response) -> float | None:
    value = resp.headers.get("Retry-After", "")
    try:
        return float(value)
    except ValueError:
        return None


class GttsEngine:
    """Google Translate TTS with pooled connections, timeouts, retries and a circuit breaker."""

    name = "gtts"
    max_chars = gTTS.GOOGLE_TTS_MAX_CHARS
    native_rate = False
    voices: tuple[str, ...] = ("vi",)

    def __init__(self, *, tld: str = "com.vn", lang: str = "vi", timeout_s: float = 10.0,
                 concurrency: int = 4, retry: RetryPolicy | None = None,
                 breaker: CircuitBreaker | None = None, endpoint: str | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 rng: random.Random | None = None) -> None:
        if lang not in tts_langs():  # gtts' own table: no network
            raise SpeechError(f"gTTS does not speak '{lang}'")
        self.lang = lang
        self.tld = tld
        self.url = endpoint or ENDPOINT.format(tld=tld)
        self.timeout = (min(timeout_s, 5.0), timeout_s)  # (connect, read)
        self.concurrency = concurrency
        self.retry = retry or RetryPolicy()
        self.breaker = breaker or CircuitBreaker()
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._local = threading.local()
        self.requests_sent = 0
        self._count_lock = threading.Lock()

    # One Session per worker thread (requests.Session is not documented thread-safe), each
    # keeping its connections alive, so a bulletin costs a handful of TLS handshakes.
    def _session(self) -> requests.Session:
        s = getattr(self._local, "session", None)
        if s is None:
            s = requests.Session()
            s.mount("http://", HTTPAdapter(pool_connections=1, pool_maxsize=2, max_retries=0))
            s.mount("https://", HTTPAdapter(pool_connections=1, pool_maxsize=2, max_retries=0))
            s.headers.update(gTTS.GOOGLE_TTS_HEADERS)
            self._local.session = s
        return s

    def default_voice(self, rate: float = 1.0) -> Voice:
        return Voice(self.name, self.lang, rate=rate)

    def settings_key(self, voice: Voice) -> str:
        return f"tld={self.tld};rate={voice.rate:.3f}"

    def body(self, text: str) -> str:
        """The form body for one piece, in gTTS' own request format."""
        tts = gTTS(text, lang=self.lang, tld=self.tld, lang_check=False,
                   pre_processor_funcs=[], tokenizer_func=lambda s: [s])
        try:
            bodies = tts.get_bodies()
        except AssertionError:  # gtts: nothing speakable left
            raise PermanentError(f"nothing to speak in {text!r}") from None
        if len(bodies) != 1:
            raise PermanentError(f"text does not fit one request: {text[:40]}...")
        return bodies[0]

    def _post(self, body: str, text: str) -> bytes:
        with self._count_lock:
            self.requests_sent += 1
        try:
            resp = self._session().post(self.url, data=body, timeout=self.timeout)
        except requests.exceptions.ConnectTimeout:
            raise TransientError("connect timed out", kind="timeout") from None
        except requests.exceptions.ReadTimeout:
            raise TransientError("read timed out", kind="timeout") from None
        except requests.exceptions.ConnectionError as exc:
            host = urlsplit(self.url).netloc
            if "refused" in str(exc).lower():
                raise TransientError(f"connection refused by {host}", kind="refused") from None
            text = str(exc)
            reason = ("DNS lookup failed" if "resolve" in text.lower()
                      else text.rsplit(": ", 1)[-1].strip(" ')\"")[:120])
            raise TransientError(f"cannot reach {host}: {reason}", kind="network") from None
        except (requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError) as exc:
            raise TransientError(f"answer cut short: {str(exc)[:200]}", kind="truncated") from None
        except requests.exceptions.RequestException as exc:
            raise TransientError(f"request failed: {exc}", kind="network") from None
        if resp.status_code == 429:
            raise TransientError("HTTP 429 (throttled)", kind="throttled",
                                 retry_after_s=_retry_after(resp))
        if resp.status_code >= 500:
            raise TransientError(f"HTTP {resp.status_code}", kind="server")
        if resp.status_code != 200:
            raise PermanentError(f"HTTP {resp.status_code} from {urlsplit(self.url).netloc}",
                                 hint="bad token or upstream API change: upgrade gtts")
        match = _AUDIO.search(resp.text)
        if match is None:
            raise TransientError("no audio in the answer (truncated?)", kind="bad-audio")
        try:
            return base64.b64decode(match.group(1).encode("ascii"), validate=True)
        except (binascii.Error, ValueError):
            raise TransientError("audio in the answer is not valid base64", kind="bad-audio") from None

    def synthesize(self, text: str, voice: Voice) -> Clip:
        body = self.body(text)

        def once() -> Clip:
            samples, rate = decode_mp3(self._post(body, text))
            check_speech(samples, rate, text)
            return Clip(samples, rate, engine=self.name, voice=self.lang)

        return call_with_retries(once, policy=self.retry, breaker=self.breaker,
                                 sleep=self._sleep, rng=self._rng, what="gtts")

    def health(self, probe: bool = False) -> EngineHealth:
        reachable = probe_tcp(self.url, self.timeout[0]) if probe else None
        return EngineHealth(self.name, True, reachable, self.breaker.state,
                            self.breaker.last_error, self.voices)

