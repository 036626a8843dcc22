"""The nightly summary: KPIs per collector and for the team over a period."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from collectctl.config import Settings, outcome_book
from collectctl.core.metrics import Metrics, combine, metrics, ranked
from collectctl.core.targets import Target, elapsed_share, pace, period_range, target_for
from collectctl.errors import UsageError
from collectctl.i18n import _

if TYPE_CHECKING:
    from collectctl.app.portfolio import SupervisorLists
    from collectctl.core.portfolio import PortfolioSummary
    from collectctl.storage.protocol import Store

SCHEMA = "collectctl.report/1"


@dataclass(frozen=True)
class Report:
    """KPIs for ``first``..``last`` (dates in the collector's zone), team and collectors."""

    first: date
    last: date
    team: Metrics
    collectors: tuple[tuple[str, Metrics], ...]
    scope: str | None = None  # a collector's name, or None for the team
    #: (day, collected, target or None) for each day of the period, for the charts.
    daily: tuple[tuple[date, Decimal, Decimal | None], ...] = ()
    #: (local hour, calls, contacts) for each hour of the day with calls.
    hourly: tuple[tuple[int, int, int], ...] = ()
    #: Rules broken by the period's calls (``audit``), per collector who logged them.
    violations: dict[str, int] = field(default_factory=dict)
    #: The portfolio by bucket, risk and collector, with roll and cure rates
    #: (``app.portfolio``); None where not built (``progress``).
    portfolio: PortfolioSummary | None = None
    #: Promises due today and broken, complaints, violations per collector.
    lists: SupervisorLists | None = None
    #: The currency of the figures above (the settings' ``currency:``), for the html
    #: report's money axes until money is kept per currency.
    currency: str | None = None

    def violations_of(self, collector: str | None) -> int:
        """The count for one collector, or the team's (None)."""
        if collector is None and self.scope is None:
            return sum(self.violations.values())
        return self.violations.get(collector or self.scope or "", 0)


def period_bounds(first: date, last: date, zone: str) -> tuple[datetime, datetime]:
    """The instants the dates span: from ``first`` 00:00 to the day after ``last`` 00:00."""
    tz = ZoneInfo(zone)
    return (datetime.combine(first, time(0), tz),
            datetime.combine(last + timedelta(days=1), time(0), tz))


def build_report(store: Store, settings: Settings, now: datetime, first: date, last: date,
                 collector: str | None = None, charts: bool = True) -> Report:
    if last < first:
        raise UsageError(_("--to {last} is before --from {first}").format(
            last=last.isoformat(), first=first.isoformat()))
    with store.snapshot():  # every figure from the same moment, whatever is being logged
        return _build_report(store, settings, now, first, last, collector, charts)


def _build_report(store: Store, settings: Settings, now: datetime, first: date, last: date,
                  collector: str | None, charts: bool) -> Report:
    start, end = period_bounds(first, last, settings.timezone)
    book = outcome_book(settings)
    by_hour = store.calls_by_hour(start, end, collector) if charts else None
    counts: dict[str, dict[str, int]] | None = None
    if by_hour is not None:  # one pass over the period's calls serves counts and charts
        counts = {}
        for _hour, who, code, n in by_hour:
            if collector is None or who == collector:
                per = counts.setdefault(who, {})
                per[code] = per.get(code, 0) + n
    tallies = store.tallies(start, end, first, last, now.date(), settings.promise.grace_days,
                            collector, counts)
    by_collector = {name: metrics(t, book) for name, t in tallies.items()}
    rows: tuple[tuple[str, Metrics], ...]
    if collector is not None:
        if collector not in by_collector and collector not in store.collectors():
            raise UsageError(_("no collector {who!r} (collectors: {known})").format(
                who=collector, known=", ".join(store.collectors()) or _("none")))
        mine = by_collector.get(collector, metrics(combine([]), book))
        team, rows = mine, ((collector, mine),)
    else:
        team, rows = metrics(combine(tallies.values()), book), tuple(ranked(by_collector))
    if not charts:
        return Report(first, last, team, rows, collector, currency=settings.currency)
    daily = _daily(store, settings, first, last, collector)
    hourly = _hourly(by_hour, settings, collector, book)
    from collectctl.app.audit import build_audit

    audit = build_audit(store, settings, first, last)
    portfolio, lists = _supervisor(store, settings, now, first, last, collector, by_hour,
                                   book, audit)
    return Report(first, last, team, rows, collector, daily, hourly, audit.by_collector(),
                  portfolio, lists, currency=settings.currency)


def _supervisor(store: Store, settings: Settings, now: datetime, first: date, last: date,
                collector: str | None, by_hour, book, audit):
    """The portfolio section and the supervisor's lists (``app.portfolio``); the codes of
    the complaints logged are read off the period's counts by hour."""
    from collectctl.app.portfolio import build_lists, build_portfolio

    start, end = period_bounds(first, last, settings.timezone)
    complaint_codes = tuple(sorted({
        code for _hour, who, code, n in by_hour or ()
        if n and (collector is None or who == collector)
        and (outcome := book.find(code)) is not None and outcome.complaint}))
    portfolio = build_portfolio(store, settings, first, last, now.date(), collector)
    lists = build_lists(store, settings, book, start, end, first, last, now.date(), audit,
                        collector, complaint_codes if by_hour is not None else None)
    return portfolio, lists


def _daily(store: Store, settings: Settings, first: date, last: date, collector: str | None):
    """Collected per day and the day's target (the scope's, else the collectors' summed)."""

    collected: dict[date, Decimal] = {}
    for day, who, amount in store.collected_by_day(first, last):
        if collector is None or who == collector:
            collected[day] = collected.get(day, Decimal("0.00")) + amount
    targets = store.targets()
    names = [collector] if collector is not None else [None]
    if collector is None and not any(t.collector is None for t in targets):
        names = sorted({t.collector for t in targets if t.collector})
    out = []
    day = first
    while day <= last:
        parts = [target_for(targets, who, "collected", day, day, settings) for who in names]
        known = [p for p in parts if p is not None]
        out.append((day, collected.get(day, Decimal("0.00")), sum(known) if known else None))
        day += timedelta(days=1)
    return tuple(out)


def _hourly(by_hour, settings: Settings, collector, book):
    """Calls and contacts by hour of the day in the collector's zone."""
    zone = ZoneInfo(settings.timezone)
    calls: dict[int, list[int]] = {}
    for hour, who, code, n in by_hour:
        outcome = book.find(code)
        if outcome is None or (collector is not None and who != collector):
            continue
        bucket = calls.setdefault(hour.astimezone(zone).hour, [0, 0])
        bucket[0] += n if outcome.attempt else 0
        bucket[1] += n if outcome.contact else 0
    return tuple((h, c, k) for h, (c, k) in sorted(calls.items()))


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


def build_progress(store: Store, settings: Settings, now: datetime, period: str,
                   collector: str | None, with_plan: bool = True) -> Progress:
    """Actual against target per metric; with ``with_plan``, also how many calls are left
    in the collector's plan for today (building that plan is most of the cost)."""
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
        from collectctl.app.plan import build_plan

        remaining = len(build_plan(store, settings, now, collector, now.date()).calls)
    return Progress(period, first, last, collector, tuple(rows), remaining)


# -- targets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetList:
    """Targets as set (``target set``, ``target list``), or a split's parts (``total`` is
    what they add up to)."""

    targets: tuple[Target, ...]
    total: Decimal | None = None
    #: ``target list``: every target, one compact line each.
    listing: bool = False


@dataclass(frozen=True)
class TargetsCleared:
    removed: int


def set_targets(store: Store, now: datetime, who: str | None, period: str, day: date,
                values: dict[str, Decimal]) -> TargetList:
    """Set ``who``'s (None: the team's) targets for the period holding ``day``."""
    from collectctl.clock import to_utc_iso

    first, _last = period_range(period, day)
    targets = tuple(Target(who, period, first, m, v) for m, v in values.items())
    store.atomically(lambda _tx: store.set_targets(list(targets), to_utc_iso(now)))
    return TargetList(targets)


def clear_targets(store: Store) -> TargetsCleared:
    return TargetsCleared(store.atomically(lambda _tx: store.clear_targets()))


def split_target(store: Store, now: datetime, metric: str, total: Decimal, period: str,
                 day: date, by: str) -> TargetList:
    """Divide a team total among the collectors with open accounts, by their assigned
    balance or evenly; the parts add up to the total exactly."""
    from collectctl.clock import to_utc_iso
    from collectctl.core.targets import split_exactly

    balances = store.balances_by_collector()
    if not balances:
        raise UsageError(_("no collector has open accounts to split among"))
    weights = balances if by == "balance" else {c: Decimal(1) for c in balances}
    parts = split_exactly(total, weights, metric)
    first, _last = period_range(period, day)
    split = tuple(Target(c, period, first, metric, v) for c, v in parts.items())
    store.atomically(lambda _tx: store.set_targets(list(split), to_utc_iso(now)))
    return TargetList(split, sum(parts.values(), Decimal(0)))
