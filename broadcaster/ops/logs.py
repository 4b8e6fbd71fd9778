"""Log rotation: the running station logs to ``var/logs/broadcaster.log``, rotated by size."""

from __future__ import annotations

import datetime as dt
import logging
import logging.handlers
from pathlib import Path

from broadcaster.config import Station

_MARK = "_broadcaster_file_log"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class StationFormatter(logging.Formatter):
    """Log times in the station's time zone (the machine's may differ), like the console."""

    def __init__(self, tz: dt.tzinfo, fmt: str = FORMAT) -> None:
        super().__init__(fmt)
        self.tz = tz

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        when = dt.datetime.fromtimestamp(record.created, self.tz)
        return when.strftime(datefmt) if datefmt else f"{when:%Y-%m-%d %H:%M:%S},{record.msecs:03.0f}"


class ConsoleFilter(logging.Filter):
    """The operator's console shows problems, not the speech stage's retries and fallbacks
    (those go to the log file): a record from ``broadcaster.speech`` shows only as an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name.startswith("broadcaster.speech") and record.levelno < logging.ERROR)


def setup_console(station: Station) -> None:
    """Station-local times and the console filter on the console handlers the CLI made."""
    for h in logging.getLogger().handlers:
        if getattr(h, _MARK, None) is None and isinstance(h, logging.StreamHandler):
            h.setFormatter(StationFormatter(station.tz))
            if not any(isinstance(f, ConsoleFilter) for f in h.filters):
                h.addFilter(ConsoleFilter())


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
    handler.setFormatter(StationFormatter(station.tz))
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
