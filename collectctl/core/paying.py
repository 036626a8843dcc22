"""Learning who pays when reached: a Beta-Bernoulli estimate of P(payment within N days |
right-party contact) per account, and the expected share of the balance a payment makes.

Pure. Contact learning (``core.learning``) says *when* a debtor answers; this says whether
reaching them brings money. The evidence is a **trial**: each standing right-party
contact (an ``rpc``, ``ptp``, ``paid``... entry not undone). A trial's window runs from the
debtor's day of the call to ``window_days`` later, or to the promise's due day plus the
grace days when the call made a promise falling later (never more than ``MAX_WINDOW``
days). Each standing payment is credited to the latest trial whose window holds its day
(last-touch attribution: a payment pays one trial, never two).

A trial is **decided** once it is paid (at once) or once its window has ended unpaid;
until then it says nothing. Counting only paid ones early would make every debtor look
like a payer; counting unpaid ones early would make recent contacts look like refusals.
A broken promise is a decided, unpaid trial.

With ``s`` = ``pay_strength`` pseudo-trials and the rules' rate ``m`` (``pay_prior``):

- a segment (the same segments as contact learning, of the list in force on the trial's
  day) whose *other* accounts have ``k`` paid trials of ``n`` decided has the mean
  ``m_seg = (s*m + k) / (s + n)`` (leave-one-out: the account's own are taken out);
- the account, with ``k_a`` of ``n_a``, has ``P(pay) = (s*m_seg + k_a) / (s + n_a)``.

With ``pay_strength_fit`` (the default) ``s`` is not the configured one but fitted to how
far the paying rates of the collector's accounts spread (``fitted_strength``): high where
debtors pay alike, so the luck of who paid first moves little; low where they differ.

The share of the balance a paid trial brought (its payments over the balance of the list
in force on its day, at most 1) is shrunk the same way toward the segment's, then the
rules' ``pay_share``. The account's **lift** is ``P(pay) x share / (m x pay_share)``: 1 when
nothing is known, clamped to ``[LIFT_MIN, LIFT_MAX]`` so that no estimate, however it was
reached, can take an account out of the plan or fill it alone. The planner multiplies the
rules' score by it; ``expected`` is the money a call in a slot is expected to bring.

On a team server the trials are the server's (``storage.schema``, migration 15): each
account contributes at most ``SEGMENT_CAP`` trials (its latest) to its segments, so no
account, and no collector's few accounts, can move another collector's estimates far.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from zoneinfo import ZoneInfo

from collectctl.core.learning import explores, segment_of
from collectctl.core.models import Account, Call, Payment
from collectctl.core.outcomes import OutcomeBook

#: Shares are kept in thousandths, so adding and taking back are exact.
MILLI = 1000
#: The longest window a promise can give a trial, in days.
MAX_WINDOW = 60
#: The most trials one account adds to its segments (its latest).
SEGMENT_CAP = 10
#: The lift's bounds.
LIFT_MIN, LIFT_MAX = 0.25, 4.0
#: The decimal places of P(pay), the share, the lift and P(contact): the figures
#: ``plan --explain`` shows are those the plan used, so they multiply out exactly.
PLACES = 4


@dataclass(frozen=True)
class ListVersion:
    """What an account's list said until ``replaced_at`` (a row of ``account_history``):
    the fields a trial takes from the list in force on its day."""

    replaced_at: datetime
    amount_due: Decimal
    risk: str | None
    past_due_since: date | None
    work_start: time | None


@dataclass(frozen=True)
class Trial:
    """One right-party contact as evidence of paying."""

    call_id: int
    account_id: str
    segment: str
    day: date  # the debtor's day of the call
    window_end: date  # the last day a payment counts for it
    balance: Decimal  # of the list in force at the call (> 0)
    paid: Decimal  # the payments credited to it
    counted: bool  # one of the account's latest SEGMENT_CAP: counts for its segment

    @property
    def share_milli(self) -> int:
        """The share of the balance paid, in thousandths (0 to 1000)."""
        if self.paid <= 0 or self.balance <= 0:
            return 0
        return int(min(self.paid, self.balance) * MILLI / self.balance)


def in_force(account: Account, versions: Sequence[ListVersion], moment: datetime) -> Account:
    """The account as its list stood at ``moment``: the first version replaced after it,
    else the current one."""
    for version in sorted(versions, key=lambda v: v.replaced_at):
        if version.replaced_at > moment:
            return replace(account, amount_due=version.amount_due, risk=version.risk,
                           past_due_since=version.past_due_since,
                           work_start=version.work_start)
    return account


def window_end(day: date, promise_due: date | None, window_days: int, grace_days: int) -> date:
    end = day + timedelta(days=window_days)
    if promise_due is not None:
        end = max(end, promise_due + timedelta(days=grace_days))
    return min(end, day + timedelta(days=MAX_WINDOW))


def trials(account: Account, calls: Iterable[Call], payments: Iterable[Payment],
           book: OutcomeBook, window_days: int, grace_days: int,
           versions: Sequence[ListVersion] = ()) -> list[Trial]:
    """The account's trials from its whole log (any order; undone entries and undo entries
    left out), each with the payments credited to it. A function of the log alone: the
    counts kept as entries are written and those ``learn rebuild`` makes are the same."""
    calls = list(calls)
    undone = {c.reverses for c in calls if c.reverses is not None}
    zone = ZoneInfo(account.timezone)
    made: list[Trial] = []
    for call in calls:
        if call.reverses is not None or call.reversed_by is not None or call.id in undone \
                or call.id is None:
            continue
        outcome = book.find(call.outcome)
        if outcome is None or not outcome.right_party:
            continue
        listed = in_force(account, versions, call.called_at)
        if listed.amount_due <= 0:
            continue  # nothing owed: nothing to learn about paying it
        day = call.called_at.astimezone(zone).date()
        made.append(Trial(call.id, account.account_id, segment_of(listed, day), day,
                          window_end(day, call.promise_date, window_days, grace_days),
                          listed.amount_due, Decimal(0), False))
    made.sort(key=lambda t: (t.day, t.call_id))
    paid = [Decimal(0)] * len(made)
    for payment in payments:
        if payment.amount <= 0:
            continue
        for n in range(len(made) - 1, -1, -1):  # the latest trial whose window holds it
            if made[n].day <= payment.paid_on <= made[n].window_end:
                paid[n] += payment.amount
                break
    first_counted = max(len(made) - SEGMENT_CAP, 0)
    return [replace(t, paid=paid[n], counted=n >= first_counted) for n, t in enumerate(made)]


# -- the counts ------------------------------------------------------------------------------

#: A segment's rows: ``(window_end, trials, paid, share in thousandths)``.
SegmentRows = Sequence[tuple[date, int, int, int]]
#: Stats rows to add: ``(segment, window_end) -> [trials, paid, share_milli]``.
StatsDelta = dict[tuple[str, date], list[int]]


def stats_delta(trials_: Iterable[Trial], sign: int = 1) -> StatsDelta:
    """What the counted trials add to their segments' rows (``sign=-1``: take out)."""
    out: StatsDelta = {}
    for t in trials_:
        if not t.counted:
            continue
        row = out.setdefault((t.segment, t.window_end), [0, 0, 0])
        row[0] += sign
        row[1] += sign * (t.paid > 0)
        row[2] += sign * t.share_milli
    return out


