"""``collectctl report`` and ``collectctl target``: the nightly summary and the goals."""

from __future__ import annotations

import typer

from collectctl.cli.context import app_context
from collectctl.cli.options import (
    Period,
    ReportFormat,
    ReportTable,
    SplitBy,
    TextJson,
    format_option,
    typed_day,
)
from collectctl.errors import EXIT_BELOW_THRESHOLD, UsageError
from collectctl.i18n import _

target_app = typer.Typer(help=_("Collection targets per collector or for the team."),
                         no_args_is_help=True)



def report(
    ctx: typer.Context,
    day: str = typer.Option(None, "--date", "-d", help=_("One day (default today); with "
                                                       "--week or --month, the last day.")),
    week: bool = typer.Option(False, "--week", help=_(
        "This week to --date (default today), from its Monday; beside the same days a "
        "week before.")),
    month: bool = typer.Option(False, "--month", help=_(
        "This month to --date (default today), from its first day; beside the same days "
        "of the month before (the whole month before when --date is a month's last "
        "day).")),
    first: str = typer.Option(None, "--from", help=_("First day of a range.")),
    last: str = typer.Option(None, "--to", help=_("Last day of a range (default today).")),
    collector: str = typer.Option(None, "--collector", "-c", help=_("One collector's report.")),
    team: bool = typer.Option(False, "--team", help=_("The whole team (the default).")),
    fmt: ReportFormat = typer.Option(ReportFormat.text.value, "--format", "-f", help=_(
        "text, markdown, json, csv, html or xlsx (an Excel workbook: with --output, or "
        "redirected to a file).")),
    output: str = typer.Option(None, "--output", "-o", help=_("Write to this file (mode "
                                                              "0600) instead of stdout.")),
    force: bool = typer.Option(False, "--force", help=_("Replace the --output file if it "
                                                        "exists.")),
    redact: bool = typer.Option(False, "--redact", help=_("Mask debtors' names and phones.")),
    table: ReportTable = typer.Option(ReportTable.collectors.value, "--table", help=_(
        "With --format csv, the table: collectors (the KPIs), portfolio (by bucket, risk "
        "and collector, roll and cure rates) or lists (promises due today and broken, "
        "complaints, violations).")),
    fail_under: list[str] = typer.Option(None, "--fail-under", metavar="METRIC=VALUE", help=_(
        "Exit 3 when the team (or --collector) is below this, e.g. collected=100000 (in "
        "the config's currency; collected=2000AUD for another).")),
) -> None:
    """The summary for cron and e-mail: KPIs per collector, ranked, and the team total.

    Beside them the previous period (and the change), the targets attained, the
    portfolio by days past due and risk with its roll and cure rates, and the lists a
    supervisor acts on. Money is per currency, never added across currencies.

    The same data always gives byte-identical output. Exit codes: 0 written; 2 bad
    arguments; 3 below a --fail-under threshold.
    """
    from collectctl.app.reports import below_thresholds, build_report
    from collectctl.core.targets import parse_assignments
    from collectctl.render import report as view

    state = app_context(ctx)
    if collector and team:
        raise UsageError(_("say --collector NAME or --team, not both"))
    if day and (first or last):
        raise UsageError(_("say --date or --from/--to, not both"))
    if week and month:
        raise UsageError(_("say --week or --month, not both"))
    if (week or month) and (first or last):
        raise UsageError(_("say --week or --month (with --date), or --from/--to, not both"))
    if table is not ReportTable.collectors and fmt is not ReportFormat.csv:
        raise UsageError(_("--table is for --format csv (the other formats hold every "
                           "table)"))
    thresholds = parse_assignments(fail_under, state.settings.currency) if fail_under else {}
    start = typed_day(state, day or first, "--from" if first else "--date", "last")
    end = typed_day(state, day or last, "--to" if last else "--date", "last")
    target = _output_target(state, output, force)
    if fmt is ReportFormat.xlsx and target is None and _stdout_is_terminal():
        raise UsageError(_("--format xlsx writes a workbook, not text for a screen: name "
                           "the file with --output FILE.xlsx (or redirect to one)"))
    kind = "week" if week else "month" if month else "range" if first or last else "day"
    if kind in ("week", "month"):
        from collectctl.core.periods import period_to

        start, end = period_to(kind, end)
    result = build_report(state.store, state.settings, state.now, start, end, collector,
                          period=kind)
    _write(result, fmt.value, target, table=table.value)
    below = below_thresholds(result.team, thresholds)
    if below:
        typer.echo(_("below target: {metrics}").format(metrics=", ".join(
            view.threshold_text(n, result.team, thresholds[n]) for n in below)), err=True)
        raise typer.Exit(EXIT_BELOW_THRESHOLD)


def _output_target(state, output: str | None, force: bool):
    """The ``--output`` file, checked before the report is built (never the database;
    an existing file only with ``--force``); None for stdout."""
    if not output:
        return None
    from collectctl.private_files import check_target

    return check_target(output, force, state.db_target())


