"""``collectctl import ...``: load account lists exported from bank systems and Excel."""

from __future__ import annotations

import sys
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from pathlib import Path

import typer

from collectctl.cli.context import app_context
from collectctl.cli.options import DateOrder, TextJson, format_option
from collectctl.errors import EXIT_ROWS_REJECTED, DiskFull, OutputFileError
from collectctl.i18n import _

app = typer.Typer(help=_("Import account lists, payments and call results."),
                  no_args_is_help=True)


def _progress_bar():
    """A progress bar on stderr when it is a terminal; None otherwise."""
    if not sys.stderr.isatty():
        return None, None
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    bar = Progress(
        "{task.description}", BarColumn(), DownloadColumn(), TimeRemainingColumn(),
        console=Console(stderr=True), transient=True,
    )
    task = bar.add_task(_("importing"), total=None)
    return bar, lambda done, total: bar.update(task, completed=done, total=total)


FILE = typer.Argument(..., metavar="FILE", dir_okay=False, help=_(
    "The file: CSV (comma, semicolon or tab separated) or a workbook (.xlsx, .xls, .ods), "
    "told apart by its content, not its name."))
ENCODING = typer.Option(None, "--encoding", help=_(
    "Force the encoding (utf-8, big5, gb18030); detected by default. Ignored, with a "
    "note, for a workbook (its cells are text already)."))
SHEET = typer.Option(None, "--sheet", metavar="NAME|N", help=_(
    "The workbook's sheet to read, by name or number (1 is the first). Default: the "
    "first visible sheet with a header row naming the required columns within its first "
    "20 rows (rows above it, such as a title, are skipped). Row numbers in rejections "
    "are the sheet's."))
MAPPING = typer.Option(None, "--mapping", dir_okay=False, help=_(
    "YAML file mapping this export's headers to fields: 'Cust Ref: account_id'."))
DATE_ORDER = typer.Option(None, "--date-order", case_sensitive=False, help=_(
    "How to read dates like 01/05/2024 (default: import.date_order)."))
STRICT = typer.Option(False, "--strict", help=_("Import nothing if any row is bad."))
DRY_RUN = typer.Option(False, "--dry-run", help=_("Check and count; write nothing."))
REJECTS = typer.Option(None, "--rejects", help=_(
    "Write rejected rows, with a reason column, to this CSV for fixing."))
REJECTS_RAW = typer.Option(False, "--rejects-raw", help=_(
    "Write the --rejects file as the rows were in the input, byte for byte (no reason "
    "column, and cells a spreadsheet would run as formulas are not neutralised). Text "
    "files only: a workbook's rejects are written as CSV by --rejects."))
FORCE = typer.Option(False, "--force", help=_("Replace the --rejects file if it exists."))
ALLOW_OVERPAY = typer.Option(False, "--allow-overpay", help=_(
    "Accept payments larger than the balance."))
SHOW_VALUES = typer.Option(False, "--show-values", help=_(
    "Quote the refused cell in each rejection (40 characters at most); by default "
    "rejections name the column and the problem, never the value (names, phones)."))


def _run(ctx: typer.Context, importer, file: Path, options, rejects: Path | None,
         fmt: TextJson, rejects_raw: bool = False, force: bool = False) -> None:
    """Run an importer with a progress bar, write the rejects, print the summary, exit 0/1."""
    from collectctl.render import emit

    if rejects_raw and rejects is None:
        from collectctl.errors import UsageError

        raise UsageError(_("--rejects-raw says how to write the --rejects file; give "
                           "--rejects FILE too"))
    _check_workbook_options(file, options.encoding, rejects_raw)
    state = app_context(ctx)
    pending = _rejects_file(state, rejects, force, file, options.mapping)
    with pending or nullcontext(), _import_store(state, file, options.dry_run) as store:
        if pending is not None:
            options = replace(options, before_commit=_rejects_writer(pending, rejects_raw,
                                                                     file))
        bar, progress = _progress_bar()
        if bar:
            bar.start()
        try:
            result = importer(store, file, state.settings, state.now, options, progress)
        except OutputFileError as error:  # the rejects could not be written: rolled back
            raise _not_imported(error) from None
        except DiskFull:
            raise DiskFull(_("the database's disk is full: the import was rolled back, "
                             "nothing was imported (free some space and import again)")
                           ) from None
        finally:
            if bar:
                bar.stop()
        if pending is not None:
            try:
                pending.commit()
            except OutputFileError as error:
                raise OutputFileError(_("{problem}; the rows were imported, the rejects file "
                                        "was not written").format(problem=error.problem)
                                      ) from None
    emit(result, fmt.value)
    if result.rejected:
        raise typer.Exit(EXIT_ROWS_REJECTED)


