"""Building a collector's timed call plan for a day.

Reads the portfolio once from the store, then everything is pure: each account's
state (``core.planning``), whether it may be called and why not, its score, the
contact quality of every slot in the debtor's zone (``core.rules``), and the
optimal assignment of accounts to slots (``core.schedule``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from collectctl.config import Settings, outcome_book
from collectctl.core import rules as R
from collectctl.core.accounts import best_phone_number
from collectctl.core.models import Account
from collectctl.core.planning import AccountState, Score, account_state, score, why_not
from collectctl.core.schedule import Candidate, schedule
from collectctl.errors import UsageError
from collectctl.i18n import _

MIN_WEIGHT = 0.01
WINDOW_NAMES = {R.GOLDEN: "golden", R.NORMAL: "normal", R.LUNCH: "lunch", R.CLOSED: "closed"}


@dataclass(frozen=True)
class PlannedCall:
    """One call of the plan. ``start``/``end`` are in the collector's zone."""

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


@dataclass(frozen=True)
class Overflow:
    account_id: str
    score: Decimal
    reason: str


@dataclass(frozen=True)
class Plan:
    """A day's plan: the calls in time order, what did not fit, and why others were left out."""

    date: date
    collector: str
    calls: tuple[PlannedCall, ...]
    overflow: tuple[Overflow, ...]
    slots: int
    note: str | None = None
    excluded: dict[str, str] = field(default_factory=dict)
    scores: dict[str, Score] = field(default_factory=dict)
    states: dict[str, AccountState] = field(default_factory=dict)
    slot_starts: tuple[datetime, ...] = ()
    qualities: dict[str, tuple[Decimal, ...]] = field(default_factory=dict)
    packs: dict[str, str] = field(default_factory=dict)


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
    number = best_phone_number(account)
    if not number or not number.startswith("+"):
        return None
    import phonenumbers

    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(number))
    except phonenumbers.NumberParseException:
        return None


def rule_hours(settings: Settings, pack, work_start, local_day: date) -> dict[int, float]:
    """The mean contact quality the rules give each hour of the debtor's ``local_day``."""
    return R.hour_means(local_day, work_start, settings.call, R.legal_hours(pack, local_day))


class _SlotHours(list):
    """A slot -> (debtor's date, hour) list, and the hours of each date it covers."""

    def __init__(self, items) -> None:
        super().__init__(items)
        self.by_date: dict[date, set[int]] = {}
        for day, hour in self:
            self.by_date.setdefault(day, set()).add(hour)


