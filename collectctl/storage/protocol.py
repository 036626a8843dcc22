"""What a store is: the :class:`Store` protocol both engines satisfy, and the named
results its reads return.

The app and cli layers annotate ``store`` with :class:`Store`, never with an engine's
class, so each of them works on SQLite and PostgreSQL alike; mypy checks that
:class:`~collectctl.storage.sqlite.SQLiteStore` and
:class:`~collectctl.storage.postgres.PostgresStore` are both one
(:func:`collectctl.storage.open_store` returns a ``Store``). What only a team server can do
is :class:`TeamStore`; :func:`team_store` says whether a store is one.

Making its classes costs about a millisecond, so the modules on ``log``'s path import it
for annotations only (``if TYPE_CHECKING``), and a named result is imported where it is
made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    from collectctl.core.chain import ChainCheck
    from collectctl.core.learning import Counts, ShapeRules
    from collectctl.core.metrics import Tally
    from collectctl.core.models import Account, Call, ImportBatch, Payment, Phone, Promise
    from collectctl.core.money import Amounts
    from collectctl.core.paying import ListVersion, Trial
    from collectctl.core.planning import Portfolio
    from collectctl.core.portfolio import ChangedPart, CollectorGroup, SinceGroup, Trail
    from collectctl.core.requests import RequestEntry
    from collectctl.core.targets import Target

T = TypeVar("T")

#: Contact statistics as the store counts them: ``(scope, key, hour, weekend) ->
#: [tries, contacts, exposure]`` (exposure in thousandths; see core.learning).
StatsRows = dict[tuple[str, str, int, bool], list[int]]


class Fingerprint(NamedTuple):
    """What an import needs to know of a stored account to skip an unchanged row."""

    row_hash: str  # of the parsed row the account was last written from
    status: str  # open | closed
    raw_hash: str | None  # of the raw row and its reading context (None: not yet known)
    has_valid_phone: bool
    #: A team lead's collector over the one the account's list names (``assign``).
    lead_assigned: bool = False


class ListedAccount(NamedTuple):
    """An account as a list gives it, for :meth:`Store.insert_accounts` /
    :meth:`Store.update_accounts`, with the fingerprints an import compares next time."""

    account: Account
    row_hash: str
    raw_hash: str | None = None


class TableTotal(NamedTuple):
    """A table's size, as ``db copy`` checks it on both sides."""

    rows: int
    money_minor: int  # the sum of its money column in minor units (0 if it has none)


class DayCollected(NamedTuple):
    """Standing payments of one day on one collector's accounts."""

    day: date
    collector: str  # "" for unassigned accounts
    amount: Decimal
    currency: str = ""  # the accounts' currency (one row per day, collector and currency)


class ListedPromise(NamedTuple):
    """A promise for the supervisor's lists: who took it (None: no collector named) and
    the currency of its account."""

    collector: str | None
    promise: Promise
    currency: str


class LoggedOutcome(NamedTuple):
    """One standing log entry: its account, collector, time (UTC) and outcome code."""

    account_id: str
    collector: str | None
    called_at: datetime
    outcome: str


class HourCalls(NamedTuple):
    """Standing log entries of one UTC hour, collector and outcome."""

    hour: datetime  # the hour's start, UTC
    collector: str  # "" when the entry names none
    outcome: str
    calls: int


class AuditPlaces(NamedTuple):
    """Every distinct place the accounts and their phones name, for ``audit`` to bound
    where any debtor may be without reading each account."""

    #: (listed zone, listed country, fallback zone) of the accounts.
    accounts: list[tuple[str | None, str | None, str]]
    #: (label, valid, country, zones) of the phones; zones None where not worked out.
    phones: list[tuple[str, bool, str | None, tuple[str, ...] | None]]
    #: (label, number) of the valid phones whose zones were not worked out.
    unplaced: list[tuple[str, str]]


class LogEntry(NamedTuple):
    """The who, when and what of one log entry."""

    account_id: str
    collector: str | None
    called_at: datetime
    outcome: str


