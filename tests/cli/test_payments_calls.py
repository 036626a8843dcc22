"""``pay``, ``import payments``, ``import calls``, ``promises``, ``contact``, ``skip``."""

from __future__ import annotations

import pytest

HEADER = "account_id,name,amount_due,mobile,assigned_to\n"
ROWS = ("A-1,王小明,10000,0912-345-678,alice\n"
        "A-2,林美玲,5000,0922-333-444,alice\n"
        "B-1,陳志豪,8000,0933-111-222,bob\n")


@pytest.fixture
def cli(cli, make_csv, monkeypatch):
    monkeypatch.setenv("COLLECTCTL_COLLECTOR", "alice")
    assert cli("import", "accounts", make_csv("a.csv", HEADER + ROWS)).exit_code == 0
    return cli


def test_pay_records_once_per_reference(cli):
    first = cli("pay", "A-1", "1,500", "--reference", "TX9", "--date", "2026-12-03")
    # The same words as log paid, with the currency and the balance after it; dated
    # before the list, it says why the balance did not move.
    assert first.exit_code == 0 and first.stdout == (
        "A-1: 1,500.00 TWD paid on 2026-12-03; balance now 10,000.00 TWD\n"
        "  not subtracted: dated before the list of 2026-12-04, whose amount counts it\n")
    again = cli("pay", "A-1", "1500", "--reference", "TX9")
    assert again.exit_code == 0 and "already recorded" in again.stdout
    # Dated before the account list was imported: the list's amount already reflects it.
    assert cli.json("show", "A-1")[1]["balance"] == "10000.00"
    cli("pay", "A-1", "500", "--reference", "TX10")
    assert cli.json("show", "A-1")[1]["balance"] == "9500.00"


def test_pay_and_log_paid_confirm_in_the_same_words(cli):
    paid = cli("pay", "A-2", "100").stdout
    logged = cli("log", "A-2", "paid", "--amount", "100").stdout
    assert paid == "A-2: 100.00 TWD paid on 2026-12-04; balance now 4,900.00 TWD\n"
    assert logged == "A-2 (entry 1): 100.00 TWD paid on 2026-12-04; balance now 4,800.00 TWD\n"


def test_log_paid_dated_before_the_list_says_the_balance_pay_would(cli):
    """The list's amount already holds a payment dated before its day: log paid says the
    balance unchanged, as pay does (it used to subtract the payment)."""
    why = "  not subtracted: dated before the list of 2026-12-04, whose amount counts it\n"
    logged = cli("log", "A-2", "paid", "--amount", "100", "--date", "2026-12-01").stdout
    assert logged.endswith("; balance now 5,000.00 TWD\n" + why)
    paid = cli("pay", "A-2", "100", "--date", "2026-12-01").stdout
    assert paid.endswith("; balance now 5,000.00 TWD\n" + why)
    assert cli.json("show", "A-2")[1]["balance"] == "5000.00"


def test_pay_json_and_a_repeated_reference_says_the_balance(cli):
    result, data = cli.json("pay", "A-1", "250", "--reference", "TX1")
    assert result.exit_code == 0 and data == {
        "account_id": "A-1", "amount": "250.00", "paid_on": "2026-12-04", "reference": "TX1",
        "currency": "TWD", "recorded": True, "balance": "9750.00"}
    _, again = cli.json("pay", "A-1", "250", "--reference", "TX1")
    assert again["recorded"] is False and again["balance"] == "9750.00"
    text = cli("pay", "A-1", "250", "--reference", "TX1").stdout
    assert text == ("A-1: payment TX1 was already recorded; nothing changed "
                    "(balance 9,750.00 TWD)\n")


@pytest.mark.parametrize(("args", "message"), [
    (["NOPE", "100"], "no account 'NOPE'"),
    (["A-1", "abc"], "AMOUNT"),
    (["A-1", "10001"], "more than the balance"),
    (["A-1", "100", "--date", "+2"], "in the future"),
])
def test_pay_bad_input(cli, args, message):
    result = cli("pay", *args)
    assert result.exit_code == 2 and message in result.stderr
    assert cli.count("payments") == 0


PAYMENTS = (
    "帳號,入帳日,繳款金額,交易序號\n"
    "A-1,115/12/03,\"5,000\",TX-1\n"
    "A-1,2026-12-04,1000,TX-2\n"
    "NOPE,2026-12-04,100,TX-3\n"
    "A-2,2026-12-04,5000.01,TX-4\n"
    "A-2,2026-12-09,100,TX-5\n"
    "B-1,2026-12-04,,TX-6\n"
)


def test_payment_feed_import_is_idempotent_by_reference(cli, make_csv):
    path = make_csv("feed.csv", PAYMENTS)
    result, summary = cli.json("import", "payments", path)
    assert result.exit_code == 1
    assert (summary["inserted"], summary["unchanged"]) == (2, 0)
    reasons = {r["line"]: r["reason"] for r in summary["rejected"]}
    texts = {r["line"]: r["text"] for r in summary["rejected"]}
    assert reasons == {4: "unknown_account", 5: "over_balance", 6: "in_the_future",
                       7: "empty"}
    assert "more than the balance of 5,000.00 TWD" in texts[5]
    assert texts[7].startswith("繳款金額: ")  # the column as the bank's file heads it
    assert cli.json("show", "A-1")[1]["balance"] == "9000.00"  # TX-1 predates the list
    _, again = cli.json("import", "payments", path)
    assert (again["inserted"], again["unchanged"]) == (0, 2)
    assert cli.count("payments") == 2


