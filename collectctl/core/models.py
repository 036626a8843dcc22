"""Domain objects shared by ingest, storage, the core rules and the renderers.

Money is ``Decimal`` (two places) here and integer minor units (cents) in the
database. Dates are ``datetime.date``; instants are timezone-aware ``datetime``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

#: A payday meaning "the last day of the month" (``last`` / ``月底`` in files).
LAST_DAY = -1

RISK_LEVELS = ("low", "medium", "high")
ACCOUNT_STATUSES = ("open", "closed")
PHONE_LABELS = ("mobile", "home", "work", "phone", "relative", "reference", "emergency", "other")
#: Whose number a label says it is: the debtor's own, their workplace's, or someone else's
#: (a relative, a reference, an emergency contact), which the plan never dials.
PHONE_ROLES = ("debtor", "workplace", "third_party")
_ROLE_OF_LABEL = {"mobile": "debtor", "home": "debtor", "phone": "debtor", "work": "workplace",
                  "relative": "third_party", "reference": "third_party",
                  "emergency": "third_party", "other": "third_party"}


def phone_role(label: str) -> str:
    """The role of a phone with ``label`` (``relative: Chen`` is a relative's)."""
    role = _ROLE_OF_LABEL.get(label)  # the usual case: a plain label
    if role is None:
        role = _ROLE_OF_LABEL.get(label.split(":", 1)[0].strip(), "third_party")
    return role


@dataclass(frozen=True)
class Phone:
    """One number at which a debtor may be reached.

    ``number`` is E.164 (``+886912345678``) when it could be parsed, else the
    digits as given (and ``valid`` is False). ``extension`` is kept apart.
    """

    number: str
    label: str = "phone"
    valid: bool = True
    extension: str | None = None
    #: The number's country and the zones its holder may be in (``core.zones``), as the
    #: store keeps them; None when not worked out yet (then worked out when needed).
    region: str | None = field(default=None, compare=False)
    zones: tuple[str, ...] | None = field(default=None, compare=False)

    @property
    def role(self) -> str:
        """``debtor``, ``workplace`` or ``third_party`` (:func:`phone_role`)."""
        return phone_role(self.label)


@dataclass(frozen=True)
class ContactPerson:
    """Someone the bank's list names as a contact of the debtor (聯絡人, an emergency
    contact): their name, their relation to the debtor and their number (E.164 when it
    parsed, as :class:`Phone` keeps it). Their number is a third party's: never dialled by
    the plan, and a call to it never counts as reaching the debtor."""

    name: str | None = None
    relation: str | None = None
    phone: str | None = None
    #: ``reference`` (a contact person, 聯絡人) or ``emergency`` (緊急聯絡人).
    kind: str = "reference"


#: Who set an account's collector: the bank's list (its collector column), or a team lead
#: in collectctl (``assign``, ``import --assign-to``), which the next list does not undo.
ASSIGNED_BY = ("list", "lead")


@dataclass(frozen=True)
class Account:
    """One debt as the bank's list describes it, plus what collectctl knows of it.

    ``amount_due`` is the amount owed on the list (``as_of`` is the day it was
    imported). ``past_due_since`` anchors days past due: on any day it is the
    days since then (:func:`collectctl.core.accounts.days_past_due_on`), so a
    list's "30 days" stays right tomorrow without rewriting the account.

    Where the debtor may be (``core.zones``): ``timezones`` are the candidate zones, the
    first of them ``timezone``, with ``timezone_source`` saying where they came from;
    ``countries`` are the countries the list and the debtor's phones name. The list's own
    zone and country columns are kept apart (``listed_timezone``, ``listed_country``).
    """

    account_id: str
    amount_due: Decimal
    currency: str
    timezone: str
    as_of: date
    name: str | None = None
    past_due_since: date | None = None
    due_date: date | None = None
    phones: tuple[Phone, ...] = ()
    work_start: time | None = None
    paydays: tuple[int, ...] = ()
    assigned_to: str | None = None
    risk: str | None = None
    notes: str | None = None
    status: str = "open"
    listed_timezone: str | None = None
    listed_country: str | None = None
    #: The debt itemised, as the list gives it (each None when it does not): the parts of
    #: the amount due, the minimum due, the last payment the bank saw, the credit limit.
    principal: Decimal | None = None
    interest: Decimal | None = None
    fees: Decimal | None = None
    minimum_due: Decimal | None = None
    last_payment_on: date | None = None
    last_payment_amount: Decimal | None = None
    credit_limit: Decimal | None = None
    #: The debtor's background: where they work, their addresses, their occupation.
    employer: str | None = None
    mailing_address: str | None = None
    registered_address: str | None = None
    occupation: str | None = None
    contacts: tuple[ContactPerson, ...] = ()
    #: Who set ``assigned_to`` (:data:`ASSIGNED_BY`), and the collector the last list
    #: named for the account (what tells a bank's reassignment from an unchanged list).
    assigned_by: str = "list"
    listed_collector: str | None = None
    # Derived (core.zones), so not part of what makes two accounts the same.
    timezones: tuple[str, ...] = field(default=(), compare=False)
    timezone_source: str = field(default="default", compare=False)
    countries: tuple[str, ...] = field(default=(), compare=False)

    @property
    def zones(self) -> tuple[str, ...]:
        """The candidate zones (``timezone`` alone for an account not located yet)."""
        return self.timezones or (self.timezone,)

    @property
    def country(self) -> str | None:
        return self.countries[0] if self.countries else None


@dataclass(frozen=True)
class RowError:
    """A row of an input file that was not imported, and why: a reason code
    (``core.reasons``), the column it is about (its header in the file) and the code's
    parameters; ``render.display.row_reason`` words it. Never the cell's value: rows
    carry debtors' names and numbers, and a shifted column puts them anywhere."""

    line: int
    account_id: str | None
    reason: str
    raw: tuple[str, ...] = ()
    column: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)
    #: Which of ``raw`` is the refused cell (0-based), where one is: what
    #: ``--show-values`` quotes.
    cell: int | None = None


