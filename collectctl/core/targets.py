"""Targets: periods, working days, daily shares, team splits and pace (pure)."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from collectctl.core import workdays
from collectctl.core.metrics import AMOUNT_METRICS, METRIC_NAMES, PER_CURRENCY, RATE_METRICS
from collectctl.core.workdays import MON_TO_FRI
from collectctl.errors import UsageError
from collectctl.i18n import _

if TYPE_CHECKING:
    from collectctl.config import Settings
    from collectctl.core.metrics import Metrics

PERIODS = ("day", "week", "month")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Target:
    """A goal for one collector (or the team, ``collector=None``) over a period."""

    collector: str | None
    period: str
    start: date
    metric: str
    value: Decimal
    #: The currency of a money (or recovery rate) target; None for counts and rates, and
    #: for a money target set before targets had one: it is in the config's currency.
    currency: str | None = None

    def currency_in(self, home: str) -> str | None:
        """The target's currency, ``home`` (the config's ``currency:``) where it names
        none; None for a metric that has no currency."""
        if self.metric not in PER_CURRENCY:
            return None
        return self.currency or home


@dataclass(frozen=True)
class Goal:
    """A value given for a metric (``target set``, ``--fail-under``), or the target of a
    period: ``currency`` for a per-currency metric (money, the recovery rate), else None."""

    value: Decimal
    currency: str | None = None


def period_range(period: str, day: date) -> tuple[date, date]:
    """The first and last day of the ``period`` (day, week from Monday, month) holding ``day``."""
    if period == "day":
        return day, day
    if period == "week":
        first = day - timedelta(days=day.weekday())
        return first, first + timedelta(days=6)
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def working_days(first: date, last: date, country: str | None,
                 extra_days_off: Iterable[date] = (),
                 shift_days: Collection[str] = MON_TO_FRI) -> list[date]:
    """The collector's working days from ``first`` to ``last``: weekdays of
    ``shift_days`` that are not public holidays of ``country``, and the country's make-up
    working days (the holidays package's working-day calendar), less the extra days off
    (``core.workdays``)."""
    return workdays.working_days(first, last, country, extra_days_off, shift_days)


#: A rate in a currency: ``0.2AUD``, ``0.2 aud``.
_RATE_IN = re.compile(r"(.*?\S)\s*([A-Za-z]{3})")


def parse_assignments(pairs: Iterable[str], currency: str) -> dict[str, Goal]:
    """``["collected=500000", "calls=2000"]`` → ``{metric: Goal}``; errors name the pair.

    An amount is in ``currency`` (the config's ``currency:``) unless it names another
    (``collected=2000AUD``, ``US$300``); so is a recovery rate (``recovery_rate=0.2AUD``:
    the AUD accounts' rate; ``target list`` writes it so); counts and other rates have
    none."""
    from collectctl.ingest.fields import FieldError, parse_amount

    out: dict[str, Goal] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip()
        if not sep or name not in METRIC_NAMES:
            raise UsageError(_("{pair!r}: say METRIC=VALUE with a metric of {names}").format(
                pair=pair, names=", ".join(METRIC_NAMES)))
        named: str | None = None
        try:
            if name in RATE_METRICS:
                number = text.strip()
                if name in PER_CURRENCY and (marked := _RATE_IN.fullmatch(number)):
                    number, named = marked[1], marked[2].upper()
                value = Decimal(number)
                if not Decimal(0) <= value <= Decimal(1):
                    raise ValueError
            else:
                value, named = parse_amount(text)
                if name not in AMOUNT_METRICS:
                    if named is not None:
                        raise ValueError
                    if value != value.to_integral_value():
                        raise ValueError
                    value = Decimal(int(value))
        except (FieldError, ValueError, ArithmeticError):
            if name in RATE_METRICS:
                expected = _("a share from 0 to 1 (0.25 is 25%)")
            elif name in AMOUNT_METRICS:
                expected = _("an amount (500000, 2000AUD)")
            else:
                expected = _("a whole number")
            raise UsageError(_("{pair!r}: {metric} takes {expected}").format(
                pair=pair, metric=name, expected=expected)) from None
        out[name] = Goal(value, (named or currency) if name in PER_CURRENCY else None)
    if not out:
        raise UsageError(_("no METRIC=VALUE given"))
    return out


def daily_share(target: Target, day: date, country: str | None,
                extra_days_off: Iterable[date] = (),
                shift_days: Collection[str] = MON_TO_FRI) -> Decimal:
    """The part of a weekly or monthly target that falls on ``day`` (0 on days off).

    Rates are not divided: a rate target holds every day.
    """
    if target.metric in RATE_METRICS or target.period == "day":
        return target.value
    first, last = period_range(target.period, target.start)
    days = working_days(first, last, country, extra_days_off, shift_days)
    if day not in days:
        return Decimal(0)
    return split_exactly(target.value, {d.isoformat(): Decimal(1) for d in days},
                         target.metric)[day.isoformat()]


def split_exactly(
    total: Decimal, weights: Mapping[str, Decimal], metric: str
) -> dict[str, Decimal]:
    """Divide ``total`` in proportion to ``weights`` so the parts add up to it exactly.

    Counts are split in whole units and amounts in cents (largest remainder: the
    leftover units go to the largest fractional parts, ties by name).
    """
    unit = CENT if metric in AMOUNT_METRICS else Decimal(1)
    names = sorted(weights)
    weight_sum = sum((weights[n] for n in names), Decimal(0))
    if not names:
        return {}
    if weight_sum <= 0:
        weights = {n: Decimal(1) for n in names}
        weight_sum = Decimal(len(names))
    exact = {n: total * weights[n] / weight_sum for n in names}
    parts = {n: (exact[n] / unit).to_integral_value(ROUND_DOWN) * unit for n in names}
    leftover = int(((total - sum(parts.values())) / unit).to_integral_value())
    by_remainder = sorted(names, key=lambda n: (-(exact[n] - parts[n]), n))
    for n in by_remainder[:leftover]:
        parts[n] += unit
    return parts


def pace(target: Decimal, elapsed: Decimal, metric: str) -> Decimal:
    """Where the actual should be by now: the target x the share of working time elapsed
    (a rate target holds all along)."""
    if metric in RATE_METRICS:
        return target
    value = target * elapsed
    if metric in AMOUNT_METRICS:
        return value.quantize(CENT, rounding=ROUND_HALF_UP)
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def target_for(targets: list[Target], who: str | None, metric: str, first: date, last: date,
               settings: Settings) -> Decimal | None:
    """The target's value for ``first``..``last`` (:func:`goal_for`), or None."""
    goal = goal_for(targets, who, metric, first, last, settings)
    return goal.value if goal is not None else None


def goal_for(targets: list[Target], who: str | None, metric: str, first: date, last: date,
             settings: Settings) -> Goal | None:
    """The target for ``first``..``last``, in its currency for a per-currency metric.

    The most specific target whose period holds the whole span decides it (a month's
    target is the month's, whatever day targets it holds; a day's target is that day's):
    the sum of its days' shares in the span. A span no one target holds (a ``--from
    --to`` over two months, a month of weekly targets) adds up its days' shares of the
    most specific target set for each day (day, else week, else month), in the currency
    of the first: a target in another currency never adds to it. Rates take the value
    of the most specific target."""
    mine = [t for t in targets if t.collector == who and t.metric == metric]
    if not mine:
        return None
    by_specificity = sorted(mine, key=lambda t: PERIODS.index(t.period))
    home = settings.currency

    def holds(t: Target, a: date, b: date) -> bool:
        t_first, t_last = period_range(t.period, t.start)
        return t_first <= a and b <= t_last

    def share(t: Target, day: date) -> Decimal:
        return daily_share(t, day, settings.holiday_country, settings.targets.extra_days_off,
                           settings.shift.days)

    whole = next((t for t in by_specificity if holds(t, first, last)), None)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    if whole is not None:
        if metric in RATE_METRICS:
            return Goal(whole.value, whole.currency_in(home))
        return Goal(sum((share(whole, d) for d in days), Decimal(0)), whole.currency_in(home))
    total, currency, found = Decimal(0), None, False
    for day in days:
        t = next((t for t in by_specificity if holds(t, day, day)), None)
        if t is None:
            continue
        if metric in RATE_METRICS:
            return Goal(t.value, t.currency_in(home))
        if found and t.currency_in(home) != currency:
            continue
        currency, found = t.currency_in(home), True
        total += share(t, day)
    return Goal(total, currency) if found else None


def scope_goal(targets: list[Target], who: str | None, metric: str, first: date, last: date,
               settings: Settings) -> Goal | None:
    """The target of a collector (:func:`goal_for`), or of the team (``who=None``): its
    own, else what its collectors' targets add up to (in the config's currency where one
    of theirs is in it, else the first named's; a target in another currency never adds
    to it), and that sum too where the team's target was split among them. A rate has no
    sum: without a team rate target the team has none. ``progress --team``, the report's
    attainment and its chart of collected per day all take the team's target from here."""
    goal = goal_for(targets, who, metric, first, last, settings)
    if who is not None or metric in RATE_METRICS or (
            goal is not None and not _is_split(targets, metric, first, last)):
        return goal
    names = sorted({t.collector for t in targets if t.collector and t.metric == metric})
    goals = [g for name in names
             if (g := goal_for(targets, name, metric, first, last, settings)) is not None]
    if not goals:
        return goal
    # One currency: the config's where a collector's target is in it, else the first's.
    currencies = [g.currency for g in goals]
    currency = settings.currency if settings.currency in currencies else currencies[0]
    return Goal(sum((g.value for g in goals if g.currency == currency), Decimal(0)), currency)


def _is_split(targets: list[Target], metric: str, first: date, last: date) -> bool:
    """Whether the team's ``metric`` targets over ``first``..``last`` are each exactly the
    sum of its collectors' for the same period (``target split``, and no part changed
    since): then the team's target for a part of the period is its collectors' parts
    added, so the two never differ by a rounded cent."""
    team = [t for t in targets if t.collector is None and t.metric == metric
            and period_range(t.period, t.start)[0] <= last
            and first <= period_range(t.period, t.start)[1]]
    for t in team:
        parts = [p for p in targets if p.collector and p.metric == metric
                 and (p.period, p.start) == (t.period, t.start)]
        if not parts or any(p.currency != t.currency for p in parts) \
                or sum((p.value for p in parts), Decimal(0)) != t.value:
            return False
    return bool(team)


@dataclass(frozen=True)
class Attained:
    """One metric's target for a period, the actual (in the target's currency for a
    per-currency metric) and their share (None without an actual or with a 0 target)."""

    metric: str
    target: Decimal
    actual: Decimal | None
    attained: Decimal | None
    currency: str | None = None


def attainment(targets: list[Target], who: str | None, actual: Metrics, first: date,
               last: date, settings: Settings) -> tuple[Attained, ...]:
    """``who``'s (None: the team's, :func:`scope_goal`) targets for ``first``..``last``
    against ``actual``, in the order of :data:`METRIC_NAMES`."""
    named = {t.metric for t in targets if t.collector == who or who is None}
    out = []
    for name in METRIC_NAMES:
        if name not in named:
            continue
        goal = scope_goal(targets, who, name, first, last, settings)
        if goal is None:
            continue
        value = actual.value(name, goal.currency)  # a count's goal has no currency
        share = (value / goal.value).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) \
            if value is not None and goal.value else None
        out.append(Attained(name, goal.value, value, share, goal.currency))
    return tuple(out)


def working_seconds(day: date, zone, settings: Settings,
                    until: datetime | None = None) -> Decimal:
    """Seconds of ``day``'s shift (``shift.start``..``shift.end``, wall times in ``zone``)
    worked by ``until`` (default: the whole shift), less the breaks (``shift.breaks``):
    the lunch break is no working time. Counted as instants: on a day the clocks change,
    wall times are an hour off."""

    def at(moment) -> datetime:
        return datetime.combine(day, moment, zone).astimezone(UTC)

    start, end = at(settings.shift.start), at(settings.shift.end)
    stop = end if until is None else min(max(until.astimezone(UTC), start), end)
    if stop <= start:
        return Decimal(0)
    seconds = Decimal(str((stop - start).total_seconds()))
    for b_start, b_end in settings.shift.breaks:
        lo, hi = max(at(b_start), start), min(at(b_end), stop)
        if hi > lo:
            seconds -= Decimal(str((hi - lo).total_seconds()))
    return max(seconds, Decimal(0))


def elapsed_share(first: date, last: date, now: datetime, settings: Settings) -> Decimal:
    """The share of the period's working time already past: working days x the shift less
    its breaks; today counts the part of its working time gone by. Not rounded (the pace
    is rounded once, in cents or whole units)."""
    days = working_days(first, last, settings.holiday_country, settings.targets.extra_days_off,
                        settings.shift.days)
    if not days:
        return Decimal(1)
    today = now.date()
    done = Decimal(sum(1 for d in days if d < today))
    if today in days:
        span = working_seconds(today, now.tzinfo, settings)
        if span > 0:
            done += working_seconds(today, now.tzinfo, settings, now) / span
    return done / len(days)
