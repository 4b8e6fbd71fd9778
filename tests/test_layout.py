"""The layering holds: a stage never imports a later stage, and the device and network
libraries are imported by their one adapter only, so the core imports with no PortAudio and no
gTTS. Imports are read with ``ast`` (including those inside functions and under
TYPE_CHECKING), so a rule is broken by writing the import, not only by running it."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import broadcaster

PKG = Path(broadcaster.__file__).parent
# library -> the only modules allowed to import it
ALLOWED = {"sounddevice": {"broadcaster/air/soundcard.py"},
           "gtts": {"broadcaster/speech/gtts_engine.py"}}
# stage -> stages it must never import (the data flow: inbox -> text -> speech -> program -> air)
FORBIDDEN = {
    "text": {"speech", "air"},
    "speech": {"air", "inbox"},
    "program": {"air", "inbox"},
    "inbox": {"speech", "program", "air"},  # intake asks the pipeline through a protocol
}


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def imported_modules(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module ``source`` (the text of ``module``) imports, as absolute dotted names;
    ``from a import b`` counts as importing ``a.b`` too (b may be a submodule)."""
    package = module if is_package else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join([*base, *([node.module] if node.module else [])])
            else:
                origin = node.module or ""
            names.add(origin)
            names |= {f"{origin}.{alias.name}" for alias in node.names}
    return names


def _imports(path: Path) -> set[str]:
    return imported_modules(path.read_text(encoding="utf-8"), _module_name(path),
                            path.name == "__init__.py")


def _stage_violations(stage: str, modules: dict[str, set[str]]) -> list[str]:
    bad = []
    for name, imports in modules.items():
        for other in FORBIDDEN[stage]:
            hits = sorted(i for i in imports if i == f"broadcaster.{other}"
                          or i.startswith(f"broadcaster.{other}."))
            bad += [f"{name} imports {hit}" for hit in hits]
    return sorted(bad)


def test_the_rule_reader_sees_every_form_of_import() -> None:
    source = ("import broadcaster.air.player\n"
              "from broadcaster import speech\n"
              "from ..air import soundcard\n"
              "def f():\n"
              "    from broadcaster.inbox.store import BulletinStore\n")
    got = imported_modules(source, "broadcaster.program.x")
    assert {"broadcaster.air.player", "broadcaster.speech", "broadcaster.air.soundcard",
            "broadcaster.inbox.store"} <= got
    assert _stage_violations("program", {"broadcaster.program.x": got}) == [
        "broadcaster.program.x imports broadcaster.air",
        "broadcaster.program.x imports broadcaster.air.player",
        "broadcaster.program.x imports broadcaster.air.soundcard",
        "broadcaster.program.x imports broadcaster.inbox.store",
        "broadcaster.program.x imports broadcaster.inbox.store.BulletinStore",
    ]


def test_no_stage_imports_a_later_stage() -> None:
    problems = []
    for stage in FORBIDDEN:
        files = sorted((PKG / stage).rglob("*.py"))
        assert files, f"no modules in broadcaster/{stage}"
        problems += _stage_violations(stage, {_module_name(p): _imports(p) for p in files})
    assert problems == []


def test_only_the_adapters_import_device_and_network_libraries() -> None:
    for path in PKG.rglob("*.py"):
        rel = str(path.relative_to(PKG.parent))
        roots = {name.split(".")[0] for name in _imports(path)}
        for lib, allowed in ALLOWED.items():
            if lib in roots:
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


def test_playout_and_the_sound_card_agree_on_the_fade_length() -> None:
    from broadcaster.air import playout, soundcard  # soundcard imports PortAudio only when used

    assert playout.FADE_S == soundcard.FADE_S
