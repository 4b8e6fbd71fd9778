"""Program stage: clips and jingles -> one finished program at the station rate.

Public API: the item model (``Program``, ``Jingle``, ``Music``, ``Recording``, ``Say``,
``BulletinItem``, ``Silence``, ``Bed``), ``station_program`` (the usual slot shape),
``render_program``, ``fit_duration``, ``archive_program`` and the results
(``RenderedProgram``, ``RundownEntry``).
"""

from broadcaster.program.archive import Archived, archive_program, prune_archive
from broadcaster.program.build import station_program
from broadcaster.program.duration import Fit, fit_duration, layout
from broadcaster.program.model import (
    Bed,
    BulletinItem,
    Item,
    Jingle,
    Music,
    Program,
    Recording,
    RenderedProgram,
    RundownEntry,
    Say,
    Silence,
)
from broadcaster.program.render import prune_cache, render_program
from broadcaster.program.table import rundown_table

__all__ = [
    "Archived", "Fit", "archive_program", "fit_duration", "layout", "prune_archive",
    "prune_cache", "render_program", "rundown_table", "station_program", "Bed", "BulletinItem", "Item", "Jingle", "Music", "Program", "Recording", "RenderedProgram",
    "RundownEntry", "Say", "Silence",
]
