"""Network libraries stay at the edge: the speech core imports neither gtts nor edge_tts."""

from __future__ import annotations

import subprocess
import sys


def test_core_imports_without_gtts_or_edge_tts() -> None:
    code = ("import sys, broadcaster.speech, broadcaster.pipeline, broadcaster.commands.speech_cmds;"
            "from broadcaster.config import parse_settings;"
            "from broadcaster.speech import build_engine;"
            "build_engine('espeak', parse_settings('', 'x').speech);"
            "print(sorted(m for m in ('gtts', 'edge_tts', 'sounddevice') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def _imports(path) -> set[str]:
    import ast

    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_adapters_import_the_network_libraries() -> None:
    from pathlib import Path

    import broadcaster

    root = Path(broadcaster.__file__).parent
    users: dict[str, list[str]] = {"gtts": [], "edge_tts": []}
    for path in root.rglob("*.py"):
        found = _imports(path)
        for lib, who in users.items():
            if lib in found:
                who.append(path.relative_to(root).as_posix())
    assert users == {"gtts": ["speech/gtts_engine.py"], "edge_tts": ["speech/edge.py"]}
