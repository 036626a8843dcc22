"""psycopg is the ``team`` extra: a collector on the SQLite file does without it, and a
``postgresql://`` database without it is one line naming the install command (exit 2)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from collectctl.cli import app
from collectctl.errors import EXIT_USAGE

URL = "postgresql://alice:s3cret@dbhost/collections"


@pytest.fixture
def no_psycopg(monkeypatch):
    """As if psycopg were not installed: importing it fails as a missing module does."""
    for name in [m for m in sys.modules if m == "psycopg" or m.startswith("psycopg.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "psycopg", None)


@pytest.mark.parametrize("lang,advice", [
    ("en", "is a PostgreSQL database, which needs the team extra"),
    ("zh_TW", "是 PostgreSQL 資料庫"),
])
def test_a_postgresql_database_without_psycopg_names_the_team_extra(no_psycopg, lang, advice):
    result = CliRunner().invoke(app, ["--lang", lang, "--db", URL, "plan"])
    assert result.exit_code == EXIT_USAGE
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and advice in lines[0], result.stderr
    assert "pip install 'collectctl[team]'" in lines[0]
    assert "s3cret" not in lines[0] and "Traceback" not in result.stderr


def test_the_sqlite_file_needs_no_psycopg(no_psycopg, tmp_path):
    db = str(tmp_path / "c.db")
    for command in (["db", "migrate"], ["db", "check"]):  # made, then read
        result = CliRunner().invoke(app, ["--db", db, *command])
        assert result.exit_code == 0, result.output


def test_psycopg_is_the_team_extra_and_ci_installs_it():
    import tomllib

    root = Path(__file__).resolve().parents[2]
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    assert not [d for d in project["dependencies"] if d.startswith("psycopg")]
    extras = project["optional-dependencies"]
    assert any(d.startswith("psycopg") for d in extras["team"])
    assert any(d.startswith("psycopg") for d in extras["test"])  # the suite's PostgreSQL half
    assert "'.[test,team]'" in (root / ".ci" / "run").read_text()


def test_importing_the_cli_does_not_import_psycopg():
    code = "import sys, collectctl.cli; print('psycopg' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"
