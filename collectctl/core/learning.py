"""Learning when each debtor answers: a Beta-Bernoulli estimate of P(right-party contact)
for each hour of the day x weekday class, per account, from the call log.

Pure. The rules (``core.rules``) give every minute a contact quality (golden 1.0,
normal 0.6, lunch 0.3); ``prior_rate`` turns it into a probability (the right-party
rate a golden minute stands for), and the mean over an hour's minutes is that hour's
prior mean ``m``. The unknown is each hour's rate; within the hour the rules' shape is
kept, so a try counts as the *exposure* of its minute, its quality over the hour's mean
(a try in the golden quarter hour counts about 1.4, one at lunch less than 1): a
debtor who answers in the golden window does not make the rest of that hour look
golden. With ``s`` = ``prior_strength`` pseudo-calls:

- a segment (debtors alike: risk, days-past-due bucket, time zone, work-start hour)
  whose other accounts made ``k`` right-party contacts with exposure ``e`` at that hour
  has the mean ``m_seg = (s*m + k) / (s + e)``;
- an account with ``k_a`` contacts in exposure ``e_a`` has the posterior
  ``Beta(s*m_seg + k_a, s*(1 - m_seg) + e_a - k_a)``, whose mean is
  ``(s*m_seg + k_a) / (s + e_a)`` (with every try at an average minute, ``e`` is the
  number of tries and this is the plain Beta-Bernoulli update).

So a new account starts from what similar debtors did, and one with calls of its own
moves toward them. A slot's learned quality is its rule quality scaled by
posterior / prior for its hour: with no calls it is exactly the rules' number.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from collectctl.core.accounts import days_past_due_on
from collectctl.core.models import Account, Call
from collectctl.core.outcomes import OutcomeBook

if TYPE_CHECKING:
    from collectctl.config import Settings

ACCOUNT, SEGMENT = "a", "s"
#: (hour 0-23, weekend) -> (tries, right-party contacts, exposure)
Counts = Mapping[tuple[int, bool], tuple[int, int, float]]
NONE = (0, 0, 0.0)
#: Exposure is stored in thousandths, so adding and taking back are exact.
MILLI = 1000
#: Keeps a Beta's parameters positive when the prior mean is 0 or 1.
EDGE = 1e-3


def weekend(day: date) -> bool:
    return day.weekday() >= 5


def dpd_bucket(dpd: int | None) -> str:
    """M0 (current), M1 (1-30 days past due) ... M6+ (151 and more)."""
    if dpd is None or dpd <= 0:
        return "M0"
    bucket = (dpd - 1) // 30 + 1
    return "M6+" if bucket >= 6 else f"M{bucket}"


def segment_of(account: Account, day: date) -> str:
    """The debtors an account is like on ``day``: risk, DPD bucket, time zone and the hour
    work starts (``-`` when unknown)."""
    start = f"{account.work_start.hour:02d}" if account.work_start else "-"
    return "|".join((account.risk or "-", dpd_bucket(days_past_due_on(account, day)),
                     account.timezone, start))


@dataclass(frozen=True)
class Observation:
    """What one call says about when its debtor answers."""

    account_id: str
    segment: str
    hour: int
    weekend: bool
    rpc: bool
    weight: float = 1.0  # the exposure of the try: its minute's quality over the hour's


def observe(account: Account, call: Call, book: OutcomeBook,
            shape: Callable[[datetime], float] | None = None) -> Observation | None:
    """The call as evidence, or None if it says nothing about the debtor's hours: not a
    dial (skip, undo, resume), or a wrong or dead number (the debtor was never rung).
    ``shape(local time)`` gives the try's weight (``rules.hour_shape``)."""
    outcome = book.find(call.outcome)
    if outcome is None or not outcome.attempt or outcome.effect == "invalidate_phone":
        return None
    local = call.called_at.astimezone(ZoneInfo(account.timezone))
    return Observation(account.account_id, segment_of(account, local.date()), local.hour,
                       weekend(local.date()), outcome.right_party,
                       shape(local) if shape else 1.0)


