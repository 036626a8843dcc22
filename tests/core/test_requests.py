"""The debtor's own requests (pure): reading what a collector types, folding the log into
the requests in force, and whether a call overlaps a window, midnight-crossing windows
included (held to a minute-by-minute count by property tests)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collectctl.core.requests import (
    AVOID,
    CLEAR,
    NO_REQUESTS,
    NO_WORKPLACE,
    WEEKDAYS,
    Avoid,
    RequestEntry,
    Requests,
    avoided,
    fold,
    fold_by_account,
    parse_days,
    parse_window,
    window_detail,
)
from collectctl.errors import EntryError

TAIPEI = ZoneInfo("Asia/Taipei")
WEEKNIGHTS = Avoid(time(21), time(8), WEEKDAYS[:5])


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """December 2026 in Taipei: the 4th is a Friday, the 7th a Monday."""
    return datetime(2026, 12, day, hour, minute, tzinfo=TAIPEI)


def call(day: int, hour: int, minute: int = 0, minutes: int = 5):
    start = at(day, hour, minute)
    return start, start + timedelta(minutes=minutes)


# -- avoided: table --------------------------------------------------------------------------

@pytest.mark.parametrize(("window", "moment", "hit"), [
    (Avoid(time(12), time(13)), call(4, 12, 30), True),
    (Avoid(time(12), time(13)), call(4, 11, 55), False),  # ends as the window opens
    (Avoid(time(12), time(13)), call(4, 11, 58), True),   # runs into it
    (Avoid(time(12), time(13)), call(4, 13, 0), False),   # starts as it closes
    (Avoid(time(12), time(13), ("mon",)), call(4, 12, 30), False),  # a Friday
    (WEEKNIGHTS, call(4, 22), True),                      # Friday night
    (WEEKNIGHTS, call(5, 2), True),                       # its early hours: Saturday 02:00
    (WEEKNIGHTS, call(5, 22), False),                     # Saturday night: not a listed day
    (WEEKNIGHTS, call(7, 2), False),                      # Monday 02:00 belongs to Sunday
    (WEEKNIGHTS, call(7, 7, 55), False),                  # Monday 07:55: Sunday's too
    (WEEKNIGHTS, call(8, 7, 55), True),                   # Tuesday 07:55: Monday night's
    (WEEKNIGHTS, call(8, 8, 0), False),
    (WEEKNIGHTS, call(8, 20, 56), True),                  # runs past 21:00
    (Avoid(time(0), time(0), ("sun",)), call(6, 0, 0), True),     # 00:00-24:00 on Sunday
    (Avoid(time(0), time(0), ("sun",)), call(6, 23, 55), True),
    (Avoid(time(0), time(0), ("sun",)), call(7, 0, 0), False),
    (Avoid(time(0), time(0), ("sun",)), call(5, 23, 56), True),   # runs into Sunday
    (Avoid(time(21), time(0)), call(4, 23, 55), True),             # 21:00-24:00
    (Avoid(time(21), time(0)), call(5, 0, 0), False),
])
def test_avoided(window, moment, hit):
    assert (avoided(Requests((window,)), *moment) == window) is hit


def test_no_windows_avoid_nothing():
    assert avoided(NO_REQUESTS, *call(4, 12)) is None
    assert avoided(Requests(no_workplace=True), *call(4, 12)) is None


def test_the_first_window_overlapped_is_named():
    lunch, evening = Avoid(time(12), time(13)), Avoid(time(18), time(20))
    assert avoided(Requests((lunch, evening)), *call(4, 19)) == evening
    assert avoided(Requests((lunch, evening)), *call(4, 12, 58)) == lunch


def test_moments_in_another_zone_are_read_as_given():
    """The caller converts to the debtor's zone; the comparison is on its wall clock."""
    new_york = ZoneInfo("America/New_York")
    start = datetime(2026, 12, 4, 12, 30, tzinfo=new_york)
    assert avoided(Requests((Avoid(time(12), time(13)),)), start,
                   start + timedelta(minutes=5)) is not None
    assert avoided(Requests((Avoid(time(12), time(13)),)), start.astimezone(UTC),
                   (start + timedelta(minutes=5)).astimezone(UTC)) is None  # 17:30 UTC


# -- avoided: property, against a count minute by minute -------------------------------------

def _inside(window: Avoid, moment: datetime) -> bool:
    """Whether the minute starting at ``moment`` (wall clock) is in ``window``: written
    from the rule, not from the code: a window opens on its days; the part after midnight
    of one that crosses it belongs to the day before."""
    minute = moment.hour * 60 + moment.minute
    today = WEEKDAYS[moment.weekday()] in window.days
    yesterday = WEEKDAYS[(moment.weekday() - 1) % 7] in window.days
    start = window.start.hour * 60 + window.start.minute
    end = window.end.hour * 60 + window.end.minute
    if start == end:  # the whole day (00:00-24:00)
        return today
    if start < end:
        return today and start <= minute < end
    return (today and minute >= start) or (yesterday and minute < end)


