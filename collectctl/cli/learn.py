"""``collectctl learn``: the contact statistics the plan learns from."""

from __future__ import annotations

import typer

from collectctl.cli.context import app_context
from collectctl.cli.options import TextJson, format_option
from collectctl.i18n import _

learn_app = typer.Typer(help=_("When debtors answer, learned from the call log."),
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


def register(app: typer.Typer) -> None:
    app.add_typer(learn_app, name="learn")
