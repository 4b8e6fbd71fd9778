"""Social pages: what the public archive publishes is also posted to the ward's Facebook Page and
Zalo Official Account (``publish.social``), through a durable outbox with retries, a rate limit
and a publish log (``broadcaster published``, the desk's "Đã đăng" page).

``platforms`` speaks each API, ``outbox`` keeps the queue and the log, ``worker`` is the station
part, ``video`` turns the speech into a video for pages that take no sound alone.
"""