@dataclass(frozen=True)
class ImportBatch:
    """One run of an import: which file, when, and what it did."""

    id: int
    kind: str
    file_name: str
    sha256: str
    imported_at: datetime
    encoding: str
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    closed: int = 0


@dataclass(frozen=True)
class RuleBreach:
    """A calling rule an imported call broke (``core.compliance``): the file's line, the
    account, the log entry and the reason code (a ``core.reasons.Reason``)."""

    line: int
    account_id: str
    call_id: int | None
    reason: Any


@dataclass
class ImportResult:
    """The outcome of ``import accounts``; its JSON form is the contract in the README."""

    file: str
    #: How a CSV file was read; None for a workbook (its cells are text).
    encoding: str | None
    delimiter: str | None
    header: tuple[str, ...] = ()
    rows: int = 0  # records read from the file (blank lines aside), counted by the reader
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    rejected: list[RowError] = field(default_factory=list)
    no_valid_phone: list[str] = field(default_factory=list)
    #: Accounts written whose zones came from their phones (no zone column, or none).
    timezone_from_phone: int = 0
    #: Rows whose collector column names another collector than a team lead's
    #: assignment, which stands (``core.accounts.assignment_after``).
    kept_assignment: int = 0
    #: Accounts written whose candidate zones leave no legal minute in the shift this week.
    no_common_hours: list[str] = field(default_factory=list)
    #: The calling rules imported calls broke (recorded all the same).
    broke_rules: list[RuleBreach] = field(default_factory=list)
    batch: int | None = None
    dry_run: bool = False
    strict_aborted: bool = False
    previous_batch: ImportBatch | None = None
    #: ``--show-values``: rejections quote the refused cell (else they never do).
    show_values: bool = False
    #: The collector's time zone, for saying when an earlier import was.
    zone: str = "UTC"
    #: ``csv``, or the workbook's: ``xlsx``, ``xls``, ``ods``.
    format: str = "csv"
    #: The workbook's sheet the rows came from (their line numbers are its rows).
    sheet: str | None = None
    #: ``--close-missing``: the open accounts in its scope (all, or ``--assign-to``'s)
    #: before the import; None without it.
    open_in_scope: int | None = None
    #: ``--close-missing --dry-run``: a real run would close more than half of them, so it
    #: needs ``--yes``.
    needs_yes: bool = False


@dataclass(frozen=True)
class Call:
    """One entry of the append-only call log.

    ``reverses`` is set on an undo entry (the id of the entry it reverses);
    ``reversed_by`` is filled when read back, for entries that were undone.
    Amounts are for ptp/paid; ``promise_date`` for ptp; ``callback_at`` for callbacks.
    """

    id: int | None
    account_id: str
    collector: str | None
    called_at: datetime
    outcome: str
    phone: str | None = None
    note: str | None = None
    amount: Decimal | None = None
    promise_date: date | None = None
    callback_at: datetime | None = None
    reverses: int | None = None
    invalidated_phone: str | None = None
    source: str = "log"
    reversed_by: int | None = None


@dataclass(frozen=True)
class Promise:
    """A promise to pay ``amount`` by ``due`` made on ``made_on`` (by the call ``call_id``)."""

    id: int | None
    account_id: str
    amount: Decimal
    due: date
    made_on: date
    call_id: int | None = None


@dataclass(frozen=True)
class Payment:
    """Money received on an account, dated ``paid_on``; ``reference`` makes imports idempotent."""

    id: int | None
    account_id: str
    amount: Decimal
    paid_on: date
    reference: str | None = None
    source: str = "pay"
    call_id: int | None = None
