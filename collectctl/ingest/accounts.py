"""Turning one record of an account list into an :class:`Account` or a :class:`RowError`.

Pure: the caller passes the column map, the settings that matter and the
import date. Every rejection names the column (as written in the file) and the
value, so a team lead can fix the row and import the rejects file again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, timedelta

from collectctl.core.models import Account, Phone, RowError
from collectctl.i18n import _
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


def _cell(cells: list[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def fingerprint(account: Account) -> str:
    """A digest of everything the list says about an account (to tell unchanged rows)."""
    parts = [
        account.account_id, account.name, str(account.amount_due), account.currency,
        account.days_past_due, account.due_date, account.work_start, account.paydays,
        account.timezone, account.assigned_to, account.risk, account.notes,
        [(p.number, p.label, p.valid, p.extension) for p in account.phones],
    ]
    return hashlib.sha1(repr(parts).encode("utf-8", "surrogateescape")).hexdigest()


def with_derived_dates(account: Account) -> Account:
    """Fill whichever of due date / days past due the list left out, as of ``account.as_of``."""
    if account.days_past_due is None and account.due_date is not None:
        return replace(account, days_past_due=max(0, (account.as_of - account.due_date).days))
    if account.due_date is None and account.days_past_due is not None:
        return replace(account, due_date=account.as_of - timedelta(days=account.days_past_due))
    return account


class _Reject(Exception):
    pass


def normalize_account(
    line: int, cells: list[str], columns: ColumnMap, ctx: RowContext
) -> tuple[Account, str] | RowError:
    """The account a record describes and its fingerprint, or why the row is rejected."""
    get = {name: _cell(cells, index) for name, index in columns.columns.items()}
    account_id = f.normalize_text(get["account_id"]) or None

    def parse(field_name: str, parser, *args):
        text = get.get(field_name, "")
        if not text:
            return None
        try:
            return parser(text, *args)
        except f.FieldError as error:
            raise _Reject(f"{columns.header_of(field_name)}: {error}") from None

    try:
        if any("\udc80" <= ch <= "\udcff" for cell in cells for ch in cell):
            raise _Reject(_("bytes that are not valid in the file's encoding"))
        if not account_id:
            raise _Reject(_("{column}: empty account id").format(
                column=columns.header_of("account_id")))
        if not get["amount_due"]:
            raise _Reject(_("{column}: empty amount").format(
                column=columns.header_of("amount_due")))
        amount, symbol_currency = parse("amount_due", f.parse_amount)
        currency = (parse("currency", _currency) or symbol_currency or ctx.currency)
        phones: list[Phone] = []
        seen = set()
        for index, label in columns.phones:
            for phone in f.parse_phones(_cell(cells, index), ctx.phone_region, label):
                if phone.number not in seen:
                    seen.add(phone.number)
                    phones.append(phone)
        account = Account(
            account_id=account_id,
            name=f.normalize_text(get.get("name", "")) or None,
            amount_due=amount,
            currency=currency,
            days_past_due=parse("days_past_due", f.parse_days_past_due),
            due_date=parse("due_date", f.parse_date, ctx.date_order),
            phones=tuple(phones),
            work_start=parse("work_start", f.parse_work_start),
            paydays=parse("payday", f.parse_paydays) or (),
            timezone=parse("timezone", f.parse_timezone) or ctx.timezone,
            assigned_to=ctx.assign_to or f.normalize_text(get.get("assigned_to", "")) or None,
            risk=parse("risk", f.parse_risk),
            notes=get.get("notes") or None,
            as_of=ctx.today,
        )
    except _Reject as reject:
        return RowError(line=line, account_id=account_id, reason=str(reject), raw=tuple(cells))
    return with_derived_dates(account), fingerprint(account)


def _currency(text: str) -> str:
    code = f.normalize_text(text).upper()
    if len(code) != 3 or not code.isalpha() or not code.isascii():
        raise f.FieldError(_("{value!r} is not a three-letter currency code").format(value=text))
    return code
