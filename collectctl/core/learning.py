"""Learning when each debtor answers: a Beta-Bernoulli estimate of P(right-party contact)
for each hour of the day x weekday class, per account, from the call log.

Pure. The rules (``core.rules``) give every minute a contact quality (golden 1.0,
normal 0.6, lunch 0.3); ``prior_rate`` turns it into a probability (the right-party
rate a golden minute stands for), and the mean over an hour's minutes is that hour's
prior mean ``m``. With ``s`` = ``prior_strength`` pseudo-calls:

- a segment (debtors alike: risk, days-past-due bucket, time zone, work-start hour)
  whose other accounts made ``k`` right-party contacts in ``n`` tries at that hour has
  the mean ``m_seg = (s*m + k) / (s + n)``;
- an account with ``k_a`` in ``n_a`` has the posterior ``Beta(s*m_seg + k_a,
  s*(1 - m_seg) + n_a - k_a)``, whose mean is ``(s*m_seg + k_a) / (s + n_a)``.

So a new account starts from what similar debtors did, and one with calls of its own
moves toward them. A slot's learned quality is its rule quality scaled by
posterior / prior for its hour: with no calls it is exactly the rules' number, and the
rules' shape within an hour (the golden quarter hour) is kept.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from collectctl.core.accounts import days_past_due_on
from collectctl.core.models import Account, Call
from collectctl.core.outcomes import OutcomeBook

ACCOUNT, SEGMENT = "a", "s"
#: (hour 0-23, weekend) -> (tries, right-party contacts)
Counts = Mapping[tuple[int, bool], tuple[int, int]]
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


def observe(account: Account, call: Call, book: OutcomeBook) -> Observation | None:
    """The call as evidence, or None if it says nothing about the debtor's hours: not a
    dial (skip, undo, resume), or a wrong or dead number (the debtor was never rung)."""
    outcome = book.find(call.outcome)
    if outcome is None or not outcome.attempt or outcome.effect == "invalidate_phone":
        return None
    local = call.called_at.astimezone(ZoneInfo(account.timezone))
    return Observation(account.account_id, segment_of(account, local.date()), local.hour,
                       weekend(local.date()), outcome.right_party)


def deltas(observations: Iterable[Observation], sign: int = 1) -> dict[tuple, list[int]]:
    """Stats rows to add, ``(scope, key, hour, weekend) -> [tries, contacts]``: each call
    counts for its account and for its segment (``sign=-1`` takes undone calls back out)."""
    out: dict[tuple, list[int]] = {}
    for o in observations:
        for key in ((ACCOUNT, o.account_id, o.hour, o.weekend),
                    (SEGMENT, o.segment, o.hour, o.weekend)):
            row = out.setdefault(key, [0, 0])
            row[0] += sign
            row[1] += sign * o.rpc
    return out


def rebuild(pairs: Iterable[tuple[Account, list[Call]]], book: OutcomeBook
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
                seen = observe(account, call, book)
                if seen is not None:
                    yield seen

    return {k: v for k, v in deltas(observations()).items() if v[0] or v[1]}


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


def estimate(prior: float, strength: float, segment: tuple[int, int],
             own: tuple[int, int], hour: int = 0) -> HourEstimate:
    """The Beta update for one hour: prior mean -> segment mean -> account posterior.
    The segment's counts include the account's own; they are taken out of the segment's
    share so no call is counted twice."""
    n_a, k_a = own
    n_s, k_s = max(segment[0] - n_a, 0), max(segment[1] - k_a, 0)
    seg = (strength * prior + k_s) / (strength + n_s) if strength + n_s > 0 else prior
    base = min(max(seg, EDGE), 1 - EDGE)
    alpha = strength * base + k_a
    beta = strength * (1 - base) + (n_a - k_a)
    if alpha + beta <= 0:  # no prior weight and no calls
        return HourEstimate(hour, prior, seg, seg, n_a, k_a, base, 1 - base)
    return HourEstimate(hour, prior, seg, alpha / (alpha + beta), n_a, k_a,
                        max(alpha, EDGE), max(beta, EDGE))


def curve(priors: Mapping[int, float], strength: float, segment: Counts, own: Counts,
          is_weekend: bool) -> dict[int, HourEstimate]:
    """The estimate for every hour with a prior (the hours calls are allowed)."""
    return {h: estimate(p, strength, segment.get((h, is_weekend), (0, 0)),
                        own.get((h, is_weekend), (0, 0)), h)
            for h, p in priors.items()}


def sample(est: HourEstimate, rng: random.Random) -> float:
    """A Thompson draw from the hour's posterior."""
    return rng.betavariate(est.alpha, est.beta)


def explores(rng_seed: str, account_id: str, share: float) -> bool:
    """Whether an account's curve is a Thompson sample in an ``--explore`` plan: a stable
    draw per plan day and account, true for ``share`` of them."""
    return random.Random(f"{rng_seed}|{account_id}").random() < share


def hour_priors(minute_qualities: Iterable[tuple[datetime, float]], prior_rate: float
                ) -> dict[int, float]:
    """Each hour's prior probability: ``prior_rate`` x the mean rule quality of the hour's
    slots (local times); hours whose slots are all closed are left out."""
    sums: dict[int, list[float]] = {}
    for local, q in minute_qualities:
        row = sums.setdefault(local.hour, [0.0, 0])
        row[0] += q
        row[1] += 1
    return {h: prior_rate * total / count for h, (total, count) in sums.items() if total > 0}
