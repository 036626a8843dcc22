"""Dates typed without a year (issue 24): ``12/10``, ``12-10``, ``12月10日`` read as the next
such day on or after today (a payment's and a report's: the last on or before it), month
or day first as ``import.date_order`` says; a file's date must still carry its year."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collectctl.core import reasons as r
from collectctl.core.entries import LAST, NEXT, YEARLESS_REACH, parse_day, yearless_day
from collectctl.errors import EntryError
from collectctl.ingest.fields import FieldError, parse_date, parse_month_day
from collectctl.render import display

TODAY = date(2026, 12, 4)  # a Friday

# -- the month and day, as typed ----------------------------------------------------------


@pytest.mark.parametrize(("text", "order", "expected"), [
    ("12/10", "YMD", (12, 10)), ("12-10", "YMD", (12, 10)), ("12.10", "YMD", (12, 10)),
    ("12/10", "MDY", (12, 10)), ("10/12", "DMY", (12, 10)), ("10-12", "DMY", (12, 10)),
    ("1/5", "YMD", (1, 5)), ("1/5", "DMY", (5, 1)), ("01/05", "MDY", (1, 5)),
    ("12月10日", "YMD", (12, 10)), ("12月10日", "DMY", (12, 10)),  # Chinese: month first
    ("12月10號", "YMD", (12, 10)), ("12 月 10 日", "YMD", (12, 10)), ("12月10", "YMD", (12, 10)),
    ("１２月１０日", "YMD", (12, 10)), ("１２/１０", "YMD", (12, 10)),
    ("12月10日(四)", "YMD", (12, 10)),
    ("25/12", "YMD", (12, 25)),  # YMD reads the only possible way, as parse_date does
    ("2/29", "YMD", (2, 29)), ("29/2", "DMY", (2, 29)),
    ("10/12", "dmy", (12, 10)),  # the order in any case, as parse_date takes it
])
def test_month_and_day(text, order, expected):
    assert parse_month_day(text, order) == expected


@pytest.mark.parametrize(("text", "order", "code"), [
    ("2/30", "YMD", r.NO_SUCH_DATE), ("13/13", "YMD", r.NO_SUCH_DATE),
    ("12/32", "MDY", r.NO_SUCH_DATE), ("25/12", "MDY", r.NO_SUCH_DATE),
    ("12/25", "DMY", r.NO_SUCH_DATE), ("0/5", "YMD", r.NO_SUCH_DATE),
    ("13月1日", "YMD", r.NO_SUCH_DATE),
    ("", "YMD", r.NOT_A_DATE), ("12", "YMD", r.NOT_A_DATE), ("12/10/", "YMD", r.NOT_A_DATE),
    ("123/10", "YMD", r.NOT_A_DATE), ("12/10 9:00", "YMD", r.NOT_A_DATE),
    ("12/-1", "YMD", r.NOT_A_DATE), ("dec 10", "YMD", r.NOT_A_DATE),
    ("12/10/2026", "YMD", r.NOT_A_DATE),  # a whole date is parse_date's
])
def test_not_a_month_and_day(text, order, code):
    with pytest.raises(FieldError) as raised:
        parse_month_day(text, order)
    assert raised.value.code == code


def test_a_file_date_without_a_year_stays_refused():
    """parse_date, which every import reads with, is unchanged."""
    for text in ("12/10", "12-10", "12月10日"):
        with pytest.raises(FieldError) as raised:
            parse_date(text, "YMD")
        assert raised.value.code == r.NOT_A_DATE


# -- which year --------------------------------------------------------------------------


@pytest.mark.parametrize(("month", "day", "today", "ahead", "expected"), [
    (12, 10, TODAY, True, date(2026, 12, 10)),
    (12, 4, TODAY, True, date(2026, 12, 4)),  # today counts as the next
    (12, 3, TODAY, True, date(2027, 12, 3)),
    (1, 5, TODAY, True, date(2027, 1, 5)),
    (12, 31, date(2026, 12, 31), True, date(2026, 12, 31)),
    (1, 1, date(2026, 12, 31), True, date(2027, 1, 1)),
    (12, 1, TODAY, False, date(2026, 12, 1)),
    (12, 4, TODAY, False, date(2026, 12, 4)),  # today counts as the last
    (12, 5, TODAY, False, date(2025, 12, 5)),
    (12, 31, date(2027, 1, 2), False, date(2026, 12, 31)),
    (2, 29, date(2027, 3, 1), True, date(2028, 2, 29)),  # 365 days ahead
    (2, 29, date(2028, 2, 29), True, date(2028, 2, 29)),
    (2, 29, date(2028, 3, 1), False, date(2028, 2, 29)),
    (2, 29, date(2029, 2, 28), False, date(2028, 2, 29)),  # 365 days ago
    (3, 1, date(2027, 3, 2), True, date(2028, 3, 1)),  # 365 days: a leap year between
])
def test_the_year(month, day, today, ahead, expected):
    assert yearless_day(month, day, today, ahead) == expected


@pytest.mark.parametrize(("today", "ahead", "nearest"), [
    (TODAY, True, date(2028, 2, 29)),
    (date(2027, 2, 28), True, date(2028, 2, 29)),  # 366 days: over a year
    (date(2099, 3, 1), True, date(2104, 2, 29)),  # 2100 is no leap year
    (TODAY, False, date(2024, 2, 29)),
    (date(2029, 3, 1), False, date(2028, 2, 29)),
])
def test_29_february_more_than_a_year_off_is_refused(today, ahead, nearest):
    """The next 29 February may be years away: a collector who types 2/29 in 2026 meant a
    date that does not exist this year, so the year is asked for, not guessed."""
    with pytest.raises(EntryError) as raised:
        yearless_day(2, 29, today, ahead)
    assert (raised.value.code, raised.value.field) == (r.NOT_WITHIN_A_YEAR, "date")
    assert raised.value.detail == {"day": nearest, "ahead": ahead}


def test_the_refusal_in_words():
    ahead = {"day": date(2028, 2, 29), "ahead": True}
    back = {"day": date(2024, 2, 29), "ahead": False}
    assert display.problem(r.NOT_WITHIN_A_YEAR, ahead) == (
        "the next 2028-02-29 is more than a year ahead; type the year")
    assert display.problem(r.NOT_WITHIN_A_YEAR, back) == (
        "the last 2024-02-29 is more than a year ago; type the year")


@given(today=st.dates(date(1901, 1, 1), date(2199, 12, 31)), month=st.integers(1, 12),
       day=st.integers(1, 31), ahead=st.booleans())
def test_the_year_property(today, month, day, ahead):
    """For any today and any month and day: the nearest such date on the asked side of
    today, less than a year and a day away; or, for a 29 February only, a refusal."""
    try:
        date(2000, month, day)
    except ValueError:
        return  # no year has it (parse_month_day refuses it first)
    try:
        got = yearless_day(month, day, today, ahead)
    except EntryError as error:
        assert (month, day) == (2, 29) and error.code == r.NOT_WITHIN_A_YEAR
        assert abs((error.detail["day"] - today).days) > YEARLESS_REACH
        return
    assert (got.month, got.day) == (month, day)
    if ahead:
        assert today <= got < today + timedelta(days=366)
        assert got.replace(year=got.year - 1) < today if (month, day) != (2, 29) else True
    else:
        assert today - timedelta(days=366) < got <= today
        assert got.replace(year=got.year + 1) > today if (month, day) != (2, 29) else True


@given(today=st.dates(date(1901, 1, 1), date(2199, 12, 31)),
       ahead=st.integers(0, 364))
def test_a_typed_month_and_day_within_the_year_ahead_comes_back(today, ahead):
    """Any date from today to the day before its anniversary, typed as month/day, is that
    date again (the anniversary itself is today's month and day: today); back as far, read
    as a payment's, too."""
    when = today + timedelta(days=ahead)
    assert parse_day(f"{when.month}/{when.day}", today, "MDY", NEXT) == when
    assert parse_day(f"{when.day}/{when.month}", today, "DMY", NEXT) == when
    assert parse_day(f"{when.month}月{when.day}日", today, "DMY", NEXT) == when
    then = today - timedelta(days=ahead)
    assert parse_day(f"{then.month}-{then.day}", today, "YMD", LAST) == then


# -- parse_day: typed, with a side to read a yearless date on -----------------------------


@pytest.mark.parametrize(("text", "order", "yearless", "expected"), [
    ("12/10", "YMD", NEXT, date(2026, 12, 10)),
    ("12-10", "YMD", NEXT, date(2026, 12, 10)),
    ("12月10日", "YMD", NEXT, date(2026, 12, 10)),
    ("10/12", "DMY", NEXT, date(2026, 12, 10)),
    ("12/10", "MDY", NEXT, date(2026, 12, 10)),
    ("12/1", "YMD", NEXT, date(2027, 12, 1)),
    ("12/1", "YMD", LAST, date(2026, 12, 1)),
    ("12/10", "YMD", LAST, date(2025, 12, 10)),
    # Everything parse_day read before reads the same.
    ("today", "YMD", NEXT, TODAY), ("tomorrow", "DMY", NEXT, date(2026, 12, 5)),
    ("yesterday", "YMD", LAST, date(2026, 12, 3)), ("+3", "YMD", NEXT, date(2026, 12, 7)),
    ("fri", "YMD", NEXT, date(2026, 12, 11)), ("2026-12-10", "DMY", NEXT, date(2026, 12, 10)),
    ("115/12/10", "YMD", LAST, date(2026, 12, 10)), ("明天", "YMD", NEXT, date(2026, 12, 5)),
    ("10/12/2026", "DMY", NEXT, date(2026, 12, 10)),
])
def test_parse_day(text, order, yearless, expected):
    assert parse_day(text, TODAY, order, yearless) == expected


@pytest.mark.parametrize(("text", "code"), [
    ("12/10", r.NOT_A_DATE), ("12月10日", r.NOT_A_DATE), ("12-10", r.NOT_A_DATE),
])
def test_parse_day_without_a_side_refuses_a_date_without_a_year(text, code):
    """The default, as an imported file's row is read: no year guessed."""
    with pytest.raises(EntryError) as raised:
        parse_day(text, TODAY, "YMD")
    assert (raised.value.code, raised.value.field) == (code, "date")


@pytest.mark.parametrize(("text", "code"), [
    ("2/30", r.NO_SUCH_DATE), ("2/29", r.NOT_WITHIN_A_YEAR), ("soon", r.NOT_A_DATE),
    ("2026-02-30", r.NO_SUCH_DATE), ("1/2/2026", r.AMBIGUOUS_DATE),
])
def test_parse_day_refusals(text, code):
    with pytest.raises(EntryError) as raised:
        parse_day(text, TODAY, "YMD", NEXT)
    assert raised.value.code == code
