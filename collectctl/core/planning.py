"""Who to call on a day and why: each account's state, its eligibility and its score.

Pure: the caller passes the account with its log, promises and payments, the plan
date and the settings. The score is a sum of named factors (measure x coefficient),
in the manner of Taskwarrior's urgency, so ``plan --explain`` can show every term.
"""

from __future__ import annotations

import calendar
import math
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

from collectctl.config import WEEKDAY_KEYS, Settings, outcome_book
from collectctl.core import activity
from collectctl.core import reasons as r
from collectctl.core import rules as R
from collectctl.core.accounts import days_past_due_on
from collectctl.core.learning import LearnedContact
from collectctl.core.models import LAST_DAY, Account, Call, Payment, Phone, Promise
from collectctl.core.money import Amounts, summed
from collectctl.core.outcomes import OutcomeBook
from collectctl.core.paying import (
    PLACES,
    LearnedPay,
    PayEstimate,
    expected,
    neutral,
    pay_settings,
)
from collectctl.core.promises import BROKEN, PENDING, PromiseView, holds_calls, select_promises
from collectctl.core.reasons import FACTOR_CODES, Reason
from collectctl.core.requests import Requests, avoided, avoided_slots, span_of, window_detail
from collectctl.core.rules import CLOSED, GOLDEN, LUNCH, NORMAL
from collectctl.core.schedule import Candidate, schedule
from collectctl.core.workdays import collector_day_off
from collectctl.core.zones import DEBTOR, WORKPLACE, located
from collectctl.errors import UnknownAccount

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
    #: Contacts in the plan day's calendar month (debtor's zone).
    contacts_month: int = 0


def account_state(
    account: Account, calls: list[Call], promises: list[Promise], payments: list[Payment],
    day: date, book: OutcomeBook, grace_days: int, voicemail_counts: bool = True,
) -> AccountState:
    """Summarize an account's log for planning ``day`` (dates in the debtor's zone)."""
    zone = ZoneInfo(account.timezone)
    standing = [c for c in activity.effective(calls) if c.outcome not in activity.RESERVED_CODES]
    attempts_today = attempts_7d = contacts_7d = contacts_month = 0
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
            if (local_day.year, local_day.month) == (day.year, day.month) and local_day <= day:
                contacts_month += 1
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
        contacts_month=contacts_month,
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
        """The reason codes (``core.reasons``) of the factors that raised the score, for the
        plan's "why": events (callback, promise, payday...) before the standing ones
        (amount, days past due)."""
        raising = sorted((f for f in self.factors
                          if f.contribution > 0 and f.name not in leave_out),
                         key=lambda f: (f.name in STANDING_FACTORS, -f.contribution))
        return [FACTOR_CODES.get(f.name, f.name) for f in raising[:top]]


STANDING_FACTORS = ("amount", "days_past_due", "weekday")


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


def why_not(state: AccountState, day: date, pack_hold_days: int, caps: tuple,
            phone_problem: Reason | None = None) -> Reason | None:
    """Why an account may not be called on ``day`` (a reason code); None if it may.
    ``caps``: attempts a day, attempts in 7 days, contacts in 7 days (and contacts in the
    calendar month); ``phone_problem``: why none of its numbers may be dialled
    (:func:`dial_phone`), when none may."""
    account = state.account
    max_day, max_week, max_contacts = caps[:3]
    max_month = caps[3] if len(caps) > 3 else None
    if account.status != "open":
        return Reason(r.ACCOUNT_CLOSED)
    if state.hold is not None:
        return Reason(r.CEASE if state.hold.outcome == "cease" else r.DISPUTE,
                      since=state.hold.since.astimezone(ZoneInfo(account.timezone)).date())
    if state.holding_promise is not None:
        return Reason(r.PROMISE_HOLD, amount=state.holding_promise.amount,
                      currency=account.currency, due=state.holding_promise.due)
    if phone_problem is not None:
        return phone_problem
    if not any(p.valid for p in account.phones):
        return Reason(r.NO_VALID_PHONE)
    if max_day is not None and state.attempts_today >= max_day:
        return Reason(r.CAP_TODAY, calls=state.attempts_today)
    if max_week is not None and state.attempts_7d >= max_week:
        return Reason(r.CAP_7_DAYS, calls=state.attempts_7d)
    if max_contacts is not None and state.contacts_7d >= max_contacts:
        return Reason(r.CAP_CONTACTS_7_DAYS, contacts=state.contacts_7d)
    if max_month is not None and state.contacts_month >= max_month:
        return Reason(r.CAP_CONTACTS_MONTH, contacts=state.contacts_month,
                      month=f"{day:%Y-%m}")
    if pack_hold_days and state.last_conversation is not None and state.callback_at is None:
        talked = state.last_conversation.astimezone(ZoneInfo(account.timezone)).date()
        if (day - talked).days < pack_hold_days:
            return Reason(r.CONVERSATION_HOLD, on=talked, days=pack_hold_days)
    if state.last_conversation is not None and state.callback_at is None:
        talked_at = state.last_conversation.astimezone(ZoneInfo(account.timezone))
        if talked_at.date() == day:
            return Reason(r.REACHED_TODAY, at=talked_at)
    return None


