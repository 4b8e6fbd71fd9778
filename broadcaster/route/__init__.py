"""Routing: the signal on air goes to every output of its zones (sound card, Icecast mounts)."""
