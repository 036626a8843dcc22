"""The storage contract. Parametrized by engine so the PostgreSQL backend runs the same suite."""

from __future__ import annotations

import sqlite3
import stat
from datetime import date, time
from decimal import Decimal

import pytest

from collectctl.core.models import LAST_DAY, Account, Phone
from collectctl.errors import StoreError
from collectctl.storage import open_store
from collectctl.storage.codec import from_minor, to_minor
from collectctl.storage.schema import LATEST_VERSION, MIGRATIONS

NOW = "2026-12-04T01:00:00+00:00"


def account(account_id="A1", amount="1234.56", **kw) -> Account:
    base = dict(account_id=account_id, amount_due=Decimal(amount), currency="TWD",
                timezone="Asia/Taipei", as_of=date(2026, 12, 4))
    return Account(**{**base, **kw})


def test_new_database_is_private_wal_with_foreign_keys(tmp_path):
    path = tmp_path / "sub" / "new.db"
    s = open_store(path)
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert s.conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0
    finally:
        s.close()


def test_migrations_run_once(tmp_path):
    path = tmp_path / "m.db"
    open_store(path).close()
    s = open_store(path)
    try:
        assert s.schema_version() == LATEST_VERSION
        applied = s.conn.execute("SELECT version FROM collectctl_schema").fetchall()
        assert applied == [(m[0],) for m in MIGRATIONS]
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    finally:
        s.close()


def test_database_from_a_newer_version_is_refused_and_untouched(tmp_path):
    path = tmp_path / "newer.db"
    open_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"INSERT INTO collectctl_schema (version) VALUES ({LATEST_VERSION + 1})")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer collectctl"):
        open_store(path)
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello " * 1000)
    with pytest.raises(StoreError, match="cannot open the database"):
        open_store(path)


@pytest.mark.parametrize("amount", ["0.01", "1234.56", "99999999999.99", "12345"])
def test_money_round_trips_through_minor_units(amount):
    assert isinstance(to_minor(Decimal(amount)), int)
    assert from_minor(to_minor(Decimal(amount))) == Decimal(amount)


def test_insert_and_read_back_every_field(store):
    a = account(
        name="王小明", past_due_since=date(2026, 11, 22), due_date=date(2026, 11, 22),
        work_start=time(8, 30), paydays=(5, LAST_DAY), assigned_to="alice", risk="high",
        notes="asks for 5th",
        phones=(Phone("+886912345678", "mobile", True), Phone("12345", "home", False, "12")),
    )
    with store.transaction():
        batch = store.begin_batch("accounts", "a.csv", "utf-8", NOW)
        store.insert_accounts([(a, "h1")], batch, NOW)
    assert store.get_account("A1") == a
    assert store.get_account("nope") is None


def test_update_keeps_history_and_collector_marks_on_phones(store):
    with store.transaction():
        b1 = store.begin_batch("accounts", "a.csv", "utf-8", NOW)
        store.insert_accounts([(account(phones=(Phone("+886912345678"),)), "h1")], b1, NOW)
    store.conn.execute("UPDATE phones SET valid = 0")  # a collector marked it wrong
    newer = account(amount="1000.00", phones=(Phone("+886912345678"), Phone("+886223456789")))
    with store.transaction():
        b2 = store.begin_batch("accounts", "b.csv", "utf-8", NOW)
        store.update_accounts([(newer, "h2")], b2, NOW)
    got = store.get_account("A1")
    assert got.amount_due == Decimal("1000.00")
    assert [(p.number, p.valid) for p in got.phones] == [
        ("+886912345678", False), ("+886223456789", True)]
    history = store.conn.execute(
        "SELECT amount_due_minor, replaced_by_batch FROM account_history").fetchall()
    assert history == [(123456, b2)]
    assert store.account_fingerprints(["A1", "B"]) == {"A1": ("h2", "open", None, True, False)}


def test_transaction_rolls_back_on_error_and_on_request(store):
    with pytest.raises(RuntimeError), store.transaction():
        store.insert_accounts([(account(), "h")], None, NOW)
        raise RuntimeError("boom")
    with store.transaction() as tx:
        store.insert_accounts([(account(), "h")], None, NOW)
        tx.rollback()
    assert store.count("accounts") == 0


def test_close_missing_scoped_to_a_collector(store):
    rows = [(account("A1", assigned_to="alice"), "h"), (account("A2", assigned_to="alice"), "h"),
            (account("B1", assigned_to="bob"), "h")]
    with store.transaction():
        store.insert_accounts(rows, None, NOW)
        assert store.close_missing(["A1"], "alice", None, NOW) == 1
    assert [a.status for a in store.list_accounts()] == ["open", "closed", "open"]
    with store.transaction():
        assert store.close_missing(["A1"], None, None, NOW) == 1
    assert [a.account_id for a in store.list_accounts(status="open")] == ["A1"]
    assert store.count("account_history") == 2


def test_counting_what_close_missing_would_close_closes_nothing(store):
    rows = [(account("A1", assigned_to="alice"), "h"), (account("A2", assigned_to="alice"), "h"),
            (account("A3", assigned_to="alice"), "h"), (account("B1", assigned_to="bob"), "h")]
    with store.transaction():
        store.insert_accounts(rows, None, NOW)
        assert (store.count_open(None), store.count_open("alice"),
                store.count_open("nobody")) == (4, 3, 0)
        assert store.count_missing(["A1"], "alice") == 2
        assert store.count_missing(["A1"], None) == 3
        assert store.count_missing([], None) == 4
        assert store.close_missing(["A1", "A2"], "alice", None, NOW) == 1
        assert store.count_open("alice") == 2 and store.count_missing(["A1"], "alice") == 1
    assert store.count("account_history") == 1


