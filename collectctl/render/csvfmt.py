"""CSV for spreadsheets: one header row, formula-safe cells."""

from __future__ import annotations

import csv
from decimal import Decimal
from functools import singledispatch
from typing import Any

from collectctl.app.accounts import AccountList, Dossier
from collectctl.core.accounts import AccountView
from collectctl.errors import UsageError
from collectctl.i18n import _
from collectctl.render.jsonfmt import money
from collectctl.render.safe import csv_cell, number_cell

#: A text cell (see :mod:`collectctl.render.safe`): no control characters, formula-safe.
safe_cell = csv_cell


#: The account columns that hold collectctl's own numbers, written as numbers.
ACCOUNT_NUMBERS = frozenset({"balance", "days_past_due"})

#: ``balance``: what the debtor owes today (the list's amount less payments since).
ACCOUNT_HEADER = (
    "account_id", "name", "balance", "currency", "days_past_due", "due_date", "phones",
    "work_start", "paydays", "timezone", "assigned_to", "risk", "status", "notes",
)


def _account_row(a: AccountView, balance: Decimal) -> list[Any]:
    phones = ";".join(p.number + (f" ext {p.extension}" if p.extension else "")
                      + ("" if p.valid else " (invalid)") for p in a.phones)
    return [
        a.account_id, a.name, money(balance), a.currency, a.days_past_due,
        a.due_date.isoformat() if a.due_date else None, phones, a.work_start,
        ",".join(str(d) for d in a.paydays), a.timezone, a.assigned_to, a.risk, a.status, a.notes,
    ]


@singledispatch
def csv_rows(result: Any) -> tuple[tuple[str, ...], list[list[Any]]]:
    raise UsageError(_("this command has no CSV output; use --format json"))


@csv_rows.register
def _accountlist(result: AccountList):
    return ACCOUNT_HEADER, [_account_row(a, result.balances[a.account_id])
                            for a in result.accounts]


@csv_rows.register
def _dossier(result: Dossier):
    return ACCOUNT_HEADER, [_account_row(result.account, result.balance)]


def render(result: Any, out) -> None:
    header, rows = csv_rows(result)
    cells = [number_cell if name in ACCOUNT_NUMBERS else safe_cell for name in header]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(v) for cell, v in zip(cells, row, strict=True)])
