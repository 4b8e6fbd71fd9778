"""The usual shape of a slot's program, from the station's settings: open jingle, an optional
spoken introduction, the bulletins with the between jingle before each one after the first (tied
to that bulletin, so it leaves with it), optional music, close jingle."""

from __future__ import annotations

from collections.abc import Sequence

from broadcaster.config import Jingles, PolicySettings
from broadcaster.program.model import BulletinItem, Item, Jingle, Music, Program, Say


def station_program(bulletins: Sequence[BulletinItem], jingles: Jingles, *,
                    intro: str | None = None, outro: str | None = None,
                    music: Sequence[str] = (), policy: PolicySettings | None = None,
                    label: str = "") -> Program:
    """A Program for one slot; ``policy`` sets the maximum length and the over-long rule."""
    items: list[Item] = []
    if jingles.open:
        items.append(Jingle(path=jingles.open, label="open"))
    if intro:
        items.append(Say(text=intro, label="intro"))
    for i, b in enumerate(bulletins):
        if i and jingles.between:
            items.append(Jingle(path=jingles.between, label="between", belongs_to=b.bulletin_id))
        items.append(b)
    items += [Music(path=m, fade_in_ms=500, fade_out_ms=2000) for m in music]
    if outro:
        items.append(Say(text=outro, label="outro"))
    if jingles.close:
        items.append(Jingle(path=jingles.close, label="close"))
    return Program(
        tuple(items), label=label,
        max_ms=int(policy.max_session_minutes * 60_000) if policy else None,
        overlong=policy.overlong if policy else "drop_bulletins",
    )
