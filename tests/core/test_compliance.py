"""The audit's pure bounds (core.compliance): the intervals legal everywhere hold no call
breaches() finds outside hours, the caps' spans and windows leave out no call over a cap,
and a resumed account is no longer on hold."""

from __future__ import annotations

import bisect
import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from collectctl.config import Settings
from collectctl.core import reasons as r
from collectctl.core.compliance import (
    ONE_MINUTE,
    DayClock,
    Spans,
    breaches,
    cap_spans,
    clustered,
    gaps,
    legal_intervals,
    over_a_cap,
)
from collectctl.core.models import Account, Call, Phone
from collectctl.core.outcomes import OutcomeBook
from collectctl.core.rules import closed_at, rules_for
from collectctl.core.zones import located

SETTINGS = Settings()
BOOK = OutcomeBook()
CASES = [  # countries, zones: clocks changing (New York, Sydney, Dublin), half hours, many
    (("US",), ("America/New_York", "America/Chicago")),
    (("US", "TW"), ("Pacific/Honolulu", "Asia/Taipei")),
    (("AU",), ("Australia/Sydney", "Australia/Adelaide", "Indian/Cocos")),
    (("IE",), ("Europe/Dublin",)),
    (("TW",), ("Asia/Taipei",)),
    ((), ("America/Santiago", "Asia/Kathmandu")),
]


@pytest.mark.parametrize("countries,zones", CASES)
@pytest.mark.parametrize("start", [datetime(2026, 3, 1, tzinfo=UTC),
                                   datetime(2026, 10, 20, tzinfo=UTC)])
def test_a_call_in_the_legal_intervals_is_legal_everywhere_and_one_outside_is_not(
        countries, zones, start):
    rules = rules_for(SETTINGS.rules, countries)
    end = start + timedelta(days=45)
    intervals = legal_intervals(rules, zones, start, end)
    starts = [a for a, _b in intervals]
    rng = random.Random(7)
    moment, outside = start, 0
    while (moment := moment + timedelta(seconds=rng.randrange(1, 1800))) < end:
        n = bisect.bisect_right(starts, moment) - 1
        inside = n >= 0 and intervals[n][0] <= moment < intervals[n][1]
        legal = closed_at(rules, zones, moment, moment + ONE_MINUTE) is None
        assert inside == legal, moment  # exact, but for the minute before a clock change
        outside += not inside
    assert outside and len(intervals) > 30
    tiles = sorted(intervals + gaps(intervals, start, end))  # the two tile the period
    assert tiles[0][0] == start and tiles[-1][1] == end
    assert all(a[1] == b[0] for a, b in zip(tiles, tiles[1:], strict=False))


def test_the_legal_intervals_follow_the_clocks_going_back():
    rules = rules_for(SETTINGS.rules, ("US",))
    start = datetime(2026, 10, 31, tzinfo=UTC)
    intervals = legal_intervals(rules, ("America/New_York",), start, start + timedelta(days=3))
    # 08:00-21:00 New York, UTC-4 on Saturday, UTC-5 from Sunday 02:00.
    assert intervals[1:3] == [(datetime(2026, 10, 31, 12, tzinfo=UTC),
                              datetime(2026, 11, 1, 1, tzinfo=UTC)),
                             (datetime(2026, 11, 1, 13, tzinfo=UTC),
                              datetime(2026, 11, 2, 2, tzinfo=UTC))]


def test_closed_days_leave_no_interval():
    rules = rules_for(SETTINGS.rules, ("TW",))
    start = datetime(2026, 12, 24, 16, tzinfo=UTC)  # Constitution Day, Taipei
    assert legal_intervals(rules, ("Asia/Taipei",), start, start + timedelta(days=1)) == []
    ireland = rules_for(SETTINGS.rules, ("IE",))
    sunday = datetime(2026, 12, 6, tzinfo=UTC)
    assert legal_intervals(ireland, ("Europe/Dublin",), sunday, sunday + timedelta(days=1)) == []


def test_cap_spans_grow_with_a_clock_change():
    assert cap_spans(("Asia/Taipei",), datetime(2026, 10, 1, tzinfo=UTC),
                     datetime(2026, 12, 1, tzinfo=UTC)) == Spans(86_401, 7 * 86_400 + 1,
                                                                  31 * 86_400 + 1)
    spans = cap_spans(("Asia/Taipei", "America/New_York"), datetime(2026, 10, 1, tzinfo=UTC),
                      datetime(2026, 12, 1, tzinfo=UTC))
    assert spans.day == 86_400 + 3_600 + 1


def taipei(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=ZoneInfo("Asia/Taipei")).astimezone(UTC)


CLOCKS = [DayClock("Asia/Taipei", datetime(2026, 11, 1, tzinfo=UTC),
                   datetime(2027, 1, 1, tzinfo=UTC))]
