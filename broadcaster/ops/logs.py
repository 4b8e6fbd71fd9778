"""Log rotation: the running station logs to ``var/logs/broadcaster.log``, rotated by size."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from broadcaster.config import Station

_MARK = "_broadcaster_file_log"


def setup_file_logging(station: Station, level: int = logging.INFO) -> Path:
    """Add a rotating file handler to the root logger once; returns the log file's path."""
    hk = station.settings.housekeeping
    path = station.var("logs") / "broadcaster.log"
    root = logging.getLogger()
    for h in root.handlers:
        if getattr(h, _MARK, None) == str(path):
            return path
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=int(hk.log_max_mb * 1024 * 1024), backupCount=hk.log_backups,
        encoding="utf-8", delay=True)
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    setattr(handler, _MARK, str(path))
    if root.level > level:  # the console keeps its verbosity; the file gets ``level`` and up
        for h in root.handlers:
            if h.level == logging.NOTSET:
                h.setLevel(root.level)
        root.setLevel(level)
    root.addHandler(handler)
    return path


def remove_file_logging(station: Station) -> None:
    path = str(station.var_dir / "logs" / "broadcaster.log")
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, _MARK, None) == path:
            root.removeHandler(h)
            h.close()