class AuditCensus(NamedTuple):
    """What counting an audit's calls and finding holds needs (:meth:`Store.audit_census`)."""

    entries: int  # entries logged in the period
    #: Every hold entry (any time) and the period's entries that are not attempts.
    odd: list[LogEntry]
    #: (collector, outcome) of the period's entries that were undone.
    undone: list[tuple[str | None, str]]


class Member(NamedTuple):
    """A login role of a team server."""

    name: str
    role: str  # collector | lead


#: Named parameters of a statement.
Params = Mapping[str, Any]


class Transaction(Protocol):
    """The handle :meth:`Store.transaction` gives the block it runs."""

    rolled_back: bool

    def rollback(self) -> None:
        """Discard the transaction at the end of the block instead of committing it."""


@runtime_checkable
class Store(Protocol):
    """A collectctl database, whatever the engine (see :mod:`collectctl.storage.base`
    for what each operation does). Money in and out is ``Decimal``; ``now`` strings are
    UTC ISO-8601 as :func:`collectctl.clock.to_utc_iso` writes them."""

    engine: str  # "sqlite" | "postgresql"
    #: The schema version this open upgraded the database from (None: no upgrade).
    upgraded_from: int | None
    #: Whether the server derives the learned counts from each call as it is inserted, so
    #: the client writes none (a team server).
    counts_on_server: bool

    def close(self) -> None: ...

    # -- transactions and schema -------------------------------------------------------

    def transaction(self) -> AbstractContextManager[Transaction]: ...

    def snapshot(self) -> AbstractContextManager[None]: ...

    def atomically(self, work: Callable[[Transaction], T], attempts: int = 5) -> T: ...

    def schema_version(self) -> int: ...

    def check(self) -> list[str]: ...

    def backup_to(self, target: Path) -> None: ...

    def query_plan(self, query: str, params: Params) -> str: ...

    # -- import batches ----------------------------------------------------------------

    def begin_batch(self, kind: str, file_name: str, encoding: str, imported_at: str) -> int: ...

    def finish_batch(self, batch_id: int, sha256: str, counts: dict[str, int]) -> None: ...

    def find_batch(self, kind: str, sha256: str,
                   before_id: int | None = None) -> ImportBatch | None: ...

    # -- accounts ----------------------------------------------------------------------

    def account_fingerprints(self, ids: Sequence[str]) -> dict[str, Fingerprint]: ...

    def first_load(self) -> AbstractContextManager[bool]: ...

    def interrupt(self) -> None: ...

    def load_journal(self) -> AbstractContextManager[bool]: ...

    def accounts_without_valid_phone_all(self) -> list[str]: ...

    def set_raw_hashes(self, pairs: Sequence[tuple[str, str]]) -> None: ...

    def insert_accounts(self, accounts: Sequence[ListedAccount], batch_id: int | None,
                        now: str) -> None: ...

    def load_accounts(self, accounts: Sequence[tuple], phones: Sequence[tuple]) -> int: ...

    def loaded_rowids(self, ids: Sequence[str]) -> dict[str, int]: ...

    def update_accounts(self, accounts: Sequence[ListedAccount], batch_id: int | None,
                        now: str) -> None: ...

    def accounts_without_valid_phone(self, ids: Sequence[str]) -> list[str]: ...

    def close_missing(self, seen_ids: Iterable[str], collector: str | None,
                      batch_id: int | None, now: str) -> int: ...

    def count_missing(self, seen_ids: Iterable[str], collector: str | None) -> int: ...

    def count_open(self, collector: str | None) -> int: ...

    def get_accounts(self, ids: Sequence[str]) -> dict[str, Account]: ...

    def get_account(self, account_id: str) -> Account | None: ...

    def list_accounts(self, collector: str | None = None, status: str | None = None,
                      min_amount_minor: int | None = None) -> list[Account]: ...

    def collectors(self) -> list[str]: ...

    def assign(self, pairs: Sequence[tuple[str, str]], now: str) -> None: ...

    # -- whole tables (db copy) --------------------------------------------------------

    def table_rows(self, table: str, columns: tuple[str, ...],
                   batch: int = 5000) -> Iterator[list[dict[str, Any]]]: ...

    def load_rows(self, table: str, columns: tuple[str, ...],
                  rows: list[dict[str, Any]]) -> None: ...

    def totals(self) -> dict[str, TableTotal]: ...

    def after_load(self) -> None: ...

    def copy_from(self, source: Store) -> dict[str, TableTotal]: ...

    def count(self, table: str) -> int: ...

    # -- the call log ------------------------------------------------------------------

    def add_call(self, call: Call, now: str, batch_id: int | None = None) -> int: ...

    def hold_log(self) -> None: ...

    chain_key: bytes | None

    def check_chain(self, key: bytes | None = None) -> ChainCheck: ...

    def get_call(self, call_id: int) -> Call | None: ...

    def find_call(self, account_id: str, called_at: datetime, outcome: str) -> int | None: ...

    def calls_of(self, account_id: str) -> list[Call]: ...

    def last_call_by(self, collector: str) -> Call | None: ...

    def calls_by_account(self, group: int = 2000) -> Iterator[tuple[Account, list[Call]]]: ...

    # -- contact statistics ------------------------------------------------------------

    def bump_contact_stats(self, rows: StatsRows) -> None: ...

    def replace_contact_stats(self, rows: StatsRows) -> None: ...

    def contact_stats(self, collector: str | None = None,
                      account_id: str | None = None) -> Mapping[str, Counts]: ...

    def segment_stats(self) -> Mapping[str, Counts]: ...

    def all_contact_stats(self) -> StatsRows: ...

    # -- who pays when reached (core.paying) ------------------------------------------

    def pay_trials_of(self, account_id: str) -> list[Trial]: ...

    def pay_trials(self, collector: str) -> dict[str, list[Trial]]: ...

    def pay_trials_around(self, first: date, last: date
                          ) -> list[tuple[Trial, str | None, str]]: ...

    def all_pay_trials(self) -> list[Trial]: ...

    def replace_pay_trials(self, account_id: str, trials: Sequence[Trial]) -> None: ...

    def bump_pay_stats(self, delta: Mapping[tuple[str, date], list[int]]) -> None: ...

    def clear_pay(self) -> None: ...

    def pay_segments(self, keys: Iterable[str]
                     ) -> dict[str, list[tuple[date, int, int, int]]]: ...

    def all_pay_stats(self) -> dict[tuple[str, date], list[int]]: ...

    def pay_feed(self) -> bool: ...

    def with_pay_trials(self, ids: Sequence[str]) -> set[str]: ...

    def list_versions(self, account_id: str) -> list[ListVersion]: ...

    # -- phones, promises, payments ----------------------------------------------------

    def set_phone_valid(self, account_id: str, number: str, valid: bool) -> bool: ...

    def add_phone(self, account_id: str, phone: Phone, source: str, now: str) -> bool: ...

    def add_promise(self, promise: Promise, call_id: int) -> int: ...

    def promises_of(self, account_id: str) -> list[Promise]: ...

    def promises(self, collector: str | None = None) -> list[Promise]: ...

    def add_payment(self, payment: Payment, now: str, call_id: int | None = None,
                    batch_id: int | None = None) -> bool: ...

    def payments_of(self, account_id: str) -> list[Payment]: ...

    def payments_for(self, ids: Sequence[str]) -> list[Payment]: ...

    def portfolio(self, collector: str) -> Portfolio: ...

    # -- the debtor's requests ---------------------------------------------------------

    def add_request(self, entry: RequestEntry) -> int: ...

    def assignments_of(self, account_id: str) -> list[tuple]: ...

    def requests_of(self, account_id: str) -> list[RequestEntry]: ...

    def requests_for(self, collector: str) -> list[RequestEntry]: ...

    # -- metrics and targets -----------------------------------------------------------

    def tallies(self, start: datetime, end: datetime, first: date, last: date, today: date,
                grace_days: int, collector: str | None = None,
                counts: dict[str, dict[str, int]] | None = None) -> dict[str, Tally]: ...

    def collected_by_day(self, first: date, last: date) -> list[DayCollected]: ...

    def portfolio_groups(self, collector: str | None = None
                         ) -> tuple[list[SinceGroup], list[CollectorGroup]]: ...

    def portfolio_changed(self, start_at: datetime, end_at: datetime,
                          collector: str | None = None) -> list[ChangedPart]: ...

    def portfolio_trails(self, start_at: datetime, last: date,
                         collector: str | None = None) -> list[Trail]: ...

    def promises_due_listed(self, first: date, last: date, today: date,
                            collector: str | None = None) -> list[ListedPromise]: ...

    def calls_with_outcomes(self, start: datetime, end: datetime, codes: Sequence[str],
                            collector: str | None = None) -> list[LoggedOutcome]: ...

    def calls_by_hour(self, start: datetime, end: datetime,
                      collector: str | None = None) -> list[HourCalls]: ...

    def set_targets(self, targets: Sequence[Target], now: str) -> None: ...

    def targets(self) -> list[Target]: ...

    def clear_targets(self) -> int: ...

    def replace_split(self, targets: Sequence[Target], now: str) -> None: ...

    def balances_by_collector(self) -> dict[str, Amounts]: ...

    def currencies_of(self, ids: Sequence[str]) -> dict[str, str]: ...

    def skip_list(self, skip_codes: Sequence[str]) -> list[str]: ...

    # -- audit -------------------------------------------------------------------------

    def audit_places(self) -> AuditPlaces: ...

    def last_call_id(self) -> int: ...

    def audit_census(self, start: datetime, end: datetime, collector: str | None,
                     attempts: Sequence[str], holds: Sequence[str],
                     up_to: int | None = None) -> AuditCensus: ...

    def sibling(self) -> Store: ...

    def calls_between(self, start: datetime, end: datetime,
                      collector: str | None = None) -> list[Call]: ...

    def busy_accounts(self, since: datetime, day_since: datetime, start: datetime,
                      end: datetime, day_min: int, week_min: int,
                      outcomes: Sequence[str] | None = None,
                      up_to: int | None = None) -> Iterator[tuple[str, list[datetime]]]: ...

    def accounts_with(self, outcomes: Sequence[str], since: datetime,
                      end: datetime) -> set[str]: ...

    def accounts_called_on(self, labels: Sequence[str], start: datetime, end: datetime,
                           collector: str | None = None) -> set[str]: ...

    def audit_history(self, ids: Sequence[str], since: datetime | None, keep: Sequence[str],
                      keep_of: Iterable[str] = ()) -> dict[str, list[Call]]: ...

    def debtor_requests(self, ids: Sequence[str] | None = None
                        ) -> dict[str, list[RequestEntry]]: ...

    def accounts_with_requests(self, end: datetime) -> set[str]: ...

    def call_times(self, ids: Sequence[str], start: datetime, end: datetime,
                   collector: str | None = None) -> dict[str, list[datetime]]: ...


@runtime_checkable
class TeamStore(Store, Protocol):
    """A team server's store: roles for its members (PostgreSQL only)."""

    def add_member(self, name: str, role: str, password: str | None = None) -> bool: ...

    def members(self) -> list[Member]: ...

    def whoami(self) -> str: ...

    def team_member(self) -> str | None: ...

    def member_role(self) -> str | None: ...

    def set_chain_key(self, key: bytes) -> bool: ...
    def publish_learning(self, outcomes: Mapping[str, tuple[bool, bool]],
                         rules: Mapping[str, ShapeRules],
                         zones: Mapping[str, str], pay: tuple[int, int]) -> None: ...

    def learning_published(self) -> bool: ...

    def unplaced_phones(self) -> list[tuple[str, str]]: ...

    def place_phones(self, places: Mapping[tuple[str, str], tuple[str | None,
                                                                  tuple[str, ...]]]) -> None: ...

    def rebuild_contact_stats(self) -> int: ...

    def rebuild_pay_trials(self) -> int: ...


def team_store(store: Store) -> TeamStore | None:
    """``store`` as a team server's, or None when its engine has no roles (SQLite)."""
    return store if isinstance(store, TeamStore) else None
