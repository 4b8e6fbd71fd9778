"""Ears on the output: the watchdog (issue 15.4)."""
