"""``collectctl learn``: what the plan learns from the log (contact hours, who pays)."""

from __future__ import annotations

import typer

from collectctl.cli.context import app_context
from collectctl.cli.options import TextJson, format_option
from collectctl.i18n import _

learn_app = typer.Typer(help=_("When debtors answer and who pays, learned from the log."),
                        no_args_is_help=True)


@learn_app.command("rebuild")
def rebuild_command(ctx: typer.Context, fmt: TextJson = format_option(TextJson.text)) -> None:
    """Recompute the contact statistics from the whole call log.

    They are kept up to date as calls are logged, imported and undone; rebuild after
    editing the log outside collectctl, or after changing the outcome codes or the rules
    (the weight of a try depends on the golden window and lunch).
    """
    from collectctl.app.learn import rebuild
    from collectctl.render import emit

    state = app_context(ctx)
    emit(rebuild(state.store, state.settings), fmt.value)


@learn_app.command("show")
def show_command(
    ctx: typer.Context,
    account_id: str = typer.Argument(..., metavar="ID", help=_("The account.")),
    day: str = typer.Option(None, "--date", "-d", help=_(
        "The day of the plan it is shown for (default today).")),
    fmt: TextJson = format_option(TextJson.text),
) -> None:
    """What is learned of one account: the hours it answers (its own calls beside the
    rules' and its segment's), its chance of paying when reached with the share of the
    balance it pays, and each right-party contact behind that (its window, and what
    was paid in it).
    """
    from collectctl.app.plan import learned_show
    from collectctl.cli.plan import _plan_day
    from collectctl.render import emit

    state = app_context(ctx)
    emit(learned_show(state.store, state.settings, state.now, account_id,
                      _plan_day(state, day)), fmt.value)


def register(app: typer.Typer) -> None:
    app.add_typer(learn_app, name="learn")
