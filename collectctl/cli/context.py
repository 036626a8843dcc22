"""Per-invocation state shared by commands: settings, "now" and the store, each loaded lazily.

A command that never touches the database never opens it; one that never
needs the config never parses YAML.
"""

from __future__ import annotations

import os
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from collectctl import clock
from collectctl.config import Settings, app_dir, load_settings

if TYPE_CHECKING:
    from collectctl.storage.protocol import Store

ENV_CHAIN_KEY = "COLLECTCTL_CHAIN_KEY"
ENV_DB = "COLLECTCTL_DB"
DB_FILE_NAME = "collectctl.db"


class AppContext:
    def __init__(self, db: str | None, config: str | None, now: str | None, debug: bool) -> None:
        self._db = db
        self._config = config
        self._now = now
        self.debug = debug
        self._store: Store | None = None

    @cached_property
    def _loaded(self) -> Settings:
        """The settings as the config file (or the defaults) give them."""
        return self._displayed(load_settings(self._config))

    def preload(self, settings: Settings) -> None:
        """Use settings already read from this context's config file."""
        self.__dict__["_loaded"] = self._displayed(settings)

    @staticmethod
    def _displayed(settings: Settings) -> Settings:
        from collectctl.render.display import set_written_forms

        # How dates and numbers are written comes with the settings.
        set_written_forms(settings.roc_years, settings.phone_region)
        return settings

    @cached_property
    def settings(self) -> Settings:
        """The settings in force: on a team server, ``me`` defaults to the role you
        connect as, when that role is a collector or lead."""
        settings = self._loaded
        if settings.me is None:
            from collectctl.storage import is_postgres

            if is_postgres(self.db_target()):
                from collectctl.storage.protocol import team_store

                team = team_store(self.store)
                user = team.team_member() if team is not None else None
                if user:
                    from dataclasses import replace

                    settings = replace(settings, me=user)
        return settings

    @cached_property
    def now(self) -> datetime:
        return clock.now(self._now, self.settings.timezone)

    def clock(self):
        """A running clock (``work``), started at ``--now`` when one is given."""
        return clock.ticking(self._now, self.settings.timezone)

    def db_target(self) -> str:
        """``--db``, else $COLLECTCTL_DB, else ``database:`` in the config, else the app dir."""
        explicit = self._db or os.environ.get(ENV_DB) or self._loaded.database
        return explicit or str(app_dir() / DB_FILE_NAME)

    #: Whether this command may create the database (one that brings data in: init,
    #: import, demo); any other finds it there or fails (:meth:`store`).
    _creates = False
    #: Whether a database created is said on stderr (not ``demo``'s own).
    _say_created = True

    @property
    def store(self) -> Store:
        """The database, opened (and migrated) on first use. A file that is not there is
        :class:`~collectctl.errors.NoDatabase`, and nothing is created, unless the command
        asked for :meth:`creating_store`."""
        if self._store is None:
            from collectctl.storage import open_store

            target = self.db_target()
            new = not self.db_exists()
            if new and not self._creates:
                from collectctl.errors import NoDatabase

                raise NoDatabase(target)
            self._store = open_store(target)
            if new and self._say_created:
                say_created(target)
            self._store.chain_key = self.chain_key()
            if self._store.upgraded_from is not None:
                from collectctl.app.learn import after_upgrade

                after_upgrade(self._store, self.settings)
        return self._store

    @staticmethod
    def chain_key() -> bytes | None:
        """The ledger's key (``COLLECTCTL_CHAIN_KEY``), read here only; None: unkeyed."""
        key = os.environ.get(ENV_CHAIN_KEY)
        return key.encode("utf-8", "surrogateescape") if key else None

    def db_exists(self) -> bool:
        """Whether the database is there to read (a server always is; a file may not be
        yet): a command that only reads does not create one."""
        target = self.db_target()
        return "://" in target or Path(target).exists()

    def creating_store(self, say: bool = True) -> Store:
        """The database for a command that brings data in: created (and migrated) when
        the file is not there yet, which stderr says unless ``say`` is False."""
        if self._store is None:
            self._creates, self._say_created = True, say
        return self.store

    def use_store_at(self, target: str | Path) -> Store:
        """Switch to another database for this invocation, created without a word
        (``demo``: its own database, recreated each time)."""
        self.close()
        self._db = str(target)
        return self.creating_store(say=False)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def say_created(target: str | Path) -> None:
    """Tell stderr a new database was made (stdout stays the command's own output)."""
    from collectctl.i18n import _
    from collectctl.render.safe import terminal_text

    typer.echo(_("created a new database at {path}").format(path=terminal_text(str(target))),
               err=True)


def app_context(ctx: typer.Context) -> AppContext:
    return ctx.find_root().obj
