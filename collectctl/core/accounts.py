"""What an account looks like on a given day: the dossier a collector reads before dialling."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from collectctl.core.models import LAST_DAY, Account


@dataclass(frozen=True)
class PhoneView:
    number: str
    label: str
    valid: bool
    extension: str | None = None


@dataclass(frozen=True)
class AccountView:
    """An account as of one day. Field names are the JSON keys of ``show`` and ``accounts``."""

    account_id: str
    name: str | None
    amount_due: Decimal
    currency: str
    days_past_due: int | None
    due_date: date | None
    phones: tuple[PhoneView, ...]
    work_start: str | None
    paydays: tuple[int | str, ...]
    timezone: str
    assigned_to: str | None
    risk: str | None
    status: str
    notes: str | None


def days_past_due_on(account: Account, day: date) -> int | None:
    """Days past due on ``day``: the list's figure grown by the days since it was imported.

    A closed account's count stops where the list left it.
    """
    if account.days_past_due is None:
        return None
    if account.status != "open":
        return account.days_past_due
    return account.days_past_due + max(0, (day - account.as_of).days)


def account_view(account: Account, today: date) -> AccountView:
    return AccountView(
        account_id=account.account_id,
        name=account.name,
        amount_due=account.amount_due,
        currency=account.currency,
        days_past_due=days_past_due_on(account, today),
        due_date=account.due_date,
        phones=tuple(PhoneView(p.number, p.label, p.valid, p.extension) for p in account.phones),
        work_start=account.work_start.strftime("%H:%M") if account.work_start else None,
        paydays=tuple("last" if d == LAST_DAY else d for d in account.paydays),
        timezone=account.timezone,
        assigned_to=account.assigned_to,
        risk=account.risk,
        status=account.status,
        notes=account.notes,
    )


def best_phone(view: AccountView) -> PhoneView | None:
    """The first valid phone in the account's order, if any."""
    return next((p for p in view.phones if p.valid), None)
