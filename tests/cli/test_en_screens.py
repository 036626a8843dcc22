"""The main screens in English, whole, compared with golden files (tests/golden/en).

A substring assertion lets a broken table pass; a whole screen does not. The data is
the zh_TW screens' (the bundled examples and one morning). To accept a change, run with
COLLECTCTL_UPDATE_GOLDEN=1 and review ``git diff tests/golden`` (tests/golden_files.py).
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from collectctl.cli import app
from tests import golden_files
from tests.conftest import NOW


@pytest.fixture
def en(cli, monkeypatch, example_csv, example_big5):
    monkeypatch.setenv("COLUMNS", "120")
    return golden_files.a_morning(cli, example_csv, example_big5)


def check(name: str, text: str) -> None:
    golden_files.check("en", name, text)


SCREENS = {
    "plan": ["plan", "--collector", "alice"],
    "plan-redact": ["plan", "--collector", "alice", "--redact"],
    "show": ["show", "TW-500003"],
    "account": ["account", "TW-500003"],
    "next": ["next", "--collector", "alice"],
    "progress": ["progress", "--collector", "alice", "--period", "month"],
    "report": ["report"],
    "report-markdown": ["report", "--format", "markdown"],
    # TW-500025 paid 1,000 this morning: its balance, not the list's amount.
    "accounts": ["accounts", "--collector", "alice"],
    "pay": ["pay", "TW-500025", "500"],
}


@pytest.mark.parametrize("name", SCREENS)
def test_screen(en, name):
    result = en(*SCREENS[name])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    check(name, result.stdout)


def test_audit_screen(en):
    """The morning's calls and one at 23:30 the night before, to the same debtor."""
    en.now = "2026-12-03T23:30:00+08:00"
    assert en("log", "TW-500009", "no-answer", "--collector", "alice").exit_code == 0
    en.now = NOW
    result = en("audit", "--week")
    assert result.exit_code == 0, result.stderr
    check("audit", result.stdout)


#: The mistakes a collector makes most, each with its whole answer on stderr (exit 2).
ERRORS = [
    ["log", "NOPE", "rpc", "--collector", "alice"],                     # unknown account
    ["show", "NOPE"],
    ["log", "TW-500009", "ptp", "-a", "5000", "-d", "2026-13-45", "--collector", "alice"],
    ["log", "TW-500009", "ptp", "-a", "5000", "-d", "2026-12-01", "--collector", "alice"],
    ["log", "TW-500009", "ptp", "--collector", "alice"],                # no amount
    ["log", "TW-500009", "ptp", "-a", "99999999", "-d", "+3", "--collector", "alice"],
    ["pay", "TW-500009", "lots"],                                       # bad amount
    ["pay", "TW-500009", "--", "-5"],
    ["log", "TW-500009", "maybe", "--collector", "alice"],              # unknown outcome
    ["report", "--date", "yesterday-ish"],
    ["plan", "--limit", "x"],
    ["plan", "--bogus"],
    ["account", "TW-500009", "--avoid", "25:00-26:00", "--collector", "alice"],
    ["account", "TW-500009", "--avoid", "12-13", "--days", "mon-fry", "--collector", "alice"],
]


def test_common_errors(en):
    lines = []
    for args in ERRORS:
        result = en(*args)
        assert result.exit_code == 2, (args, result.output)
        assert result.stdout == ""
        lines.append("$ collectctl " + " ".join(args) + "\n" + result.stderr)
    check("errors", "\n".join(lines))


def test_setup_errors(tmp_path, monkeypatch):
    """A config file that is not there, or not YAML; a database file that is not one, is
    not there (a command that reads creates none), or cannot be made; a --now that is not
    a time."""
    monkeypatch.setenv("COLUMNS", "120")
    (tmp_path / "broken.yaml").write_text("timezone: [Asia/Taipei\n", encoding="utf-8")
    (tmp_path / "notes.db").write_text("not a database, a shopping list\n" * 100,
                                       encoding="utf-8")
    from collectctl.storage import open_store

    open_store(tmp_path / "made.db").close()
    lines = []
    for args in (["--config", "missing.yaml", "accounts"],
                 ["--config", "broken.yaml", "accounts"],
                 ["--db", "notes.db", "accounts"],
                 ["--db", "typo.db", "accounts"],
                 ["--db", "notes.db/x.db", "init"],  # a database under a file
                 ["--db", "made.db", "--now", "tomorrow", "accounts"]):
        now = [] if "--now" in args else ["--now", NOW]
        result = CliRunner().invoke(app, [*now, *args])
        assert result.exit_code == 2, (args, result.output)
        lines.append("$ collectctl " + " ".join(args) + "\n"
                     + result.stderr.replace(str(tmp_path), "<tmp>"))
    check("setup-errors", "\n".join(lines))
