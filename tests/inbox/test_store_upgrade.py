"""The bulletin store is versioned: a file made by the release before versioning opens, is
upgraded in place and reads back exactly as that release read it; a newer file is refused;
a failed migration leaves the old version whole."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from broadcaster.db import Database, SchemaTooNew, in_clause, statements
from broadcaster.inbox.store import SCHEMA_VERSION, BulletinStore
from broadcaster.models import Bulletin, BulletinMeta, BulletinState, IntakeState, Priority

DATA = Path(__file__).parent / "data"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _v1_file(tmp_path: Path) -> Path:
    """The dump made by the unversioned release (see data/make_store_v1.py), as a file."""
    path = tmp_path / "bulletins.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript((DATA / "store_v1.sql").read_text(encoding="utf-8"))
    db.close()
    return path


def _raw(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as db:
        rows = db.execute(sql).fetchall()
    db.close()
    return rows


def read_back(store: BulletinStore) -> dict[str, object]:
    """Everything the store tells about itself (same shape as make_store_v1.read_back)."""
    return {
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


def test_a_store_from_the_unversioned_release_upgrades_and_reads_back_the_same(
        tmp_path: Path) -> None:
    path = _v1_file(tmp_path)
    assert _raw(path, "PRAGMA user_version") == [(0,)]
    expected = json.loads((DATA / "store_v1.json").read_text(encoding="utf-8"))
    store = BulletinStore(path)
    assert store.schema_version == SCHEMA_VERSION >= 2
    got = json.loads(json.dumps(read_back(store), ensure_ascii=False))
    for key in expected:  # one key at a time: a failure names the part that differs
        assert got[key] == expected[key], key
    assert got == expected
    # the typed fields come back as the enums
    recs = {r.id: r for r in store.all()}
    assert len(recs) == 7
    assert recs["thong-bao-bao-so-9"].priority is Priority.EMERGENCY
    assert recs["chua-duyet"].state is BulletinState.REJECTED
    assert {r.state for r in recs.values()} == {
        BulletinState.APPROVED, BulletinState.EXPIRED, BulletinState.REJECTED,
        BulletinState.WITHDRAWN, BulletinState.AWAITING_APPROVAL}
    assert [(row.token, row.state) for row in store.intake(pending=True)] == [
        ("tok-open", IntakeState.CLAIMED)]
    assert {row.state for row in store.intake(pending=False)} == {
        IntakeState.INGESTED, IntakeState.LOST, IntakeState.REJECTED}
    # the rendered speech is kept though its file is not on this machine
    assert _raw(path, "SELECT speech_path FROM bulletins WHERE id='tiem-chung'") == [
        ("/st/var/speech/tiem-chung/v2.wav",)]
    # version 2's index exists; the upgrade is stored, a second open changes nothing
    assert _raw(path, "SELECT name FROM sqlite_master WHERE name='bulletins_state'")
    store.close()
    assert _raw(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    again = BulletinStore(path)
    assert again.schema_version == SCHEMA_VERSION
    assert json.loads(json.dumps(read_back(again), ensure_ascii=False)) == expected
    again.close()


def test_the_upgraded_store_keeps_working(tmp_path: Path) -> None:
    store = BulletinStore(_v1_file(tmp_path))
    when = dt.datetime(2026, 11, 2, 9, 0, tzinfo=TZ)
    assert [r.id for r in store.eligible(when)] == ["thong-bao-bao-so-9", "tiem-chung"]
    store.approve("cho-duyet", by="chu-tich", now=when)
    assert "cho-duyet" in [r.id for r in store.eligible(when)]
    # a new version of an upgraded bulletin, through the journal, numbered after the old ones
    bid, version = store.plan_version("Tiêm chủng.txt")
    assert (bid, version) == ("tiem-chung", 3)
    intake = store.claim("tok-new", "Tiêm chủng.txt", Path("/c"), 10, when)
    rec, changed = store.add_version(
        intake, Bulletin(id=bid, source=Path("Tiêm chủng.txt"), body="Đợt 3.",
                         meta=BulletinMeta(priority=Priority.NORMAL), content_hash="sha-new",
                         version=version),
        source="Tiêm chủng.txt", script_text="Đợt 3.", original=Path("/o"), now=when)
    assert changed and rec.version == 3 and rec.state is BulletinState.AWAITING_APPROVAL
    assert [v["version"] for v in store.versions(bid)] == [1, 2, 3]
    assert len(store.airings(bid)) == 2  # the airings of the old versions stay on record
    assert store.intake(pending=True)[-1].state is IntakeState.COMMITTED


def test_a_store_from_a_newer_release_is_refused(tmp_path: Path) -> None:
    path = _v1_file(tmp_path)
    BulletinStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(SchemaTooNew, match=str(SCHEMA_VERSION + 1)) as err:
        BulletinStore(path)
    assert str(path) in str(err.value) and err.value.hint
    assert _raw(path, "PRAGMA user_version") == [(SCHEMA_VERSION + 1,)]


def test_migrations_run_in_order_in_one_transaction(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    steps: list[str] = ["CREATE TABLE a (x TEXT); INSERT INTO a VALUES ('1;2');",
                        "INSERT INTO a VALUES ('2'); CREATE TABLE b (y)"]
    db = Database(path, migrations=steps)
    assert db.schema_version == 2
    assert db._query("SELECT x FROM a ORDER BY rowid") == [("1;2",), ("2",)]
    db.close()

    def fail(conn: sqlite3.Connection) -> None:
        raise RuntimeError("step 4 broke")

    with pytest.raises(RuntimeError, match="step 4"):
        Database(path, migrations=[*steps, "CREATE TABLE c (z); INSERT INTO a VALUES ('3')",
                                   fail])
    assert _raw(path, "PRAGMA user_version") == [(2,)]  # step 3 rolled back with step 4
    assert not _raw(path, "SELECT name FROM sqlite_master WHERE name='c'")
    assert _raw(path, "SELECT count(*) FROM a") == [(2,)]


def test_sql_helpers() -> None:
    assert in_clause((BulletinState.EXPIRED, BulletinState.REJECTED)) == (
        "(?,?)", ("expired", "rejected"))
    with pytest.raises(ValueError):
        in_clause(())
    script = "CREATE TABLE t (a TEXT DEFAULT ';'); -- done; really\nINSERT INTO t VALUES ('x;y')"
    parts = statements(script)
    assert parts[0] == "CREATE TABLE t (a TEXT DEFAULT ';');" and len(parts) == 2
    db = sqlite3.connect(":memory:")
    for sql in parts:
        db.execute(sql)
    assert db.execute("SELECT a FROM t").fetchall() == [("x;y",)]


def test_the_desk_reading_an_old_store_says_how_to_upgrade_it(tmp_path: Path) -> None:
    """The desk opens the store read-only and never migrates: an old file is refused with the
    way out, not read until a query fails on a missing column; ``broadcaster web`` (station not
    running) upgrades it before it serves."""
    from broadcaster.commands.web_cmds import _upgrade_stores
    from broadcaster.config import Station, parse_settings
    from broadcaster.db import SchemaTooOld
    from broadcaster.inbox.store import store_path

    station = Station(tmp_path, parse_settings("name: Thử\n", "station.yaml"))
    old = store_path(station)
    old.write_bytes(_v1_file(tmp_path).read_bytes())
    with pytest.raises(SchemaTooOld) as refused:
        BulletinStore(old, readonly=True)
    assert str(old) in str(refused.value) and "broadcaster run" in (refused.value.hint or "")
    _upgrade_stores(station)
    reader = BulletinStore(old, readonly=True)
    assert reader.schema_version == SCHEMA_VERSION and reader.active() is not None
    reader.close()


def test_a_reader_between_creation_and_first_migration_sees_nothing_yet(tmp_path: Path) -> None:
    """CI stop 18: the desk opened the bulletin store the instant the station's
    ``sqlite3.connect`` had created it, before the first migration committed, and the dashboard
    failed with "schema 0". Such a file (no table at all) reads as "nothing yet" for every
    reader in another process; a real old file (tables, version 0) is still refused."""
    from broadcaster.air.asrun import AsRunLog
    from broadcaster.db import NotCreatedYet, SchemaTooOld, open_reader
    from broadcaster.publish.social.outbox import Outbox

    for i, factory in enumerate((BulletinStore, AsRunLog, Outbox)):
        path = tmp_path / f"fresh{i}.sqlite3"
        assert open_reader(factory, path) is None  # absent
        sqlite3.connect(path).close()  # what the writer's connect leaves before it migrates
        with pytest.raises(NotCreatedYet):
            factory(path, readonly=True)
        assert open_reader(factory, path) is None
    old = tmp_path / "old.sqlite3"
    old.write_bytes(_v1_file(tmp_path).read_bytes())
    with pytest.raises(SchemaTooOld) as refused:
        open_reader(BulletinStore, old)
    assert not isinstance(refused.value, NotCreatedYet)
    made = open_reader(BulletinStore, tmp_path / "made.sqlite3") or BulletinStore(
        tmp_path / "made.sqlite3", approval="none", now=dt.datetime(2026, 11, 29, 8))
    made.close()
    reader = open_reader(BulletinStore, tmp_path / "made.sqlite3")
    assert reader is not None and reader.all() == []
    reader.close()
