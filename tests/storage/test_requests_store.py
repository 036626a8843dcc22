"""The requests log in the store, on both engines: entries round-trip (windows that cross
midnight, the whole day), read per account and for a collector's open accounts in one
query that uses its indexes, are refused by the schema when malformed, and travel with
``db copy``."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from collectctl.core.models import Account
from collectctl.core.requests import AVOID, CLEAR, NO_WORKPLACE, Avoid, RequestEntry
from collectctl.storage import sql

NOW = "2026-12-04T01:00:00+00:00"
AT = datetime(2026, 12, 4, 1, 0, tzinfo=UTC)


def account(account_id: str, collector: str | None) -> Account:
    return Account(account_id=account_id, amount_due=Decimal("100"), currency="TWD",
                   timezone="Asia/Taipei", as_of=date(2026, 12, 4), assigned_to=collector)


@pytest.fixture
def accounts(store):
    with store.transaction():
        store.insert_accounts([(account("A1", "alice"), "h"), (account("A2", "alice"), "h"),
                               (account("B1", "bob"), "h")], None, NOW)
    return store


ENTRIES = [
    RequestEntry("A1", AVOID, "alice", AT, Avoid(time(12), time(13, 30), ("mon", "fri")),
                 "lunch"),
    RequestEntry("A1", AVOID, "alice", AT, Avoid(time(21), time(8))),
    RequestEntry("A1", AVOID, "alice", AT, Avoid(time(0), time(0), ("sun",))),
    RequestEntry("A1", AVOID, "alice", AT, Avoid(time(21), time(0), ("sat",))),
    RequestEntry("A1", NO_WORKPLACE, "alice", AT),
    RequestEntry("A2", CLEAR, "lena", AT, note="all lifted"),
    RequestEntry("B1", NO_WORKPLACE, "bob", AT),
]


def test_entries_round_trip_in_log_order(accounts):
    store = accounts
    with store.transaction():
        ids = [store.add_request(e) for e in ENTRIES]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    got = store.requests_of("A1")
    assert [(e.kind, e.window, e.note, e.set_by, e.set_at) for e in got] == [
        (e.kind, e.window, e.note, e.set_by, e.set_at) for e in ENTRIES[:5]]
    assert [e.id for e in got] == ids[:5]
    assert [e.account_id for e in store.requests_for("alice")] == ["A1"] * 5 + ["A2"]
    assert [e.account_id for e in store.requests_for("bob")] == ["B1"]
    assert store.requests_for("nobody") == [] and store.requests_of("B9") == []
    rows = dict(store._exec("SELECT id, to_minute FROM debtor_requests WHERE days = 'sun'"))
    assert list(rows.values()) == [1440]  # 00:00-24:00 is written as the day's end


def test_a_closed_account_s_requests_stay_out_of_the_plan_s_read(accounts):
    store = accounts
    with store.transaction():
        store.add_request(ENTRIES[4])
        store.close_missing(["A2", "B1"], "alice", None, NOW)  # A1 leaves the list
    assert store.requests_for("alice") == []
    assert len(store.requests_of("A1")) == 1  # kept in the log all the same


@pytest.mark.parametrize("values", [
    "('A1', 'sometimes', NULL, NULL, NULL)",       # an unknown kind
    "('A1', 'avoid', NULL, NULL, NULL)",            # a window without its times
    "('A1', 'avoid', 720, 780, '')",                # ... or its days
    "('A1', 'avoid', 1440, 780, 'mon')",            # past the day's last minute
    "('A1', 'avoid', 720, 1441, 'mon')",
    "('Z9', 'clear', NULL, NULL, NULL)",            # no such account
])
def test_the_schema_refuses_malformed_entries(accounts, values):
    store = accounts
    with pytest.raises(Exception) as caught, store.transaction():
        store._exec("INSERT INTO debtor_requests (account_id, kind, from_minute, to_minute, "
                    f"days, set_by, set_at) VALUES {values[:-1]}, 'alice', '{NOW}')")
    assert "constraint" in str(caught.value).lower() or "violates" in str(caught.value)
    assert store.requests_of("A1") == []


def test_the_plan_s_read_uses_its_indexes(store):
    plan = store.query_plan(sql.SELECT_REQUESTS_FOR_COLLECTOR, {"collector": "c"})
    if store.engine == "sqlite":
        assert "INDEX debtor_requests_account" in plan and "SCAN" not in plan, plan
    else:
        assert "Seq Scan" not in plan, plan


def test_db_copy_carries_the_log(accounts, tmp_path):
    from collectctl.storage import open_store

    store = accounts
    with store.transaction():
        for e in ENTRIES:
            store.add_request(e)
    target = open_store(tmp_path / "copy.db")
    try:
        tables = target.copy_from(store)
        assert tables["debtor_requests"].rows == len(ENTRIES)
        assert target.requests_of("A1") == store.requests_of("A1")
        with target.transaction():  # new entries continue after the copied ids
            assert target.add_request(ENTRIES[-1]) == len(ENTRIES) + 1
    finally:
        target.close()
