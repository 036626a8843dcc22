"""The bundled example files import cleanly: they are the first thing a new user sees."""

from __future__ import annotations


def test_english_example(cli, example_csv):
    result, summary = cli.json("import", "accounts", example_csv)
    assert result.exit_code == 0, summary["rejected"]
    assert summary["inserted"] == 40 and summary["encoding"] == "utf-8"
    assert len(summary["no_valid_phone"]) == 2
    _, accounts = cli.json("accounts")
    assert {a["assigned_to"] for a in accounts} == {"alice", "bob", "carol", "dave"}
    assert len({a["timezone"] for a in accounts}) >= 4
    assert len({a["currency"] for a in accounts}) >= 4


def test_big5_example_with_chinese_headers_and_roc_dates(cli, example_big5):
    result, summary = cli.json("import", "accounts", example_big5)
    assert result.exit_code == 0, summary["rejected"]
    assert summary["encoding"] == "cp950" and summary["inserted"] == 25
    assert summary["no_valid_phone"] == []
    _, accounts = cli.json("accounts")
    assert all(a["currency"] == "TWD" and a["name"] for a in accounts)
    assert all(a["due_date"] and a["due_date"].startswith("2026-") for a in accounts)


def test_no_progress_bar_when_stderr_is_not_a_terminal(cli, example_csv):
    result = cli("import", "accounts", example_csv)
    assert result.stderr == ""


def test_progress_bar_reports_bytes_when_stderr_is_a_terminal(monkeypatch):
    import io
    import sys

    from collectctl.cli import imports

    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stderr", Tty())
    bar, progress = imports._progress_bar()
    assert bar is not None
    progress(50, 200)
    (task,) = bar.tasks
    assert (task.completed, task.total) == (50, 200)


def test_the_example_payments_and_calls_import_cleanly_into_the_example_accounts(
        cli, example_csv, example_big5):
    """What the demo imports after the accounts: every row taken, no calling rule broken
    (at legal hours in each debtor's zone, on no public holiday, within every cap)."""
    from collectctl.resources import bundled

    for accounts in (example_csv, example_big5):
        assert cli("import", "accounts", accounts).exit_code == 0
    result, payments = cli.json("import", "payments", bundled("examples/payments.csv"))
    assert result.exit_code == 0, payments["rejected"]
    assert (payments["inserted"], payments["rejected"]) == (7, [])
    result, calls = cli.json("import", "calls", bundled("examples/calls.csv"))
    assert result.exit_code == 0, calls["rejected"]
    assert calls["rejected"] == [] and calls["broke_rules"] == []
    assert calls["inserted"] == 16
    outcomes = {o for (o,) in cli.sql("SELECT outcome FROM calls")}
    assert {"no-answer", "rpc", "ptp", "paid", "wrong-number", "callback"} <= outcomes
    # Payments in each account's currency; the promises they keep, and one part paid.
    currencies = {c for (c,) in cli.sql(
        "SELECT DISTINCT a.currency FROM payments p JOIN accounts a USING (account_id)")}
    assert currencies == {"TWD", "USD", "GBP", "AUD"}
    _, promises = cli.json("promises", "--due", "all")
    assert sorted(p["status"] for p in promises) == ["broken"] + ["kept"] * 5
    # Imported again, nothing changes.
    assert cli.json("import", "calls", bundled("examples/calls.csv"))[1]["unchanged"] == 16
    assert cli.json("import", "payments",
                    bundled("examples/payments.csv"))[1]["unchanged"] == 7


def test_the_example_workbook_adds_what_the_csv_lacks(cli, example_csv):
    """examples/accounts.xlsx: a bank's workbook (a merged title row, Chinese headers, a
    notes sheet) with the debt itemised, the background and a contact person of six of the
    CSV's accounts, at the same amounts."""
    from collectctl.resources import bundled

    cli("import", "accounts", example_csv)
    _before, accounts = cli.json("accounts")
    result, summary = cli.json("import", "accounts", bundled("examples/accounts.xlsx"))
    assert result.exit_code == 0, summary["rejected"]
    assert (summary["format"], summary["sheet"]) == ("xlsx", "逾期明細")
    assert (summary["updated"], summary["rejected"], summary["inserted"]) == (6, [], 0)
    _after, again = cli.json("accounts")
    assert [a["amount_due"] for a in again] == [a["amount_due"] for a in accounts]
    _result, shown = cli.json("show", "TW-100002")
    assert shown["arrears"] == {"principal": "390000.00", "interest": "35010.00",
                                "fees": "8000.00"}
    assert shown["minimum_due"] == "43301.00" and shown["credit_limit"] == "450000.00"
    assert shown["last_payment"] == {"date": "2026-09-15", "amount": "15000.00"}
    assert shown["employer"] == "大安醫院"
    # The contact phone was a number cell that lost its leading 0.
    assert shown["contacts"] == [{"name": "李美玲", "relation": "姊",
                                  "phone": "+886912000002", "kind": "reference"}]
    assert shown["assigned_to"] == "bob"  # the workbook has no collector column
    # A contact person's phone is no way to reach the debtor: still needs skip tracing.
    _result, skip = cli.json("skip")
    assert "TW-100006" in [a["account_id"] for a in skip]
