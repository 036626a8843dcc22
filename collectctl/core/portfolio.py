"""The portfolio as a supervisor steers it (DOMAIN.md): open accounts and their balance by
days-past-due bucket, by risk and by collector on a day, and the period's roll and cure
rates. Pure: the days and instants are passed in, the data comes from the store.

Days past due are collectctl's everywhere: on a day, the days since the account's
``past_due_since`` (:func:`collectctl.core.accounts.days_past_due_on`), so an account ages
into the next bucket as days go by, and a later list moves it (a new ``past_due_since``).
A balance is the list's amount less the payments dated on or after the list's day
(:func:`collectctl.core.activity.balance`).

* **Buckets** (``report.buckets``): ``current`` (0 days past due, or none given), then
  each configured band (M1 1-30 ... M7+ over 180). Only accounts still owing are in a
  bucket: an open account paid to zero (or beyond) is counted in none.
* **Roll and cure rates** for ``first`` .. ``as_of``: of the accounts in a past-due bucket
  at the period's start (open, owing, as on ``first``), the share of their balance then
  (per currency) that rolled to a later bucket by ``as_of``, and the share cured: paid
  to zero, or brought current by a later list (a list dated after the one in force at
  the start that gave the account no days past due on its own day). An account cured is
  not also rolled; one closed owing, or moved to an earlier bucket, is neither. The last
  bucket has no later one: its roll rate is None. A rate is None in a currency without
  a balance in the bucket, and wholly None for a bucket empty at the start.

The store reads the accounts in aggregates, whatever the portfolio's size: the open
accounts as they are now (:class:`SinceGroup`, :class:`CollectorGroup`), and the
accounts written since the period's start, as they stood then and at the end
(:class:`ChangedPart`), all as if no payment had been made since their lists' days. The
few accounts with such payments come one by one (:class:`Trail`): :func:`summarize`
takes each out as the aggregates counted it and puts it back as it really stood.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from collectctl.core.money import Amounts, rates

CURRENT = "current"

#: The default buckets (``report.buckets``): each bucket's name and its last day past due;
#: the first day is the day after the previous bucket's last (1 for the first); the last
#: bucket has no end (None).
DEFAULT_BUCKETS: dict[str, int | None] = {
    "M1": 30, "M2": 60, "M3": 90, "M4": 120, "M5": 150, "M6": 180, "M7+": None,
}

#: Risk words ordered as a supervisor reads them; other words follow alphabetically.
RISK_ORDER = ("high", "medium", "low")


@dataclass(frozen=True)
class Bucket:
    """A band of days past due: ``low`` to ``high`` (inclusive; None: no end)."""

    name: str
    low: int
    high: int | None


def buckets_from(limits: Mapping[str, int | None]) -> tuple[Bucket, ...]:
    """The bands of ``report.buckets`` (checked by :func:`buckets_problem`)."""
    out, low = [], 1
    for name, high in limits.items():
        out.append(Bucket(name, low, high))
        low = (high or 0) + 1
    return tuple(out)


def buckets_problem(limits: Mapping[str, int | None]) -> tuple[str, dict] | None:
    """Why ``report.buckets`` cannot be used, as (code, detail), or None: each last day
    must be a whole number of days past the previous bucket's, only the last bucket is
    open-ended (null) and it must be, and no bucket is called ``current``."""
    if not limits:
        return "buckets_empty", {}
    previous = 0
    names = list(limits)
    for name, high in limits.items():
        if not name.strip() or name.strip().lower() == CURRENT:
            return "bucket_name", {"bucket": name}
        if high is None:
            if name != names[-1]:
                return "bucket_open_before_last", {"bucket": name}
            continue
        if high <= previous:
            return "bucket_not_after_previous", {"bucket": name, "days": high,
                                                 "previous": previous}
        previous = high
    if limits[names[-1]] is not None:
        return "bucket_last_has_end", {"bucket": names[-1]}
    return None


def days_past_due(since: date | None, day: date) -> int | None:
    """Days past due on ``day`` (as ``core.accounts.days_past_due_on``)."""
    if since is None:
        return None
    return max(0, (day - since).days)


def bucket_index(dpd: int | None, buckets: Sequence[Bucket]) -> int:
    """0 for current (no days past due), else 1 + the index of the bucket ``dpd`` is in."""
    if not dpd:
        return 0
    for n, bucket in enumerate(buckets, start=1):
        if bucket.high is None or dpd <= bucket.high:
            return n
    return len(buckets)


# -- what the store reads ---------------------------------------------------------------------


@dataclass(frozen=True)
class SinceGroup:
    """Open accounts as they are now with one currency, ``past_due_since`` and risk: how
    many and the sum of their lists' amounts."""

    currency: str
    since: date | None
    risk: str | None
    accounts: int
    amount: Decimal


