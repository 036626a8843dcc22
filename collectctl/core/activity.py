"""What an account's call log says now: holds, callbacks, skip tracing, balances.

Everything here is derived from the append-only log (undone entries excluded),
so an undo needs no bookkeeping beyond recording the reversal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from collectctl.core.models import Account, Call, Payment
from collectctl.core.outcomes import OutcomeBook

UNDO = "undo"
RESUME = "resume"
#: Log entries that are not calls and that no configuration may redefine.
RESERVED_CODES = (UNDO, RESUME)


def effective(calls: Iterable[Call]) -> list[Call]:
    """The entries that stand: neither undo entries nor undone, in time order."""
    return sorted(
        (c for c in calls if c.reverses is None and c.reversed_by is None),
        key=lambda c: (c.called_at, c.id or 0),
    )


@dataclass(frozen=True)
class Hold:
    """Calls stopped by a dispute or cease-contact entry, until the account is resumed."""

    outcome: str
    since: datetime


def hold_of(calls: Sequence[Call], book: OutcomeBook) -> Hold | None:
    """The dispute/cease hold in force, if the last hold-or-resume entry set one."""
    hold = None
    for call in effective(calls):
        if call.outcome == RESUME:
            hold = None
        elif call.outcome not in RESERVED_CODES and _effect(book, call.outcome) == "hold":
            hold = Hold(call.outcome, call.called_at)
    return hold


def pending_callback(calls: Sequence[Call], book: OutcomeBook) -> datetime | None:
    """The time of the latest callback asked for, if no call was made after it was logged."""
    last = None
    for call in effective(calls):
        if call.outcome in RESERVED_CODES:
            continue
        if _effect(book, call.outcome) == "callback":
            last = call
        elif last is not None and _is_attempt(book, call.outcome):
            last = None
    return last.callback_at if last else None


def marked_for_skip(calls: Sequence[Call], book: OutcomeBook) -> bool:
    """Whether the latest effective entry says the account needs skip tracing."""
    entries = [c for c in effective(calls) if c.outcome not in RESERVED_CODES]
    return bool(entries) and _effect(book, entries[-1].outcome) == "skip"


def in_list_amount(account: Account, payment: Payment) -> bool:
    """Whether the list's amount already counts ``payment``: it is dated before the day
    of the list (``as_of``), so :func:`balance` does not subtract it."""
    return payment.paid_on < account.as_of


def balance(account: Account, payments: Iterable[Payment]) -> Decimal:
    """The amount still owed: the list's amount less payments dated on or after its day."""
    paid = sum((p.amount for p in payments if not in_list_amount(account, p)),
               Decimal("0.00"))
    return account.amount_due - paid


def balances(accounts: Iterable[Account], payments: Iterable[Payment]) -> dict[str, Decimal]:
    """:func:`balance` of each account, by account id, from one read of their payments
    (any order, other accounts' ignored): a listing's balances without a read per account."""
    paid: dict[str, list[Payment]] = {}
    for payment in payments:
        paid.setdefault(payment.account_id, []).append(payment)
    # Most accounts of a listing have no payment: their balance is the list's amount.
    return {a.account_id: balance(a, paid[a.account_id]) if a.account_id in paid
            else a.amount_due for a in accounts}


def _effect(book: OutcomeBook, code: str) -> str:
    outcome = book.find(code)  # None: a code removed from the config since it was logged
    return outcome.effect if outcome else "none"


def _is_attempt(book: OutcomeBook, code: str) -> bool:
    outcome = book.find(code)
    return outcome.attempt if outcome else False