# -- the day's plan ------------------------------------------------------------------------

MIN_WEIGHT = 0.01
WINDOW_NAMES = {GOLDEN: "golden", NORMAL: "normal", LUNCH: "lunch", CLOSED: "closed"}


@dataclass(frozen=True)
class PlannedCall:
    """One call of the plan. ``start``/``end`` are in the collector's zone; ``reasons`` are
    codes (``core.reasons``); ``callback_at`` is a pinned callback's time in the debtor's
    zone; ``outside_shift``: a callback at its own time, in none of the shift's slots
    (after the shift, before it, in a break, or its slot taken by another callback);
    ``zones``: the zones the debtor may be in (``Account.zones``, the first the one their
    dates are shown in), for the debtor's own time beside the collector's."""

    account_id: str
    start: datetime
    end: datetime
    score: Decimal
    phone: str | None
    reasons: tuple[str, ...]
    window: str
    name: str | None
    balance: Decimal
    currency: str
    days_past_due: int | None
    pinned: bool = False
    callback_at: datetime | None = None
    outside_shift: bool = False
    zones: tuple[str, ...] = ()
    #: The money the call is expected to bring (``core.paying.expected``), in
    #: ``currency``, and the chance of reaching the debtor in its slot it assumes.
    expected: Decimal = Decimal("0.00")
    p_contact: float = 0.0


@dataclass(frozen=True)
class Overflow:
    account_id: str
    score: Decimal
    reason: Reason


@dataclass(frozen=True)
class Plan:
    """A day's plan: the calls in time order, what did not fit, and why others were left out.
    ``made_at`` is the moment it was made (the command's now), when the use case knows it."""

    date: date
    collector: str
    calls: tuple[PlannedCall, ...]
    overflow: tuple[Overflow, ...]
    slots: int
    note: Reason | None = None
    excluded: dict[str, Reason] = field(default_factory=dict)
    scores: dict[str, Score] = field(default_factory=dict)
    states: dict[str, AccountState] = field(default_factory=dict)
    slot_starts: tuple[datetime, ...] = ()
    qualities: dict[str, tuple[Decimal, ...]] = field(default_factory=dict)
    packs: dict[str, str] = field(default_factory=dict)
    made_at: datetime | None = None
    #: The debtor's own requests, by account id (those that have any).
    requests: Mapping[str, Requests] = field(default_factory=dict)
    #: Each callable account's pay estimate (``core.paying``): learned, or the rules'.
    pay: Mapping[str, PayEstimate] = field(default_factory=dict)
    #: Where the pay estimates came from: ``learned``; ``no_payments`` (learning on, but
    #: no payment was ever credited to a contact: the rules'); ``off`` (learning off).
    pay_source: str = "off"
    #: The typical balance of each currency the balance factors were measured against
    #: (none with pay learning off).
    balance_scales: Mapping[str, Decimal] = field(default_factory=dict)

    def factor_of(self, account_id: str) -> float:
        """The account's balance factor in this plan (``balance_factor``)."""
        state = self.states[account_id]
        return balance_factor(state.balance, self.balance_scales.get(state.account.currency))

    def expected(self) -> Amounts:
        """The day's expected collections, per currency (the calls' own, summed)."""
        return summed((c.currency, c.expected) for c in self.calls)