@dataclass(frozen=True)
class CollectorGroup:
    """Open accounts as they are now of one collector (None: unassigned) and currency."""

    collector: str | None
    currency: str
    accounts: int
    amount: Decimal


@dataclass(frozen=True)
class ChangedPart:
    """One aggregate of the accounts written since the period's start (payments aside):

    * ``naive`` (by currency, ``since``, risk ``label``) and ``naive_collector`` (by
      currency and collector ``label``): their rows as they are now, open and owing,
      which :class:`SinceGroup` and :class:`CollectorGroup` counted;
    * ``bucket`` (by currency and ``since``), ``risk`` and ``collector`` (by ``label``):
      how they stood at the end, open and owing on their list. These and the naive ones
      only for the accounts that stood otherwise at the end than now (the others'
      would cancel), except the ``naive`` rows with ``end`` ``now``: the accounts that
      end as they are now, whose move as :class:`SinceGroup` counted it is taken out;
    * ``move`` (by the start's currency and ``since``): those open and owing at the
      start, their lists' amounts then, by how they ended: ``end`` ``paid`` (their list
      owes nothing), ``closed`` or ``open`` (then ``end_since``, and
      ``listed_current``: a later list gave them no days past due on its day).
    """

    part: str
    currency: str
    accounts: int
    amount: Decimal
    since: date | None = None
    label: str | None = None
    end: str | None = None
    end_since: date | None = None
    listed_current: bool = False


@dataclass(frozen=True)
class Version:
    """One version of an account as its list (or an ``assign``) wrote it, in force until
    ``until`` (None: the account as it is now)."""

    amount: Decimal
    currency: str
    since: date | None
    risk: str | None
    status: str
    as_of: date
    until: datetime | None = None


@dataclass(frozen=True)
class Trail:
    """An account the aggregates do not tell whole: its collector now, when it was first
    written, its versions oldest first (those replaced at or after the period's start,
    then the account as it is now, which is in the aggregates if open) and its payments
    up to the report's day (date, amount)."""

    account_id: str
    collector: str | None
    created_at: datetime
    versions: tuple[Version, ...]
    payments: tuple[tuple[date, Decimal], ...] = ()

    def version_at(self, instant: datetime) -> Version | None:
        """The version in force at ``instant`` (None before the account existed)."""
        if self.created_at > instant:
            return None
        for version in self.versions:
            if version.until is None or version.until > instant:
                return version
        return None

    def balance(self, version: Version, before: date) -> Decimal:
        """``version``'s amount less the payments dated from its list's day to the day
        before ``before``."""
        paid = sum((amount for day, amount in self.payments if version.as_of <= day < before),
                   Decimal("0.00"))
        return version.amount - paid


