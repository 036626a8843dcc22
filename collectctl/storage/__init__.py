"""Storage: the one place that talks to a database.

:func:`open_store` picks the engine from the URL or path. Backends take and
return core dataclasses; rows never leave this package.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collectctl.storage.protocol import Store

PG_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(target: str | Path) -> bool:
    return str(target).startswith(PG_SCHEMES)


def open_store(target: str | Path, migrate: bool = False) -> Store:
    """Open the store at ``target``: a file path (SQLite: created and migrated as needed)
    or a ``postgresql://`` URL (a team server; ``migrate`` applies pending migrations,
    which otherwise only ``collectctl db migrate`` does)."""
    if is_postgres(target):
        from collectctl.storage.postgres import PostgresStore

        return PostgresStore(str(target), migrate=migrate)
    from collectctl.storage.sqlite import SQLiteStore

    return SQLiteStore(str(target))
