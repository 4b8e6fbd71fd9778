"""Makes ``store_v1.sql``: a bulletin store written by the release before the store was
versioned (commit c5f3225, schema = version 1). Kept to show how the dump was made; the upgrade
test reads the dump, not this script. Regenerate only from a checkout of that release:

    python tests/inbox/data/make_store_v1.py /tmp/v1.sqlite3 tests/inbox/data/store_v1.json
    sqlite3 /tmp/v1.sqlite3 .dump > tests/inbox/data/store_v1.sql

``store_v1.json`` is what that release read back from the store (every record, version,
history row, airing and intake row), for the upgrade test to compare against.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from broadcaster.inbox.store import BulletinStore
from broadcaster.models import Bulletin, BulletinMeta, Priority

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = dt.datetime(2026, 11, 2, 7, 30, tzinfo=TZ)


def _at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def _add(store: BulletinStore, n: int, source: str, body: str, meta: BulletinMeta
         ) -> tuple[str, int]:
    bid, version = store.plan_version(source)
    intake = store.claim(f"tok-{n}", source, Path(f"/st/var/inbox/claimed/tok-{n}/{source}"),
                         len(body.encode()), _at(n))
    bulletin = Bulletin(id=bid, source=Path(source), body=body, meta=meta,
                        content_hash=f"sha-{n:02d}-{len(body)}", version=version)
    rec, _ = store.add_version(intake, bulletin, source=source, script_text=body.upper(),
                               original=Path(f"/st/var/originals/{bid}/v{version}.txt"),
                               now=_at(n), file_size=len(body.encode()),
                               file_mtime_ns=1_700_000_000_000_000_000 + n)
    store.intake_state(intake, "ingested", now=_at(n))
    return rec.id, rec.version


def main(path: Path) -> None:
    store = BulletinStore(path, approval="required")
    a, _ = _add(store, 1, "Tiêm chủng.txt", "Tiêm chủng đợt 2 cho trẻ dưới 5 tuổi.",
                BulletinMeta(title="Tiêm chủng", tags=("y-te",), priority=Priority.PRIORITY,
                             air_from=_at(0), air_until=_at(60 * 24 * 7), slots=("07:00",),
                             repeat=3, voice="vi", engine="espeak"))
    store.approve(a, by="chu-tich", now=_at(2))
    store.record_airing(a, 1, "2026-11-02T07:00 sang", _at(3))
    a, _ = _add(store, 4, "Tiêm chủng.txt", "Tiêm chủng đợt 2: đổi ngày sang thứ Bảy.",
                BulletinMeta(title="Tiêm chủng (sửa)", priority=Priority.PRIORITY, repeat=2))
    store.approve(a, by="pho-chu-tich", now=_at(5))
    store.record_airing(a, 2, "2026-11-02T17:00 chieu", _at(6))
    store.set_speech(a, 2, Path("/st/var/speech/tiem-chung/v2.wav"))
    b, _ = _add(store, 7, "Thông báo/Bão số 9.txt", "Bão số 9 đổ bộ đêm nay.",
                BulletinMeta(title="Bão số 9", priority=Priority.EMERGENCY, repeat=0))
    store.approve(b, by="chu-tich", now=_at(8))
    store.record_airing(b, 1, "emergency-1", _at(9))
    c, _ = _add(store, 10, "hop-dan.txt", "Họp dân lúc 19 giờ tại nhà văn hóa.",
                BulletinMeta(repeat=1))
    store.approve(c, by="chu-tich", now=_at(11))
    store.record_airing(c, 1, "2026-11-03T07:00 sang", _at(12))  # expires (aired enough)
    d, _ = _add(store, 13, "chua-duyet.txt", "Số liệu chưa đúng.", BulletinMeta())
    store.reject(d, "sai số liệu", by="chu-tich", now=_at(14))
    e, _ = _add(store, 15, "le-hoi.txt", "Lễ hội làng.",
                BulletinMeta(air_until=_at(20), tags=("van-hoa", "le")))
    store.approve(e, by="chu-tich", now=_at(16))
    store.expire(_at(21))
    f, _ = _add(store, 22, "ve-sinh.txt", "Tổng vệ sinh sáng Chủ nhật.", BulletinMeta())
    store.withdraw(f, "trùng lịch", now=_at(23))
    _add(store, 24, "cho-duyet.txt", "Thu gom rác thay giờ.", BulletinMeta(slots=("17:00",)))
    store.set_file_stat("cho-duyet", None, None)
    # intake rows in the states the ingester leaves behind
    lost = store.claim("tok-lost", "mat.txt", Path("/st/var/inbox/claimed/tok-lost/mat.txt"),
                       12, _at(25))
    store.intake_state(lost, "lost", now=_at(26), detail="claimed file vanished")
    bad = store.claim("tok-bad", "hong.docx", Path("/st/var/inbox/claimed/tok-bad/hong.docx"),
                      99, _at(27))
    store.intake_state(bad, "rejected", now=_at(28), detail="not a Word file",
                       rejected=Path("/st/inbox/rejected/hong.docx"))
    store.claim("tok-open", "dang-chep.txt", Path("/st/var/inbox/claimed/tok-open/dang-chep.txt"),
                None, _at(29))
    store.close()


def read_back(path: Path) -> dict[str, object]:
    """Everything the store can tell about itself, as JSON-ready data."""
    store = BulletinStore(path)
    out = {
        "approval": store.approval,
        "bulletins": [dict(r.as_dict(), body=r.body, extra=r.extra) for r in store.all()],
        "versions": {r.id: store.versions(r.id) for r in store.all()},
        "history": [list(h.__dict__.values()) for h in store.history()],
        "airings": [list(a) for a in store.airings()],
        "intake": [[str(v) if isinstance(v, Path) else v for v in row.__dict__.values()]
                   for row in store.intake()],
        "intake_tokens": sorted(store.intake_tokens()),
        "files": {k: list(v) for k, v in store.files().items()},
    }
    store.close()
    return out


if __name__ == "__main__":
    main(Path(sys.argv[1]))
    Path(sys.argv[2]).write_text(json.dumps(read_back(Path(sys.argv[1])), ensure_ascii=False,
                                            indent=1) + "\n", encoding="utf-8")
