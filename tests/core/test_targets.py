"""Periods, working days with Taiwan's holidays, daily shares, exact splits, pace."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collectctl.core.targets import (
    Target,
    daily_share,
    pace,
    parse_assignments,
    period_range,
    split_exactly,
    working_days,
)
from collectctl.errors import UsageError


@pytest.mark.parametrize(("period", "day", "expected"), [
    ("day", date(2026, 12, 4), (date(2026, 12, 4), date(2026, 12, 4))),
    ("week", date(2026, 12, 4), (date(2026, 11, 30), date(2026, 12, 6))),
    ("month", date(2026, 12, 4), (date(2026, 12, 1), date(2026, 12, 31))),
    ("month", date(2027, 2, 14), (date(2027, 2, 1), date(2027, 2, 28))),
])
def test_period_range(period, day, expected):
    assert period_range(period, day) == expected


def test_working_days_skip_weekends_and_taiwan_holidays():
    days = working_days(date(2027, 2, 1), date(2027, 2, 28), "TW")
    assert len(days) == 15                      # Lunar New Year and 228 are off
    assert date(2027, 2, 8) not in days and date(2027, 2, 11) in days
    assert date(2027, 2, 26) in days
    assert len(working_days(date(2027, 2, 1), date(2027, 2, 28), "TW",
                            [date(2027, 2, 11)])) == 14


def test_a_monthly_target_yields_daily_targets_that_add_up():
    target = Target("alice", "month", date(2027, 2, 1), "collected", Decimal("1000000.00"))
    shares = [daily_share(target, date(2027, 2, d), "TW") for d in range(1, 29)]
    assert sum(shares) == Decimal("1000000.00")
    assert daily_share(target, date(2027, 2, 8), "TW") == 0      # a holiday
    assert daily_share(target, date(2027, 2, 6), "TW") == 0      # Saturday
    assert set(s for s in shares if s) <= {Decimal("66666.66"), Decimal("66666.67")}
    calls = Target("alice", "month", date(2027, 2, 1), "calls", Decimal(1000))
    assert sum(daily_share(calls, date(2027, 2, d), "TW") for d in range(1, 29)) == 1000


@given(st.decimals(min_value=0, max_value=10**9, places=2),
       st.dictionaries(st.text(min_size=1, max_size=5),
                       st.decimals(min_value=0, max_value=10**7, places=2), min_size=1,
                       max_size=12))
def test_split_always_adds_up_exactly(total, weights):
    parts = split_exactly(total, weights, "collected")
    assert sum(parts.values()) == total
    assert all(p >= 0 and p == p.quantize(Decimal("0.01")) for p in parts.values())


def test_split_in_proportion_and_counts_in_whole_units():
    parts = split_exactly(Decimal(100), {"a": Decimal(1), "b": Decimal(1), "c": Decimal(1)},
                          "calls")
    assert sorted(parts.values()) == [33, 33, 34] and sum(parts.values()) == 100
    parts = split_exactly(Decimal("300.00"), {"a": Decimal(1), "b": Decimal(2)}, "collected")
    assert parts == {"a": Decimal("100.00"), "b": Decimal("200.00")}


def test_pace():
    assert pace(Decimal("1000.00"), Decimal("0.25"), "collected") == Decimal("250.00")
    assert pace(Decimal(90), Decimal("0.5"), "calls") == 45
    assert pace(Decimal("0.4"), Decimal("0.1"), "contact_rate") == Decimal("0.4")


@pytest.mark.parametrize("pairs", [["collected"], ["money=5"], ["calls=1.5"],
                                   ["contact_rate=2"], []])
def test_bad_assignments(pairs):
    with pytest.raises(UsageError):
        parse_assignments(pairs)
