"""Inbox stage: editors' files -> Bulletin (watch, wait until complete, claim, decode, store)."""