@st.composite
def windows(draw) -> Avoid:
    days = tuple(d for d in WEEKDAYS if d in draw(st.sets(st.sampled_from(WEEKDAYS),
                                                          min_size=1)))
    if draw(st.integers(0, 9)) == 0:
        return Avoid(time(0), time(0), days)
    start = draw(st.integers(0, 1439))
    end = draw(st.integers(0, 1439).filter(lambda m: m != start))
    return Avoid(time(start // 60, start % 60), time(end // 60, end % 60), days)


@given(st.lists(windows(), min_size=1, max_size=3),
       st.integers(0, 14 * 1440), st.integers(1, 240))
def test_avoided_matches_a_minute_by_minute_count(found, offset, minutes):
    start = at(1, 0) + timedelta(minutes=offset)
    end = start + timedelta(minutes=minutes)
    requests = Requests(tuple(found))
    expected = [w for w in found
                if any(_inside(w, start + timedelta(minutes=k)) for k in range(minutes))]
    got = avoided(requests, start, end)
    assert (got is None) == (not expected)
    if got is not None:
        assert got == expected[0]


@given(windows(), st.integers(0, 14 * 1440))
def test_a_window_covers_its_length_once_a_day(window, offset):
    """Over any seven days, a window covers (its length) x (its days) minutes."""
    start = at(1, 0) + timedelta(minutes=offset)
    length = (window.to_minute - window.from_minute) % 1440 or 1440
    covered = sum(_inside(window, start + timedelta(minutes=k)) for k in range(7 * 1440))
    assert covered == length * len(window.days)


# -- the log -----------------------------------------------------------------------------------

def entry(kind, window=None, who="bob", n=1):
    return RequestEntry("A", kind, who, datetime(2026, 12, n, tzinfo=UTC), window, id=n)


LUNCH = Avoid(time(12), time(13), WEEKDAYS[:5])


def test_fold_adds_windows_once_and_clear_lifts_everything_before_it():
    log = [entry(AVOID, LUNCH, n=1), entry(NO_WORKPLACE, n=2), entry(AVOID, LUNCH, n=3)]
    folded = fold(log)
    assert folded.avoid == (LUNCH,) and folded.no_workplace
    assert folded.set_by == "bob" and folded.set_at == datetime(2026, 12, 3, tzinfo=UTC)
    cleared = fold([*log, entry(CLEAR, who="carol", n=4)])
    assert cleared.avoid == () and not cleared.no_workplace and not cleared
    assert cleared.set_by == "carol"  # who lifted them, and when
    again = fold([*log, entry(CLEAR, n=4), entry(AVOID, WEEKNIGHTS, n=5)])
    assert again.avoid == (WEEKNIGHTS,) and not again.no_workplace
    assert fold([]) == NO_REQUESTS


def test_fold_by_account_leaves_out_accounts_with_nothing_in_force():
    other = RequestEntry("B", AVOID, "bob", datetime(2026, 12, 1, tzinfo=UTC), LUNCH)
    log = [entry(AVOID, LUNCH, n=1), other, entry(CLEAR, n=2)]
    assert fold_by_account(log) == {"B": fold([other])}


def test_window_detail_is_what_json_and_reasons_carry():
    assert window_detail(LUNCH) == {"from": "12:00", "to": "13:00", "days": WEEKDAYS[:5]}
    assert window_detail(Avoid(time(0), time(0)))["to"] == "24:00"
    assert window_detail(WEEKNIGHTS)["to"] == "08:00"


# -- what a collector types ----------------------------------------------------------------

@pytest.mark.parametrize(("text", "start", "end"), [
    ("12:00-13:30", time(12), time(13, 30)),
    ("12:00 - 13:30", time(12), time(13, 30)),
    ("9-17", time(9), time(17)),
    ("21:00-08:00", time(21), time(8)),
    ("00:00-24:00", time(0), time(0)),
    ("21:00-24:00", time(21), time(0)),
    ("９：００～１２：００", time(9), time(12)),
    ("上午9點至下午1點", time(9), time(13)),
    ("9am to 5pm", time(9), time(17)),
])
def test_parse_window(text, start, end):
    assert parse_window(text, ("mon",)) == Avoid(start, end, ("mon",))


@pytest.mark.parametrize(("text", "code"), [
    ("25:00-26:00", "not_a_time"), ("12:00-12:61", "not_a_time"), ("noon-13:00", "not_a_time"),
    ("12:00", "not_a_time_range"), ("12:00-", "not_a_time_range"),
    ("1-2-3", "not_a_time_range"), ("", "not_a_time_range"),
    ("12:00-12:00", "empty_time_range"), ("00:00-00:00", "empty_time_range"),
    ("24:00-24:00", "not_a_time"),
])
def test_parse_window_refuses(text, code):
    with pytest.raises(EntryError) as caught:
        parse_window(text)
    assert caught.value.code == code and caught.value.option == "--avoid"
    assert text not in str(caught.value) or not text


@pytest.mark.parametrize(("text", "days"), [
    ("mon-fri", WEEKDAYS[:5]), ("sat,sun", WEEKDAYS[5:]), ("Sat, Sun", WEEKDAYS[5:]),
    ("mon,wed-fri", ("mon", "wed", "thu", "fri")), ("fri-mon", ("mon", "fri", "sat", "sun")),
    ("weekdays", WEEKDAYS[:5]), ("weekends", WEEKDAYS[5:]), ("daily", WEEKDAYS),
    ("monday to friday", WEEKDAYS[:5]), ("週一-週五", WEEKDAYS[:5]), ("六、日", WEEKDAYS[5:]),
    ("tue", ("tue",)), ("sun-sun", ("sun",)),
])
def test_parse_days(text, days):
    assert parse_days(text) == days


@pytest.mark.parametrize("text", ["", "funday", "mon-", "mon-tue-wed", "1-5", ",", "mo"])
def test_parse_days_refuses(text):
    with pytest.raises(EntryError) as caught:
        parse_days(text)
    assert caught.value.code == "not_a_weekday" and caught.value.option == "--days"
