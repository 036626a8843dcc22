"""``report``'s portfolio and the supervisor's lists on a hand-computed portfolio: lists
imported on two days, a payment, promises, a complaint, a call at night; every format;
on PostgreSQL, a collector's report holds only their own accounts."""

from __future__ import annotations

import csv
import io
import json

import pytest

HEADER = "account_id,name,amount_due,currency,days_past_due,due_date,mobile,assigned_to,risk\n"
#: 2026-11-20: days past due 19 (since 11-01), 10 (11-10), 15 (11-05), 40 (10-11), 19.
FIRST_LIST = ("R-1,王小明,10000,TWD,19,,0912000001,alice,high\n"
              "P-1,林美玲,5000,TWD,10,,0912000002,alice,low\n"
              "C-1,陳志豪,5000,TWD,15,,0912000003,bob,medium\n"
              "S-1,張家豪,20000,TWD,40,,0912000004,bob,low\n"
              "U-1,John Roe,500,USD,19,,0912000005,alice,high\n")
#: 2026-12-03: C-1 owes 4,000 due on 12-20: not past due.
SECOND_LIST = "C-1,陳志豪,4000,TWD,,2026-12-20,0912000003,bob,medium\n"


def run(cli, *args):
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def book(cli, make_csv):
    """From 12-01 to 12-04 (Taipei): R-1 and U-1 roll from M1 to M2 (30 -> 33 days past
    due), P-1 is paid off, a later list brings C-1 current, S-1 stays in M2. S-1's promise
    due 12-01 is broken by 12-04, U-1's is due on 12-04; a complaint on R-1 and a call to
    it at 23:30 (after Taiwan's 22:00)."""
    cli.now = "2026-11-20T09:00:00+08:00"
    run(cli, "import", "accounts", make_csv("a.csv", HEADER + FIRST_LIST))
    cli.now = "2026-11-28T10:00:00+08:00"
    run(cli, "log", "S-1", "ptp", "-a", "1000", "-d", "2026-12-01", "-c", "bob")
    cli.now = "2026-12-02T10:00:00+08:00"
    run(cli, "pay", "P-1", "5000", "--date", "2026-12-02")
    run(cli, "log", "U-1", "ptp", "-a", "200", "-d", "2026-12-04", "-c", "alice")
    cli.now = "2026-12-03T09:00:00+08:00"
    run(cli, "import", "accounts", make_csv("b.csv", HEADER + SECOND_LIST))
    cli.now = "2026-12-03T10:15:00+08:00"
    run(cli, "log", "R-1", "complaint", "-c", "alice")
    cli.now = "2026-12-03T23:30:00+08:00"
    run(cli, "log", "R-1", "na", "-c", "alice")
    cli.now = "2026-12-04T20:00:00+08:00"
    return cli


def report(cli, *args) -> dict:
    result, data = cli.json("report", *args)
    assert result.exit_code == 0, result.output
    return data


def test_the_portfolio_by_bucket_risk_and_collector(book):
    p = report(book, "--from", "2026-12-01", "--to", "2026-12-04")["portfolio"]
    assert p["as_of"] == "2026-12-04"
    assert p["buckets"] == [
        {"bucket": "current", "accounts": 1, "balance": {"TWD": "4000.00"}},
        {"bucket": "M1", "accounts": 0, "balance": {}},
        {"bucket": "M2", "accounts": 3, "balance": {"TWD": "30000.00", "USD": "500.00"}},
        *({"bucket": b, "accounts": 0, "balance": {}}
          for b in ("M3", "M4", "M5", "M6", "M7+")),
    ]
    assert p["risk"] == [
        {"risk": "high", "accounts": 2, "balance": {"TWD": "10000.00", "USD": "500.00"}},
        {"risk": "medium", "accounts": 1, "balance": {"TWD": "4000.00"}},
        {"risk": "low", "accounts": 1, "balance": {"TWD": "20000.00"}},
    ]
    assert p["collectors"] == [
        {"collector": "alice", "accounts": 2, "balance": {"TWD": "10000.00", "USD": "500.00"}},
        {"collector": "bob", "accounts": 2, "balance": {"TWD": "24000.00"}},
    ]


def test_roll_and_cure_rates_between_two_dates(book):
    rolls = report(book, "--from", "2026-12-01", "--to", "2026-12-04")["portfolio"][
        "roll_rates"]
    # M1 on 12-01: R-1 10,000 and U-1 500 roll; P-1 5,000 paid off, C-1 5,000 current.
    assert rolls[0] == {"bucket": "M1", "accounts": 4, "roll_rate": {"TWD": 0.5, "USD": 1.0},
                        "cure_rate": {"TWD": 0.5, "USD": 0.0}}
    assert rolls[1] == {"bucket": "M2", "accounts": 1, "roll_rate": {"TWD": 0.0},
                        "cure_rate": {"TWD": 0.0}}
    assert [r["bucket"] for r in rolls] == ["M1", "M2", "M3", "M4", "M5", "M6", "M7+"]
    assert all(r == {"bucket": r["bucket"], "accounts": 0, "roll_rate": None,
                     "cure_rate": None} for r in rolls[2:])


