"""The embedded SQLite store: one file, mode 0600, WAL, foreign keys on.

All SQL lives in :mod:`collectctl.storage.sql`; this module owns the
connection, the pragmas and the engine's part of the migrations
(:mod:`collectctl.storage.migrations` runs them).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from collectctl.errors import StoreError
from collectctl.i18n import _
from collectctl.storage import sql
from collectctl.storage.base import SQLStore
from collectctl.storage.migrations import SCHEMA, Migrations

if TYPE_CHECKING:
    from collectctl.storage.base import Cursor
    from collectctl.storage.protocol import Params

BUSY_TIMEOUT_MS = 10_000


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
            self.conn = sqlite3.connect(
                self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
            )
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            version = migrations.version(self)
        except sqlite3.DatabaseError as error:
            raise StoreError(
                _("{path}: cannot open the database: {reason}").format(path=self.path, reason=error)
            ) from None
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
        if migrate and migrations.needs_apply(self):
            try:
                applied = migrations.apply(self)
            except BaseException:
                self.conn.close()
                raise
            if applied and version:  # a new file is not an upgrade
                self.upgraded_from = version

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
        import tempfile

        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}-", dir=target.parent)
        os.close(fd)
        try:
            os.chmod(tmp, 0o600)
            dest = sqlite3.connect(tmp)
            try:
                self.conn.backup(dest)
                dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            finally:
                dest.close()
            os.replace(tmp, target)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

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

    def sibling(self) -> SQLiteStore:
        """Another connection to this file (WAL: it reads beside this one)."""
        return SQLiteStore(self.path, migrate=False, migrations=self.migrations)

    def _exec(self, query: str, params: Params | None = None) -> Cursor:
        return self.conn.execute(query, params or {})

    def _many(self, query: str, rows: Iterable[Params]) -> None:
        self.conn.executemany(query, rows)