def test_list_filters(store):
    rows = [(account("A1", "500.00", assigned_to="alice"), "h"),
            (account("A2", "1500.00", assigned_to="alice"), "h"),
            (account("B1", "9000.00", assigned_to="bob"), "h")]
    with store.transaction():
        store.insert_accounts(rows, None, NOW)
    ids = lambda accounts: [a.account_id for a in accounts]  # noqa: E731
    assert ids(store.list_accounts(collector="alice")) == ["A1", "A2"]
    assert ids(store.list_accounts(min_amount_minor=to_minor(Decimal("1000")))) == ["A2", "B1"]
    assert ids(store.list_accounts(collector="alice", min_amount_minor=100000)) == ["A2"]
    assert store.collectors() == ["alice", "bob"]


def test_accounts_without_valid_phone(store):
    rows = [(account("A1", phones=(Phone("+886912345678"),)), "h"),
            (account("A2", phones=(Phone("123", valid=False),)), "h"),
            (account("A3"), "h")]
    with store.transaction():
        store.insert_accounts(rows, None, NOW)
    assert store.accounts_without_valid_phone(["A1", "A2", "A3"]) == ["A2", "A3"]


def test_find_batch_by_sha(store):
    with store.transaction():
        b1 = store.begin_batch("accounts", "a.csv", "utf-8", NOW)
        store.finish_batch(b1, "abc", {"inserted": 3, "updated": 0, "unchanged": 0,
                                       "rejected": 1, "closed": 0})
        b2 = store.begin_batch("accounts", "a.csv", "utf-8", NOW)
    found = store.find_batch("accounts", "abc", before_id=b2)
    assert (found.id, found.inserted, found.rejected) == (b1, 3, 1)
    assert store.find_batch("accounts", "zzz") is None


#: The team's period: each outcome's range of times in an index (covering: see below).
_BY_OUTCOME = "calls_outcome (outcome=? AND called_at>? AND called_at<?)"


@pytest.mark.parametrize(("name", "narrow", "index"), [
    ("OUTCOME_COUNTS", "ALL_COLLECTORS", _BY_OUTCOME),
    ("OUTCOME_COUNTS", "ONE_COLLECTOR", "calls_collector"),
    ("CALLS_BY_UTC_HOUR", "ALL_COLLECTORS", _BY_OUTCOME),
    ("CALLS_BY_UTC_HOUR", "ONE_COLLECTOR", "calls_collector"),
    ("PROMISES_MADE", "ALL_COLLECTORS", "promises_made"),
    ("PROMISES_DUE", "ALL_COLLECTORS", "promises_due"),
    ("LISTED_AMOUNTS", "ALL_COLLECTORS", "accounts_balance"),
])
def test_report_queries_use_their_index(store, name, narrow, index):
    """A full scan of 10,000,000 calls once crept in through the index on ``reverses``."""
    from collectctl.storage import sql

    query = getattr(sql, name).format(**getattr(sql, narrow))
    params = {"start": "a", "end": "b", "first": "a", "last": "b", "collector": "c"}
    plan = store.query_plan(query, params)
    if store.engine == "sqlite":
        assert f"INDEX {index}" in plan, plan
        if index == _BY_OUTCOME:  # no table row read for any of the period's calls
            assert f"COVERING INDEX {index}" in plan and "SCAN c" not in plan, plan
    else:  # with sequential scans off, one shows only where no index can serve
        assert "Seq Scan" not in plan, plan


def test_an_older_postgresql_schema_waits_for_db_migrate(pg_server):
    from tests.conftest import _admin_sql, with_database

    _admin_sql(pg_server, "DROP DATABASE IF EXISTS collectctl_fresh",
               "CREATE DATABASE collectctl_fresh")
    url = with_database(pg_server, "collectctl_fresh")
    try:
        with pytest.raises(StoreError, match="run 'collectctl db migrate'"):
            open_store(url)
        s = open_store(url, migrate=True)
        assert s.schema_version() == LATEST_VERSION
        s.close()
        open_store(url).close()  # now it opens
    finally:
        _admin_sql(pg_server, "DROP DATABASE IF EXISTS collectctl_fresh WITH (FORCE)")


def test_a_newer_postgresql_schema_is_refused(pg_database):
    from tests.conftest import _admin_sql

    _admin_sql(pg_database, f"INSERT INTO collectctl_schema (version) VALUES "
                            f"({LATEST_VERSION + 1})")
    try:
        with pytest.raises(StoreError, match="newer collectctl"):
            open_store(pg_database)
    finally:
        _admin_sql(pg_database, f"DELETE FROM collectctl_schema WHERE version > "
                                f"{LATEST_VERSION}")


def test_an_unreachable_server_is_one_line_without_the_password():
    with pytest.raises(StoreError) as caught:
        open_store("postgresql://alice:s3cret@127.0.0.1:1/nowhere")
    assert "cannot connect" in str(caught.value) and "s3cret" not in str(caught.value)
    assert "Connection refused" in str(caught.value)  # the reason, not the hint after it


def test_a_transaction_runs_again_when_the_engine_asks(store):
    class SerializationFailure(Exception):
        sqlstate = "40001"

    error = (sqlite3.OperationalError("database is locked") if store.engine == "sqlite"
             else SerializationFailure())
    tries = []

    def work(_tx):
        tries.append(1)
        if len(tries) == 1:
            raise error
        return "done"

    assert store.atomically(work) == "done" and len(tries) == 2

    def broken(_tx):
        tries.append(1)
        raise ValueError("not the engine's")

    with pytest.raises(ValueError):
        store.atomically(broken)
    assert len(tries) == 3  # no retry for other errors
