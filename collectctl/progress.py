"""Where a collector (or the team) stands against the period's targets, and the pace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from collectctl.config import Settings
from collectctl.core.metrics import RATE_METRICS, Metrics
from collectctl.core.targets import Target, daily_share, pace, period_range, working_days

#: Metrics shown even without a target.
ALWAYS = ("calls", "right_party_contacts", "promises", "collected")


@dataclass(frozen=True)
class MetricProgress:
    name: str
    actual: Decimal
    target: Decimal | None
    percent: Decimal | None
    pace: Decimal | None

    @property
    def ahead(self) -> bool | None:
        if self.pace is None:
            return None
        return self.actual >= self.pace


@dataclass(frozen=True)
class Progress:
    period: str
    first: date
    last: date
    collector: str | None
    metrics: tuple[MetricProgress, ...]
    plan_remaining: int | None = None


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
                                     settings.targets.extra_days_off)
                found = True
                break
        day += timedelta(days=1)
    return total if found else None


def elapsed_share(first: date, last: date, now: datetime, settings: Settings) -> Decimal:
    """The share of the period's working time (working days x shift) already past."""
    days = working_days(first, last, settings.holiday_country, settings.targets.extra_days_off)
    if not days:
        return Decimal(1)
    today = now.date()
    done = Decimal(sum(1 for d in days if d < today))
    if today in days:
        start = datetime.combine(today, settings.shift.start, now.tzinfo)
        end = datetime.combine(today, settings.shift.end, now.tzinfo)
        span = (end - start).total_seconds()
        if span > 0:
            part = min(max((now - start).total_seconds() / span, 0), 1)
            done += Decimal(str(round(part, 4)))
    return (done / len(days)).quantize(Decimal("0.0001"))


def build_progress(store, settings: Settings, now: datetime, period: str,
                   collector: str | None, with_plan: bool = True) -> Progress:
    """Actual against target per metric; with ``with_plan``, also how many calls are left
    in the collector's plan for today (building that plan is most of the cost)."""
    from collectctl.reports import build_report

    first, last = period_range(period, now.date())
    report = build_report(store, settings, now, first, now.date(), collector, charts=False)
    actual: Metrics = report.team
    targets = store.targets()
    share = elapsed_share(first, last, now, settings)
    rows = []
    named = [t.metric for t in targets if t.collector == collector]
    for name in dict.fromkeys([*ALWAYS, *named]):
        target = target_for(targets, collector, name, first, last, settings)
        value = actual.value(name)
        rows.append(MetricProgress(
            name, value, target,
            (value / target).quantize(Decimal("0.0001")) if target else None,
            pace(target, share, name) if target is not None else None,
        ))
    remaining = None
    if collector is not None and with_plan:
        from collectctl.planner import build_plan

        remaining = len(build_plan(store, settings, now, collector, now.date()).calls)
    return Progress(period, first, last, collector, tuple(rows), remaining)
