"""The social rig: a station with publishing and both social pages on, pointed at local fakes
of the Graph API and the Zalo OA API, and a social worker driven by hand on the fake clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from broadcaster.config import load_station
from broadcaster.publish.social.worker import SocialWorker
from tests.publish.conftest import BASE, Desk, make_desk, publish_settings
from tests.publish.social_fakes import FB_TOKEN, PAGE_ID, ZALO_TOKEN, FakeGraph, FakeZalo

COVER = "https://phuong.example.vn/bia.jpg"


def social_yaml(graph: FakeGraph, zalo: FakeZalo | None, *, audio: bool = False,
                fb_token: str = FB_TOKEN, limits: str = "", zalo_extra: str = "") -> str:
    out = ("  social:\n"
           f"    facebook: {{page_id: \"{PAGE_ID}\", token: \"{fb_token}\","
           f" api_url: \"{graph.url}v21.0/\", audio: {str(audio).lower()}}}\n")
    if zalo is not None:
        out += (f"    zalo: {{token: \"{ZALO_TOKEN}\", cover_url: \"{COVER}\","
                f" api_url: \"{zalo.url}v2.0/\"{zalo_extra}}}\n")
    out += "    timeout_seconds: 10\n"
    return out + (limits or "    min_interval_seconds: 0\n    max_per_hour: 100\n")


@dataclass
class Rig:
    desk: Desk
    graph: FakeGraph
    zalo: FakeZalo
    worker: SocialWorker

    def new_worker(self) -> SocialWorker:
        """The station restarted: settings read again, a new worker on the same files."""
        d = self.desk
        d.station = load_station(d.station.root)
        return SocialWorker(d.station, d.clock, d.store, base_url=BASE, alerter=d.alerter,
                            notify=d.messages.append)

    def publish(self, name: str, text: str) -> str:
        """A bulletin dropped in, aired and published to the archive; its id."""
        rec = self.desk.drop(name, text)
        self.desk.air(rec)
        self.desk.publisher.publish_once()
        return rec.id

    def row(self, bid: str, platform: str = "facebook") -> tuple[str, str | None]:
        r = self.worker.outbox.get(bid, platform)
        assert r is not None
        return r.state, r.post_id


def fake_servers() -> Iterator[tuple[FakeGraph, FakeZalo]]:
    """Both fakes running, closed afterwards (the ``servers`` fixture)."""
    graph, zalo = FakeGraph(), FakeZalo()
    try:
        yield graph, zalo
    finally:
        graph.close()
        zalo.close()


def make_rig(station_dir: Path, servers: tuple[FakeGraph, FakeZalo], **kw: object) -> Rig:
    graph, zalo = servers
    with_zalo = bool(kw.pop("with_zalo", True))
    publish_settings(station_dir, social_yaml(graph, zalo if with_zalo else None, **kw))  # type: ignore[arg-type]
    desk = make_desk(station_dir)
    worker = SocialWorker(desk.station, desk.clock, desk.store, base_url=BASE,
                          alerter=desk.alerter, notify=desk.messages.append)
    return Rig(desk, graph, zalo, worker)


def social_rig(station_dir: Path, servers: tuple[FakeGraph, FakeZalo]) -> Iterator[Rig]:
    """The rig with both pages, closed afterwards (the ``rig`` fixture)."""
    r = make_rig(station_dir, servers)
    try:
        yield r
    finally:
        r.worker.outbox.close()
        r.desk.store.close()
