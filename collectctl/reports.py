"""The nightly summary: KPIs per collector and for the team over a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from collectctl.config import Settings, outcome_book
from collectctl.core.metrics import Metrics, combine, metrics, ranked
from collectctl.errors import UsageError
from collectctl.i18n import _

SCHEMA = "collectctl.report/1"


@dataclass(frozen=True)
class Report:
    """KPIs for ``first``..``last`` (dates in the collector's zone), team and collectors."""

    first: date
    last: date
    team: Metrics
    collectors: tuple[tuple[str, Metrics], ...]
    scope: str | None = None  # a collector's name, or None for the team


def period_bounds(first: date, last: date, zone: str) -> tuple[datetime, datetime]:
    """The instants the dates span: from ``first`` 00:00 to the day after ``last`` 00:00."""
    tz = ZoneInfo(zone)
    return (datetime.combine(first, time(0), tz),
            datetime.combine(last + timedelta(days=1), time(0), tz))


def build_report(store, settings: Settings, now: datetime, first: date, last: date,
                 collector: str | None = None) -> Report:
    if last < first:
        raise UsageError(_("--to {last} is before --from {first}").format(
            last=last.isoformat(), first=first.isoformat()))
    start, end = period_bounds(first, last, settings.timezone)
    tallies = store.tallies(start, end, first, last, now.date(), settings.promise.grace_days)
    book = outcome_book(settings)
    by_collector = {name: metrics(t, book) for name, t in tallies.items()}
    if collector is not None:
        if collector not in by_collector and collector not in store.collectors():
            raise UsageError(_("no collector {who!r} (collectors: {known})").format(
                who=collector, known=", ".join(store.collectors()) or _("none")))
        mine = by_collector.get(collector, metrics(combine([]), book))
        return Report(first, last, mine, ((collector, mine),), collector)
    team = metrics(combine(tallies.values()), book)
    return Report(first, last, team, tuple(ranked(by_collector)))
