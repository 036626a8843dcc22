"""The storage contract suite's fixtures: ``store`` is the test's database (``db``, either
engine), opened, and closed after the test."""

from __future__ import annotations

import pytest

from collectctl.storage import open_store


@pytest.fixture
def store(db):
    s = open_store(db)
    yield s
    s.close()
