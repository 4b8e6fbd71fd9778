"""Program stage: clips and jingles -> one finished program at the station rate.

Public API: the item model (``Program``, ``Jingle``, ``Music``, ``Recording``, ``Say``,
``BulletinItem``, ``Silence``, ``Bed``), ``station_program`` (the usual slot shape),
``render_program``, ``fit_duration``, ``archive_program``, ``prune_cache``, ``rundown_table``
and the results (``RenderedProgram``, ``RundownEntry``).

Names load on first use, so ``broadcaster.program.jingles`` imports without scipy.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "Archived": "archive", "archive_program": "archive", "prune_archive": "archive",
    "station_program": "build",
    "Fit": "duration", "fit_duration": "duration", "layout": "duration",
    "Bed": "model", "BulletinItem": "model", "Item": "model", "Jingle": "model",
    "Music": "model", "Program": "model", "Recording": "model", "RenderedProgram": "model",
    "RundownEntry": "model", "Say": "model", "Silence": "model",
    "prune_cache": "render", "render_program": "render",
    "rundown_table": "table",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'broadcaster.program' has no attribute '{name}'")
    value = getattr(importlib.import_module(f"broadcaster.program.{_WHERE[name]}"), name)
    globals()[name] = value
    return value