def deltas(observations: Iterable[Observation], sign: int = 1) -> dict[tuple, list[int]]:
    """Stats rows to add, ``(scope, key, hour, weekend) -> [tries, contacts, exposure in
    thousandths]``: each call counts for its account and for its segment (``sign=-1``
    takes undone calls back out)."""
    out: dict[tuple, list[int]] = {}
    for o in observations:
        milli = round(o.weight * MILLI)
        for key in ((ACCOUNT, o.account_id, o.hour, o.weekend),
                    (SEGMENT, o.segment, o.hour, o.weekend)):
            row = out.setdefault(key, [0, 0, 0])
            row[0] += sign
            row[1] += sign * o.rpc
            row[2] += sign * milli
    return out


def rebuild(pairs: Iterable[tuple[Account, list[Call]]], book: OutcomeBook,
            shape_for: Callable[[Account], Callable[[datetime], float]] | None = None
            ) -> dict[tuple, list[int]]:
    """The whole stats table from the log: every standing entry of every account
    (undone entries and their reversals left out), as the incremental updates make it."""
    def observations():
        for account, calls in pairs:
            undone = {c.reverses for c in calls if c.reverses is not None}
            for call in calls:
                if call.reverses is not None or call.reversed_by is not None \
                        or call.id in undone:
                    continue
                seen = observe(account, call, book,
                               shape_for(account) if shape_for else None)
                if seen is not None:
                    yield seen

    return {k: v for k, v in deltas(observations()).items() if any(v)}


# -- what a team server derives the counts with ------------------------------------------
#
# On PostgreSQL no client writes the counts: the server derives them from each call as it
# is logged (``storage.schema``, migration 11), as ``observe`` and ``deltas`` do here, from
# a copy of the two things of the configuration they depend on, which a lead publishes.

#: The server's rules for an account of a country ``rules.by_country`` does not name.
ANY_COUNTRY = "*"


def outcome_classes(book: OutcomeBook) -> dict[str, tuple[bool, bool]]:
    """What the counts need of the outcome book: each code and alias, casefolded as
    ``OutcomeBook.find`` looks them up, -> (counts: a dial that says when the debtor
    answers, as ``observe`` takes it; a right-party contact)."""
    return {name.casefold(): (o.attempt and o.effect != "invalidate_phone", o.right_party)
            for o in book.outcomes for name in (o.code, *o.aliases)}


@dataclass(frozen=True)
class ShapeRules:
    """What the weight of a try (``rules.hour_shape``) depends on for the accounts of one
    country: its pack's legal hours on weekdays and at weekends (minutes of the debtor's
    day, the end exclusive; None: no calls), the call settings (minutes) and the rules'
    qualities of a golden, a normal and a lunch minute."""

    weekday: tuple[int, int] | None
    weekend: tuple[int, int] | None
    handle_minutes: int
    golden_minutes: int
    lunch: tuple[int, int]
    qualities: tuple[float, float, float]


def country_zones() -> dict[str, str]:
    """Where the server places a debtor it knows only by the list's country (as
    ``zones.locate`` does): each country's first zone."""
    from collectctl.core.zones import first_zones

    return first_zones()


def shape_rules(settings: Settings) -> dict[str, ShapeRules]:
    """The weights' rules by country (the pack ``rules.pack_for`` picks; ``ANY_COUNTRY``:
    the default pack), as ``app.learn.shape_for`` applies them."""
    from collectctl.core import rules as R

    def span(hours) -> tuple[int, int] | None:
        return None if hours is None else (hours[0].hour * 60 + hours[0].minute,
                                           hours[1].hour * 60 + hours[1].minute)

    call = settings.call
    qualities = (float(R.GOLDEN), float(R.NORMAL), float(R.LUNCH))

    def of(pack) -> ShapeRules:
        return ShapeRules(span(pack.weekday_hours), span(pack.weekend_hours),
                          call.handle_minutes, call.golden_minutes, span(call.lunch)
                          or (0, 0), qualities)

    packs = settings.rules.packs
    out = {country: of(packs[name]) for country, name in settings.rules.by_country.items()
           if country != ANY_COUNTRY}
    out[ANY_COUNTRY] = of(packs[settings.rules.default])
    return out


