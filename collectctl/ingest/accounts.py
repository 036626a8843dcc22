"""Turning one record of an account list into an :class:`Account` or a :class:`RowError`.

Pure: the caller passes the column map, the settings that matter and the
import date. Every rejection names the column (as written in the file) and the reason
code, never the value (``--show-values`` quotes it from the cell it points at), so a team
lead can fix the row and import the rejects file again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from operator import attrgetter

from collectctl.core import reasons as r
from collectctl.core.accounts import LISTED_FIELDS
from collectctl.core.models import Account, ContactPerson, Phone, RowError
from collectctl.core.zones import debtor_phones, locate
from collectctl.ingest import fields as f
from collectctl.ingest.headers import ColumnMap


@dataclass(frozen=True)
class RowContext:
    """What normalizing a row needs besides the row: defaults and the import date."""

    phone_region: str
    timezone: str
    currency: str
    date_order: str
    today: date
    assign_to: str | None = None
    #: The field groups (core.accounts.LISTED_FIELDS) this file carries.
    listed: frozenset[str] = frozenset(LISTED_FIELDS)


#: Which listed-field group each column's field belongs to.
_GROUP_OF = {
    "name": "name", "amount_due": "amount", "currency": "amount", "days_past_due": "dates",
    "due_date": "dates", "work_start": "work_start", "payday": "paydays",
    "timezone": "timezone", "country": "country", "assigned_to": "assigned_to", "risk": "risk",
    "notes": "notes", "principal": "principal", "interest": "interest", "fees": "fees",
    "minimum_due": "minimum_due", "last_payment_date": "last_payment_date",
    "last_payment_amount": "last_payment_amount", "credit_limit": "credit_limit",
    "employer": "employer", "mailing_address": "mailing_address",
    "registered_address": "registered_address", "occupation": "occupation",
}


def listed_groups(columns: ColumnMap, assign_to: str | None) -> frozenset[str]:
    """The field groups a file sets: those it has a column for (and the collector with
    ``--assign-to``). A newer list leaves every other field of an account as it was."""
    groups = {_GROUP_OF[name] for name in columns.columns if name in _GROUP_OF}
    if "assigned_to" in columns.columns:
        groups.add("listed_collector")
    if assign_to:
        groups.add("assigned_to")
    if columns.contacts:
        groups.add("contacts")
    return frozenset(groups)


def _cell(cells: list[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


@lru_cache(maxsize=64)
def _fingerprint_fields(groups: frozenset[str]) -> tuple[str, Callable[[Account], tuple]]:
    """The groups' names, and what reads their fields off an account, as one tuple."""
    ordered = sorted(groups)
    fields = [name for group in ordered for name in LISTED_FIELDS[group] if name != "as_of"]
    read = attrgetter(*fields) if len(fields) > 1 else (
        (lambda account: (getattr(account, fields[0]),)) if fields else (lambda _a: ()))
    return ",".join(ordered), read


