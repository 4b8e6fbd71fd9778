"""Publishing listens to air and never touches it: ``broadcaster/publish`` imports nothing from
``air/`` (so never the sound card), read from the source and checked in a fresh interpreter."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import broadcaster

PUBLISH = Path(broadcaster.__file__).parent / "publish"


def test_publish_imports_nothing_from_air_or_the_sound_card() -> None:
    found = []
    for path in sorted(PUBLISH.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [(path.name, n) for n in names
                      if n.startswith(("broadcaster.air", "sounddevice"))]
    assert found == []


def test_the_publisher_imports_without_the_sound_stack() -> None:
    code = ("import sys, broadcaster.publish.publisher\n"
            "print(sorted(m for m in ('sounddevice', 'broadcaster.air.soundcard') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