# -- the estimate --------------------------------------------------------------------------

@dataclass(frozen=True)
class HourEstimate:
    hour: int
    prior: float  # the rules' probability for the hour
    segment: float  # the prior moved by the segment's calls
    posterior: float  # moved again by the account's own calls
    tries: int  # the account's own
    contacts: int
    alpha: float
    beta: float


def _less(outer: tuple, inner: tuple) -> tuple:
    """Counts of ``outer`` without those of ``inner`` (a part of it)."""
    return (max(outer[0] - inner[0], 0), max(outer[1] - inner[1], 0),
            max(outer[2] - inner[2], 0.0))


def _update(mean: float, strength: float, counts: tuple) -> float:
    """The Beta mean after ``counts`` (tries, contacts, exposure) on a prior of ``mean``
    worth ``strength`` pseudo-tries."""
    _n, k, e = counts
    return min((strength * mean + k) / (strength + e), 1.0) if strength + e > 0 else mean


def estimate(prior: float, strength: float, segment: tuple, own: tuple,
             hour: int = 0) -> HourEstimate:
    """The update for one hour, from ``(tries, contacts, exposure)`` counts: the rules'
    prior -> the segment's other accounts -> the account. The segment's counts include
    the account's own; they are taken out, so no call is counted twice."""
    seg = _update(prior, strength, _less(segment, own))
    n_a, k_a, e_a = own
    base = min(max(seg, EDGE), 1 - EDGE)
    alpha = strength * base + k_a
    beta = strength * (1 - base) + (e_a - k_a)
    if strength + e_a <= 0:  # no prior weight and no calls
        return HourEstimate(hour, prior, seg, seg, n_a, k_a, base, 1 - base)
    return HourEstimate(hour, prior, seg, min(alpha / (strength + e_a), 1.0), n_a, k_a,
                        max(alpha, EDGE), max(beta, EDGE))


def curve(priors: Mapping[int, float], strength: float, segment: Counts, own: Counts,
          is_weekend: bool) -> dict[int, HourEstimate]:
    """The estimate for every hour with a prior (the hours calls are allowed)."""
    return {h: estimate(p, strength, segment.get((h, is_weekend), NONE),
                        own.get((h, is_weekend), NONE), h)
            for h, p in priors.items()}


def sample(est: HourEstimate, rng: random.Random) -> float:
    """A Thompson draw from the hour's posterior."""
    return rng.betavariate(est.alpha, est.beta)


def explores(rng_seed: str, account_id: str, share: float) -> bool:
    """Whether an account's curve is a Thompson sample in an ``--explore`` plan: a stable
    draw per plan day and account, true for ``share`` of them."""
    return random.Random(f"{rng_seed}|{account_id}").random() < share


# -- the learned rows of a plan ------------------------------------------------------------

def _rule_hours(settings: Settings, pack, work_start, local_day: date) -> dict[int, float]:
    """The mean contact quality the rules give each hour of the debtor's ``local_day``."""
    from collectctl.core import rules as R

    return R.hour_means(local_day, work_start, settings.call, R.legal_hours(pack, local_day))


class _SlotHours(list):
    """A slot -> (debtor's date, hour) list, and the hours of each date it covers."""

    def __init__(self, items) -> None:
        super().__init__(items)
        self.by_date: dict[date, set[int]] = {}
        #: (first slot, past the last, (date, hour)) of each run of slots in one hour.
        self.runs: list[tuple[int, int, tuple[date, int]]] = []
        for n, (day, hour) in enumerate(self):
            self.by_date.setdefault(day, set()).add(hour)
            if self.runs and self.runs[-1][2] == (day, hour):
                self.runs[-1] = (self.runs[-1][0], n + 1, (day, hour))
            else:
                self.runs.append((n, n + 1, (day, hour)))


