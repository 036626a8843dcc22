"""The plan use case: read a collector's portfolio and learned counts from the store, and
hand them to the pure planner (``core.planning.plan_day``).

``build_all`` spreads every collector's plan over worker processes; the interface's
:class:`~collectctl.i18n.Locale` travels to them as an argument, so a worker started with
``spawn`` or ``forkserver`` renders exactly as the parent would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from collectctl.app.accounts import Dossier
from collectctl.config import RulePack, Settings
from collectctl.core.learning import ContactCurve, Counts, LearnedContact
from collectctl.core.learning import contact_curve as _curve
from collectctl.core.planning import (
    Overflow,
    Plan,
    PlannedCall,
    Week,
    WhyNot,
    best_days,
    debtor_day,
    plan_day,
    why_not_planned,
)
from collectctl.errors import UsageError
from collectctl.i18n import Locale, _

if TYPE_CHECKING:
    from collectctl.core.paying import LearnedPay, PayEstimate, Trial
    from collectctl.storage.protocol import Store

#: How ``build_all`` starts its worker processes: None is the platform's default (fork on
#: Linux before Python 3.14, forkserver after; spawn on macOS and Windows). The tests run
#: every method.
START_METHOD: str | None = None

__all__ = ["Overflow", "Plan", "PlannedCall", "Week", "WhyNot", "build_all", "build_plan",
           "build_week", "contact_curve", "why_not_planned"]


def _learned(store: Store, settings: Settings, collector: str, day: date, explore: bool,
             segments: Mapping[str, Counts] | None = None) -> LearnedContact | None:
    if not settings.learning.enabled:
        return None
    own = store.contact_stats(collector)
    return LearnedContact(settings, own,
                          segments if segments is not None else store.segment_stats(),
                          collector, day, explore)


def build_plan(store: Store, settings: Settings, now: datetime, collector: str, day: date,
               limit: int | None = None, leave_out: frozenset[str] = frozenset(),
               explore: bool = False, segments: Mapping[str, Counts] | None = None) -> Plan:
    """The plan for ``collector`` on ``day`` (a date in the collector's zone); the accounts
    in ``leave_out`` (set aside in work mode) are not planned. Contact quality is learned
    from the log unless ``learning.enabled`` is off; ``explore`` draws a share of the
    accounts' hours from what is known instead of taking the best estimate."""
    portfolio = _portfolio(store, collector)
    if not portfolio.accounts:
        known = store.collectors()
        if collector not in known:
            raise UsageError(_("no open accounts assigned to {who!r} (collectors: {known})")
                             .format(who=collector, known=", ".join(known) or _("none")))
    learned = _learned(store, settings, collector, day, explore, segments)
    pay = _learned_pay(store, settings, collector, day, portfolio.accounts, explore)
    made = plan_day(portfolio, settings, now, collector, day, limit, leave_out, learned, pay)
    return replace(made, made_at=now)


def _learned_pay(store: Store, settings: Settings, collector: str, day: date, accounts,
                 explore: bool = False) -> LearnedPay | None:
    """Who pays when reached, for the collector's accounts (None with learning off): their
    own trials and the counts of the segments they are in on the debtor's day."""
    from collectctl.core.learning import segment_of
    from collectctl.core.paying import LearnedPay, pay_settings

    if not settings.learning.enabled or not settings.learning.pay_enabled:
        return None
    with store.snapshot():
        feed = store.pay_feed()
        own = store.pay_trials(collector) if feed else {}
        keys = {segment_of(a, debtor_day(settings, day, a.timezone)) for a in accounts}
        segments = store.pay_segments(keys) if feed else {}
    seed = f"{day.isoformat()}|{collector}" if explore else None
    return LearnedPay(pay_settings(settings), day, own, segments, feed, seed,
                      float(settings.learning.explore_share))


def _portfolio(store: Store, collector: str):
    """The collector's portfolio with the debtors' own requests, read in one snapshot (the
    requests of all the accounts in one query)."""
    from dataclasses import replace

    from collectctl.core.requests import fold_by_account

    with store.snapshot():
        portfolio = store.portfolio(collector)
        entries = store.requests_for(collector)
    return replace(portfolio, requests=fold_by_account(entries)) if entries else portfolio


def contact_curve(store: Store, settings: Settings, plan: Plan, account_id: str) -> ContactCurve:
    """The account's learned contact probability for each hour of its day in ``plan``."""
    account = plan.states[account_id].account
    own = store.contact_stats(plan.collector, account_id)
    learned = LearnedContact(settings, own, store.segment_stats(), plan.collector, plan.date,
                             False)
    return _curve(learned, account, plan.packs[account_id],
                  debtor_day(settings, plan.date, account.timezone))


def build_week(store: Store, settings: Settings, now: datetime, collector: str,
               first: date) -> Week:
    """Plans for ``first`` and the six days after it."""
    plans = tuple(build_plan(store, settings, now, collector, first + timedelta(days=n))
                  for n in range(7))
    return Week(collector, plans, best_days(plans))


def _plans_for(target: str, settings: Settings, now: datetime, day: date,
               collectors: list[str], locale: Locale, render=None) -> list:
    """Plans for several collectors from one connection (a worker process's share);
    with ``render``, each plan is rendered in the worker (formatting in parallel too),
    in ``locale``."""
    from collectctl.storage import open_store

    store = open_store(target)
    try:
        # Every collector's plan reads the same segment counts: once per worker.
        segments = (store.segment_stats()
                    if settings.learning.enabled and collectors else None)
        plans = (build_plan(store, settings, now, who, day, segments=segments)
                 for who in collectors)
        with locale.active():
            return [render(p) if render else _lean(p) for p in plans]
    finally:
        store.close()


def _lean(plan: Plan) -> Plan:
    """The plan without the per-account working data (states, scores), to send it back."""
    return replace(plan, scores={}, states={}, qualities={}, packs={}, requests={}, pay={})


def build_all(target: str, collectors: list[str], settings: Settings, now: datetime,
              day: date, locale: Locale, workers: int | None = None, render=None,
              start_method: str | None = None) -> list:
    """Every collector's plan (or ``render(plan)``, a picklable function, run in
    ``locale``), in collector order, spread over the machine's cores (processes started
    with ``start_method``, the platform's default when None)."""
    import os

    collectors = sorted(collectors)
    workers = max(1, min(workers or os.cpu_count() or 1, len(collectors)))
    if workers == 1:
        return _plans_for(target, settings, now, day, collectors, locale, render)
    import multiprocessing

    from collectctl.app.workers import pool as worker_pool

    shares = [collectors[n::workers] for n in range(workers)]
    context = multiprocessing.get_context(start_method or START_METHOD)
    with worker_pool(workers, context) as pool:
        results = list(pool.map(_plans_for, [target] * workers, [settings] * workers,
                                [now] * workers, [day] * workers, shares,
                                [locale] * workers, [render] * workers))
    # Undo the round-robin split: collector k went to worker k % workers.
    return [results[k % workers][k // workers] for k in range(len(collectors))]


@dataclass(frozen=True)
class AllPlans:
    """``plan --all``: every collector's plan (lean), or each already rendered as one line
    of JSON by the workers (``lines``)."""

    date: date
    plans: tuple[Plan, ...] = ()
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Explanation:
    """``plan --explain ID``: an account's score, window and learned hours in a plan."""

    plan: Plan
    account_id: str
    settings: Settings
    curve: ContactCurve | None


@dataclass(frozen=True)
class LearnedShow:
    """``learn show ID``: what is learned of an account on a day: the hours it answers
    (None with learning off), its pay estimate (None with learning or pay learning off)
    and the pay trials behind it."""

    plan: Plan
    account_id: str
    curve: ContactCurve | None
    pay: PayEstimate | None
    pay_source: str
    trials: tuple[Trial, ...]


@dataclass(frozen=True)
class NextCall:
    """``next``: the call due now with the account's file, or why there is none."""

    plan: Plan
    brief: Dossier | None


@dataclass(frozen=True)
class RulesCheck:
    """``rules check``: the rule packs in force, which country uses which, and (with a
    database) how many open accounts each pack applies to, and the accounts whose country
    has no pack of its own (they get the default pack) or whose candidate zones leave no
    minute of the shift legal."""

    default: str
    by_country: dict[str, str]
    packs: dict[str, RulePack]
    accounts_by_pack: dict[str, int] | None = None
    #: Country (or "" for none known) -> accounts with no pack of their own, ids (a few).
    without_pack: dict[str, tuple[int, tuple[str, ...]]] = field(default_factory=dict)
    no_common_hours: tuple[str, ...] = ()


def explain(store: Store, settings: Settings, plan: Plan, account_id: str) -> Explanation:
    if account_id not in plan.scores:
        why_not_planned(plan, account_id)  # raises for an unknown account
    curve = (contact_curve(store, settings, plan, account_id)
             if settings.learning.enabled else None)
    return Explanation(plan, account_id, settings, curve)


def learned_show(store: Store, settings: Settings, now: datetime, account_id: str,
                 day: date) -> LearnedShow:
    """What is learned of an open account, in its collector's plan for ``day``."""
    from collectctl.app.calls import require_account

    account = require_account(store, account_id)
    if account.status != "open" or not account.assigned_to:
        raise UsageError(_("account {id!r} is not an open account assigned to a collector: "
                           "nothing is planned for it").format(id=account_id))
    plan = build_plan(store, settings, now, account.assigned_to, day)
    if account_id not in plan.states:
        why_not_planned(plan, account_id)  # raises for an account the plan cannot read
    curve = (contact_curve(store, settings, plan, account_id)
             if settings.learning.enabled else None)
    pay = plan.pay.get(account_id)
    if pay is None:  # not callable today: its estimate all the same
        learned = _learned_pay(store, settings, plan.collector, day,
                               [plan.states[account_id].account])
        if learned is not None:
            located = plan.states[account_id].account
            pay = learned.of(located, debtor_day(settings, day, located.timezone))
    return LearnedShow(plan, account_id, curve, pay, plan.pay_source if pay else "off",
                       tuple(store.pay_trials_of(account_id)))


def next_call(store: Store, settings: Settings, now: datetime, collector: str) -> NextCall:
    from collectctl.app.accounts import account_file

    plan = build_plan(store, settings, now, collector, now.date())
    brief = (account_file(store, settings, now.date(), plan.calls[0].account_id)
             if plan.calls else None)
    return NextCall(plan, brief)


#: How many account ids ``rules check`` names for each warning.
SHOWN_IDS = 5


def rules_check(settings: Settings, store: Store | None = None,
                today: date | None = None) -> RulesCheck:
    """The rules in force; with ``store``, the open accounts counted by the packs that
    apply to them (an account naming two countries counts under each)."""
    rules = settings.rules
    check = RulesCheck(rules.default, dict(sorted(rules.by_country.items())),
                       dict(rules.packs))
    if store is None:
        return check
    from collectctl.core.rules import rules_for

    counts: dict[str, int] = dict.fromkeys(rules.packs, 0)
    without: dict[str, list[str]] = {}
    unlegal: list[str] = []
    for account in store.list_accounts(status="open"):
        for name in rules_for(rules, account.countries).names:
            counts[name] += 1
        for country in account.countries or ("",):
            if country not in rules.by_country:
                without.setdefault(country, []).append(account.account_id)
        if today is not None and not _any_legal_minute(settings, account, today):
            unlegal.append(account.account_id)
    return replace(check, accounts_by_pack=counts,
                   without_pack={c: (len(ids), tuple(ids[:SHOWN_IDS]))
                                 for c, ids in sorted(without.items())},
                   no_common_hours=tuple(unlegal))


def _any_legal_minute(settings: Settings, account, today: date) -> bool:
    """Whether some slot of the collector's shift in the seven days from ``today`` is legal
    wherever the debtor may be (computed once per zones-and-packs profile)."""
    from collectctl.core.rules import rules_for

    key = (account.zones, account.countries)
    cache = _LEGAL_CACHE.setdefault((id(settings), today), {})
    if key not in cache:
        cache[key] = any_legal_minute(settings, rules_for(settings.rules, account.countries),
                                      account.zones, today)
    return cache[key]


_LEGAL_CACHE: dict[tuple[int, date], dict] = {}


def any_legal_minute(settings: Settings, account_rules, zones: tuple[str, ...],
                     today: date) -> bool:
    from zoneinfo import ZoneInfo

    from collectctl.core.rules import legal_spans

    here = ZoneInfo(settings.timezone)
    for n in range(7):
        day = today + timedelta(days=n)
        start = datetime.combine(day, settings.shift.start, here)
        end = datetime.combine(day, settings.shift.end, here)
        if legal_spans(account_rules, zones, start, end):
            return True
    return False
