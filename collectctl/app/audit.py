"""``audit``: which logged calls broke a calling rule, each checked against the rules as
they stood when it was made (the log before it), by :func:`core.compliance.breaches`.

The calls checked are the period's standing calls: attempts, neither undo entries nor
undone (an entry undone was a mistake of the log, not a call made).

Two ways to the same answer. ``exhaustive`` runs breaches() on every call of the period,
the whole log read: the reference. The default runs it only on the calls that *can* have
broken a rule, found cheaply first:

1. **Hours and closed days.** The store names every zone and country any account or phone
   gives (a handful of distinct values, not a million accounts); the UTC intervals legal in
   all those zones under all those packs (``legal_intervals``) hold no call outside any
   account's hours. Only the calls in the gaps between them are read, and each is checked
   against its own account's zones and rules.
2. **Caps.** An account is over a cap only if enough of its entries lie close enough
   together: the store returns the accounts with enough entries in the period and the days
   before it, with their times, and Python looks at those day by day in each zone a debtor
   may be in, keeping the moments of the calls that may be over a cap.
3. **Holds, conversations, workplace numbers, the debtor's requests.** The accounts with a
   cease or dispute entry (ever), a right-party contact within the longest hold after one,
   a call to a workplace number where a pack forbids those, or requests of their own.

The pass over the whole log (for holds and the count of calls) and the reading of places
run on connections of their own beside the rest, and the accounts that can only be over a
cap are checked meanwhile. Both ways give the same answer on random logs of every kind of
violation, on both engines (``tests/storage/test_audit.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from collectctl.config import Settings, outcome_book
from collectctl.core import activity
from collectctl.core.compliance import (
    ONE_MINUTE,
    DayClock,
    breaches,
    cap_spans,
    clustered,
    gaps,
    is_call,
    legal_intervals,
    over_a_cap,
)
from collectctl.core.models import Account, Call
from collectctl.core.outcomes import OutcomeBook
from collectctl.core.reasons import Reason
from collectctl.core.requests import RequestEntry, in_force
from collectctl.core.rules import AccountRules, closed_at, rules_for
from collectctl.errors import UsageError
from collectctl.i18n import _

if TYPE_CHECKING:
    from collectctl.storage.protocol import AuditPlaces, Store

#: How far back the log of an account checked is read: 7 local days and their margins
#: (the 7-day caps), a calendar month where a pack caps contacts in one; longer when a
#: pack's hold after a conversation is.
WEEK_BACK = timedelta(days=9)
MONTH_BACK = timedelta(days=33)


@dataclass(frozen=True)
class Violation:
    """A rule one logged call broke: the call and the reason code (``core.reasons``)."""

    call_id: int
    account_id: str
    collector: str | None
    called_at: datetime
    reason: Reason


@dataclass(frozen=True)
class Audit:
    """The calls logged from ``first`` to ``last`` (dates in the collector's zone, ``zone``)
    that broke a rule, in time order; ``calls_checked`` is how many calls were checked."""

    first: date
    last: date
    zone: str
    calls_checked: int
    violations: tuple[Violation, ...]
    collector: str | None = None

    def by_collector(self) -> dict[str, int]:
        """Violations per collector who logged the call ("" for none)."""
        counts: dict[str, int] = {}
        for v in self.violations:
            counts[v.collector or ""] = counts.get(v.collector or "", 0) + 1
        return counts


def build_audit(store: Store, settings: Settings, first: date, last: date,
                collector: str | None = None, exhaustive: bool = False) -> Audit:
    """Check every call logged from ``first`` to ``last`` (the collector's dates), by
    ``collector`` only when given, against the rules as they stood when it was made."""
    with store.snapshot():  # the whole log as of one moment
        pending = begin_audit(store, settings, first, last, collector, exhaustive)
        try:
            return pending.result()
        except BaseException:
            pending.stop()
            raise


class PendingAudit:
    """An audit begun (:func:`begin_audit`): its long reads of the log run on connections
    of their own meanwhile; :meth:`result` checks the rest on the store's connection, in
    the thread that began it, inside the same snapshot, and gives the :class:`Audit`."""

    def __init__(self, store: Store, settings: Settings, first: date, last: date,
                 collector: str | None, finish, stop=None) -> None:
        self._store, self._settings, self._collector = store, settings, collector
        self._first, self._last, self._finish = first, last, finish
        self._stop = stop
        self._audit: Audit | None = None

    def stop(self) -> None:
        """Stop the long reads begun (the command is ending without the result: Ctrl-C,
        an error): their threads end at once rather than read to the end."""
        if self._stop is not None:
            self._stop()

    def result(self) -> Audit:
        if self._audit is None:
            store, collector = self._store, self._collector
            checked, found = self._finish()
            if collector is not None and not checked and collector not in store.collectors():
                raise UsageError(_("no collector {who!r} (collectors: {known})").format(
                    who=collector, known=", ".join(store.collectors()) or _("none")))
            found.sort(key=lambda v: (v.called_at, v.call_id))
            self._audit = Audit(self._first, self._last, self._settings.timezone, checked,
                                tuple(found), collector)
        return self._audit


def begin_audit(store: Store, settings: Settings, first: date, last: date,
                collector: str | None = None, exhaustive: bool = False) -> PendingAudit:
    """:func:`build_audit`, begun: the reads of the whole log (the busy accounts, the
    census) start on connections of their own, and the caller does other reads on the
    store's meanwhile, in the snapshot it holds (``store.snapshot()``, from before this
    call until the result is taken: the other connections read the log up to the entry
    this one saw last)."""
    if last < first:
        raise UsageError(_("--to {last} is before --from {first}").format(
            last=last.isoformat(), first=first.isoformat()))
    zone = ZoneInfo(settings.timezone)  # the collector's days, midnight to midnight
    start = datetime.combine(first, time(0), zone)
    end = datetime.combine(last + timedelta(days=1), time(0), zone)
    book = outcome_book(settings)
    if exhaustive or _caps_below_one(settings):
        def finish():
            return _every_call(store, settings, book, start, end, collector)

        return PendingAudit(store, settings, first, last, collector, finish)
    finish, stop = _narrowed(store, settings, book, start, end, collector)
    return PendingAudit(store, settings, first, last, collector, finish, stop)


# -- checking one account's calls exactly -------------------------------------------------


class _Checker:
    """breaches() over the period's calls of accounts, each with its log and the debtor's
    requests log (:attr:`requests`, by account id: those of the accounts being checked,
    loaded with them), folded up to each call."""

    def __init__(self, settings: Settings, book: OutcomeBook, start: datetime, end: datetime,
                 collector: str | None, requests: Mapping[str, Sequence[RequestEntry]],
                 reference: bool = False) -> None:
        self.settings, self.book = settings, book
        self.reference = reference
        self.start, self.end, self.collector = start, end, collector
        self.requests = requests
        self._rules: dict[tuple[str, ...], AccountRules] = {}

    def rules(self, account: Account) -> AccountRules:
        if account.countries not in self._rules:
            self._rules[account.countries] = rules_for(self.settings.rules, account.countries)
        return self._rules[account.countries]

    def checked(self, call: Call) -> bool:
        """Whether ``call`` is one the audit checks: a standing call of the period (by the
        collector asked about)."""
        return (self.start <= call.called_at < self.end
                and (self.collector is None or call.collector == self.collector)
                and call.reversed_by is None and is_call(call, self.book))

    def check(self, account: Account, log: Sequence[Call],
              only: set[datetime] | None = None) -> tuple[int, list[Violation]]:
        """The calls of the period in ``log`` (the account's) checked, and what they broke;
        with ``only``, the calls at those moments alone are run through breaches()."""
        rules = self.rules(account)
        asked = self.requests.get(account.account_id, ())
        checked, found = 0, []
        if self.reference:  # the plain way: each call against the whole log
            calls = [(c, log) for c in log if self.checked(c)]
        else:
            # Each call against the standing entries before it (breaches() leaves the
            # others out itself): the same answer, without sorting the log for each call.
            standing = activity.effective(log)
            calls = [(c, standing[:n]) for n, c in enumerate(standing) if self.checked(c)]
        for call, before in calls:
            checked += 1
            if only is not None and call.called_at not in only:
                continue
            requests = in_force(asked, call.called_at) if asked else None
            for reason in breaches(account, rules, before, call, self.book, requests):
                assert call.id is not None  # read from the store
                found.append(Violation(call.id, account.account_id, call.collector,
                                       call.called_at, reason))
        return checked, found


def _every_call(store: Store, settings: Settings, book: OutcomeBook, start: datetime,
                end: datetime, collector: str | None) -> tuple[int, list[Violation]]:
    """breaches() on every call of the period: the whole log read, account by account."""
    checker = _Checker(settings, book, start, end, collector, store.debtor_requests(),
                       reference=True)
    checked, found = 0, []
    for account, log in store.calls_by_account():
        n, violations = checker.check(account, log)
        checked += n
        found += violations
    return checked, found


# -- narrowing first ------------------------------------------------------------------------


def _caps_below_one(settings: Settings) -> bool:
    """A cap of 0 (or less) makes every call a breach: nothing narrows that."""
    return any(value is not None and value < 1 for pack in settings.rules.packs.values()
               for value in (pack.max_attempts_per_day, pack.max_attempts_per_7_days,
                             pack.max_contacts_per_7_days, pack.max_contacts_per_month))


def _names(book: OutcomeBook, predicate) -> list[str]:
    """The codes of the outcomes that satisfy ``predicate``: the log holds codes (``log``
    and ``import calls`` store the code an alias stands for)."""
    return [o.code for o in book.outcomes if predicate(o)]


@dataclass(frozen=True)
class _Where:
    """Every zone any debtor may be in, the rules of every country named, and the labels
    of workplace numbers: the widest the accounts' locations can be."""

    zones: tuple[str, ...]
    rules: AccountRules
    workplace_labels: tuple[str, ...]


def _everywhere(places: AuditPlaces, settings: Settings) -> _Where:
    from collectctl.core.models import Phone, phone_role
    from collectctl.core.zones import DEBTOR, WORKPLACE, country_zones, place_of

    zones: dict[str, None] = {}
    countries: dict[str, None] = {}
    for listed_zone, listed_country, fallback in places.accounts:
        for zone in (listed_zone, *country_zones(listed_country), fallback):
            if zone:
                zones[zone] = None
        if listed_country:
            countries[listed_country.upper()] = None
    phones = [Phone("", label, valid, region=region, zones=stored)
              for label, valid, region, stored in places.phones if stored is not None]
    phones += [Phone(number, label, True) for label, number in places.unplaced]
    for phone in phones:
        if phone.valid and phone.role == DEBTOR:
            region, found = place_of(phone)
            zones.update(dict.fromkeys(found))
            if region:
                countries[region] = None
    labels = {label for label, *_rest in places.phones} | {lb for lb, _n in places.unplaced}
    everything = rules_for(settings.rules, tuple(countries))
    names = tuple(dict.fromkeys([*everything.names, settings.rules.default]))
    rules = AccountRules(names, tuple(settings.rules.packs[n] for n in names))
    workplace = tuple(sorted(lb for lb in labels if phone_role(lb) == WORKPLACE))
    return _Where(tuple(zones) or (settings.timezone,), rules, workplace)


def _narrowed(store: Store, settings: Settings, book: OutcomeBook, start: datetime,
              end: datetime, collector: str | None):
    """The narrowed audit, begun: the busy accounts and the census are being read on
    connections of their own; of the two functions returned, the first does the rest
    (the calls checked, the violations), the second stops those reads."""
    holds = [*_names(book, lambda o: o.effect == "hold"), activity.RESUME]
    attempts = _names(book, lambda o: o.attempt)
    last = store.last_call_id()
    # Three reads at once: the busy accounts and the census (the holds, the period's
    # other entries) on connections of their own, reading the log up to the same entry
    # (it only grows), and where the debtors may be on this one, in its snapshot (a phone
    # may change), when the caller asks for the result.
    pool = ThreadPoolExecutor(max_workers=2)
    siblings = _Siblings()
    reading = pool.submit(siblings.run, store, lambda other: list(_busy(
        other, settings, start, end, _DAY_BACK, _WEEK_BACK, last)))
    counted = pool.submit(siblings.run, store, lambda other: other.audit_census(
        start, end, collector, attempts, holds, last))
    pool.shutdown(wait=False)  # the two run on; their results are waited for

    def finish() -> tuple[int, list[Violation]]:
        return _narrowed_rest(store, settings, book, start, end, collector, last,
                              reading, counted)

    return finish, siblings.stop


def _narrowed_rest(store: Store, settings: Settings, book: OutcomeBook, start: datetime,
                   end: datetime, collector: str | None, last: int, reading, counted
                   ) -> tuple[int, list[Violation]]:
    checker = _Checker(settings, book, start, end, collector, {})
    where = _everywhere(store.audit_places(), settings)
    judge = _CapJudge(where, start, end)
    busy = reading.result()
    if judge.wider:  # clocks that move by hours: read further back, here
        busy = list(_busy(store, settings, start, end, judge.day, judge.week, last))
    over_caps = {account_id: moments for account_id, times in busy
                 if (moments := judge.moments(times))}
    del busy
    # While the census may still be read: the accounts that can be over a cap only,
    # at those calls only (an account with a hold entry is checked again below).
    found = _check_accounts(store, checker, {a: _Suspect(moments=m) for a, m
                                             in over_caps.items()}, where, book, set())
    census = counted.result()
    checked = census.entries - sum(
        1 for e in census.odd
        if start <= e.called_at < end and (collector is None or e.collector == collector)
        and not _attempt(book, e.outcome))
    checked -= sum(1 for who, outcome in census.undone
                   if (collector is None or who == collector) and _attempt(book, outcome))
    suspects: dict[str, _Suspect] = {}

    def suspect(ids: Iterable[str], rule: str) -> None:
        for account_id in ids:
            suspects.setdefault(account_id, _Suspect(moments=over_caps.get(
                account_id, set()))).rules.add(rule)

    suspect((e.account_id for e in census.odd if _effect(book, e.outcome) == "hold"), HOLD)
    suspect(_outside_hours(store, checker, where, start, end, collector), HOURS)
    suspect(_over_contact_caps(store, book, where, start, end), CONTACTS)
    hold_days = where.rules.hold_days
    if hold_days:
        suspect(store.accounts_with(_names(book, lambda o: o.right_party),
                                    start - timedelta(days=hold_days + 2), end), TALKED)
    if where.workplace_labels and not where.rules.workplace_allowed:
        suspect(store.accounts_called_on(where.workplace_labels, start, end, collector),
                WORKPLACE)
    in_windows, at_work = _against_requests(store, where, start, end, collector)
    suspect(at_work, REQUESTS)
    for account_id, moments in in_windows.items():
        suspects.setdefault(account_id, _Suspect(moments=over_caps.get(
            account_id, set()))).moments.update(moments)
    held = {e.account_id for e in census.odd if e.outcome == activity.RESUME
            or _effect(book, e.outcome) == "hold"}
    # The accounts suspected of more than a cap: checked (again) whole.
    found.update(_check_accounts(store, checker, suspects, where, book, held))
    return checked, [v for violations in found.values() for v in violations]


#: Why an account is checked: the rules one of its calls may have broken.
HOLD, HOURS, CONTACTS, TALKED, WORKPLACE, REQUESTS = (
    "hold", "hours", "contacts", "conversation", "workplace", "requests")


@dataclass
class _Suspect:
    """An account to check: the rules any of its calls may have broken (``rules``), and
    the moments of the calls that may be over an attempts cap."""

    rules: set[str] = field(default_factory=set)
    moments: set[datetime] = field(default_factory=set)

    def calls(self, rules: AccountRules) -> set[datetime] | None:
        """Which of its calls to run through breaches() under the account's own ``rules``
        (the suspicion came from the strictest pack of any account): None for all of them,
        else those at these moments (none: the account is clean)."""
        left = {r for r in self.rules if r == CONTACTS and any(rules.caps[2:])
                or r == TALKED and rules.hold_days or r == WORKPLACE
                and not rules.workplace_allowed or r in (HOLD, HOURS, REQUESTS)}
        return None if left else self.moments


class _Siblings:
    """The other connections the audit's long reads run on (each in a worker thread: a
    connection stays in the thread that opened it), so that a command interrupted
    (Ctrl-C, an error) stops them: a worker thread would otherwise read to the end before
    the process can exit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: list[Store] = []
        self._stopped = False

    def run(self, store: Store, read):
        """``read(other)`` on another connection to ``store``'s database."""
        other = store.sibling()
        with self._lock:
            if self._stopped:
                other.close()
                raise RuntimeError("the audit was stopped")
            self._open.append(other)
        try:
            return read(other)
        finally:
            with self._lock:
                self._open.remove(other)
            other.close()

    def stop(self) -> None:
        """Stop every read running, and any not begun yet."""
        with self._lock:
            self._stopped = True
            for other in self._open:
                other.interrupt()


def _attempt(book: OutcomeBook, code: str) -> bool:
    outcome = None if code in activity.RESERVED_CODES else book.find(code)
    return outcome is not None and outcome.attempt


def _effect(book: OutcomeBook, code: str) -> str:
    outcome = None if code in activity.RESERVED_CODES else book.find(code)
    return outcome.effect if outcome is not None else "none"


def _outside_hours(store: Store, checker: _Checker, where: _Where, start: datetime,
                   end: datetime, collector: str | None) -> set[str]:
    """Accounts with a call outside legal hours (or on a closed day) in one of their own
    zones: only the calls outside the hours legal everywhere are read, a gap at a time
    (a night of a team calling all over the world can be most of its calls)."""
    out: set[str] = set()
    #: Each account's zones and rules, once read (what a million accounts take is small).
    placed: dict[str, tuple[tuple[str, ...], AccountRules]] = {}
    for a, b in gaps(legal_intervals(where.rules, where.zones, start, end), start, end):
        calls = [(c.account_id, c.called_at) for c in store.calls_between(a, b, collector)
                 if c.account_id not in out and checker.checked(c)]
        unknown = sorted({account_id for account_id, _at in calls} - placed.keys())
        for begin in range(0, len(unknown), 5000):
            for account_id, account in store.get_accounts(unknown[begin:begin + 5000]).items():
                placed[account_id] = (account.zones, checker.rules(account))
        for account_id, at in calls:
            if account_id in placed and account_id not in out:
                zones, rules = placed[account_id]
                if closed_at(rules, zones, at, at + ONE_MINUTE) is not None:
                    out.add(account_id)
    return out


def _against_requests(store: Store, where: _Where, start: datetime, end: datetime,
                      collector: str | None) -> tuple[dict[str, set[datetime]], set[str]]:
    """The debtors' requests: by account, the moments of the period's calls made inside a
    window the debtor had asked for by then (in a zone they may be in), to be checked; and
    the accounts that had asked not to be called at work and were called on a workplace
    number in the period (checked whole). A few thousand accounts at a time, each batch's
    requests and call times read together."""
    from collectctl.core.requests import avoided

    requested = sorted(store.accounts_with_requests(end))
    if not requested:
        return {}, set()
    # Few zones in all (one country's debtors): each call is tried in each of them, and
    # no account need be read; else in its own account's zones.
    everywhere = tuple(map(ZoneInfo, where.zones)) if len(where.zones) <= 6 else None
    moments: dict[str, set[datetime]] = {}
    no_workplace: set[str] = set()
    for begin in range(0, len(requested), _ACCOUNTS_AT_ONCE):
        batch = requested[begin:begin + _ACCOUNTS_AT_ONCE]
        times = store.call_times(batch, start, end, collector)
        logs = store.debtor_requests(sorted(times))
        accounts = store.get_accounts(sorted(times)) if everywhere is None else {}
        for account_id, called in times.items():
            entries = logs.get(account_id, ())
            if any(e.kind == "no_workplace" for e in entries):
                no_workplace.add(account_id)
            if everywhere is not None:
                zones = everywhere
            elif account_id in accounts:
                zones = tuple(map(ZoneInfo, accounts[account_id].zones))
            else:  # not readable: none of its calls is either
                continue
            for at in called:
                asked = in_force(entries, at)
                if asked.avoid and any(avoided(asked, at.astimezone(z),
                                               at.astimezone(z) + ONE_MINUTE) for z in zones):
                    moments.setdefault(account_id, set()).add(at)
    at_work = (store.accounts_called_on(where.workplace_labels, start, end, collector)
               & no_workplace if no_workplace and where.workplace_labels else set())
    return moments, at_work


_NEVER = 2**31 - 1


#: How far before the period the busy accounts are read, before the zones are known: a
#: local day and 7 local days as long as a clock change can make them, and some.
_DAY_BACK, _WEEK_BACK = timedelta(hours=26), timedelta(days=7, hours=2)


def _busy(store: Store, settings: Settings, start: datetime, end: datetime,
          day_back: timedelta, week_back: timedelta, last: int
          ) -> Iterable[tuple[str, list[datetime]]]:
    """The accounts with enough entries (up to id ``last``) in the ``day_back`` and the
    ``week_back`` before the period, for the lowest caps of any of the config's packs,
    each with the times of its entries, as they are read (none: no pack caps attempts)."""
    lowest = AccountRules(tuple(settings.rules.packs), tuple(settings.rules.packs.values()))
    floor_day, floor_week, _contacts, _month = lowest.caps
    if floor_day is None and floor_week is None:
        return ()
    return store.busy_accounts(start - week_back, start - day_back, start, end,
                               floor_day + 1 if floor_day is not None else _NEVER,
                               floor_week + 1 if floor_week is not None else _NEVER,
                               up_to=last)


class _CapJudge:
    """Which calls of a busy account can be over an attempts cap of a pack in use (a day,
    7 days), by its entries' times: judged in each zone a debtor may be in."""

    def __init__(self, where: _Where, start: datetime, end: datetime) -> None:
        per_day, per_week, _contacts, _month = where.rules.caps
        self.start = start
        self.spans = cap_spans(where.zones, start - timedelta(days=40), end + timedelta(days=1))
        self.day = max(timedelta(seconds=self.spans.day), _DAY_BACK)
        self.week = max(timedelta(seconds=self.spans.week), _WEEK_BACK)
        #: Whether the store must be asked further back than it first was.
        self.wider = self.day > _DAY_BACK or self.week > _WEEK_BACK
        self.day_min = per_day + 1 if per_day is not None else None
        self.week_min = per_week + 1 if per_week is not None else None
        self.clocks = ([DayClock(z, start - timedelta(days=40), end + timedelta(days=1))
                        for z in where.zones] if len(where.zones) <= 6 else [])

    def moments(self, times: list[datetime]) -> set[datetime]:
        if self.day_min is None and self.week_min is None:
            return set()
        return over_a_cap(times, self.clocks, self.start, self.spans, self.day_min,
                          self.week_min)


def _over_contact_caps(store: Store, book: OutcomeBook, where: _Where, start: datetime,
                       end: datetime) -> set[str]:
    """Accounts with enough contacts close enough together to be over a contacts cap of
    some pack (7 days, a calendar month)."""
    _day, _week, per_week, per_month = where.rules.caps
    if per_week is None and per_month is None:
        return set()
    spans = cap_spans(where.zones, start - timedelta(days=40), end + timedelta(days=1))
    since = start - timedelta(seconds=spans.month if per_month else spans.week)
    busy = store.busy_accounts(since, start - timedelta(seconds=spans.week), start, end,
                               per_week or _NEVER, per_month or _NEVER,
                               _names(book, lambda o: o.contact))
    return {account_id for account_id, times in busy
            if per_week is not None and clustered(times, per_week, spans.week)
            or per_month is not None and clustered(times, per_month, spans.month)}


def _history(where: _Where, book: OutcomeBook, start: datetime) -> datetime | None:
    """From when the log of an account checked is read: far enough back for every rule
    any pack in use looks back over (None: all of it)."""
    # A right-party outcome that is no attempt could keep a callback from long ago pending
    # (the conversation hold's exception): then only the whole log is the same answer.
    if any(o.right_party and not o.attempt for o in book.outcomes):
        return None
    _day, _week, _contacts, per_month = where.rules.caps
    back = WEEK_BACK if per_month is None else MONTH_BACK
    return start - max(back, timedelta(days=where.rules.hold_days + 2))


def _check_accounts(store: Store, checker: _Checker, suspects: Mapping[str, _Suspect],
                    where: _Where, book: OutcomeBook, held: set[str]
                    ) -> dict[str, list[Violation]]:
    """breaches() on the period's calls of the ``suspects`` that may have broken a rule
    under their own rules, each with its log since :func:`_history` and, for those in
    ``held`` (with a hold or resume entry), those entries from before: what each broke,
    by account id. A few thousand accounts at a time (a whole team's can be suspects)."""
    keep = [*_names(book, lambda o: o.effect == "hold"), activity.RESUME]
    since = _history(where, book, checker.start)
    found: dict[str, list[Violation]] = {}
    ordered = sorted(suspects)
    for begin in range(0, len(ordered), _ACCOUNTS_AT_ONCE):
        accounts = store.get_accounts(ordered[begin:begin + _ACCOUNTS_AT_ONCE])
        only = {}
        for account_id, account in accounts.items():
            calls = suspects[account_id].calls(checker.rules(account))
            if calls is None or calls:
                only[account_id] = calls
        ids = sorted(only)
        logs = store.audit_history(ids, since, keep, held.intersection(only))
        checker.requests = store.debtor_requests(ids)  # this batch's, folded per call
        found.update({account_id: checker.check(accounts[account_id], logs[account_id],
                                                only[account_id])[1]
                      for account_id in ids if account_id in logs})
    return found


_ACCOUNTS_AT_ONCE = 5000


def audit_days(period: str | None, today: date) -> tuple[date, date]:
    """The first and last day of ``--week`` (Monday to today) or ``--month`` (the 1st to
    today), as ``progress --period`` counts them; today alone for neither."""
    from collectctl.core.targets import period_range

    first, _last = period_range(period or "day", today)
    return first, today
