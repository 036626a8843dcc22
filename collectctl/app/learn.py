"""Keeping the contact statistics (``core.learning``) in step with the call log.

Every logged or imported call adds to its account's and its segment's counts, in the
same transaction as the entry; an undo takes them back out. ``rebuild`` recomputes the
whole table from the log (``collectctl learn rebuild``). The counts are kept whether or
not ``learning.enabled`` is on, so turning it on needs no rebuild.

On a team server (``store.counts_on_server``) no client writes them, nor the pay trials:
the server counts each entry as it is inserted and derives the trials of the accounts an
entry or payment touched, with the outcome book, rules and pay window a lead published
(:func:`publish`; ``rebuild`` publishes the lead's and has the server count the log again).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from collectctl.config import Settings, outcome_book
from collectctl.core import learning, paying
from collectctl.core.models import Account, Call

if TYPE_CHECKING:
    from collectctl.storage.protocol import Store, TeamStore


def shape_for(settings: Settings):
    """``shape(account)(local time)``: the weight of a try at that minute of the debtor's
    day, by the rules in force (legal hours by weekday class; public holidays are not
    looked up: a call was made, so the minute was open)."""
    from collectctl.core import rules as R

    def for_account(account: Account):
        _name, pack = R.pack_for(settings.rules, account.country)

        def shape(local):
            hours = pack.weekend_hours if local.weekday() >= 5 else pack.weekday_hours
            return R.hour_shape(local, account.work_start, settings.call, hours)

        return shape

    return for_account


class Tally:
    """The counts a batch of entries adds, written at once (``import calls``)."""

    def __init__(self, settings: Settings) -> None:
        self.book = outcome_book(settings)
        self.shape = shape_for(settings)
        self.rows: dict[tuple, list[int]] = {}

    def add(self, account: Account, call: Call, sign: int = 1) -> None:
        seen = learning.observe(account, call, self.book, self.shape(account))
        if seen is None:
            return
        for key, values in learning.deltas([seen], sign).items():
            row = self.rows.setdefault(key, [0, 0, 0])
            for n, value in enumerate(values):
                row[n] += value

    def write(self, store: Store) -> None:
        if not store.counts_on_server:  # else the server counted each entry itself
            store.bump_contact_stats({k: v for k, v in self.rows.items() if any(v)})
        self.rows = {}


def record(store: Store, settings: Settings, account: Account, call: Call, sign: int = 1) -> None:
    """Count one entry (``sign=-1``: take an undone one back out), in the caller's
    transaction (on a team server the server has: nothing to do)."""
    if store.counts_on_server:
        return
    tally = Tally(settings)
    tally.add(account, call, sign)
    tally.write(store)


# -- who pays when reached (core.paying) ------------------------------------------------

def derive_pay(store: Store, settings: Settings, account_ids: Iterable[str]) -> None:
    """Derive the pay trials of these accounts again from their whole logs, in the caller's
    transaction: what ``learn rebuild`` would make of them (nothing on a team server,
    whose own trigger derives them)."""
    if store.counts_on_server:
        return
    derive = _pay_trials(settings)
    for account_id in sorted(set(account_ids)):
        account = store.get_account(account_id)
        if account is not None:
            store.replace_pay_trials(account_id, derive(
                store, account, store.calls_of(account_id), store.payments_of(account_id)))


def derive_paid(store: Store, settings: Settings, account_ids: Iterable[str]) -> None:
    """After payments: only the accounts with trials can change."""
    wanted = sorted(set(account_ids))
    if wanted and not store.counts_on_server:
        derive_pay(store, settings, store.with_pay_trials(wanted))


def _pay_trials(settings: Settings):
    """``derive(store, account, calls, payments)``: the account's trials from its log, as
    ``settings`` has them counted (the lists it had are read from ``store``)."""
    book = outcome_book(settings)
    window, grace = settings.learning.pay_window_days, settings.promise.grace_days

    def derive(store: Store, account: Account, calls, payments) -> list[paying.Trial]:
        return paying.trials(account, calls, payments, book, window, grace,
                             store.list_versions(account.account_id))

    return derive


@dataclass(frozen=True)
class Rebuilt:
    calls: int
    accounts: int
    segments: int


#: The schema version that added the counts: a database upgraded from before it has a log
#: they were never kept for.
COUNTS_SINCE = 7
#: The schema version from which a team server derives the counts itself.
SERVER_COUNTS_SINCE = 11


def after_upgrade(store: Store, settings: Settings) -> None:
    """Count the existing log once when an upgrade has just added the counts; on a team
    server, also when the server has nothing published to count with (a new database)."""
    since = SERVER_COUNTS_SINCE if store.counts_on_server else COUNTS_SINCE
    upgraded = store.upgraded_from is not None and store.upgraded_from < since
    if upgraded or (store.counts_on_server and not _team(store).learning_published()):
        rebuild(store, settings)


def _team(store: Store) -> TeamStore:
    from collectctl.storage.protocol import team_store

    team = team_store(store)
    assert team is not None, "only a team server counts on the server"
    return team


def publish(store: Store, settings: Settings) -> None:
    """Give a team server the outcome book's classes and the rules' weights it counts
    each call with (what ``observe`` uses of ``settings``), in the caller's transaction;
    nothing on SQLite, where the client counts."""
    if store.counts_on_server:
        _team(store).publish_learning(learning.outcome_classes(outcome_book(settings)),
                                      learning.shape_rules(settings),
                                      learning.country_zones(),
                                      (settings.learning.pay_window_days,
                                       settings.promise.grace_days))


def rebuild(store: Store, settings: Settings) -> Rebuilt:
    """Recompute every count from the log, in one transaction that holds off logging (on
    a team server: by the server, after publishing ``settings``' book and rules)."""
    if store.counts_on_server:
        return _rebuild_on_server(_team(store), settings)
    book = outcome_book(settings)
    seen = {"calls": 0}

    def work(_tx):
        store.hold_log()
        seen["calls"] = 0  # counted again if the transaction is run again

        def pairs():
            for account, calls in store.calls_by_account():
                seen["calls"] += len(calls)
                yield account, calls

        rows = learning.rebuild(pairs(), book, shape_for(settings))
        store.replace_contact_stats(rows)
        _rebuild_pay(store, settings)
        return rows

    rows = store.atomically(work)
    return _rebuilt(seen["calls"], rows)


def _rebuild_pay(store: Store, settings: Settings) -> None:
    """Every account's pay trials again from the log (in the caller's transaction)."""
    derive = _pay_trials(settings)
    store.clear_pay()
    group: list[tuple[Account, list[Call]]] = []

    def flush() -> None:
        paid: dict[str, list] = {}
        for payment in store.payments_for([a.account_id for a, _calls in group]):
            paid.setdefault(payment.account_id, []).append(payment)
        for account, calls in group:
            derived = derive(store, account, calls, paid.get(account.account_id, ()))
            if derived:
                store.replace_pay_trials(account.account_id, derived)
        group.clear()

    for pair in store.calls_by_account():
        group.append(pair)
        if len(group) >= 2000:
            flush()
    flush()


def _rebuild_on_server(store: TeamStore, settings: Settings) -> Rebuilt:
    from collectctl.core.zones import phone_place
    from collectctl.errors import StoreError
    from collectctl.i18n import _

    if store.member_role() == "collector":
        raise StoreError(_("the learned counts on a team server are a lead's to rebuild: "
                           "the server keeps them as calls are logged"))

    def work(_tx):
        store.hold_log()
        publish(store, settings)
        # A number a collector added has no zones stored (the server cannot read a
        # number); worked out here from the number, as an import does, the server places
        # its debtor where the client does.
        store.place_phones({(a, n): phone_place(n) for a, n in store.unplaced_phones()})
        calls = store.rebuild_contact_stats()
        store.rebuild_pay_trials()
        return calls

    calls = store.atomically(work)
    return _rebuilt(calls, store.all_contact_stats())


def _rebuilt(calls: int, rows) -> Rebuilt:
    accounts = {key for scope, key, _h, _w in rows if scope == learning.ACCOUNT}
    segments = {key for scope, key, _h, _w in rows if scope == learning.SEGMENT}
    return Rebuilt(calls, len(accounts), len(segments))
