"""The one migrations tracker, for every engine (after sqlite-utils' ``Migrations``).

The database records each migration it has had, by number, in ``collectctl_schema``
(``version``, ``applied_at``): the same table on SQLite and PostgreSQL. :meth:`pending`
and :meth:`applied` only read; :meth:`apply` runs each pending migration in its own
transaction together with the row that records it, so a migration that fails leaves
the database at the one before it, with every earlier migration kept, and is tried
again at the next open.

What differs by engine is small and lives in the store (``_has_table``,
``_lock_schema``, ``_legacy_version``, ``_recorded``): PostgreSQL serialises two
migrators with an advisory lock; SQLite's ``BEGIN IMMEDIATE`` already does, and SQLite
also mirrors the version into ``PRAGMA user_version``, which releases before this
tracker read (they refuse a file whose ``user_version`` is newer than they know).
Those releases kept their record in ``user_version`` (and sqlite-utils'
``_sqlite_migrations``); such a file is adopted, once, on its next upgrade.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any, NamedTuple, Protocol

from collectctl.errors import StoreError
from collectctl.i18n import _
from collectctl.storage import schema

TABLE = "collectctl_schema"


class Tracked(Protocol):
    """What the tracker needs of a store (both engines' stores are one)."""

    engine: str

    def _exec(self, query: str, params: Any = None) -> Any: ...
    def transaction(self) -> AbstractContextManager[Any]: ...
    def _has_table(self, name: str) -> bool: ...
    def _lock_schema(self) -> None: ...
    def _legacy_version(self) -> int: ...
    def _recorded(self, version: int) -> None: ...


class Migration(NamedTuple):
    """One numbered migration: its DDL in :func:`schema.statements`' portable form. (A
    named tuple: every command opens the store, and a dataclass costs 0.5 ms to make.)"""

    version: int
    name: str
    ddl: list


class MigrationError(StoreError):
    """A migration failed; the ones before it stay applied (``__cause__`` says why)."""


class Migrations:
    """The schema's migrations, in order, and what a database has had of them."""

    def __init__(self, migrations: Sequence[tuple[int, str, list]] = schema.MIGRATIONS):
        self.migrations = [Migration(*m) for m in migrations]
        numbers = [m.version for m in self.migrations]
        if numbers != sorted(set(numbers)):
            raise ValueError(f"migration numbers must increase: {numbers}")
        self.latest = numbers[-1] if numbers else 0

    def applied(self, store: Tracked) -> list[int]:
        """The versions the database has had, in order. Reads only."""
        if store._has_table(TABLE):
            return [row[0] for row in store._exec(f"SELECT version FROM {TABLE} ORDER BY version")]
        return list(range(1, store._legacy_version() + 1))

    def version(self, store: Tracked) -> int:
        """The database's schema version: the newest migration it has had (0: none)."""
        return max(self.applied(store), default=0)

    def pending(self, store: Tracked) -> list[Migration]:
        """The migrations the database has not had, in the order they would run. Reads
        only: no table is created, no lock taken."""
        done = set(self.applied(store))
        return [m for m in self.migrations if m.version not in done]

    def needs_apply(self, store: Tracked) -> bool:
        """Whether :meth:`apply` has anything to do: migrations pending, or a file from a
        release before this tracker to adopt."""
        return bool(self.pending(store)) or not store._has_table(TABLE)

    def apply(self, store: Tracked) -> list[Migration]:
        """Run the pending migrations, each in its own transaction with its record; the
        ones applied, in order. A failure raises :class:`MigrationError` after rolling
        back only the migration that failed."""
        if not store._has_table(TABLE):
            try:
                with store.transaction():
                    store._lock_schema()
                    if not store._has_table(TABLE):  # nor made while this one waited
                        self._create_table(store)
            except StoreError:
                raise
            except Exception as error:
                raise self._failure(store, None, error) from error
        done: list[Migration] = []
        for migration in self.pending(store):
            try:
                with store.transaction():
                    store._lock_schema()
                    # Another process may have applied it while this one waited for the lock.
                    if migration.version in self.applied(store):
                        continue
                    for statement in schema.statements(store.engine, migration.ddl):
                        store._exec(statement)
                    store._exec(f"INSERT INTO {TABLE} (version) VALUES (:version)",
                                {"version": migration.version})
                    store._recorded(migration.version)
            except StoreError:
                raise
            except Exception as error:
                raise self._failure(store, migration, error) from error
            done.append(migration)
        return done

    def _failure(self, store: Tracked, migration: Migration | None,
                 error: Exception) -> MigrationError:
        text = str(error).strip()
        reason = text.splitlines()[0] if text else type(error).__name__
        if migration is None:
            return MigrationError(_(
                "the migrations record ({table}) cannot be created, the database is "
                "unchanged: {reason}").format(table=TABLE, reason=reason))
        return MigrationError(_(
            "migration {version} ({name}) failed, the database stays at schema "
            "{current}: {reason}").format(version=migration.version, name=migration.name,
                                          current=self.version(store), reason=reason))

    def _create_table(self, store: Tracked) -> None:
        """The record, and in a file from before it, the versions that file already had
        (with their times, where sqlite-utils kept them)."""
        words = schema.DIALECTS[store.engine]
        legacy = store._legacy_version()
        store._exec(f"CREATE TABLE IF NOT EXISTS {TABLE} (version INTEGER NOT NULL, "
                    f"applied_at {words['timestamp']} NOT NULL DEFAULT {words['now']})")
        if not legacy:
            return
        names = {m.version: m.name for m in self.migrations}
        times = {}
        if store._has_table("_sqlite_migrations"):
            times = dict(store._exec("SELECT name, applied_at FROM _sqlite_migrations "
                                     "WHERE migration_set = 'collectctl'").fetchall())
            store._exec("DROP TABLE _sqlite_migrations")
        for version in range(1, legacy + 1):
            at = times.get(names.get(version))
            if at:
                store._exec(f"INSERT INTO {TABLE} (version, applied_at) VALUES (:v, :at)",
                            {"v": version, "at": at})
            else:
                store._exec(f"INSERT INTO {TABLE} (version) VALUES (:v)", {"v": version})


#: The schema every store opens with.
SCHEMA = Migrations()