@contextmanager
def _import_store(state, file: Path, dry_run: bool):
    """The database to import into, created when it is not there yet (and stderr says
    so). Not for a file that is not there (a typo in its name leaves no empty database
    behind) nor for ``--dry-run``, which compares against an empty database of its own,
    removed afterwards."""
    if not file.exists():
        from collectctl.errors import InputFileError

        raise InputFileError(_("{path}: no such file").format(path=file))
    if not dry_run or state.db_exists():
        yield state.creating_store()
        return
    import tempfile

    from collectctl.storage import open_store

    with tempfile.TemporaryDirectory(prefix="collectctl-dry-run-") as scratch:
        store = open_store(Path(scratch) / "dry-run.db")
        try:
            yield store
        finally:
            store.close()


def _check_workbook_options(file: Path, encoding: str | None, rejects_raw: bool) -> None:
    """Before anything is read: ``--rejects-raw`` is refused for a workbook (it has no
    bytes of a row to copy), ``--encoding`` is ignored with a note (its cells are text)."""
    if not (encoding or rejects_raw):
        return
    from collectctl.ingest.workbook import workbook_format

    kind = workbook_format(file)
    if kind not in ("xlsx", "xls", "ods"):
        return
    if rejects_raw:
        from collectctl.errors import UsageError

        raise UsageError(_("{file}: --rejects-raw copies the rows of a text file; for a "
                           "workbook use --rejects alone (written as CSV); nothing was "
                           "imported").format(file=file.name))
    from collectctl.render.safe import terminal_text

    typer.echo(_("collectctl: note: {file} is a workbook ({format}): --encoding is "
                 "ignored").format(file=terminal_text(file.name), format=kind), err=True)


def _rejects_file(state, rejects: Path | None, force: bool, *inputs: Path | None):
    """The ``--rejects`` file, checked and begun (an empty temporary file beside it) before
    the import starts: a target that exists (without ``--force``), is the database or
    the input, or cannot be written fails here, with nothing imported."""
    if rejects is None:
        return None
    from collectctl.private_files import PendingFile, check_target

    target = check_target(rejects, force, state.db_target(), inputs)
    try:
        return PendingFile(target)
    except OutputFileError as error:
        raise _not_imported(error) from None


def _not_imported(error: OutputFileError) -> OutputFileError:
    return OutputFileError(_("{problem}; nothing was imported").format(problem=error.problem))


def _rejects_writer(pending, raw: bool, source: Path):
    """Writes the rejects inside the import's transaction, before it commits: a failure
    (a full disk) rolls the import back. Renamed into place once the import committed.
    ``raw``: the refused rows as ``source`` holds them (``--rejects-raw``)."""
    from collectctl.render.rejects import write_raw_rejects, write_rejects

    if raw:
        return lambda result: write_raw_rejects(pending, source, result)
    return lambda result: write_rejects(pending, result.header, result.rejected,
                                        result.show_values, result.sheet is not None)


