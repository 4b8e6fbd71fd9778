"""The core imports with no PortAudio and no gTTS; only the adapters import them."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import broadcaster

PKG = Path(broadcaster.__file__).parent
ALLOWED = {"sounddevice": {"broadcaster/air/soundcard.py"},
           "gtts": {"broadcaster/speech/gtts_engine.py"}}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_adapters_import_device_and_network_libraries() -> None:
    for path in PKG.rglob("*.py"):
        rel = str(path.relative_to(PKG.parent))
        for lib, allowed in ALLOWED.items():
            if lib in _imports(path):
                assert rel in allowed, f"{rel} imports {lib}"


def test_every_module_but_the_sound_card_adapter_imports_without_portaudio() -> None:
    modules = [m.name for m in pkgutil.walk_packages([str(PKG)], "broadcaster.")
               if m.name not in ("broadcaster.air.soundcard", "broadcaster.__main__")]
    code = (
        "import sys\n"
        "sys.modules['sounddevice'] = None  # as if PortAudio were missing\n"
        "sys.modules['gtts'] = None\n"
        f"mods = {modules!r}\n"
        "import importlib\n"
        "for m in mods:\n"
        "    if m.endswith('gtts_engine'): continue\n"
        "    importlib.import_module(m)\n"
        "print('ok', len(mods))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ok")


def test_stage_packages_tell_the_data_flow() -> None:
    for stage in ("inbox", "text", "speech", "program", "air"):
        assert (PKG / stage).is_dir()


def test_playout_and_the_sound_card_agree_on_the_fade_length() -> None:
    from broadcaster.air import playout, soundcard  # soundcard imports PortAudio only when used

    assert playout.FADE_S == soundcard.FADE_S
