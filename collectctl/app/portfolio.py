"""The report's portfolio section and the lists a supervisor acts on (``report``).

The portfolio: open accounts and balance by days-past-due bucket, risk and collector on
the report's last day (today at the latest), and the roll and cure rates over the period
(:mod:`collectctl.core.portfolio`). The lists: promises due today and promises broken in
the period, complaints logged in it, and the rule violations of its calls per collector.
Each names accounts by id, never by the debtor's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from collectctl.config import Settings
from collectctl.core.money import Amounts
from collectctl.core.outcomes import OutcomeBook
from collectctl.core.portfolio import PortfolioSummary, buckets_from, summarize

if TYPE_CHECKING:
    from collectctl.app.audit import Audit, Violation
    from collectctl.storage.protocol import Store


def portfolio_day(first: date, last: date, today: date) -> date:
    """The day the portfolio is shown as of: the period's last, today at the latest (and
    never before its first)."""
    return max(first, min(last, today))


def build_portfolio(store: Store, settings: Settings, first: date, last: date, today: date,
                    collector: str | None = None) -> PortfolioSummary:
    """The portfolio on :func:`portfolio_day` and its roll and cure rates since the start
    of ``first`` (days in the collector's zone); only ``collector``'s accounts when given
    (the accounts assigned to them now)."""
    zone = ZoneInfo(settings.timezone)
    as_of = portfolio_day(first, last, today)
    start_at = datetime.combine(first, time(0), zone)
    end_at = datetime.combine(as_of + timedelta(days=1), time(0), zone)
    groups, collectors = store.portfolio_groups(collector)
    changed = store.portfolio_changed(start_at, end_at, collector)
    trails = store.portfolio_trails(start_at, as_of, collector)
    return summarize(groups, collectors, changed, trails,
                     buckets_from(settings.report.buckets), first, as_of, start_at, end_at)


@dataclass(frozen=True)
class PromiseLine:
    """A promise on a supervisor's list: the account, who took it, the amount in the
    account's currency, when it is due and where it stands (``core.promises``)."""

    account_id: str
    collector: str | None
    amount: Amounts
    due: date
    status: str


@dataclass(frozen=True)
class ComplaintLine:
    """A complaint logged: the account, the collector who logged it, when (UTC)."""

    account_id: str
    collector: str | None
    at: datetime


@dataclass(frozen=True)
class SupervisorLists:
    """What a supervisor acts on: promises due ``today`` (kept or still open), promises
    due in the period and broken, complaints logged in it, and the period's rule
    violations per collector (the collectors in name order, "" for none named)."""

    today: date
    #: The collector's zone (``timezone:``), the times' on screen.
    zone: str = "UTC"
    promises_due_today: tuple[PromiseLine, ...] = ()
    promises_broken: tuple[PromiseLine, ...] = ()
    complaints: tuple[ComplaintLine, ...] = ()
    violations: tuple[tuple[str, tuple[Violation, ...]], ...] = ()


def build_lists(store: Store, settings: Settings, book: OutcomeBook, start: datetime,
                end: datetime, first: date, last: date, today: date, audit: Audit | None,
                collector: str | None = None,
                complaint_codes: tuple[str, ...] | None = None) -> SupervisorLists:
    """The lists for the period ``first`` .. ``last`` ([start, end) as instants), judged
    on ``today``; ``collector``'s only when given (the promises they took, the complaints
    they logged, their violations). ``complaint_codes``: the outcome codes logged in the
    period that are complaints, when the caller counted them already (None: every
    complaint code of ``book``)."""
    from collectctl.core.promises import BROKEN, promise_status

    listed = store.promises_due_listed(first, last, today, collector)
    paid: dict[str, list] = {}
    for payment in store.payments_for(sorted({p.promise.account_id for p in listed})):
        paid.setdefault(payment.account_id, []).append(payment)
    due_today, broken = [], []
    for who, promise, currency in listed:
        view = promise_status(promise, paid.get(promise.account_id, ()), today,
                              settings.promise.grace_days)
        line = PromiseLine(promise.account_id, who, Amounts.of(currency, promise.amount),
                           promise.due, view.status)
        if promise.due == today:
            due_today.append(line)
        if first <= promise.due <= last and view.status == BROKEN:
            broken.append(line)
    codes = (complaint_codes if complaint_codes is not None
             else book.codes(lambda o: o.complaint))
    complaints = tuple(ComplaintLine(c.account_id, c.collector, c.called_at)
                       for c in store.calls_with_outcomes(start, end, codes, collector))
    return SupervisorLists(today, settings.timezone, tuple(due_today), tuple(broken),
                           complaints, _violations(audit, collector))


def _violations(audit: Audit | None, collector: str | None):
    if audit is None:
        return ()
    per: dict[str, list] = {}
    for v in audit.violations:
        if collector is None or v.collector == collector:
            per.setdefault(v.collector or "", []).append(v)
    return tuple((who, tuple(found)) for who, found in sorted(per.items()))
