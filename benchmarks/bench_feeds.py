"""Feed figures: taking a 200-item station feed (JSON Feed) into an empty store, through the
real HTTP fetcher from a local server (parse, script, durable original, one transaction each);
the cost of the next, conditional poll (304); and how fast the hardened parser refuses an XML
bomb (billion laughs).

    python benchmarks/bench_feeds.py
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(1, str(Path(__file__).resolve().parents[1] / "tests"))  # as pytest does

from stationfile import amend  # noqa: E402

from broadcaster.cli import main  # noqa: E402
from broadcaster.clock import FakeClock  # noqa: E402
from broadcaster.config import load_station  # noqa: E402
from broadcaster.inbox.feeds.model import FeedProblem  # noqa: E402
from broadcaster.inbox.feeds.poll import FeedPoller  # noqa: E402
from broadcaster.inbox.feeds.stationfeed import parse_station_feed  # noqa: E402
from broadcaster.inbox.store import BulletinStore, store_path  # noqa: E402
from tests.inbox.feedkit import item, json_feed  # noqa: E402
from tests.inbox.feedserver import FeedServer  # noqa: E402
from tests.inbox.test_feeds_bad import LAUGHS  # noqa: E402

TEXT = ("Ủy ban nhân dân phường tổ chức tiêm chủng mở rộng cho trẻ em dưới 5 tuổi vào ngày "
        "5/12/2026 tại trạm y tế phường, từ 7 giờ 30 đến 11 giờ. ") * 4


def main_bench(n: int = 200) -> None:
    server = FeedServer()
    body = json_feed([item(f"tin-{i:04d}", text=f"{TEXT} Số {i}.", title=f"Tin {i}")
                      for i in range(n)])
    url = server.put("/feed.json", body)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "st"
        main(["init", str(root)])
        amend(root / "station.yaml", f"\nfeeds:\n  sources:\n    - {{name: quan, url: '{url}', kind: station}}\n")
        st = load_station(root)
        clock = FakeClock(dt.datetime(2026, 12, 1, 9, tzinfo=st.tz))
        store = BulletinStore(store_path(st))
        poller = FeedPoller(st, store, clock)
        feed = st.settings.feeds.sources[0]
        t0 = time.perf_counter()
        first = poller.poll(feed)
        took = time.perf_counter() - t0
        assert len(first.report.taken) == n, first
        t0 = time.perf_counter()
        again = poller.poll(feed)
        cond = time.perf_counter() - t0
        assert again.status == "not_modified"
        store.close()
    server.close()
    print(f"feed of {n} items ({len(body.encode()) // 1024} KB): taken in {took:.2f} s "
          f"({n / took:.0f} items/s)")
    print(f"next poll (conditional, 304): {cond * 1000:.1f} ms")
    t0 = time.perf_counter()
    with contextlib.suppress(FeedProblem):
        parse_station_feed(LAUGHS, "bomb", dt.UTC, 1 << 20)
    print(f"XML bomb refused in {(time.perf_counter() - t0) * 1000:.2f} ms")


if __name__ == "__main__":
    main_bench()
