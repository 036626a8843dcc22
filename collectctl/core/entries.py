"""Turning what a collector typed after a call into a log entry and its effects (pure).

Every check happens here, before anything is written: an unknown outcome, a
missing or bad amount, date or time, a promise in the past or too far ahead,
a payment or a promise larger than the balance. Each is a :class:`UsageError` (exit 2).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from collectctl.core import reasons as r
from collectctl.core.models import Account, Call, Payment, Promise
from collectctl.core.outcomes import EFFECT_NEEDS, Outcome
from collectctl.errors import EntryError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class EntryInput:
    """What ``log`` (or a dialer file's row) says about one call."""

    account: Account
    outcome: Outcome
    collector: str | None
    now: datetime
    amount: str | None = None
    day: str | None = None
    at: str | None = None
    phone: str | None = None
    note: str | None = None
    called_at: datetime | None = None
    source: str = "log"


@dataclass(frozen=True)
class EntryRules:
    """The settings entries are checked against."""

    phone_region: str
    date_order: str
    promise_max_days: int
    allow_overpay: bool = False


@dataclass(frozen=True)
class PlannedEntry:
    """The entry to append and the effects to apply with it, in one transaction."""

    call: Call
    promise: Promise | None = None
    payment: Payment | None = None
    invalidate_phone: str | None = None


def parse_day(text: str, today: date, order: str) -> date:
    """A day as a collector types it: ``2026-12-10``, ``115/12/10``, ``today``, ``tomorrow``,
    ``yesterday`` (a report run after midnight),
    ``+7`` (days from today) or a weekday (``fri``: the next Friday after today)."""
    from collectctl.ingest.fields import FieldError, parse_date

    word = text.strip().lower()
    if word in ("today", "今天"):
        return today
    if word in ("tomorrow", "明天"):
        return today + timedelta(days=1)
    if word in ("yesterday", "昨天"):
        return today - timedelta(days=1)
    if word.startswith("+") and word[1:].isdigit():
        return today + timedelta(days=int(word[1:]))
    if word[:3] in WEEKDAYS and word.isalpha():
        ahead = (WEEKDAYS.index(word[:3]) - today.weekday() - 1) % 7 + 1
        return today + timedelta(days=ahead)
    try:
        return parse_date(text, order)
    except FieldError as error:
        raise EntryError(error.code, "date", **error.detail) from None


def parse_moment(text: str, day: date, zone: str) -> datetime:
    """A callback time in the debtor's zone: ``15:00`` (on ``day``) or a full date-time."""
    from collectctl.ingest.fields import FieldError, parse_work_start

    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        try:
            clock: time = parse_work_start(text)
        except FieldError:
            raise EntryError(r.NOT_A_TIME, "at") from None
        moment = datetime.combine(day, clock)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment


def _amount(text: str | None, outcome: Outcome) -> Decimal:
    from collectctl.ingest.fields import FieldError, parse_amount

    if not text:
        raise EntryError(r.NEEDS_AMOUNT, "amount", outcome=outcome.code)
    try:
        return parse_amount(text)[0]
    except FieldError as error:
        raise EntryError(error.code, "amount", **error.detail) from None


def dialled_phone(account: Account, given: str | None, region: str) -> str | None:
    """The number called: ``given`` (normalized, matched to the account's) or the best valid one."""
    if given:
        from collectctl.ingest.fields import parse_phones

        parsed = parse_phones(given, region, "phone")
        if not parsed:
            raise EntryError(r.NOT_A_PHONE, "phone")
        return parsed[0].number
    return next((p.number for p in account.phones if p.valid), None)


def check_payment(payment: Payment, today: date, balance: Decimal, currency: str,
                  allow_overpay: bool = False) -> None:
    """The payment rule, for ``log paid``, ``pay`` and ``import payments`` alike: not paid
    after ``today``, and not more than the ``balance`` unless ``allow_overpay``."""
    if payment.paid_on > today:
        raise EntryError(r.IN_THE_FUTURE, "date", day=payment.paid_on)
    if payment.amount > balance and not allow_overpay:
        raise EntryError(r.OVER_BALANCE, "amount", amount=payment.amount, balance=balance,
                         currency=currency)


def check_promise(amount: Decimal, balance: Decimal, currency: str,
                  allow_overpay: bool = False) -> None:
    """The promise rule, for ``log``, work mode and ``import calls`` alike: no more than
    the account's ``balance`` unless ``allow_overpay``."""
    if amount > balance and not allow_overpay:
        raise EntryError(r.PROMISE_OVER_BALANCE, "amount", amount=amount, balance=balance,
                         currency=currency)


def plan_entry(entry: EntryInput, rules: EntryRules, balance: Decimal) -> PlannedEntry:
    """Check an entry and work out its effects; raise :class:`UsageError` if it is wrong."""
    outcome, account = entry.outcome, entry.account
    # Dates are checked against the moment of the call (an imported call may be old).
    called_at = entry.called_at or entry.now
    debtor_now = called_at.astimezone(ZoneInfo(account.timezone))
    today = called_at.date()
    day = parse_day(entry.day, today, rules.date_order) if entry.day else None
    needs = {*outcome.needs, *EFFECT_NEEDS.get(outcome.effect, ())}
    amount = _amount(entry.amount, outcome) if "amount" in needs or entry.amount else None
    if "date" in needs and day is None:
        raise EntryError(r.NEEDS_DATE, "date", outcome=outcome.code)
    if "time" in needs and not entry.at:
        raise EntryError(r.NEEDS_TIME, "at", outcome=outcome.code)
    phone = dialled_phone(account, entry.phone, rules.phone_region)
    call = Call(
        id=None, account_id=account.account_id, collector=entry.collector, called_at=called_at,
        outcome=outcome.code, phone=phone, note=entry.note, amount=amount,
        source=entry.source,
    )
    if outcome.effect == "promise":
        assert day is not None and amount is not None  # the effect's needs, checked above
        if day < today:
            raise EntryError(r.IN_THE_PAST, "date", day=day)
        if day > today + timedelta(days=rules.promise_max_days):
            raise EntryError(r.TOO_FAR_AHEAD, "date", day=day, days=rules.promise_max_days)
        check_promise(amount, balance, account.currency, rules.allow_overpay)
        call = replace(call, promise_date=day)
        return PlannedEntry(call, promise=Promise(None, account.account_id, amount, day, today))
    if outcome.effect == "payment":
        assert amount is not None  # the effect's needs, checked above
        payment = Payment(None, account.account_id, amount, day or today, source=entry.source)
        check_payment(payment, today, balance, account.currency, rules.allow_overpay)
        return PlannedEntry(call, payment=payment)
    if outcome.effect == "callback":
        assert entry.at  # the effect's needs, checked above
        moment = parse_moment(entry.at, day or debtor_now.date(), account.timezone)
        if moment < called_at:
            raise EntryError(r.IN_THE_PAST, "at", at=moment)
        return PlannedEntry(replace(call, callback_at=moment))
    if outcome.effect == "invalidate_phone":
        if phone is None:
            raise EntryError(r.NO_PHONE_TO_MARK, "phone")
        if not any(p.number == phone for p in account.phones):
            raise EntryError(r.NOT_ITS_PHONE, "phone")
        return PlannedEntry(call, invalidate_phone=phone)
    return PlannedEntry(call)

