"""``import accounts --close-missing`` never closes the portfolio by accident: a file with
no data rows is refused, and closing more than half of the open accounts in its scope
needs ``--yes`` (issue 20)."""

from __future__ import annotations

import pytest

from collectctl.core.closing import close_missing_refusal
from collectctl.core.reasons import Reason

HEADER = "account_id,name,amount_due,mobile,assigned_to\n"


def rows(ids, collector="alice"):
    return "".join(f"{i},Debtor {i},{1000 + n},0912{n:06d},{collector}\n"
                   for n, i in enumerate(ids))


#: Six of alice's accounts and four of bob's: ten open.
ALICE = [f"A-{n}" for n in range(1, 7)]
BOB = [f"B-{n}" for n in range(1, 5)]


@pytest.fixture
def cli(cli, make_csv):
    first = make_csv("first.csv", HEADER + rows(ALICE) + rows(BOB, "bob"))
    assert cli("import", "accounts", first).exit_code == 0
    return cli


def state(cli):
    """Each account's status, and the batches recorded: what a refusal must leave alone."""
    return (dict(cli.sql("SELECT account_id, status FROM accounts")),
            cli.count("import_batches"), cli.count("account_history"))


def open_ids(cli):
    return sorted(i for (i,) in cli.sql("SELECT account_id FROM accounts "
                                        "WHERE status = 'open'"))


@pytest.mark.parametrize("text", [HEADER, HEADER + "\n\n  \n", HEADER.rstrip("\n")])
def test_a_file_with_no_data_rows_is_refused(cli, make_csv, text):
    before = state(cli)
    path = make_csv("empty.csv", text)
    result = cli("import", "accounts", path, "--close-missing")
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr == (
        "collectctl: error: empty.csv: no data rows under the header; --close-missing would "
        "close every open account, so nothing was imported\n")
    assert state(cli) == before and len(open_ids(cli)) == 10
    # --yes and --dry-run change nothing about it; --format json prints no document.
    for extra in (["--yes"], ["--dry-run"], ["--format", "json"]):
        again = cli("import", "accounts", path, "--close-missing", *extra)
        assert again.exit_code == 2 and again.stdout == "" and "no data rows" in again.stderr
    assert state(cli) == before


def test_a_file_with_no_data_rows_names_the_collector_with_assign_to(cli, make_csv):
    result = cli("import", "accounts", make_csv("empty.csv", HEADER), "--close-missing",
                 "--assign-to", "bob")
    assert result.exit_code == 2
    assert "would close every open account of bob, so nothing was imported" in result.stderr


def test_without_close_missing_a_header_only_file_imports_nothing_as_before(cli, make_csv):
    result = cli("import", "accounts", make_csv("empty.csv", HEADER))
    assert result.exit_code == 0
    assert "0 inserted, 0 updated, 0 unchanged, 0 rejected" in result.stdout
    assert len(open_ids(cli)) == 10


def test_closing_more_than_half_needs_yes(cli, make_csv):
    before = state(cli)
    path = make_csv("short.csv", HEADER + rows(ALICE[:4]))  # six of ten left out
    result = cli("import", "accounts", path, "--close-missing")
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr == (
        "collectctl: error: short.csv: --close-missing would close 6 of 10 open accounts; "
        "run again with --yes to close them (nothing was imported)\n")
    assert state(cli) == before
    json_run = cli("import", "accounts", path, "--close-missing", "--format", "json")
    assert json_run.exit_code == 2 and json_run.stdout == ""
    assert "would close 6 of 10 open accounts" in json_run.stderr
    assert state(cli) == before

    result, summary = cli.json("import", "accounts", path, "--close-missing", "--yes")
    assert result.exit_code == 0
    assert summary["closed"] == 6 and summary["open_in_scope"] == 10
    assert summary["needs_yes"] is False
    assert open_ids(cli) == ALICE[:4]


def test_short_flag_y(cli, make_csv):
    path = make_csv("short.csv", HEADER + rows(ALICE[:1]))
    assert cli("import", "accounts", path, "--close-missing", "-y").exit_code == 0
    assert open_ids(cli) == ALICE[:1]


def test_exactly_half_closes_without_yes(cli, make_csv):
    path = make_csv("half.csv", HEADER + rows(ALICE[:5]))  # five of ten left out
    result, summary = cli.json("import", "accounts", path, "--close-missing")
    assert result.exit_code == 0
    assert (summary["closed"], summary["open_in_scope"], summary["needs_yes"]) == (5, 10, False)
    assert open_ids(cli) == ALICE[:5]


