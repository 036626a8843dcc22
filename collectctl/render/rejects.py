"""The ``--rejects`` file: the rows an import refused, with the reason in words, safe to
open in a spreadsheet; or, with ``--rejects-raw``, the refused rows byte for byte."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO, cast

from collectctl.core.models import ImportResult, RowError
from collectctl.i18n import _
from collectctl.private_files import PendingFile
from collectctl.render import display
from collectctl.render.safe import csv_cell, number_cell, terminal_text

if TYPE_CHECKING:
    from pathlib import Path


def reject_cell(text: str) -> str:
    """A cell of a refused row as the rejects file holds it: a plain number (``-12.50``)
    as read, so it stays a number; any other text formula-safe, its control characters
    shown as escapes (:mod:`collectctl.render.safe`)."""
    return number_cell(terminal_text(text, multiline=True))


def write_rejects(target: PendingFile, header: tuple[str, ...] | list[str],
                  rejects: Iterable[RowError], show_values: bool = False,
                  sheet_rows: bool = False) -> None:
    """Write rejected rows (original columns plus ``reason``) for fixing and re-import.

    The cells are written as read, except that a cell a spreadsheet would run as a
    formula (``=HYPERLINK(...)``, ``＝1+1``, ``  =1``, ``@SUM``) gets a leading ``'`` and
    control characters become visible escapes: the clerk opens this file in Excel.
    ``--rejects-raw`` (:func:`write_raw_rejects`) keeps the rows' bytes instead.
    UTF-8 with a BOM so spreadsheet programs show Chinese text; mode 0600; written to the
    temporary file of ``target`` (emptied first), which its ``commit`` renames into place,
    so a failure never leaves half a file. The reason quotes the refused cell only with
    ``show_values`` (``--show-values``). ``sheet_rows``: the rows are a workbook sheet's,
    numbered as its rows (``row 5``), not as a text file's lines.
    """
    where = _("row {line}: {reason}") if sheet_rows else _("line {line}: {reason}")
    with target.writing("utf-8-sig", errors="surrogateescape", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([reject_cell(name) for name in [*header]] + ["reason"])
        for reject in rejects:
            cells = list(reject.raw) + [""] * (len(header) - len(reject.raw))
            reason = where.format(line=reject.line,
                                  reason=display.row_reason(reject, show_values))
            writer.writerow([*map(reject_cell, cells[: len(header)]), csv_cell(reason)])


def write_raw_rejects(target: PendingFile, source: Path, result: ImportResult) -> None:
    """``--rejects-raw``: the input file's header, then each refused row, exactly as the
    file ``source`` holds them (encoding, delimiter, quoting and line ends), so the file
    imports as the rows did; no reason column (the reasons are in the summary). Written
    to ``target``'s temporary file, like :func:`write_rejects`."""
    from collectctl.core import reasons
    from collectctl.ingest.reader import raw_records

    # A workbook has no bytes of a row to copy: the command refuses --rejects-raw for one.
    assert result.encoding is not None and result.delimiter is not None
    lines = {reject.line for reject in result.rejected}
    single = frozenset(reject.line for reject in result.rejected
                       if reject.reason == reasons.UNCLOSED_QUOTE)
    with target.writing("utf-8", newline="") as out:
        binary = cast("TextIO", out).buffer  # bytes as read, past the text layer
        for chunk in raw_records(source, result.encoding, result.delimiter, lines,
                                 single):
            binary.write(chunk)
