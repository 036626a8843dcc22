"""The period just before a report's (issue 21): as long, in its kind's own terms."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collectctl.core.periods import period_to, previous_period

D = date


@pytest.mark.parametrize(("kind", "first", "last", "expected"), [
    ("day", D(2026, 12, 4), D(2026, 12, 4), (D(2026, 12, 3), D(2026, 12, 3))),
    # Monday to Friday: the Monday to Friday a week before.
    ("week", D(2026, 11, 30), D(2026, 12, 4), (D(2026, 11, 23), D(2026, 11, 27))),
    # Month to date: the same days of the month before.
    ("month", D(2026, 12, 1), D(2026, 12, 15), (D(2026, 11, 1), D(2026, 11, 15))),
    # A whole month: the whole month before, whatever its length.
    ("month", D(2026, 12, 1), D(2026, 12, 31), (D(2026, 11, 1), D(2026, 11, 30))),
    ("month", D(2026, 3, 1), D(2026, 3, 31), (D(2026, 2, 1), D(2026, 2, 28))),
    # Past the end of a shorter month before: to its end.
    ("month", D(2026, 3, 1), D(2026, 3, 30), (D(2026, 2, 1), D(2026, 2, 28))),
    ("month", D(2027, 1, 1), D(2027, 1, 10), (D(2026, 12, 1), D(2026, 12, 10))),
    ("range", D(2026, 12, 1), D(2026, 12, 4), (D(2026, 11, 27), D(2026, 11, 30))),
])
def test_the_previous_period(kind, first, last, expected):
    assert previous_period(kind, first, last) == expected


def test_a_week_and_a_month_run_to_the_day_asked_for():
    assert period_to("week", D(2026, 12, 4)) == (D(2026, 11, 30), D(2026, 12, 4))
    assert period_to("week", D(2026, 11, 30)) == (D(2026, 11, 30), D(2026, 11, 30))
    assert period_to("month", D(2026, 12, 4)) == (D(2026, 12, 1), D(2026, 12, 4))
    assert period_to("day", D(2026, 12, 4)) == (D(2026, 12, 4), D(2026, 12, 4))


days = st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 12, 31))


@given(days, st.integers(min_value=0, max_value=400))
def test_a_range_or_a_day_is_followed_by_the_report_without_gap_or_overlap(first, extra):
    last = first + timedelta(days=extra)
    kind = "day" if extra == 0 else "range"
    before_first, before_last = previous_period(kind, first, last)
    assert before_last == first - timedelta(days=1)
    assert before_last - before_first == last - first


@given(days)
def test_a_month_to_date_is_set_beside_the_same_days_of_the_month_before(day):
    first, last = period_to("month", day)
    before_first, before_last = previous_period("month", first, last)
    assert before_first.day == 1 and before_last < first
    assert (before_first.year * 12 + before_first.month) == (first.year * 12 + first.month - 1)
    assert before_last.month == before_first.month
    assert before_last.day == day.day or (before_last + timedelta(days=1)).day == 1
