"""``collectctl accounts`` and ``collectctl show``."""

from __future__ import annotations

import csv
import io

import pytest

HEADER = "account_id,name,amount_due,days_past_due,mobile,assigned_to,notes\n"
ROWS = (
    "A-1,Alice Debtor,500,10,0912-345-678,alice,\n"
    "A-2,=HYPERLINK(\"http://x\"),1500,40,0922-333-444,alice,+1 call me\n"
    "B-1,Bob Debtor,9000,,0933-111-222,bob,@home\n"
)


@pytest.fixture
def loaded(cli, make_csv):
    result = cli("import", "accounts", make_csv("a.csv", HEADER + ROWS))
    assert result.exit_code == 0, result.output
    return cli


def test_list_is_ordered_and_filtered(loaded):
    _, everyone = loaded.json("accounts")
    assert [a["account_id"] for a in everyone] == ["A-1", "A-2", "B-1"]
    _, alice = loaded.json("accounts", "--collector", "alice")
    assert [a["account_id"] for a in alice] == ["A-1", "A-2"]
    _, big = loaded.json("accounts", "--min-amount", "1,000")
    assert [a["account_id"] for a in big] == ["A-2", "B-1"]
    _, closed = loaded.json("accounts", "--status", "closed")
    assert closed == []


def test_json_accounts_are_the_show_objects_without_the_log(loaded):
    _, listed = loaded.json("accounts", "--collector", "bob")
    _, shown = loaded.json("show", "B-1")
    for key in ("hold", "calls", "promises", "payments", "avoid", "no_workplace",
                "assignments"):
        shown.pop(key)
    assert listed == [shown]


def test_show_json_has_the_documented_keys(loaded):
    _, account = loaded.json("show", "A-1")
    for key in ("account_id", "name", "amount_due", "currency", "days_past_due", "due_date",
                "phones", "work_start", "paydays", "timezone", "assigned_to", "risk", "status",
                "notes"):
        assert key in account
    assert account["amount_due"] == "500.00"
    assert account["due_date"] == "2026-11-24"
    assert set(account["phones"][0]) >= {"number", "label", "valid"}


def test_csv_escapes_formula_cells(loaded):
    result = loaded("accounts", "--format", "csv")
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][:3] == ["account_id", "name", "balance"]
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["A-2"][1] == "'=HYPERLINK(\"http://x\")"
    assert by_id["A-2"][-1] == "'+1 call me"
    assert by_id["B-1"][-1] == "'@home"
    assert by_id["A-1"][6] == "'+886912345678"


def test_table_shows_the_portfolio(loaded):
    out = loaded("accounts", "--collector", "alice").stdout
    assert "A-1" in out and "Alice Debtor" in out and "500.00 TWD" in out
    assert "2 accounts, 2,000.00 TWD" in out


def test_the_listing_shows_balances_not_the_lists_amounts(loaded):
    """A payment since the list lowers what the table, its footer, JSON and CSV say is
    owed; JSON keeps the list's amount in amount_due."""
    assert loaded("pay", "A-2", "400").exit_code == 0
    assert loaded("log", "A-1", "paid", "-a", "100", "--collector", "alice").exit_code == 0
    out = loaded("accounts", "--collector", "alice").stdout.splitlines()
    assert out[0].split()[:3] == ["Account", "Debtor", "Balance"]
    assert "400.00 TWD" in out[1] and "1,100.00 TWD" in out[2]
    assert out[-1] == "2 accounts, 1,500.00 TWD"
    _, listed = loaded.json("accounts")
    assert [(a["amount_due"], a["balance"]) for a in listed] == [
        ("500.00", "400.00"), ("1500.00", "1100.00"), ("9000.00", "9000.00")]
    rows = list(csv.reader(io.StringIO(loaded("accounts", "--format", "csv").stdout)))
    assert [r[2] for r in rows[1:]] == ["400.00", "1100.00", "9000.00"]


def test_a_payment_dated_before_the_list_is_already_in_its_amount(loaded):
    assert loaded("pay", "B-1", "1000", "--date", "2026-11-01").exit_code == 0
    _, (b1,) = loaded.json("accounts", "--collector", "bob")
    assert b1["amount_due"] == b1["balance"] == "9000.00"


def test_min_amount_is_what_is_owed_today(loaded):
    assert loaded("pay", "A-2", "600").exit_code == 0
    _, big = loaded.json("accounts", "--min-amount", "1,000")
    assert [a["account_id"] for a in big] == ["B-1"]
    _, some = loaded.json("accounts", "--min-amount", "900")
    assert [a["account_id"] for a in some] == ["A-2", "B-1"]


def test_the_skip_list_shows_balances_too(cli, make_csv):
    header = "account_id,name,amount_due,mobile,assigned_to\n"
    assert cli("import", "accounts", make_csv("s.csv", header + "S-1,S,700,,alice\n")
               ).exit_code in (0, 1)
    assert cli("pay", "S-1", "200").exit_code == 0
    out = cli("skip").stdout
    assert "Balance" in out and "500.00 TWD" in out and "700.00" not in out
    _, (s1,) = cli.json("skip")
    assert s1["amount_due"] == "700.00" and s1["balance"] == "500.00"


def test_balances_are_read_in_bulk_not_per_account(loaded, monkeypatch):
    from collectctl.storage.base import SQLStore

    def one_by_one(*_args):
        raise AssertionError("payments read one account at a time")

    monkeypatch.setattr(SQLStore, "payments_of", one_by_one)
    for fmt in ("table", "json", "csv"):
        assert loaded("accounts", "--format", fmt).exit_code == 0


def test_show_text_is_a_dossier(loaded):
    out = loaded("show", "A-1").stdout
    assert "Account A-1" in out and "0912 345 678" in out and "500.00 TWD" in out


def test_empty_list_says_so(cli):
    assert "No accounts match." in cli("accounts").stdout


@pytest.mark.parametrize(("args", "message"), [
    (["show", "NOPE"], "no account 'NOPE'"),
    (["accounts", "--min-amount", "lots"], "--min-amount"),
])
def test_bad_input_exits_2_with_one_line(loaded, args, message):
    result = loaded(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_whole_table_output(loaded):
    assert loaded("accounts", "--collector", "alice").stdout == (
        "Account  Debtor                       Balance  DPD  Phone         Collector  Status\n"
        "A-1      Alice Debtor              500.00 TWD   10  0912 345 678  alice      open\n"
        "A-2      =HYPERLINK(\"http://x\")  1,500.00 TWD   40  0922 333 444  alice      open\n"
        "2 accounts, 2,000.00 TWD\n"
    )


def test_whole_dossier_output(loaded):
    assert loaded("show", "A-1").stdout == (
        "Account A-1\n"
        "Debtor         Alice Debtor\n"
        "Amount due     500.00 TWD\n"
        "Days past due  10\n"
        "Due date       2026-11-24\n"
        "Work starts    -\n"
        "Paydays        -\n"
        "Time zone      Asia/Taipei (from its phones)\n"
        "Collector      alice\n"
        "Risk           -\n"
        "Status         open\n"
        "Notes          -\n"
        "Phones\n"
        "  0912 345 678  (mobile)\n"
    )


def test_a_reader_that_stops_early_is_not_an_error(cli, example_csv):
    """``collectctl accounts | head -1``: the closed pipe ends the command quietly."""
    import subprocess
    import sys

    assert cli("import", "accounts", example_csv).exit_code == 0
    proc = subprocess.Popen([sys.executable, "-m", "collectctl", "--db", str(cli.db),
                             "accounts"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait() == 0
    assert b"error" not in err and b"Traceback" not in err
