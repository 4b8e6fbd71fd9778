"""The shipped systemd unit: restart always, notify + watchdog, stop timeout longer than the
wait for the bulletin on air, starts at boot."""

from __future__ import annotations

import configparser
from pathlib import Path

from broadcaster.config import parse_settings

UNIT = Path(__file__).resolve().parents[2] / "deploy" / "broadcaster.service"


def test_systemd_unit_keeps_the_station_running() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(UNIT, encoding="utf-8")
    svc = unit["Service"]
    assert svc["Restart"] == "always" and svc["Type"] == "notify"
    assert int(svc["WatchdogSec"]) >= 3 * parse_settings("", "x").housekeeping.heartbeat_seconds
    assert svc["ExecStart"].endswith("broadcaster run")
    wait = parse_settings("", "x").housekeeping.shutdown_wait_seconds
    assert int(svc["TimeoutStopSec"]) > wait and svc["KillSignal"] == "SIGTERM"
    assert unit["Unit"]["StartLimitIntervalSec"] == "0"
    assert unit["Install"]["WantedBy"] == "multi-user.target"
