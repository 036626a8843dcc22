"""The portfolio on hand-computed accounts: buckets, risk, collectors, roll and cure rates
between two dates, in two currencies, with empty buckets (core.portfolio, no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from collectctl.core.money import Amounts
from collectctl.core.portfolio import (
    DEFAULT_BUCKETS,
    ChangedPart,
    CollectorGroup,
    SinceGroup,
    Trail,
    Version,
    bucket_index,
    buckets_from,
    buckets_problem,
    summarize,
)

BUCKETS = buckets_from(DEFAULT_BUCKETS)
FIRST, AS_OF = date(2026, 12, 1), date(2026, 12, 10)
START = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)   # 2026-12-01 00:00 in Taipei
END = datetime(2026, 12, 10, 16, 0, tzinfo=UTC)     # 2026-12-11 00:00 in Taipei
D = Decimal


def at(text: str) -> datetime:
    return datetime.fromisoformat(text + "+00:00")


@pytest.mark.parametrize(("dpd", "bucket"), [
    (None, 0), (0, 0), (1, 1), (30, 1), (31, 2), (60, 2), (61, 3), (150, 5), (180, 6),
    (181, 7), (5000, 7),
])
def test_days_past_due_fall_in_their_bucket(dpd, bucket):
    assert bucket_index(dpd, BUCKETS) == bucket


def test_buckets_are_configurable():
    mine = buckets_from({"early": 10, "late": None})
    assert [(b.name, b.low, b.high) for b in mine] == [("early", 1, 10), ("late", 11, None)]
    assert [bucket_index(d, mine) for d in (0, 10, 11, 400)] == [0, 1, 2, 2]


@pytest.mark.parametrize(("limits", "code"), [
    ({}, "buckets_empty"),
    ({"M1": 30, "M2": 30, "M3": None}, "bucket_not_after_previous"),
    ({"M1": 0, "M2": None}, "bucket_not_after_previous"),
    ({"M1": None, "M2": None}, "bucket_open_before_last"),
    ({"M1": 30, "M2": 60}, "bucket_last_has_end"),
    ({"current": 30, "M2": None}, "bucket_name"),
    ({" ": 30, "M2": None}, "bucket_name"),
])
def test_bucket_limits_that_cannot_work_are_named(limits, code):
    assert buckets_problem(limits)[0] == code


def test_the_default_buckets_are_fine():
    assert buckets_problem(DEFAULT_BUCKETS) is None


# Seven accounts, from 2026-12-01 (the period's start) to 2026-12-10:
#  1 TWD 15,000, 26 days past due on 12-01 (M1), 35 on 12-10 (M2): rolls.
#  2 TWD 20,000, 42 -> 51 days (M2 -> M2): stays.
#  3 TWD 5,000, M1, its list of 11-01; paid 5,000 on 12-05: cured (paid off).
#  4 USD 300, M1 (list of 11-15); a list of 12-05 says 250 due on 12-25, not past due:
#    cured (brought current), and current on 12-10.
#  5 USD 1,200 listed 11-02 (29 days on 12-01, M1; 38 on 12-10, M2); paid 300 on 11-20 (so
#    900 at the start) and 100 on 12-03: rolls, with its 900.
#  6 TWD 7,000, new on 12-03, 100 days past due on 12-10 (M4): not in the roll rates.
#  7 TWD 8,000, M2, closed by a list on 12-06 still owing: neither rolled nor cured.
GROUPS = [
    SinceGroup("TWD", date(2026, 11, 5), "high", 1, D("15000.00")),
    SinceGroup("TWD", date(2026, 10, 20), "low", 1, D("20000.00")),
    SinceGroup("TWD", date(2026, 11, 10), "high", 1, D("5000.00")),
    SinceGroup("USD", date(2026, 12, 25), None, 1, D("250.00")),
    SinceGroup("USD", date(2026, 11, 2), "low", 1, D("1200.00")),
    SinceGroup("TWD", date(2026, 9, 1), "high", 1, D("7000.00")),
]
COLLECTORS = [
    CollectorGroup("alice", "TWD", 2, D("20000.00")),
    CollectorGroup("alice", "USD", 1, D("1200.00")),
    CollectorGroup("bob", "TWD", 2, D("27000.00")),
    CollectorGroup("bob", "USD", 1, D("250.00")),
]
#: 3 and 5 were paid since their lists' days: one by one, with their payments.
TRAILS = [
    Trail("3", "alice", at("2026-11-01T01:00:00"),
          (Version(D("5000.00"), "TWD", date(2026, 11, 10), "high", "open",
                   date(2026, 11, 1)),),
          ((date(2026, 12, 5), D("5000.00")),)),
    Trail("5", "alice", at("2026-11-02T01:00:00"),
          (Version(D("1200.00"), "USD", date(2026, 11, 2), "low", "open", date(2026, 11, 2)),),
          ((date(2026, 11, 20), D("300.00")), (date(2026, 12, 3), D("100.00")))),
]
#: 4, 6 and 7 were written since the start: their rows now (counted in GROUPS), how they
#: stood at the end, and how they moved.
CHANGED = [
    ChangedPart("naive", "USD", 1, D("250.00"), date(2026, 12, 25)),
    ChangedPart("naive", "TWD", 1, D("7000.00"), date(2026, 9, 1), "high"),
    ChangedPart("naive_collector", "USD", 1, D("250.00"), label="bob"),
    ChangedPart("naive_collector", "TWD", 1, D("7000.00"), label="bob"),
    ChangedPart("bucket", "USD", 1, D("250.00"), date(2026, 12, 25)),
    ChangedPart("bucket", "TWD", 1, D("7000.00"), date(2026, 9, 1)),
    ChangedPart("risk", "USD", 1, D("250.00")),
    ChangedPart("risk", "TWD", 1, D("7000.00"), label="high"),
    ChangedPart("collector", "USD", 1, D("250.00"), label="bob"),
    ChangedPart("collector", "TWD", 1, D("7000.00"), label="bob"),
    ChangedPart("move", "USD", 1, D("300.00"), date(2026, 11, 15), end="open",
                end_since=date(2026, 12, 25), listed_current=True),
    ChangedPart("move", "TWD", 1, D("8000.00"), date(2026, 10, 15), end="closed",
                end_since=date(2026, 10, 15)),
]


def money(**parts) -> Amounts:
    return Amounts({c: D(v) for c, v in parts.items()})


@pytest.fixture
def portfolio():
    return summarize(GROUPS, COLLECTORS, CHANGED, TRAILS, BUCKETS, FIRST, AS_OF, START, END)


def test_the_accounts_owing_on_the_day_by_bucket(portfolio):
    assert portfolio.as_of == AS_OF
    assert [(b.key, b.accounts, b.balance) for b in portfolio.buckets] == [
        ("current", 1, money(USD="250")),
        ("M1", 0, Amounts()),
        ("M2", 3, money(TWD="35000", USD="800")),
        ("M3", 0, Amounts()),
        ("M4", 1, money(TWD="7000")),
        ("M5", 0, Amounts()), ("M6", 0, Amounts()), ("M7+", 0, Amounts()),
    ]


def test_by_risk_and_by_collector(portfolio):
    assert [(r.key, r.accounts, r.balance) for r in portfolio.risk] == [
        ("high", 2, money(TWD="22000")),
        ("low", 2, money(TWD="20000", USD="800")),
        (None, 1, money(USD="250")),
    ]
    assert [(c.key, c.accounts, c.balance) for c in portfolio.collectors] == [
        ("alice", 2, money(TWD="15000", USD="800")),
        ("bob", 3, money(TWD="27000", USD="250")),
    ]


def test_roll_and_cure_rates_by_balance_per_currency(portfolio):
    rolls = {r.bucket: r for r in portfolio.roll_rates}
    m1, m2 = rolls["M1"], rolls["M2"]
    assert (m1.accounts, m1.balance) == (4, money(TWD="20000", USD="1200"))
    assert m1.rolled == money(TWD="15000", USD="900")
    assert m1.cured == money(TWD="5000", USD="300")
    assert m1.roll_rate == {"TWD": D("0.75"), "USD": D("0.75")}
    assert m1.cure_rate == {"TWD": D("0.25"), "USD": D("0.25")}
    # the one that stayed and the one closed owing: neither rolled nor cured
    assert (m2.accounts, m2.balance) == (2, money(TWD="28000"))
    assert (m2.roll_rate, m2.cure_rate) == ({"TWD": D("0")}, {"TWD": D("0")})


def test_a_bucket_empty_at_the_start_has_no_rates(portfolio):
    rolls = {r.bucket: r for r in portfolio.roll_rates}
    assert [r.bucket for r in portfolio.roll_rates] == list(DEFAULT_BUCKETS)
    for name in ("M3", "M4", "M5", "M6", "M7+"):
        assert (rolls[name].accounts, rolls[name].roll_rate, rolls[name].cure_rate) == (
            0, None, None)


def test_the_last_bucket_cannot_roll_but_can_cure():
    old = [SinceGroup("TWD", date(2026, 1, 1), None, 1, D("100.00")),
           SinceGroup("TWD", date(2026, 2, 1), None, 1, D("300.00"))]
    paid = Trail("p", None, at("2026-01-01T00:00:00"),
                 (Version(D("300.00"), "TWD", date(2026, 2, 1), None, "open",
                          date(2026, 2, 1)),), ((date(2026, 12, 2), D("300.00")),))
    p = summarize(old, [CollectorGroup(None, "TWD", 2, D("400.00"))], [], [paid], BUCKETS,
                  FIRST, AS_OF, START, END)
    last = p.roll_rates[-1]
    assert (last.bucket, last.accounts, last.roll_rate, last.cure_rate) == (
        "M7+", 2, None, {"TWD": D("0.75")})
    assert [(c.key, c.accounts, c.balance) for c in p.collectors] == [
        (None, 1, money(TWD="100"))]


def test_a_currency_without_a_balance_has_no_rate():
    """A bucket's rate in a currency whose accounts owed nothing at the start is None,
    not 0 (the whole rate is None only for a bucket with no account)."""
    from collectctl.core.portfolio import Roll

    roll = Roll("M1", 2, money(TWD="100", USD="0"), money(TWD="50"), Amounts())
    assert roll.roll_rate == {"TWD": D("0.5"), "USD": None}
    assert roll.cure_rate == {"TWD": D("0"), "USD": None}


def test_an_empty_portfolio():
    p = summarize([], [], [], [], BUCKETS, FIRST, AS_OF, START, END)
    assert [b.accounts for b in p.buckets] == [0] * 8
    assert (p.risk, p.collectors) == ((), ())
    assert all(r.roll_rate is None and r.cure_rate is None for r in p.roll_rates)


def test_a_later_list_that_leaves_the_account_past_due_does_not_cure_it():
    """Paid 10 on 12-06 after a list of 12-05 that still gave it 20 days past due on its
    day (since 11-15): M1 at the start, M1 on 12-10 (25 days): neither rolled nor cured;
    an assign after it (the same list, a new version) brings nothing current."""
    versions = (
        Version(D("300.00"), "TWD", date(2026, 11, 15), None, "open", date(2026, 11, 15),
                until=at("2026-12-05T02:00:00")),
        Version(D("300.00"), "TWD", date(2026, 11, 15), None, "open", date(2026, 12, 5),
                until=at("2026-12-06T02:00:00")),
        Version(D("300.00"), "TWD", date(2026, 11, 15), None, "open", date(2026, 12, 5)),
    )
    trail = Trail("x", "alice", at("2026-11-15T01:00:00"), versions,
                  ((date(2026, 12, 6), D("10.00")),))
    now = [ChangedPart(part, "TWD", 1, D("300.00"), date(2026, 11, 15), label)
           for part, label in (("naive", None), ("bucket", None), ("risk", None))]
    changed = [*now, ChangedPart("naive_collector", "TWD", 1, D("300.00"), label="alice"),
               ChangedPart("collector", "TWD", 1, D("300.00"), label="alice"),
               ChangedPart("move", "TWD", 1, D("300.00"), date(2026, 11, 15), end="open",
                           end_since=date(2026, 11, 15))]
    p = summarize([SinceGroup("TWD", date(2026, 11, 15), None, 1, D("300.00"))],
                  [CollectorGroup("alice", "TWD", 1, D("300.00"))], changed, [trail],
                  BUCKETS, FIRST, AS_OF, START, END)
    m1 = p.roll_rates[0]
    assert (m1.accounts, m1.roll_rate, m1.cure_rate) == (1, {"TWD": D("0")}, {"TWD": D("0")})
    assert (p.buckets[1].accounts, p.buckets[1].balance) == (1, money(TWD="290"))
    assert [(c.key, c.balance) for c in p.collectors] == [("alice", money(TWD="290"))]


def test_a_trail_counts_once_whatever_the_aggregates_said():
    """A trail is taken out as the aggregates counted it (its lists' amounts) and put
    back paid: an account paid in part stays in its bucket with what it still owes."""
    trail = Trail("y", "bob", at("2026-10-01T00:00:00"),
                  (Version(D("100.00"), "AUD", date(2026, 11, 20), None, "open",
                           date(2026, 11, 20)),), ((date(2026, 11, 25), D("40.00")),))
    p = summarize([SinceGroup("AUD", date(2026, 11, 20), None, 1, D("100.00"))],
                  [CollectorGroup("bob", "AUD", 1, D("100.00"))], [], [trail], BUCKETS,
                  FIRST, AS_OF, START, END)
    assert [(b.key, b.accounts, b.balance) for b in p.buckets if b.accounts] == [
        ("M1", 1, money(AUD="60"))]
    m1 = p.roll_rates[0]
    assert (m1.accounts, m1.balance, m1.roll_rate) == (1, money(AUD="60"), {"AUD": D("0")})
