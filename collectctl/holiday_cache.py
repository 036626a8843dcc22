"""Holiday calendars kept in the user's cache, so ``log`` and ``plan`` need not import the
``holidays`` package (tens of milliseconds) at every start.

One small JSON file per country, year and language in :func:`collectctl.i18n.cache_dir`,
named after the installed package (:func:`_version`), so an upgrade of ``holidays`` (new
or corrected holidays) computes them afresh. A cache that cannot be read or written is not an error:
the calendar is computed.
"""

from __future__ import annotations

import json
import os
from datetime import date

from collectctl.core import calendars
from collectctl.core.calendars import Calendar


def _version() -> str:
    """What tells one installation of the ``holidays`` package from another, without
    importing it (or importlib.metadata, 13 ms): its ``__init__.py``'s size and time, new
    at every install or upgrade."""
    from importlib.util import find_spec

    try:
        spec = find_spec("holidays")
        if spec is not None and spec.origin:
            info = os.stat(spec.origin)
            return f"{info.st_size}.{info.st_mtime_ns}"
    except (OSError, ImportError, ValueError):
        pass
    return "unknown"


def cached(country: str, year: int, language: str) -> Calendar:
    from collectctl.i18n import cache_dir

    path = cache_dir() / "holidays" / f"{_version()}-{country}-{year}-{language}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Calendar({date.fromisoformat(d): n for d, n in data["holidays"].items()},
                        frozenset(date.fromisoformat(d) for d in data["made_up"]))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    found = calendars.compute(country, year, language)
    _save(path, {"holidays": {d.isoformat(): n for d, n in sorted(found.holidays.items())},
                 "made_up": sorted(d.isoformat() for d in found.made_up)})
    from contextlib import suppress

    for old in path.parent.glob(f"*-{country}-{year}-{language}.json"):
        if old != path:  # another installation's
            with suppress(OSError):
                old.unlink()
    return found


def _save(path, data: dict) -> None:
    from collectctl.i18n import write_cache_file

    write_cache_file(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def install() -> None:
    """Obtain calendars through the cache from now on."""
    calendars.source = cached
    calendars.calendar.cache_clear()
