"""The one migrations tracker, on both engines: ``pending()`` only reads, each migration
runs in its own transaction (a failing one leaves the earlier ones applied and is tried
again), and a file from before the tracker is adopted with its history."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from collectctl.errors import StoreError
from collectctl.storage import open_store
from collectctl.storage.migrations import Migration, MigrationError, Migrations
from collectctl.storage.schema import LATEST_VERSION, MIGRATIONS
from collectctl.storage.sqlite import SQLiteStore

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
NEXT = LATEST_VERSION + 1
#: Every version of the schema, in order (numbers may skip: branches take theirs).
ALL = [m[0] for m in MIGRATIONS]
LATER = [(NEXT, "m_next_ok", ["CREATE TABLE later_one (x INTEGER)"]),
         (NEXT + 1, "m_next_fails", ["CREATE TABLE later_two (x INTEGER)",
                                     "INSERT INTO no_such_table VALUES (1)"])]


@pytest.fixture
def store(db):
    s = open_store(db, migrate=True)
    yield s
    if s.engine == "postgresql":  # the session's database: back to this release's schema
        s._exec("DROP TABLE IF EXISTS later_one")
        s._exec("DROP TABLE IF EXISTS later_two")
        s._exec("DELETE FROM collectctl_schema WHERE version > :v", {"v": LATEST_VERSION})
    s.close()


def _tables(store) -> set[str]:
    if store.engine == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'table'"
    else:
        query = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    return {row[0] for row in store._exec(query)}


def _record(store) -> list[tuple]:
    return [tuple(r) for r in store._exec("SELECT version, applied_at FROM collectctl_schema "
                                          "ORDER BY version")]


def _next_xid(store) -> int:
    return store._exec("SELECT pg_snapshot_xmax(pg_current_snapshot())").fetchone()[0]


def test_pending_lists_what_would_run_and_writes_nothing(store):
    tracker = Migrations([*MIGRATIONS, *LATER])
    tables, record = _tables(store), _record(store)
    changes = store.conn.total_changes if store.engine == "sqlite" else _next_xid(store)

    assert [m.version for m in tracker.pending(store)] == [NEXT, NEXT + 1]
    assert tracker.pending(store)[0] == Migration(*LATER[0])
    assert tracker.applied(store) == ALL
    assert tracker.needs_apply(store)

    assert _tables(store) == tables and _record(store) == record
    if store.engine == "sqlite":
        assert store.conn.total_changes == changes
        assert not store.conn.in_transaction
    else:  # no transaction id was taken: nothing was written
        assert _next_xid(store) == changes


def test_pending_on_a_file_from_before_the_tracker_writes_nothing(tmp_path):
    path = tmp_path / "v3.db"
    shutil.copyfile(FIXTURES / "schema-v3.db", path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    s = SQLiteStore(path, migrate=False)
    try:
        assert [m.version for m in s.migrations.pending(s)] == [v for v in ALL if v >= 4]
        assert s.migrations.applied(s) == [1, 2, 3] and s.schema_version() == 3
        assert s.conn.total_changes == 0
    finally:
        s.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_failing_migration_leaves_the_earlier_ones_applied(store):
    tracker = Migrations([*MIGRATIONS, *LATER])
    with pytest.raises(MigrationError) as failed:
        tracker.apply(store)
    message = str(failed.value)
    assert f"migration {NEXT + 1} (m_next_fails) failed" in message
    assert f"stays at schema {NEXT}" in message and "no_such_table" in message

    assert tracker.applied(store)[-1] == NEXT  # its own transaction: committed
    assert "later_one" in _tables(store)
    assert "later_two" not in _tables(store)  # the failed one's first statement undone
    assert [m.version for m in tracker.pending(store)] == [NEXT + 1]
    if store.engine == "sqlite":
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == NEXT

    fixed = Migrations([*MIGRATIONS, LATER[0], (NEXT + 1, "m_next_fixed",
                                                 ["CREATE TABLE later_two (x INTEGER)"])])
    assert [m.version for m in fixed.apply(store)] == [NEXT + 1]  # tried again, alone
    assert fixed.pending(store) == [] and "later_two" in _tables(store)


@pytest.mark.sqlite_only("opening a file applies its migrations")
def test_opening_a_file_stops_at_a_failing_migration_and_tries_it_again(tmp_path):
    path = tmp_path / "c.db"
    tracker = Migrations([*MIGRATIONS, *LATER])
    for _attempt in range(2):
        with pytest.raises(StoreError, match=f"migration {NEXT + 1}"):
            SQLiteStore(path, migrations=tracker)
        conn = sqlite3.connect(path)
        versions = [r[0] for r in conn.execute("SELECT version FROM collectctl_schema")]
        conn.close()
        assert versions == [*ALL, NEXT]


def test_a_file_from_before_the_tracker_is_adopted_with_its_history(tmp_path):
    path = tmp_path / "v3.db"
    shutil.copyfile(FIXTURES / "schema-v3.db", path)
    conn = sqlite3.connect(path)
    old = dict(conn.execute("SELECT name, applied_at FROM _sqlite_migrations"))
    conn.close()
    s = open_store(path)
    try:
        assert s.upgraded_from == 3
        record = dict(s.conn.execute("SELECT version, applied_at FROM collectctl_schema"))
        assert sorted(record) == ALL
        names = {number: name for number, name, _ddl in MIGRATIONS}
        assert all(record[v] == old[names[v]] for v in (1, 2, 3))  # when they ran
        assert not s._has_table("_sqlite_migrations")  # one record, not two
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    finally:
        s.close()


def test_the_last_file_from_before_the_tracker_is_adopted_then_upgraded(tmp_path):
    """Schema 7 was the last one releases before the tracker wrote."""
    path = tmp_path / "v7.db"
    shutil.copyfile(FIXTURES / "schema-v7.db", path)
    s = open_store(path)
    try:
        assert s.upgraded_from == 7  # only the migrations after 7 ran
        assert s.migrations.applied(s) == ALL
        assert s._has_table("collectctl_schema") and not s._has_table("_sqlite_migrations")
    finally:
        s.close()


def test_a_current_file_is_not_upgraded(tmp_path):
    path = tmp_path / "latest.db"
    shutil.copyfile(FIXTURES / f"schema-v{LATEST_VERSION}.db", path)
    s = open_store(path)
    try:
        assert s.upgraded_from is None  # no migration ran
        assert s.migrations.applied(s) == ALL
    finally:
        s.close()


def test_both_engines_keep_the_same_record(store):
    assert [row[0] for row in _record(store)] == ALL


def test_migration_numbers_must_increase():
    with pytest.raises(ValueError, match="must increase"):
        Migrations([(2, "b", []), (1, "a", [])])


@pytest.fixture
def empty_db(engine, tmp_path, request):
    """A database with nothing in it yet: a new file, or a new database on the server."""
    if engine == "sqlite":
        path = tmp_path / "empty.db"
        SQLiteStore(path, migrate=False).close()
        yield path
        return
    from tests.conftest import _admin_sql, with_database

    server = request.getfixturevalue("pg_server")
    _admin_sql(server, "DROP DATABASE IF EXISTS collectctl_empty WITH (FORCE)",
               "CREATE DATABASE collectctl_empty")
    yield with_database(server, "collectctl_empty")
    _admin_sql(server, "DROP DATABASE IF EXISTS collectctl_empty WITH (FORCE)")


def test_two_first_starts_apply_each_migration_once(empty_db):
    import threading

    errors: list[BaseException] = []
    start = threading.Barrier(3)

    def first_start() -> None:
        try:
            start.wait()
            open_store(empty_db, migrate=True).close()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=first_start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    s = open_store(empty_db)
    try:
        assert [row[0] for row in _record(s)] == ALL  # no version twice
    finally:
        s.close()


def test_migrating_without_the_owners_role_says_so(pg_server):
    from tests.conftest import _admin_sql, with_database

    name = "collectctl_not_owner"
    _admin_sql(pg_server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
               f"CREATE DATABASE {name}", "DROP ROLE IF EXISTS collectctl_nobody",
               "CREATE ROLE collectctl_nobody LOGIN")
    url = with_database(pg_server, name)
    _admin_sql(url, "REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    nobody = url.replace("://postgres@", "://collectctl_nobody@", 1)
    assert nobody != url
    try:
        with pytest.raises(StoreError, match="needs the database owner's role"):
            open_store(nobody, migrate=True)
    finally:
        _admin_sql(pg_server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
                   "DROP ROLE IF EXISTS collectctl_nobody")
