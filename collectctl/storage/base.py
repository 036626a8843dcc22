"""What every engine's store shares: each operation as SQL from :mod:`sql`, and the
conversion between rows and core dataclasses (:mod:`codec`).

A backend supplies the connection: :meth:`_exec` (one statement, named parameters),
:meth:`_many` (one statement, many parameter sets), :meth:`_insert` (an INSERT that
returns the new row's id), transactions, migrations and the engine's bulk paths.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from collectctl.core.metrics import Tally
from collectctl.core.models import Account, Call, ImportBatch, Payment, Phone, Promise
from collectctl.core.money import Amounts
from collectctl.core.targets import Target
from collectctl.storage import codec, sql

if TYPE_CHECKING:
    # The named results are imported where they are made: building their classes costs
    # about 1 ms, which `log` need not pay.
    from collectctl.core.chain import ChainCheck, Head
    from collectctl.core.learning import Counts
    from collectctl.core.paying import ListVersion, Trial
    from collectctl.core.planning import Portfolio
    from collectctl.core.portfolio import ChangedPart, CollectorGroup, SinceGroup, Trail
    from collectctl.core.requests import RequestEntry
    from collectctl.storage.migrations import Migrations
    from collectctl.storage.protocol import (
        AuditCensus,
        AuditPlaces,
        DayCollected,
        Fingerprint,
        HourCalls,
        ListedAccount,
        ListedPromise,
        LoggedOutcome,
        Params,
        StatsRows,
        Store,
        TableTotal,
    )

T = TypeVar("T")

#: Host parameters in one statement, kept well below every engine's limit.
_CHUNK = 500


def _per_currency(rows: Iterable[tuple[str | None, str, int | None]]) -> dict[str, Amounts]:
    """``(collector, currency, minor units)`` rows → the collector's amounts by currency
    (a collector of no name is "")."""
    out: dict[str, Amounts] = {}
    for who, currency, minor in rows:
        out[who or ""] = out.get(who or "", Amounts()).plus(currency, codec.from_minor(minor or 0))
    return out


class Cursor(Protocol):
    """What :meth:`SQLStore._exec` returns, on either engine's driver: rows are tuples."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def fetchmany(self, size: int = ..., /) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """The little :class:`SQLStore` itself asks of a driver's connection."""

    def execute(self, query: str, /) -> Any: ...

    def close(self) -> None: ...


class Transaction:
    """Handle on an open transaction; :meth:`rollback` discards it at the end of the block."""

    def __init__(self) -> None:
        self.rolled_back = False

    def rollback(self) -> None:
        self.rolled_back = True


class SQLStore:
    """The operations of a collectctl database, whatever the engine."""

    engine = ""
    conn: Connection
    _in_transaction = False
    #: The migrations this store opened with (:mod:`collectctl.storage.migrations`).
    migrations: Migrations
    #: The schema version this open upgraded the database from (None: no upgrade).
    upgraded_from: int | None = None
    #: Whether the server derives the learned counts from each call itself (no client
    #: writes them: PostgreSQL, schema migration 11).
    counts_on_server = False
    #: How the engine opens a write transaction and a consistent read.
    _begin_write = "BEGIN"
    _begin_read = "BEGIN"

    def close(self) -> None:
        self.conn.close()

    def schema_version(self) -> int:
        """The newest migration the database has had (0: none)."""
        return self.migrations.version(self)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """One write transaction: all of the block or none of it."""
        tx = Transaction()
        self.conn.execute(self._begin_write)
        self._in_transaction = True
        try:
            try:
                yield tx
            except BaseException:
                self._rollback_after_error()
                raise
            try:
                self.conn.execute("ROLLBACK" if tx.rolled_back else "COMMIT")
            except BaseException:
                self._rollback_after_error()
                raise
        except Exception as error:
            if self.disk_full(error):
                from collectctl.errors import DiskFull
                from collectctl.i18n import _

                raise DiskFull(_("the database's disk is full: the change was rolled back, "
                                 "nothing was written (free some space and run it again)")
                               ) from None
            raise
        finally:
            self._in_transaction = False

    def _rollback_after_error(self) -> None:
        """Roll back after a failure. The engine may have rolled back already (SQLite does
        on a full disk): then its "no transaction is active" must not hide the failure."""
        with suppress(Exception):  # the first failure is the one to report
            self.conn.execute("ROLLBACK")

    @staticmethod
    def disk_full(error: Exception) -> bool:
        """Whether the engine failed for a full disk (SQLite's SQLITE_FULL, 13, also for
        its temporary files; PostgreSQL's SQLSTATE 53100)."""
        return (((getattr(error, "sqlite_errorcode", None) or 0) & 0xFF) == 13
                or getattr(error, "sqlstate", None) == "53100")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Several reads that see one state of the database (inside a transaction: that
        one's)."""
        if self._in_transaction:
            yield
            return
        self.conn.execute(self._begin_read)
        self._in_transaction = True
        try:
            yield
        finally:
            self._in_transaction = False
            self.conn.execute("COMMIT")

    def _exec(self, query: str, params: Params | None = None) -> Cursor:
        raise NotImplementedError

    def _many(self, query: str, rows: Iterable[Params]) -> None:
        raise NotImplementedError

    # The engine's part of the migrations tracker (:mod:`collectctl.storage.migrations`).

    def _has_table(self, name: str) -> bool:
        raise NotImplementedError

    def _lock_schema(self) -> None:
        raise NotImplementedError

    def _legacy_version(self) -> int:
        raise NotImplementedError

    def _recorded(self, version: int) -> None:
        raise NotImplementedError

    @staticmethod
    def retryable(error: Exception) -> bool:
        """Whether the engine asks for the transaction to be run again."""
        return False

    def atomically(self, work: Callable[[Transaction], T], attempts: int = 5) -> T:
        """``work(tx)`` in one transaction, run again from the start when the engine asks
        (SQLite still busy after its timeout; PostgreSQL serialization failure or
        deadlock), so a writer among many never fails on contention."""
        import time

        for attempt in range(attempts):
            try:
                with self.transaction() as tx:
                    return work(tx)
            except Exception as error:
                if attempt + 1 == attempts or not self.retryable(error):
                    raise
                time.sleep(0.05 * 2 ** attempt)
        raise AssertionError("unreachable")

    def _insert(self, query: str, params: Params) -> int:
        """Run an INSERT of one row and return its id."""
        return self._exec(query + " RETURNING id", params).fetchone()[0]

    # -- import batches -------------------------------------------------------------------

    def begin_batch(self, kind: str, file_name: str, encoding: str, imported_at: str) -> int:
        return self._insert(
            sql.INSERT_BATCH,
            {"kind": kind, "file_name": file_name, "encoding": encoding, "at": imported_at},
        )

    def finish_batch(self, batch_id: int, sha256: str, counts: dict[str, int]) -> None:
        self._exec(sql.FINISH_BATCH, {"id": batch_id, "sha256": sha256, **counts})

    def find_batch(
        self, kind: str, sha256: str, before_id: int | None = None
    ) -> ImportBatch | None:
        """The latest earlier batch of ``kind`` that read a file with this sha256."""
        row = self._exec(
            sql.FIND_BATCH_BY_SHA, {"kind": kind, "sha256": sha256, "before": before_id or 2**62}
        ).fetchone()
        return codec.batch_from_row(row) if row else None

    # -- accounts -------------------------------------------------------------------------

    def account_fingerprints(self, ids: Sequence[str]) -> dict[str, Fingerprint]:
        """The :class:`Fingerprint` of those of ``ids`` that exist, by account id."""
        from collectctl.storage.protocol import Fingerprint

        if not ids:
            return {}
        query = sql.SELECT_FINGERPRINTS.format(in_ids=sql.IN_IDS[self.engine])
        return {account_id: Fingerprint(row_hash, status, raw_hash, bool(valid), bool(lead))
                for account_id, row_hash, status, raw_hash, valid, lead
                in self._exec(query, sql.ids_param(self.engine, ids))}

    @contextmanager
    def first_load(self) -> Iterator[bool]:
        """Inside an ``import accounts`` transaction: True when it is the first load into
        an empty accounts table and the engine loads it in bulk (no account to look up
        for each chunk; SQLite builds the table's plain indexes once loaded). Here, on
        the team server, never: a collector's view of the table can be empty when the
        table is not, and the server's COPY is its bulk path."""
        yield False

    def load_accounts(self, accounts: Sequence[tuple], phones: Sequence[tuple]) -> int:
        """Insert a first load's new accounts and their phones, given as the tuples of
        ``codec.account_values`` and ``codec.phone_values``; return the table's last
        rowid. Only where :meth:`first_load` says True (SQLite's), never here."""
        raise NotImplementedError("only a first load binds tuples")

    def loaded_rowids(self, ids: Sequence[str]) -> dict[str, int]:
        """Which of ``ids`` a first load has written, with the rowid each went in with
        (1 for the first): only where :meth:`first_load` says True."""
        raise NotImplementedError("only a first load counts rowids")

    @contextmanager
    def load_journal(self) -> Iterator[bool]:
        """Around a first load's transaction: SQLite writes it through a rollback journal
        when no other connection has the file open (True). Here: as any write (False)."""
        yield False

    def accounts_without_valid_phone_all(self) -> list[str]:
        """Every account with no phone to dial, by id (after a first load: its own)."""
        return [row[0] for row in self._exec(sql.WITHOUT_VALID_PHONE_ALL)]

    def set_raw_hashes(self, pairs: Sequence[tuple[str, str]]) -> None:
        """Remember the raw row of accounts a list left unchanged."""
        self._many(sql.SET_RAW_HASH, [{"account_id": a, "raw_hash": r} for a, r in pairs])

    def insert_accounts(
        self, accounts: Sequence[ListedAccount], batch_id: int | None, now: str
    ) -> None:
        """Insert new accounts (with their fingerprint) and their phones."""
        self._many(
            sql.INSERT_ACCOUNT,
            [codec.account_params(a, h, batch_id, now, *raw) for a, h, *raw in accounts],
        )
        self._add_phones(accounts, now, sql.INSERT_NEW_PHONE)

    def update_accounts(
        self, accounts: Sequence[ListedAccount], batch_id: int | None, now: str
    ) -> None:
        """Replace accounts' fields from a newer list, keeping the old version in history.

        Phones from the list are added; numbers already known (and their
        valid/invalid mark) are kept as they are.
        """
        self._many(
            sql.SAVE_HISTORY,
            [{"id": a.account_id, "batch_id": batch_id, "now": now} for a, *_rest in accounts],
        )
        self._many(
            sql.UPDATE_ACCOUNT,
            [codec.account_params(a, h, batch_id, now, *raw) for a, h, *raw in accounts],
        )
        self._add_phones(accounts, now)

    def _add_phones(self, accounts: Sequence[ListedAccount], now: str,
                    query: str = sql.ADD_PHONE) -> None:
        self._many(
            query,
            [
                codec.phone_params(account.account_id, phone, position, "import", now)
                for account, *_rest in accounts
                for position, phone in enumerate(account.phones)
            ],
        )

    def accounts_without_valid_phone(self, ids: Sequence[str]) -> list[str]:
        out: list[str] = []
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks, params = sql.in_list(chunk)
            rows = self._exec(sql.WITHOUT_VALID_PHONE.format(ids=marks), params)
            out.extend(row[0] for row in rows)
        return out

    def close_missing(
        self, seen_ids: Iterable[str], collector: str | None, batch_id: int | None, now: str
    ) -> int:
        """Close open accounts (of ``collector``, or all) not in ``seen_ids``; return how many."""
        self._exec(sql.CREATE_SEEN)
        self._exec(sql.CLEAR_SEEN)
        self._many(sql.INSERT_SEEN, ({"id": i} for i in seen_ids))
        params = {"collector": collector, "batch_id": batch_id, "now": now}
        scope = "collector" if collector is not None else "all"
        self._exec(sql.SAVE_HISTORY_MISSING[scope], params)
        closed = self._exec(sql.CLOSE_MISSING[scope], params).rowcount
        self._exec(sql.CLEAR_SEEN)
        return closed

    def count_missing(self, seen_ids: Iterable[str], collector: str | None) -> int:
        """How many accounts :meth:`close_missing` would close now, closing none."""
        self._exec(sql.CREATE_SEEN)
        self._exec(sql.CLEAR_SEEN)
        self._many(sql.INSERT_SEEN, ({"id": i} for i in seen_ids))
        scope = "collector" if collector is not None else "all"
        missing = self._exec(sql.COUNT_MISSING[scope], {"collector": collector}).fetchone()[0]
        self._exec(sql.CLEAR_SEEN)
        return missing

    def count_open(self, collector: str | None) -> int:
        """How many accounts are open (of ``collector``, or all): the scope of
        :meth:`close_missing`."""
        scope = "collector" if collector is not None else "all"
        return self._exec(sql.COUNT_OPEN[scope], {"collector": collector}).fetchone()[0]

    def get_accounts(self, ids: Sequence[str]) -> dict[str, Account]:
        """The accounts (with phones) among ``ids`` that exist, by account id."""
        found: dict[str, Account] = {}
        for start in range(0, len(ids), _CHUNK):
            marks, params = sql.in_list(ids[start : start + _CHUNK])
            phones: dict[str, list[Phone]] = {}
            for prow in self._exec(sql.SELECT_PHONES_IN.format(ids=marks), params):
                phones.setdefault(prow[0], []).append(codec.phone_from_row(prow))
            for row in self._exec(sql.SELECT_ACCOUNTS_IN.format(ids=marks), params):
                found[row[0]] = codec.account_from_row(row, phones.get(row[0], []))
        return found

    def get_account(self, account_id: str) -> Account | None:
        row = self._exec(sql.SELECT_ACCOUNT, {"id": account_id}).fetchone()
        if row is None:
            return None
        phones = self._exec(sql.SELECT_PHONES, {"id": account_id}).fetchall()
        return codec.account_from_row(row, [codec.phone_from_row(p) for p in phones])

    def list_accounts(
        self,
        collector: str | None = None,
        status: str | None = None,
        min_amount_minor: int | None = None,
    ) -> list[Account]:
        """Accounts matching every given filter, ordered by account id, with their phones."""
        where, params = sql.account_filters(collector, status, min_amount_minor)
        rows = self._exec(sql.SELECT_ACCOUNTS.format(where=where), params).fetchall()
        phones: dict[str, list[Phone]] = {}
        for prow in self._exec(sql.SELECT_ALL_PHONES.format(where=where), params):
            phones.setdefault(prow[0], []).append(codec.phone_from_row(prow))
        return [codec.account_from_row(r, phones.get(r[0], [])) for r in rows]

    def collectors(self) -> list[str]:
        return [r[0] for r in self._exec(sql.SELECT_COLLECTORS)]

    def assign(self, pairs: Sequence[tuple[str, str]], now: str) -> None:
        """Give each account ``(account_id, collector)`` to its collector, keeping the
        previous version in the account's history."""
        self._many(sql.SAVE_HISTORY, [{"id": aid, "batch_id": None, "now": now}
                                      for aid, _c in pairs])
        self._many(sql.ASSIGN_ACCOUNT, [{"id": aid, "collector": who, "now": now}
                                        for aid, who in pairs])

    # -- whole tables (db copy) ---------------------------------------------------------

    def table_rows(self, table: str, columns: tuple[str, ...],
                   batch: int = 5000) -> Iterator[list[dict[str, Any]]]:
        """Every row of a table in key order, in batches of dicts."""
        cursor = self._exec(sql.select_table(table, columns))
        while True:
            rows = cursor.fetchmany(batch)
            if not rows:
                return
            yield [dict(zip(columns, row, strict=True)) for row in rows]

    def load_rows(self, table: str, columns: tuple[str, ...],
                  rows: list[dict[str, Any]]) -> None:
        self._many(sql.insert_table(table, columns), rows)

    def totals(self) -> dict[str, TableTotal]:
        """Every table's :class:`TableTotal`."""
        from collectctl.storage.protocol import TableTotal

        out = {}
        for table, _columns, money in sql.TABLES:
            count, total = self._exec(sql.table_totals(table, money)).fetchone()
            out[table] = TableTotal(int(count), int(total))
        return out

    def after_load(self) -> None:
        """Engine housekeeping after rows were loaded with their own ids."""

    def copy_from(self, source: Store) -> dict[str, TableTotal]:
        """Copy every row of ``source`` (either engine) into this empty store, in one
        transaction, then check rows and money totals per table on both sides; the
        totals. Ids are kept, so entries still point at what they reversed or paid."""
        from collectctl.errors import StoreError, UsageError
        from collectctl.i18n import _

        if any(rows for table, (rows, _total) in self.totals().items()
               if table != "chain_head"):
            raise UsageError(_("the target database is not empty; copy into a new one"))
        def work(_tx: Transaction) -> None:
            self._exec("DELETE FROM chain_head")  # the source's head comes with its ledger
            for table, columns, _money in sql.TABLES:
                for rows in source.table_rows(table, columns):
                    self.load_rows(table, columns, rows)
            self.after_load()

        self.atomically(work)
        before, after = source.totals(), self.totals()
        for table in before:
            if before[table] != after[table]:
                raise StoreError(_("copy check failed for {table}: {a} rows / {m} in the "
                                   "source, {b} / {n} in the target").format(
                    table=table, a=before[table][0], m=before[table][1],
                    b=after[table][0], n=after[table][1]))
        return after

    def count(self, table: str) -> int:
        if table not in sql.COUNTABLE:
            raise ValueError(table)
        return self._exec(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

    # -- the call log ---------------------------------------------------------------------

    def add_call(self, call: Call, now: str, batch_id: int | None = None) -> int:
        """Append an entry to the call log, linked into the ledger; return its id. Runs in
        the caller's transaction, which holds the ledger's head until it ends."""
        params = codec.call_params(call, batch_id, now)
        return self._ledger_insert("call", sql.INSERT_CALL, params, returning=True)

    #: The key of the ledger's links (``COLLECTCTL_CHAIN_KEY``), set by whoever opens the
    #: store; None: plain SHA-256.
    chain_key: bytes | None = None

    def _ledger_insert(self, kind: str, query: str, params: dict[str, Any],
                       returning: bool = False) -> int:
        """Insert one ledger entry numbered and linked after the head, and move the head
        (in the caller's write transaction, which SQLite's write lock makes the only
        writer). The id (``returning``) or the number of rows inserted (0: a payment
        already recorded). PostgreSQL does this in its own trigger."""
        from collectctl.core import chain
        from collectctl.errors import StoreError
        from collectctl.i18n import _

        head = self.chain_head()
        if head is None:  # pragma: no cover - every migrated database has one
            raise StoreError(_("the database has no ledger head: run 'collectctl db check'"))
        keyed = head.keyed or (head.entries == 0 and self.chain_key is not None)
        if keyed and self.chain_key is None:
            raise StoreError(_("this database's log is keyed: set COLLECTCTL_CHAIN_KEY to "
                               "the team's key to write to it"))
        seq = head.entries + 1
        fields = chain.LEDGER_FIELDS[kind][1]
        values = [params["now" if f in ("logged_at", "recorded_at") else f] for f in fields]
        params["seq"] = seq
        params["chain"] = chain.ledger_link(head.head, kind, seq, values,
                                            self.chain_key if keyed else None)
        if returning:
            out = self._insert(query, params)
        else:
            out = self._exec(query, params).rowcount
            if out <= 0:
                return 0
        self._exec(sql.MOVE_CHAIN_HEAD, {"seq": seq, "chain": params["chain"],
                                         "keyed": int(keyed)})
        return out

    def chain_head(self) -> Head | None:
        """The ledger's head record (None: a database from before the ledger)."""
        from collectctl.core.chain import Head

        if not self._has_table("chain_head"):
            return None
        row = self._exec(sql.SELECT_CHAIN_HEAD).fetchone()
        if row is None:
            return None
        entries, head, calls, unchained, promises, payments, keyed = row
        return Head(int(entries), head, int(calls), int(unchained), int(promises),
                    int(payments), bool(keyed))

    def hold_log(self) -> None:
        """Keep every other writer from logging until this transaction ends."""
        self._lock_chain()

    def _lock_chain(self) -> None:
        """Only one writer at a time may take the ledger's head (SQLite: the write lock,
        already held by the transaction)."""

    def check_chain(self, key: bytes | None = None) -> ChainCheck:
        """Walk the chains against the head: :class:`~collectctl.core.chain.ChainCheck`."""
        from collectctl.core import chain

        with self.snapshot():
            head = self.chain_head()
            legacy = (0, 0)
            if head is not None:
                promises, payments = self._exec(sql.COUNT_UNNUMBERED).fetchone()
                legacy = (int(promises), int(payments))
            first = self._stream(sql.SELECT_CHAIN)
            ledger = self._stream(sql.SELECT_LEDGER) if head is not None else iter(())
            return chain.verify(first, ledger, head, key, legacy)

    def get_call(self, call_id: int) -> Call | None:
        row = self._exec(sql.SELECT_CALL, {"id": call_id}).fetchone()
        return codec.call_from_row(row) if row else None

    def find_call(self, account_id: str, called_at: datetime, outcome: str) -> int | None:
        """The id of a standing entry with this account, time and outcome (import dedup)."""
        from collectctl.clock import to_utc_iso

        row = self._exec(sql.FIND_CALL, {
            "account_id": account_id, "called_at": to_utc_iso(called_at), "outcome": outcome,
        }).fetchone()
        return row[0] if row else None

    def calls_of(self, account_id: str) -> list[Call]:
        """Every entry of an account's log, undo entries included, oldest first."""
        rows = self._exec(sql.SELECT_CALLS_OF, {"id": account_id})
        return [codec.call_from_row(r) for r in rows]

    def last_call_by(self, collector: str) -> Call | None:
        """The collector's latest entry that is neither an undo nor undone."""
        row = self._exec(sql.SELECT_LAST_CALL_BY, {"collector": collector}).fetchone()
        return codec.call_from_row(row) if row else None

    # -- contact statistics (core.learning) --------------------------------------------

    @staticmethod
    def _stats_rows(rows: StatsRows) -> list[dict[str, Any]]:
        return [{"scope": scope, "key": key, "hour": hour, "weekend": int(weekend),
                 "tries": tries, "contacts": contacts, "exposure": exposure}
                for (scope, key, hour, weekend), (tries, contacts, exposure)
                in sorted(rows.items())]

    def bump_contact_stats(self, rows: StatsRows) -> None:
        """Add ``(scope, key, hour, weekend) -> [tries, contacts, exposure]`` to the counts
        (in the caller's transaction; sorted, so concurrent writers lock rows in one
        order)."""
        if rows:
            self._many(sql.BUMP_CONTACT_STATS, self._stats_rows(rows))

    def replace_contact_stats(self, rows: StatsRows) -> None:
        """The whole table, as ``learn rebuild`` computed it."""
        self._exec(sql.DELETE_CONTACT_STATS)
        if rows:
            self._many(sql.INSERT_CONTACT_STATS, self._stats_rows(rows))

    @staticmethod
    def _counts(rows: Iterable[Any]) -> dict[str, dict[tuple[int, bool], tuple[int, int, float]]]:
        from collectctl.core.learning import MILLI

        out: dict[str, dict[tuple[int, bool], tuple[int, int, float]]] = {}
        for key, hour, weekend, tries, contacts, exposure in rows:
            out.setdefault(key, {})[(hour, bool(weekend))] = (tries, contacts,
                                                               exposure / MILLI)
        return out

    def contact_stats(self, collector: str | None = None,
                      account_id: str | None = None) -> Mapping[str, Counts]:
        """``{account id: {(hour, weekend): (tries, contacts, exposure)}}`` for a
        collector's open accounts (or one account)."""
        if account_id is not None:
            own = self._exec(sql.SELECT_ACCOUNT_STATS_OF, {"id": account_id})
        else:
            own = self._exec(sql.SELECT_ACCOUNT_STATS_FOR_COLLECTOR, {"collector": collector})
        return self._counts(own)

    def segment_stats(self) -> Mapping[str, Counts]:
        """``{segment: {(hour, weekend): (tries, contacts, exposure)}}`` for every segment."""
        return self._counts(self._exec(sql.SELECT_SEGMENT_STATS))

    def all_contact_stats(self) -> StatsRows:
        """The whole table, in the form :meth:`bump_contact_stats` takes (for tests)."""
        return {(scope, key, hour, bool(weekend)): [tries, contacts, exposure]
                for scope, key, hour, weekend, tries, contacts, exposure
                in self._exec(sql.SELECT_ALL_CONTACT_STATS)}

    # -- who pays when reached (core.paying) -------------------------------------------

    @staticmethod
    def _trial(row) -> Trial:
        from collectctl.core.paying import Trial

        call_id, account_id, segment, day, end, balance, paid, counted = row
        return Trial(int(call_id), account_id, segment, date.fromisoformat(day),
                     date.fromisoformat(end), codec.from_minor(balance),
                     codec.from_minor(paid), bool(counted))

    def pay_trials_of(self, account_id: str) -> list[Trial]:
        return [self._trial(r) for r in self._exec(sql.SELECT_PAY_TRIALS_OF, {"id": account_id})]

    def pay_trials(self, collector: str) -> dict[str, list[Trial]]:
        """The trials of a collector's open accounts, by account."""
        out: dict[str, list[Trial]] = {}
        for row in self._exec(sql.SELECT_PAY_TRIALS_FOR_COLLECTOR, {"collector": collector}):
            trial = self._trial(row)
            out.setdefault(trial.account_id, []).append(trial)
        return out

    def pay_trials_around(self, first: date, last: date
                          ) -> list[tuple[Trial, str | None, str]]:
        """``(trial, collector of its call, currency)`` for every trial of the accounts
        with one in ``first``..``last`` (the debtor's days), earlier ones too."""
        return [(self._trial(row[:8]), row[8], row[9]) for row in self._exec(
            sql.SELECT_PAY_TRIALS_AROUND, {"first": first.isoformat(), "last": last.isoformat()})]

    def all_pay_trials(self) -> list[Trial]:
        return [self._trial(r) for r in self._exec(sql.SELECT_ALL_PAY_TRIALS)]

    def replace_pay_trials(self, account_id: str, trials: Sequence[Trial]) -> None:
        """The account's trials as derived from its log now, and its segments' counts moved
        by the difference (in the caller's transaction)."""
        from collectctl.core.paying import merge, stats_delta

        old = self.pay_trials_of(account_id)
        if old == list(trials):
            return
        self._exec(sql.DELETE_PAY_TRIALS_OF, {"id": account_id})
        if trials:
            self._many(sql.INSERT_PAY_TRIAL, [
                {"call_id": t.call_id, "account_id": t.account_id, "segment": t.segment,
                 "day": t.day.isoformat(), "window_end": t.window_end.isoformat(),
                 "balance_minor": codec.to_minor(t.balance),
                 "paid_minor": codec.to_minor(t.paid), "counted": int(t.counted)}
                for t in trials])
        self.bump_pay_stats(merge(stats_delta(old, -1), stats_delta(trials)))

    def bump_pay_stats(self, delta) -> None:
        """Add ``(segment, window_end) -> [trials, paid, share_milli]`` (sorted, so
        concurrent writers lock rows in one order)."""
        if not delta:
            return
        rows = [{"segment": segment, "window_end": end.isoformat(), "trials": n, "paid": k,
                 "share_milli": share}
                for (segment, end), (n, k, share) in sorted(delta.items())]
        self._many(sql.BUMP_PAY_STATS, rows)
        # A row taken back to nothing goes (only the rows moved are looked at).
        self._many(sql.DELETE_EMPTY_PAY_STATS, [{"segment": r["segment"],
                                                 "window_end": r["window_end"]}
                                                for r in rows if r["trials"] < 0])

    def clear_pay(self) -> None:
        """No trials and no counts (``learn rebuild`` derives them again)."""
        self._exec(sql.DELETE_PAY_TRIALS)
        self._exec(sql.DELETE_PAY_STATS)

    def pay_segments(self, keys: Iterable[str]) -> dict[str, list[tuple[date, int, int, int]]]:
        """The counts of the segments ``keys``: ``{segment: [(window_end, trials, paid,
        share_milli)]}``."""
        wanted = sorted(set(keys))
        out: dict[str, list[tuple[date, int, int, int]]] = {}
        for start in range(0, len(wanted), _CHUNK):
            marks, params = sql.in_list(wanted[start : start + _CHUNK])
            for segment, end, n, k, share in self._exec(
                    sql.SELECT_PAY_STATS_IN.format(keys=marks), params):
                out.setdefault(segment, []).append((date.fromisoformat(end), int(n), int(k),
                                                    int(share)))
        return out

    def all_pay_stats(self) -> dict[tuple[str, date], list[int]]:
        return {(segment, date.fromisoformat(end)): [int(n), int(k), int(share)]
                for segment, end, n, k, share in self._exec(sql.SELECT_ALL_PAY_STATS)}

    def pay_feed(self) -> bool:
        """Whether any payment was ever credited to a trial."""
        return self._exec(sql.SELECT_PAY_FEED).fetchone() is not None

    def with_pay_trials(self, ids: Sequence[str]) -> set[str]:
        """Those of ``ids`` with trials."""
        out: set[str] = set()
        for start in range(0, len(ids), _CHUNK):
            marks, params = sql.in_list(ids[start : start + _CHUNK])
            out.update(r[0] for r in self._exec(sql.SELECT_PAY_ACCOUNTS_IN.format(ids=marks),
                                                params))
        return out

    def list_versions(self, account_id: str) -> list[ListVersion]:
        """The account's earlier lists, oldest first (what each said until replaced)."""
        from collectctl.core.paying import ListVersion

        return [ListVersion(datetime.fromisoformat(at), codec.from_minor(amount), risk,
                            date.fromisoformat(since) if since else None,
                            time.fromisoformat(start) if start else None)
                for at, amount, risk, since, start
                in self._exec(sql.SELECT_LIST_VERSIONS_OF, {"id": account_id})]

    def calls_by_account(self, group: int = 2000) -> Iterator[tuple[Account, list[Call]]]:
        """``(account, [calls])`` for every account with calls, the log read once in
        account order (accounts fetched ``group`` at a time)."""
        pending: list[list[Call]] = []
        for row in self._stream(sql.SELECT_ALL_CALLS_BY_ACCOUNT):
            call = codec.call_from_row(row)
            if pending and pending[-1][0].account_id == call.account_id:
                pending[-1].append(call)
                continue
            if len(pending) >= group:
                yield from self._with_accounts(pending)
                pending = []
            pending.append([call])
        yield from self._with_accounts(pending)

    def _with_accounts(self, groups: list[list[Call]]) -> Iterator[tuple[Account, list[Call]]]:
        found = self.get_accounts([calls[0].account_id for calls in groups])
        for calls in groups:
            account = found.get(calls[0].account_id)
            if account is not None:
                yield account, calls

    def _stream(self, query: str, params: Params | None = None) -> Iterator[Any]:
        """Rows of a big result, a batch at a time."""
        cursor = self._exec(query, params)
        while rows := cursor.fetchmany(5000):
            yield from rows

    def set_phone_valid(self, account_id: str, number: str, valid: bool) -> bool:
        """Mark a phone valid or invalid; True if that changed anything."""
        params = {"account_id": account_id, "number": number, "valid": 1 if valid else 0}
        return self._exec(sql.SET_PHONE_VALID, params).rowcount > 0

    def add_phone(self, account_id: str, phone: Phone, source: str, now: str) -> bool:
        """Add a number to an account unless it is already there; True if added."""
        params = codec.phone_params(account_id, phone, 0, source, now)
        return self._exec(sql.ADD_PHONE, params).rowcount > 0

    def add_promise(self, promise: Promise, call_id: int) -> int:
        params = codec.promise_params(promise, call_id)
        return self._ledger_insert("promise", sql.INSERT_PROMISE, params, returning=True)

    def promises_of(self, account_id: str) -> list[Promise]:
        rows = self._exec(sql.SELECT_PROMISES_OF, {"id": account_id})
        return [codec.promise_from_row(r) for r in rows]

    def promises(self, collector: str | None = None) -> list[Promise]:
        """Standing promises (their call not undone), by due date; of one collector's accounts."""
        where, params = sql.account_filters(collector, None, None)
        rows = self._exec(sql.SELECT_PROMISES.format(where=where), params)
        return [codec.promise_from_row(r) for r in rows]

    def add_payment(
        self, payment: Payment, now: str, call_id: int | None = None, batch_id: int | None = None
    ) -> bool:
        """Record a payment; False if one with the same account and reference exists."""
        params = codec.payment_params(payment, call_id, batch_id, now)
        return self._ledger_insert("payment", sql.INSERT_PAYMENT, params) > 0

    def payments_of(self, account_id: str) -> list[Payment]:
        rows = self._exec(sql.SELECT_PAYMENTS_OF, {"id": account_id})
        return [codec.payment_from_row(r) for r in rows]

    def payments_for(self, ids: Sequence[str]) -> list[Payment]:
        """Standing payments of the accounts ``ids``."""
        out: list[Payment] = []
        for start in range(0, len(ids), _CHUNK):
            marks, params = sql.in_list(ids[start : start + _CHUNK])
            rows = self._exec(sql.SELECT_PAYMENTS_IN.format(ids=marks), params)
            out.extend(codec.payment_from_row(r) for r in rows)
        return out

    def currencies_of(self, ids: Sequence[str]) -> dict[str, str]:
        """The currency of each of the accounts ``ids`` (account id → code)."""
        out: dict[str, str] = {}
        for start in range(0, len(ids), _CHUNK):
            marks, params = sql.in_list(ids[start : start + _CHUNK])
            out.update(self._exec(sql.SELECT_CURRENCIES_IN.format(ids=marks), params))
        return out

    # -- the debtor's requests -------------------------------------------------------

    def add_request(self, entry: RequestEntry) -> int:
        """Append an entry to the requests log (in the caller's transaction); its id."""
        return self._insert(sql.INSERT_REQUEST, codec.request_params(entry))

    def assignments_of(self, account_id: str) -> list[tuple]:
        """An account's versions as far as its collector goes, oldest first:
        ``(replaced_at, file of the import that replaced it, collector, set by)``, the
        last being the account as it is (``replaced_at`` None)."""
        rows = self._exec(sql.SELECT_ASSIGNMENTS_OF, {"id": account_id}).fetchall()
        # NULLs sort first in SQLite and last in PostgreSQL: the current version last.
        rows.sort(key=lambda row: (row[4] is None, row[4] or 0))
        return [tuple(row[:4]) for row in rows]

    def requests_of(self, account_id: str) -> list[RequestEntry]:
        """One account's requests log, oldest first."""
        return [codec.request_from_row(row)
                for row in self._exec(sql.SELECT_REQUESTS_OF, {"id": account_id})]

    def requests_for(self, collector: str) -> list[RequestEntry]:
        """The requests logs of a collector's open accounts (by account, oldest first),
        in one query."""
        return [codec.request_from_row(row) for row in
                self._exec(sql.SELECT_REQUESTS_FOR_COLLECTOR, {"collector": collector})]

    def portfolio(self, collector: str) -> Portfolio:
        """A collector's open accounts with their log, promises and payments, for planning
        (:class:`~collectctl.core.planning.Portfolio`), as of one moment."""
        with self.snapshot():
            return self._portfolio(collector)

    def _portfolio(self, collector: str) -> Portfolio:
        from collectctl.core.planning import Portfolio

        params = {"collector": collector}
        accounts = self.list_accounts(collector, "open")
        calls: dict[str, list[Call]] = {}
        for row in self._exec(sql.SELECT_CALLS_FOR_COLLECTOR, params):
            call = codec.call_from_row(row)
            calls.setdefault(call.account_id, []).append(call)
        promises: dict[str, list[Promise]] = {}
        for row in self._exec(sql.SELECT_PROMISES_FOR_COLLECTOR, params):
            promise = codec.promise_from_row(row)
            promises.setdefault(promise.account_id, []).append(promise)
        payments: dict[str, list[Payment]] = {}
        for row in self._exec(sql.SELECT_PAYMENTS_FOR_COLLECTOR, params):
            payment = codec.payment_from_row(row)
            payments.setdefault(payment.account_id, []).append(payment)
        return Portfolio(accounts, calls, promises, payments)

    # -- metrics and targets ------------------------------------------------------------

    def tallies(self, start: datetime, end: datetime, first: date, last: date, today: date,
                grace_days: int, collector: str | None = None,
                counts: dict[str, dict[str, int]] | None = None) -> dict[str, Tally]:
        """Raw counts per collector (or just ``collector``): calls logged in [start, end)
        (UTC instants), payments and promise due dates in [first, last] (dates),
        outstanding at ``first``."""
        from collectctl.clock import to_utc_iso
        from collectctl.core.promises import BROKEN, KEPT, promise_status

        who = {"collector": collector} if collector is not None else {}
        narrow = sql.ONE_COLLECTOR if collector is not None else sql.ALL_COLLECTORS
        span = {"start": to_utc_iso(start), "end": to_utc_iso(end), **who}
        days = {"first": first.isoformat(), "last": last.isoformat(), **who}
        if counts is None:  # else the caller counted them already (by hour, for its charts)
            counts = {}
            for name, outcome, n in self._exec(sql.OUTCOME_COUNTS.format(**narrow),
                                                      span):
                counts.setdefault(name or "", {})[outcome] = n
        made: dict[str, tuple[int, Amounts]] = {}
        for c, currency, n, m in self._exec(sql.PROMISES_MADE.format(**narrow),
                                            {**span, **days}):
            count, amounts = made.get(c or "", (0, Amounts()))
            made[c or ""] = (count + n, amounts.plus(currency, codec.from_minor(m or 0)))
        due = [(c or "", codec.promise_from_row(row))
               for c, *row in self._exec(sql.PROMISES_DUE.format(**narrow), days)]
        payments: dict[str, list[Payment]] = {}
        for payment in self.payments_for(sorted({p.account_id for _c, p in due})):
            payments.setdefault(payment.account_id, []).append(payment)
        judged: dict[str, list[str]] = {}
        for collector, promise in due:
            view = promise_status(promise, payments.get(promise.account_id, ()), today,
                                  grace_days)
            judged.setdefault(collector, []).append(view.status)
        collected = _per_currency(self._exec(sql.COLLECTED.format(**narrow), days))
        window = {**days, "start": span["start"]}
        outstanding = _per_currency(self._exec(sql.LISTED_AMOUNTS.format(**narrow), window))
        for c, amounts in _per_currency(self._exec(sql.PAID_BEFORE.format(**narrow),
                                                   window)).items():
            outstanding[c] = outstanding.get(c, Amounts()) - amounts
        names = set(counts) | set(made) | set(judged) | set(collected) | set(outstanding)
        names.discard("")
        return {
            name: Tally(
                counts.get(name, {}), made.get(name, (0, Amounts()))[0],
                made.get(name, (0, Amounts()))[1],
                judged.get(name, []).count(KEPT), judged.get(name, []).count(BROKEN),
                collected.get(name, Amounts()), outstanding.get(name, Amounts()),
            )
            for name in sorted(names)
        }

    def collected_by_day(self, first: date, last: date) -> list[DayCollected]:
        """Payments per day and collector (the account's), standing ones only."""
        from collectctl.storage.protocol import DayCollected

        days = {"first": first.isoformat(), "last": last.isoformat()}
        return [DayCollected(date.fromisoformat(d), c or "", codec.from_minor(m), currency)
                for d, c, m, currency in self._exec(sql.COLLECTED_BY_DAY, days)]

    def calls_by_hour(
        self, start: datetime, end: datetime, collector: str | None = None
    ) -> list[HourCalls]:
        """Standing entries per UTC hour, collector and outcome; only ``collector``'s when
        given."""
        from collectctl.clock import to_utc_iso
        from collectctl.storage.protocol import HourCalls

        span = {"start": to_utc_iso(start), "end": to_utc_iso(end)}
        narrow = sql.ALL_COLLECTORS
        if collector is not None:
            span["collector"], narrow = collector, sql.ONE_COLLECTOR
        query = sql.CALLS_BY_UTC_HOUR.format(**narrow)
        return [HourCalls(datetime.fromisoformat(h + ":00:00+00:00"), c or "", o, n)
                for h, c, o, n in self._exec(query, span)]

    def set_targets(self, targets: Sequence[Target], now: str) -> None:
        self._many(sql.UPSERT_TARGET, [
            {"collector": t.collector or "", "period": t.period,
             "start_date": t.start.isoformat(), "metric": t.metric, "value": str(t.value),
             "currency": t.currency, "now": now} for t in targets])

    def targets(self) -> list[Target]:
        """Every target; a money target's ``currency`` is None when it was set before
        targets had one (it is in the config's ``currency:``)."""
        return [Target(c or None, p, date.fromisoformat(s), m, Decimal(v), currency or None)
                for c, p, s, m, v, currency in self._exec(sql.SELECT_TARGETS)]

    def clear_targets(self) -> int:
        return self._exec(sql.DELETE_TARGETS).rowcount

    def replace_split(self, targets: Sequence[Target], now: str) -> None:
        """A split (``target split``): the team's target and its collectors' parts, in
        place of every collector's target of the same metric and period."""
        for t in {(t.period, t.start, t.metric) for t in targets}:
            self._exec(sql.DELETE_COLLECTORS_TARGET, {"period": t[0], "start_date":
                                                      t[1].isoformat(), "metric": t[2]})
        self.set_targets(targets, now)

    def balances_by_collector(self) -> dict[str, Amounts]:
        """The open accounts' listed amounts per collector, per currency."""
        return _per_currency(self._exec(sql.BALANCE_BY_COLLECTOR))

    # -- the report's portfolio and supervisor's lists ----------------------------------

    def portfolio_groups(self, collector: str | None = None
                         ) -> tuple[list[SinceGroup], list[CollectorGroup]]:
        """The open accounts owing on their list, as they are now (only ``collector``'s
        when given): by currency, ``past_due_since`` and risk, and by collector and
        currency. Two aggregates, whatever the portfolio's size."""
        from collectctl.core.portfolio import CollectorGroup, SinceGroup

        narrow = sql.ONE_COLLECTOR if collector is not None else sql.ALL_COLLECTORS
        who = {"collector": collector} if collector is not None else {}
        since = [SinceGroup(currency, date.fromisoformat(s) if s else None, risk or None, n,
                            codec.from_minor(m))
                 for currency, s, risk, n, m in self._exec(
                     sql.PORTFOLIO_BY_SINCE.format(**narrow), who)]
        collectors = [CollectorGroup(c or None, currency, n, codec.from_minor(m))
                      for c, currency, n, m in self._exec(
                          sql.PORTFOLIO_BY_COLLECTOR.format(**narrow), who)]
        return since, collectors

    def portfolio_changed(self, start_at: datetime, end_at: datetime,
                          collector: str | None = None) -> list[ChangedPart]:
        """The accounts (only ``collector``'s when given) written after ``start_at``, in
        aggregates of how they stand now and stood at ``start_at`` and ``end_at``
        (:class:`core.portfolio.ChangedPart`), payments aside."""
        from collectctl.clock import to_utc_iso
        from collectctl.core.portfolio import ChangedPart

        narrow = sql.ONE_COLLECTOR if collector is not None else sql.ALL_COLLECTORS
        params: dict[str, Any] = {"start_at": to_utc_iso(start_at), "end_at": to_utc_iso(end_at)}
        if collector is not None:
            params["collector"] = collector

        def day(text: str | None) -> date | None:
            return date.fromisoformat(text) if text else None

        return [ChangedPart(part, currency, n, codec.from_minor(amount), day(since),
                            label or None, kind, day(end_since), bool(listed))
                for part, currency, since, label, kind, end_since, listed, n, amount
                in self._exec(sql.PORTFOLIO_CHANGED.format(**narrow), params)]

    def portfolio_trails(self, start_at: datetime, last: date,
                         collector: str | None = None) -> list[Trail]:
        """The accounts (only ``collector``'s when given) paid from the day of a list in
        force since ``start_at`` to ``last``, each with its versions since ``start_at``
        and its payments up to ``last`` (:class:`core.portfolio.Trail`)."""
        from collectctl.clock import to_utc_iso
        from collectctl.core.portfolio import Trail, Version

        narrow = sql.ONE_COLLECTOR if collector is not None else sql.ALL_COLLECTORS
        params: dict[str, Any] = {"start_at": to_utc_iso(start_at), "last": last.isoformat()}
        if collector is not None:
            params["collector"] = collector
        rows = self._exec(sql.PORTFOLIO_TRAILS.format(**narrow), params).fetchall()
        if not rows:
            return []

        def version(amount, currency, since, risk, status, as_of, until=None) -> Version:
            return Version(codec.from_minor(amount), currency,
                           date.fromisoformat(since) if since else None, risk or None, status,
                           date.fromisoformat(as_of),
                           datetime.fromisoformat(until) if until else None)

        ids = [row[0] for row in rows]
        in_ids = {"in_ids": sql.IN_IDS[self.engine]}
        each = {**sql.ids_param(self.engine, ids), **params}
        earlier: dict[str, list[Version]] = {}
        for account_id, until, amount, currency, since, risk, status, as_of in self._exec(
                sql.PORTFOLIO_TRAIL_HISTORY.format(**in_ids), each):
            earlier.setdefault(account_id, []).append(
                version(amount, currency, since, risk, status, as_of, until))
        paid: dict[str, list[tuple[date, Decimal]]] = {}
        for account_id, day, amount in self._exec(
                sql.PORTFOLIO_TRAIL_PAYMENTS.format(**in_ids), each):
            paid.setdefault(account_id, []).append((date.fromisoformat(day),
                                                    codec.from_minor(amount)))
        return [Trail(account_id, who or None, datetime.fromisoformat(created),
                      (*earlier.get(account_id, ()), version(*now)),
                      tuple(paid.get(account_id, ())))
                for account_id, who, created, *now in rows]

    def promises_due_listed(self, first: date, last: date, today: date,
                            collector: str | None = None) -> list[ListedPromise]:
        """Standing promises due from ``first`` to ``last`` or on ``today`` (taken by
        ``collector`` when given), each with who took it and the account's currency."""
        from collectctl.storage.protocol import ListedPromise

        narrow = sql.ONE_COLLECTOR if collector is not None else sql.ALL_COLLECTORS
        params = {"first": first.isoformat(), "last": last.isoformat(),
                  "today": today.isoformat()}
        if collector is not None:
            params["collector"] = collector
        return [ListedPromise(who or None, codec.promise_from_row(row), currency)
                for who, *row, currency in self._exec(
                    sql.PROMISES_DUE_LISTED.format(**narrow), params)]

    def calls_with_outcomes(self, start: datetime, end: datetime, codes: Sequence[str],
                            collector: str | None = None) -> list[LoggedOutcome]:
        """Standing entries logged in [start, end) whose outcome is one of ``codes`` (by
        ``collector`` when given), in time order."""
        from collectctl.clock import to_utc_iso
        from collectctl.storage.protocol import LoggedOutcome

        if not codes:
            return []
        narrow = sql.ONE_COLLECTOR if collector is not None else sql.ALL_COLLECTORS
        test, params = sql.any_of("c.outcome", codes, "o")
        params.update({"start": to_utc_iso(start), "end": to_utc_iso(end)})
        if collector is not None:
            params["collector"] = collector
        query = sql.CALLS_WITH_OUTCOMES.format(codes=test, **narrow)
        return [LoggedOutcome(account_id, who or None, datetime.fromisoformat(at), outcome)
                for account_id, who, at, outcome in self._exec(query, params)]

    def skip_list(self, skip_codes: Sequence[str]) -> list[str]:
        """Open accounts with no valid phone, or whose latest standing entry is a skip code."""
        ids = {r[0] for r in self._exec(sql.SELECT_NO_VALID_PHONE)}
        if skip_codes:
            marks, params = sql.in_list(list(skip_codes))
            rows = self._exec(sql.SELECT_LAST_OUTCOMES.format(codes=marks), params)
            ids.update(r[0] for r in rows)
        return sorted(ids)

    # -- audit (app/audit.py): what narrows the calls to check ---------------------------

    def audit_places(self) -> AuditPlaces:
        """Every distinct place the accounts' lists and phones name (:class:`AuditPlaces`):
        the zones and countries any debtor may be in, without reading each account."""
        from collectctl.storage.protocol import AuditPlaces

        accounts = [(zone, country, fallback) for zone, country, fallback
                    in self._exec(sql.AUDIT_ACCOUNT_PLACES)]
        phones: list[tuple[str, bool, str | None, tuple[str, ...] | None]] = []
        unplaced: list[tuple[str, str]] = []
        for label, valid, region, zones, number in self._exec(sql.AUDIT_PHONE_PLACES):
            if number is not None:
                unplaced.append((label, number))
            else:
                phones.append((label, bool(valid), region,
                               tuple(zones.split()) if zones is not None else None))
        return AuditPlaces(accounts, phones, unplaced)

    def last_call_id(self) -> int:
        """The id of the latest log entry (0: none)."""
        return int(self._exec(sql.LAST_CALL_ID).fetchone()[0])

    def audit_census(self, start: datetime, end: datetime, collector: str | None,
                     attempts: Sequence[str], holds: Sequence[str],
                     up_to: int | None = None) -> AuditCensus:
        """What counting the period's calls and finding the accounts on hold needs, in one
        pass over the log (:class:`AuditCensus`): entries logged in [start, end) (UTC
        instants; ``collector``'s only, when given), and of those the ones whose outcome is
        none of ``attempts`` or that were undone; every entry, at any time, whose outcome
        is one of ``holds``. Only entries up to id ``up_to`` count, when given (the log as
        another connection's snapshot holds it)."""
        from collectctl.clock import to_utc_iso
        from collectctl.storage.protocol import AuditCensus, LogEntry

        span: dict[str, Any] = {"start": to_utc_iso(start), "end": to_utc_iso(end),
                                "last": up_to if up_to is not None else 2**62}
        narrow = sql.ALL_COLLECTORS
        if collector is not None:
            span["collector"], narrow = collector, sql.ONE_COLLECTOR
        entries = self._exec(sql.AUDIT_PERIOD_ENTRIES.format(**narrow), span).fetchone()[0]
        is_hold, hold_params = sql.any_of("c.outcome", holds, "h")
        is_attempt, attempt_params = sql.any_of("logged.outcome", attempts, "a")
        query = sql.AUDIT_ODD_ENTRIES.format(
            is_hold=is_hold, was_hold=sql.any_of("logged.outcome", holds, "h")[0],
            was_attempt=is_attempt)
        odd = [LogEntry(a, c, datetime.fromisoformat(t), o) for a, c, t, o
               in self._exec(query, {**span, **hold_params, **attempt_params})]
        undone = [(c, o) for c, o in self._exec(sql.AUDIT_UNDONE, span)]
        return AuditCensus(int(entries), odd, undone)

    def calls_between(self, start: datetime, end: datetime,
                      collector: str | None = None) -> list[Call]:
        """The log entries made in [start, end) (UTC instants), ``collector``'s only when
        given, undone ones marked."""
        from collectctl.clock import to_utc_iso

        span = {"start": to_utc_iso(start), "end": to_utc_iso(end)}
        narrow = sql.ALL_COLLECTORS
        if collector is not None:
            span["collector"], narrow = collector, sql.ONE_COLLECTOR
        return [codec.call_from_row(r)
                for r in self._exec(sql.AUDIT_CALLS_BETWEEN.format(**narrow), span)]

    def busy_accounts(self, since: datetime, day_since: datetime, start: datetime,
                      end: datetime, day_min: int, week_min: int,
                      outcomes: Sequence[str] | None = None,
                      up_to: int | None = None) -> Iterator[tuple[str, list[datetime]]]:
        """Accounts with an entry in the period [start, end) and at least ``day_min``
        entries in [day_since, end) or ``week_min`` in [since, end) (of ``outcomes`` only,
        when given), each with the times of its entries in [since, end), sorted, as they
        are read: the only accounts a call of the period can be over a cap of. Only entries
        up to id ``up_to`` count, when given (as for :meth:`audit_census`)."""
        from collectctl.clock import to_utc_iso

        only = only_again = ""
        params: dict[str, str] = {}
        scan = sql.AUDIT_BY_ACCOUNT[self.engine].format(a="c")
        if outcomes is not None:
            clause, params = sql.any_of("c.outcome", outcomes, "o")
            only, scan = f"AND ({clause})", sql.AUDIT_BY_OUTCOME[self.engine].format(a="c")
            only_again = "AND (" + sql.any_of("t.outcome", outcomes, "o")[0] + ")"
        query = sql.AUDIT_BUSY.format(times=sql.AUDIT_TIMES[self.engine], scan=scan,
                                      only=only, only_again=only_again,
                                      scan_again=sql.AUDIT_BY_ACCOUNT[self.engine].format(a="t"))
        rows = self._stream(query, {"since": to_utc_iso(since),
                                    "day_since": to_utc_iso(day_since),
                                    "start": to_utc_iso(start), "end": to_utc_iso(end),
                                    "day_min": day_min, "week_min": week_min,
                                    "last": up_to if up_to is not None else 2**62, **params})
        for account, times in rows:
            yield account, sorted(map(datetime.fromisoformat, times.split(",")))

    def accounts_with(self, outcomes: Sequence[str], since: datetime,
                      end: datetime) -> set[str]:
        """Accounts with an entry of one of ``outcomes`` in [since, end)."""
        from collectctl.clock import to_utc_iso

        clause, params = sql.any_of("c.outcome", outcomes, "o")
        query = sql.AUDIT_ACCOUNTS_WITH.format(scan=sql.AUDIT_BY_OUTCOME[self.engine].format(a="c"),
                                               outcomes=clause)
        return {r[0] for r in self._exec(query, {"since": to_utc_iso(since),
                                                 "end": to_utc_iso(end), **params})}

    def accounts_called_on(self, labels: Sequence[str], start: datetime, end: datetime,
                           collector: str | None = None) -> set[str]:
        """Accounts called in [start, end) (by ``collector``, when given) on one of their
        phones labelled one of ``labels``."""
        from collectctl.clock import to_utc_iso

        clause, params = sql.any_of("p.label", labels, "l")
        span: dict[str, Any] = {"start": to_utc_iso(start), "end": to_utc_iso(end), **params}
        narrow = sql.ALL_COLLECTORS
        if collector is not None:
            span["collector"], narrow = collector, sql.ONE_COLLECTOR
        query = sql.AUDIT_CALLED_ON.format(labels=clause, **narrow)
        return {r[0] for r in self._exec(query, span)}

    def audit_history(self, ids: Sequence[str], since: datetime | None,
                      keep: Sequence[str], keep_of: Iterable[str] = ()) -> dict[str, list[Call]]:
        """The log of each of the accounts ``ids`` from ``since`` on (None: all of it), by
        account id, in log order; and of the accounts ``keep_of``, their entries of the
        outcomes ``keep`` from before."""
        from collectctl.clock import to_utc_iso

        out: dict[str, list[Call]] = {}
        moment = {"since": to_utc_iso(since) if since else ""}
        clause, params = sql.any_of("c.outcome", keep, "k")
        older = sorted(set(keep_of)) if since is not None and keep else []
        for query, chosen, extra in ((sql.AUDIT_HISTORY, list(ids), {}),
                                     (sql.AUDIT_HISTORY_BEFORE.format(ids="{ids}", keep=clause),
                                      older, params)):
            for begin in range(0, len(chosen), _CHUNK):
                marks, chunk = sql.in_list(chosen[begin : begin + _CHUNK])
                for row in self._exec(query.format(ids=marks), {**chunk, **extra, **moment}):
                    call = codec.call_from_row(row)
                    out.setdefault(call.account_id, []).append(call)
        for calls in out.values():
            calls.sort(key=lambda c: c.id or 0)
        return out

    def sibling(self) -> Store:
        """Another connection to the same database, for a read run beside this one's (in
        another thread); the caller closes it."""
        raise NotImplementedError

    def debtor_requests(self, ids: Sequence[str] | None = None
                        ) -> dict[str, list[RequestEntry]]:
        """The debtors' requests logs (``account ID --avoid``, ``--no-workplace``) of the
        accounts ``ids`` (None: every account) that have one, by account id, each oldest
        first: ``audit`` folds each up to the call it judges (``core.requests.in_force``)."""
        out: dict[str, list[RequestEntry]] = {}
        batches: list[tuple[str, dict[str, Any]]] = []
        if ids is None:
            batches.append((sql.SELECT_ALL_REQUESTS, {}))
        else:
            chosen = sorted(set(ids))
            for begin in range(0, len(chosen), _CHUNK):
                marks, chunk = sql.in_list(chosen[begin : begin + _CHUNK])
                batches.append((sql.SELECT_REQUESTS_OF_ACCOUNTS.format(ids=marks), chunk))
        for query, params in batches:
            for row in self._exec(query, params):
                entry = codec.request_from_row(row)
                out.setdefault(entry.account_id, []).append(entry)
        return out

    def call_times(self, ids: Sequence[str], start: datetime, end: datetime,
                   collector: str | None = None) -> dict[str, list[datetime]]:
        """The times of the entries in [start, end) (by ``collector``, when given) of the
        accounts ``ids``, by account id: those with none are left out."""
        from collectctl.clock import to_utc_iso

        span: dict[str, Any] = {"start": to_utc_iso(start), "end": to_utc_iso(end)}
        narrow = sql.ALL_COLLECTORS
        if collector is not None:
            span["collector"], narrow = collector, sql.ONE_COLLECTOR
        out: dict[str, list[datetime]] = {}
        chosen = sorted(set(ids))
        for begin in range(0, len(chosen), _CHUNK):
            marks, chunk = sql.in_list(chosen[begin : begin + _CHUNK])
            query = sql.AUDIT_CALL_TIMES.format(ids=marks, **narrow)
            for account_id, at in self._exec(query, {**chunk, **span}):
                out.setdefault(account_id, []).append(datetime.fromisoformat(at))
        return out

    def accounts_with_requests(self, end: datetime) -> set[str]:
        """The accounts with a request of the debtor's (an ``avoid`` window, ``no
        workplace``) set before ``end``: those whose calls up to then one may have barred."""
        from collectctl.clock import to_utc_iso

        return {r[0] for r in self._exec(sql.AUDIT_REQUESTED, {"end": to_utc_iso(end)})}
