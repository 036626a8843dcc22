"""``collectctl accounts`` and ``collectctl show``: reading the portfolio."""

from __future__ import annotations

from decimal import Decimal

import typer

from collectctl.cli.context import app_context
from collectctl.cli.options import AccountStatus, TableJsonCsv, TextJson, format_option
from collectctl.errors import UsageError
from collectctl.i18n import _


def list_accounts(
    ctx: typer.Context,
    collector: str = typer.Option(None, "--collector", "-c", help=_("Only this collector's.")),
    status: AccountStatus = typer.Option(None, "--status",
                                         help=_("Only open or only closed accounts.")),
    min_amount: str = typer.Option(None, "--min-amount", help=_("Only accounts owing at least "
                                                                "this much.")),
    fmt: TableJsonCsv = format_option(TableJsonCsv.table),
) -> None:
    """List accounts, ordered by account id, with the balance each owes today."""
    from collectctl.app.accounts import list_accounts as listing
    from collectctl.render import emit

    state = app_context(ctx)
    minimum = _parse_min_amount(min_amount) if min_amount else None
    emit(listing(state.store, state.now.date(), collector, status.value if status else None,
                 minimum), fmt.value)


def _parse_min_amount(text: str) -> Decimal:
    from collectctl.ingest.fields import FieldError, parse_amount
    from collectctl.render import display

    try:
        return parse_amount(text)[0]
    except FieldError as error:
        raise UsageError(_("--min-amount: {reason}").format(
            reason=display.problem(error.code, error.detail))) from None


def show(
    ctx: typer.Context,
    account_id: str = typer.Argument(..., metavar="ID", help=_("The account id.")),
    fmt: TextJson = format_option(TextJson.text),
    redact: bool = typer.Option(False, "--redact", help=_(
        "Mask the debtor's name, phones, notes, background and contact persons (for a "
        "screen others can see, or a file that leaves the desk).")),
) -> None:
    """Show one account's file: the amount to confirm (balance, minimum due, the debt
    itemised), the debtor's background and contact persons, phones, promises, payments,
    calls and the changes of collector."""
    from collectctl.render import emit

    found = dossier(app_context(ctx), account_id)
    if redact:
        from collectctl.render.redact import redact_dossier

        found = redact_dossier(found)
    emit(found, fmt.value)


def dossier(state, account_id: str):
    """The account's file as of now (``show`` and ``next``)."""
    from collectctl.app.accounts import account_file

    return account_file(state.store, state.settings, state.now.date(), account_id)


def register(app: typer.Typer) -> None:
    app.command("accounts")(list_accounts)
    app.command("show")(show)
