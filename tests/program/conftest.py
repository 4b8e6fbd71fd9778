"""Program-stage fixtures: station settings, generated chimes and music, real espeak-ng speech,
and measuring helpers that do not share code with the renderer (pyloudnorm, scipy)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from program_measure import SR, TEXTS, write_m4a

from broadcaster.config import ProgramSettings, parse_settings
from broadcaster.models import Clip, Voice
from broadcaster.program.jingles import write_chimes
from broadcaster.program.model import Program, RenderedProgram
from broadcaster.program.render import render_program
from broadcaster.speech.espeak import EspeakEngine


@pytest.fixture(scope="session")
def settings() -> ProgramSettings:
    return parse_settings("", "station.yaml").program


@pytest.fixture(scope="session")
def speech() -> dict[str, Clip]:
    """Real espeak-ng Vietnamese speech, one clip per text."""
    engine = EspeakEngine()
    return {k: engine.synthesize(v, Voice("espeak", "vi")) for k, v in TEXTS.items()}


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Chimes plus generated music files in several formats, rates and channel counts."""
    root = tmp_path_factory.mktemp("media")
    write_chimes(root / "audio")
    rng = np.random.default_rng(7)
    r = 44100
    t = np.arange(r * 12) / r
    tune = sum(a * np.sin(2 * np.pi * f * t) for f, a in ((220, 0.3), (277.2, 0.2), (329.6, 0.2)))
    tune = tune * (0.6 + 0.4 * np.sin(2 * np.pi * 0.25 * t)) + 0.03 * rng.standard_normal(len(t))
    stereo = np.stack([tune, 0.8 * tune], axis=1).astype(np.float32) * 0.5
    sf.write(root / "music.ogg", stereo, r, format="OGG", subtype="VORBIS")
    sf.write(root / "music.mp3", stereo, r, format="MP3")
    sf.write(root / "music.flac", stereo, r, format="FLAC")
    sf.write(root / "music22k.wav", tune[::2].astype(np.float32) * 0.1, 22050)
    write_m4a(root / "music.m4a", stereo, r)
    return root


@pytest.fixture
def render(settings: ProgramSettings, speech: dict[str, Clip], media: Path
           ) -> Callable[..., RenderedProgram]:
    def run(program: Program, *, settings_: ProgramSettings | None = None,
            cache_dir: Path | None = None, speech_map: dict[str, Clip | None] | None = None
            ) -> RenderedProgram:
        clips = speech if speech_map is None else speech_map
        return render_program(
            program, settings_ or settings, sample_rate=SR,
            resolve_path=lambda p: media / p,
            speech_for=lambda bid: clips.get(bid),
            say=lambda text: next((c for k, c in clips.items() if TEXTS.get(k) == text), None),
            cache_dir=cache_dir,
        )

    return run
