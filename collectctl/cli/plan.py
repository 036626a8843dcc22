"""``collectctl plan``, ``next`` and ``rules check``: the day's timed call list."""

from __future__ import annotations

import sys
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
    from collectctl.core.entries import parse_day

    return parse_day(text, state.now.date(), state.settings.import_.date_order)


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
                                                         "2026-12-04, tomorrow, fri.")),
    collector: str = typer.Option(None, "--collector", "-c", help=_(
        "Whose plan (default: me from the config).")),
    limit: int = typer.Option(None, "--limit", "-l", help=_("Plan at most this many calls.")),
    fmt: PlanFormat = typer.Option(PlanFormat.table.value, "--format", "-f", help=_(
        "table, json, csv or ics (calendar).")),
    redact: bool = typer.Option(False, "--redact", help=_("Mask debtors' names and phones.")),
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
) -> None:
    """Today's calls in time order: who to call, at what minute, and why.

    Accounts are ranked by score (amount, days past due, promises, callbacks, payday,
    weekday...) and put where the debtor is most likely to answer: the rules (the golden
    window after work starts, rarely at lunch, never in legal quiet hours) moved by the
    hours each debtor, and debtors like them, answered before (learning: --explain ID).
    """
    from collectctl.planner import build_plan, why_not_planned
    from collectctl.render import plan as view

    state = app_context(ctx)
    first = _plan_day(state, day)
    out = sys.stdout
    if everyone:
        from collectctl.planner import build_all

        collectors = state.store.collectors()
        if fmt is PlanFormat.json:
            import functools

            render = functools.partial(view.plan_json_text, redact=redact)
            texts = build_all(state.db_target(), collectors, state.settings, state.now, first,
                              render=render)
            out.write(f'{{"date": "{first.isoformat()}", "plans": [\n')
            out.write(",\n".join(texts))
            out.write("\n]}\n")
        else:
            plans = build_all(state.db_target(), collectors, state.settings, state.now, first)
            typer.echo(view.all_text(plans))
        return
    who = collector_for(state, collector)
    if week:
        from collectctl.planner import build_week

        data = view.week_json(build_week(state.store, state.settings, state.now, who, first))
        if fmt is PlanFormat.json:
            import json

            out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        else:
            typer.echo(view.week_text(data))
        return
    result = build_plan(state.store, state.settings, state.now, who, first, limit,
                        explore=explore)
    if why_not:
        typer.echo(f"{why_not}: {why_not_planned(result, why_not)}")
    elif explain:
        if explain not in result.scores:
            why_not_planned(result, explain)  # raises for an unknown account
        curve = None
        if state.settings.learning.enabled:
            from collectctl.planner import contact_curve

            curve = contact_curve(state.store, state.settings, result, explain)
        data = view.explain_json(result, explain, state.settings, curve)
        if fmt is PlanFormat.json:
            import json

            out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        else:
            typer.echo(view.explain_text(data))
    elif fmt is PlanFormat.json:
        import json

        out.write(json.dumps(view.plan_json(result, redact), ensure_ascii=False, indent=2) + "\n")
    elif fmt is PlanFormat.csv:
        view.plan_csv(result, redact, out)
    elif fmt is PlanFormat.ics:
        view.plan_ics(result, redact, out)
    else:
        from collectctl.render.text import console_for

        with console_for(out) as console:
            view.plan_table(result, redact, console)


def next_call(
    ctx: typer.Context,
    collector: str = typer.Option(None, "--collector", "-c", help=_(
        "Whose plan (default: me from the config).")),
    fmt: TextJson = format_option(TextJson.text),
) -> None:
    """The call due now, with the brief to read before dialling: the confirmed amount and
    its breakdown, every valid phone, the last outcomes, the open promise and the notes."""
    from collectctl.cli.accounts import dossier
    from collectctl.planner import build_plan
    from collectctl.render import plan as view

    state = app_context(ctx)
    result = build_plan(state.store, state.settings, state.now, collector_for(state, collector),
                        state.now.date())
    if not result.calls:
        typer.echo(result.note or _("Nothing left to call today."))
        return
    call = result.calls[0]
    brief = dossier(state, call.account_id)
    if fmt is TextJson.json:
        import json

        from collectctl.render.jsonfmt import json_view

        data = {"call": view.call_json(call, False), "account": json_view(brief)}
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    from collectctl.render import emit

    typer.echo(view.next_header(call, result.calls[1:2]))
    emit(brief, "text")


@rules_app.command("check")
def rules_check(
    ctx: typer.Context,
    fmt: TextJson = format_option(TextJson.text),
) -> None:
    """Validate the config and print the rule packs as the planner will apply them."""
    from collectctl.render import plan as view

    state = app_context(ctx)
    rules = state.settings.rules
    lines = [_("default pack: {name}").format(name=rules.default)]
    if rules.by_country:
        lines.append(_("by country: {pairs}").format(
            pairs=", ".join(f"{c}→{p}" for c, p in sorted(rules.by_country.items()))))
    for name, pack in rules.packs.items():
        lines.append(view.pack_line(name, pack))
    typer.echo("\n".join(lines))


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)
    app.command("next")(next_call)
    app.add_typer(rules_app, name="rules")
