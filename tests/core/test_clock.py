from datetime import datetime, timedelta

import pytest

from collectctl import clock
from collectctl.errors import UsageError


def test_override_with_offset_is_kept():
    moment = clock.now("2026-12-04T09:00:00+08:00", "UTC")
    assert moment.utcoffset() == timedelta(hours=8)
    assert moment.hour == 9


def test_naive_override_is_in_the_configured_zone():
    moment = clock.now("2026-12-04T09:00", "America/New_York")
    assert moment.utcoffset() == timedelta(hours=-5)


def test_env_override(monkeypatch):
    monkeypatch.setenv("COLLECTCTL_NOW", "2026-01-02T03:04:05+00:00")
    assert clock.now(None, "Asia/Taipei") == datetime.fromisoformat("2026-01-02T03:04:05+00:00")


def test_real_clock_is_aware():
    assert clock.now(None, "Asia/Taipei").tzinfo is not None


def test_bad_override_is_a_usage_error():
    with pytest.raises(UsageError, match="not an ISO-8601"):
        clock.now("yesterday-ish", "UTC")


def test_storage_form_is_utc():
    moment = clock.parse_instant("2026-12-04T09:00:00+08:00", "UTC")
    assert clock.to_utc_iso(moment) == "2026-12-04T01:00:00+00:00"


def test_a_ticking_clock_runs_on_from_the_override(monkeypatch):
    import time as real_time

    ticks = iter([100.0, 100.0, 130.5])
    monkeypatch.setattr(real_time, "monotonic", lambda: next(ticks))
    tick = clock.ticking("2026-12-04T09:00:00+08:00", "UTC")
    assert tick() == datetime.fromisoformat("2026-12-04T09:00:00+08:00")
    assert tick() == datetime.fromisoformat("2026-12-04T09:00:30.5+08:00")


def test_a_ticking_clock_without_override_is_the_real_clock():
    before = datetime.now().astimezone()
    assert clock.ticking(None, "Asia/Taipei")() >= before
