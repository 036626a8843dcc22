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
class Arrears:
    """The amount due itemised, as the list gives it (None: a part it does not give)."""

    principal: Decimal | None = None
    interest: Decimal | None = None
    fees: Decimal | None = None

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.principal, self.interest, self.fees))


@dataclass(frozen=True)
class LastPayment:
    """The last payment the bank's list saw (not one collectctl recorded)."""

    date: date | None = None
    amount: Decimal | None = None

    def __bool__(self) -> bool:
        return self.date is not None or self.amount is not None


@dataclass(frozen=True)
class ContactView:
    """A contact person of the debtor: never the debtor; their phone is never dialled."""

    name: str | None
    relation: str | None
    phone: str | None
    kind: str = "reference"


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
    #: What the list says besides the amount due (each None, or empty, when it does not).
    arrears: Arrears = Arrears()
    minimum_due: Decimal | None = None
    last_payment: LastPayment = LastPayment()
    credit_limit: Decimal | None = None
    employer: str | None = None
    occupation: str | None = None
    mailing_address: str | None = None
    registered_address: str | None = None
    contacts: tuple[ContactView, ...] = ()
    #: Who set the collector: ``list`` (the bank's list) or ``lead`` (in collectctl), and
    #: the collector the list names.
    assigned_by: str = "list"
    listed_collector: str | None = None


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
    "principal": ("principal",),
    "interest": ("interest",),
    "fees": ("fees",),
    "minimum_due": ("minimum_due",),
    "last_payment_date": ("last_payment_on",),
    "last_payment_amount": ("last_payment_amount",),
    "credit_limit": ("credit_limit",),
    "employer": ("employer",),
    "mailing_address": ("mailing_address",),
    "registered_address": ("registered_address",),
    "occupation": ("occupation",),
    "contacts": ("contacts",),
    #: The list's collector column (the ``assigned_to`` group is that or ``--assign-to``).
    "listed_collector": ("listed_collector",),
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
    if "assigned_to" in groups:
        changes.update(assignment_after(existing, listed, "listed_collector" in groups))
    from collectctl.core.zones import located

    known = {p.number for p in existing.phones}
    phones = existing.phones + tuple(p for p in listed.phones if p.number not in known)
    return located(replace(existing, **changes, phones=phones, status="open",
                           timezone=listed.timezone))


def assignment_after(existing: Account, listed: Account, has_column: bool) -> dict:
    """Who has an account after a newer list: ``assigned_to``, ``assigned_by`` and
    ``listed_collector``.

    ``import --assign-to`` is a team lead's choice and applies. Otherwise the list's
    collector column applies, except over a team lead's assignment (``assign``): that
    stands until the list names a different collector than its previous list did, and
    then the bank's change applies (a blank cell names nobody: the lead's stands)."""
    if listed.assigned_by == "lead":
        return {"assigned_to": listed.assigned_to, "assigned_by": "lead",
                "listed_collector": listed.listed_collector if has_column
                else existing.listed_collector}
    if existing.assigned_by == "lead" and listed.listed_collector in (
            existing.listed_collector, None):
        # The list says what it said, or leaves the cell blank (naming nobody else).
        return {"assigned_to": existing.assigned_to, "assigned_by": "lead",
                "listed_collector": listed.listed_collector or existing.listed_collector}
    return {"assigned_to": listed.listed_collector, "assigned_by": "list",
            "listed_collector": listed.listed_collector}


def keeps_lead_assignment(account: Account) -> bool:
    """Whether an account's collector is a team lead's choice over the one its list names."""
    return account.assigned_by == "lead" and account.assigned_to != account.listed_collector


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
        arrears=Arrears(account.principal, account.interest, account.fees),
        minimum_due=account.minimum_due,
        last_payment=LastPayment(account.last_payment_on, account.last_payment_amount),
        credit_limit=account.credit_limit,
        employer=account.employer,
        occupation=account.occupation,
        mailing_address=account.mailing_address,
        registered_address=account.registered_address,
        contacts=tuple(ContactView(c.name, c.relation, c.phone, c.kind)
                       for c in account.contacts),
        assigned_by=account.assigned_by,
        listed_collector=account.listed_collector,
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


@dataclass(frozen=True)
class AssignmentChange:
    """An account's collector changed: to whom, when, and by what: ``list`` (the bank's
    list, imported from ``file``) or ``lead`` (a team lead in collectctl)."""

    at: str | None
    collector: str | None
    by: str
    file: str | None = None


def assignment_changes(versions: list[tuple]) -> tuple[AssignmentChange, ...]:
    """The changes of collector among an account's versions (``Store.assignments_of``:
    ``(replaced_at, file, collector, set by)``, oldest first, the current one last)."""
    changes = []
    for before, after in zip(versions, versions[1:], strict=False):
        if before[2] != after[2]:
            by = after[3] or "list"
            changes.append(AssignmentChange(before[0], after[2], by,
                                            before[1] if by == "list" else None))
    return tuple(changes)