# -- what the report shows --------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One row of a breakdown: its key (a bucket's name, a risk, a collector; None for
    an account without one), how many accounts and their balance per currency."""

    key: str | None
    accounts: int
    balance: Amounts


@dataclass(frozen=True)
class Roll:
    """A past-due bucket over the period: the accounts in it at the start and their
    balance then, and of that balance the part that rolled and the part cured."""

    bucket: str
    accounts: int
    balance: Amounts
    rolled: Amounts
    cured: Amounts
    #: False for the last bucket: it has no later one to roll to.
    can_roll: bool = True

    @property
    def roll_rate(self) -> dict[str, Decimal | None] | None:
        if not self.accounts or not self.can_roll:
            return None
        return rates(self.rolled, self.balance)

    @property
    def cure_rate(self) -> dict[str, Decimal | None] | None:
        if not self.accounts:
            return None
        return rates(self.cured, self.balance)


@dataclass(frozen=True)
class PortfolioSummary:
    """The portfolio on ``as_of`` and its movement since the start of ``first``."""

    first: date
    as_of: date
    buckets: tuple[Line, ...]
    risk: tuple[Line, ...]
    collectors: tuple[Line, ...]
    roll_rates: tuple[Roll, ...]


class _Tally:
    """Counts and balances per key (and per bucket transition), added and taken away."""

    def __init__(self) -> None:
        self.accounts: dict = {}
        self.amounts: dict = {}

    def add(self, key, currency: str, amount: Decimal, n: int = 1) -> None:
        self.accounts[key] = self.accounts.get(key, 0) + n
        per = self.amounts.setdefault(key, {})
        per[currency] = per.get(currency, Decimal("0.00")) + amount

    def count(self, key) -> int:
        return self.accounts.get(key, 0)

    def balance(self, key) -> Amounts:
        """The amounts of ``key`` in the currencies it holds (a currency taken out to
        nothing is not one of them)."""
        return Amounts(self.amounts.get(key, {})).nonzero()

    def present(self) -> list:
        """The keys that hold accounts."""
        return [k for k, n in self.accounts.items() if n]


def summarize(groups: Iterable[SinceGroup], collector_groups: Iterable[CollectorGroup],
              changed: Iterable[ChangedPart], trails: Iterable[Trail],
              buckets: Sequence[Bucket], first: date, as_of: date, start_at: datetime,
              end_at: datetime) -> PortfolioSummary:
    """The portfolio on ``as_of`` (the accounts as they stood at ``end_at``, the end of
    that day) and the roll and cure rates since ``start_at`` (the start of ``first``).

    ``groups`` and ``collector_groups`` are the open accounts as they are now; every one
    not written since ``start_at`` stood then as it is now. ``changed`` aggregates those
    written since; both as if their lists' amounts were owed still. ``trails`` are the
    accounts paid from the day of a list in force in the period to ``as_of``.
    """
    t = _Tallies(buckets, first, as_of)
    for g in groups:
        t.group(g, 1)
    for c in collector_groups:
        t.by_collector.add(c.collector, c.currency, c.amount, c.accounts)
    for part in changed:
        t.changed(part)
    for trail in trails:
        for sign, paid in ((-1, False), (1, True)):
            _place(trail, t, start_at, end_at, sign, paid)
    return _summary(t)


def one_by_one(trails: Iterable[Trail], buckets: Sequence[Bucket], first: date, as_of: date,
               start_at: datetime, end_at: datetime) -> PortfolioSummary:
    """The portfolio of ``trails`` alone, every account with all its versions since
    ``start_at`` and its payments: what :func:`summarize` gives from the aggregates (the
    reference the store's aggregates are held to; a million accounts this way take
    minutes)."""
    t = _Tallies(buckets, first, as_of)
    for trail in trails:
        _place(trail, t, start_at, end_at, 1, True)
    return _summary(t)


def _summary(t: _Tallies) -> PortfolioSummary:
    buckets, first, as_of = t.buckets, t.first, t.as_of
    names = [CURRENT, *(b.name for b in buckets)]
    return PortfolioSummary(
        first, as_of,
        tuple(Line(names[n], t.by_bucket.count(n), t.by_bucket.balance(n))
              for n in range(len(names))),
        tuple(Line(k, t.by_risk.count(k), t.by_risk.balance(k))
              for k in sorted(t.by_risk.present(), key=_risk_order)),
        tuple(Line(k, t.by_collector.count(k), t.by_collector.balance(k))
              for k in sorted(t.by_collector.present(), key=lambda k: (k is None, k or ""))),
        _rolls(t.moves, buckets),
    )


class _Tallies:
    """The portfolio's counts as they add up: by bucket on the day, risk, collector, and
    the moves (start bucket, end bucket or ``cured`` or ``closed``)."""

    def __init__(self, buckets: Sequence[Bucket], first: date, as_of: date) -> None:
        self.buckets, self.first, self.as_of = buckets, first, as_of
        self.by_bucket, self.by_risk, self.by_collector = _Tally(), _Tally(), _Tally()
        self.moves = _Tally()

    def bucket_on(self, since: date | None, day: date) -> int:
        return bucket_index(days_past_due(since, day), self.buckets)

    def group(self, g: SinceGroup, sign: int, moves_only: bool = False) -> None:
        """Open accounts that stood as they are from the start to the end (``moves_only``:
        only their moves, not where they are on the day)."""
        amount, n = sign * g.amount, sign * g.accounts
        end = self.bucket_on(g.since, self.as_of)
        if not moves_only:
            self.by_bucket.add(end, g.currency, amount, n)
            self.by_risk.add(g.risk, g.currency, amount, n)
        self.moves.add((self.bucket_on(g.since, self.first), end), g.currency, amount, n)

    def changed(self, part: ChangedPart) -> None:
        if part.part == "naive":
            self.group(SinceGroup(part.currency, part.since, part.label, part.accounts,
                                  part.amount), -1, moves_only=part.end == "now")
        elif part.part == "naive_collector":
            self.by_collector.add(part.label, part.currency, -part.amount, -part.accounts)
        elif part.part == "bucket":
            self.by_bucket.add(self.bucket_on(part.since, self.as_of), part.currency,
                               part.amount, part.accounts)
        elif part.part == "risk":
            self.by_risk.add(part.label, part.currency, part.amount, part.accounts)
        elif part.part == "collector":
            self.by_collector.add(part.label, part.currency, part.amount, part.accounts)
        elif part.part == "move":
            outcome = _outcome(part.end or "open", part.listed_current,
                               self.bucket_on(part.end_since, self.as_of))
            self.moves.add((self.bucket_on(part.since, self.first), outcome), part.currency,
                           part.amount, part.accounts)


def _outcome(end: str, listed_current: bool, end_bucket: int) -> int | str:
    """How an account open and owing at the start ended: ``cured`` (paid to zero, or a
    later list gave it no days past due on its day), ``closed`` owing, or its bucket."""
    if end == "paid":
        return "cured"
    if end == "closed":
        return "closed"
    return "cured" if listed_current else end_bucket


def _place(trail: Trail, t: _Tallies, start_at: datetime, end_at: datetime, sign: int,
           paid: bool) -> None:
    """Count ``trail``'s account (``sign`` -1: take it out) as it stood on the day and
    moved since the start: with its payments (``paid``), or as the aggregates counted it,
    its lists' amounts owed still."""
    ended = trail.version_at(end_at)
    if ended is not None:
        owed_end = trail.balance(ended, _next_day(t.as_of)) if paid else ended.amount
        if ended.status == "open" and owed_end > 0:
            t.by_bucket.add(t.bucket_on(ended.since, t.as_of), ended.currency,
                            sign * owed_end, sign)
            t.by_risk.add(ended.risk, ended.currency, sign * owed_end, sign)
            t.by_collector.add(trail.collector, ended.currency, sign * owed_end, sign)
    started = trail.version_at(start_at)
    if started is None or started.status != "open":
        return
    owed_start = trail.balance(started, t.first) if paid else started.amount
    if owed_start <= 0:
        return
    outcome: int | str = "closed"
    if ended is not None:
        end = ("paid" if owed_end <= 0 else "open" if ended.status == "open" else "closed")
        listed = ended.as_of > started.as_of and (ended.since is None
                                                  or ended.since >= ended.as_of)
        outcome = _outcome(end, listed, t.bucket_on(ended.since, t.as_of))
    t.moves.add((t.bucket_on(started.since, t.first), outcome), started.currency,
                sign * owed_start, sign)


def _next_day(day: date) -> date:
    return date.fromordinal(day.toordinal() + 1)


def _rolls(moves: _Tally, buckets: Sequence[Bucket]) -> tuple[Roll, ...]:
    """Each past-due bucket's roll and cure over the period, from the moves between
    buckets (start, end bucket or ``cured`` or ``closed``)."""
    out = []
    for n, bucket in enumerate(buckets, start=1):
        accounts, balance = 0, Amounts()
        rolled, cured = Amounts(), Amounts()
        for key in moves.present():
            start, outcome = key
            if start != n:
                continue
            accounts += moves.count(key)
            amounts = moves.balance(key)
            balance += amounts
            if outcome == "cured":
                cured += amounts
            elif isinstance(outcome, int) and outcome > n:
                rolled += amounts
        out.append(Roll(bucket.name, accounts, balance, rolled, cured,
                        can_roll=n < len(buckets)))
    return tuple(out)


def _risk_order(risk: str | None) -> tuple:
    if risk is None:
        return (2, "")
    known = risk.strip().lower()
    if known in RISK_ORDER:
        return (0, RISK_ORDER.index(known))
    return (1, risk)
