"""``audit`` and the debtor's own requests (``account ID --avoid``, ``--no-workplace``): a
call inside a window, or to a workplace number, the debtor asked for *before* the call
broke it; a request made after the call did not, nor one cleared before it. The narrowed
audit and breaches() on every call agree."""

from __future__ import annotations

import json
from datetime import date

import pytest

HEADER = "account_id,name,amount_due,mobile,work_phone,assigned_to\n"
ROWS = ("TW-1,Debtor TW1,1000,0912-345-678,(02) 2700-1234,alice\n"
        "TW-2,Debtor TW2,1000,0955-123-456,,alice\n"
        "TW-3,Debtor TW3,1000,0933-111-222,,bob\n")


@pytest.fixture
def book(cli, make_csv):
    cli.now = "2026-11-20T09:00:00+08:00"
    assert cli("import", "accounts", make_csv("a.csv", HEADER + ROWS)).exit_code == 0
    return cli


def run(cli, when: str, *args: str):
    cli.now = when
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return result


def audit(cli, *args: str) -> list[tuple[str, str, str]]:
    cli.now = "2026-12-05T09:00:00+08:00"
    result = cli("audit", "--from", "2026-11-30", "--to", "2026-12-04", *args,
                 "--format", "json")
    assert result.exit_code == 0, result.output
    return [(v["account_id"], v["called_at"], v["rule"])
            for v in json.loads(result.stdout)["violations"]]


def test_a_call_in_a_window_asked_for_before_it_is_a_breach_and_after_it_is_not(book):
    # TW-1 asks on Mon 30 Nov not to be called 12:00-14:00; called in it on Tue and Wed.
    run(book, "2026-11-30T10:00:00+08:00", "account", "TW-1", "--avoid", "12:00-14:00",
        "-c", "alice")
    run(book, "2026-12-01T12:30:00+08:00", "log", "TW-1", "na", "-c", "alice")
    run(book, "2026-12-02T13:00:00+08:00", "log", "TW-1", "na", "-c", "alice")
    # TW-2 is called at 12:30 on Tue, and asks for the same window only on Wed: Tue's
    # call broke nothing; Thursday's, after the request, did.
    run(book, "2026-12-01T12:30:00+08:00", "log", "TW-2", "na", "-c", "alice")
    run(book, "2026-12-02T09:00:00+08:00", "account", "TW-2", "--avoid", "12:00-14:00",
        "-c", "alice")
    run(book, "2026-12-03T12:30:00+08:00", "log", "TW-2", "na", "-c", "alice")
    assert audit(book) == [
        ("TW-1", "2026-12-01T12:30:00+08:00", "debtor_avoid"),
        ("TW-1", "2026-12-02T13:00:00+08:00", "debtor_avoid"),
        ("TW-2", "2026-12-03T12:30:00+08:00", "debtor_avoid")]
    assert audit(book, "--collector", "alice") == audit(book)
    assert audit(book, "--collector", "bob") == []


def test_a_request_cleared_before_a_call_no_longer_bars_it(book):
    run(book, "2026-11-30T10:00:00+08:00", "account", "TW-1", "--avoid", "12:00-14:00",
        "-c", "alice")
    run(book, "2026-12-01T12:30:00+08:00", "log", "TW-1", "na", "-c", "alice")
    run(book, "2026-12-01T18:00:00+08:00", "account", "TW-1", "--avoid-clear", "-c", "alice")
    run(book, "2026-12-02T12:30:00+08:00", "log", "TW-1", "na", "-c", "alice")
    assert audit(book) == [("TW-1", "2026-12-01T12:30:00+08:00", "debtor_avoid")]


def test_no_workplace_asked_before_a_call_to_work(book):
    run(book, "2026-12-01T10:00:00+08:00", "log", "TW-1", "na", "-c", "alice",
        "--phone", "(02) 2700-1234")
    run(book, "2026-12-01T11:00:00+08:00", "account", "TW-1", "--no-workplace",
        "-c", "alice")
    run(book, "2026-12-02T10:00:00+08:00", "log", "TW-1", "na", "-c", "alice",
        "--phone", "(02) 2700-1234")
    assert audit(book) == [("TW-1", "2026-12-02T10:00:00+08:00", "workplace_not_allowed")]
    cli = book
    cli.now = "2026-12-05T09:00:00+08:00"
    result = cli("audit", "--from", "2026-11-30", "--to", "2026-12-04", "--format", "json")
    (found,) = json.loads(result.stdout)["violations"]
    assert found["detail"] == {"debtor_request": True}


def test_the_narrowed_audit_and_every_call_agree_on_requests(book):
    from collectctl.app.audit import build_audit
    from collectctl.config import Settings
    from collectctl.storage import open_store

    run(book, "2026-11-30T10:00:00+08:00", "account", "TW-1", "--avoid", "12:00-14:00",
        "--days", "tue", "-c", "alice")
    run(book, "2026-12-01T12:30:00+08:00", "account", "TW-3", "--avoid", "09:00-18:00",
        "-c", "bob")
    for day in ("01", "02", "03"):
        for account, who in (("TW-1", "alice"), ("TW-2", "alice"), ("TW-3", "bob")):
            run(book, f"2026-12-{day}T12:30:00+08:00", "log", account, "na", "-c", who)
    store = open_store(book.db)
    try:
        first, last = date(2026, 11, 30), date(2026, 12, 4)
        fast = build_audit(store, Settings(), first, last)
        plain = build_audit(store, Settings(), first, last, exhaustive=True)
    finally:
        store.close()
    assert fast == plain
    assert [(v.account_id, v.called_at.isoformat(), v.reason.code) for v in fast.violations
            ] == [("TW-1", "2026-12-01T04:30:00+00:00", "debtor_avoid"),
                  ("TW-3", "2026-12-01T04:30:00+00:00", "debtor_avoid"),  # the same minute
                  ("TW-3", "2026-12-02T04:30:00+00:00", "debtor_avoid"),
                  ("TW-3", "2026-12-03T04:30:00+00:00", "debtor_avoid")]