def _write(result, fmt: str, output, **options) -> None:
    """To stdout, or atomically to a file only its owner can read (reports hold personal
    data): the file appears whole or not at all. ``options`` go to the renderer."""
    from collectctl.render import emit

    if fmt == ReportFormat.xlsx.value:
        _write_workbook(result, output)
        return
    if not output:
        emit(result, fmt, **options)
        return
    from collectctl.private_files import PendingFile

    with PendingFile(output) as pending:
        with pending.writing() as out:
            emit(result, fmt, out, **options)
        pending.commit()


def _stdout_is_terminal() -> bool:
    import sys

    return sys.stdout.isatty()


def _write_workbook(result, output) -> None:
    """The report as a workbook: to the ``--output`` file (whole or not at all, 0600), or
    as bytes to a redirected stdout."""
    import sys

    from collectctl.render.report_xlsx import report_xlsx

    data = report_xlsx(result)
    if not output:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    from collectctl.private_files import PendingFile

    with PendingFile(output) as pending:
        pending.write_bytes(data)
        pending.commit()


@target_app.command("set")
def target_set(
    ctx: typer.Context,
    assignments: list[str] = typer.Argument(..., metavar="METRIC=VALUE...", help=_(
        "e.g. collected=500000 calls=2000")),
    period: Period = typer.Option(..., "--period", help=_("day, week or month.")),
    start: str = typer.Option(None, "--start", help=_("A day in the period (default today).")),
    collector: str = typer.Option(None, "--collector", "-c", help=_("Whose target.")),
    team: bool = typer.Option(False, "--team", help=_("The team's target.")),
) -> None:
    """Set targets for a collector (default: me) or the team for a day, week or month.

    A money target is in one currency: the config's currency: unless the amount names
    another (collected=2000AUD). Progress compares it with what was collected in that
    currency, and shows the other currencies beside it.
    """
    from collectctl.app.reports import set_targets
    from collectctl.core.targets import parse_assignments
    from collectctl.render import emit

    state = app_context(ctx)
    if collector and team:
        raise UsageError(_("say --collector NAME or --team, not both"))
    who = None if team else (collector or state.settings.me)
    if not team and not who:
        raise UsageError(_("whose target? --collector NAME or --team"))
    emit(set_targets(state.store, state.now, who, period.value, typed_day(state, start, "--start"),
                     parse_assignments(assignments, state.settings.currency)), "text")


@target_app.command("list")
def target_list(ctx: typer.Context) -> None:
    """List the targets set."""
    from collectctl.app.reports import list_targets
    from collectctl.render import emit

    state = app_context(ctx)
    emit(list_targets(state.store, state.settings), "text")


@target_app.command("clear")
def target_clear(ctx: typer.Context) -> None:
    """Remove every target."""
    from collectctl.app.reports import clear_targets
    from collectctl.render import emit

    emit(clear_targets(app_context(ctx).store), "text")


@target_app.command("split")
def target_split(
    ctx: typer.Context,
    team_total: str = typer.Option(..., "--team-total", metavar="METRIC=VALUE", help=_(
        "The team's total to divide, e.g. collected=500000.")),
    period: Period = typer.Option(Period.month.value, "--period", help=_(
        "day, week or month.")),
    by: SplitBy = typer.Option(SplitBy.balance.value, "--by", help=_(
        "balance: in proportion to each collector's assigned balance in the target's "
        "currency (a count, such as calls: to their open accounts); even: equal parts.")),
    start: str = typer.Option(None, "--start", help=_("A day in the period (default today).")),
) -> None:
    """Divide a team total among the collectors; the parts add up to it exactly."""
    from collectctl.app.reports import split_target
    from collectctl.core.targets import parse_assignments
    from collectctl.render import emit

    state = app_context(ctx)
    ((metric, goal),) = parse_assignments([team_total], state.settings.currency).items()
    emit(split_target(state.store, state.settings, state.now, metric, goal, period.value,
                      typed_day(state, start, "--start"), by.value), "text")


def progress(
    ctx: typer.Context,
    period: Period = typer.Option(Period.day.value, "--period", help=_("day, week or month.")),
    collector: str = typer.Option(None, "--collector", "-c", help=_("Whose (default: me).")),
    team: bool = typer.Option(False, "--team", help=_("The whole team.")),
    fmt: TextJson = format_option(TextJson.text),
) -> None:
    """Where you stand: actual against target for each metric, and whether you are ahead
    of the pace (the target x the share of working time gone by: the shift less its
    breaks). Money is per currency; a money target is in one.

    For one collector it also counts the calls left in today's plan (plan_remaining in
    JSON), which means building that plan: on a large portfolio, most of the time taken.
    """
    from collectctl.app.reports import build_progress
    from collectctl.render import emit

    state = app_context(ctx)
    if collector and team:
        raise UsageError(_("say --collector NAME or --team, not both"))
    who = None if team else (collector or state.settings.me)
    if not team and not who:
        raise UsageError(_("whose progress? --collector NAME, --team, or set me:"))
    result = build_progress(state.store, state.settings, state.now, period.value, who)
    emit(result, fmt.value)


def register(app: typer.Typer) -> None:
    app.command("report")(report)
    app.command("progress")(progress)
    app.add_typer(target_app, name="target")
