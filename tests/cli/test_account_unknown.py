"""``account ID --avoid/--no-workplace/--avoid-clear/--resume`` with nobody configured as
the collector: an unknown account is said as such (exit 2) before "who is calling?"; a
known one still asks who."""

from __future__ import annotations

import pytest

HEADER = "account_id,name,amount_due,mobile,assigned_to\n"


@pytest.fixture
def cli(cli, make_csv, monkeypatch):
    monkeypatch.delenv("COLLECTCTL_COLLECTOR", raising=False)
    cli.now = "2026-12-04T08:00:00+08:00"
    rows = HEADER + "TW1,王小明,90000,0912000001,alice\n"
    assert cli("import", "accounts", make_csv("a.csv", rows)).exit_code == 0
    return cli


@pytest.mark.parametrize("args", [["--avoid", "12-13"], ["--no-workplace"], ["--avoid-clear"],
                                  ["--avoid", "21:00-08:00", "--days", "mon-fri"],
                                  ["--resume"]])
def test_an_unknown_account_is_said_before_who_is_asked(cli, args):
    result = cli("account", "ZZ9", *args)
    assert result.exit_code == 2
    assert result.stderr == "collectctl: error: no account 'ZZ9'\n"
    assert cli.count("debtor_requests") == 0 and cli.count("calls") == 0


def test_a_known_account_still_needs_a_collector(cli):
    result = cli("account", "TW1", "--avoid", "12-13")
    assert result.exit_code == 2 and "who is calling?" in result.stderr
    assert cli.count("debtor_requests") == 0
    assert cli("account", "TW1", "--avoid", "12-13", "-c", "alice").exit_code == 0
    assert cli.count("debtor_requests") == 1


def test_a_bad_window_is_still_said_first(cli):
    result = cli("account", "ZZ9", "--avoid", "25:00-26:00")
    assert result.exit_code == 2 and result.stderr.startswith("collectctl: error: --avoid: ")