class Learned:
    """The learned side of contact quality for one plan (``core.learning``): the counts
    read once, each hour's prior per (rule pack, work start, debtor's day), and each
    account's slot qualities as rule quality x posterior / prior."""

    def __init__(self, store, settings: Settings, collector: str, day: date,
                 explore: bool, account_id: str | None = None,
                 segments: dict | None = None) -> None:
        self.settings = settings
        self.own, read = store.contact_stats(collector, account_id, segments is None)
        self.segments = segments if segments is not None else read
        self.strength = float(settings.learning.prior_strength)
        self.rate = float(settings.learning.prior_rate)
        self.share = float(settings.learning.explore_share) if explore else 0.0
        self.seed = f"{day.isoformat()}|{collector}"
        self._priors: dict[tuple, dict[int, float]] = {}
        self._rows: dict[tuple, tuple[float, ...]] = {}
        self._hours: dict[str, _SlotHours] = {}
        self._factors_cache: dict[tuple, dict[tuple[date, int], float]] = {}

    def _slot_hours(self, timezone: str, locals_) -> _SlotHours:
        """(debtor's date, hour) of each slot, for a time zone (computed once)."""
        if timezone not in self._hours:
            self._hours[timezone] = _SlotHours((local.date(), local.hour)
                                               for local, _end in locals_)
        return self._hours[timezone]

    def _factors(self, pack_name: str, work_start, keys: _SlotHours, segment, own,
                 only_own: bool = False, pick=None) -> dict[tuple[date, int], float]:
        """posterior / prior (or ``pick(estimate)`` / prior) of each (date, hour) of the
        slots; with ``only_own``, just the hours ``own`` has counts at."""
        from collectctl.core import learning

        factor = {}
        for when, hours in keys.by_date.items():
            weekend = learning.weekend(when)
            priors = self.priors(pack_name, work_start, when)
            wanted = {h: p for h, p in priors.items()
                      if h in hours and (not only_own or (h, weekend) in own)}
            for h, e in learning.curve(wanted, self.strength, segment, own, weekend).items():
                factor[(when, h)] = (pick(e) if pick else e.posterior) / priors[h]
        return factor

    def _segment_factors(self, pack_name: str, work_start, segment_key: str,
                         keys: _SlotHours) -> dict[tuple[date, int], float]:
        """The factors for an account with no calls of its own in ``segment_key``
        (computed once per segment and profile)."""
        cache = (pack_name, work_start, segment_key, id(keys))
        if cache not in self._factors_cache:
            self._factors_cache[cache] = self._factors(
                pack_name, work_start, keys, self.segments.get(segment_key, {}), {})
        return self._factors_cache[cache]

    def priors(self, pack_name: str, work_start, local_day: date) -> dict[int, float]:
        key = (pack_name, work_start, local_day)
        if key not in self._priors:
            pack = self.settings.rules.packs[pack_name]
            self._priors[key] = {h: self.rate * q for h, q in
                                 rule_hours(self.settings, pack, work_start, local_day).items()
                                 if q > 0}
        return self._priors[key]

    def curve(self, account: Account, pack_name: str, local_day: date):
        """The account's estimate for each allowed hour of ``local_day``."""
        from collectctl.core import learning

        segment = self.segments.get(learning.segment_of(account, local_day), {})
        return learning.curve(self.priors(pack_name, account.work_start, local_day),
                              self.strength, segment, self.own.get(account.account_id, {}),
                              learning.weekend(local_day))

    def row(self, account: Account, pack_name: str, local_day: date,
            floats: tuple[float, ...], locals_: list[tuple[datetime, datetime]]
            ) -> tuple[float, ...]:
        """The slot qualities the plan uses: the rules' ``floats`` scaled hour by hour."""
        from collectctl.core import learning

        aid = account.account_id
        own = self.own.get(aid)
        segment_key = learning.segment_of(account, local_day)
        sampled = bool(self.share) and learning.explores(self.seed, aid, self.share)
        if own is None and segment_key not in self.segments:
            return floats  # nothing learned yet: the rules, exactly
        # Accounts alike (same zone, rules, work start and segment) with no calls of their
        # own share one row.
        cache_key = None if own or sampled else (account.timezone, pack_name,
                                                 account.work_start, segment_key, local_day)
        if cache_key in self._rows:
            return self._rows[cache_key]
        rng = random.Random(f"{self.seed}|{aid}") if sampled else None
        keys = self._slot_hours(account.timezone, locals_)
        segment = self.segments.get(segment_key, {})
        if rng is not None:
            factor = self._factors(pack_name, account.work_start, keys, segment, own or {},
                                   pick=lambda e: learning.sample(e, rng))
        else:
            # What the segment alone says, shared by its accounts; then only the hours
            # the account has calls of its own at are estimated again.
            factor = self._segment_factors(pack_name, account.work_start, segment_key, keys)
            if own:
                factor = {**factor, **self._factors(pack_name, account.work_start, keys,
                                                    segment, own, only_own=True)}
        out = [q * factor.get(k, 1.0) if q else 0.0 for q, k in zip(floats, keys, strict=True)]
        row = tuple(out)
        if cache_key is not None:
            self._rows[cache_key] = row
        return row


@dataclass(frozen=True)
class ContactCurve:
    """What ``plan --explain`` shows of an account's learned hours on the debtor's day."""

    local_date: date
    weekend: bool
    segment: str
    #: hour -> the estimate (only the hours calls are allowed in).
    hours: dict
    calls: int  # the account's own tries at any hour of this weekday class
    contacts: int


def contact_curve(store, settings: Settings, plan: Plan, account_id: str) -> ContactCurve:
    """The account's learned contact probability for each hour of its day in ``plan``."""
    from collectctl.core import learning

    account = plan.states[account_id].account
    zone = ZoneInfo(account.timezone)
    local_day = datetime.combine(plan.date, settings.shift.start,
                                 ZoneInfo(settings.timezone)).astimezone(zone).date()
    learned = Learned(store, settings, plan.collector, plan.date, False, account_id)
    weekend = learning.weekend(local_day)
    own = learned.own.get(account_id, {})
    mine = [v for (_h, w), v in own.items() if w == weekend]
    return ContactCurve(local_day, weekend, learning.segment_of(account, local_day),
                        learned.curve(account, plan.packs[account_id], local_day),
                        sum(v[0] for v in mine), sum(v[1] for v in mine))


