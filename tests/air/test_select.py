"""Bulletin selection for a slot: urgent first, tags, named slots, count and duration limits."""

from __future__ import annotations

from dataclasses import dataclass

from broadcaster.air.schedule import Selection
from broadcaster.air.select import select_bulletins


@dataclass(frozen=True)
class B:
    id: str
    priority: str = "normal"
    tags: tuple[str, ...] = ()
    slots: tuple[str, ...] = ()
    script_text: str = "x" * 140  # about ten seconds


def ids(chosen: list) -> list[str]:  # type: ignore[type-arg]
    return [b.id for b in chosen]


def test_priority_and_emergency_go_first_whatever_the_tags() -> None:
    store_order = [B("khan", "emergency"), B("uu-tien", "priority", ("y-te",)),
                   B("a", tags=("nong-nghiep",)), B("b", tags=("y-te",))]
    chosen = select_bulletins(store_order, Selection(tags=("y-te",)), "sang")
    assert ids(chosen) == ["khan", "uu-tien", "b"]


def test_named_slots_and_items_already_taken() -> None:
    bulletins = [B("chi-chieu", slots=("chieu",)), B("ca-ngay"), B("da-co")]
    assert ids(select_bulletins(bulletins, Selection(), "sang", taken=["da-co"])) == ["ca-ngay"]
    assert ids(select_bulletins(bulletins, Selection(), "chieu")) == ["chi-chieu", "ca-ngay",
                                                                       "da-co"]


def test_priority_filter_and_count_limit() -> None:
    bulletins = [B("p", "priority"), B("n1"), B("n2"), B("n3")]
    assert ids(select_bulletins(bulletins, Selection(max_count=2), "s")) == ["p", "n1"]
    only_priority = Selection(priority=("priority",))
    assert ids(select_bulletins(bulletins, only_priority, "s")) == ["p"]


def test_duration_budget_skips_what_does_not_fit_but_keeps_urgent() -> None:
    bulletins = [B("p", "priority", script_text="x" * 14 * 50), B("long", script_text="x" * 14 * 60),
                 B("short", script_text="x" * 14 * 5)]
    chosen = select_bulletins(bulletins, Selection(max_minutes=1.0), "s")
    assert ids(chosen) == ["p", "short"]  # 50 s + 5 s fit in a minute; 50 + 60 would not


def test_measured_durations_win_over_the_estimate() -> None:
    bulletins = [B("a"), B("b")]
    chosen = select_bulletins(bulletins, Selection(max_minutes=0.5), "s",
                              duration_ms=lambda b: 20_000)
    assert ids(chosen) == ["a"]
