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
    #: ``log`` (typed: by ``log`` or in work mode) or ``import`` (a dialer file's row).
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


#: How a date typed without a year (``12/10``) is read: the next such day on or after
#: today (a promise, a plan, a callback) or the last one on or before it (a payment made,
#: a report's days). ``None``: refused, as in a file (a bank's file carries years).
NEXT, LAST = "next", "last"
#: How far a yearless date may be from today, in days (a year, leap or not).
YEARLESS_REACH = 365


def parse_day(text: str, today: date, order: str, yearless: str | None = None) -> date:
    """A day as a collector types it: ``2026-12-10``, ``115/12/10``, ``today``, ``tomorrow``,
    ``yesterday`` (a report run after midnight),
    ``+7`` (days from today) or a weekday (``fri``: the next Friday after today).
    With ``yearless`` (:data:`NEXT` or :data:`LAST`) also a month and day without a year
    (``12/10``, ``12-10``, ``12月10日``; month or day first as ``order`` says), read by
    :func:`yearless_day`."""
    from collectctl.ingest.fields import FieldError, parse_date, parse_month_day

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
        if yearless is None or error.code != r.NOT_A_DATE:
            raise EntryError(error.code, "date", **error.detail) from None
    try:
        month, day = parse_month_day(text, order)
    except FieldError as error:
        raise EntryError(error.code, "date", **error.detail) from None
    return yearless_day(month, day, today, ahead=yearless == NEXT)


def yearless_day(month: int, day: int, today: date, ahead: bool = True) -> date:
    """The date a month and day without a year mean: the first on or after ``today``
    (``ahead``; today itself counts) or the last on or before it, never more than
    :data:`YEARLESS_REACH` days away. A 29 February further away than that (the next
    leap year is not the coming one) is refused, ``not_within_a_year``, rather than
    read as a date years off: the collector types the year."""
    step = 1 if ahead else -1
    nearest = None
    for year in range(today.year, today.year + 9 * step, step):  # leap years: 8 apart at most
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue  # 29 February in a common year (or past the calendar's ends)
        if (candidate >= today) if ahead else (candidate <= today):
            nearest = candidate
            break
    if nearest is None:
        raise EntryError(r.NO_SUCH_DATE, "date")
    if abs((nearest - today).days) > YEARLESS_REACH:
        raise EntryError(r.NOT_WITHIN_A_YEAR, "date", day=nearest, ahead=ahead)
    return nearest


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
    # Typed (log, work mode): a date without a year is the next one, or for a payment
    # the last one; a file's (import calls) must carry its year.
    yearless = None if entry.source != "log" else LAST if outcome.effect == "payment" else NEXT
    day = parse_day(entry.day, today, rules.date_order, yearless) if entry.day else None
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

