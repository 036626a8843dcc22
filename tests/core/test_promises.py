"""Promise status, derived from payments, exactly at the grace boundary."""

from datetime import date
from decimal import Decimal

import pytest

from collectctl.core.models import Payment, Promise
from collectctl.core.promises import holds_calls, promise_status, select_promises

PROMISE = Promise(1, "A", Decimal("5000.00"), due=date(2026, 12, 10), made_on=date(2026, 12, 4))
GRACE = 2


def paid(amount: str, day: date, account: str = "A") -> Payment:
    return Payment(None, account, Decimal(amount), day)


@pytest.mark.parametrize(("payments", "today", "status", "total"), [
    ([], date(2026, 12, 10), "pending", "0.00"),
    ([], date(2026, 12, 12), "pending", "0.00"),          # last day of grace
    ([], date(2026, 12, 13), "broken", "0.00"),           # grace passed
    ([paid("5000", date(2026, 12, 12))], date(2026, 12, 20), "kept", "5000.00"),
    ([paid("5000", date(2026, 12, 13))], date(2026, 12, 20), "broken", "0.00"),  # too late
    ([paid("3000", date(2026, 12, 5)), paid("2000", date(2026, 12, 11))],
     date(2026, 12, 20), "kept", "5000.00"),
    ([paid("4999.99", date(2026, 12, 10))], date(2026, 12, 13), "broken", "4999.99"),  # partial
    ([paid("4999.99", date(2026, 12, 10))], date(2026, 12, 11), "pending", "4999.99"),
    ([paid("5000", date(2026, 12, 3))], date(2026, 12, 20), "broken", "0.00"),  # before promise
    ([paid("9000", date(2026, 12, 5), account="B")], date(2026, 12, 20), "broken", "0.00"),
    ([paid("6000", date(2026, 12, 4))], date(2026, 12, 4), "kept", "6000.00"),
])
def test_status(payments, today, status, total):
    view = promise_status(PROMISE, payments, today, GRACE)
    assert (view.status, view.paid) == (status, Decimal(total))


def test_pending_promise_holds_calls_until_due():
    assert holds_calls(promise_status(PROMISE, [], date(2026, 12, 9), GRACE), date(2026, 12, 9))
    assert not holds_calls(promise_status(PROMISE, [], date(2026, 12, 10), GRACE),
                           date(2026, 12, 10))


def test_select_by_due_and_status():
    other = Promise(2, "B", Decimal("100.00"), due=date(2026, 12, 4), made_on=date(2026, 12, 1))
    old = Promise(3, "C", Decimal("100.00"), due=date(2026, 11, 20), made_on=date(2026, 11, 1))
    today = date(2026, 12, 4)
    pays = [paid("100", date(2026, 11, 21), "C")]
    ids = lambda views: [v.account_id for v in views]  # noqa: E731
    promises = [PROMISE, other, old]
    assert ids(select_promises(promises, pays, today, GRACE)) == ["A", "B", "C"]
    assert ids(select_promises(promises, pays, today, GRACE, due="today")) == ["B"]
    assert ids(select_promises(promises, [], today, GRACE, due="overdue")) == ["C"]
    assert ids(select_promises(promises, pays, today, GRACE, due="overdue")) == []
    assert ids(select_promises(promises, pays, today, GRACE, status="kept")) == ["C"]