@app.command("accounts")
def import_accounts_command(
    ctx: typer.Context,
    file: Path = FILE,
    sheet: str = SHEET,
    encoding: str = ENCODING,
    mapping: Path = MAPPING,
    date_order: DateOrder = DATE_ORDER,
    assign_to: str = typer.Option(None, "--assign-to", help=_("Assign every account in the "
                                                              "file to this collector.")),
    close_missing: bool = typer.Option(False, "--close-missing", help=_(
        "Close open accounts absent from the file (only that collector's with --assign-to).")),
    yes: bool = typer.Option(False, "--yes", "-y", help=_(
        "Let --close-missing close more than half of the open accounts (refused without it).")),
    strict: bool = STRICT,
    dry_run: bool = DRY_RUN,
    rejects: Path = REJECTS,
    rejects_raw: bool = REJECTS_RAW,
    force: bool = FORCE,
    show_values: bool = SHOW_VALUES,
    fmt: TextJson = format_option(TextJson.text),
) -> None:
    """Import (or update) accounts from a CSV export or a workbook (.xlsx, .xls, .ods).

    Headers are matched in English or Chinese (帳號, 客戶姓名, 逾期金額 ...); encodings
    UTF-8, Big5 and GB18030 are detected; ROC dates (113/05/01) and amounts like
    NT$12,345 are understood. Accounts are matched by account id: a re-import of the
    same file changes nothing, a newer list updates balances and keeps history.

    Exit codes: 0 every row imported; 1 some rows rejected; 2 usage or file error.
    """
    from collectctl.app.imports import ImportOptions, import_accounts

    options = ImportOptions(
        encoding=encoding, mapping=mapping, date_order=date_order.value if date_order else None,
        assign_to=assign_to, close_missing=close_missing, strict=strict, dry_run=dry_run,
        show_values=show_values, sheet=sheet, yes=yes,
    )
    _run(ctx, import_accounts, file, options, rejects, fmt, rejects_raw, force)


@app.command("payments")
def import_payments_command(
    ctx: typer.Context,
    file: Path = FILE,
    sheet: str = SHEET,
    encoding: str = ENCODING,
    mapping: Path = MAPPING,
    date_order: DateOrder = DATE_ORDER,
    allow_overpay: bool = ALLOW_OVERPAY,
    strict: bool = STRICT,
    dry_run: bool = DRY_RUN,
    rejects: Path = REJECTS,
    rejects_raw: bool = REJECTS_RAW,
    force: bool = FORCE,
    show_values: bool = SHOW_VALUES,
    fmt: TextJson = format_option(TextJson.text),
) -> None:
    """Import the bank's payments feed (account id, amount, date, reference).

    A reference already recorded on the account is counted unchanged, so the same
    feed can be imported twice. An unknown account or a payment larger than the
    balance rejects the row. Exit codes as for import accounts.
    """
    from collectctl.app.imports import ImportOptions, import_payments

    options = ImportOptions(
        encoding=encoding, mapping=mapping, date_order=date_order.value if date_order else None,
        allow_overpay=allow_overpay, strict=strict, dry_run=dry_run, show_values=show_values,
        sheet=sheet,
    )
    _run(ctx, import_payments, file, options, rejects, fmt, rejects_raw, force)


@app.command("calls")
def import_calls_command(
    ctx: typer.Context,
    file: Path = FILE,
    sheet: str = SHEET,
    encoding: str = ENCODING,
    mapping: Path = MAPPING,
    date_order: DateOrder = DATE_ORDER,
    collector: str = typer.Option(None, "--collector", "-c", help=_(
        "Who made calls whose row names nobody (default: me from the config).")),
    allow_overpay: bool = typer.Option(False, "--allow-overpay", help=_(
        "Accept payments and promises larger than the balance.")),
    strict: bool = STRICT,
    dry_run: bool = DRY_RUN,
    rejects: Path = REJECTS,
    rejects_raw: bool = REJECTS_RAW,
    force: bool = FORCE,
    show_values: bool = SHOW_VALUES,
    fmt: TextJson = format_option(TextJson.text),
) -> None:
    """Import call results from a dialer or a spreadsheet (account id, time, outcome, phone,
    amount, date, note, collector), each checked and applied exactly as 'log' would.

    A row already in the log (same account, time and outcome) is counted unchanged.
    Exit codes as for import accounts.
    """
    from collectctl.app.imports import ImportOptions, import_calls

    options = ImportOptions(
        encoding=encoding, mapping=mapping, date_order=date_order.value if date_order else None,
        collector=collector, allow_overpay=allow_overpay, strict=strict, dry_run=dry_run,
        show_values=show_values, sheet=sheet,
    )
    _run(ctx, import_calls, file, options, rejects, fmt, rejects_raw, force)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="import")
