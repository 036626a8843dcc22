"""``report --format xlsx``: a workbook to a file (or a redirected stdout), never a screen."""

from __future__ import annotations

import io
import stat

import openpyxl
import pytest

pytestmark = pytest.mark.sqlite_only("the workbook is made from the report's JSON")


@pytest.fixture
def reported(cli, make_csv):
    cli("import", "accounts", make_csv("a.csv", "account_id,name,amount_due,currency,mobile,"
                                       "assigned_to\nA-1,Ann,1000,TWD,0912000001,alice\n"
                                       "B-1,Bob,500,AUD,+61491570157,bob\n"))
    assert cli("log", "A-1", "paid", "-a", "200", "-c", "alice").exit_code == 0
    return cli


def test_the_workbook_is_written_whole_and_private(reported, tmp_path):
    path = tmp_path / "report.xlsx"
    result = reported("report", "--format", "xlsx", "--output", path)
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:2] == ["summary", "collectors"]
    collectors = book["collectors"]
    names = [row[0] for row in collectors.iter_rows(min_row=2, values_only=True)]
    assert names == [c["name"] for c in reported.json("report")[1]["collectors"]]
    # Numbers are numbers: the calls column adds up in Excel.
    calls = [c.value for c in collectors[1]].index("calls")
    assert all(isinstance(r[calls], int) for r in collectors.iter_rows(min_row=2,
                                                                       values_only=True))


def test_an_existing_file_needs_force(reported, tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"keep me")
    result = reported("report", "--format", "xlsx", "--output", path)
    assert result.exit_code == 2 and path.read_bytes() == b"keep me"
    assert reported("report", "-f", "xlsx", "-o", path, "--force").exit_code == 0
    assert path.read_bytes()[:2] == b"PK"


def test_redirected_stdout_gets_the_bytes(reported):
    result = reported("report", "--format", "xlsx")
    assert result.exit_code == 0, result.stderr
    book = openpyxl.load_workbook(io.BytesIO(result.stdout_bytes))
    assert "collectors" in book.sheetnames


def test_a_terminal_is_not_sent_a_workbook(reported, monkeypatch):
    monkeypatch.setattr("collectctl.cli.reports._stdout_is_terminal", lambda: True)
    result = reported("report", "--format", "xlsx")
    assert result.exit_code == 2
    assert "--output FILE.xlsx" in result.stderr and "Traceback" not in result.output


def test_the_targets_attained_and_the_previous_period_have_their_sheets(reported, tmp_path):
    assert reported("target", "set", "collected=1000", "calls=10", "--period", "day",
                    "--collector", "alice").exit_code == 0
    path = tmp_path / "report.xlsx"
    assert reported("report", "--format", "xlsx", "--output", path).exit_code == 0
    book = openpyxl.load_workbook(path)
    assert {"targets", "previous period collectors"} <= set(book.sheetnames)
    rows = list(book["targets"].iter_rows(values_only=True))
    assert rows[0] == ("collector", "metric", "currency", "target", "actual", "attained")
    assert rows[1:] == [("alice", "calls", None, 10, 1, 0.1),
                        ("alice", "collected", "TWD", 1000, 200, 0.2),
                        ("team", "calls", None, 10, 1, 0.1),
                        ("team", "collected", "TWD", 1000, 200, 0.2)]
    assert book["targets"]["F2"].number_format == "0.00%"
    summary = {r[0]: r[2] for r in book["summary"].iter_rows(min_row=4, values_only=True)}
    assert summary["previous period.from"] is not None
