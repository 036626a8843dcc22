"""Periods, working days with Taiwan's holidays, daily shares, exact splits, pace over
working time, money targets in one currency."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collectctl.config import Settings, ShiftSettings
from collectctl.core.targets import (
    Goal,
    Target,
    daily_share,
    elapsed_share,
    goal_for,
    pace,
    parse_assignments,
    period_range,
    split_exactly,
    target_for,
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
        parse_assignments(pairs, "TWD")


# -- money targets in one currency; a day target and the month; pace over working time ----
TAIPEI = ZoneInfo("Asia/Taipei")


def test_a_money_value_is_in_the_configs_currency_unless_it_names_another():
    assert parse_assignments(["collected=500000", "calls=2000", "promised_amount=US$300",
                              "recovery_rate=0.05", "kept_rate=0.8"], "TWD") == {
        "collected": Goal(Decimal("500000.00"), "TWD"), "calls": Goal(Decimal(2000)),
        "promised_amount": Goal(Decimal("300.00"), "USD"),
        "recovery_rate": Goal(Decimal("0.05"), "TWD"), "kept_rate": Goal(Decimal("0.8"))}
    assert parse_assignments(["collected=2000AUD"], "TWD") == {
        "collected": Goal(Decimal("2000.00"), "AUD")}
    with pytest.raises(UsageError, match="calls takes a whole number"):
        parse_assignments(["calls=20AUD"], "TWD")


def test_a_day_target_does_not_change_the_month_figure():
    """The issue's 288,636.36: December 2026 has 22 working days in Taiwan; the month's
    share of the 4th (11,363.64) was replaced by the day's 50,000 in the month's sum."""
    settings = Settings()
    month = Target("alice", "month", date(2026, 12, 1), "collected", Decimal("250000.00"),
                   "TWD")
    day = Target("alice", "day", date(2026, 12, 4), "collected", Decimal("50000.00"), "TWD")
    targets = [month, day]

    def goal(first, last):
        return goal_for(targets, "alice", "collected", first, last, settings)

    assert goal(date(2026, 12, 1), date(2026, 12, 31)) == Goal(Decimal("250000.00"), "TWD")
    assert goal(date(2026, 12, 4), date(2026, 12, 4)) == Goal(Decimal("50000.00"), "TWD")
    assert goal(date(2026, 12, 3), date(2026, 12, 3)) == Goal(Decimal("11363.64"), "TWD")
    # A week inside the month is the month's: five of its working days, the 7th to the 11th
    # (among the first 14 working days, which get the leftover cents: 11,363.64 each).
    assert goal(date(2026, 12, 7), date(2026, 12, 13)) == Goal(Decimal("56818.20"), "TWD")
    # A span no one target holds adds its days' targets: 11-30 has none, 12-01..03 the
    # month's share, the 4th its own.
    assert goal(date(2026, 11, 30), date(2026, 12, 4)) == Goal(
        Decimal("84090.92"), "TWD")


def test_a_target_of_another_currency_never_adds_to_the_first():
    settings = Settings()
    twd = Target("alice", "day", date(2026, 12, 3), "collected", Decimal("1000.00"), "TWD")
    aud = Target("alice", "day", date(2026, 12, 4), "collected", Decimal("50.00"), "AUD")
    got = goal_for([twd, aud], "alice", "collected", date(2026, 12, 3), date(2026, 12, 4),
                   settings)
    assert got == Goal(Decimal("1000.00"), "TWD")
    legacy = Target(None, "day", date(2026, 12, 4), "collected", Decimal("7.00"))
    assert goal_for([legacy], None, "collected", date(2026, 12, 4), date(2026, 12, 4),
                    Settings(currency="USD")) == Goal(Decimal("7.00"), "USD")
    assert target_for([aud], "alice", "collected", date(2026, 12, 4), date(2026, 12, 4),
                      settings) == Decimal("50.00")


def test_pace_counts_working_time_only_the_lunch_break_left_out():
    """A day target of 100,000 on Fri 2026-12-04, shift 09:00-18:00 with lunch 12:00-13:00:
    8 working hours. At 14:00, 4 have gone by (09-12, 13-14): the pace is 50,000.00, not
    the 55,555.56 of 5 in 9 hours; all through lunch it stays at 3/8 = 37,500.00."""
    settings = Settings()
    day = date(2026, 12, 4)

    def pace_at(hour: int, minute: int = 0) -> Decimal:
        now = datetime(2026, 12, 4, hour, minute, tzinfo=TAIPEI)
        return pace(Decimal("100000.00"), elapsed_share(day, day, now, settings), "collected")

    assert pace_at(14) == Decimal("50000.00")
    assert pace_at(12) == pace_at(12, 30) == pace_at(13) == Decimal("37500.00")
    assert pace_at(8) == Decimal("0.00") and pace_at(19) == Decimal("100000.00")
    assert pace_at(10, 30) == Decimal("18750.00")  # 1.5 of 8 hours
    no_lunch = Settings(shift=ShiftSettings(breaks=()))
    now = datetime(2026, 12, 4, 14, 0, tzinfo=TAIPEI)
    assert pace(Decimal("100000.00"), elapsed_share(day, day, now, no_lunch),
                "collected") == Decimal("55555.56")


def test_the_month_pace_is_not_rounded_before_it_is_multiplied():
    """The issue's 45,454.55: 500,000 for December's 22 working days, two of them done (the
    3rd, a Thursday, at 09:00): 500,000 x 2/22. A share rounded to 0.0909 gave 45,450."""
    settings = Settings()
    now = datetime(2026, 12, 3, 9, 0, tzinfo=TAIPEI)
    share = elapsed_share(date(2026, 12, 1), date(2026, 12, 31), now, settings)
    assert share == Decimal(2) / 22
    assert pace(Decimal("500000.00"), share, "collected") == Decimal("45454.55")


def test_a_team_target_of_its_own_is_not_replaced_by_its_collectors_sum():
    """Only a split (the team's target exactly its collectors' parts) makes the team's
    target their sum; a team target set apart stands, and a rate is never summed."""
    from collectctl.core.targets import scope_goal

    settings = Settings()
    day = date(2026, 12, 1)
    own = [Target(None, "month", day, "calls", Decimal(100)),
           Target("alice", "month", day, "calls", Decimal(30)),
           Target("bob", "month", day, "calls", Decimal(30))]
    whole = (date(2026, 12, 1), date(2026, 12, 31))
    assert scope_goal(own, None, "calls", *whole, settings).value == 100
    split = [*own[1:], Target(None, "month", day, "calls", Decimal(60))]
    assert scope_goal(split, None, "calls", *whole, settings).value == 60
    alone = own[1:]
    assert scope_goal(alone, None, "calls", *whole, settings).value == 60
    rates = [Target("alice", "month", day, "kept_rate", Decimal("0.8"))]
    assert scope_goal(rates, None, "kept_rate", *whole, settings) is None
