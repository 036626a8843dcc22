"""Storage: the one place that talks to a database.

:func:`open_store` picks the engine from the URL or path. Backends take and
return core dataclasses; rows never leave this package.
"""

from __future__ import annotations

from pathlib import Path

from collectctl.errors import StoreError
from collectctl.i18n import _


def open_store(target: str | Path):
    """Open (creating and migrating if needed) the store at ``target``: a file path."""
    text = str(target)
    if text.startswith(("postgresql://", "postgres://")):
        raise StoreError(_("PostgreSQL is not supported by this version yet: {url}").format(
            url=text.split("@")[-1]))
    from collectctl.storage.sqlite import SQLiteStore

    return SQLiteStore(text)