def test_payment_feed_dry_run_strict_and_overpay(cli, make_csv):
    path = make_csv("feed.csv", PAYMENTS)
    _, dry = cli.json("import", "payments", path, "--dry-run")
    assert dry["inserted"] == 2 and dry["batch"] is None and cli.count("payments") == 0
    _, strict = cli.json("import", "payments", path, "--strict")
    assert strict["strict_aborted"] and cli.count("payments") == 0
    _, over = cli.json("import", "payments", path, "--allow-overpay")
    assert over["inserted"] == 3


def test_payment_feed_missing_column(cli, make_csv):
    result = cli("import", "payments", make_csv("f.csv", "account,amount\nA-1,5\n"))
    assert result.exit_code == 2 and "no column for payment date" in result.stderr


CALLS = (
    "account,time,result,amount,date,phone,note,agent\n"
    "A-1,2026-12-04 08:15,na,,,,,bob\n"
    "A-1,2026-12-04 08:20,承諾,3000,2026-12-10,,will pay,bob\n"
    "A-2,115/12/04 08:30,wn,,,0922333444,,\n"
    "A-2,2026-12-04 08:35,maybe,,,,,\n"
    "B-1,2026-12-04 08:40,ptp,100,,,,\n"
    "B-1,2026-12-04 08:45,paid,800,2026-12-04,,,\n"
    "NOPE,2026-12-04 08:50,na,,,,,\n"
    "B-1,yesterday,na,,,,,\n"
)


def test_dialer_import_applies_each_outcome_like_log(cli, make_csv):
    path = make_csv("dialer.csv", CALLS)
    result, summary = cli.json("import", "calls", path)
    assert result.exit_code == 1
    assert summary["inserted"] == 4
    rejected = {r["line"]: r for r in summary["rejected"]}
    assert {n: r["reason"] for n, r in rejected.items()} == {
        5: "unknown_outcome", 6: "needs_date", 8: "unknown_account", 9: "no_time_of_day"}
    # The log's rule, said of the file's columns, not of log's options.
    assert rejected[6]["text"] == "date: ptp needs a date"
    assert rejected[9]["text"] == "time: no time of day"
    assert "--" not in "".join(r["text"] for r in rejected.values())
    a1 = cli.json("show", "A-1")[1]
    assert [(c["outcome"], c["collector"], c["called_at"]) for c in a1["calls"]] == [
        ("no-answer", "bob", "2026-12-04T00:15:00+00:00"),
        ("ptp", "bob", "2026-12-04T00:20:00+00:00")]
    assert a1["promises"][0]["amount"] == "3000.00"
    a2 = cli.json("show", "A-2")[1]
    assert a2["calls"][0]["collector"] == "alice"
    assert a2["phones"][0]["valid"] is False
    assert cli.json("show", "B-1")[1]["balance"] == "7200.00"
    _, again = cli.json("import", "calls", path)
    assert (again["inserted"], again["unchanged"]) == (0, 4)
    assert cli.count("calls") == 4


def test_dialer_import_is_one_transaction(cli, make_csv):
    _, summary = cli.json("import", "calls", make_csv("d.csv", CALLS), "--strict")
    assert summary["strict_aborted"]
    assert cli.count("calls") == cli.count("promises") == cli.count("payments") == 0


def test_promises_filters(cli):
    cli("log", "A-1", "ptp", "-a", "1000", "-d", "2026-12-04")
    cli("log", "A-2", "ptp", "-a", "500", "-d", "2026-12-08")
    cli("pay", "A-2", "500")
    _, everything = cli.json("promises")
    assert [(p["account_id"], p["status"]) for p in everything] == [
        ("A-1", "pending"), ("A-2", "kept")]
    assert [p["account_id"] for p in cli.json("promises", "--due", "today")[1]] == ["A-1"]
    assert [p["account_id"] for p in cli.json("promises", "--status", "kept")[1]] == ["A-2"]
    cli.now = "2026-12-07T09:00:00+08:00"
    _, overdue = cli.json("promises", "--due", "overdue")
    assert [(p["account_id"], p["status"]) for p in overdue] == [("A-1", "broken")]
    assert cli.json("promises", "--collector", "bob")[1] == []
    assert "A-1" in cli("promises").stdout


def test_contact_add_dedups_spellings_and_can_mark_invalid(cli):
    added = cli("contact", "add", "A-1", "0919 000 002", "--label", "relative")
    assert added.exit_code == 0 and "+886919000002 added" in added.stdout
    again = cli("contact", "add", "A-1", "+886919000002")
    assert "already on file" in again.stdout
    _, phones = cli.json("contact", "list", "A-1")
    assert [p["number"] for p in phones] == ["+886912345678", "+886919000002"]
    marked = cli("contact", "invalid", "A-1", "0919-000-002")
    assert "marked invalid" in marked.stdout
    assert cli.json("contact", "list", "A-1")[1][1]["valid"] is False


@pytest.mark.parametrize(("args", "message"), [
    (["add", "A-1", "12"], "not a valid phone number"),
    (["add", "A-1", "0919000002", "--label", "boss"], "--label 'boss'"),
    (["add", "NOPE", "0919000002"], "no account 'NOPE'"),
    (["invalid", "A-1", "0919000002"], "is not one of A-1's phones"),
])
def test_contact_bad_input(cli, args, message):
    result = cli("contact", *args)
    assert result.exit_code == 2 and message in result.stderr


def test_skip_list_returns_when_a_number_is_found(cli):
    cli("log", "A-1", "wn")
    assert [a["account_id"] for a in cli.json("skip")[1]] == ["A-1"]
    # A third party's number (the default label) is no way to reach the debtor.
    cli("contact", "add", "A-1", "0919 000 002")
    assert [a["account_id"] for a in cli.json("skip")[1]] == ["A-1"]
    cli("contact", "add", "A-1", "0919 000 003", "--label", "mobile")
    assert cli.json("skip")[1] == []
    assert "No account needs skip tracing." in cli("skip").stdout
