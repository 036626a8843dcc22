"""Choices and options shared by several commands."""

from __future__ import annotations

from enum import Enum, StrEnum
from typing import Any

import typer

from collectctl.i18n import _, current_language

# Choices as classes (not ``Enum(name, values)``), so a type checker knows their members.


class TextJson(StrEnum):
    text = "text"
    json = "json"


class TableJsonCsv(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class AccountStatus(StrEnum):
    open = "open"
    closed = "closed"


class TextJsonCsv(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"


class DateOrder(StrEnum):
    YMD = "YMD"
    DMY = "DMY"
    MDY = "MDY"


class ReportFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"
    csv = "csv"
    html = "html"
    xlsx = "xlsx"


class ReportTable(StrEnum):
    """The report's table in a CSV file (one table a file)."""

    collectors = "collectors"
    portfolio = "portfolio"
    lists = "lists"


class Period(StrEnum):
    day = "day"
    week = "week"
    month = "month"


class SplitBy(StrEnum):
    balance = "balance"
    even = "even"


class PlanFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    ics = "ics"


class PromiseDue(StrEnum):
    today = "today"
    overdue = "overdue"
    all = "all"


class PromiseStatus(StrEnum):
    pending = "pending"
    kept = "kept"
    broken = "broken"


def format_option(default: Enum) -> Any:
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


def typed_day(state, text: str | None, flag: str, yearless: str = "next"):
    """A day as typed after ``flag`` (``2026-12-04``, ``yesterday``, ``115/12/04``, ``12/04``);
    today when none. A date without a year is the next such day (``yearless="next"``) or
    the last (``"last"``: a report's days). A bad one is an error naming ``flag``."""
    from collectctl.core.entries import parse_day
    from collectctl.errors import EntryError

    if not text:
        return state.now.date()
    try:
        return parse_day(text, state.now.date(), state.settings.import_.date_order, yearless)
    except EntryError as error:
        raise EntryError(error.code, error.field, flag, **error.detail) from None