class LearnedContact:
    """The learned side of contact quality for one plan: the counts (read by the use
    case, handed in), each hour's prior per (rule pack, work start, debtor's day), and each
    account's slot qualities as rule quality x posterior / prior."""

    def __init__(self, settings: Settings, own: Mapping[str, Counts],
                 segments: Mapping[str, Counts], collector: str, day: date,
                 explore: bool) -> None:
        self.settings = settings
        self.own = own
        self.segments = segments
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
        factor = {}
        for when, hours in keys.by_date.items():
            is_weekend = weekend(when)
            priors = self.priors(pack_name, work_start, when)
            wanted = {h: p for h, p in priors.items()
                      if h in hours and (not only_own or (h, is_weekend) in own)}
            for h, e in curve(wanted, self.strength, segment, own, is_weekend).items():
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
                                 _rule_hours(self.settings, pack, work_start, local_day).items()
                                 if q > 0}
        return self._priors[key]

    def curve(self, account: Account, pack_name: str, local_day: date):
        """The account's estimate for each allowed hour of ``local_day``."""
        segment = self.segments.get(segment_of(account, local_day), {})
        return curve(self.priors(pack_name, account.work_start, local_day), self.strength,
                     segment, self.own.get(account.account_id, {}), weekend(local_day))

    def row(self, account: Account, pack_name: str, local_day: date,
            floats: tuple[float, ...], locals_: list[tuple[datetime, datetime]]
            ) -> tuple[float, ...]:
        """The slot qualities the plan uses: the rules' ``floats`` scaled hour by hour."""
        aid = account.account_id
        own = self.own.get(aid)
        segment_key = segment_of(account, local_day)
        sampled = bool(self.share) and explores(self.seed, aid, self.share)
        if own is None and segment_key not in self.segments:
            return floats  # nothing learned yet: the rules, exactly
        # Accounts alike (same zone, rules, work start and segment) with no calls of their
        # own share one row.
        cache_key = None if own or sampled else (account.zones, pack_name,
                                                 account.work_start, segment_key, local_day)
        if cache_key in self._rows:
            return self._rows[cache_key]
        rng = random.Random(f"{self.seed}|{aid}") if sampled else None
        keys = self._slot_hours(account.zones[0], locals_)  # the zone of ``locals_``
        segment = self.segments.get(segment_key, {})
        if rng is not None:
            factor = self._factors(pack_name, account.work_start, keys, segment, own or {},
                                   pick=lambda e: sample(e, rng))
        else:
            # What the segment alone says, shared by its accounts; then only the hours
            # the account has calls of its own at are estimated again.
            factor = self._segment_factors(pack_name, account.work_start, segment_key, keys)
            if own:
                factor = {**factor, **self._factors(pack_name, account.work_start, keys,
                                                    segment, own, only_own=True)}
        # Hour by hour (a run of slots shares its factor; q x 1.0 is q, 0.0 x f is 0.0).
        out: list[float] = []
        for first, end, key in keys.runs:
            f = factor.get(key, 1.0)
            out.extend(floats[first:end] if f == 1.0 else [q * f for q in floats[first:end]])
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


def contact_curve(learned: LearnedContact, account: Account, pack_name: str,
                  local_day: date) -> ContactCurve:
    """The account's learned contact probability for each hour of ``local_day``."""
    is_weekend = weekend(local_day)
    own = learned.own.get(account.account_id, {})
    mine = [v for (_h, w), v in own.items() if w == is_weekend]
    return ContactCurve(local_day, is_weekend, segment_of(account, local_day),
                        learned.curve(account, pack_name, local_day),
                        sum(v[0] for v in mine), sum(v[1] for v in mine))
