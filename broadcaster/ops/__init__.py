"""Unattended operation: single-instance lock, heartbeat and systemd keep-alive, alerts,
health checks (doctor), monthly reports, log rotation and retention of ``var/``."""
