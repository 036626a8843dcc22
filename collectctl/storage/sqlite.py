"""The embedded SQLite store: one file, mode 0600, WAL, foreign keys on.

All SQL lives in :mod:`collectctl.storage.sql`; this module owns the
connection, the pragmas and the engine's part of the migrations
(:mod:`collectctl.storage.migrations` runs them).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from collectctl.errors import StoreError
from collectctl.i18n import _
from collectctl.storage import sql
from collectctl.storage.base import SQLStore, Transaction
from collectctl.storage.migrations import SCHEMA, Migrations

if TYPE_CHECKING:
    from collectctl.storage.base import Cursor
    from collectctl.storage.protocol import Params

BUSY_TIMEOUT_MS = 10_000


def _cannot_write(error: sqlite3.Error) -> bool:
    """Whether SQLite failed for want of write access (SQLITE_READONLY and its extended
    codes, SQLITE_CANTOPEN: no ``-wal`` or ``-shm`` can be made beside the file)."""
    return ((getattr(error, "sqlite_errorcode", None) or 0) & 0xFF) in (8, 14)


def _create_private_file(path: Path) -> None:
    """Create an empty database file readable by its owner only (it holds personal data)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


class SQLiteStore(SQLStore):
    """A collectctl database in one SQLite file."""

    engine = "sqlite"
    conn: sqlite3.Connection

    def __init__(self, path: str | Path, migrate: bool = True,
                 migrations: Migrations = SCHEMA) -> None:
        """Open (creating it if need be) the file at ``path`` and, unless ``migrate`` is
        False, apply ``migrations``' pending ones."""
        self.path = Path(path)
        self.migrations = migrations
        try:
            if not self.path.exists():
                _create_private_file(self.path)
            self.conn = self._connect()
            version = migrations.version(self)
        except sqlite3.DatabaseError as error:
            if self.retryable(error):  # held by another (a first load keeps others out)
                raise StoreError(_(
                    "{path} is busy: another command is writing it (a first import loads a "
                    "new database alone); run this again when it has finished").format(
                        path=self.path)) from None
            raise StoreError(
                _("{path}: cannot open the database: {reason}").format(path=self.path, reason=error)
            ) from None
        except UnicodeDecodeError:  # its schema's text is not text: scribbled over
            raise StoreError(_("{path}: cannot open the database: the file is damaged (its "
                               "schema cannot be read)").format(path=self.path)) from None
        except OSError as error:
            raise StoreError(
                _("{path}: cannot create the database: {reason}").format(
                    path=self.path, reason=error.strerror
                )
            ) from None
        if version > migrations.latest:
            self.conn.close()
            raise StoreError(
                _(
                    "{path} was written by a newer collectctl (schema {found}; this version "
                    "knows up to {latest}); upgrade collectctl. The database was not touched."
                ).format(path=self.path, found=version, latest=migrations.latest)
            )
        if migrate and self.read_only and migrations.needs_apply(self):
            self.conn.close()
            raise StoreError(
                _("{path} is read-only and needs upgrading (schema {found} to {latest}): "
                  "open it once where it can be written").format(
                    path=self.path, found=version, latest=migrations.latest))
        if migrate and migrations.needs_apply(self):
            try:
                applied = migrations.apply(self)
            except BaseException:
                self.conn.close()
                raise
            if applied and version:  # a new file is not an upgrade
                self.upgraded_from = version

    #: Opened read-only: the file or its directory cannot be written (a collector's copy
    #: on a read-only share); reads work, a write transaction is refused.
    read_only = False

    def _connect(self) -> sqlite3.Connection:
        """The connection: read-write (WAL), or read-only where the file or its directory
        cannot be written, or where opening it for writing fails for that reason."""
        self.read_only = not (os.access(self.path, os.W_OK)
                              and os.access(self.path.parent, os.W_OK))
        if not self.read_only:
            conn = sqlite3.connect(self.path, isolation_level=None,
                                   timeout=BUSY_TIMEOUT_MS / 1000)
            try:
                self._configure(conn)
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
                return conn
            except sqlite3.OperationalError as error:
                conn.close()
                if not _cannot_write(error):
                    raise
                self.read_only = True
        return self._connect_read_only()

    def _connect_read_only(self) -> sqlite3.Connection:
        """``mode=ro``; where even that fails because SQLite cannot make the WAL's shared
        memory file (``-shm``) in a read-only directory, ``immutable=1``: the file is then
        read as it stands, without locks (nobody can be writing it through this
        directory; a writer elsewhere on a share would not be seen)."""
        uri = self.path.resolve().as_uri()
        for query in ("?mode=ro", "?mode=ro&immutable=1"):
            conn = None
            try:
                conn = sqlite3.connect(uri + query, uri=True, isolation_level=None,
                                       timeout=BUSY_TIMEOUT_MS / 1000)
                conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
                self._configure(conn)
                return conn
            except sqlite3.OperationalError as error:
                if conn is not None:
                    conn.close()
                if "immutable" in query or not _cannot_write(error):
                    raise
        raise AssertionError("unreachable")

    @staticmethod
    def _configure(conn: sqlite3.Connection) -> None:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """A write transaction; refused, with one line, on a read-only database."""
        if self.read_only:
            raise StoreError(_("{path} is read-only (its file or directory cannot be "
                               "written): this command writes to the database; show, "
                               "accounts, plan and report work on it").format(path=self.path))
        with super().transaction() as tx:
            yield tx

    # -- schema: the engine's part of the migrations tracker -----------------------------

    def _has_table(self, name: str) -> bool:
        return self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                 "name = ?", (name,)).fetchone() is not None

    def _lock_schema(self) -> None:
        """Nothing to add: ``BEGIN IMMEDIATE`` already holds the file's write lock."""

    def _legacy_version(self) -> int:
        """What releases before the tracker recorded: the schema version in the header."""
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _recorded(self, version: int) -> None:
        # Mirrored for releases before the tracker, which read only this: they refuse a
        # file newer than they know instead of using it.
        self.conn.execute(f"PRAGMA user_version = {int(version)}")

    # -- transactions: SQLStore.transaction / snapshot with these words ----------------

    #: ``BEGIN IMMEDIATE`` takes the write lock up front, so a concurrent writer waits
    #: (busy timeout) instead of failing halfway.
    _begin_write = "BEGIN IMMEDIATE"
    #: A deferred transaction: in WAL mode a reader never waits for writers and never sees
    #: half of a write.
    _begin_read = "BEGIN"

    def backup_to(self, target: Path) -> None:
        """A consistent copy of the database at ``target`` (SQLite's online backup: other
        processes may go on writing), created 0600 beside it and renamed into place."""
        from collectctl.private_files import PendingFile, disk_full

        with PendingFile(target) as pending:
            dest = sqlite3.connect(pending.tmp)
            try:
                self.conn.backup(dest)
                dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            except sqlite3.Error as error:
                if self.disk_full(error):
                    raise disk_full(target) from None
                raise
            finally:
                dest.close()
            pending.commit()

    def check(self) -> list[str]:
        """Problems SQLite finds in the file (integrity and foreign keys); [] when sound."""
        problems = [row[0] for row in self.conn.execute("PRAGMA integrity_check")
                    if row[0] != "ok"]
        for table, rowid, parent, _fk in self.conn.execute("PRAGMA foreign_key_check"):
            problems.append(f"{table} row {rowid}: no {parent} row it refers to")
        for table, rowid in self.conn.execute(sql.CROSS_ACCOUNT_REFERENCES):
            problems.append(_("{table} row {id} refers to another account's call").format(
                table=table, id=rowid))
        return problems

    @staticmethod
    def retryable(error: Exception) -> bool:
        return isinstance(error, sqlite3.OperationalError) and (
            "locked" in str(error) or "busy" in str(error))

    def query_plan(self, query: str, params: Params) -> str:
        """How SQLite would run ``query`` (EXPLAIN QUERY PLAN), for tests and tuning."""
        return " ".join(row[3] for row in self.conn.execute("EXPLAIN QUERY PLAN " + query,
                                                           params))

    # -- a first load (``import accounts`` into an empty table) --------------------------

    @contextmanager
    def load_journal(self) -> Iterator[bool]:
        """Around a first load's transaction, when the accounts table is empty and no other
        connection has the file open: a rollback journal with ``synchronous = FULL``, WAL
        again after (True). A new database's pages are written once, where WAL writes
        each twice (to the log, then to the file); a crash at any moment leaves the hot
        journal that rolls the load back on the next open, as WAL's would. Another
        command opening the file meanwhile waits for it up to its busy timeout, then is
        told the file is busy (its own open asks for WAL); and the file is never taken
        from a connection that has it open: then the load runs in WAL (False)."""
        conn = self.conn
        if (self.read_only or self._in_transaction
                or conn.execute(sql.ANY_ACCOUNT).fetchone()[0]):
            yield False
            return
        conn.execute("PRAGMA busy_timeout = 0")  # held by another: WAL, at once
        try:
            mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        except sqlite3.OperationalError:
            mode = None
        finally:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if mode != "delete":
            yield False
            return
        conn.execute("PRAGMA synchronous = FULL")
        try:
            yield True
        finally:
            conn.execute("PRAGMA synchronous = NORMAL")
            with suppress(sqlite3.OperationalError):  # else the next open sets it
                conn.execute("PRAGMA journal_mode = WAL")

    @contextmanager
    def first_load(self) -> Iterator[bool]:
        """Inside an ``import accounts`` transaction, into an empty accounts table (True):
        the table's plain indexes (those that enforce nothing) are dropped and built again
        by the same statements once the rows are in, so each is built once from sorted
        keys, not kept up to date row by row in random order. An error rolls the drop back
        with the rest. (A larger page cache for the load is left out: memory, not time, is
        what a million-row import is short of.)"""
        conn = self.conn
        if conn.execute(sql.ANY_ACCOUNT).fetchone()[0]:
            yield False
            return
        indexes = list(conn.execute(sql.SQLITE_PLAIN_INDEXES, {"table": "accounts"}))
        for name, _create in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        yield True
        for _name, create in indexes:
            conn.execute(create)

    def load_accounts(self, accounts: Sequence[tuple], phones: Sequence[tuple]) -> int:
        """A first load's accounts and phones, bound as tuples (no dictionary per row)."""
        self.conn.executemany(sql.INSERT_ACCOUNT_ROW, accounts)
        self.conn.executemany(sql.INSERT_NEW_PHONE_ROW, phones)
        return self.conn.execute(sql.LAST_ROWID).fetchone()[0]

    def loaded_rowids(self, ids: Sequence[str]) -> dict[str, int]:
        import json

        return dict(self.conn.execute(sql.LOADED_ROWIDS,
                                      {"ids": json.dumps(list(ids), ensure_ascii=False)}))

    #: Set by :meth:`interrupt`: a sibling's statements stop (its progress handler).
    _stopped = False

    def interrupt(self) -> None:
        """Stop the statement this connection is running, and on a :meth:`sibling` any it
        starts after (called from another thread: each raises ``interrupted`` there)."""
        self._stopped = True
        self.conn.interrupt()

    def sibling(self) -> SQLiteStore:
        """Another connection to this file (WAL: it reads beside this one), for the thread
        that calls this; :meth:`interrupt` stops every statement it runs after (a
        connection's progress handler can only be set in its own thread)."""
        other = SQLiteStore(self.path, migrate=False, migrations=self.migrations)
        other.conn.set_progress_handler(lambda: other._stopped, 10_000)
        return other

    def _exec(self, query: str, params: Params | None = None) -> Cursor:
        return self.conn.execute(query, params or {})

    def _many(self, query: str, rows: Iterable[Params]) -> None:
        self.conn.executemany(query, rows)

