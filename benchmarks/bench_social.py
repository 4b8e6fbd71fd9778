"""Social posting figures: how long turning a bulletin's MP3 into the video a Facebook Page takes
(a still picture over the speech) costs, and its size, for speech of 1, 3 and 10 minutes; and
how long the outbox takes to queue and log a hundred posts (SQLite, full sync).

    python benchmarks/bench_social.py
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from broadcaster.models import PostState  # noqa: E402
from broadcaster.publish.mp3 import encode_mp3  # noqa: E402
from broadcaster.publish.social.outbox import Action, Outbox, Outcome  # noqa: E402
from broadcaster.publish.social.video import still_video  # noqa: E402


def video(tmp: Path, minutes: float) -> None:
    sr = 24000
    n = int(sr * 60 * minutes)
    rng = np.random.default_rng(1)
    speech = 0.1 * rng.standard_normal(n) * np.sin(np.arange(n) * 2 * np.pi * 3 / sr) ** 2
    wav, mp3, mp4 = tmp / "s.wav", tmp / "s.mp3", tmp / "s.mp4"
    sf.write(wav, speech, sr)
    info = encode_mp3(wav, mp3, title="t", date="2026-12-01", station="s", bitrate_kbps=64)
    start, cpu = time.perf_counter(), time.process_time()
    still_video(mp3, mp4)
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"video of {minutes:>4.1f} min speech: {took:6.2f} s to make ({cpu:.2f} s CPU), "
          f"{mp4.stat().st_size / 1e6:5.2f} MB (MP3 {info.size / 1e6:.2f} MB)")


def outbox(tmp: Path) -> None:
    ob = Outbox(tmp / "social.sqlite3")
    now = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
    start = time.perf_counter()
    for i in range(100):
        ob.enqueue(f"b{i}", "facebook", 1, "t", "https://x/", now)
    queued = time.perf_counter() - start
    start = time.perf_counter()
    for i in range(100):
        row = ob.next_due("facebook", now.timestamp())
        assert row is not None
        ob.settle(row, PostState.SENT, now, post_id=f"p{i}")
        ob.log(row, Action.POST, Outcome.OK, now, post_id=f"p{i}")
    sent = time.perf_counter() - start
    ob.close()
    print(f"outbox: 100 posts queued in {queued * 1000:.0f} ms, "
          f"picked, settled and logged in {sent * 1000:.0f} ms")


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for minutes in (1, 3, 10):
            video(tmp, minutes)
        outbox(tmp)


if __name__ == "__main__":
    main()
