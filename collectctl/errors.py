"""Domain errors and the exit codes they map to (documented in the README).

Every error carries a one-line, user-facing message. The CLI catches them in one
place (``collectctl.cli.root``), prints the message to stderr and exits with
``exit_code``; no traceback reaches a user unless ``--debug`` is given.
"""

from __future__ import annotations

#: Exit codes, the promise made to scripts.
EXIT_OK = 0
EXIT_ROWS_REJECTED = 1
EXIT_USAGE = 2
EXIT_BELOW_THRESHOLD = 3
#: ``audit --fail-on-violation``: some call broke a rule (the audit was still written).
EXIT_VIOLATION = 3
EXIT_INTERNAL = 70


class CollectError(Exception):
    """A failure the user can act on. ``str(error)`` is the one-line message."""

    exit_code = EXIT_USAGE


class UsageError(CollectError):
    """Bad arguments: an unknown account, an unparseable date, a wrong option."""


class UnknownAccount(UsageError):
    """An account id that is not among a collector's open accounts (worded when shown)."""

    def __init__(self, account_id: str, collector: str) -> None:
        super().__init__(account_id, collector)
        self.account_id, self.collector = account_id, collector

    def __str__(self) -> str:
        from collectctl.i18n import _

        return _("{id} is not among {who}'s open accounts").format(id=self.account_id,
                                                                   who=self.collector)


class EntryError(UsageError):
    """A call entry that breaks a rule (``log``, work mode, a row of ``import calls``): a
    reason code, the entry's field it is about (``date``, ``at``, ``amount``, ``phone``,
    ``outcome``) and the code's parameters. Worded when shown, naming the option the
    collector typed (``--date``, or ``option`` where a command gives the field another
    one); an import names the file's column instead. ``render.display.error_text``
    words it."""

    #: The option of ``log`` that gives each field.
    OPTIONS = {"date": "--date", "at": "--at", "amount": "--amount", "phone": "--phone",
               "outcome": "OUTCOME"}

    def __init__(self, code: str, field: str, option: str | None = None, **detail) -> None:
        super().__init__(code, field)
        self.code, self.field, self.detail = code, field, detail
        self.option = option or self.OPTIONS.get(field, field)

    def __str__(self) -> str:
        return f"{self.option}: {self.code}"


class ImportRefused(UsageError):
    """An import refused as a whole, nothing of it written: a reason code
    (``core.reasons``: ``no_data_rows``, ``close_needs_yes``), the file's name and the
    code's parameters. ``render.display.error_text`` words it."""

    def __init__(self, code: str, file: str, **detail) -> None:
        super().__init__(code, file)
        self.code, self.file, self.detail = code, file, detail

    def __str__(self) -> str:
        return f"{self.file}: {self.code}"


class InputFileError(CollectError):
    """An input file that cannot be used at all (missing, unreadable, no required column)."""


class OutputFileError(CollectError):
    """A file collectctl was asked to write and will not or cannot: it exists (no
    ``--force``), it is the open database or a file being read, its directory is missing,
    no permission, the disk is full (``collectctl.private_files``)."""

    def __init__(self, message: str, problem: str | None = None) -> None:
        super().__init__(message)
        #: What went wrong without what it meant for the command ("r.csv: the disk is
        #: full"), for a command that says more (an import: nothing was imported).
        self.problem = problem or message


class ConfigError(CollectError):
    """A configuration file with an unknown key or a bad value."""


class StoreError(CollectError):
    """The database cannot be used (newer schema, locked, not a database)."""


class NoDatabase(StoreError):
    """A command that does not bring data in found no database file at its path (a typo
    in ``--db`` or $COLLECTCTL_DB): it creates none (worded when shown)."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path

    def __str__(self) -> str:
        from collectctl.i18n import _

        return _("no database at {path} — run 'collectctl init', or check --db").format(
            path=self.path)


class DiskFull(StoreError):
    """The database's disk (or its temporary files') is full: the transaction was rolled
    back, nothing of it was written."""
