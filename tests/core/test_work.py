"""Work mode's pure parts: keys, the defaults offered, which call comes next."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from collectctl.core import work as W
from collectctl.core.money import Amounts
from collectctl.core.outcomes import OutcomeBook

TAIPEI = ZoneInfo("Asia/Taipei")
BOOK = OutcomeBook()


def code_of(name):
    found = BOOK.find(name)
    return found.code if found else None


def test_every_outcome_key_names_a_default_outcome():
    for key, code in W.OUTCOME_KEYS:
        assert W.action_for(key, code_of) == W.Action("outcome", code)
    assert BOOK.find(W.HOLD_CHOICES[0][1]) and BOOK.find(W.HOLD_CHOICES[1][1])


def test_keys_and_typed_codes():
    assert W.action_for("9", code_of).kind == "hold"
    assert W.action_for("S", code_of).kind == "skip"
    assert W.action_for(" n ", code_of).kind == "note"
    assert W.action_for("refused", code_of) == W.Action("outcome", "refused")
    assert W.action_for("承諾", code_of) == W.Action("outcome", "ptp")
    assert W.action_for("zz", code_of).kind == "unknown"
    assert W.action_for("x", code_of).kind == "unknown"
    for quit_key in (None, "q", "Q", "\x04", "\x1b"):
        assert W.action_for(quit_key, code_of).kind == "quit"


def test_promise_date_is_the_next_payday():
    friday = date(2026, 12, 4)
    assert W.promise_date((25,), friday, 30) == date(2026, 12, 25)
    assert W.promise_date((4, 25), friday, 30) == friday  # payday today
    assert W.promise_date((5,), date(2026, 12, 6), 30) == date(2027, 1, 5)
    assert W.promise_date((), friday, 30) == date(2026, 12, 11)  # no payday: a week
    assert W.promise_date((25,), friday, 10) == date(2026, 12, 14)  # capped


@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)))
def test_callback_time_is_an_hour_on_rounded_up_to_the_quarter(naive):
    now = naive.replace(tzinfo=TAIPEI)
    offered = W.callback_time(now)
    assert offered.minute % 15 == 0 and offered.second == 0 and offered.microsecond == 0
    assert now + timedelta(minutes=59) < offered <= now + timedelta(minutes=75)


def test_clock_text():
    assert W.clock_text(timedelta(seconds=5)) == "0:05"
    assert W.clock_text(timedelta(minutes=2, seconds=15)) == "2:15"
    assert W.clock_text(timedelta(hours=1, seconds=61)) == "1:01:01"
    assert W.clock_text(timedelta(seconds=-3)) == "0:00"


def test_the_next_call_is_the_first_the_plan_allows_now():
    calls = ["A", "B", "C"]
    assert W.next_call(calls, lambda c: c != "A") == "B"
    assert W.next_call(calls, lambda c: True) == "A"
    assert W.next_call(calls, lambda c: False) is None


def test_day_status_counts_the_calls_made_into_the_days_plan():
    status = W.DayStatus(calls=12, remaining=36, right_party_contacts=3,
                         promised=Amounts(), collected=Amounts())
    assert status.planned == 48


def test_the_amount_offered_is_a_promises_minimum_due_and_never_the_balance():
    balance = Decimal("300000")
    cases = [
        ("promise", Decimal("1500"), Decimal("1500")),
        ("promise", None, None),                    # the list gave no minimum due
        ("promise", Decimal("0"), None),
        ("promise", Decimal("300000"), Decimal("300000")),  # the minimum is the balance
        ("promise", Decimal("300000.01"), None),    # more than is still owed
        ("payment", Decimal("1500"), None),         # a payment never has a default
        ("payment", None, None),
        ("none", Decimal("1500"), None),            # another outcome asking for an amount
    ]
    for effect, minimum_due, expected in cases:
        assert W.amount_offered(effect, minimum_due, balance) == expected, (effect, minimum_due)
