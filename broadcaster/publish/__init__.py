"""Publishing: what aired becomes a static public archive under ``var/public/`` (a page per
bulletin, an index, MP3s and three feeds), copied to the ward portal's folder.

Publishing listens to air (the store's airings, the as-run log): it never touches the sound card
and air never waits for it. ``Publisher`` is the station part; ``site`` renders, ``mp3`` encodes,
``targets`` copies.
"""
