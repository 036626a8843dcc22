"""The main screens in Traditional Chinese, compared with golden files.

A change to a translation, a label or the layout shows here as a diff of what a
collector reads. To accept a change, run with COLLECTCTL_UPDATE_GOLDEN=1 and review
``git diff tests/golden`` (tests/golden_files.py).
"""

from __future__ import annotations

import pytest

from collectctl.render.width import columns
from tests import golden_files


@pytest.fixture
def zh(cli, monkeypatch, example_csv, example_big5):
    """The bundled example accounts, a morning's calls and a month's targets, in zh_TW."""
    monkeypatch.setenv("COLLECTCTL_LANG", "zh_TW")
    monkeypatch.setenv("COLUMNS", "120")
    return golden_files.a_morning(cli, example_csv, example_big5)


def check(name: str, text: str) -> None:
    golden_files.check("zh_TW", name, text)


def test_plan(zh):
    result = zh("plan", "--collector", "alice")
    assert result.exit_code == 0, result.stderr
    check("plan", result.stdout)


def test_progress(zh):
    result = zh("progress", "--collector", "alice", "--period", "month")
    assert result.exit_code == 0, result.stderr
    check("progress", result.stdout)


def test_report(zh):
    result = zh("report")
    assert result.exit_code == 0, result.stderr
    check("report", result.stdout)


def test_audit(zh):
    now = zh.now
    zh.now = "2026-12-03T23:30:00+08:00"
    assert zh("log", "TW-500009", "no-answer", "--collector", "alice").exit_code == 0
    zh.now = now
    result = zh("audit", "--week")
    assert result.exit_code == 0, result.stderr
    check("audit", result.stdout)


def test_accounts(zh):
    result = zh("accounts", "--collector", "alice")
    assert result.exit_code == 0, result.stderr
    check("accounts", result.stdout)


def test_pay(zh):
    result = zh("pay", "TW-500025", "500")
    assert result.exit_code == 0, result.stderr
    check("pay", result.stdout)


def test_account_file(zh):
    result = zh("show", "TW-500003")
    assert result.exit_code == 0, result.stderr
    check("show", result.stdout)


def test_account_requests(zh):
    result = zh("account", "TW-500003")
    assert result.exit_code == 0, result.stderr
    check("account", result.stdout)


def test_errors(zh):
    lines = []
    for args in (["log", "NOPE", "rpc", "--collector", "alice"],
                 ["log", "TW-500009", "ptp", "--collector", "alice"],
                 ["plan", "--limit", "x"], ["plan", "--bogus"],
                 ["account", "TW-500009", "--avoid", "25:00-26:00", "--collector", "alice"]):
        result = zh(*args)
        assert result.exit_code == 2
        lines.append("$ collectctl " + " ".join(args) + "\n" + result.stderr)
    check("errors", "\n".join(lines))


def test_help(zh):
    result = zh("plan", "--help")
    assert result.exit_code == 0
    check("plan-help", result.stdout)


def test_plan_columns_line_up_with_wide_characters(zh):
    """rich measures cells in terminal columns: every row of the plan table puts the
    phone number (after names of two to four Chinese characters) at the same column."""
    lines = zh("plan", "--collector", "alice").stdout.splitlines()
    rows = [line for line in lines if line[:2].isdigit() and " TW-" in line]
    assert len(rows) > 5
    starts = {columns(row[:row.index("  09")]) for row in rows}
    assert len(starts) == 1, rows


def test_help_lines_fit_the_width(zh):
    for line in zh("plan", "--help").stdout.splitlines():
        assert columns(line) <= 120, line
