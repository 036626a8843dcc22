from datetime import date, time
from decimal import Decimal

from collectctl.core.accounts import (
    LISTED_FIELDS,
    account_view,
    best_phone,
    days_past_due_on,
    merge_listed,
    same_listing,
)
from collectctl.core.models import LAST_DAY, Account, Phone


def make(**kw) -> Account:
    base = dict(account_id="A1", amount_due=Decimal("100.00"), currency="TWD",
                timezone="Asia/Taipei", as_of=date(2026, 12, 1))
    return Account(**{**base, **kw})


def test_days_past_due_grows_day_by_day():
    account = make(past_due_since=date(2026, 11, 1))
    assert days_past_due_on(account, date(2026, 12, 1)) == 30
    assert days_past_due_on(account, date(2026, 12, 4)) == 33
    assert days_past_due_on(account, date(2026, 10, 20)) == 0


def test_merge_keeps_what_the_list_does_not_carry():
    before = make(name="王小明", assigned_to="alice", paydays=(5,), risk="high",
                  phones=(Phone("+886912345678", valid=False),))
    listed = make(amount_due=Decimal("80.00"), as_of=date(2026, 12, 4),
                  phones=(Phone("+886912345678"), Phone("+886223456789")))
    merged = merge_listed(before, listed, frozenset({"amount"}))
    assert merged.amount_due == Decimal("80.00") and merged.as_of == date(2026, 12, 4)
    assert (merged.name, merged.assigned_to, merged.paydays, merged.risk) == (
        "王小明", "alice", (5,), "high")
    assert [(p.number, p.valid) for p in merged.phones] == [
        ("+886912345678", False), ("+886223456789", True)]


def test_merge_with_every_group_takes_the_list_and_reopens():
    before = make(name="Old", status="closed")
    listed = make(name="New", notes="n")
    merged = merge_listed(before, listed, frozenset(LISTED_FIELDS))
    assert merged == listed


def test_same_listing_ignores_only_the_listing_day():
    a = make()
    assert same_listing(make(as_of=date(2026, 12, 9)), a)
    assert not same_listing(make(notes="x"), a)


def test_unknown_days_past_due_stays_unknown():
    assert days_past_due_on(make(), date(2026, 12, 9)) is None


def test_view_formats_work_start_and_paydays():
    view = account_view(make(work_start=time(8, 30), paydays=(5, LAST_DAY)), date(2026, 12, 1))
    assert view.work_start == "08:30"
    assert view.paydays == (5, "last")


def test_best_phone_skips_invalid_numbers():
    view = account_view(
        make(phones=(Phone("12345", valid=False), Phone("+886912345678", "mobile"))),
        date(2026, 12, 1),
    )
    assert best_phone(view).number == "+886912345678"
    assert best_phone(account_view(make(), date(2026, 12, 1))) is None
