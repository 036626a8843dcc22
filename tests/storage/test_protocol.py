"""Both engines are a ``Store``; what the store reads comes back as named results.

mypy (``.ci/run``) checks the signatures; these check the same at run time, on each
engine, so a method missing from one backend fails here too.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from collectctl.core.models import Account, Call, Payment, Phone
from collectctl.core.planning import Portfolio
from collectctl.storage.protocol import (
    DayCollected,
    Fingerprint,
    HourCalls,
    ListedAccount,
    Store,
    TableTotal,
    TeamStore,
    team_store,
)

NOW = "2026-12-04T01:00:00+00:00"


def _account(account_id: str, collector: str = "alice") -> Account:
    return Account(account_id=account_id, amount_due=Decimal("500.00"), currency="TWD",
                   timezone="Asia/Taipei", as_of=date(2026, 12, 4), assigned_to=collector,
                   phones=(Phone("+886912345678"),))


def test_every_engine_is_a_store_and_only_a_team_server_has_roles(store, engine):
    assert isinstance(store, Store)
    assert (team_store(store) is store) == (engine == "postgresql")
    assert isinstance(store, TeamStore) == (engine == "postgresql")


def test_fingerprints_are_named(store):
    with store.transaction():
        store.insert_accounts([ListedAccount(_account("A1"), "h1", "r1"),
                               ListedAccount(_account("A2"), "h2")], None, NOW)
    got = store.account_fingerprints(["A1", "A2", "missing"])
    assert got == {"A1": Fingerprint("h1", "open", "r1", True),
                   "A2": Fingerprint("h2", "open", None, True)}
    first = got["A1"]
    assert isinstance(first, Fingerprint)
    assert (first.row_hash, first.status, first.raw_hash, first.has_valid_phone) == (
        "h1", "open", "r1", True)


def test_reads_for_plans_reports_and_copies_are_named(store):
    called_at = datetime(2026, 12, 4, 1, 30, tzinfo=UTC)
    with store.transaction():
        store.insert_accounts([ListedAccount(_account("A1"), "h1")], None, NOW)
        store.add_call(Call(None, "A1", "alice", called_at, "no_answer"), NOW)
        store.add_payment(Payment(None, "A1", Decimal("100.00"), date(2026, 12, 4), "R1",
                                  "import"), NOW)
    portfolio = store.portfolio("alice")
    assert isinstance(portfolio, Portfolio)
    assert [a.account_id for a in portfolio.accounts] == ["A1"]
    assert [c.outcome for c in portfolio.calls["A1"]] == ["no_answer"]
    assert portfolio.promises == {}
    assert [p.amount for p in portfolio.payments["A1"]] == [Decimal("100.00")]

    assert store.collected_by_day(date(2026, 12, 1), date(2026, 12, 31)) == [
        DayCollected(date(2026, 12, 4), "alice", Decimal("100.00"), "TWD")]
    start, end = datetime(2026, 12, 4, tzinfo=UTC), datetime(2026, 12, 5,
                                                                    tzinfo=UTC)
    assert store.calls_by_hour(start, end) == [
        HourCalls(datetime(2026, 12, 4, 1, tzinfo=UTC), "alice", "no_answer", 1)]

    assert store.contact_stats("alice") == {}
    assert store.segment_stats() == {}

    totals = store.totals()
    assert totals["payments"] == TableTotal(rows=1, money_minor=10000)
    assert totals["accounts"].rows == 1
