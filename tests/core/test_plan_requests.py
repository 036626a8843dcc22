"""The plan keeps to the debtor's own requests (pure): no planned call overlaps a window
the debtor asked not to be called in (checked minute by minute in the debtor's zone), an
account left with no open slot is excluded as ``debtor_avoid``, a callback asked for
inside a window waits for the first slot after it, and work mode may not run ahead into
a window."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from collectctl.config import Settings
from collectctl.core.models import Account, Call, Phone
from collectctl.core.planning import Portfolio, may_call_now, plan_day, why_not_planned
from collectctl.core.requests import WEEKDAYS, Avoid, Requests
from tests.core.test_requests import _inside, windows

DAY = date(2026, 12, 4)  # a Friday
TAIPEI = ZoneInfo("Asia/Taipei")
NOW = datetime(2026, 12, 4, 8, 0, tzinfo=TAIPEI)
SETTINGS = Settings()
ZONES = ("Asia/Taipei", "America/New_York", "Europe/London", "Australia/Sydney",
         "Asia/Kolkata")


def account(aid: str, zone: str = "Asia/Taipei", amount: int = 10000) -> Account:
    return Account(account_id=aid, amount_due=Decimal(amount), currency="TWD", timezone=zone,
                   as_of=date(2026, 12, 1), phones=(Phone("+886912345678"),),
                   past_due_since=date(2026, 11, 1))


def plan(accounts, requests, calls=None, now=NOW, day=DAY):
    return plan_day(Portfolio(accounts, calls or {}, {}, {}, requests), SETTINGS, now,
                    "alice", day)


def overlaps(window: Avoid, start: datetime, end: datetime, zone: str) -> bool:
    """Whether any minute of a call (collector's times) is in the window, debtor's zone."""
    local = start.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    minutes = int((end - start).total_seconds() // 60)
    return any(_inside(window, local + timedelta(minutes=k)) for k in range(minutes))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(ZONES), st.lists(windows(), max_size=3),
                          st.integers(1000, 90000)), min_size=1, max_size=25))
def test_no_planned_call_is_in_a_window_the_debtor_asked_to_avoid(drawn):
    accounts = [account(f"A{n:02d}", zone, amount) for n, (zone, _w, amount) in enumerate(drawn)]
    requests = {a.account_id: Requests(tuple(found))
                for a, (_z, found, _m) in zip(accounts, drawn, strict=True) if found}
    made = plan(accounts, requests)
    for planned in made.calls:
        zone = next(a.timezone for a in accounts if a.account_id == planned.account_id)
        for window in requests.get(planned.account_id, Requests()).avoid:
            assert not overlaps(window, planned.start, planned.end, zone), (planned, window)
    # Every account the windows kept out entirely says so.
    for aid, reason in made.excluded.items():
        if reason.code == "debtor_avoid":
            assert aid in requests and reason.detail["from"] and reason.detail["days"]


def test_a_window_moves_the_call_and_a_whole_day_excludes_the_account():
    accounts = [account("LUNCH"), account("SUNDAY"), account("FRIDAY")]
    requests = {
        "LUNCH": Requests((Avoid(time(8), time(16)),)),
        "SUNDAY": Requests((Avoid(time(0), time(0), ("sun",)),)),
        "FRIDAY": Requests((Avoid(time(0), time(0), ("fri",)),)),
    }
    made = plan(accounts, requests)
    starts = {c.account_id: c.start for c in made.calls}
    assert starts["LUNCH"] >= datetime(2026, 12, 4, 16, tzinfo=TAIPEI)
    assert "SUNDAY" in starts  # a Friday: Sunday's request does not matter
    answer = why_not_planned(made, "FRIDAY")
    assert not answer.planned and answer.reason.code == "debtor_avoid"
    assert answer.reason.detail == {"from": "00:00", "to": "24:00", "days": ("fri",)}


def test_the_window_named_is_the_one_that_closed_the_most_slots():
    requests = {"A": Requests((Avoid(time(17), time(18)), Avoid(time(9), time(17))))}
    answer = why_not_planned(plan([account("A")], requests), "A")
    assert answer.reason.code == "debtor_avoid"
    assert (answer.reason.detail["from"], answer.reason.detail["to"]) == ("09:00", "17:00")


def test_an_account_closed_by_the_rules_anyway_is_not_blamed_on_the_debtor():
    """New York at 09:00-18:00 Taipei is 20:00-05:00: legal hours end at 21:00, so its own
    hours are the only ones open. A window elsewhere changes nothing."""
    ny = account("NY", "America/New_York")
    made = plan([ny], {"NY": Requests((Avoid(time(6), time(7)),))})
    assert [c.account_id for c in made.calls] == ["NY"]
    shut = plan([ny], {"NY": Requests((Avoid(time(0), time(0), ("thu",)),))})
    assert why_not_planned(shut, "NY").reason.code == "debtor_avoid"  # Thursday night there


def test_a_callback_asked_for_inside_a_window_waits_for_its_end():
    cb = Call(1, "A", "alice", datetime(2026, 12, 3, 10, tzinfo=TAIPEI), "cb",
              callback_at=datetime(2026, 12, 4, 12, 30, tzinfo=TAIPEI))
    accounts = [account("A")] + [account(f"B{n}", amount=90000) for n in range(3)]
    made = plan(accounts, {"A": Requests((Avoid(time(12), time(14)),))}, {"A": [cb]})
    (planned,) = [c for c in made.calls if c.account_id == "A"]
    assert planned.start == datetime(2026, 12, 4, 14, tzinfo=TAIPEI) and planned.pinned
    without = plan(accounts, {}, {"A": [cb]})
    # Without the window: at its own time, in the lunch break, marked outside the shift.
    assert [(c.start, c.outside_shift) for c in without.calls if c.account_id == "A"] == [
        (datetime(2026, 12, 4, 12, 30, tzinfo=TAIPEI), True)]


def test_work_mode_may_not_run_ahead_into_a_window():
    made = plan([account("A")], {"A": Requests((Avoid(time(9), time(10), WEEKDAYS[:5]),))})
    (planned,) = made.calls
    assert planned.start >= datetime(2026, 12, 4, 10, tzinfo=TAIPEI)
    assert not may_call_now(made, SETTINGS, "A", datetime(2026, 12, 4, 9, 30, tzinfo=TAIPEI))
    assert not may_call_now(made, SETTINGS, "A", datetime(2026, 12, 4, 9, 57, tzinfo=TAIPEI))
    assert may_call_now(made, SETTINGS, "A", datetime(2026, 12, 4, 10, 0, tzinfo=TAIPEI))
    free = plan([account("A")], {})
    assert may_call_now(free, SETTINGS, "A", datetime(2026, 12, 4, 9, 30, tzinfo=TAIPEI))


def test_accounts_without_requests_plan_as_before():
    accounts = [account(f"A{n}", zone) for n, zone in enumerate(ZONES)]
    before = plan(accounts, {})
    after = plan(accounts, {"A0": Requests(no_workplace=True)})
    assert before.calls == after.calls and before.excluded == after.excluded
