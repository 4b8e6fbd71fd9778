"""Script -> Clip: one engine's voice per bulletin, the next engine on failure, cache, prosody."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

import numpy as np

from broadcaster.config import PauseSettings
from broadcaster.errors import SpeechError
from broadcaster.models import Clip, Pause, Script, Voice
from broadcaster.speech.audio import change_tempo, resample, trim_silence
from broadcaster.speech.base import Engine, Unit, plan_units
from broadcaster.speech.cache import SpeechCache, cache_key
from broadcaster.speech.resilience import CircuitOpen

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


def pause_ms(pause: Pause, pauses: PauseSettings) -> int:
    return int(getattr(pauses, pause.value))


def order_engines(engines: Sequence[Engine], first: str | None, *,
                  strict: bool = False) -> list[Engine]:
    """``engines`` with the one named ``first`` (a bulletin's or the operator's choice) in front.

    An engine the station does not use is an error only when ``strict``; otherwise (a
    bulletin's wish) it is logged and the station order stands: the bulletin still airs.
    """
    if not first:
        return list(engines)
    chosen = [e for e in engines if e.name == first]
    if not chosen:
        known = ", ".join(e.name for e in engines)
        if strict:
            raise SpeechError(f"engine '{first}' is not configured", hint=f"configured: {known}")
        log.warning("speech: engine '%s' is not configured (%s); using the station order",
                    first, known)
        return list(engines)
    return chosen + [e for e in engines if e.name != first]


def voices_for(engines: Sequence[Engine], voice: str | None, *,
               strict: bool = True) -> dict[str, str]:
    """Map a voice name (bulletin ``voice:`` or ``--voice``) to the engine that has it.

    An unknown voice raises SpeechError when ``strict``; otherwise it is logged and ignored.
    """
    if not voice:
        return {}
    owners = {e.name: voice for e in engines if voice in e.voices}
    if not owners:
        known = "; ".join(f"{e.name}: {', '.join(e.voices)}" for e in engines)
        if strict:
            raise SpeechError(f"no engine has the voice '{voice}'", hint=known)
        log.warning("speech: no engine has the voice '%s' (%s); using default voices", voice, known)
    return owners


class _Cancelled(Exception):
    pass


def _render_unit(engine: Engine, voice: Voice, unit: Unit, cache: SpeechCache | None,
                 stop: threading.Event) -> tuple[np.ndarray, int]:
    if stop.is_set():
        raise _Cancelled
    key = cache_key(engine.name, voice.name, engine.settings_key(voice), unit.text)
    if cache is not None:
        hit = cache.get(key)
        if hit is not None:
            return hit
    clip = engine.synthesize(unit.text, voice)
    samples = trim_silence(np.asarray(clip.samples, dtype=np.float32), clip.sample_rate)
    if not engine.native_rate:
        samples = change_tempo(samples, clip.sample_rate, voice.rate)
    if cache is not None:
        cache.put(key, samples, clip.sample_rate)
    return samples, clip.sample_rate


def render_with(engine: Engine, script: Script, *, voice: Voice, cache: SpeechCache | None,
                pauses: PauseSettings, progress: Progress | None = None) -> Clip:
    """The whole script in ``engine``'s ``voice``; SpeechError if any piece fails."""
    units = plan_units(script, engine.max_chars)
    if not units:
        raise SpeechError("the script has nothing to speak")
    total = len(units)
    results: list[tuple[np.ndarray, int] | None] = [None] * total
    done = 0
    lock = threading.Lock()
    stop = threading.Event()

    def job(i: int) -> None:
        nonlocal done
        results[i] = _render_unit(engine, voice, units[i], cache, stop)
        with lock:  # one caller at a time: progress bars are not thread-safe
            done += 1
            if progress is not None:
                progress(done, total)

    workers = max(1, min(engine.concurrency, total))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"tts-{engine.name}") as pool:
        futures = [pool.submit(job, i) for i in range(total)]
        wait(futures, return_when=FIRST_EXCEPTION)
        failed = [f for f in futures if f.done() and f.exception() is not None]
        if failed:
            stop.set()  # the bulletin goes to the next engine: don't keep calling this one
            for f in futures:
                f.cancel()
            # report the root cause, not a piece that was cancelled or hit the opened breaker
            errors = [f.exception() for f in failed]
            exc = next((e for e in errors if not isinstance(e, _Cancelled | CircuitOpen)),
                       next((e for e in errors if not isinstance(e, _Cancelled)), errors[0]))
            if isinstance(exc, SpeechError):
                raise exc
            raise SpeechError(f"{engine.name}: {type(exc).__name__}: {exc}") from exc

    pieces = [r for r in results if r is not None]  # all of them: no future failed
    rate = pieces[0][1]
    parts: list[np.ndarray] = []
    for i, (samples, sr) in enumerate(pieces):
        parts.append(resample(samples, sr, rate))
        if i < total - 1:
            parts.append(np.zeros(int(rate * pause_ms(units[i].pause, pauses) / 1000), np.float32))
    audio = np.concatenate(parts).astype(np.float32, copy=False)
    return Clip(audio, rate, engine=engine.name, voice=voice.name)


def render_script(
    script: Script,
    engines: Sequence[Engine],
    *,
    pauses: PauseSettings,
    rate: float = 1.0,
    voices: Mapping[str, str] | None = None,
    cache: SpeechCache | None = None,
    progress: Progress | None = None,
) -> Clip:
    """The whole bulletin in ONE engine's voice, trying ``engines`` in order.

    ``voices`` maps engine name -> voice name (a bulletin's ``voice:``; see ``voices_for``);
    other engines use their station default. ``rate`` is the speaking pace (1.0 normal).
    When an engine fails anywhere in the bulletin the whole bulletin is re-rendered by the
    next one; ``Clip.note`` then says which engines failed and why. SpeechError (with every
    reason) only when all engines failed.
    """
    voices = dict(voices or {})
    reasons: list[str] = []
    for engine in engines:
        voice = engine.default_voice(rate)
        if engine.name in voices:
            voice = Voice(engine.name, voices[engine.name], rate=voice.rate, pitch=voice.pitch)
        try:
            clip = render_with(engine, script, voice=voice, cache=cache, pauses=pauses,
                               progress=progress)
        except SpeechError as exc:
            log.warning("speech: %s failed for this bulletin: %s; trying the next engine",
                        engine.name, exc)
            reasons.append(f"{engine.name}: {exc}")
            continue
        if reasons:
            note = "fallback from " + "; ".join(reasons)
            log.warning("speech: rendered by %s after %s", engine.name, note)
            return Clip(clip.samples, clip.sample_rate, engine=clip.engine, voice=clip.voice,
                        note=note)
        return clip
    raise SpeechError("every speech engine failed: " + "; ".join(reasons) if reasons
                      else "no speech engine configured",
                      hint="check the network, or put espeak in speech.engines")