def merge(*deltas: StatsDelta) -> StatsDelta:
    out: StatsDelta = {}
    for delta in deltas:
        for key, values in delta.items():
            row = out.setdefault(key, [0, 0, 0])
            for n, v in enumerate(values):
                row[n] += v
    return {k: v for k, v in out.items() if any(v)}


@dataclass(frozen=True)
class Counts:
    """Decided trials, the paid ones among them, and their shares' sum (thousandths)."""

    decided: int = 0
    paid: int = 0
    share_milli: int = 0

    def __sub__(self, other: Counts) -> Counts:
        return Counts(max(self.decided - other.decided, 0), max(self.paid - other.paid, 0),
                      max(self.share_milli - other.share_milli, 0))


def decided(t: Trial, today: date) -> bool:
    return t.paid > 0 or t.window_end < today


def own_counts(trials_: Iterable[Trial], today: date, only_counted: bool = False) -> Counts:
    """An account's counts on ``today`` (``only_counted``: what it adds to its segment)."""
    n = k = s = 0
    for t in trials_:
        if (only_counted and not t.counted) or not decided(t, today):
            continue
        n += 1
        k += t.paid > 0
        s += t.share_milli
    return Counts(n, k, s)


def ended_counts(trials_: Iterable[Trial], day: date) -> Counts:
    """The counts of the trials whose windows had ended before ``day`` (what was known of
    them then, whatever was paid later)."""
    before = [t for t in trials_ if t.window_end < day]
    return Counts(len(before), sum(t.paid > 0 for t in before),
                  sum(t.share_milli for t in before))


