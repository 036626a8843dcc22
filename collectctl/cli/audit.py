"""``collectctl audit``: which logged calls broke a calling rule."""

from __future__ import annotations

import typer

from collectctl.cli.context import app_context
from collectctl.cli.options import TextJsonCsv, format_option, typed_day
from collectctl.errors import EXIT_VIOLATION, UsageError
from collectctl.i18n import _, ngettext


def audit(
    ctx: typer.Context,
    day: str = typer.Option(None, "--date", "-d", help=_("One day (default today).")),
    first: str = typer.Option(None, "--from", help=_("First day of a range.")),
    last: str = typer.Option(None, "--to", help=_("Last day of a range (default today).")),
    week: bool = typer.Option(False, "--week", help=_("This week: Monday to today.")),
    month: bool = typer.Option(False, "--month", help=_("This month: the 1st to today.")),
    collector: str = typer.Option(None, "--collector", "-c", help=_(
        "Only the calls this collector logged.")),
    fmt: TextJsonCsv = format_option(TextJsonCsv.text),
    fail: bool = typer.Option(False, "--fail-on-violation", help=_(
        "Exit 3 when any call broke a rule (after writing the audit).")),
) -> None:
    """Check every call logged in a period against the calling rules as they stood when
    it was made: legal hours in every zone the debtor may be in, closed days, each cap,
    holds after a conversation, cease and dispute, workplace numbers the rules forbid.

    One line per rule broken, then a summary; dates and times are the collector's (the
    config's zone). On a team server a collector sees their own accounts' calls. Exit
    codes: 0 written; 2 bad arguments; 3 with --fail-on-violation, when a call broke a rule.
    """
    from collectctl.app.audit import audit_days, build_audit
    from collectctl.render import emit

    state = app_context(ctx)
    if (week or month) and (day or first or last) or week and month:
        raise UsageError(_("say one of --date, --from/--to, --week or --month"))
    if day and (first or last):
        raise UsageError(_("say --date or --from/--to, not both"))
    if week or month:
        start, end = audit_days("week" if week else "month", state.now.date())
    else:
        start = typed_day(state, day or first, "--from" if first else "--date", "last")
        end = typed_day(state, day or last, "--to" if last else "--date", "last")
    result = build_audit(state.store, state.settings, start, end, collector)
    emit(result, fmt.value)
    if fail and result.violations:
        typer.echo(ngettext("{n} violation", "{n} violations", len(result.violations)).format(
            n=len(result.violations)), err=True)
        raise typer.Exit(EXIT_VIOLATION)



def register(app: typer.Typer) -> None:
    app.command("audit")(audit)
