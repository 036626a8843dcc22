"""Score factors, one by one, and the contact quality of a minute (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from collectctl.config import CallSettings, RulePack, Settings
from collectctl.core import rules as R
from collectctl.core.models import Account, Call, Payment, Phone, Promise
from collectctl.core.outcomes import OutcomeBook
from collectctl.core.planning import account_state, days_to_payday, score, why_not

DAY = date(2026, 12, 4)  # a Friday
BOOK = OutcomeBook()
SETTINGS = Settings()


def account(**kw) -> Account:
    base = dict(account_id="A", amount_due=Decimal("10000.00"), currency="TWD",
                timezone="Asia/Taipei", as_of=date(2026, 12, 1),
                phones=(Phone("+886912345678"),), past_due_since=date(2026, 11, 1))
    return Account(**{**base, **kw})


def state(acc=None, calls=(), promises=(), payments=(), day=DAY):
    return account_state(acc or account(), list(calls), list(promises), list(payments), day,
                         BOOK, grace_days=2)


def total(st, day=DAY):
    return score(st, day, SETTINGS).total


def call(outcome, when, n=1, **kw):
    return Call(n, "A", "alice", when, outcome, **kw)


T = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 10:00 Taipei the day before


def test_explain_terms_sum_exactly_to_the_score():
    s = score(state(), DAY, SETTINGS)
    assert sum(f.contribution for f in s.factors) == s.total
    assert all(f.contribution == (f.measure * f.coefficient).quantize(Decimal("0.0001"))
               for f in s.factors)


@pytest.mark.parametrize(("more", "less"), [
    (dict(acc=account(amount_due=Decimal("90000"))), {}),
    (dict(acc=account(past_due_since=date(2026, 8, 1))), {}),
    (dict(acc=account(risk="high")), dict(acc=account(risk="low"))),
    (dict(acc=account(paydays=(6,))), dict(acc=account(paydays=(20,)))),
    ({}, dict(calls=[call("tp", T)])),                         # never contacted
    (dict(calls=[call("na", T)]), dict(calls=[call("na", T, 1), call("na", T, 2)])),  # attempts
    (dict(calls=[call("cb", T, callback_at=datetime(2026, 12, 4, 7, tzinfo=UTC))]),
     dict(calls=[call("rpc", T)])),
    (dict(promises=[Promise(1, "A", Decimal("100"), DAY, date(2026, 12, 1), 1)]), {}),
    (dict(promises=[Promise(1, "A", Decimal("100"), date(2026, 11, 25), date(2026, 11, 20), 1)]),
     {}),
])
def test_each_factor_orders_accounts(more, less):
    assert total(state(**more)) > total(state(**less))


def test_weekday_weights_make_friday_best():
    st = state()
    friday, monday = DAY, DAY + timedelta(days=3)
    assert score(st, friday, SETTINGS).total > score(st, monday, SETTINGS).total


@pytest.mark.parametrize(("paydays", "expected"), [
    ((5,), 1), ((4,), 0), ((3,), 30), ((-1,), 27), ((31,), 27), ((10, 6), 2),
])
def test_days_to_payday(paydays, expected):
    assert days_to_payday(paydays, DAY) == expected


def payday_measure(payday: int) -> Decimal:
    factors = score(state(account(paydays=(payday,))), DAY, SETTINGS).factors
    return next(f.measure for f in factors if f.name == "payday")


def test_payday_counts_only_in_the_lead_days():
    assert SETTINGS.payday_lead_days == 3  # Friday the 4th: the 5th to the 7th are in it
    assert [payday_measure(p) for p in (4, 5, 7, 8)] == [0, 1, 1, 0]  # payday itself: 0
    assert total(state(account(paydays=(7,)))) > total(state(account(paydays=(8,))))


CALL = CallSettings()
HOURS = (time(8), time(21))


def at(h, m=0, day=DAY):
    start = datetime(day.year, day.month, day.day, h, m)
    return start, start + timedelta(minutes=5)


@pytest.mark.parametrize(("moment", "expected"), [
    (at(7, 55), R.CLOSED), (at(8, 0), R.NORMAL), (at(8, 30), R.GOLDEN), (at(8, 40), R.GOLDEN),
    (at(8, 45), R.NORMAL), (at(12, 0), R.LUNCH), (at(13, 25), R.LUNCH), (at(13, 30), R.NORMAL),
    (at(20, 55), R.NORMAL), (at(20, 56), R.CLOSED), (at(21, 0), R.CLOSED),
])
def test_quality_of_a_minute(moment, expected):
    assert R.quality(*moment, time(8, 30), CALL, HOURS) == expected


def test_no_work_start_means_no_golden_window():
    assert R.quality(*at(8, 30), None, CALL, HOURS) == R.NORMAL


def test_rule_packs_close_days():
    from collectctl.core.reasons import Reason
    from collectctl.render import display

    sunday = date(2026, 12, 6)
    ie = RulePack(no_calls_on=("sun",))
    assert R.legal_hours(ie, sunday) is None
    assert R.closed_reason(ie, sunday) == Reason("no_calls_on_weekday", weekday="sun")
    assert display.reason(R.closed_reason(ie, sunday)) == "no calls on sun"
    no_weekend = RulePack(weekend_hours=None)
    assert R.legal_hours(no_weekend, sunday) is None
    assert R.legal_hours(no_weekend, DAY) == (time(8), time(21))
    blackout = RulePack(blackout_dates=(DAY,))
    assert display.reason(R.closed_reason(blackout, DAY)) == "blackout day 2026-12-04"
    tw = RulePack(holidays="TW")
    assert R.legal_hours(tw, date(2027, 2, 6)) is None          # Lunar New Year
    assert R.closed_reason(tw, date(2027, 2, 6)) == Reason("public_holiday", country="TW",
                                                           day=date(2027, 2, 6))
    assert "Chinese New Year" in display.reason(R.closed_reason(tw, date(2027, 2, 6)))


@pytest.mark.parametrize(("kwargs", "caps", "code", "detail", "words"), [
    (dict(calls=[call("dispute", T)]), (3, 7, None), "dispute", {"since": date(2026, 12, 3)},
     "disputed since 2026-12-03"),
    (dict(calls=[call("cease", T)]), (3, 7, None), "cease", {"since": date(2026, 12, 3)},
     "cease-contact since 2026-12-03"),
    (dict(promises=[Promise(1, "A", Decimal("5000"), date(2026, 12, 10), DAY, 1)]),
     (3, 7, None), "promise_hold",
     {"amount": Decimal("5000"), "currency": "TWD", "due": date(2026, 12, 10)},
     "held: promise of 5,000.00 TWD due 2026-12-10"),
    (dict(acc=account(phones=(Phone("123", valid=False),))), (3, 7, None), "no_valid_phone",
     {}, "no valid phone"),
    (dict(calls=[call("na", T + timedelta(days=1, hours=n), n) for n in range(3)]),
     (3, 7, None), "cap_today", {"calls": 3}, "cap: 3 calls today"),
    (dict(calls=[call("na", T + timedelta(days=1 - n), n) for n in range(7)]),
     (3, 7, None), "cap_7_days", {"calls": 7}, "cap: 7 calls in the last 7 days"),
    (dict(calls=[call("rpc", T)]), (3, 7, 1), "cap_contacts_7_days", {"contacts": 1},
     "cap: 1 contacts in the last 7 days"),
    (dict(acc=account(status="closed")), (3, 7, None), "account_closed", {}, "closed"),
])
def test_why_not(kwargs, caps, code, detail, words):
    from collectctl.render import display

    reason = why_not(state(**kwargs), DAY, 0, caps)
    assert (reason.code, dict(reason.detail)) == (code, detail)
    assert display.reason(reason) == words


def test_hold_after_a_conversation():
    from collectctl.render import display

    st = state(calls=[call("rpc", T)])
    reason = why_not(st, DAY, 7, (None, None, None))
    assert (reason.code, dict(reason.detail)) == ("conversation_hold",
                                                 {"on": date(2026, 12, 3), "days": 7})
    assert display.reason(reason).startswith("hold: conversation on 2026-12-03")
    assert why_not(st, DAY, 0, (None, None, None)) is None


def test_a_resumed_account_may_be_called_again():
    st = state(calls=[call("dispute", T, 1), call("resume", T + timedelta(hours=1), 2)])
    assert why_not(st, DAY, 0, (3, 7, None)) is None


def test_voicemails_may_not_count():
    calls = [call("vm", T + timedelta(days=1, hours=n), n) for n in range(3)]
    st = account_state(account(), calls, [], [], DAY, BOOK, 2, voicemail_counts=False)
    assert st.attempts_today == 0


def test_payments_lower_the_amount_factor():
    paid = [Payment(1, "A", Decimal("9000"), date(2026, 12, 2))]
    assert total(state(payments=paid)) < total(state())
