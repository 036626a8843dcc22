"""``collectctl plan``, ``next`` and ``rules check``: the day's timed call list."""

from __future__ import annotations

from datetime import date

import typer

from collectctl.cli.context import app_context
from collectctl.cli.options import PlanFormat, TextJson, format_option
from collectctl.errors import UsageError
from collectctl.i18n import _

rules_app = typer.Typer(help=_("The legal calling rules (rule packs) in force."),
                        no_args_is_help=True)


def _plan_day(state, text: str | None) -> date:
    if not text:
        return state.now.date()
    from collectctl.core.entries import NEXT, parse_day

    return parse_day(text, state.now.date(), state.settings.import_.date_order, NEXT)


def collector_for(state, given: str | None) -> str:
    who = given or state.settings.me
    if not who:
        known = ", ".join(state.store.collectors()) or _("none")
        raise UsageError(_("whose plan? pass --collector NAME or set me: (collectors: {known})")
                         .format(known=known))
    return who


def plan(
    ctx: typer.Context,
    day: str = typer.Option(None, "--date", "-d", help=_("The day to plan (default today): "
                                                         "2026-12-04, 12/04 (the next one), "
                                                         "tomorrow, fri.")),
    collector: str = typer.Option(None, "--collector", "-c", help=_(
        "Whose plan (default: me from the config).")),
    limit: int = typer.Option(None, "--limit", "-l", help=_("Plan at most this many calls.")),
    fmt: PlanFormat = typer.Option(PlanFormat.table.value, "--format", "-f", help=_(
        "table, json, csv or ics (calendar).")),
    redact: bool | None = typer.Option(None, "--redact/--no-redact", help=_(
        "Mask debtors' names and phones (the default in ics: calendars sync to phones and "
        "clouds; --no-redact shows them there).")),
    explain: str = typer.Option(None, "--explain", metavar="ID", help=_(
        "Show every factor of an account's score, its window and the hours it answers.")),
    why_not: str = typer.Option(None, "--why-not", metavar="ID", help=_(
        "Say why an account is not in the plan.")),
    week: bool = typer.Option(False, "--week", help=_(
        "The next seven days: calls per day and each account's best day.")),
    everyone: bool = typer.Option(False, "--all", help=_(
        "Every collector's plan (json: one plan per collector; table: a summary).")),
    explore: bool = typer.Option(False, "--explore", help=_(
        "Try hours tried too little: a share of the accounts (learning.explore_share) "
        "get hours drawn from what is known of them instead of the best estimate.")),
    raw: bool = typer.Option(False, "--raw", "--for-dialer", help=_(
        "With --format csv: write cells as they are, for a machine such as a dialer "
        "(+886912345678, not '+886912345678). Unsafe to open in a spreadsheet: a cell "
        "starting with = + - @ runs there as a formula.")),
) -> None:
    """Today's calls in time order: who to call, at what minute, and why.

    Accounts are ranked by score (amount, days past due, promises, callbacks, payday,
    weekday...) and put where the debtor is most likely to answer: the rules (the golden
    window after work starts, rarely at lunch, never in legal quiet hours) moved by the
    hours each debtor, and debtors like them, answered before (learning: --explain ID).
    """
    from collectctl.app import plan as use
    from collectctl.render import emit

    if raw and fmt is not PlanFormat.csv:
        raise UsageError(_("--raw writes CSV for a machine: use it with --format csv"))
    state = app_context(ctx)
    first = _plan_day(state, day)
    if everyone:
        emit(_all_plans(state, first, fmt.value, redact), fmt.value, raw=raw)
        return
    who = collector_for(state, collector)
    if week:
        emit(use.build_week(state.store, state.settings, state.now, who, first), fmt.value,
             raw=raw)
        return
    result = use.build_plan(state.store, state.settings, state.now, who, first, limit,
                            explore=explore)
    if why_not:
        emit(use.why_not_planned(result, why_not), fmt.value, raw=raw)
    elif explain:
        emit(use.explain(state.store, state.settings, result, explain), fmt.value, raw=raw)
    else:
        emit(result, fmt.value, redact=redact, raw=raw)


def _all_plans(state, first: date, fmt: str, redact: bool | None):
    """Every collector's plan; as JSON each is rendered in its worker (in parallel)."""
    import functools

    from collectctl.app.plan import AllPlans, build_all
    from collectctl.i18n import current_locale
    from collectctl.render import plan as view

    collectors = state.store.collectors()
    if fmt == "json":
        render = functools.partial(view.plan_json_text, redact=view.masks(fmt, redact))
        lines = build_all(state.db_target(), collectors, state.settings, state.now, first,
                          current_locale(), render=render)
        return AllPlans(first, lines=tuple(lines))
    plans = build_all(state.db_target(), collectors, state.settings, state.now, first,
                      current_locale())
    return AllPlans(first, plans=tuple(plans))


def next_call(
    ctx: typer.Context,
    collector: str = typer.Option(None, "--collector", "-c", help=_(
        "Whose plan (default: me from the config).")),
    fmt: TextJson = format_option(TextJson.text),
    redact: bool = typer.Option(False, "--redact", help=_(
        "Mask the debtor's name, phones, notes, background and contact persons (for a "
        "screen others can see).")),
) -> None:
    """The call due now, with the brief to read before dialling: the confirmed amount and
    its breakdown, every valid phone, the last outcomes, the open promise and the notes."""
    from collectctl.app.plan import next_call as due_now
    from collectctl.render import emit

    state = app_context(ctx)
    emit(due_now(state.store, state.settings, state.now, collector_for(state, collector)),
         fmt.value, redact=redact)


@rules_app.command("check")
def rules_check(
    ctx: typer.Context,
    fmt: TextJson = format_option(TextJson.text),
) -> None:
    """Validate the config and print the rule packs as the planner will apply them: which
    country uses which pack, how many open accounts each applies to, and the accounts
    that fall to the default pack or have no legal minute in your shift."""
    from collectctl.app.plan import rules_check as check
    from collectctl.render import emit

    state = app_context(ctx)
    store = state.store if state.db_exists() else None
    emit(check(state.settings, store, state.now.date()), fmt.value)


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)
    app.command("next")(next_call)
    app.add_typer(rules_app, name="rules")
