"""Choices and options shared by several commands."""

from __future__ import annotations

from enum import Enum

import typer

from collectctl.i18n import _


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
