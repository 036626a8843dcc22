"""The nightly summary: KPIs per collector and for the team over a period."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from collectctl.config import Settings, outcome_book
from collectctl.core.metrics import (
    PER_CURRENCY,
    RATE_METRICS,
    Metrics,
    combine,
    metrics,
    ranked,
)
from collectctl.core.money import Amounts
from collectctl.core.targets import (
    Attained,
    Goal,
    Target,
    attainment,
    elapsed_share,
    pace,
    period_range,
    scope_goal,
)
from collectctl.errors import UsageError
from collectctl.i18n import _

if TYPE_CHECKING:
    from collectctl.app.portfolio import SupervisorLists
    from collectctl.core.portfolio import PortfolioSummary
    from collectctl.storage.protocol import Store

SCHEMA = "collectctl.report/2"


@dataclass(frozen=True)
class Converted:
    """Money in several currencies as one total in ``currency`` at the ``fx:`` rates of
    ``as_of``; ``missing`` names the currencies without a rate (left out, never guessed)."""

    currency: str
    as_of: date
    amount: Decimal
    missing: tuple[str, ...]


def convert(amounts: Amounts, settings: Settings) -> Converted | None:
    """``amounts`` at the config's ``fx:`` rates; None without an ``fx:``."""
    from collectctl.core.money import Rates, converted

    fx = settings.fx
    if fx is None or fx.as_of is None:
        return None
    base = fx.base or settings.currency
    amount, missing = converted(amounts, Rates(base, fx.as_of, fx.rates))
    return Converted(base, fx.as_of, amount, missing)


@dataclass(frozen=True)
class Previous:
    """The period just before the report's (``core.periods.previous_period``): the same
    metrics, team and collectors (rule violations are the report's period's only)."""

    first: date
    last: date
    team: Metrics
    collectors: tuple[tuple[str, Metrics], ...]


@dataclass(frozen=True)
class Report:
    """KPIs for ``first``..``last`` (dates in the collector's zone), team and collectors."""

    first: date
    last: date
    team: Metrics
    collectors: tuple[tuple[str, Metrics], ...]
    scope: str | None = None  # a collector's name, or None for the team
    #: (day, collected, target or None) for each day of the period, for the charts, in
    #: ``daily_currency``: the currency of the collected target, else the config's.
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
    #: The config's ``currency:``: the html report's money for a figure kept without one.
    currency: str | None = None
    #: The currency of ``daily`` (the collected target's, else the config's).
    daily_currency: str = ""
    #: The team's collected at the ``fx:`` rates (None without ``fx:``).
    converted: Converted | None = None
    #: The period's kind (:data:`collectctl.core.periods.KINDS`), which decides the previous.
    period: str = "range"
    #: The same metrics for the period just before (None where not built: ``progress``).
    previous: Previous | None = None
    #: Each collector's (and, under None, the team's) targets for the period, attained.
    attainment: dict[str | None, tuple[Attained, ...]] = field(default_factory=dict)
    #: What each collector's (under None, the team's) right-party contacts of the period
    #: were expected to bring when made (``core.paying.expected_of_contacts``); empty with
    #: pay learning off or where not built (``progress``).
    expected: Mapping[str | None, Amounts] = field(default_factory=dict)

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
                 collector: str | None = None, charts: bool = True,
                 period: str = "range") -> Report:
    """The report for ``first``..``last``; with ``charts`` (the ``report`` command) also
    the charts' figures, the portfolio, the supervisor's lists, the targets attained and
    the previous ``period`` (its kind: day, week, month or range) beside it."""
    if last < first:
        raise UsageError(_("--to {last} is before --from {first}").format(
            last=last.isoformat(), first=first.isoformat()))
    with store.snapshot():  # every figure from the same moment, whatever is being logged
        report = _build_report(store, settings, now, first, last, collector, charts)
        if not charts:
            return report
        from dataclasses import replace

        from collectctl.core.periods import previous_period

        before_first, before_last = previous_period(period, first, last)
        before = _build_report(store, settings, now, before_first, before_last, collector,
                               charts=False)
        targets = store.targets()
        attained: dict[str | None, tuple[Attained, ...]] = {
            name: attainment(targets, name, m, first, last, settings)
            for name, m in report.collectors}
        if collector is None:
            attained[None] = attainment(targets, None, report.team, first, last, settings)
        return replace(report, period=period, attainment=attained,
                       previous=Previous(before_first, before_last, before.team,
                                         before.collectors))


