"""Keeping the contact statistics (``core.learning``) in step with the call log.

Every logged or imported call adds to its account's and its segment's counts, in the
same transaction as the entry; an undo takes them back out. ``rebuild`` recomputes the
whole table from the log (``collectctl learn rebuild``). The counts are kept whether or
not ``learning.enabled`` is on, so turning it on needs no rebuild.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from collectctl.config import Settings, outcome_book
from collectctl.core import learning
from collectctl.core.models import Account, Call

if TYPE_CHECKING:
    from collectctl.storage.protocol import Store


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
        store.bump_contact_stats({k: v for k, v in self.rows.items() if any(v)})
        self.rows = {}


def record(store: Store, settings: Settings, account: Account, call: Call, sign: int = 1) -> None:
    """Count one entry (``sign=-1``: take an undone one back out), in the caller's
    transaction."""
    tally = Tally(settings)
    tally.add(account, call, sign)
    tally.write(store)


@dataclass(frozen=True)
class Rebuilt:
    calls: int
    accounts: int
    segments: int


#: The schema version that added the counts: a database upgraded from before it has a log
#: they were never kept for.
COUNTS_SINCE = 7


def after_upgrade(store: Store, settings: Settings) -> None:
    """Count the existing log once when an upgrade has just added the counts."""
    if store.upgraded_from is not None and store.upgraded_from < COUNTS_SINCE:
        rebuild(store, settings)


def rebuild(store: Store, settings: Settings) -> Rebuilt:
    """Recompute every count from the log, in one transaction that holds off logging."""
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
        return rows

    rows = store.atomically(work)
    accounts = {key for scope, key, _h, _w in rows if scope == learning.ACCOUNT}
    segments = {key for scope, key, _h, _w in rows if scope == learning.SEGMENT}
    return Rebuilt(seen["calls"], len(accounts), len(segments))