def build_plan(store, settings: Settings, now: datetime, collector: str, day: date,
               limit: int | None = None, leave_out: frozenset[str] = frozenset(),
               explore: bool = False, segments: dict | None = None) -> Plan:
    """The plan for ``collector`` on ``day`` (a date in the collector's zone); the accounts
    in ``leave_out`` (set aside in work mode) are not planned. Contact quality is learned
    from the log unless ``learning.enabled`` is off; ``explore`` draws a share of the
    accounts' hours from what is known instead of taking the best estimate."""
    accounts, calls, promises, payments = store.portfolio(collector)
    learned = (Learned(store, settings, collector, day, explore, segments=segments)
               if settings.learning.enabled else None)
    if not accounts:
        known = store.collectors()
        if collector not in known:
            raise UsageError(_("no open accounts assigned to {who!r} (collectors: {known})")
                             .format(who=collector, known=", ".join(known) or _("none")))
    book = outcome_book(settings)
    slot_starts = day_slots(settings, day, now)
    if limit is not None:
        slot_starts = slot_starts[:max(limit, 0)]
    step = timedelta(minutes=settings.call.handle_minutes)
    retry = timedelta(minutes=settings.call.retry_minutes)
    need_country = bool(settings.rules.by_country)
    states, scores, qualities, packs, excluded = {}, {}, {}, {}, {}
    local_cache: dict[str, list[tuple[datetime, datetime]]] = {}
    profiles: dict[tuple, tuple[tuple[Decimal, ...], tuple[float, ...]]] = {}
    hours_cache: dict[tuple[str, date], tuple | None] = {}
    candidates: list[Candidate] = []
    keys: list[str] = []
    for account in accounts:
        aid = account.account_id
        pack_name, pack = R.pack_for(settings.rules, account_country(account) if need_country
                                     else None)
        packs[aid] = pack_name
        zone = ZoneInfo(account.timezone)
        local_day = datetime.combine(day, settings.shift.start,
                                     ZoneInfo(settings.timezone)).astimezone(zone).date()
        state = account_state(account, calls.get(aid, []), promises.get(aid, []),
                              payments.get(aid, []), local_day, book,
                              settings.promise.grace_days, pack.voicemail_counts)
        states[aid] = state
        scores[aid] = score(state, local_day, settings)
        caps = (pack.max_attempts_per_day, pack.max_attempts_per_7_days,
                pack.max_contacts_per_7_days)
        reason = why_not(state, local_day, pack.hold_days_after_conversation, caps)
        if state.skip and reason is None:
            reason = _("marked for skip tracing")
        if reason is None and aid in leave_out:
            reason = _("set aside for now")
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
            row = []
            for local, local_end in local_cache[account.timezone]:
                key = (pack_name, local.date())
                if key not in hours_cache:
                    hours_cache[key] = R.legal_hours(pack, local.date())
                row.append(R.quality(local, local_end, account.work_start, settings.call,
                                     hours_cache[key]))
            profiles[profile] = (tuple(row), tuple(float(q) for q in row))
        row, floats = profiles[profile]
        if learned is not None:
            floats = learned.row(account, pack_name, local_day, floats,
                                 local_cache[account.timezone])
        if state.last_attempt is not None and state.callback_at is None:
            row, floats = _after_retry(row, floats, slot_starts,
                                       state.last_attempt + retry)
        qualities[aid] = row
        if not any(row):
            if slot_starts and any(profiles[profile][0]):
                again = (state.last_attempt + retry).astimezone(ZoneInfo(settings.timezone))
                excluded[aid] = _("tried at {time}; not again before {again}").format(
                    time=state.last_attempt.astimezone(ZoneInfo(settings.timezone))
                    .strftime("%H:%M"), again=again.strftime("%H:%M"))
                continue
            closed = R.closed_reason(pack, local_day)
            excluded[aid] = (closed or _("outside legal hours for its whole window")
                             ) if slot_starts else _("no slots left in the shift")
            continue
        pinned = _pinned_slot(state, slot_starts, step)
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
        planned.append(PlannedCall(
            account_id=aid, start=start, end=start + step, score=scores[aid].total,
            phone=best_phone_number(account), reasons=tuple(_reasons(state, scores[aid])),
            window=WINDOW_NAMES.get(qualities[aid][slot], "normal"), name=account.name,
            balance=state.balance, currency=account.currency,
            days_past_due=state.days_past_due,
            pinned=candidates[index].pinned is not None,
        ))
    ranked = sorted(keys, key=lambda aid: (-scores[aid].total, aid))
    rank = {aid: n for n, aid in enumerate(ranked, start=1)}
    chosen = {keys[i] for i in assignment}
    overflow = tuple(
        Overflow(aid, scores[aid].total, _("overflow: {slots} slots, ranked {rank}").format(
            slots=len(slot_starts), rank=_ordinal(rank[aid])))
        for aid in ranked if aid not in chosen
    )
    note = None
    if not accounts:
        note = _("{who} has no open accounts").format(who=collector)
    elif not slot_starts:
        note = _("no slots left in the shift on {day}").format(day=day.isoformat())
    return Plan(day, collector, tuple(planned), overflow, len(slot_starts), note, excluded,
                scores, states, tuple(slot_starts), qualities, packs)