def fingerprint(account: Account, groups: frozenset[str]) -> str:
    """A digest of what a list says about an account (the fields of ``groups`` and its
    phones), to tell an unchanged row without reading the stored account."""
    names, read = _fingerprint_fields(groups)
    parts = [account.account_id, names, *map(str, read(account))]
    parts.extend(f"{p.number}|{p.label}|{p.valid}|{p.extension}" for p in account.phones)
    return hashlib.sha1("\x1f".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _past_due(days: int | None, due: date | None, today: date) -> tuple[date | None, date | None]:
    """(past_due_since, due_date): days past due wins when both are given (banks count from
    the oldest unpaid instalment); a missing due date is derived from it."""
    if days is not None:
        since = today - timedelta(days=days)
        return since, due or since
    return due, due


class _Reject(Exception):
    """Why a row is refused: a reason code, the column's header, the code's detail and
    the cell's position."""

    def __init__(self, code: str, column: str | None, detail=None,
                 cell: int | None = None) -> None:
        super().__init__(code)
        self.code, self.column, self.detail, self.cell = code, column, detail or {}, cell


def normalize_account(
    line: int, cells: list[str], columns: ColumnMap, ctx: RowContext
) -> tuple[Account, str] | RowError:
    """The account a record describes and its fingerprint, or why the row is rejected."""
    count = len(cells)
    get = {name: cells[index].strip() if index < count else ""
           for name, index in columns.columns.items()}
    account_id = f.normalize_text(get["account_id"]) or None

    def parse(field_name: str, parser, *args):
        text = get.get(field_name, "")
        if not text:
            return None
        try:
            return parser(text, *args)
        except f.FieldError as error:
            raise _Reject(error.code, columns.header_of(field_name), error.detail,
                          columns.columns.get(field_name)) from None

    try:
        if not account_id:
            raise _Reject(r.EMPTY, columns.header_of("account_id"), None,
                          columns.columns["account_id"])
        if not get["amount_due"]:
            raise _Reject(r.EMPTY, columns.header_of("amount_due"), None,
                          columns.columns["amount_due"])
        amount, symbol_currency = parse("amount_due", f.parse_amount)
        currency = (parse("currency", _currency) or symbol_currency or ctx.currency)
        phones: list[Phone] = []
        seen = set()
        for index, label in columns.phones:
            for phone in f.parse_phones(_cell(cells, index), ctx.phone_region, label):
                if phone.number not in seen:
                    seen.add(phone.number)
                    phones.append(phone)
        parts = _itemised(cells, columns, currency)
        if parts["principal"] is not None or parts["interest"] is not None or \
                parts["fees"] is not None:
            total = sum((parts[n] or 0 for n in ("principal", "interest", "fees")), Decimal(0))
            if total > amount:
                raise _Reject(r.PARTS_EXCEED_AMOUNT, columns.header_of("amount_due"), None,
                              columns.columns["amount_due"])
        listed_zone = parse("timezone", f.parse_timezone)
        listed_country = parse("country", f.parse_country)
        listed_collector = f.normalize_text(get.get("assigned_to", "")) or None
        where = locate(listed_zone, listed_country, debtor_phones(phones), ctx.timezone)
        since, due = _past_due(parse("days_past_due", f.parse_days_past_due),
                               parse("due_date", f.parse_date, ctx.date_order), ctx.today)
        account = Account(
            account_id=account_id,
            name=f.normalize_text(get.get("name", "")) or None,
            amount_due=amount,
            currency=currency,
            past_due_since=since,
            due_date=due,
            phones=tuple(phones),
            work_start=parse("work_start", f.parse_work_start),
            paydays=parse("payday", f.parse_paydays) or (),
            timezone=where.zones[0],
            listed_timezone=listed_zone,
            listed_country=listed_country,
            timezones=where.zones,
            timezone_source=where.source,
            countries=where.countries,
            assigned_to=ctx.assign_to or listed_collector,
            assigned_by="lead" if ctx.assign_to else "list",
            listed_collector=listed_collector,
            risk=parse("risk", f.parse_risk),
            notes=get.get("notes") or None,
            as_of=ctx.today,
            last_payment_on=parse("last_payment_date", f.parse_date, ctx.date_order),
            employer=_text(get, "employer"),
            mailing_address=_text(get, "mailing_address"),
            registered_address=_text(get, "registered_address"),
            occupation=_text(get, "occupation"),
            contacts=_contacts(cells, columns, ctx.phone_region),
            principal=parts["principal"], interest=parts["interest"], fees=parts["fees"],
            minimum_due=parts["minimum_due"],
            last_payment_amount=parts["last_payment_amount"],
            credit_limit=parts["credit_limit"],
        )
    except _Reject as reject:
        return RowError(line=line, account_id=account_id, reason=reject.code, raw=tuple(cells),
                        column=reject.column, detail=reject.detail, cell=reject.cell)
    return account, fingerprint(account, ctx.listed)


#: The list's money fields besides the amount due, each read as :func:`fields.parse_part`.
_PARTS = ("principal", "interest", "fees", "minimum_due", "last_payment_amount",
          "credit_limit")


def _itemised(cells: list[str], columns: ColumnMap, currency: str
              ) -> dict[str, Decimal | None]:
    """The itemised debt of a row: each part in the row's currency (a part whose marker
    names another currency refuses the row); fees from several columns are added up."""
    parts: dict[str, Decimal | None] = {}
    for name in _PARTS:
        indexes = columns.summed.get(name) or (
            (columns.columns[name],) if name in columns.columns else ())
        total: Decimal | None = None
        for index in indexes:
            text = _cell(cells, index)
            if not text:
                continue
            try:
                value, marked = f.parse_part(text)
            except f.FieldError as error:
                raise _Reject(error.code, columns.header[index], error.detail, index) from None
            if marked is not None and marked != currency:
                raise _Reject(r.SEVERAL_CURRENCIES, columns.header[index],
                              {"codes": f"{currency}, {marked}"}, index)
            total = value if total is None else total + value
        parts[name] = total
    if parts["last_payment_amount"] is not None and not parts["last_payment_amount"]:
        parts["last_payment_amount"] = None  # "0": no payment, not a payment of nothing
    return parts


def _text(get: dict[str, str], name: str) -> str | None:
    return f.normalize_text(get.get(name, "")) or None


def _contacts(cells: list[str], columns: ColumnMap, region: str) -> tuple[ContactPerson, ...]:
    """The contact persons a row names, in the order of their numbers (a contact with
    neither a name nor a phone is none)."""
    if not columns.contacts:
        return ()
    found: dict[tuple[str, int], dict[str, str]] = {}
    for kind, number, part, index in columns.contacts:
        text = f.normalize_text(_cell(cells, index))
        if text:
            found.setdefault((kind, number), {}).setdefault(part, text)
    people = []
    for (kind, _number), parts in sorted(found.items(), key=lambda item: (
            item[0][0] != "reference", item[0][1])):
        phone = None
        if "phone" in parts:
            numbers = f.parse_phones(parts["phone"], region, kind)
            phone = numbers[0].number if numbers else None
        if parts.get("name") or phone:
            people.append(ContactPerson(parts.get("name"), parts.get("relation"), phone, kind))
    return tuple(people)


def _currency(text: str) -> str:
    code = f.normalize_text(text).upper()
    if len(code) != 3 or not code.isalpha() or not code.isascii():
        raise f.FieldError(r.NOT_A_CURRENCY)
    return code