@dataclass(frozen=True)
class Portfolio:
    """What a plan is made from: a collector's open accounts and their log, by account id."""

    accounts: list[Account]
    calls: Mapping[str, list[Call]]
    promises: Mapping[str, list[Promise]]
    payments: Mapping[str, list[Payment]]
    #: The debtor's own requests (core.requests), by account id; accounts without any
    #: may be left out.
    requests: Mapping[str, Requests] = field(default_factory=dict)


@dataclass(frozen=True)
class WhyNot:
    """``plan --why-not ID``: whether the account is planned, and the reason code."""

    account_id: str
    planned: bool
    reason: Reason


@dataclass(frozen=True)
class Week:
    """Seven days of plans, and for each account the day it scores best on."""

    collector: str
    plans: tuple[Plan, ...]
    best_day: dict[str, date]


def after(moment: datetime, delta: timedelta) -> datetime:
    """The instant ``delta`` after ``moment``, in ``moment``'s zone. (``moment + delta``
    adds to the wall clock: across a change of the clocks it is an hour off, or a time
    that does not exist.)"""
    return (moment.astimezone(UTC) + delta).astimezone(moment.tzinfo)


def _instant(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of the wall time ``clock`` on ``day`` in ``zone``: the first of the
    two when the clocks go back; one that does not exist (the clocks go forward) is moved
    on by the gap, as ``dateutil.tz.resolve_imaginary`` does."""
    return datetime.combine(day, clock, zone).astimezone(UTC)


@dataclass(frozen=True)
class Shift:
    """The collector's shift on a day as UTC instants, and the length of a slot."""

    zone: ZoneInfo
    start: datetime
    end: datetime
    breaks: tuple[tuple[datetime, datetime], ...]
    step: timedelta

    def slots(self) -> list[datetime]:
        """Every slot's start (UTC), ``step`` apart from the shift's start, each ending by
        its end and touching no break."""
        out = []
        moment = self.start
        while moment + self.step <= self.end:
            if not self._in_break(moment):
                out.append(moment)
            moment += self.step
        return out

    def holds(self, moment: datetime) -> bool:
        """Whether ``moment`` falls in one of the shift's slots (not before the shift, after
        it or in a break)."""
        if not self.start <= moment < self.end:
            return False
        slot = self.start + (moment - self.start) // self.step * self.step
        return slot + self.step <= self.end and not self._in_break(slot)

    def _in_break(self, slot: datetime) -> bool:
        return any(a < slot + self.step and slot < b for a, b in self.breaks)


def shift_on(settings: Settings, day: date) -> Shift | None:
    """The collector's shift on ``day`` (a date in the collector's zone); None on a day
    off (``core.workdays``)."""
    if collector_day_off(settings, day) is not None:
        return None
    zone = ZoneInfo(settings.timezone)
    return Shift(zone, _instant(day, settings.shift.start, zone),
                 _instant(day, settings.shift.end, zone),
                 tuple((_instant(day, a, zone), _instant(day, b, zone))
                       for a, b in settings.shift.breaks),
                 timedelta(minutes=settings.call.handle_minutes))


def day_slots(settings: Settings, day: date, now: datetime) -> list[datetime]:
    """Slot start times of the collector's shift on ``day`` (collector's zone), breaks left
    out; on the current day only slots that have not started yet; none on a day off.

    The slots are instants ``handle_minutes`` apart from the shift's start, so a day the
    clocks change on has no slot twice and none at a time that does not exist."""
    shift = shift_on(settings, day)
    if shift is None:
        return []
    earliest = now.astimezone(UTC)
    return [moment.astimezone(shift.zone) for moment in shift.slots() if moment >= earliest]


def dial_phone(account: Account, account_rules: R.AccountRules, no_workplace: bool = False
               ) -> tuple[Phone | None, Reason | None]:
    """The number the plan dials: the first valid number of the debtor's own; else the first
    valid workplace number where the rules allow workplace calls and the debtor did not ask
    not to be called at work. A third-party number (a relative's, a reference's) is never
    dialled. Returns the phone, or None and the reason code why none may be."""
    work = None
    any_valid = False
    for p in account.phones:
        if not p.valid:
            continue
        any_valid = True
        role = p.role
        if role == DEBTOR:
            return p, None
        if role == WORKPLACE and work is None:
            work = p
    if not any_valid:
        return None, Reason(r.NO_VALID_PHONE)
    if work is None:
        return None, Reason(r.ONLY_THIRD_PARTY)
    if no_workplace:
        return None, Reason(r.WORKPLACE_NOT_ALLOWED, debtor_request=True)
    if not account_rules.workplace_allowed:
        return None, Reason(r.WORKPLACE_NOT_ALLOWED, pack=account_rules.forbids_workplace)
    return work, None


def debtor_day(settings: Settings, day: date, timezone: str) -> date:
    """The debtor's date when the collector's shift starts on ``day``."""
    return datetime.combine(day, settings.shift.start,
                            ZoneInfo(settings.timezone)).astimezone(ZoneInfo(timezone)).date()


#: The bounds of an account's balance against the plan's typical one (its balance factor).
BALANCE_MIN, BALANCE_MAX = 0.1, 10.0


def balance_scales(balances: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """The typical balance of each currency among ``(currency, balance)``: the median of
    the positive ones (what a balance factor is measured against, so that no exchange
    rate is needed to rank accounts of several currencies)."""
    by: dict[str, list[Decimal]] = {}
    for currency, balance in balances:
        if balance > 0:
            by.setdefault(currency, []).append(balance)
    return {c: statistics.median(sorted(v)) for c, v in by.items()}


def balance_factor(balance: Decimal, scale: Decimal | None) -> float:
    """An account's balance against its currency's typical one, to 4 places and within
    ``BALANCE_MIN``-``BALANCE_MAX``; 1 with no scale (learning off: the rules' plan)."""
    if scale is None or scale <= 0:
        return 1.0
    return round(min(max(float(balance / scale), BALANCE_MIN), BALANCE_MAX), 4)


def schedule_weight(total: Decimal, pay: PayEstimate, factor: float = 1.0) -> float:
    """What the schedule gives an account for each unit of contact quality: its score
    (at least ``MIN_WEIGHT``) x its pay lift (``core.paying``; 1 when nothing is known, or
    with learning off) x its balance factor (learning on: the slot's value is then its
    expected collections, linear in the balance, the rules' factors its multiplier)."""
    return max(float(total), MIN_WEIGHT) * pay.lift * factor


def plan_day(portfolio: Portfolio, settings: Settings, now: datetime, collector: str,
             day: date, limit: int | None = None, leave_out: frozenset[str] = frozenset(),
             learned: LearnedContact | None = None, pay: LearnedPay | None = None) -> Plan:
    """The plan for ``collector`` on ``day`` (a date in the collector's zone), from the
    portfolio alone: each account's state, whether it may be called (a reason code if
    not), its score, the contact quality of every slot in the debtor's zone (the rules',
    scaled by ``learned`` when given), and the optimal assignment of accounts to slots.
    The accounts in ``leave_out`` (set aside in work mode) are not planned."""
    # Accounts read from a store are located (``core.zones``); one made by hand is here.
    accounts = [a if a.timezones else located(a, zone_given=True) for a in portfolio.accounts]
    book = outcome_book(settings)
    off = collector_day_off(settings, day)
    shift = shift_on(settings, day)
    slot_starts = day_slots(settings, day, now)
    step = timedelta(minutes=settings.call.handle_minutes)
    retry = timedelta(minutes=settings.call.retry_minutes)
    states: dict[str, AccountState] = {}
    scores: dict[str, Score] = {}
    qualities: dict[str, tuple[Decimal, ...]] = {}
    packs: dict[str, str] = {}
    excluded: dict[str, Reason] = {}
    local_cache: dict[str, list[tuple[datetime, datetime]]] = {}
    profiles: dict[tuple, tuple[tuple[Decimal, ...], tuple[float, ...]]] = {}
    hours_cache: dict[tuple[str, date], tuple | None] = {}
    rules_cache: dict[tuple[str, ...], R.AccountRules] = {}
    dialled: dict[str, str | None] = {}
    avoid_cache: dict = {}
    candidates: list[Candidate] = []
    keys: list[str] = []
    rules_pay = neutral(pay_settings(settings))
    estimates: dict[str, PayEstimate] = {}
    rate = float(settings.learning.prior_rate)

    def local_slots(zone_name: str) -> list[tuple[datetime, datetime]]:
        if zone_name not in local_cache:
            zone = ZoneInfo(zone_name)
            local_cache[zone_name] = [(s.astimezone(zone), after(s, step).astimezone(zone))
                                      for s in slot_starts]
        return local_cache[zone_name]

    def hours_of(name: str, pack, local_day: date):
        key = (name, local_day)
        if key not in hours_cache:
            hours_cache[key] = R.legal_hours(pack, local_day)
        return hours_cache[key]

    for account in accounts:
        aid = account.account_id
        if account.countries not in rules_cache:
            rules_cache[account.countries] = R.rules_for(settings.rules, account.countries)
        account_rules = rules_cache[account.countries]
        pack_name, pack = account_rules.name, account_rules.pack
        packs[aid] = pack_name
        local_day = debtor_day(settings, day, account.timezone)
        state = account_state(account, portfolio.calls.get(aid, []),
                              portfolio.promises.get(aid, []), portfolio.payments.get(aid, []),
                              local_day, book, settings.promise.grace_days,
                              account_rules.voicemail_counts)
        states[aid] = state
        scores[aid] = score(state, local_day, settings)
        asked = portfolio.requests.get(aid)
        _phone, phone_problem = dial_phone(account, account_rules,
                                           asked is not None and asked.no_workplace)
        reason = why_not(state, local_day, account_rules.hold_days, account_rules.caps,
                         phone_problem)
        if state.skip and reason is None:
            reason = Reason(r.SKIP_TRACING)
        if reason is None and aid in leave_out:
            reason = Reason(r.SET_ASIDE)
        if reason:
            excluded[aid] = reason
            continue
        # The quality of each slot depends only on the zones, the rules and the work start,
        # which most accounts share: computed once per combination. The contact quality is
        # the first zone's under the first pack; a slot is open only if it is legal in
        # every zone the debtor may be in, under every pack that applies.
        zones = account.zones
        profile = (zones, account_rules.names, account.work_start)
        if profile not in profiles:
            built: list[Decimal] = []
            for local, local_end in local_slots(zones[0]):
                built.append(R.quality(local, local_end, account.work_start, settings.call,
                                       hours_of(pack_name, pack, local.date())))
            if len(zones) > 1 or len(account_rules.packs) > 1:
                for zone_name in zones:
                    for name, other in zip(account_rules.names, account_rules.packs,
                                           strict=True):
                        for n, (local, local_end) in enumerate(local_slots(zone_name)):
                            if built[n] and not R.within(hours_of(name, other, local.date()),
                                                         local, local_end):
                                built[n] = R.CLOSED
            profiles[profile] = (tuple(built), tuple(float(q) for q in built))
        row, floats = profiles[profile]
        if learned is not None:
            floats = learned.row(account, pack_name, local_day, floats, local_slots(zones[0]))
        if state.last_attempt is not None and state.callback_at is None:
            row, floats = _after_retry(row, floats, slot_starts,
                                       state.last_attempt + retry)
        # The debtor's windows are their local time: closed in every zone they may be in.
        avoid = _after_avoid_everywhere(row, floats, [local_slots(z) for z in zones],
                                        portfolio.requests.get(aid), avoid_cache)
        row, floats = avoid.row, avoid.floats
        qualities[aid] = row
        if avoid.reason is not None:
            excluded[aid] = avoid.reason
            continue
        pinned = _pinned_slot(state, slot_starts, shift, now)
        if pinned is not None and pinned in avoid.shut:
            pinned = _next_open(row, pinned)  # a callback inside the window: after it
        elif (pinned == len(slot_starts) and asked is not None and asked.avoid
              and state.callback_at is not None
              and _in_window(asked, account.zones, state.callback_at, step)):
            # At its own time (outside the shift), but in the debtor's window: the first
            # open slot after it.
            later = next((i for i, start in enumerate(slot_starts)
                          if start >= state.callback_at), None)
            pinned = _next_open(row, later) if later is not None else None
        if not any(row) and pinned != len(slot_starts):  # (a callback at its own time may be)
            if slot_starts and any(profiles[profile][0]) and state.last_attempt is not None:
                here = ZoneInfo(settings.timezone)
                excluded[aid] = Reason(r.RETRY_GAP, tried_at=state.last_attempt.astimezone(here),
                                       not_before=(state.last_attempt + retry).astimezone(here))
                continue
            closed = R.closed_reason(pack, local_day)
            if closed is None and len(zones) > 1 and slot_starts:
                closed = Reason(r.NO_COMMON_HOURS, zones=list(zones))
            excluded[aid] = (closed or Reason(r.OUTSIDE_LEGAL_HOURS)) if slot_starts else (
                off or Reason(r.NO_SLOTS_LEFT))
            continue
        dialled[aid] = _phone.number if _phone is not None else None
        estimates[aid] = pay.of(account, local_day) if pay is not None else rules_pay
        candidates.append(Candidate(0.0, floats, pinned))
        keys.append(aid)
    # With pay learning on, each weight is scaled by the account's balance against the
    # typical one of its currency among those callable (``balance_factor``).
    scales = balance_scales((states[aid].account.currency, states[aid].balance)
                            for aid in keys) if pay is not None else {}
    candidates = [replace(c, weight=schedule_weight(
        scores[aid].total, estimates[aid],
        balance_factor(states[aid].balance, scales.get(states[aid].account.currency))))
        for c, aid in zip(candidates, keys, strict=True)]
    assignment = schedule(candidates, len(slot_starts), limit)
    by_id = {a.account_id: a for a in accounts}
    planned = []
    for index, slot in sorted(assignment.items(), key=lambda item: item[1]):
        aid = keys[index]
        account, state = by_id[aid], states[aid]
        start = slot_starts[slot]
        callback = (state.callback_at.astimezone(ZoneInfo(account.timezone))
                    if state.callback_at is not None else None)
        p_contact = round(min(candidates[index].quality[slot] * rate, 1.0), PLACES)
        planned.append(PlannedCall(
            account_id=aid, start=start, end=after(start, step), score=scores[aid].total,
            phone=dialled[aid], reasons=tuple(_reasons(state, scores[aid])),
            window=WINDOW_NAMES.get(qualities[aid][slot], "normal"), name=account.name,
            balance=state.balance, currency=account.currency,
            days_past_due=state.days_past_due,
            pinned=candidates[index].pinned is not None, callback_at=callback,
            zones=account.zones, p_contact=p_contact,
            expected=expected(state.balance, p_contact, estimates[aid]),
        ))
    planned.extend(replace(c, p_contact=round(rate, PLACES),
                           expected=expected(c.balance, rate, estimates[c.account_id]))
                   for c in _callbacks_at_their_time(candidates, keys, assignment, by_id,
                                                     states, scores, packs, settings, now,
                                                     excluded))
    planned.sort(key=lambda call: call.start.astimezone(UTC))
    ranked = sorted((aid for aid in keys if aid not in excluded),
                    key=lambda aid: (-scores[aid].total, aid))
    rank = {aid: n for n, aid in enumerate(ranked, start=1)}
    chosen = {call.account_id for call in planned}
    slots = _slots_used(len(slot_starts), limit, candidates, assignment)
    overflow = tuple(
        Overflow(aid, scores[aid].total, Reason(r.OVERFLOW, slots=slots, rank=rank[aid]))
        for aid in ranked if aid not in chosen
    )
    note = None
    if not accounts:
        note = Reason(r.NO_OPEN_ACCOUNTS, collector=collector)
    elif not slot_starts:
        note = off or Reason(r.NO_SLOTS_ON_DAY, day=day)
    return Plan(day, collector, tuple(planned), overflow, slots, note, excluded,
                scores, states, tuple(slot_starts), qualities, packs,
                requests=portfolio.requests, pay=estimates, balance_scales=scales,
                pay_source="off" if pay is None else "learned" if pay.feed else "no_payments")


def may_call_now(plan: Plan, settings: Settings, account_id: str, now: datetime) -> bool:
    """Whether a planned call may be made at ``now`` rather than at its slot (work mode
    runs ahead of the plan): within the debtor's legal hours for a whole call, not before
    the retry gap is over, a callback not more than one slot before its time, and never
    in a window the debtor asked not to be called in."""
    state = plan.states[account_id]
    account = state.account
    step = timedelta(minutes=settings.call.handle_minutes)
    requests = plan.requests.get(account_id)
    if requests is not None:
        for zone_name in account.zones:
            zone = ZoneInfo(zone_name)
            if avoided(requests, now.astimezone(zone), (now + step).astimezone(zone)):
                return False
    if state.callback_at is not None:
        return state.callback_at <= now + step
    if (state.last_attempt is not None
            and now < state.last_attempt + timedelta(minutes=settings.call.retry_minutes)):
        return False
    account_rules = R.rules_for(settings.rules, account.countries)
    return R.closed_at(account_rules, account.zones, now, now + step) is None


def _after_retry(row, floats, slot_starts, earliest: datetime):
    """The quality row with the slots before ``earliest`` closed (a retry too soon)."""
    cut = sum(1 for start in slot_starts if start < earliest)
    if not cut:
        return row, floats
    return ((R.CLOSED,) * cut + row[cut:], (0.0,) * cut + floats[cut:])


class _Avoided(NamedTuple):
    """A quality row after the debtor's own windows (:func:`_after_avoid`)."""

    row: tuple[Decimal, ...]
    floats: tuple[float, ...]
    #: The slots inside one of the windows.
    shut: frozenset[int] = frozenset()
    #: ``debtor_avoid`` when the windows closed the last slots that were open.
    reason: Reason | None = None


def _after_avoid(row, floats, local_slots, requests: Requests | None,
                 cache: dict) -> _Avoided:
    """The quality row with the slots the debtor asked not to be called in closed
    (``local_slots``: each slot's start and end in the debtor's zone, one list per zone;
    ``cache``: the plan's, for what accounts of one zone with the same windows share)."""
    if requests is None or not requests.avoid:
        return _Avoided(row, floats)
    zone = id(local_slots)  # one list per zone, alive as long as the plan is made
    if zone not in cache:
        cache[zone] = [span_of(start, end) for start, end in local_slots]
    key = (zone, requests.avoid)
    if key not in cache:
        cache[key] = avoided_slots(requests, cache[zone])
    windows = cache[key]
    if not windows:
        return _Avoided(row, floats)
    closed = tuple(R.CLOSED if i in windows else q for i, q in enumerate(row))
    reason = None
    if not any(closed) and any(row):
        # Name the window that closed the most of the slots that were open.
        counts: dict = {}
        for index, window in windows.items():
            if row[index]:
                counts[window] = counts.get(window, 0) + 1
        reason = Reason(r.DEBTOR_AVOID, window_detail(max(counts, key=counts.__getitem__)))
    return _Avoided(closed, tuple(0.0 if i in windows else f for i, f in enumerate(floats)),
                    frozenset(windows), reason)


def _after_avoid_everywhere(row, floats, zone_slots: list, requests: Requests | None,
                            cache: dict) -> _Avoided:
    """:func:`_after_avoid` in each candidate zone's local slots, the closures combined."""
    if requests is None or not requests.avoid:
        return _Avoided(row, floats)
    shut: frozenset[int] = frozenset()
    reason = None
    current = _Avoided(row, floats)
    for local in zone_slots:
        current = _after_avoid(current.row, current.floats, local, requests, cache)
        shut |= current.shut
        reason = reason or current.reason
    if any(current.row) or not any(row):
        reason = None
    elif reason is None:
        reason = Reason(r.DEBTOR_AVOID, window_detail(requests.avoid[0]))
    return _Avoided(current.row, current.floats, shut, reason)


def _in_window(requests: Requests, zones: tuple[str, ...], moment: datetime, step) -> bool:
    """Whether a call at ``moment`` falls in one of the debtor's windows, in any zone."""
    return any(avoided(requests, moment.astimezone(ZoneInfo(z)),
                       after(moment, step).astimezone(ZoneInfo(z))) for z in zones)


def _next_open(row, index: int) -> int | None:
    """The first open slot from ``index`` on, or None."""
    return next((i for i in range(index, len(row)) if row[i]), None)


def _pinned_slot(state: AccountState, slot_starts: list[datetime], shift: Shift | None,
                 now: datetime) -> int | None:
    """The slot a callback is pinned to: the first of ``slot_starts`` that ends after the
    callback's time (so never more than one slot early; a callback already due takes the
    next slot). ``len(slot_starts)`` (no slot: the call is planned at its own time) when the
    time is still to come and falls outside the shift's slots. None: no callback, or a day
    off."""
    due = state.callback_at
    if due is None or shift is None:
        return None
    due = due.astimezone(UTC)
    if due >= now.astimezone(UTC) and not shift.holds(due):
        return len(slot_starts)
    return next((index for index, start in enumerate(slot_starts)
                 if start.astimezone(UTC) + shift.step > due), len(slot_starts))


def _callbacks_at_their_time(candidates, keys, assignment, by_id, states, scores, packs,
                             settings: Settings, now: datetime,
                             excluded: dict[str, Reason]) -> list[PlannedCall]:
    """Callbacks no slot took (their time is outside the shift's slots, or every open slot
    from theirs on is taken or closed): planned at their own time, marked
    ``outside_shift``, when that time is still to come and within the debtor's legal
    hours; otherwise left out with ``callback_no_slot`` (in ``excluded``), never planned
    earlier than their time."""
    step = timedelta(minutes=settings.call.handle_minutes)
    here = ZoneInfo(settings.timezone)
    calls = []
    for index, candidate in enumerate(candidates):
        if candidate.pinned is None or index in assignment:
            continue
        aid = keys[index]
        account, state = by_id[aid], states[aid]
        zone = ZoneInfo(account.timezone)
        due = state.callback_at
        assert due is not None  # a pinned candidate is a callback
        local = due.astimezone(zone)
        pack = settings.rules.packs[packs[aid]]
        quality = R.quality(local, after(local, step), account.work_start, settings.call,
                            R.legal_hours(pack, local.date()))
        # Legal in every zone the debtor may be in, under every pack that applies.
        if R.closed_at(R.rules_for(settings.rules, account.countries), account.zones, due,
                       after(due, step)) is not None:
            quality = R.CLOSED
        if due < now or quality <= R.CLOSED:
            excluded[aid] = Reason(r.CALLBACK_NO_SLOT, at=local)
            continue
        phone, _problem = dial_phone(account, R.rules_for(settings.rules, account.countries))
        start = due.astimezone(here)
        calls.append(PlannedCall(
            account_id=aid, start=start, end=after(start, step), score=scores[aid].total,
            phone=phone.number if phone is not None else None,
            reasons=tuple(_reasons(state, scores[aid])),
            window=WINDOW_NAMES.get(quality, "normal"), name=account.name,
            balance=state.balance, currency=account.currency,
            days_past_due=state.days_past_due, pinned=True, callback_at=local,
            outside_shift=True, zones=account.zones,
        ))
    return calls


def _slots_used(slots: int, limit: int | None, candidates, assignment) -> int:
    """The slots the plan fills from: all of them, or with ``limit`` that many for the
    ordinary calls and the callbacks' own slots besides."""
    if limit is None:
        return slots
    in_slots = sum(1 for index in assignment if candidates[index].pinned is not None)
    return min(slots, max(limit, 0) + in_slots)


def _reasons(state: AccountState, account_score: Score) -> list[str]:
    if state.callback_at is None:
        return account_score.reasons()
    return [r.CALLBACK, *account_score.reasons(2, leave_out=("callback_due",))]


def why_not_planned(plan: Plan, account_id: str) -> WhyNot:
    """Why an account is not in the plan (or where it is), as a reason code."""
    for call in plan.calls:
        if call.account_id == account_id:
            return WhyNot(account_id, True, Reason(r.PLANNED, at=call.start, window=call.window))
    if account_id in plan.excluded:
        return WhyNot(account_id, False, plan.excluded[account_id])
    for item in plan.overflow:
        if item.account_id == account_id:
            return WhyNot(account_id, False, item.reason)
    raise UnknownAccount(account_id, plan.collector)


def best_days(plans: tuple[Plan, ...]) -> dict[str, date]:
    """For each account callable on some day of ``plans``, the day it scores best on."""
    best: dict[str, tuple[Decimal, date]] = {}
    for plan in plans:
        for aid, account_score in plan.scores.items():
            if aid in plan.excluded:
                continue
            if aid not in best or account_score.total > best[aid][0]:
                best[aid] = (account_score.total, plan.date)
    return {aid: day for aid, (_s, day) in sorted(best.items())}