def segment_counts(rows: SegmentRows, today: date) -> Counts:
    """A segment's counts on ``today`` from its rows: every trial whose window ended before
    it, and the paid ones of the windows still open."""
    n = k = s = 0
    for end, trials_n, paid_n, share in rows:
        n += trials_n if end < today else paid_n
        k += paid_n
        s += share
    return Counts(n, k, s)


# -- the estimate ----------------------------------------------------------------------------

@dataclass(frozen=True)
class PaySettings:
    """What the estimate takes of ``learning:`` (floats: these are probabilities)."""

    prior: float  # P(pay within the window | right-party contact) by the rules
    share: float  # the share of the balance a payment makes, by the rules
    strength: float  # pseudo-trials the prior is worth
    window_days: int
    fit: bool = False  # fit the strength to the accounts' spread (``fitted_strength``)


def pay_settings(settings) -> PaySettings:
    learning = settings.learning
    return PaySettings(float(learning.pay_prior), float(learning.pay_share),
                       float(learning.pay_strength), int(learning.pay_window_days),
                       bool(learning.pay_strength_fit))


#: The fewest accounts with two or more decided trials a strength is fitted on (fewer: the
#: configured one).
FIT_MIN_ACCOUNTS = 10
#: The fitted strength's bounds, in pseudo-trials.
STRENGTH_MIN, STRENGTH_MAX = 1.0, 100.0


def fitted_strength(counts: Iterable[Counts], fallback: float) -> float:
    """How many trials the prior is worth, fitted to how far the accounts' own paying rates
    spread (empirical Bayes, the method of moments of a beta-binomial): with ``n_i`` decided
    and ``k_i`` paid trials of account ``i``, ``N``, ``K`` their sums and ``p = K/N``,

    - ``S = sum n_i (k_i/n_i - p)^2``, the weighted spread of the rates, whose expectation
      is ``(I-1) p(1-p) + tau^2 (N - sum n_i^2 / N - (I-1))``;
    - ``S / p(1-p)`` is Pearson's chi-square of the rates' homogeneity (``I-1`` degrees of
      freedom): below its 95th percentile the rates spread no more than chance makes
      them, and the debtors are taken to pay alike (the most strength: a moment estimate
      of a spread that is not there is noise, and it cost 2-7% of the money where
      debtors paid alike, in the simulator);
    - otherwise ``tau^2 = (S - (I-1) p(1-p)) / (N - sum n_i^2 / N - (I-1))``, the spread
      of the true rates once the binomial noise is taken out;
    - the strength ``p(1-p)/tau^2 - 1``, at most ``STRENGTH_MAX`` and at least
      ``fallback``, the configured strength: the fit only ever shrinks more. Below it, two
      or three contacts would decide an account, and a contact's window misses what a
      slow payer pays after it (measured in the simulator: with the fit free down to 1,
      9% less money than without learning who pays, seed 2).

    An account with one decided trial says nothing of the spread (its rate is 0 or 1
    whatever its debtor is like): ``fallback`` unless ``FIT_MIN_ACCOUNTS`` accounts have two
    or more. A fit is rounded to a tenth, so that ``plan --explain`` shows the strength
    used."""
    rows = [(c.decided, min(c.paid, c.decided)) for c in counts if c.decided > 0]
    if sum(n >= 2 for n, _k in rows) < FIT_MIN_ACCOUNTS:
        return fallback
    floor, ceiling = max(fallback, STRENGTH_MIN), max(fallback, STRENGTH_MAX)
    total = sum(n for n, _k in rows)
    p = sum(k for _n, k in rows) / total
    noise = p * (1 - p)
    if noise <= 0:  # all paid or none did: nothing tells them apart
        return ceiling
    spread = math.fsum(n * (k / n - p) ** 2 for n, k in rows)  # exact: any order
    freedom = len(rows) - 1
    if spread / noise <= _chi2_95(freedom):
        return ceiling
    room = total - sum(n * n for n, _k in rows) / total - freedom
    if room <= 0:  # one account holds nearly every trial
        return fallback
    tau2 = (spread - freedom * noise) / room
    if tau2 <= 0:
        return ceiling
    return min(max(round(noise / tau2 - 1, 1), floor), ceiling)


