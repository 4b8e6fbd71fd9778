"""Air stage: schedule model, scheduler adapter, players (sound card / file), as-run log."""
