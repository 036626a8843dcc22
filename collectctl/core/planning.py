"""Who to call on a day and why: each account's state, its eligibility and its score.

Pure: the caller passes the account with its log, promises and payments, the plan
date and the settings. The score is a sum of named factors (measure x coefficient),
in the manner of Taskwarrior's urgency, so ``plan --explain`` can show every term.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

from collectctl.config import WEEKDAY_KEYS, Settings, outcome_book
from collectctl.core import activity
from collectctl.core import reasons as r
from collectctl.core import rules as R
from collectctl.core.accounts import best_phone_number, days_past_due_on
from collectctl.core.learning import LearnedContact
from collectctl.core.models import LAST_DAY, Account, Call, Payment, Promise
from collectctl.core.outcomes import OutcomeBook
from collectctl.core.promises import BROKEN, PENDING, PromiseView, holds_calls, select_promises
from collectctl.core.reasons import FACTOR_CODES, Reason
from collectctl.core.requests import Requests, avoided, avoided_slots, span_of, window_detail
from collectctl.core.rules import CLOSED, GOLDEN, LUNCH, NORMAL
from collectctl.core.schedule import Candidate, schedule
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


def why_not(state: AccountState, day: date, pack_hold_days: int, caps: tuple) -> Reason | None:
    """Why an account may not be called on ``day`` (a reason code); None if it may."""
    account = state.account
    max_day, max_week, max_contacts = caps
    if account.status != "open":
        return Reason(r.ACCOUNT_CLOSED)
    if state.hold is not None:
        return Reason(r.CEASE if state.hold.outcome == "cease" else r.DISPUTE,
                      since=state.hold.since.astimezone(ZoneInfo(account.timezone)).date())
    if state.holding_promise is not None:
        return Reason(r.PROMISE_HOLD, amount=state.holding_promise.amount,
                      currency=account.currency, due=state.holding_promise.due)
    if not any(p.valid for p in account.phones):
        return Reason(r.NO_VALID_PHONE)
    if max_day is not None and state.attempts_today >= max_day:
        return Reason(r.CAP_TODAY, calls=state.attempts_today)
    if max_week is not None and state.attempts_7d >= max_week:
        return Reason(r.CAP_7_DAYS, calls=state.attempts_7d)
    if max_contacts is not None and state.contacts_7d >= max_contacts:
        return Reason(r.CAP_CONTACTS_7_DAYS, contacts=state.contacts_7d)
    if state.last_conversation is not None and state.callback_at is None:
        talked_at = state.last_conversation.astimezone(ZoneInfo(account.timezone))
        if talked_at.date() == day:
            return Reason(r.REACHED_TODAY, at=talked_at)
    if pack_hold_days and state.last_conversation is not None and state.callback_at is None:
        talked = state.last_conversation.astimezone(ZoneInfo(account.timezone)).date()
        if (day - talked).days < pack_hold_days:
            return Reason(r.CONVERSATION_HOLD, on=talked, days=pack_hold_days)
    return None


# -- the day's plan ------------------------------------------------------------------------

MIN_WEIGHT = 0.01
WINDOW_NAMES = {GOLDEN: "golden", NORMAL: "normal", LUNCH: "lunch", CLOSED: "closed"}


@dataclass(frozen=True)
class PlannedCall:
    """One call of the plan. ``start``/``end`` are in the collector's zone; ``reasons`` are
    codes (``core.reasons``); ``callback_at`` is a pinned callback's time in the debtor's
    zone."""

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


@dataclass(frozen=True)
class Overflow:
    account_id: str
    score: Decimal
    reason: Reason


@dataclass(frozen=True)
class Plan:
    """A day's plan: the calls in time order, what did not fit, and why others were left out."""

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
    #: The debtor's own requests, by account id (those that have any).
    requests: Mapping[str, Requests] = field(default_factory=dict)


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


def day_slots(settings: Settings, day: date, now: datetime) -> list[datetime]:
    """Slot start times of the collector's shift on ``day`` (collector's zone), breaks left
    out; on the current day only slots that have not started yet."""
    zone = ZoneInfo(settings.timezone)
    step = timedelta(minutes=settings.call.handle_minutes)
    start = datetime.combine(day, settings.shift.start, zone)
    end = datetime.combine(day, settings.shift.end, zone)
    breaks = [(datetime.combine(day, a, zone), datetime.combine(day, b, zone))
              for a, b in settings.shift.breaks]
    slots = []
    moment = start
    while moment + step <= end:
        in_break = any(a < moment + step and moment < b for a, b in breaks)
        if not in_break and moment >= now:
            slots.append(moment)
        moment += step
    return slots