SPANS = Spans(86_401, 7 * 86_400 + 1, 31 * 86_400 + 1)


def test_the_fourth_entry_of_a_day_is_flagged_and_nothing_else():
    times = [taipei(3, 10), taipei(3, 11), taipei(3, 12), taipei(3, 13), taipei(4, 9)]
    assert over_a_cap(times, CLOCKS, taipei(1, 0), SPANS, 4, None) == {taipei(3, 13)}
    assert over_a_cap(times[:3] + times[4:], CLOCKS, taipei(1, 0), SPANS, 4, None) == set()
    # Late the day before and early the next: one UTC day, two local days.
    split = [taipei(3, 20), taipei(3, 21), taipei(4, 7), taipei(4, 8)]
    assert over_a_cap(split, CLOCKS, taipei(1, 0), SPANS, 4, None) == set()
    # Only calls from the start of the period count; by spans, as for many zones.
    assert over_a_cap(times, CLOCKS, taipei(4, 0), SPANS, 4, None) == set()
    assert over_a_cap(times, [], taipei(1, 0), SPANS, 4, None) == {taipei(3, 13), taipei(4, 9)}


def test_the_eighth_entry_within_seven_local_days_is_flagged():
    times = [taipei(day, 10) for day in (1, 2, 3, 4, 5, 6, 7, 8)]
    assert over_a_cap(times, CLOCKS, taipei(1, 0), SPANS, None, 8) == set()
    times = [taipei(day, 10) for day in (1, 2, 2, 3, 4, 5, 6, 7)]
    assert over_a_cap(times, CLOCKS, taipei(1, 0), SPANS, None, 8) == {taipei(7, 10)}


def test_clustered():
    times = [taipei(1, 10), taipei(5, 10), taipei(8, 9)]
    assert clustered(times, 3, 7 * 86_400 + 1)
    assert not clustered(times[1:] + [taipei(20, 9)], 3, 7 * 86_400 + 1)
    assert clustered(times, 1, 1) and not clustered([], 1, 1)


def account(*phones: Phone) -> Account:
    return located(Account("A1", Decimal("100.00"), "TWD", "Asia/Taipei", date(2026, 11, 1),
                           phones=phones))


def test_over_a_cap_leaves_out_no_call_breaches_finds_over_an_attempts_cap():
    """On random logs of one Taipei debtor: every call breaches() finds over a day's or a
    week's cap is one of over_a_cap's moments."""
    debtor = account(Phone("+886912345678", "mobile"))
    rules = rules_for(SETTINGS.rules, debtor.countries)
    rng = random.Random(3)
    start = taipei(10, 0)
    for _round in range(40):
        times = sorted(taipei(1, 9) + timedelta(minutes=rng.randrange(0, 60 * 24 * 20))
                       for _n in range(rng.randrange(5, 30)))
        log = [Call(n, "A1", "alice", t, "no-answer") for n, t in enumerate(times, 1)]
        over = {c.called_at for c in log if c.called_at >= start and any(
            b.code in (r.CAP_TODAY, r.CAP_7_DAYS) for b in breaches(debtor, rules, log, c,
                                                                    BOOK))}
        assert over <= over_a_cap(times, CLOCKS, start, SPANS, 4, 8)


def test_a_resumed_account_is_no_longer_on_hold():
    debtor = account(Phone("+886912345678", "mobile"))
    rules = rules_for(SETTINGS.rules, debtor.countries)
    log = [Call(1, "A1", "alice", taipei(1, 10), "cease"),
           Call(2, "A1", "alice", taipei(2, 10), "no-answer"),
           Call(3, "A1", "lead", taipei(2, 11), "resume"),
           Call(4, "A1", "alice", taipei(3, 10), "no-answer")]
    assert [b.code for b in breaches(debtor, rules, log, log[1], BOOK)] == [r.CEASE]
    assert breaches(debtor, rules, log, log[3], BOOK) == []


def test_over_a_cap_by_local_days_of_a_zone_whose_clocks_go_back():
    """New York on Sun 2026-11-01, a 25-hour day: four calls from 00:30 to 23:30 are one
    local day; the day's first call a minute after the midnight before is the day
    before's."""
    york = ZoneInfo("America/New_York")
    clock = DayClock("America/New_York", datetime(2026, 10, 1, tzinfo=UTC),
                     datetime(2026, 12, 1, tzinfo=UTC))
    assert not clock.fixed
    day = [datetime(2026, 11, 1, h, 30, tzinfo=york).astimezone(UTC) for h in (0, 1, 12, 23)]
    assert over_a_cap(day, [clock], day[0], SPANS, 4, None) == {day[3]}
    before = [datetime(2026, 10, 31, 23, 59, tzinfo=york).astimezone(UTC), *day[1:]]
    assert over_a_cap(before, [clock], day[0], SPANS, 4, None) == set()