def _build_report(store: Store, settings: Settings, now: datetime, first: date, last: date,
                  collector: str | None, charts: bool) -> Report:
    start, end = period_bounds(first, last, settings.timezone)
    book = outcome_book(settings)
    pending = None
    # The audit's reads of the whole log run beside the figures' (see _supervisor); for a
    # name no account is assigned to, only once the check below has found it (a typo
    # should not wait for reads of the whole log before its error exits).
    if charts and (collector is None or collector in store.collectors()):
        from collectctl.app.audit import begin_audit

        pending = begin_audit(store, settings, first, last)
    try:
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
            team = metrics(combine(tallies.values()), book)
            rows = tuple(ranked(by_collector, settings.currency))
        converted = convert(team.collected, settings)
        if not charts:
            return Report(first, last, team, rows, collector, currency=settings.currency,
                          converted=converted)
        if pending is None:  # a collector with calls but no accounts now
            from collectctl.app.audit import begin_audit

            pending = begin_audit(store, settings, first, last)
        daily_currency, daily = _daily(store, settings, first, last, collector)
        hourly = _hourly(by_hour, settings, collector, book)
        portfolio, lists, audit = _supervisor(store, settings, now, first, last, collector,
                                              by_hour, book, pending)
        return Report(first, last, team, rows, collector, daily, hourly, audit.by_collector(),
                      portfolio, lists, currency=settings.currency,
                      daily_currency=daily_currency, converted=converted,
                      expected=_expected(store, settings, first, last, collector, rows))
    except BaseException:
        if pending is not None:  # ending without the audit: stop its reads too
            pending.stop()
        raise


def _expected(store: Store, settings: Settings, first: date, last: date,
              collector: str | None, rows) -> dict[str | None, Amounts]:
    """Each collector's expected collections from the period's right-party contacts
    (their calls'), and the team's under None; none with pay learning off."""
    from collectctl.core.paying import expected_of_contacts, pay_settings

    if not settings.learning.enabled or not settings.learning.pay_enabled:
        return {}
    found = store.pay_trials_around(first, last)
    caller = {t.call_id: (who, currency) for t, who, currency in found}
    segments = store.pay_segments({t.segment for t, _who, _c in found}) if found else {}
    values = expected_of_contacts(pay_settings(settings), [t for t, _w, _c in found],
                                  segments, first, last, store.pay_feed())
    by: dict[str | None, list[tuple[str, Decimal]]] = {name: [] for name, _m in rows}
    for trial, value in values:
        who, currency = caller[trial.call_id]
        if collector is None or who == collector:
            by.setdefault(who or "", []).append((currency, value))
    out: dict[str | None, Amounts] = {name: Amounts(pairs) for name, pairs in by.items()}
    if collector is None:
        out[None] = Amounts(pair for pairs in by.values() for pair in pairs)
    return out


def _supervisor(store: Store, settings: Settings, now: datetime, first: date, last: date,
                collector: str | None, by_hour, book, pending):
    """The portfolio section, the audit (``pending``'s result: taken after the portfolio,
    its reads of the log meanwhile run on) and the supervisor's lists (``app.portfolio``);
    the codes of the complaints logged are read off the period's counts by hour."""
    from collectctl.app.portfolio import build_lists, build_portfolio

    start, end = period_bounds(first, last, settings.timezone)
    complaint_codes = tuple(sorted({
        code for _hour, who, code, n in by_hour or ()
        if n and (collector is None or who == collector)
        and (outcome := book.find(code)) is not None and outcome.complaint}))
    portfolio = build_portfolio(store, settings, first, last, now.date(), collector)
    audit = pending.result()
    lists = build_lists(store, settings, book, start, end, first, last, now.date(), audit,
                        collector, complaint_codes if by_hour is not None else None)
    return portfolio, lists, audit