def test_a_day_before_the_changes_has_none_of_them(book):
    """The portfolio as of 11-30 (a past period): the accounts as the first list left
    them; nothing has rolled in a day (29 days past due on 11-30)."""
    p = report(book, "--from", "2026-11-30", "--to", "2026-11-30")["portfolio"]
    assert p["as_of"] == "2026-11-30"
    assert [(b["bucket"], b["accounts"], b["balance"]) for b in p["buckets"][:3]] == [
        ("current", 0, {}), ("M1", 4, {"TWD": "20000.00", "USD": "500.00"}),
        ("M2", 1, {"TWD": "20000.00"})]
    assert p["roll_rates"][0]["roll_rate"] == {"TWD": 0.0, "USD": 0.0}


def test_the_buckets_come_from_the_config(book, tmp_path, monkeypatch):
    config = tmp_path / "c.yaml"
    config.write_text("report:\n  buckets:\n    early: 31\n    late: null\n",
                      encoding="utf-8")
    monkeypatch.setenv("COLLECTCTL_CONFIG", str(config))
    p = report(book, "--from", "2026-12-01", "--to", "2026-12-04")["portfolio"]
    assert [(b["bucket"], b["accounts"]) for b in p["buckets"]] == [
        ("current", 1), ("early", 0), ("late", 3)]
    assert [r["bucket"] for r in p["roll_rates"]] == ["early", "late"]
    assert p["roll_rates"][1]["roll_rate"] is None  # the last bucket cannot roll


def test_bad_buckets_name_the_key(book, tmp_path, monkeypatch):
    config = tmp_path / "c.yaml"
    config.write_text("report:\n  buckets:\n    M1: 30\n    M2: 20\n    M3: null\n",
                      encoding="utf-8")
    monkeypatch.setenv("COLLECTCTL_CONFIG", str(config))
    result = book("report")
    assert result.exit_code == 2
    assert "report.buckets" in result.stderr and "'M2' must be more than 30 days" in result.stderr
    assert "Traceback" not in result.output


def test_the_supervisors_lists(book):
    lists = report(book, "--from", "2026-12-01", "--to", "2026-12-04")["lists"]
    assert lists["today"] == "2026-12-04"
    assert lists["promises_due_today"] == [
        {"account_id": "U-1", "collector": "alice", "amount": {"USD": "200.00"},
         "due": "2026-12-04", "status": "pending"}]
    assert lists["promises_broken"] == [
        {"account_id": "S-1", "collector": "bob", "amount": {"TWD": "1000.00"},
         "due": "2026-12-01", "status": "broken"}]
    assert lists["complaints"] == [
        {"account_id": "R-1", "collector": "alice", "at": "2026-12-03T10:15:00+08:00"}]
    (alice,) = lists["violations"]
    assert (alice["collector"], alice["count"]) == ("alice", 1)
    assert alice["violations"][0]["account_id"] == "R-1"
    assert alice["violations"][0]["called_at"] == "2026-12-03T23:30:00+08:00"


def test_one_collectors_report_has_their_part(book):
    data = report(book, "--from", "2026-12-01", "--to", "2026-12-04", "-c", "bob")
    p, lists = data["portfolio"], data["lists"]
    assert p["collectors"] == [
        {"collector": "bob", "accounts": 2, "balance": {"TWD": "24000.00"}}]
    assert p["roll_rates"][0] == {"bucket": "M1", "accounts": 1, "roll_rate": {"TWD": 0.0},
                                  "cure_rate": {"TWD": 1.0}}
    assert (lists["promises_due_today"], lists["complaints"], lists["violations"]) == (
        [], [], [])
    assert [p["account_id"] for p in lists["promises_broken"]] == ["S-1"]


