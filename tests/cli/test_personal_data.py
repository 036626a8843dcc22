"""No error message prints a debtor's name or phone number: the user did not ask for that
record. Every failing command below touches an account whose name and numbers are
distinctive, and its stderr (and, for imports, every rejection reason) is searched for them."""

from __future__ import annotations

import json

import pytest

import collectctl.app.calls as logbook

NAME, MOBILE, E164, HOME = "秘密人", "0912-777-888", "+886912777888", "(02) 2999-1234"
SECRETS = (NAME, MOBILE, E164, "912777888", "29991234", "Secret Person")
CSV = ("account_id,name,amount_due,mobile,home_phone,assigned_to\n"
       f"S-1,{NAME},50000,{MOBILE},{HOME},alice\n"
       "S-2,Secret Person,30000,0912-777-889,,alice\n")


@pytest.fixture
def loaded(cli, make_csv):
    assert cli("import", "accounts", make_csv("a.csv", CSV)).exit_code == 0
    return cli


def _clean(text: str) -> None:
    # Numbers on screens are written as dialled (0912 777 888): read without spaces too.
    bare = "".join(text.split())
    for secret in SECRETS:
        assert secret not in text and secret not in bare, f"{secret!r} leaked: {text!r}"


ME = ["--collector", "alice"]
FAILING = [
    ["log", "S-9", "na", *ME],
    ["log", "S-1", "bogus", *ME],
    ["log", "S-1", "ptp", "--amount", "abc", "--date", "+3", *ME],
    ["log", "S-1", "ptp", "--amount", "100", "--date", "yesterday-ish", *ME],
    ["log", "S-1", "ptp", "--amount", "100", "--date", "2026-11-01", *ME],
    ["log", "S-1", "paid", "--amount", "9999999", *ME],
    ["log", "S-1", "cb", "--at", "25:99", *ME],
    ["pay", "S-1", "--", "-5"],
    ["pay", "S-1", "99999999", "--date", "2026-12-01"],
    ["undo", "999", *ME],
    ["account", "S-1", "--resume", *ME],
    ["account", "S-9", "--avoid", "12:00-13:00", *ME],
    ["account", "S-1", "--avoid", "25:00-26:00", *ME],
    ["account", "S-1", "--avoid", "12:00-13:00", "--days", "someday", *ME],
    ["account", "S-9"],
    ["plan", "--explain", "S-9"],
    ["plan", "--why-not", "S-9"],
    ["plan", "--date", "13/13/13"],
    ["report", "--date", "not-a-date"],
    ["show", "S-9"],
]


@pytest.mark.parametrize("args", FAILING, ids=lambda a: " ".join(a)[:30])
def test_a_failing_command_names_no_debtor(loaded, args):
    result = loaded(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("collectctl: error:"), result.stderr  # not a usage slip
    _clean(result.stderr)


def test_rejection_reasons_name_the_column_not_the_debtor(loaded, make_csv):
    bad = make_csv("bad.csv", CSV.replace("50000", "fifty").replace("30000", "-3"))
    result, summary = loaded.json("import", "accounts", str(bad))
    assert result.exit_code == 1 and len(summary["rejected"]) == 2
    _clean(json.dumps([r["reason"] for r in summary["rejected"]], ensure_ascii=False))
    _clean(result.stderr)


def test_an_internal_error_names_only_its_kind(loaded, monkeypatch):
    def boom(*_args, **_kwargs):
        raise ValueError(f"cannot handle {NAME} at {E164}")

    monkeypatch.setattr(logbook, "log_call", boom)
    result = loaded("log", "S-1", "na", *ME)
    assert result.exit_code == 70
    _clean(result.stderr)
    assert "ValueError" in result.stderr and "Traceback" not in result.stderr


def test_a_database_error_shows_its_first_line_only(loaded, monkeypatch):
    import sqlite3

    def boom(*_args, **_kwargs):
        raise sqlite3.OperationalError(f"disk I/O error\nwhile writing {NAME} {E164}")

    monkeypatch.setattr(logbook, "log_call", boom)
    result = loaded("log", "S-1", "na", *ME)
    assert result.exit_code == 2 and "disk I/O error" in result.stderr
    _clean(result.stderr)


def test_asking_for_the_record_shows_it(loaded):
    """The other side: ``show`` is the user asking, so the name and numbers are there."""
    result = loaded("show", "S-1")
    assert NAME in result.stdout and "0912 777 888" in result.stdout