def _chi2_95(freedom: int) -> float:
    """The chi-square distribution's 95th percentile (Wilson-Hilferty: within 1% from 3
    degrees of freedom up)."""
    ninth = 2 / (9 * freedom)
    return freedom * (1 - ninth + 1.6449 * math.sqrt(ninth)) ** 3


@dataclass(frozen=True)
class PayEstimate:
    """An account's learned chance of paying when reached, and what it pays."""

    p_pay: float  # the posterior mean
    share: float  # of the balance, when a payment is made
    lift: float  # p_pay x share against the rules', clamped
    segment_p: float  # the segment's mean (the account's prior)
    segment_share: float
    own: Counts  # the account's own decided / paid trials
    segment: Counts  # the segment's other accounts'
    alpha: float  # the posterior Beta(alpha, beta) of P(pay)
    beta: float
    strength: float = 0.0  # the pseudo-trials the prior was worth (fitted or configured)


def _mean(prior: float, strength: float, hits: float, tries: float) -> float:
    return (strength * prior + hits) / (strength + tries) if strength + tries > 0 else prior


def estimate(ps: PaySettings, own: Counts, segment: Counts = Counts()) -> PayEstimate:
    """The estimate for an account with ``own`` counts in a segment whose *other*
    accounts have ``segment``."""
    s = ps.strength
    seg_p = _mean(ps.prior, s, segment.paid, segment.decided)
    seg_share = _mean(ps.share, s, segment.share_milli / MILLI, segment.paid)
    p = _mean(seg_p, s, own.paid, own.decided)
    share = _mean(seg_share, s, own.share_milli / MILLI, own.paid)
    alpha = max(s * seg_p + own.paid, 1e-3)
    beta = max(s * (1 - seg_p) + own.decided - own.paid, 1e-3)
    p, share = round(p, PLACES), round(share, PLACES)
    return PayEstimate(p, share, _lift(ps, p, share), seg_p, seg_share, own, segment,
                       alpha, beta, s)


def _lift(ps: PaySettings, p_pay: float, share: float) -> float:
    base = ps.prior * ps.share
    lift = p_pay * share / base if base > 0 else 1.0
    return round(min(max(lift, LIFT_MIN), LIFT_MAX), PLACES)


def neutral(ps: PaySettings) -> PayEstimate:
    """The rules' estimate, lift 1: what an account gets when the store has no payments
    to learn from (with no payment feed every trial ends unpaid, which says nothing)."""
    return PayEstimate(ps.prior, ps.share, 1.0, ps.prior, ps.share, Counts(), Counts(),
                       max(ps.strength * ps.prior, 1e-3),
                       max(ps.strength * (1 - ps.prior), 1e-3), ps.strength)