def _daily(store: Store, settings: Settings, first: date, last: date, collector: str | None):
    """The chart's currency, and collected per day in it with the day's target
    (:func:`~collectctl.core.targets.scope_goal`: the scope's, the team's its own or its
    collectors' summed): the currency of the collected target, else the config's; the
    other currencies' payments are not in this chart (they cannot be added to it)."""
    targets = store.targets()
    goals = {day: scope_goal(targets, collector, "collected", day, day, settings)
             for day in _days(first, last)}
    currency = next((g.currency for g in goals.values() if g is not None and g.currency),
                    settings.currency)
    collected: dict[date, Decimal] = {}
    for row in store.collected_by_day(first, last):
        if (collector is None or row.collector == collector) and row.currency == currency:
            collected[row.day] = collected.get(row.day, Decimal("0.00")) + row.amount
    out = []
    for day in _days(first, last):
        goal = goals[day]
        target = goal.value if goal is not None and goal.currency == currency else None
        out.append((day, collected.get(day, Decimal("0.00")), target))
    return currency, tuple(out)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


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
    """A metric's actual against its target. A per-currency metric (money, the recovery
    rate) has its target in one ``currency``, and ``actual``, ``target``, ``percent`` and
    ``pace`` are in it; ``by_currency`` holds its actual in every currency (the others
    are shown beside it, without a target). ``actual`` is None for a rate without a
    denominator."""

    name: str
    actual: Decimal | None
    target: Decimal | None
    percent: Decimal | None
    pace: Decimal | None
    #: The target's currency (None: a count or a rate, or no target).
    currency: str | None = None
    #: A per-currency metric's actual by currency code (None for other metrics).
    by_currency: Mapping[str, Decimal | None] | None = None

    @property
    def ahead(self) -> bool | None:
        if self.pace is None or self.actual is None:
            return None
        return self.actual >= self.pace

    @property
    def others(self) -> dict[str, Decimal | None]:
        """The actual in the currencies other than the target's (all, without a target)."""
        return {c: v for c, v in (self.by_currency or {}).items() if c != self.currency}


@dataclass(frozen=True)
class Progress:
    period: str
    first: date
    last: date
    collector: str | None
    metrics: tuple[MetricProgress, ...]
    plan_remaining: int | None = None


def metric_progress(name: str, actual: Metrics, goal: Goal | None,
                    share: Decimal) -> MetricProgress:
    """One metric's row: its actual (in the goal's currency for a per-currency metric),
    the goal, the percentage and the pace at ``share`` of the working time."""
    by_currency = getattr(actual, name) if name in PER_CURRENCY else None
    currency = goal.currency if goal is not None else None
    if name in PER_CURRENCY:
        value = actual.value(name, currency) if currency is not None else None
    else:
        value = actual.value(name)
    target = goal.value if goal is not None else None
    percent = ((value / target).quantize(Decimal("0.0001"))
               if target and value is not None else None)
    return MetricProgress(name, value, target, percent,
                          pace(target, share, name) if target is not None else None,
                          currency, dict(by_currency) if by_currency is not None else None)


def build_progress(store: Store, settings: Settings, now: datetime, period: str,
                   collector: str | None, with_plan: bool = True) -> Progress:
    """Actual against target per metric; with ``with_plan``, also how many calls are left
    in the collector's plan for today (building that plan is most of the cost)."""
    first, last = period_range(period, now.date())
    report = build_report(store, settings, now, first, now.date(), collector, charts=False)
    actual: Metrics = report.team
    targets = store.targets()
    share = elapsed_share(first, last, now, settings)
    named = [t.metric for t in targets if t.collector == collector
             or (collector is None and t.metric not in RATE_METRICS)]
    rows = [metric_progress(name, actual,
                            scope_goal(targets, collector, name, first, last, settings), share)
            for name in dict.fromkeys([*ALWAYS, *named])]
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
    #: The team's targets a ``target set`` of a collector's part took out of step with
    #: its split: (the team's target, what the collectors' now add up to).
    unsplit: tuple[tuple[Target, Decimal], ...] = ()


@dataclass(frozen=True)
class TargetsCleared:
    removed: int


def set_targets(store: Store, now: datetime, who: str | None, period: str, day: date,
                values: dict[str, Goal]) -> TargetList:
    """Set ``who``'s (None: the team's) targets for the period holding ``day``; a money
    target in its goal's currency."""
    from collectctl.clock import to_utc_iso

    first, _last = period_range(period, day)
    targets = tuple(Target(who, period, first, m, g.value, g.currency) for m, g in values.items())

    def change(_tx) -> tuple[tuple[Target, Decimal], ...]:
        before = store.targets()
        store.set_targets(list(targets), to_utc_iso(now))
        return _unsplit(before, store.targets(), targets) if who is not None else ()

    return TargetList(targets, unsplit=store.atomically(change))


