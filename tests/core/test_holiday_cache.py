"""Holiday calendars are computed once and then read from the user's cache: ``plan`` and
``log`` do not import the ``holidays`` package at each start."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from collectctl.core import calendars


def test_a_cached_calendar_equals_the_computed_one_and_is_read_back(tmp_path, monkeypatch):
    from collectctl import holiday_cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = holiday_cache.cached("CN", 2026, "en_US")
    assert first == calendars.compute("CN", 2026, "en_US")
    assert date(2026, 2, 28) in first.made_up  # a make-up working Saturday
    files = list((tmp_path / "collectctl" / "holidays").glob("*-CN-2026-en_US.json"))
    assert len(files) == 1
    code = ("import sys; from collectctl import holiday_cache as h; "
            "c = h.cached('CN', 2026, 'en_US'); "
            "print(len(c.holidays), len(c.made_up), 'holidays' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"XDG_CACHE_HOME": str(tmp_path),
                                          "PATH": "/usr/bin:/bin"}).stdout.split()
    assert out == [str(len(first.holidays)), str(len(first.made_up)), "False"]


def test_a_damaged_cache_file_is_computed_again(tmp_path, monkeypatch):
    from collectctl import holiday_cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    holiday_cache.cached("TW", 2026, "en_US")
    (path,) = (tmp_path / "collectctl" / "holidays").glob("*-TW-2026-en_US.json")
    path.write_text("{not json", encoding="utf-8")
    assert holiday_cache.cached("TW", 2026, "en_US") == calendars.compute("TW", 2026, "en_US")
