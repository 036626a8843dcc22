"""What an account looks like on a given day: the dossier a collector reads before dialling."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from collectctl.core.models import LAST_DAY, Account


@dataclass(frozen=True)
class PhoneView:
    number: str
    label: str
    valid: bool
    extension: str | None = None
    #: ``debtor``, ``workplace`` or ``third_party`` (never dialled by the plan).
    role: str = "debtor"


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
    #: The zones the debtor may be in (``timezone`` is the first) and where they came from.
    timezones: tuple[str, ...] = ()
    timezone_source: str = "default"


#: The account fields an account list may carry, grouped by what one column (or pair) sets.
LISTED_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "amount": ("amount_due", "currency", "as_of"),
    "dates": ("past_due_since", "due_date"),
    "work_start": ("work_start",),
    "paydays": ("paydays",),
    "timezone": ("listed_timezone",),
    "country": ("listed_country",),
    "assigned_to": ("assigned_to",),
    "risk": ("risk",),
    "notes": ("notes",),
}


def days_past_due_on(account: Account, day: date) -> int | None:
    """Days past due on ``day`` (0 before the account fell due; None if the list gave none)."""
    if account.past_due_since is None:
        return None
    return max(0, (day - account.past_due_since).days)


def merge_listed(existing: Account, listed: Account, groups: frozenset[str]) -> Account:
    """``existing`` updated from a newer list that carries the field ``groups``.

    Fields the list has no column for keep their values; phones the list adds are
    appended (known numbers keep their valid/invalid mark); the account is open again.
    """
    changes = {name: getattr(listed, name) for g in groups for name in LISTED_FIELDS[g]}
    from collectctl.core.zones import located

    known = {p.number for p in existing.phones}
    phones = existing.phones + tuple(p for p in listed.phones if p.number not in known)
    return located(replace(existing, **changes, phones=phones, status="open",
                           timezone=listed.timezone))


def same_listing(a: Account, b: Account) -> bool:
    """Whether two versions of an account differ in nothing but the day they were listed."""
    return replace(a, as_of=b.as_of) == b


def account_view(account: Account, today: date) -> AccountView:
    return AccountView(
        account_id=account.account_id,
        name=account.name,
        amount_due=account.amount_due,
        currency=account.currency,
        days_past_due=days_past_due_on(account, today),
        due_date=account.due_date,
        phones=tuple(PhoneView(p.number, p.label, p.valid, p.extension, p.role)
                     for p in account.phones),
        work_start=account.work_start.strftime("%H:%M") if account.work_start else None,
        paydays=tuple("last" if d == LAST_DAY else d for d in account.paydays),
        timezone=account.timezone,
        assigned_to=account.assigned_to,
        risk=account.risk,
        status=account.status,
        notes=account.notes,
        timezones=account.zones,
        timezone_source=account.timezone_source,
    )


def best_phone(view: AccountView) -> PhoneView | None:
    """The phone the plan would dial: the first valid number of the debtor's own, else the
    first valid workplace number; never a third party's."""
    return (next((p for p in view.phones if p.valid and p.role == "debtor"), None)
            or next((p for p in view.phones if p.valid and p.role == "workplace"), None))


def best_phone_number(account: Account) -> str | None:
    """The number to dial: the first valid number of the debtor's own, else the first valid
    workplace number (the plan also asks the rules: ``core.planning.dial_phone``)."""
    own = [p for p in account.phones if p.valid and p.role != "third_party"]
    own.sort(key=lambda p: p.role != "debtor")
    return own[0].number if own else None
