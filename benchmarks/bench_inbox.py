"""Inbox figures: ingest throughput (files/s, through claim, decode, script, durable copy and the
journal), and the latency from a file landing in inbox/ to its bulletin being stored, through
the real watcher (file-system events) and through polling only.

    python benchmarks/bench_inbox.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from broadcaster.cli import main  # noqa: E402
from broadcaster.clock import SystemClock  # noqa: E402
from broadcaster.config import load_station  # noqa: E402
from broadcaster.inbox.ingest import Ingester  # noqa: E402
from broadcaster.inbox.store import BulletinStore, store_path  # noqa: E402
from broadcaster.inbox.watcher import InboxWatcher  # noqa: E402

TEXT = ("Thông báo của Ủy ban nhân dân phường về việc tổ chức tiêm chủng mở rộng cho trẻ em dưới"
        " 5 tuổi vào ngày 5/12/2026 tại trạm y tế phường, từ 7 giờ 30 đến 11 giờ. ") * 4


def _station(root: Path):  # type: ignore[no-untyped-def]
    main(["init", str(root)])
    (root / "station.yaml").write_text("speech:\n  engines: [espeak]\n", encoding="utf-8")
    return load_station(root)


def throughput(n: int = 500) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        st = _station(Path(tmp) / "st")
        store = BulletinStore(store_path(st))
        ing = Ingester(st, store, SystemClock(st.tz))
        for i in range(n):
            (st.inbox_dir / f"tin-{i:04d}.txt").write_text(f"{TEXT} Số {i}.", encoding="utf-8")
        t0 = time.perf_counter()
        outs = ing.drain()
        took = time.perf_counter() - t0
        assert sum(o.state == "ingested" for o in outs) == n
        store.close()
    return n / took


def latency(events: bool, n: int = 20) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        st = _station(Path(tmp) / "st")
        store = BulletinStore(store_path(st))
        clock = SystemClock(st.tz)
        ing = Ingester(st, store, clock)  # station default: stable for 1.0 s
        watcher = InboxWatcher(ing, clock, poll_seconds=st.settings.inbox.poll_seconds,
                               use_events=events)
        watcher.start()
        out = []
        try:
            time.sleep(0.5)
            for i in range(n):
                t0 = time.monotonic()
                (st.inbox_dir / f"nhanh-{i}.txt").write_text(f"{TEXT} {i}", encoding="utf-8")
                while store.get(f"nhanh-{i}") is None:
                    time.sleep(0.005)
                out.append(time.monotonic() - t0)
        finally:
            watcher.stop()
            store.close()
    return out


def main_() -> None:
    rate = throughput()
    print(f"ingest throughput: {rate:.0f} files/s (500 files, durable copy + journal, fsync)")
    for events in (True, False):
        lat = latency(events)
        how = "file-system events" if events else "polling only (poll_seconds 2.0)"
        print(f"drop -> stored, {how}, stable_seconds 1.0: median {statistics.median(lat):.2f} s,"
              f" max {max(lat):.2f} s (n={len(lat)})")


if __name__ == "__main__":
    main_()