class LearnedPay:
    """The pay side of one plan: each account's estimate from its own trials and its
    segment's rows (read by the use case, handed in)."""

    def __init__(self, ps: PaySettings, today: date, own: Mapping[str, Sequence[Trial]],
                 segments: Mapping[str, SegmentRows], feed: bool, seed: str | None = None,
                 explore_share: float = 0.0) -> None:
        #: With ``fit``, the strength is fitted to the spread of these accounts' own
        #: trials whose windows have ended (``fitted_strength``; a paid trial still open
        #: would count payers early and make them look further apart than they are).
        self.ps = replace(ps, strength=fitted_strength(
            (ended_counts(mine, today) for mine in own.values()), ps.strength)) if (
            ps.fit and feed) else ps
        self.today = today
        self.own = own
        self.segments = segments
        self.feed = feed  # any payment was ever credited to a trial
        #: ``plan --explore``: the accounts ``learning.explores`` picks (the same ones
        #: whose hours are drawn) take a draw of P(pay) from its posterior.
        self.seed = seed
        self.explore_share = explore_share
        self._segment: dict[str, Counts] = {}

    def _segment_counts(self, key: str) -> Counts:
        if key not in self._segment:
            self._segment[key] = segment_counts(self.segments.get(key, ()), self.today)
        return self._segment[key]

    def of(self, account: Account, local_day: date) -> PayEstimate:
        if not self.feed:
            return neutral(self.ps)
        mine = self.own.get(account.account_id, ())
        own = own_counts(mine, self.today)
        # Leave-one-out: the segment without what this account added to it (its counted
        # trials are in the segments of their own days; the current one is the prior).
        key = segment_of(account, local_day)
        out = self._segment_counts(key) - own_counts(
            [t for t in mine if t.segment == key], self.today, only_counted=True)
        found = estimate(self.ps, own, out)
        if self.seed is not None and explores(self.seed, account.account_id,
                                              self.explore_share):
            rng = random.Random(f"{self.seed}|{account.account_id}|pay")
            return drawn(self.ps, found, rng.betavariate(found.alpha, found.beta))
        return found


def drawn(ps: PaySettings, est: PayEstimate, p_pay: float) -> PayEstimate:
    """The estimate with P(pay) replaced by a draw (``--explore``), its lift again."""
    p_pay = round(p_pay, PLACES)
    return replace(est, p_pay=p_pay, lift=_lift(ps, p_pay, est.share))


def expected(balance: Decimal, p_contact: float, est: PayEstimate) -> Decimal:
    """The money a call is expected to bring: balance x P(contact in the slot) x P(pay)
    x share, to the cent (half even)."""
    if balance <= 0:
        return Decimal("0.00")
    value = balance * _dec(p_contact) * _dec(est.p_pay) * _dec(est.share)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def expected_of_contacts(ps: PaySettings, trials_: Iterable[Trial],
                         segments: Mapping[str, SegmentRows], first: date, last: date,
                         feed: bool) -> list[tuple[Trial, Decimal]]:
    """What each right-party contact of ``first``..``last`` (its debtor's day) was expected
    to bring when it was made: its list's balance x P(pay) x share, as learned from what
    was decided before its day (the account's trials whose windows had ended, and its
    segment's other accounts'), to the cent; the rules' estimate with no payment feed, as
    the plan has it. ``trials_``: every trial of the accounts concerned, earlier ones too.
    The strength is the configured one, never fitted: the plan fits it to the collector's
    whole portfolio, which a period's contacts are not, and what a contact was expected
    to bring should not depend on who runs the report or on the contacts after it."""
    by_account: dict[str, list[Trial]] = {}
    for t in trials_:
        by_account.setdefault(t.account_id, []).append(t)
    out = []
    for mine in by_account.values():
        for t in mine:
            if not first <= t.day <= last:
                continue
            if not feed:
                found = neutral(ps)
            else:
                own = ended_counts(mine, t.day)
                rows = [r for r in segments.get(t.segment, ()) if r[0] < t.day]
                seg = Counts(sum(r[1] for r in rows), sum(r[2] for r in rows),
                             sum(r[3] for r in rows))
                seg -= ended_counts((u for u in mine if u.counted and u.segment == t.segment),
                                    t.day)
                found = estimate(ps, own, seg)
            out.append((t, expected(t.balance, 1.0, found)))
    return out


def _dec(value: float) -> Decimal:
    return Decimal(f"{value:.{PLACES}f}")
