"""A report's period and the one just before it, to set them side by side (pure).

A period is a kind and its days: ``day`` (``--date``), ``week`` and ``month`` (``--week``,
``--month``: from the Monday or the first of the month to the day asked for, the whole
week or month when that is its last day), or ``range`` (``--from``/``--to``). The previous
period is as long and ends just before, in the kind's own terms: the day before, the
same days a week before, the same days of the month before (to its end where it is
shorter, or where this period is a whole month), and for a range the same number of
days before it."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

KINDS = ("day", "week", "month", "range")


def period_to(kind: str, day: date) -> tuple[date, date]:
    """The first and last day of the ``kind`` period that runs to ``day`` (``day`` and
    ``range``: the day itself; a range is given by its two ends)."""
    if kind == "week":
        return day - timedelta(days=day.weekday()), day
    if kind == "month":
        return day.replace(day=1), day
    return day, day


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def previous_period(kind: str, first: date, last: date) -> tuple[date, date]:
    """The period just before ``first``..``last``, of the same length in ``kind``'s terms."""
    if kind == "week":
        return first - timedelta(days=7), last - timedelta(days=7)
    if kind == "month":
        before = first.replace(day=1) - timedelta(days=1)  # the last day of the month before
        start = before.replace(day=1)
        if last == _month_end(last):
            return start, before
        return start, start.replace(day=min(last.day, before.day))
    days = (last - first).days + 1
    return first - timedelta(days=days), first - timedelta(days=1)
