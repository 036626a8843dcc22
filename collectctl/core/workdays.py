"""The collector's working days, for the plan and for targets alike (pure).

A date is a working day when its weekday is one of ``shift.days`` and it is not a public
holiday of the config's ``country:``, or when the country makes it a working day in
place of a holiday (China's 调休 Saturdays, Taiwan's make-up Saturdays before 2025: the
``holidays`` package's ``weekend_workdays``); ``targets.extra_days_off`` are never
working days. The calendars are computed by the ``holidays`` package (no I/O) and cached
per country and year.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from collectctl.config import WEEKDAY_KEYS
from collectctl.core import reasons as r
from collectctl.core.reasons import Reason

if TYPE_CHECKING:
    from collectctl.config import Settings

#: ``shift.days`` by default.
MON_TO_FRI = WEEKDAY_KEYS[:5]
#: Causes of a ``day_off`` reason (its ``cause`` detail).
NOT_A_SHIFT_DAY, PUBLIC_HOLIDAY, EXTRA_DAY_OFF = "weekday", "public_holiday", "extra_day_off"


def _calendar(country: str, year: int) -> tuple[dict, frozenset[date]]:
    """``(public holidays, make-up working days)`` of ``country`` in ``year``; nothing for
    a country the ``holidays`` package does not know."""
    from collectctl.core.calendars import calendar

    found = calendar(country, year)
    return found.holidays, found.made_up


def day_off(day: date, shift_days: Collection[str] = MON_TO_FRI, country: str | None = None,
            extra_days_off: Collection[date] = ()) -> Reason | None:
    """Why ``day`` (the collector's date) is not a working day, as a ``day_off`` reason
    (``cause``: ``extra_day_off``, ``public_holiday`` with the ``country``, or
    ``weekday`` with the ``weekday`` key not in ``shift.days``); None on a working day."""
    if day in extra_days_off:
        return Reason(r.DAY_OFF, day=day, cause=EXTRA_DAY_OFF)
    if country:
        holidays, made_up = _calendar(country, day.year)
        if day in made_up:
            return None
        if day in holidays:
            return Reason(r.DAY_OFF, day=day, cause=PUBLIC_HOLIDAY, country=country)
    weekday = WEEKDAY_KEYS[day.weekday()]
    if weekday not in shift_days:
        return Reason(r.DAY_OFF, day=day, cause=NOT_A_SHIFT_DAY, weekday=weekday)
    return None


def is_working_day(day: date, shift_days: Collection[str] = MON_TO_FRI,
                   country: str | None = None, extra_days_off: Collection[date] = ()) -> bool:
    """Whether ``day`` is one of the collector's working days (see :func:`day_off`)."""
    return day_off(day, shift_days, country, extra_days_off) is None


def working_days(first: date, last: date, country: str | None,
                 extra_days_off: Iterable[date] = (),
                 shift_days: Collection[str] = MON_TO_FRI) -> list[date]:
    """The working days from ``first`` to ``last``, both included."""
    off = frozenset(extra_days_off)
    days = []
    day = first
    while day <= last:
        if day_off(day, shift_days, country, off) is None:
            days.append(day)
        day += timedelta(days=1)
    return days


def collector_day_off(settings: Settings, day: date) -> Reason | None:
    """:func:`day_off` for the collector the settings describe."""
    return day_off(day, settings.shift.days, settings.holiday_country,
                   settings.targets.extra_days_off)


def next_working_day(settings: Settings, day: date, within: int = 31) -> date | None:
    """The first working day from ``day`` on (``day`` itself if it is one), looking
    ``within`` days ahead; None if there is none."""
    for n in range(within):
        if collector_day_off(settings, day + timedelta(days=n)) is None:
            return day + timedelta(days=n)
    return None
