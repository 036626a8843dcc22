"""Public holidays and make-up working days of a country and year, from the ``holidays``
package: the one place collectctl asks it (the calling rules' closed days, the
collector's working days).

Pure by default (the package computes, no I/O). The package takes tens of milliseconds to
import, which ``log`` and ``plan`` run dozens of times a day would pay each time, so the
shell may install a :data:`source` that keeps each computed calendar in the user's cache
(``collectctl.holiday_cache``); the core never reads a file itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import NamedTuple


class Calendar(NamedTuple):
    """A country's public holidays in a year (date: name, in one language) and the weekend
    days it makes working days in place of holidays (China's 调休, Taiwan's before 2025)."""

    holidays: dict[date, str]
    made_up: frozenset[date]


EMPTY = Calendar({}, frozenset())


def compute(country: str, year: int, language: str) -> Calendar:
    """The calendar as the ``holidays`` package gives it (``language``: ``en_US``,
    ``zh_TW``); empty for a country it does not know."""
    import holidays

    try:
        days = holidays.country_holidays(country, years=year, language=language)
    except NotImplementedError:
        return EMPTY
    # weekend_workdays may hold other years' days too: only this year's are asked about.
    made_up = frozenset(d for d in getattr(days, "weekend_workdays", ()) if d.year == year)
    return Calendar(dict(days), made_up)


#: How a calendar is obtained: :func:`compute`, or a cache in front of it.
source: Callable[[str, int, str], Calendar] = compute


@lru_cache(maxsize=256)
def calendar(country: str, year: int, language: str = "en_US") -> Calendar:
    """``country``'s calendar for ``year``, once per process."""
    return source(country.upper(), year, language)