def may_call_now(plan: Plan, settings: Settings, account_id: str, now: datetime) -> bool:
    """Whether a planned call may be made at ``now`` rather than at its slot (work mode
    runs ahead of the plan): within the debtor's legal hours for a whole call, not before
    the retry gap is over, and a callback not more than one slot before its time."""
    state = plan.states[account_id]
    account = state.account
    step = timedelta(minutes=settings.call.handle_minutes)
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
    local = state.callback_at.astimezone(ZoneInfo(state.account.timezone))
    return [_("callback {time}").format(time=local.strftime("%H:%M")),
            *account_score.reasons(2, leave_out=("callback_due",))]


def _ordinal(n: int) -> str:
    """``3rd`` in English; other languages say the number (their message words it)."""
    from collectctl.i18n import current_language

    if current_language() is not None:
        return str(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def why_not_planned(plan: Plan, account_id: str) -> str:
    """Why an account is not in the plan, in words (or where it is)."""
    for call in plan.calls:
        if call.account_id == account_id:
            from collectctl.render.display import window

            return _("planned at {time} ({window} window)").format(
                time=call.start.strftime("%H:%M"), window=window(call.window))
    if account_id in plan.excluded:
        return plan.excluded[account_id]
    for item in plan.overflow:
        if item.account_id == account_id:
            return item.reason
    raise UsageError(_("{id} is not among {who}'s open accounts").format(
        id=account_id, who=plan.collector))


@dataclass(frozen=True)
class Week:
    """Seven days of plans, and for each account the day it scores best on."""

    collector: str
    plans: tuple[Plan, ...]
    best_day: dict[str, date]


def build_week(store, settings: Settings, now: datetime, collector: str, first: date) -> Week:
    """Plans for ``first`` and the six days after it."""
    plans = tuple(build_plan(store, settings, now, collector, first + timedelta(days=n))
                  for n in range(7))
    best: dict[str, tuple[Decimal, date]] = {}
    for plan in plans:
        for aid, account_score in plan.scores.items():
            if aid in plan.excluded:
                continue
            if aid not in best or account_score.total > best[aid][0]:
                best[aid] = (account_score.total, plan.date)
    return Week(collector, plans, {aid: day for aid, (_s, day) in sorted(best.items())})


def _plans_for(target: str, settings: Settings, now: datetime, day: date,
               collectors: list[str], render=None) -> list:
    """Plans for several collectors from one connection (a worker process's share);
    with ``render``, each plan is rendered in the worker (formatting in parallel too)."""
    from collectctl.storage import open_store

    store = open_store(target)
    try:
        # Every collector's plan reads the same segment counts: once per worker.
        segments = (store.contact_stats(collectors[0])[1]
                    if settings.learning.enabled and collectors else None)
        plans = (build_plan(store, settings, now, who, day, segments=segments)
                 for who in collectors)
        return [render(p) if render else _lean(p) for p in plans]
    finally:
        store.close()


def _lean(plan: Plan) -> Plan:
    """The plan without the per-account working data (states, scores), to send it back."""
    from dataclasses import replace

    return replace(plan, scores={}, states={}, qualities={}, packs={})


def build_all(target: str, collectors: list[str], settings: Settings, now: datetime,
              day: date, workers: int | None = None, render=None) -> list:
    """Every collector's plan (or ``render(plan)``, a picklable function), in collector
    order, spread over the machine's cores."""
    import os

    collectors = sorted(collectors)
    workers = max(1, min(workers or os.cpu_count() or 1, len(collectors)))
    if workers == 1:
        return _plans_for(target, settings, now, day, collectors, render)
    from concurrent.futures import ProcessPoolExecutor

    shares = [collectors[n::workers] for n in range(workers)]
    with ProcessPoolExecutor(workers) as pool:
        results = list(pool.map(_plans_for, [target] * workers, [settings] * workers,
                                [now] * workers, [day] * workers, shares,
                                [render] * workers))
    # Undo the round-robin split: collector k went to worker k % workers.
    return [results[k % workers][k // workers] for k in range(len(collectors))]
