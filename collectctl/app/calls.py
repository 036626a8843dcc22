"""Recording what happened on a call: the entry and its effects, in one transaction.

The checks and the effects' arithmetic are pure (``core.entries``,
``core.activity``); this module reads what they need from the store, and writes
the entry with its promise, payment or phone mark, all or nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from collectctl.app import learn as learner
from collectctl.clock import to_utc_iso
from collectctl.config import Settings, outcome_book
from collectctl.core import activity
from collectctl.core.accounts import AccountView
from collectctl.core.entries import EntryInput, EntryRules, PlannedEntry, plan_entry
from collectctl.core.models import Account, Call, Payment, Phone
from collectctl.core.outcomes import Outcome
from collectctl.core.promises import PromiseView
from collectctl.errors import UsageError
from collectctl.i18n import _

if TYPE_CHECKING:
    from collectctl.storage.protocol import Store


@dataclass(frozen=True)
class Logged:
    """What ``log`` did: the entry as written, and its effects, for the one-line answer."""

    call: Call
    outcome: Outcome
    account: Account
    planned: PlannedEntry
    phone_invalidated: bool = False
    valid_phones: tuple[str, ...] = ()
    balance: Decimal | None = None
    #: The calling rules the call broke (reason codes, ``core.compliance``): it is recorded
    #: all the same, and ``log`` warns on stderr.
    breaches: tuple = ()
    #: A callback asked for outside the collector's shift (shown at its own time).
    callback_outside_shift: bool = False
    #: The account list's day, when the payment logged is dated before it (so it is in
    #: the list's amount, not subtracted from it); as :class:`Paid`'s.
    list_day: date | None = None


@dataclass(frozen=True)
class Undone:
    """What ``undo`` reversed."""

    reversal: Call
    original: Call
    phone_restored: bool = False
    #: The outcome the original entry logged (None: a code the configuration no longer has).
    outcome: Outcome | None = None


def entry_rules(settings: Settings, allow_overpay: bool = False) -> EntryRules:
    return EntryRules(settings.phone_region, settings.import_.date_order,
                      settings.promise.max_days, allow_overpay)


def require_account(store: Store, account_id: str) -> Account:
    account = store.get_account(account_id)
    if account is None:
        raise UsageError(_("no account {id!r}").format(id=account_id))
    return account


def collector_name(settings: Settings, given: str | None) -> str:
    """Who is logging: ``--collector``, else ``me`` (config / $COLLECTCTL_COLLECTOR)."""
    name = given or settings.me
    if not name:
        raise UsageError(_("who is calling? set your name with 'collectctl init --me NAME', "
                           "$COLLECTCTL_COLLECTOR or --collector"))
    return name


def write_entry(store: Store, planned: PlannedEntry, now: datetime,
                batch_id: int | None = None) -> tuple[Call, bool]:
    """Append the entry and apply its effects (inside the caller's transaction)."""
    stamp = to_utc_iso(now)
    call = planned.call
    flipped = False
    if planned.invalidate_phone:
        flipped = store.set_phone_valid(call.account_id, planned.invalidate_phone, False)
        if flipped:
            call = replace(call, invalidated_phone=planned.invalidate_phone)
    call_id = store.add_call(call, stamp, batch_id)
    if planned.promise:
        store.add_promise(planned.promise, call_id)
    if planned.payment:
        store.add_payment(planned.payment, stamp, call_id=call_id, batch_id=batch_id)
    return replace(call, id=call_id), flipped


def log_call(
    store: Store, settings: Settings, now: datetime, account_id: str, outcome_name: str, *,
    collector: str | None = None, amount: str | None = None, day: str | None = None,
    at: str | None = None, phone: str | None = None, note: str | None = None,
    allow_overpay: bool = False,
) -> Logged:
    """Check and record one call's outcome; nothing is written if anything is wrong."""
    outcome = outcome_book(settings).get(outcome_name)
    who = collector_name(settings, collector)

    def work(_tx):
        account = require_account(store, account_id)
        owed = activity.balance(account, store.payments_of(account_id))
        entry = EntryInput(account, outcome, who, now, amount, day, at, phone, note)
        planned = plan_entry(entry, entry_rules(settings, allow_overpay), owed)
        check_callback(settings, account, planned.call)
        before = store.calls_of(account_id)
        asked = store.requests_of(account_id)
        call, flipped = write_entry(store, planned, now)
        learner.record(store, settings, account, call)
        if outcome.right_party or planned.payment:
            learner.derive_pay(store, settings, [account_id])
        valid = tuple(p.number for p in require_account(store, account_id).phones if p.valid)
        if planned.payment:  # derived again, as pay does: one dated before the list's day
            owed = activity.balance(account, store.payments_of(account_id))  # is in it
        return account, owed, planned, call, flipped, valid, before, asked

    account, owed, planned, call, flipped, valid, before, asked = store.atomically(work)
    before_list = planned.payment is not None and activity.in_list_amount(account,
                                                                           planned.payment)
    return Logged(call, outcome, account, planned, flipped, valid, owed,
                  tuple(call_breaches(settings, account, before, call, in_force(asked, call))),
                  outside_shift(settings, call.callback_at),
                  account.as_of if before_list else None)


def in_force(entries, call: Call):
    """The debtor's requests in force when ``call`` was made (its requests log up to it)."""
    from collectctl.core import requests

    return requests.in_force(entries, call.called_at)


def call_breaches(settings: Settings, account: Account, before: list[Call], call: Call,
                  requests=None) -> list:
    """The calling rules ``call`` broke, given the account's log ``before`` it."""
    from collectctl.core.compliance import breaches
    from collectctl.core.rules import rules_for

    return breaches(account, rules_for(settings.rules, account.countries), before, call,
                    outcome_book(settings), requests)


def check_callback(settings: Settings, account: Account, call: Call) -> None:
    """Refuse a callback time at which no call may be made wherever the debtor may be
    (an :class:`~collectctl.errors.EntryError` on ``at``, naming the zone and the rule)."""
    if call.callback_at is None:
        return
    from datetime import timedelta

    from collectctl.core import reasons as r
    from collectctl.core.rules import closed_at, rules_for
    from collectctl.errors import EntryError

    step = timedelta(minutes=settings.call.handle_minutes)
    where = closed_at(rules_for(settings.rules, account.countries), account.zones,
                      call.callback_at, call.callback_at + step)
    if where is not None:
        zone, why = where
        raise EntryError(r.CALLBACK_NOT_LEGAL, "at", zone=zone, rule=why.code,
                         hours=why.detail.get("hours"))


def outside_shift(settings: Settings, moment: datetime | None) -> bool:
    """Whether ``moment`` falls outside the collector's shift (or in a break)."""
    if moment is None:
        return False
    from zoneinfo import ZoneInfo

    local = moment.astimezone(ZoneInfo(settings.timezone)).time()
    shift = settings.shift
    if not shift.start <= local < shift.end:
        return True
    return any(a <= local < b for a, b in shift.breaks)


def undo(store: Store, settings: Settings, now: datetime, call_id: int | None = None,
         collector: str | None = None) -> Undone:
    """Reverse the collector's last entry (or the one named) by appending a reversal."""
    who = collector_name(settings, collector)

    def work(_tx):
        target = store.get_call(call_id) if call_id is not None else store.last_call_by(who)
        if target is None:
            raise UsageError(_("no entry {id} to undo").format(id=call_id) if call_id is not None
                             else _("{who} has nothing to undo").format(who=who))
        if target.reverses is not None:
            raise UsageError(_("entry {id} is itself an undo; log the call again instead")
                             .format(id=target.id))
        if target.reversed_by is not None:
            raise UsageError(_("entry {id} was already undone (by entry {by})").format(
                id=target.id, by=target.reversed_by))
        reversal = Call(None, target.account_id, who, now, activity.UNDO, reverses=target.id)
        reversal = replace(reversal, id=store.add_call(reversal, to_utc_iso(now)))
        learner.record(store, settings, require_account(store, target.account_id), target,
                       sign=-1)
        learner.derive_pay(store, settings, [target.account_id])
        restored = False
        if target.invalidated_phone:
            restored = store.set_phone_valid(target.account_id, target.invalidated_phone, True)
        return reversal, target, restored

    reversal, target, restored = store.atomically(work)
    return Undone(reversal, target, restored, outcome_book(settings).find(target.outcome))


def resume(store: Store, settings: Settings, now: datetime, account_id: str,
           collector: str | None = None, note: str | None = None) -> Call:
    """Lift a dispute or cease-contact hold by appending a ``resume`` entry."""

    def work(_tx):
        require_account(store, account_id)
        hold = activity.hold_of(store.calls_of(account_id), outcome_book(settings))
        if hold is None:
            raise UsageError(_("{id} is not on hold").format(id=account_id))
        who = collector_name(settings, collector)  # an unknown account is said first
        entry = Call(None, account_id, who, now, activity.RESUME, note=note)
        return replace(entry, id=store.add_call(entry, to_utc_iso(now)))

    return store.atomically(work)


@dataclass(frozen=True)
class Paid:
    """What ``pay`` did: the payment, whether it was new (a reference already recorded is
    not), and the account's balance after it."""

    payment: Payment
    currency: str
    recorded: bool
    balance: Decimal
    #: The day of the account's list when the payment is dated before it: the list's
    #: amount already counts it, so the balance is not lowered (None otherwise).
    list_day: date | None = None


def record_payment(store: Store, settings: Settings, now: datetime, payment: Payment,
                   allow_overpay: bool = False) -> Paid:
    """Record a payment from ``pay``, under the same rule as ``log paid``."""
    from collectctl.core.entries import check_payment

    def work(_tx):
        account = require_account(store, payment.account_id)
        owed = activity.balance(account, store.payments_of(payment.account_id))
        check_payment(payment, now.date(), owed, account.currency, allow_overpay)
        recorded = store.add_payment(payment, to_utc_iso(now))
        if recorded:
            learner.derive_paid(store, settings, [payment.account_id])
        # Derived again, not subtracted: a payment dated before the list's as-of day is
        # already in the list's amount.
        after = activity.balance(account, store.payments_of(payment.account_id))
        before_list = recorded and activity.in_list_amount(account, payment)
        return Paid(payment, account.currency, recorded, after,
                    account.as_of if before_list else None)

    return store.atomically(work)


def add_contact(store: Store, now: datetime, account_id: str, phone: Phone) -> bool:
    """Add a number a collector gathered; False if the account already has it."""

    def work(_tx):
        require_account(store, account_id)
        return store.add_phone(account_id, phone, "collector", to_utc_iso(now))

    return store.atomically(work)


def mark_contact_invalid(store: Store, account_id: str, number: str) -> bool:
    """Mark one of the account's numbers as not reaching the debtor; False if it already
    was."""

    def work(_tx):
        account = require_account(store, account_id)
        if not any(p.number == number for p in account.phones):
            from collectctl.core import reasons as r
            from collectctl.errors import EntryError

            # A code, not the number: the command says it masked (render.plan.mask_phone).
            raise EntryError(r.NOT_ITS_PHONE, "phone", "PHONE")
        return store.set_phone_valid(account_id, number, False)

    return store.atomically(work)

@dataclass(frozen=True)
class PromiseList:
    promises: tuple[PromiseView, ...]


@dataclass(frozen=True)
class SkipList:
    """Accounts that need skip tracing (no valid phone, or logged as skip), and their
    balances by account id."""

    accounts: tuple[AccountView, ...]
    balances: Mapping[str, Decimal]


@dataclass(frozen=True)
class Contacts:
    account: AccountView