def test_every_format_has_the_portfolio_and_the_lists(book):
    span = ("--from", "2026-12-01", "--to", "2026-12-04")
    text = run(book, "report", *span).stdout
    for words in ("Portfolio on 2026-12-04 by days past due", "By risk", "By collector",
                  "Roll and cure rates, 2026-12-01 – 2026-12-04", "TWD 50.00%, USD 100.00%",
                  "Promises due today (2026-12-04)", "Promises broken, due 2026-12-01",
                  "Complaints", "Rule violations by collector"):
        assert words in text, words
    for name in ("王小明", "John Roe"):  # accounts by id, never by the debtor's name
        assert name not in text
    markdown = run(book, "report", *span, "--format", "markdown").stdout
    assert "### By collector" in markdown and "| alice | 2 |" in markdown
    html = run(book, "report", *span, "--format", "html").stdout
    assert '<table class="supervisor"><caption>By risk</caption>' in html
    assert "<td>S-1</td>" in html and "王小明" not in html
    assert run(book, "report", *span, "--format", "csv").stdout.startswith("collector,")
    portfolio = list(csv.DictReader(io.StringIO(run(
        book, "report", *span, "--format", "csv", "--table", "portfolio").stdout)))
    assert {"section": "roll_rates", "key": "M1", "accounts": "4", "currency": "USD",
            "balance": "500.00", "roll_rate": "1.0000", "cure_rate": "0.0000"} in portfolio
    assert {"section": "bucket", "key": "current", "accounts": "1", "currency": "TWD",
            "balance": "4000.00", "roll_rate": "", "cure_rate": ""} in portfolio
    assert {"section": "bucket", "key": "M3", "accounts": "0", "currency": "",
            "balance": "", "roll_rate": "", "cure_rate": ""} in portfolio
    lists = list(csv.DictReader(io.StringIO(run(
        book, "report", *span, "--format", "csv", "--table", "lists").stdout)))
    assert [row["list"] for row in lists] == ["promise_due_today", "promise_broken",
                                              "complaint", "violation"]
    assert lists[0] == {"list": "promise_due_today", "account_id": "U-1",
                        "collector": "alice", "currency": "USD", "amount": "200.00",
                        "due": "2026-12-04", "status": "pending", "at": "", "rule": ""}


def test_table_is_for_csv(book):
    result = book("report", "--table", "portfolio")
    assert result.exit_code == 2 and "--table is for --format csv" in result.stderr


def test_redact_leaves_the_report_as_it_is(book):
    """The report names accounts by id and no debtor: --redact has nothing to mask."""
    args = ("report", "--from", "2026-12-01", "--to", "2026-12-04", "--format", "json")
    assert run(book, *args, "--redact").stdout == run(book, *args).stdout


# -- the team server: a collector's report is of their own accounts -------------------------

def test_a_collectors_portfolio_on_the_team_server_is_theirs(book, engine):
    if engine != "postgresql":
        pytest.skip("roles and row-level security are PostgreSQL's")
    from typer.testing import CliRunner

    from collectctl.cli import app
    from tests.cli.test_team import as_user

    run(book, "team", "add", "bob", "--role", "collector")
    bob = as_user(str(book.db), "bob")
    result = CliRunner().invoke(app, ["--db", bob, "--now", book.now, "report", "--from",
                                      "2026-12-01", "--to", "2026-12-04", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["portfolio"] == report(book, "--from", "2026-12-01", "--to", "2026-12-04",
                                       "-c", "bob")["portfolio"]
    assert [c["collector"] for c in data["portfolio"]["collectors"]] == ["bob"]
    assert {p["account_id"] for p in data["lists"]["promises_broken"]} == {"S-1"}


def test_the_html_views_data_is_the_portfolios_numbers(book):
    from datetime import date, datetime
    from decimal import Decimal

    from collectctl.app.reports import build_report
    from collectctl.config import Settings
    from collectctl.render.report import portfolio_data
    from collectctl.storage import open_store

    store = open_store(book.db)
    try:
        report = build_report(store, Settings(), datetime.fromisoformat(book.now),
                              date(2026, 12, 1), date(2026, 12, 4))
    finally:
        store.close()
    data = portfolio_data(report)
    assert data["as_of"] == date(2026, 12, 4)
    assert data["buckets"][2] == ("M2", 3, {"TWD": Decimal("30000.00"),
                                            "USD": Decimal("500.00")})
    assert data["roll_rates"][0] == ("M1", 4, {"TWD": Decimal("0.5"), "USD": Decimal("1")},
                                     {"TWD": Decimal("0.5"), "USD": Decimal("0")})
    assert data["roll_rates"][-1] == ("M7+", 0, None, None)


def test_the_html_report_charts_the_portfolio_per_currency(book):
    html = run(book, "report", "--from", "2026-12-01", "--to", "2026-12-04", "--format",
               "html").stdout
    charts = html.split("<h2>Portfolio</h2>")[1].split("<h2>")[0]
    captions = [part.split("</figcaption>")[0] for part in charts.split("<figcaption>")[1:]]
    assert captions == ["Open balance by days past due (TWD)",
                        "Open balance by days past due (USD)",
                        "Roll and cure rates by bucket (TWD)",
                        "Roll and cure rates by bucket (USD)"]
    # Each chart's text alternative holds its numbers, in its own currency only.
    assert "34,000.00 TWD open. current 4,000.00 TWD (11.8%); M1 0.00 TWD (0.0%); " \
           "M2 30,000.00 TWD (88.2%)" in charts
    assert "M1: rolled 50.0%, cured 50.0%; M2: rolled 0.0%, cured 0.0%" in charts
    assert "M1: rolled 100.0%, cured 0.0%" in charts
    assert charts.count('role="img"') == 4