def test_the_scope_of_assign_to_counts_only_that_collectors_accounts(cli, make_csv):
    # Bob's list keeps one of his four: three of bob's four is more than half (of all ten
    # it would not be), and alice's six are out of scope.
    path = make_csv("bob.csv", HEADER + rows(BOB[:1], "bob"))
    before = state(cli)
    result = cli("import", "accounts", path, "--close-missing", "--assign-to", "bob")
    assert result.exit_code == 2
    assert ("--close-missing would close 3 of bob's 4 open accounts; run again with --yes"
            in result.stderr)
    assert state(cli) == before
    # Two of his four kept: exactly half, closed without --yes; alice's untouched.
    path = make_csv("bob2.csv", HEADER + rows(BOB[:2], "bob"))
    result, summary = cli.json("import", "accounts", path, "--close-missing",
                               "--assign-to", "bob")
    assert (summary["closed"], summary["open_in_scope"]) == (2, 4)
    assert open_ids(cli) == sorted(ALICE + BOB[:2])


def test_new_accounts_in_the_file_do_not_dilute_the_count(cli, make_csv):
    """The open accounts counted are those open before the import: a list of ten other
    accounts would close all ten (10 of 10), not 10 of the 20 open after it."""
    path = make_csv("other.csv", HEADER + rows([f"N-{n}" for n in range(10)]))
    before = state(cli)
    result = cli("import", "accounts", path, "--close-missing")
    assert result.exit_code == 2 and "would close 10 of 10 open accounts" in result.stderr
    assert state(cli) == before and cli.count("accounts") == 10


def test_dry_run_reports_what_a_real_run_would_need(cli, make_csv):
    path = make_csv("short.csv", HEADER + rows(ALICE[:4]))
    before = state(cli)
    result = cli("import", "accounts", path, "--close-missing", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "short.csv (utf-8): 0 inserted, 0 updated, 4 unchanged, 0 rejected",
        "6 accounts closed (not in the file).",
        "A real run would close 6 of the 10 open accounts: it needs --yes.",
        "Dry run: nothing was written.",
    ]
    result, summary = cli.json("import", "accounts", path, "--close-missing", "--dry-run")
    assert (summary["closed"], summary["open_in_scope"], summary["needs_yes"]) == (6, 10, True)
    assert summary["batch"] is None
    assert state(cli) == before
    # With --yes the dry run needs nothing more.
    result, summary = cli.json("import", "accounts", path, "--close-missing", "--dry-run",
                               "--yes")
    assert summary["needs_yes"] is False
    assert "needs --yes" not in cli("import", "accounts", path, "--close-missing",
                                    "--dry-run", "--yes").stdout


def test_without_close_missing_the_summary_has_no_scope(cli, make_csv):
    _, summary = cli.json("import", "accounts", make_csv("short.csv", HEADER + rows(ALICE)))
    assert summary["open_in_scope"] is None and summary["needs_yes"] is False


def test_the_refusal_in_traditional_chinese(cli, make_csv):
    path = make_csv("short.csv", HEADER + rows(ALICE[:4]))
    result = cli("--lang", "zh_TW", "import", "accounts", path, "--close-missing")
    assert result.exit_code == 2
    assert "--yes" in result.stderr and "6" in result.stderr and "10" in result.stderr
    assert "would close" not in result.stderr
    empty = cli("--lang", "zh_TW", "import", "accounts", make_csv("e.csv", HEADER),
                "--close-missing")
    assert empty.exit_code == 2 and "no data rows" not in empty.stderr


@pytest.mark.parametrize(("rows_", "closing", "open_", "yes", "code"), [
    (0, 0, 10, False, "no_data_rows"),
    (0, 0, 10, True, "no_data_rows"),
    (0, 0, 0, False, "no_data_rows"),
    (3, 6, 10, False, "close_needs_yes"),
    (3, 6, 10, True, None),
    (3, 5, 10, False, None),       # exactly half
    (1, 1, 1, False, "close_needs_yes"),
    (1, 0, 0, False, None),
    (1, 3, 5, False, "close_needs_yes"),
    (1, 2, 5, False, None),
])
def test_the_rule(rows_, closing, open_, yes, code):
    refusal = close_missing_refusal(rows_, closing, open_, yes, "bob")
    assert (refusal.code if refusal else None) == code
    if code == "close_needs_yes":
        assert refusal == Reason(code, closing=closing, open=open_, collector="bob")


def test_a_file_whose_every_row_is_rejected_is_refused_even_with_yes(cli, make_csv):
    """A broken export (every amount unreadable) under a cron job that always passes -y."""
    before = state(cli)
    path = make_csv("broken.csv", HEADER + "A-1,Debtor,n/a,0912000001,alice\n"
                                          "A-2,Debtor,n/a,0912000002,alice\n")
    for extra in ([], ["--yes"], ["--dry-run"]):
        result = cli("import", "accounts", path, "--close-missing", *extra)
        assert result.exit_code == 2, result.output
        assert "every row was rejected" in result.stderr
    assert state(cli) == before and len(open_ids(cli)) == 10


def test_the_rule_with_no_row_accepted():
    assert close_missing_refusal(2, 8, 10, True, None, accepted=0) == Reason(
        "no_rows_accepted", collector=None)
    assert close_missing_refusal(2, 8, 10, True, None, accepted=1) is None