def _unsplit(before: list[Target], after: list[Target], changed: tuple[Target, ...]
             ) -> tuple[tuple[Target, Decimal], ...]:
    """The team's targets that were their collectors' parts added (a split) before
    ``changed`` and no longer are, each with what the parts now add up to."""
    def parts(targets: list[Target], team: Target) -> Decimal:
        return sum((t.value for t in targets if t.collector and t.metric == team.metric
                    and (t.period, t.start) == (team.period, team.start)), Decimal(0))

    out = []
    for t in changed:
        team = next((x for x in after if x.collector is None and x.metric == t.metric
                     and (x.period, x.start) == (t.period, t.start)), None)
        if team is not None and parts(before, team) == team.value != parts(after, team):
            out.append((team, parts(after, team)))
    return tuple(out)


def list_targets(store: Store, settings: Settings) -> TargetList:
    """``target list``: every target, a money target with its currency (the config's
    ``currency:`` for one set before targets had their own)."""
    from dataclasses import replace

    return TargetList(tuple(replace(t, currency=t.currency_in(settings.currency))
                            for t in store.targets()), listing=True)


def below_thresholds(metrics: Metrics, thresholds: dict[str, Goal]) -> list[str]:
    """The metrics of ``thresholds`` (``--fail-under``) that ``metrics`` is below: a
    per-currency one in its goal's currency. A rate without a denominator is below no
    threshold (it is unknown, not 0)."""
    below = []
    for name, goal in thresholds.items():
        value = metrics.value(name, goal.currency)  # a count's goal has no currency
        if value is not None and value < goal.value:
            below.append(name)
    return below


def clear_targets(store: Store) -> TargetsCleared:
    return TargetsCleared(store.atomically(lambda _tx: store.clear_targets()))


def split_target(store: Store, settings: Settings, now: datetime, metric: str, goal: Goal,
                 period: str, day: date, by: str) -> TargetList:
    """Divide a team total among the collectors with open accounts, by their assigned
    balance (a count: by their open accounts) or evenly; the parts add up to the total
    exactly, which becomes the team's
    target, and they replace every collector's target of the metric for the period (one
    who has no open accounts now has none). By balance, a total in one
    currency is weighed by the balances in that currency (of a per-currency metric: its
    currency; else the config's), and split among the collectors who hold some: balances
    in other currencies are not added to them."""
    from collectctl.clock import to_utc_iso
    from collectctl.core.targets import split_exactly

    if metric in RATE_METRICS:
        raise UsageError(_("{metric} is a rate: it is not divided among collectors; set it "
                           "with 'target set' for the team or for each collector").format(
            metric=metric))
    balances = store.balances_by_collector()
    if not balances:
        raise UsageError(_("no collector has open accounts to split among"))
    weights: dict[str, Decimal] = {c: Decimal(1) for c in balances}
    if by == "balance" and metric not in PER_CURRENCY:
        # A count (calls, contacts) is work, not money: weighed by the open accounts each
        # holds, whatever their currencies (balances in several cannot be added).
        _since, groups = store.portfolio_groups()
        weights = {}
        for g in groups:
            if g.collector in balances:
                weights[g.collector] = weights.get(g.collector, Decimal(0)) + g.accounts
    elif by == "balance":
        currency = goal.currency or settings.currency
        weights = {c: b.amount(currency) for c, b in balances.items() if b.amount(currency) > 0}
        if not weights:
            raise UsageError(_("no collector has open accounts in {currency} to split "
                               "among").format(currency=currency))
    parts = split_exactly(goal.value, weights, metric)
    first, _last = period_range(period, day)
    split = tuple(Target(c, period, first, metric, v, goal.currency) for c, v in parts.items())
    team = Target(None, period, first, metric, goal.value, goal.currency)
    store.atomically(lambda _tx: store.replace_split([team, *split], to_utc_iso(now)))
    return TargetList(split, sum(parts.values(), Decimal(0)))
