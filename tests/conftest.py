"""Shared fixtures: an isolated app directory and a CLI runner with a fixed clock."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from collectctl.cli import app
from collectctl.resources import bundled

NOW = "2026-12-04T09:00:00+08:00"  # a Friday morning in Taipei


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Each test gets its own app directory and no COLLECTCTL_* settings from the outside."""
    for key in list(os.environ):
        if key.startswith("COLLECTCTL_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "test.db"


class Cli:
    """Runs collectctl in-process with ``--db`` and ``--now`` fixed."""

    def __init__(self, db: Path, now: str = NOW) -> None:
        self.db = db
        self.now = now
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        base = ["--db", str(self.db), "--now", self.now]
        return self.runner.invoke(app, [*base, *map(str, args)], input=input)

    def count(self, table: str) -> int:
        """Rows in a table of the test database (to prove nothing was written)."""
        import sqlite3

        conn = sqlite3.connect(self.db)
        try:
            return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        finally:
            conn.close()

    def json(self, *args: str):
        result = self(*args, "--format", "json")
        assert result.stdout, result.stderr
        return result, json.loads(result.stdout)


@pytest.fixture
def cli(db) -> Cli:
    return Cli(db)


@pytest.fixture
def example_csv() -> Path:
    return bundled("examples/accounts.csv")


@pytest.fixture
def example_big5() -> Path:
    return bundled("examples/accounts_zh_big5.csv")


@pytest.fixture
def make_csv(tmp_path):
    """``make_csv(name, text, encoding="utf-8")`` writes a file in the test's directory."""

    def make(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return make