def account_country(account: Account) -> str | None:
    """The region of the account's best phone (``TW``), or None."""
    number = best_phone_number(account)
    if not number or not number.startswith("+"):
        return None
    import phonenumbers

    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(number))
    except phonenumbers.NumberParseException:
        return None


def debtor_day(settings: Settings, day: date, timezone: str) -> date:
    """The debtor's date when the collector's shift starts on ``day``."""
    return datetime.combine(day, settings.shift.start,
                            ZoneInfo(settings.timezone)).astimezone(ZoneInfo(timezone)).date()


def plan_day(portfolio: Portfolio, settings: Settings, now: datetime, collector: str,
             day: date, limit: int | None = None, leave_out: frozenset[str] = frozenset(),
             learned: LearnedContact | None = None) -> Plan:
    """The plan for ``collector`` on ``day`` (a date in the collector's zone), from the
    portfolio alone: each account's state, whether it may be called (a reason code if
    not), its score, the contact quality of every slot in the debtor's zone (the rules',
    scaled by ``learned`` when given), and the optimal assignment of accounts to slots.
    The accounts in ``leave_out`` (set aside in work mode) are not planned."""
    accounts = portfolio.accounts
    book = outcome_book(settings)
    slot_starts = day_slots(settings, day, now)
    if limit is not None:
        slot_starts = slot_starts[:max(limit, 0)]
    step = timedelta(minutes=settings.call.handle_minutes)
    retry = timedelta(minutes=settings.call.retry_minutes)
    need_country = bool(settings.rules.by_country)
    states: dict[str, AccountState] = {}
    scores: dict[str, Score] = {}
    qualities: dict[str, tuple[Decimal, ...]] = {}
    packs: dict[str, str] = {}
    excluded: dict[str, Reason] = {}
    local_cache: dict[str, list[tuple[datetime, datetime]]] = {}
    profiles: dict[tuple, tuple[tuple[Decimal, ...], tuple[float, ...]]] = {}
    hours_cache: dict[tuple[str, date], tuple | None] = {}
    avoid_cache: dict = {}
    candidates: list[Candidate] = []
    keys: list[str] = []
    for account in accounts:
        aid = account.account_id
        pack_name, pack = R.pack_for(settings.rules, account_country(account) if need_country
                                     else None)
        packs[aid] = pack_name
        zone = ZoneInfo(account.timezone)
        local_day = debtor_day(settings, day, account.timezone)
        state = account_state(account, portfolio.calls.get(aid, []),
                              portfolio.promises.get(aid, []), portfolio.payments.get(aid, []),
                              local_day, book, settings.promise.grace_days,
                              pack.voicemail_counts)
        states[aid] = state
        scores[aid] = score(state, local_day, settings)
        caps = (pack.max_attempts_per_day, pack.max_attempts_per_7_days,
                pack.max_contacts_per_7_days)
        reason = why_not(state, local_day, pack.hold_days_after_conversation, caps)
        if state.skip and reason is None:
            reason = Reason(r.SKIP_TRACING)
        if reason is None and aid in leave_out:
            reason = Reason(r.SET_ASIDE)
        if reason:
            excluded[aid] = reason
            continue
        # The quality of each slot depends only on the zone, the rules and the work start,
        # which most accounts share: computed once per combination.
        profile = (account.timezone, pack_name, account.work_start)
        if profile not in profiles:
            if account.timezone not in local_cache:
                local_cache[account.timezone] = [
                    (s.astimezone(zone), (s + step).astimezone(zone)) for s in slot_starts]
            built: list[Decimal] = []
            for local, local_end in local_cache[account.timezone]:
                key = (pack_name, local.date())
                if key not in hours_cache:
                    hours_cache[key] = R.legal_hours(pack, local.date())
                built.append(R.quality(local, local_end, account.work_start, settings.call,
                                       hours_cache[key]))
            profiles[profile] = (tuple(built), tuple(float(q) for q in built))
        row, floats = profiles[profile]
        if learned is not None:
            floats = learned.row(account, pack_name, local_day, floats,
                                 local_cache[account.timezone])
        if state.last_attempt is not None and state.callback_at is None:
            row, floats = _after_retry(row, floats, slot_starts,
                                       state.last_attempt + retry)
        avoid = _after_avoid(row, floats, local_cache[account.timezone],
                             portfolio.requests.get(aid), avoid_cache)
        row, floats = avoid.row, avoid.floats
        qualities[aid] = row
        if avoid.reason is not None:
            excluded[aid] = avoid.reason
            continue
        if not any(row):
            if slot_starts and any(profiles[profile][0]) and state.last_attempt is not None:
                here = ZoneInfo(settings.timezone)
                excluded[aid] = Reason(r.RETRY_GAP, tried_at=state.last_attempt.astimezone(here),
                                       not_before=(state.last_attempt + retry).astimezone(here))
                continue
            closed = R.closed_reason(pack, local_day)
            excluded[aid] = (closed or Reason(r.OUTSIDE_LEGAL_HOURS)
                             ) if slot_starts else Reason(r.NO_SLOTS_LEFT)
            continue
        pinned = _pinned_slot(state, slot_starts, step)
        if pinned in avoid.shut:  # a callback inside the debtor's window: the next open slot
            pinned = _next_open(row, pinned)
        weight = max(float(scores[aid].total), MIN_WEIGHT)
        candidates.append(Candidate(weight, floats, pinned))
        keys.append(aid)
    assignment = schedule(candidates, len(slot_starts))
    by_id = {a.account_id: a for a in accounts}
    planned = []
    for index, slot in sorted(assignment.items(), key=lambda item: item[1]):
        aid = keys[index]
        account, state = by_id[aid], states[aid]
        start = slot_starts[slot]
        callback = (state.callback_at.astimezone(ZoneInfo(account.timezone))
                    if state.callback_at is not None else None)
        planned.append(PlannedCall(
            account_id=aid, start=start, end=start + step, score=scores[aid].total,
            phone=best_phone_number(account), reasons=tuple(_reasons(state, scores[aid])),
            window=WINDOW_NAMES.get(qualities[aid][slot], "normal"), name=account.name,
            balance=state.balance, currency=account.currency,
            days_past_due=state.days_past_due,
            pinned=candidates[index].pinned is not None, callback_at=callback,
        ))
    ranked = sorted(keys, key=lambda aid: (-scores[aid].total, aid))
    rank = {aid: n for n, aid in enumerate(ranked, start=1)}
    chosen = {keys[i] for i in assignment}
    overflow = tuple(
        Overflow(aid, scores[aid].total, Reason(r.OVERFLOW, slots=len(slot_starts),
                                                rank=rank[aid]))
        for aid in ranked if aid not in chosen
    )
    note = None
    if not accounts:
        note = Reason(r.NO_OPEN_ACCOUNTS, collector=collector)
    elif not slot_starts:
        note = Reason(r.NO_SLOTS_ON_DAY, day=day)
    return Plan(day, collector, tuple(planned), overflow, len(slot_starts), note, excluded,
                scores, states, tuple(slot_starts), qualities, packs,
                requests=portfolio.requests)


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
        zone = ZoneInfo(account.timezone)
        if avoided(requests, now.astimezone(zone), (now + step).astimezone(zone)):
            return False
    if state.callback_at is not None:
        return state.callback_at <= now + step
    if (state.last_attempt is not None
            and now < state.last_attempt + timedelta(minutes=settings.call.retry_minutes)):
        return False
    zone = ZoneInfo(account.timezone)
    local = now.astimezone(zone)
    pack = settings.rules.packs[plan.packs[account_id]]
    return R.quality(local, (now + step).astimezone(zone), account.work_start, settings.call,
                     R.legal_hours(pack, local.date())) > R.CLOSED


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


def _next_open(row, index: int) -> int | None:
    """The first open slot from ``index`` on, or None."""
    return next((i for i in range(index, len(row)) if row[i]), None)


def _pinned_slot(state: AccountState, slot_starts: list[datetime], step) -> int | None:
    if state.callback_at is None or not slot_starts:
        return None
    for index, start in enumerate(slot_starts):
        if start + step > state.callback_at:
            return index
    return len(slot_starts) - 1


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
