"""The portfolio's reads on both engines: the aggregates, the accounts they do not tell
whole (changed since a moment, or paid since their list's day), each on its index."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from collectctl.core.models import Account, Payment
from collectctl.storage.protocol import ListedAccount

NOW = "2026-11-20T01:00:00+00:00"


def account(account_id: str, amount: str, since: date | None, collector: str | None,
            currency: str = "TWD", risk: str | None = "high") -> ListedAccount:
    return ListedAccount(Account(account_id, Decimal(amount), currency, "Asia/Taipei",
                                 date(2026, 11, 20), past_due_since=since,
                                 assigned_to=collector, risk=risk), "h")


@pytest.fixture
def stocked(store):
    with store.transaction():
        store.insert_accounts([
            account("A", "100", date(2026, 11, 1), "alice"),
            account("B", "200", date(2026, 11, 1), "alice"),
            account("C", "300", None, "bob", "USD", None),
            account("Z", "0", date(2026, 11, 1), "bob"),  # owes nothing: in no group
        ], None, NOW)
        store.add_payment(Payment(None, "B", Decimal("50"), date(2026, 12, 2)),
                          "2026-12-02T01:00:00+00:00")
        store.add_payment(Payment(None, "A", Decimal("10"), date(2026, 11, 19)),
                          "2026-12-02T01:00:00+00:00")  # before A's list: in its amount
    return store


def test_the_aggregates(stocked):
    since, collectors = stocked.portfolio_groups()
    assert sorted((g.currency, g.since, g.risk, g.accounts, g.amount) for g in since) == [
        ("TWD", date(2026, 11, 1), "high", 2, Decimal("300.00")),
        ("USD", None, None, 1, Decimal("300.00"))]
    assert sorted((c.collector, c.currency, c.accounts, c.amount) for c in collectors) == [
        ("alice", "TWD", 2, Decimal("300.00")), ("bob", "USD", 1, Decimal("300.00"))]
    mine, by = stocked.portfolio_groups("bob")
    assert [(g.currency, g.accounts) for g in mine] == [("USD", 1)]
    assert [(c.collector, c.accounts) for c in by] == [("bob", 1)]


def test_the_trails_are_the_accounts_paid_since_their_list(stocked):
    later = datetime(2026, 12, 1, tzinfo=UTC)
    (b,) = stocked.portfolio_trails(later, date(2026, 12, 4))
    assert (b.account_id, b.collector, b.payments) == (
        "B", "alice", ((date(2026, 12, 2), Decimal("50.00")),))
    assert [(v.amount, v.status, v.until) for v in b.versions] == [
        (Decimal("200.00"), "open", None)]
    assert stocked.portfolio_trails(later, date(2026, 12, 1)) == []  # not paid by then
    assert stocked.portfolio_trails(later, date(2026, 12, 4), "bob") == []
    assert stocked.portfolio_changed(later, later) == []  # none written since


def test_a_paid_account_written_since_brings_its_earlier_versions(stocked):
    with stocked.transaction():
        stocked.assign([("B", "bob")], "2026-12-03T01:00:00+00:00")
    (b,) = stocked.portfolio_trails(datetime(2026, 12, 1, tzinfo=UTC), date(2026, 12, 4))
    assert b.collector == "bob"
    assert [(v.amount, v.until) for v in b.versions] == [
        (Decimal("200.00"), datetime(2026, 12, 3, 1, tzinfo=UTC)), (Decimal("200.00"), None)]


def test_the_accounts_written_since_in_aggregates(stocked):
    """C is listed again on 12-03 (owing 250, due 12-20: current on its list's day), A is
    closed on 12-03; from 12-01 to the end of 12-04, and as of the end of 12-02 (before
    either: they stood as at the start)."""
    start, end = datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 5, tzinfo=UTC)
    with stocked.transaction():
        relisted = Account("C", Decimal("250"), "USD", "Asia/Taipei", date(2026, 12, 3),
                           past_due_since=date(2026, 12, 20), assigned_to="bob", risk="low")
        stocked.update_accounts([ListedAccount(relisted, "h2")], None,
                                "2026-12-03T01:00:00+00:00")
        stocked.close_missing(["B", "C", "Z"], None, None, "2026-12-03T02:00:00+00:00")
    parts = {(p.part, p.currency, p.since, p.label, p.end, p.end_since, p.listed_current,
              p.accounts, p.amount) for p in stocked.portfolio_changed(start, end)}
    assert parts == {  # as they are now at the end: how they moved, and C's row now
        ("naive", "USD", date(2026, 12, 20), "low", "now", None, False, 1, Decimal("250.00")),
        ("move", "USD", None, None, "open", date(2026, 12, 20), True, 1, Decimal("300.00")),
        ("move", "TWD", date(2026, 11, 1), None, "closed", date(2026, 11, 1), False, 1,
         Decimal("100.00")),
    }
    before = datetime(2026, 12, 2, 16, tzinfo=UTC)
    moves = {(p.currency, p.end, p.end_since, p.listed_current, p.amount)
             for p in stocked.portfolio_changed(start, before) if p.part == "move"}
    assert moves == {("USD", "open", None, False, Decimal("300.00")),
                     ("TWD", "open", date(2026, 11, 1), False, Decimal("100.00"))}
    ends = {(p.part, p.currency, p.since, p.label, p.amount)
            for p in stocked.portfolio_changed(start, before) if p.part != "move"}
    assert ends == {  # now (to take out) and as they stood at the end of 12-02
        ("naive", "USD", date(2026, 12, 20), "low", Decimal("250.00")),
        ("naive_collector", "USD", None, "bob", Decimal("250.00")),
        ("bucket", "USD", None, None, Decimal("300.00")),
        ("bucket", "TWD", date(2026, 11, 1), None, Decimal("100.00")),
        ("risk", "USD", None, None, Decimal("300.00")),
        ("risk", "TWD", None, "high", Decimal("100.00")),
        ("collector", "USD", None, "bob", Decimal("300.00")),
        ("collector", "TWD", None, "alice", Decimal("100.00"))}


@pytest.mark.parametrize(("name", "narrow", "index"), [
    ("PORTFOLIO_BY_SINCE", "ALL_COLLECTORS", "COVERING INDEX accounts_portfolio"),
    ("PORTFOLIO_BY_COLLECTOR", "ALL_COLLECTORS", "COVERING INDEX accounts_balance"),
    ("PORTFOLIO_CHANGED", "ALL_COLLECTORS", "INDEX accounts_updated"),
    ("CALLS_WITH_OUTCOMES", "ALL_COLLECTORS", "COVERING INDEX calls_outcome"),
    ("PROMISES_DUE_LISTED", "ALL_COLLECTORS", "promises_due"),
])
def test_the_portfolio_queries_use_their_index(store, name, narrow, index):
    """A million accounts: each aggregate one scan of its covering index, in its order
    (no temporary b-tree to sort a million rows), the changed ones by time."""
    from collectctl.storage import sql

    query = getattr(sql, name).format(codes="c.outcome = :o0", **getattr(sql, narrow))
    params = {"start_at": "a", "end_at": "b", "last": "b", "first": "a", "today": "b",
              "collector": "c", "start": "a", "end": "b", "o0": "complaint"}
    plan = store.query_plan(query, params)
    if store.engine == "sqlite":
        assert index in plan, plan
        if name.startswith("PORTFOLIO_BY"):
            assert "TEMP B-TREE" not in plan, plan
    else:
        assert "Seq Scan" not in plan, plan


# -- the aggregates against every account one by one, on random histories ----------------

def _random_history(store, rng):
    """Accounts listed on 11-10, then 40 events to 12-10 (lists that change amounts and
    days past due, bring accounts current or close them, a lead's assignments, payments
    dated before and after their list's day), through the store; and the same history as
    :class:`Trail` values, every version and payment, for the reference."""
    from collectctl.clock import to_utc_iso
    from collectctl.core.portfolio import Trail, Version

    zone_day = lambda moment: (moment + timedelta(hours=8)).date()  # noqa: E731 (Taipei)
    state: dict[str, dict] = {}
    t0 = datetime(2026, 11, 10, 1, tzinfo=UTC)
    listed = []
    for n in range(12):
        account = Account(f"X{n}", Decimal(rng.choice([0, 100, 250, 400, 1000])),
                          rng.choice(["TWD", "USD"]), "Asia/Taipei", zone_day(t0),
                          past_due_since=rng.choice([None, date(2026, 9, 20),
                                                     date(2026, 10, 25), date(2026, 11, 5),
                                                     date(2026, 11, 28)]),
                          assigned_to=rng.choice(["alice", "bob", None]),
                          risk=rng.choice(["high", "low", None]))
        listed.append(ListedAccount(account, "h"))
        state[account.account_id] = {"account": account, "created": t0, "versions": [],
                                     "payments": []}
    with store.transaction():
        store.insert_accounts(listed, None, to_utc_iso(t0))
    moment = datetime(2026, 11, 20, 1, tzinfo=UTC)
    for _n in range(40):
        moment += timedelta(hours=rng.choice([3, 9, 20]))
        s = rng.choice(sorted(state))
        entry, now = state[s], to_utc_iso(moment)
        a = entry["account"]
        kind = rng.choice(["list", "list", "assign", "close", "pay", "pay"])
        with store.transaction():
            if kind == "pay":
                day = zone_day(moment) - timedelta(days=rng.choice([0, 2, 15]))
                amount = Decimal(rng.choice([50, 100, 250]))
                store.add_payment(Payment(None, s, amount, day, reference=f"r{_n}"), now)
                entry["payments"].append((day, amount))
                continue
            if kind == "list":
                new = replace(a, amount_due=Decimal(rng.choice([0, 80, 250, 900])),
                              past_due_since=rng.choice([None, a.past_due_since,
                                                         zone_day(moment),
                                                         date(2026, 12, 25)]),
                              as_of=zone_day(moment), risk=rng.choice(["high", "low"]),
                              status="open")
                store.update_accounts([ListedAccount(new, "h")], None, now)
            elif kind == "assign":
                new = replace(a, assigned_to=rng.choice(["alice", "bob"]))
                store.assign([(s, new.assigned_to)], now)
            else:
                new = replace(a, status="closed")
                store.close_missing([o for o in state if o != s], None, None, now)
        entry["versions"].append((a, moment))
        entry["account"] = new

    def version(a: Account, until=None) -> Version:
        return Version(a.amount_due.quantize(Decimal("0.01")), a.currency, a.past_due_since,
                       a.risk, a.status, a.as_of, until)

    return [Trail(s, e["account"].assigned_to, e["created"],
                  (*(version(a, until) for a, until in e["versions"]),
                   version(e["account"])), tuple(sorted(e["payments"])))
            for s, e in state.items()]


@pytest.mark.parametrize("seed", range(12))
def test_the_aggregates_add_up_to_every_account_one_by_one(store, seed):
    import random

    from collectctl.app.portfolio import build_portfolio, portfolio_day
    from collectctl.config import Settings
    from collectctl.core.portfolio import DEFAULT_BUCKETS, buckets_from, one_by_one

    trails = _random_history(store, random.Random(seed))
    settings = Settings()
    for first, last, today in ((date(2026, 11, 25), date(2026, 12, 10), date(2026, 12, 10)),
                               (date(2026, 12, 1), date(2026, 12, 4), date(2026, 12, 12)),
                               (date(2026, 11, 21), date(2026, 11, 21), date(2026, 12, 12)),
                               (date(2026, 12, 5), date(2026, 12, 31), date(2026, 12, 8))):
        as_of = portfolio_day(first, last, today)
        start_at = datetime(first.year, first.month, first.day, tzinfo=UTC) - timedelta(
            hours=8)
        end_at = datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC) + timedelta(
            hours=16)
        # the reference knows only payments up to the day, as the store reads them
        known = [replace(t, payments=tuple(p for p in t.payments if p[0] <= as_of))
                 for t in trails]
        expected = one_by_one(known, buckets_from(DEFAULT_BUCKETS), first, as_of, start_at,
                              end_at)
        got = build_portfolio(store, settings, first, last, today)
        assert got == expected, (seed, first, last, today)
        for who in ("alice", "bob"):
            mine = [t for t in known if t.collector == who]
            assert build_portfolio(store, settings, first, last, today, who) == one_by_one(
                mine, buckets_from(DEFAULT_BUCKETS), first, as_of, start_at, end_at)
