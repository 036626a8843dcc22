"""Rows ↔ core dataclasses. Money crosses here: Decimal in, integer cents out."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache

from collectctl.core.models import (
    LAST_DAY,
    Account,
    Call,
    ContactPerson,
    ImportBatch,
    Payment,
    Phone,
    Promise,
)
from collectctl.core.zones import debtor_phones, locate, place_of

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


@lru_cache(maxsize=256)  # a portfolio has a handful of distinct payday lists
def paydays_from_text(text: str | None) -> tuple[int, ...]:
    if not text:
        return ()
    return tuple(LAST_DAY if part == "last" else int(part) for part in text.split(","))


def account_params(account: Account, row_hash: str, batch_id: int | None, now: str,
                   raw_hash: str | None = None) -> dict:
    return {
        "raw_hash": raw_hash,
        "account_id": account.account_id,
        "name": account.name,
        "amount_due_minor": to_minor(account.amount_due),
        "currency": account.currency,
        "past_due_since": account.past_due_since.isoformat() if account.past_due_since else None,
        "due_date": account.due_date.isoformat() if account.due_date else None,
        "work_start": account.work_start.strftime("%H:%M") if account.work_start else None,
        "paydays": paydays_to_text(account.paydays),
        "timezone": account.timezone,
        "listed_timezone": account.listed_timezone,
        "listed_country": account.listed_country,
        "assigned_to": account.assigned_to,
        "risk": account.risk,
        "notes": account.notes,
        "as_of": account.as_of.isoformat(),
        "principal_minor": _minor(account.principal),
        "interest_minor": _minor(account.interest),
        "fees_minor": _minor(account.fees),
        "minimum_due_minor": _minor(account.minimum_due),
        "last_payment_on": account.last_payment_on.isoformat()
        if account.last_payment_on else None,
        "last_payment_minor": _minor(account.last_payment_amount),
        "credit_limit_minor": _minor(account.credit_limit),
        "employer": account.employer,
        "mailing_address": account.mailing_address,
        "registered_address": account.registered_address,
        "occupation": account.occupation,
        "contacts": contacts_to_text(account.contacts),
        "listed_collector": account.listed_collector,
        "assigned_by": account.assigned_by,
        "row_hash": row_hash,
        "batch_id": batch_id,
        "now": now,
    }


def account_values(account: Account, row_hash: str, batch_id: int | None, now: str,
                   raw_hash: str | None) -> tuple:
    """:func:`account_params` as a tuple in ``sql.INSERT_ACCOUNT_ORDER``, without the
    dictionary: what a first load binds for each row (a test holds the two to each
    other)."""
    a = account
    return (
        a.account_id, a.name, to_minor(a.amount_due), a.currency,
        a.past_due_since.isoformat() if a.past_due_since else None,
        a.due_date.isoformat() if a.due_date else None,
        a.work_start.strftime("%H:%M") if a.work_start else None,
        paydays_to_text(a.paydays), a.timezone, a.assigned_to, a.risk, a.notes,
        a.as_of.isoformat(), row_hash, batch_id, now, now, raw_hash,
        a.listed_timezone, a.listed_country, _minor(a.principal), _minor(a.interest),
        _minor(a.fees), _minor(a.minimum_due),
        a.last_payment_on.isoformat() if a.last_payment_on else None,
        _minor(a.last_payment_amount), _minor(a.credit_limit), a.employer,
        a.mailing_address, a.registered_address, a.occupation,
        contacts_to_text(a.contacts), a.listed_collector, a.assigned_by,
    )


def load_values(account: Account, row_hash: str, batch_id: int | None, now: str,
                raw_hash: str) -> tuple[tuple, list[tuple]]:
    """A new account's values and its phones' (:func:`account_values`,
    :func:`phone_values`), as a first load inserts them."""
    return (account_values(account, row_hash, batch_id, now, raw_hash),
            [phone_values(account.account_id, phone, position, "import", now)
             for position, phone in enumerate(account.phones)])


def account_from_row(row, phones: list[Phone]) -> Account:
    """The account of a row, located (``core.zones``): its candidate zones and countries
    from its list's columns and its phones, worked out as it is read, so a phone added
    or invalidated since the import counts at once."""
    (account_id, name, amount_minor, currency, since, due, work_start, paydays, zone, assigned,
     risk, notes, status, as_of, listed_zone, listed_country, principal, interest, fees,
     minimum_due, last_paid_on, last_paid, credit_limit, employer, mailing_address,
     registered_address, occupation, contacts, listed_collector, assigned_by) = row
    where = locate(listed_zone, listed_country, debtor_phones(phones), zone)
    return Account(
        account_id=account_id,
        name=name,
        amount_due=from_minor(amount_minor),
        currency=currency,
        past_due_since=date.fromisoformat(since) if since else None,
        due_date=date.fromisoformat(due) if due else None,
        work_start=time.fromisoformat(work_start) if work_start else None,
        paydays=paydays_from_text(paydays),
        timezone=where.zones[0],
        assigned_to=assigned,
        risk=risk,
        notes=notes,
        status=status,
        as_of=date.fromisoformat(as_of),
        phones=tuple(phones),
        listed_timezone=listed_zone,
        listed_country=listed_country,
        timezones=where.zones,
        timezone_source=where.source,
        countries=where.countries,
        principal=_major(principal),
        interest=_major(interest),
        fees=_major(fees),
        minimum_due=_major(minimum_due),
        last_payment_on=date.fromisoformat(last_paid_on) if last_paid_on else None,
        last_payment_amount=_major(last_paid),
        credit_limit=_major(credit_limit),
        employer=employer,
        mailing_address=mailing_address,
        registered_address=registered_address,
        occupation=occupation,
        contacts=contacts_from_text(contacts),
        listed_collector=listed_collector,
        assigned_by=assigned_by or "list",
    )


def _minor(amount: Decimal | None) -> int | None:
    return None if amount is None else to_minor(amount)


def _major(minor: int | None) -> Decimal | None:
    return None if minor is None else from_minor(minor)


def contacts_to_text(contacts: tuple[ContactPerson, ...]) -> str | None:
    """Contact persons as stored: a JSON list of ``[kind, name, relation, phone]``."""
    if not contacts:
        return None
    import json

    return json.dumps([[c.kind, c.name, c.relation, c.phone] for c in contacts],
                      ensure_ascii=False, separators=(",", ":"))


def contacts_from_text(text: str | None) -> tuple[ContactPerson, ...]:
    if not text:
        return ()
    import json

    return tuple(ContactPerson(name, relation, phone, kind)
                 for kind, name, relation, phone in json.loads(text))


def phone_params(account_id: str, phone: Phone, position: int, source: str, now: str) -> dict:
    return {
        "account_id": account_id,
        "number": phone.number,
        "label": phone.label,
        "valid": 1 if phone.valid else 0,
        "extension": phone.extension,
        "region": _place(phone)[0],
        "zones": " ".join(_place(phone)[1]),
        "position": position,
        "source": source,
        "now": now,
    }


def phone_values(account_id: str, phone: Phone, position: int, source: str,
                 now: str) -> tuple:
    """:func:`phone_params` as a tuple in ``sql.INSERT_NEW_PHONE_ORDER``."""
    region, zones = _place(phone)
    return (account_id, phone.number, phone.label, 1 if phone.valid else 0, phone.extension,
            position, source, now, region, " ".join(zones))


def _place(phone: Phone) -> tuple[str | None, tuple[str, ...]]:
    return place_of(phone) if phone.valid else (None, ())


def phone_from_row(row) -> Phone:
    """A phone as stored; its zones None when the store has none for it (a number added by
    ``contact add``, or stored by an older release): worked out when needed."""
    _account_id, number, label, valid, extension, region, zones = row
    return Phone(number=number, label=label, valid=bool(valid), extension=extension,
                 region=region, zones=tuple(zones.split()) if zones is not None else None)


def batch_from_row(row) -> ImportBatch:
    (id_, kind, file_name, sha256, imported_at, encoding, inserted, updated, unchanged, rejected,
     closed) = row
    return ImportBatch(
        id=id_, kind=kind, file_name=file_name, sha256=sha256,
        imported_at=datetime.fromisoformat(imported_at), encoding=encoding,
        inserted=inserted, updated=updated, unchanged=unchanged, rejected=rejected, closed=closed,
    )


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def call_params(call: Call, batch_id: int | None, now: str) -> dict:
    from collectctl.clock import to_utc_iso

    return {
        "account_id": call.account_id,
        "collector": call.collector,
        "called_at": to_utc_iso(call.called_at),
        "outcome": call.outcome,
        "phone": call.phone,
        "note": call.note,
        "amount_minor": to_minor(call.amount) if call.amount is not None else None,
        "promise_date": _iso(call.promise_date),
        "callback_at": to_utc_iso(call.callback_at) if call.callback_at else None,
        "reverses": call.reverses,
        "invalidated_phone": call.invalidated_phone,
        "source": call.source,
        "batch_id": batch_id,
        "now": now,
    }


def call_from_row(row) -> Call:
    (id_, account_id, collector, called_at, outcome, phone, note, amount_minor, promise_date,
     callback_at, reverses, invalidated, source, reversed_by) = row
    return Call(
        id=id_, account_id=account_id, collector=collector,
        called_at=datetime.fromisoformat(called_at), outcome=outcome, phone=phone, note=note,
        amount=from_minor(amount_minor) if amount_minor is not None else None,
        promise_date=date.fromisoformat(promise_date) if promise_date else None,
        callback_at=datetime.fromisoformat(callback_at) if callback_at else None,
        reverses=reverses, invalidated_phone=invalidated, source=source, reversed_by=reversed_by,
    )


def promise_params(promise: Promise, call_id: int) -> dict:
    return {
        "account_id": promise.account_id, "call_id": call_id,
        "amount_minor": to_minor(promise.amount), "due_date": promise.due.isoformat(),
        "made_on": promise.made_on.isoformat(),
    }


def promise_from_row(row) -> Promise:
    id_, account_id, amount_minor, due, made_on, call_id = row
    return Promise(id_, account_id, from_minor(amount_minor), date.fromisoformat(due),
                   date.fromisoformat(made_on), call_id)


def payment_params(payment: Payment, call_id: int | None, batch_id: int | None, now: str) -> dict:
    return {
        "account_id": payment.account_id, "amount_minor": to_minor(payment.amount),
        "paid_on": payment.paid_on.isoformat(), "reference": payment.reference,
        "source": payment.source, "call_id": call_id, "batch_id": batch_id, "now": now,
    }


def payment_from_row(row) -> Payment:
    id_, account_id, amount_minor, paid_on, reference, source, call_id = row
    return Payment(id_, account_id, from_minor(amount_minor), date.fromisoformat(paid_on),
                   reference, source, call_id)


def request_params(entry) -> dict:
    """A :class:`~collectctl.core.requests.RequestEntry` as the row it is written as (the
    core module is imported where it is used: ``log`` needs none of it)."""
    from collectctl.clock import to_utc_iso

    window = entry.window
    return {
        "account_id": entry.account_id, "kind": entry.kind,
        "from_minute": window.from_minute if window else None,
        "to_minute": window.to_minute if window else None,
        "days": ",".join(window.days) if window else None,
        "note": entry.note, "set_by": entry.set_by, "set_at": to_utc_iso(entry.set_at),
    }


def request_from_row(row):
    """The :class:`~collectctl.core.requests.RequestEntry` of a row of ``debtor_requests``."""
    from collectctl.core.requests import Avoid, RequestEntry

    id_, account_id, kind, from_minute, to_minute, days, note, set_by, set_at = row
    window = None
    if from_minute is not None and to_minute is not None and days:
        window = Avoid(_clock_at(from_minute), _clock_at(to_minute % 1440),
                       tuple(days.split(",")))
    return RequestEntry(account_id, kind, set_by, datetime.fromisoformat(set_at), window, note,
                        id_)


def _clock_at(minute: int) -> time:
    return time(minute // 60, minute % 60)
