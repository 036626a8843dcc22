"""The test run's own guards: they must be able to fail, or they guard nothing."""

from __future__ import annotations

import subprocess
import sys
import uuid

import pytest

from collectctl.storage import open_store
from collectctl.storage.migrations import TABLE as MIGRATIONS_TABLE
from tests.conftest import SERVER_TABLES, TEAM_TABLES, run_sql


def test_opening_a_file_in_the_real_app_directory_is_seen(real_app_dir):
    path = real_app_dir.path / f"no-such-file-{uuid.uuid4().hex}"
    with pytest.raises(OSError):
        open(path)  # noqa: SIM115 - the attempt is what is seen
    assert real_app_dir.problems() == [f"open {path}"]
    assert real_app_dir.problems() == []  # told once: this test itself passes


def test_a_python_process_a_test_starts_is_watched_too(real_app_dir):
    path = real_app_dir.path / f"no-such-file-{uuid.uuid4().hex}"
    code = "import sys\ntry:\n    open(sys.argv[1])\nexcept OSError:\n    pass\n"
    subprocess.run([sys.executable, "-c", code, str(path)], check=True)
    (problem,) = real_app_dir.problems()
    assert problem.startswith(f"open {path} (process ")
    assert real_app_dir.problems() == []


def test_team_tables_are_every_table_of_the_schema(db):
    open_store(db).close()
    if str(db).startswith("postgresql://"):
        query = ("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                 "current_schema() AND table_type = 'BASE TABLE'")
        meta = {MIGRATIONS_TABLE, "chain_key"}  # the ledger's key: never copied, never read
        expected = set(TEAM_TABLES + SERVER_TABLES)
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'table'"
        meta = {MIGRATIONS_TABLE, "sqlite_sequence", "sqlite_stat1"}
        expected = set(TEAM_TABLES)
    assert {row[0] for row in run_sql(db, query)} - meta == expected
