"""Targets: periods, working days, daily shares, team splits and pace (pure)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING

from collectctl.core import workdays
from collectctl.core.metrics import AMOUNT_METRICS, METRIC_NAMES, RATE_METRICS
from collectctl.core.workdays import MON_TO_FRI
from collectctl.errors import UsageError
from collectctl.i18n import _

if TYPE_CHECKING:
    from collectctl.config import Settings

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


def parse_assignments(pairs: Iterable[str]) -> dict[str, Decimal]:
    """``["collected=500000", "calls=2000"]`` → ``{metric: value}``; errors name the pair."""
    from collectctl.ingest.fields import FieldError, parse_amount

    out: dict[str, Decimal] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip()
        if not sep or name not in METRIC_NAMES:
            raise UsageError(_("{pair!r}: say METRIC=VALUE with a metric of {names}").format(
                pair=pair, names=", ".join(METRIC_NAMES)))
        try:
            if name in RATE_METRICS:
                value = Decimal(text.strip())
                if not Decimal(0) <= value <= Decimal(1):
                    raise ValueError
            else:
                value = parse_amount(text)[0]
                if name not in AMOUNT_METRICS:
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
        out[name] = value
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
    return value.quantize(CENT) if metric in AMOUNT_METRICS else value.quantize(Decimal(1))


def target_for(targets: list[Target], who: str | None, metric: str, first: date, last: date,
               settings: Settings) -> Decimal | None:
    """The target for ``first``..``last``: the sum of its days' shares of the most specific
    target set (day, else week, else month); rates take the most specific value."""
    mine = [t for t in targets if t.collector == who and t.metric == metric]
    if not mine:
        return None
    by_specificity = sorted(mine, key=lambda t: ("day", "week", "month").index(t.period))
    total, found = Decimal(0), False
    day = first
    while day <= last:
        for t in by_specificity:
            t_first, t_last = period_range(t.period, t.start)
            if t_first <= day <= t_last:
                if metric in RATE_METRICS:
                    return t.value
                total += daily_share(t, day, settings.holiday_country,
                                     settings.targets.extra_days_off, settings.shift.days)
                found = True
                break
        day += timedelta(days=1)
    return total if found else None


def elapsed_share(first: date, last: date, now: datetime, settings: Settings) -> Decimal:
    """The share of the period's working time (working days x shift) already past."""
    days = working_days(first, last, settings.holiday_country, settings.targets.extra_days_off,
                        settings.shift.days)
    if not days:
        return Decimal(1)
    today = now.date()
    done = Decimal(sum(1 for d in days if d < today))
    if today in days:
        # As instants: on a day the clocks change, wall times are an hour off.
        start = datetime.combine(today, settings.shift.start, now.tzinfo).astimezone(UTC)
        end = datetime.combine(today, settings.shift.end, now.tzinfo).astimezone(UTC)
        span = (end - start).total_seconds()
        if span > 0:
            part = min(max((now.astimezone(UTC) - start).total_seconds() / span, 0), 1)
            done += Decimal(str(round(part, 4)))
    return (done / len(days)).quantize(Decimal("0.0001"))
