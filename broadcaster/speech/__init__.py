"""Speech stage: Script -> Clip, through TTS engines behind one protocol."""
