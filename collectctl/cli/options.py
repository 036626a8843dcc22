"""Choices and options shared by several commands."""

from __future__ import annotations

from enum import Enum

import typer

from collectctl.i18n import _, current_language


def _choices(name: str, *values: str) -> type[Enum]:
    return Enum(name, {v: v for v in values}, type=str)


TextJson = _choices("TextJson", "text", "json")
TableJsonCsv = _choices("TableJsonCsv", "table", "json", "csv")
AccountStatus = _choices("AccountStatus", "open", "closed")
DateOrder = _choices("DateOrder", "YMD", "DMY", "MDY")
ReportFormat = _choices("ReportFormat", "text", "markdown", "json", "csv", "html")
Period = _choices("Period", "day", "week", "month")
SplitBy = _choices("SplitBy", "balance", "even")
PlanFormat = _choices("PlanFormat", "table", "json", "csv", "ics")
PromiseDue = _choices("PromiseDue", "today", "overdue", "all")
PromiseStatus = _choices("PromiseStatus", "pending", "kept", "broken")


def format_option(default: Enum):
    choices = ", ".join(m.value for m in type(default))
    return typer.Option(
        default.value, "--format", "-f",
        help=_("Output format: {choices}.").format(choices=choices),
    )


def outcome_list() -> str:
    """The outcome codes, each with its aliases, for ``log``'s help: the ones in Latin
    letters in English, all of them (未接, 承諾...) in Chinese."""
    from collectctl.core.outcomes import DEFAULT_OUTCOMES

    every = current_language() is not None
    parts = []
    for outcome in DEFAULT_OUTCOMES:
        aliases = [alias for alias in outcome.aliases if every or alias.isascii()]
        parts.append(_("{code} ({aliases})").format(code=outcome.code,
                                                     aliases=_(", ").join(aliases))
                     if aliases else outcome.code)
    return _(", ").join(parts)


#: Placeholders a help text may hold, filled when help is shown (in its language).
HELP_FIELDS = {"{outcomes}": outcome_list}
