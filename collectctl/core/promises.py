"""Promises to pay: kept, broken or pending, derived from payments (never stored)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from collectctl.core.models import Payment, Promise

PENDING, KEPT, BROKEN = "pending", "kept", "broken"


@dataclass(frozen=True)
class PromiseView:
    """A promise and where it stands on a day. Field names are the JSON keys of ``promises``."""

    account_id: str
    amount: Decimal
    due: date
    status: str
    paid: Decimal
    made_on: date
    #: The account's currency (the promise is in its debt's); None where not looked up.
    currency: str | None = None


def paid_towards(promise: Promise, payments: Iterable[Payment], grace_days: int) -> Decimal:
    """Payments on the account from the day the promise was made to its due date + grace."""
    last_day = promise.due + timedelta(days=grace_days)
    return sum(
        (p.amount for p in payments
         if p.account_id == promise.account_id and promise.made_on <= p.paid_on <= last_day),
        Decimal("0.00"),
    )


def promise_status(
    promise: Promise, payments: Iterable[Payment], today: date, grace_days: int
) -> PromiseView:
    """Kept once payments reach the amount by due + grace; broken when the grace has passed
    short (a part payment is broken, with the part shown); pending before."""
    paid = paid_towards(promise, payments, grace_days)
    if paid >= promise.amount:
        status = KEPT
    elif today > promise.due + timedelta(days=grace_days):
        status = BROKEN
    else:
        status = PENDING
    return PromiseView(promise.account_id, promise.amount, promise.due, status, paid,
                       promise.made_on)


def holds_calls(view: PromiseView, today: date) -> bool:
    """A pending promise not yet due holds the account: no calls until it falls due."""
    return view.status == PENDING and view.due > today


def select_promises(
    promises: Iterable[Promise], payments: Sequence[Payment], today: date, grace_days: int,
    due: str = "all", status: str | None = None, currencies: Mapping[str, str] | None = None,
) -> list[PromiseView]:
    """Promises with their status, filtered: ``due`` today / overdue (past due, not kept) /
    all; each in its account's currency of ``currencies`` (account id → code) where given."""
    by_account: dict[str, list[Payment]] = {}
    for payment in payments:
        by_account.setdefault(payment.account_id, []).append(payment)
    views = []
    for promise in promises:
        view = promise_status(promise, by_account.get(promise.account_id, ()), today, grace_days)
        if due == "today" and view.due != today:
            continue
        if due == "overdue" and not (view.due < today and view.status != KEPT):
            continue
        if status and view.status != status:
            continue
        if currencies is not None:
            view = replace(view, currency=currencies.get(view.account_id))
        views.append(view)
    return views
