"""The ``--rejects`` file: the rows an import refused, as read, with the reason in words."""

from __future__ import annotations

import csv
from pathlib import Path

from collectctl.core.models import RowError
from collectctl.i18n import _
from collectctl.private_files import private_output
from collectctl.render import display


def write_rejects(path: Path, header: tuple[str, ...] | list[str], rejects: list[RowError],
                  show_values: bool = False) -> None:
    """Write rejected rows (original columns plus ``reason``) for fixing and re-import.

    The cells are written exactly as read, so the fixed file imports like the original.
    UTF-8 with a BOM so spreadsheet programs show Chinese text; mode 0600; written to a
    temporary file and renamed, so a failure never leaves half a file. The reason quotes
    the refused cell only with ``show_values`` (``--show-values``).
    """
    with private_output(path, "utf-8-sig", errors="surrogateescape", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([*header, "reason"])
        for reject in rejects:
            cells = list(reject.raw) + [""] * (len(header) - len(reject.raw))
            reason = _("line {line}: {reason}").format(line=reject.line,
                                                       reason=display.row_reason(
                                                           reject, show_values))
            writer.writerow([*cells[: len(header)], reason])
