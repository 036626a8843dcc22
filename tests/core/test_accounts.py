from datetime import date, time
from decimal import Decimal

from collectctl.core.accounts import account_view, best_phone, days_past_due_on
from collectctl.core.models import LAST_DAY, Account, Phone


def make(**kw) -> Account:
    base = dict(account_id="A1", amount_due=Decimal("100.00"), currency="TWD",
                timezone="Asia/Taipei", as_of=date(2026, 12, 1))
    return Account(**{**base, **kw})


def test_days_past_due_grows_from_the_import_day():
    account = make(days_past_due=30)
    assert days_past_due_on(account, date(2026, 12, 1)) == 30
    assert days_past_due_on(account, date(2026, 12, 4)) == 33
    assert days_past_due_on(account, date(2026, 11, 20)) == 30


def test_closed_account_stops_counting():
    assert days_past_due_on(make(days_past_due=30, status="closed"), date(2026, 12, 9)) == 30


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
