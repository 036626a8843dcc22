"""Who to call on a day and why: each account's state, its eligibility and its score.

Pure: the caller passes the account with its log, promises and payments, the plan
date and the settings. The score is a sum of named factors (measure x coefficient),
in the manner of Taskwarrior's urgency, so ``plan --explain`` can show every term.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

from collectctl.config import WEEKDAY_KEYS, Settings
from collectctl.core import activity
from collectctl.core.accounts import days_past_due_on
from collectctl.core.models import LAST_DAY, Account, Call, Payment, Promise
from collectctl.core.outcomes import OutcomeBook
from collectctl.core.promises import BROKEN, PENDING, PromiseView, holds_calls, select_promises
from collectctl.i18n import N_, _

RISK_MEASURE = {"high": Decimal("1"), "medium": Decimal("0.5"), "low": Decimal("0")}
#: How long ago a broken promise still counts as a reason to call first.
BROKEN_PROMISE_DAYS = 30
DPD_CAP_MONTHS = Decimal(6)


@dataclass(frozen=True)
class AccountState:
    """What the planner knows about one account on the plan date (debtor's local date)."""

    account: Account
    balance: Decimal
    days_past_due: int | None
    attempts_today: int
    attempts_7d: int
    contacts_7d: int
    last_conversation: datetime | None
    ever_contacted: bool
    hold: activity.Hold | None
    holding_promise: PromiseView | None
    promise_due_today: PromiseView | None
    broken_promise: PromiseView | None
    callback_at: datetime | None
    skip: bool
    #: The latest attempt on the plan day (debtor's zone), if any.
    last_attempt: datetime | None = None


def account_state(
    account: Account, calls: list[Call], promises: list[Promise], payments: list[Payment],
    day: date, book: OutcomeBook, grace_days: int, voicemail_counts: bool = True,
) -> AccountState:
    """Summarize an account's log for planning ``day`` (dates in the debtor's zone)."""
    zone = ZoneInfo(account.timezone)
    standing = [c for c in activity.effective(calls) if c.outcome not in activity.RESERVED_CODES]
    attempts_today = attempts_7d = contacts_7d = 0
    last_conversation = last_attempt = None
    ever = False
    week_start = day - timedelta(days=6)
    for call in standing:
        outcome = book.find(call.outcome)
        if outcome is None:
            continue
        local_day = call.called_at.astimezone(zone).date()
        counts = outcome.attempt and (voicemail_counts or outcome.code != "voicemail")
        if counts and local_day == day:
            attempts_today += 1
        if outcome.attempt and local_day == day:
            last_attempt = call.called_at
        if counts and week_start <= local_day <= day:
            attempts_7d += 1
        if outcome.contact:
            ever = True
            if week_start <= local_day <= day:
                contacts_7d += 1
            if outcome.right_party and local_day <= day:
                last_conversation = call.called_at
    views = select_promises(promises, payments, day, grace_days)
    holding = next((v for v in views if holds_calls(v, day)), None)
    due_today = next((v for v in views if v.status == PENDING and v.due == day), None)
    broken = [v for v in views if v.status == BROKEN
              and (day - v.due).days <= BROKEN_PROMISE_DAYS + grace_days]
    newer = any(v.status == PENDING for v in views)
    callback = activity.pending_callback(calls, book)
    return AccountState(
        account=account,
        balance=activity.balance(account, payments),
        days_past_due=days_past_due_on(account, day),
        attempts_today=attempts_today,
        attempts_7d=attempts_7d,
        contacts_7d=contacts_7d,
        last_conversation=last_conversation,
        ever_contacted=ever,
        hold=activity.hold_of(calls, book),
        holding_promise=holding,
        promise_due_today=due_today,
        broken_promise=broken[-1] if broken and not newer else None,
        callback_at=callback if callback and callback.astimezone(zone).date() == day else None,
        skip=activity.marked_for_skip(calls, book),
        last_attempt=last_attempt,
    )


class Factor(NamedTuple):
    """One term of the score: ``contribution = measure x coefficient``. (A named tuple:
    a plan makes ten for each of thousands of accounts.)"""

    name: str
    measure: Decimal
    coefficient: Decimal
    contribution: Decimal


@dataclass(frozen=True)
class Score:
    total: Decimal
    factors: tuple[Factor, ...]

    def reasons(self, top: int = 3, leave_out: tuple[str, ...] = ()) -> list[str]:
        """The factors that raised the score, in words, for the plan table: events
        (callback, promise, payday...) before the standing ones (amount, days past due)."""
        raising = sorted((f for f in self.factors
                          if f.contribution > 0 and f.name not in leave_out),
                         key=lambda f: (f.name in STANDING_FACTORS, -f.contribution))
        return [_(FACTOR_WORDS[f.name]) if f.name in FACTOR_WORDS else f.name
                for f in raising[:top]]


STANDING_FACTORS = ("amount", "days_past_due", "weekday")
FACTOR_WORDS = {
    "amount": N_("amount"), "days_past_due": N_("days past due"),
    "promise_due": N_("promise due today"), "broken_promise": N_("broken promise"),
    "callback_due": N_("callback today"), "payday": N_("before payday"),
    "weekday": N_("good weekday"), "never_contacted": N_("never reached"), "risk": N_("risk"),
}


def days_to_payday(paydays: tuple[int, ...], day: date) -> int | None:
    """Days from ``day`` to the next payday (0 when it is payday). A payday past the end of
    a short month (31 in February) falls on its last day."""

    def payday_in(year: int, month: int, p: int) -> date:
        last = calendar.monthrange(year, month)[1]
        return date(year, month, last if p == LAST_DAY else min(p, last))

    following = (day.year + day.month // 12, day.month % 12 + 1)
    best = None
    for p in paydays:
        d = payday_in(day.year, day.month, p)
        if d < day:
            d = payday_in(*following, p)
        offset = (d - day).days
        best = offset if best is None else min(best, offset)
    return best


ZERO = Decimal("0.0000")
_PLACES = Decimal("0.0001")
_YES, _NO = Decimal(1), Decimal(0)


def _q(value) -> Decimal:
    return Decimal(value).quantize(_PLACES)


def score(state: AccountState, day: date, settings: Settings) -> Score:
    """The account's priority on ``day``: the sum of its factors' contributions."""
    p = settings.priority
    balance = max(state.balance, Decimal("1"))
    dpd = state.days_past_due or 0
    lead = days_to_payday(state.account.paydays, day) if state.account.paydays else None
    weight = settings.weekday_weights.get(WEEKDAY_KEYS[day.weekday()], Decimal("1"))
    measures = [
        ("amount", _q(f"{math.log10(balance):.4f}"), p.amount),
        ("days_past_due", _q(min(Decimal(dpd) / 30, DPD_CAP_MONTHS)), p.days_past_due),
        ("promise_due", _YES if state.promise_due_today else _NO, p.promise_due),
        ("broken_promise", _YES if state.broken_promise else _NO, p.broken_promise),
        ("callback_due", _YES if state.callback_at else _NO, p.callback_due),
        ("payday", _YES if lead is not None and 1 <= lead <= settings.payday_lead_days
         else _NO, p.payday),
        ("weekday", _q(weight - 1), p.weekday),
        ("never_contacted", _NO if state.ever_contacted else _YES, p.never_contacted),
        ("attempts", Decimal(state.attempts_7d), p.attempts),
        ("risk", RISK_MEASURE.get(state.account.risk or "", Decimal(0)), p.risk),
    ]
    factors = tuple(Factor(name, m, c, _q(m * c) + 0 if m else ZERO)  # + 0: no "-0"
                    for name, m, c in measures)
    return Score(sum((f.contribution for f in factors), Decimal(0)), factors)


def why_not(state: AccountState, day: date, pack_hold_days: int, caps: tuple) -> str | None:
    """Why an account may not be called on ``day``, in words; None if it may."""
    account = state.account
    max_day, max_week, max_contacts = caps
    if account.status != "open":
        return _("closed")
    if state.hold is not None:
        word = _("cease-contact") if state.hold.outcome == "cease" else _("disputed")
        return _("{hold} since {when}").format(
            hold=word, when=state.hold.since.astimezone(ZoneInfo(account.timezone)).date())
    if state.holding_promise is not None:
        return _("held: promise of {amount} due {due}").format(
            amount=f"{state.holding_promise.amount:,.2f}",
            due=state.holding_promise.due.isoformat())
    if not any(p.valid for p in account.phones):
        return _("no valid phone")
    if max_day is not None and state.attempts_today >= max_day:
        return _("cap: {n} calls today").format(n=state.attempts_today)
    if max_week is not None and state.attempts_7d >= max_week:
        return _("cap: {n} calls in the last 7 days").format(n=state.attempts_7d)
    if max_contacts is not None and state.contacts_7d >= max_contacts:
        return _("cap: {n} contacts in the last 7 days").format(n=state.contacts_7d)
    if state.last_conversation is not None and state.callback_at is None:
        talked_at = state.last_conversation.astimezone(ZoneInfo(account.timezone))
        if talked_at.date() == day:
            return _("reached today at {time}").format(time=talked_at.strftime("%H:%M"))
    if pack_hold_days and state.last_conversation is not None and state.callback_at is None:
        talked = state.last_conversation.astimezone(ZoneInfo(account.timezone)).date()
        if (day - talked).days < pack_hold_days:
            return _("hold: conversation on {day} ({n}-day hold after a conversation)").format(
                day=talked.isoformat(), n=pack_hold_days)
    return None
