"""A promise is of no more than the account's balance unless ``--allow-overpay``: ``log``,
``import calls`` (that row rejected) and work mode (asked again)."""

from __future__ import annotations

import pytest

HEADER = "account_id,name,amount_due,mobile,assigned_to\n"
ROWS = ("A-1,王小明,10000,0912-345-678,alice\n"
        "A-2,林美玲,5000,0922-333-444,alice\n")


@pytest.fixture
def cli(cli, make_csv, monkeypatch):
    monkeypatch.setenv("COLLECTCTL_COLLECTOR", "alice")
    assert cli("import", "accounts", make_csv("a.csv", HEADER + ROWS)).exit_code == 0
    return cli


def promised(cli) -> list[tuple[str, int]]:
    return cli.sql("SELECT account_id, amount_minor FROM promises ORDER BY id")


def test_a_promise_above_the_balance_is_refused(cli):
    result = cli("log", "A-1", "ptp", "-a", "10000.01", "-d", "+3")
    assert result.exit_code == 2, result.output
    assert result.stderr == ("collectctl: error: --amount: a promise of 10,000.01 TWD is more "
                             "than the balance of 10,000.00 TWD (--allow-overpay to accept)\n")
    assert "王小明" not in result.output and "0912" not in result.output
    assert cli.count("calls") == cli.count("promises") == 0


def test_the_cap_is_the_balance_after_payments(cli):
    assert cli("pay", "A-1", "4000").exit_code == 0
    refused = cli("log", "A-1", "ptp", "-a", "6001", "-d", "+3")
    assert refused.exit_code == 2 and "the balance of 6,000.00 TWD" in refused.stderr
    assert cli("log", "A-1", "ptp", "-a", "6000", "-d", "+3").exit_code == 0  # all of it
    assert promised(cli) == [("A-1", 600000)]


def test_allow_overpay_accepts_a_larger_promise(cli):
    result = cli("log", "A-1", "ptp", "-a", "12000", "-d", "+3", "--allow-overpay")
    assert result.exit_code == 0, result.output
    assert promised(cli) == [("A-1", 1200000)]


def test_in_chinese(cli):
    result = cli("--lang", "zh_TW", "log", "A-2", "ptp", "-a", "9000", "-d", "+3")
    assert result.exit_code == 2
    assert result.stderr == ("collectctl：錯誤：--amount：承諾金額 NT$9,000 超過餘額 "
                             "NT$5,000（如要接受，請加上 --allow-overpay）\n")


CALLS = ("account,time,result,amount,date\n"
         "A-1,2026-12-04 08:15,ptp,3000,2026-12-10\n"
         "A-2,2026-12-04 08:20,ptp,5000.01,2026-12-10\n"
         "A-2,2026-12-04 08:25,paid,1000,2026-12-04\n"
         "A-2,2026-12-04 08:30,ptp,4500,2026-12-10\n")


def test_an_imported_promise_above_the_balance_rejects_its_row(cli, make_csv):
    path = make_csv("dialer.csv", CALLS)
    result, summary = cli.json("import", "calls", path)
    assert result.exit_code == 1
    assert summary["inserted"] == 2
    rejected = {r["line"]: (r["reason"], r["text"]) for r in summary["rejected"]}
    assert rejected == {
        3: ("promise_over_balance", "amount: a promise of 5,000.01 TWD is more than the "
                                    "balance of 5,000.00 TWD (--allow-overpay to accept)"),
        5: ("promise_over_balance", "amount: a promise of 4,500.00 TWD is more than the "
                                    "balance of 4,000.00 TWD (--allow-overpay to accept)")}
    assert promised(cli) == [("A-1", 300000)]


def test_an_imported_promise_is_accepted_with_allow_overpay(cli, make_csv):
    _, summary = cli.json("import", "calls", make_csv("d.csv", CALLS), "--allow-overpay")
    assert summary["inserted"] == 4 and not summary["rejected"]
    assert promised(cli) == [("A-1", 300000), ("A-2", 500001), ("A-2", 450000)]


def test_work_mode_asks_again_for_a_promise_above_the_balance(cli):
    cli.now = "2026-12-04T09:00:00+08:00"
    # A-1 first (the larger balance): promise 20,000, refused, then 8,000 on the 10th.
    result = cli("work", input="5\n20000\n8000\n2026-12-10\nq\n")
    assert result.exit_code == 0, result.output
    assert ("a promise of 20,000.00 TWD is more than the balance of 10,000.00 TWD "
            "(--allow-overpay to accept); try again") in result.stdout
    assert promised(cli) == [("A-1", 800000)]


def test_work_mode_asks_again_for_a_payment_above_the_balance(cli):
    cli.now = "2026-12-04T09:00:00+08:00"
    result = cli("work", input="6\n10001\n10000\n\nq\n")
    assert result.exit_code == 0, result.output
    assert "payment of 10,001.00 TWD is more than the balance" in result.stdout
    assert cli.sql("SELECT amount_minor FROM payments") == [(1000000,)]


def test_work_mode_allow_overpay(cli):
    cli.now = "2026-12-04T09:00:00+08:00"
    result = cli("work", "--allow-overpay", input="5\n20000\n2026-12-10\nq\n")
    assert result.exit_code == 0, result.output
    assert "try again" not in result.stdout
    assert promised(cli) == [("A-1", 2000000)]
