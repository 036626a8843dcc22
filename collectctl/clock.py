"""The one place that reads the real clock.

``--now`` / ``COLLECTCTL_NOW`` (ISO-8601) fixes "now" for every command, so
scripts and tests are reproducible. Everything else receives ``now`` as an
argument.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from collectctl.errors import UsageError
from collectctl.i18n import _

ENV_NOW = "COLLECTCTL_NOW"


def parse_instant(text: str, default_zone: str) -> datetime:
    """Parse an ISO-8601 date-time; a value without an offset is in ``default_zone``."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            _("--now {value!r} is not an ISO-8601 date-time (e.g. 2026-12-04T09:00+08:00)").format(
                value=text
            )
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(default_zone))
    return value


def now(override: str | None, default_zone: str) -> datetime:
    """The current instant, timezone-aware: ``override``, else $COLLECTCTL_NOW, else the clock."""
    text = override or os.environ.get(ENV_NOW)
    if text:
        return parse_instant(text, default_zone)
    return datetime.now(UTC).astimezone(ZoneInfo(default_zone))


def ticking(override: str | None, default_zone: str) -> Callable[[], datetime]:
    """A clock for a command that runs for hours (``work``): the real clock, or, with
    ``--now``, time running on from that instant."""
    import time

    text = override or os.environ.get(ENV_NOW)
    if not text:
        zone = ZoneInfo(default_zone)
        return lambda: datetime.now(UTC).astimezone(zone)
    start, began = parse_instant(text, default_zone), time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)


def to_utc_iso(moment: datetime) -> str:
    """The storage form of an instant: UTC ISO-8601, seconds precision."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")
