"""Speech stage: Script -> Clip, through TTS engines behind one protocol, with a cache.

Engines are imported lazily by ``build_engines``, so importing this package pulls in neither
gtts nor edge_tts.
"""

from broadcaster.speech.base import Engine, EngineHealth, Unit, plan_units
from broadcaster.speech.cache import SpeechCache
from broadcaster.speech.engines import build_engine, build_engines
from broadcaster.speech.render import order_engines, render_script, render_with, voices_for

__all__ = [
    "Engine",
    "EngineHealth",
    "SpeechCache",
    "Unit",
    "build_engine",
    "build_engines",
    "order_engines",
    "plan_units",
    "render_script",
    "render_with",
    "voices_for",
]
