"""Rows ↔ core dataclasses. Money crosses here: Decimal in, integer cents out."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from collectctl.core.models import LAST_DAY, Account, ImportBatch, Phone

CENT = Decimal("0.01")


def to_minor(amount: Decimal) -> int:
    """Decimal currency units → integer minor units (cents); exact, never float."""
    return int((amount / CENT).to_integral_exact())


def from_minor(minor: int) -> Decimal:
    return (Decimal(minor) * CENT).quantize(CENT)


def paydays_to_text(paydays: tuple[int, ...]) -> str | None:
    if not paydays:
        return None
    return ",".join("last" if d == LAST_DAY else str(d) for d in paydays)


def paydays_from_text(text: str | None) -> tuple[int, ...]:
    if not text:
        return ()
    return tuple(LAST_DAY if part == "last" else int(part) for part in text.split(","))


def account_params(account: Account, row_hash: str, batch_id: int | None, now: str) -> dict:
    return {
        "account_id": account.account_id,
        "name": account.name,
        "amount_due_minor": to_minor(account.amount_due),
        "currency": account.currency,
        "past_due_since": account.past_due_since.isoformat() if account.past_due_since else None,
        "due_date": account.due_date.isoformat() if account.due_date else None,
        "work_start": account.work_start.strftime("%H:%M") if account.work_start else None,
        "paydays": paydays_to_text(account.paydays),
        "timezone": account.timezone,
        "assigned_to": account.assigned_to,
        "risk": account.risk,
        "notes": account.notes,
        "as_of": account.as_of.isoformat(),
        "row_hash": row_hash,
        "batch_id": batch_id,
        "now": now,
    }


def account_from_row(row, phones: list[Phone]) -> Account:
    (account_id, name, amount_minor, currency, since, due, work_start, paydays, zone, assigned,
     risk, notes, status, as_of) = row
    return Account(
        account_id=account_id,
        name=name,
        amount_due=from_minor(amount_minor),
        currency=currency,
        past_due_since=date.fromisoformat(since) if since else None,
        due_date=date.fromisoformat(due) if due else None,
        work_start=time.fromisoformat(work_start) if work_start else None,
        paydays=paydays_from_text(paydays),
        timezone=zone,
        assigned_to=assigned,
        risk=risk,
        notes=notes,
        status=status,
        as_of=date.fromisoformat(as_of),
        phones=tuple(phones),
    )


def phone_params(account_id: str, phone: Phone, position: int, source: str, now: str) -> dict:
    return {
        "account_id": account_id,
        "number": phone.number,
        "label": phone.label,
        "valid": 1 if phone.valid else 0,
        "extension": phone.extension,
        "position": position,
        "source": source,
        "now": now,
    }


def phone_from_row(row) -> Phone:
    _account_id, number, label, valid, extension = row
    return Phone(number=number, label=label, valid=bool(valid), extension=extension)


def batch_from_row(row) -> ImportBatch:
    (id_, kind, file_name, sha256, imported_at, encoding, inserted, updated, unchanged, rejected,
     closed) = row
    return ImportBatch(
        id=id_, kind=kind, file_name=file_name, sha256=sha256,
        imported_at=datetime.fromisoformat(imported_at), encoding=encoding,
        inserted=inserted, updated=updated, unchanged=unchanged, rejected=rejected, closed=closed,
    )
