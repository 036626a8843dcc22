"""``account ID --avoid/--days/--no-workplace/--avoid-clear``: the debtor's own requests
end to end with a fixed --now (Fri 2026-12-04, Taipei): recorded with who set them, shown
by ``account``, ``show``, ``next`` and work mode, kept to by the plan (every planned call
checked in the debtor's zone), named by ``--why-not``; bad values are one line, exit 2."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

HEADER = "account_id,name,amount_due,mobile,work_start,timezone,assigned_to\n"
ROWS = ("TW1,王小明,90000,0912000001,,,alice\n"
        "TW2,李小華,80000,0912000002,,,alice\n"
        "NY1,John Roe,70000,+1 212 736 5000,,America/New_York,alice\n"
        "LN1,Fred Bloggs,60000,+44 7400 123456,,Europe/London,alice\n"
        "SY1,Matilda Mock,50000,+61 491 570 006,,Australia/Sydney,alice\n")


@pytest.fixture
def cli(cli, make_csv, monkeypatch):
    monkeypatch.setenv("COLLECTCTL_COLLECTOR", "alice")
    cli.now = "2026-12-04T08:00:00+08:00"
    assert cli("import", "accounts", make_csv("a.csv", HEADER + ROWS)).exit_code == 0
    return cli


def ok(cli, *args) -> str:
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_set_show_and_clear(cli):
    assert ok(cli, "account", "TW1") == "TW1: no requests from the debtor\n"
    out = ok(cli, "account", "TW1", "--avoid", "12:00-13:30", "--avoid", "21:00-08:00",
             "--days", "mon-fri", "--no-workplace", "--note", "works nights")
    assert out == (
        "TW1: recorded by alice\n"
        "TW1: the debtor asks (their time, Asia/Taipei):\n"
        "  no calls 12:00-13:30 (Mon-Fri)\n"
        "  no calls 21:00-08:00 (Mon-Fri)\n"
        "  not at work\n"
        "Requests log:\n"
        "  #1  Fri 2026-12-04 08:00  alice  no calls 12:00-13:30 (Mon-Fri)  “works nights”\n"
        "  #2  Fri 2026-12-04 08:00  alice  no calls 21:00-08:00 (Mon-Fri)  “works nights”\n"
        "  #3  Fri 2026-12-04 08:00  alice  not at work  “works nights”\n")
    assert ok(cli, "account", "TW1") == out.split("\n", 1)[1]  # read: the same, not recorded
    show = ok(cli, "show", "TW1")
    assert ("Debtor asks    no calls 12:00-13:30 (Mon-Fri)\n"
            "               no calls 21:00-08:00 (Mon-Fri)\n"
            "               not at work\n") in show
    _, data = cli.json("show", "TW1")
    assert data["avoid"] == [{"from": "12:00", "to": "13:30",
                              "days": ["mon", "tue", "wed", "thu", "fri"]},
                             {"from": "21:00", "to": "08:00",
                              "days": ["mon", "tue", "wed", "thu", "fri"]}]
    assert data["no_workplace"] is True
    _, other = cli.json("show", "TW2")
    assert other["avoid"] == [] and other["no_workplace"] is False
    assert "Debtor asks" not in ok(cli, "show", "TW2")

    cli.now = "2026-12-05T10:00:00+08:00"
    result, cleared = cli.json("account", "TW1", "--avoid-clear", "-c", "bob")
    assert cleared["avoid"] == [] and cleared["no_workplace"] is False
    assert (cleared["set_by"], cleared["set_at"]) == ("bob", "2026-12-05T02:00:00+00:00")
    assert [e["kind"] for e in cleared["log"]] == ["avoid", "avoid", "no_workplace", "clear"]
    assert cleared["added"] == [4]
    assert cli.count("debtor_requests") == 4  # nothing is deleted: the clear is an entry
    _, data = cli.json("show", "TW1")
    assert data["avoid"] == [] and not data["no_workplace"]
    assert "Debtor asks" not in ok(cli, "show", "TW1")
    # --avoid-clear with --avoid replaces the windows.
    _, data = cli.json("account", "TW1", "--avoid-clear", "--avoid", "00:00-24:00",
                       "--days", "sun")
    assert data["avoid"] == [{"from": "00:00", "to": "24:00", "days": ["sun"]}]
    assert [e["kind"] for e in data["log"][-2:]] == ["clear", "avoid"]


def test_the_json_of_the_account_command(cli):
    _, data = cli.json("account", "NY1", "--avoid", "9-17", "--days", "sat,sun")
    assert data == {
        "account_id": "NY1", "timezone": "America/New_York",
        "avoid": [{"from": "09:00", "to": "17:00", "days": ["sat", "sun"]}],
        "no_workplace": False, "set_by": "alice", "set_at": "2026-12-04T00:00:00+00:00",
        "log": [{"id": 1, "kind": "avoid", "from": "09:00", "to": "17:00",
                 "days": ["sat", "sun"], "set_by": "alice",
                 "set_at": "2026-12-04T00:00:00+00:00", "note": None}],
        "added": [1],
    }


@pytest.mark.parametrize(("args", "message"), [
    (["--avoid", "25:00-26:00"], "--avoid: not a time of day (e.g. 15:30)"),
    (["--avoid", "12:00"], "--avoid: not a time range (from-to, e.g. 12:00-13:30)"),
    (["--avoid", "13:00-13:00"],
     "--avoid: from and to are the same time (the whole day is 00:00-24:00)"),
    (["--avoid", "12-13", "--days", "funday"],
     "--days: not days of the week (e.g. mon-fri or sat,sun)"),
    (["--days", "mon"], "--days goes with --avoid: the days its window applies on"),
    (["--resume", "--no-workplace"], "--resume is a change of its own: record --avoid, "
                                     "--no-workplace or --avoid-clear in another command"),
    (["--avoid", "12-13", "--avoid", "x"],
     "--avoid: not a time range (from-to, e.g. 12:00-13:30)"),
])
def test_bad_values_are_one_line_exit_2_and_write_nothing(cli, args, message):
    result = cli("account", "TW1", *args)
    assert result.exit_code == 2
    assert result.stderr == f"collectctl: error: {message}\n"
    assert result.stdout == "" and cli.count("debtor_requests") == 0


def test_an_unknown_account_is_refused(cli):
    result = cli("account", "ZZ9", "--avoid", "12-13")
    assert result.exit_code == 2 and result.stderr == "collectctl: error: no account 'ZZ9'\n"
    assert cli("account", "ZZ9").exit_code == 2


def _planned(cli, day: str) -> list[dict]:
    result, data = cli.json("plan", "--date", day)
    assert result.exit_code == 0, result.output
    return data["calls"]


def test_the_plan_never_calls_inside_a_window_all_week(cli):
    """Every planned call of a week, in the debtor's zone (zoneinfo, in the test), is
    outside each of that debtor's windows, midnight-crossing ones included."""
    windows = {  # account: (from, to, days) in the debtor's own time
        "TW1": [("09:00", "12:00", "mon-fri"), ("14:00", "17:30", "mon-fri")],
        "TW2": [("00:00", "24:00", "sat,sun"), ("09:00", "10:30", "fri")],
        "NY1": [("20:00", "08:30", "thu-sat")],
        "LN1": [("08:00", "09:00", "daily")],  # its legal hours in the shift: 08:00-10:00
        "SY1": [("12:00", "21:00", "fri-sun"), ("21:00", "23:00", "mon")],
    }
    zones = {"TW1": "Asia/Taipei", "TW2": "Asia/Taipei", "NY1": "America/New_York",
             "LN1": "Europe/London", "SY1": "Australia/Sydney"}
    for aid, spans in windows.items():
        for start, end, days in spans:
            ok(cli, "account", aid, "--avoid", f"{start}-{end}", "--days", days)
    keys = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

    def inside(aid: str, moment: datetime) -> bool:
        local = moment.astimezone(ZoneInfo(zones[aid]))
        minute = local.hour * 60 + local.minute
        for start, end, days in windows[aid]:
            a = int(start[:2]) * 60 + int(start[3:])
            b = int(end[:2]) * 60 + int(end[3:])
            listed = {"mon-fri": keys[:5], "sat,sun": keys[5:], "fri": ("fri",),
                      "thu-sat": ("thu", "fri", "sat"), "daily": keys,
                      "fri-sun": ("fri", "sat", "sun"), "mon": ("mon",)}[days]
            today = keys[local.weekday()] in listed
            before = keys[(local.weekday() - 1) % 7] in listed
            if a < b and today and a <= minute < b:
                return True
            if a > b and ((today and minute >= a) or (before and minute < b)):
                return True
        return False

    seen = set()
    for n in range(7):
        day = (date(2026, 12, 4) + timedelta(days=n)).isoformat()
        for call in _planned(cli, day):
            start = datetime.fromisoformat(call["start"])
            end = datetime.fromisoformat(call["end"])
            minutes = int((end - start).total_seconds() // 60)
            assert not any(inside(call["account_id"], start + timedelta(minutes=k))
                           for k in range(minutes)), call
            seen.add(call["account_id"])
    assert seen == set(windows)  # each was planned on some day, outside its windows


def test_why_not_names_the_debtors_window(cli):
    assert [c["account_id"] for c in _planned(cli, "2026-12-04")].count("TW1") == 1
    ok(cli, "account", "TW1", "--avoid", "00:00-24:00", "--days", "fri")
    assert "TW1" not in [c["account_id"] for c in _planned(cli, "2026-12-04")]
    assert ok(cli, "plan", "--why-not", "TW1") == (
        "TW1: the debtor asked for no calls 00:00-24:00 (Fri), their time\n")
    _, data = cli.json("plan", "--why-not", "TW1")
    assert data == {"account_id": "TW1", "planned": False, "reason": "debtor_avoid",
                    "detail": {"from": "00:00", "to": "24:00", "days": ["fri"]},
                    "text": "the debtor asked for no calls 00:00-24:00 (Fri), their time"}
    assert "TW1" in [c["account_id"] for c in _planned(cli, "2026-12-07")]  # Monday
    ok(cli, "account", "TW1", "--avoid-clear")
    assert "TW1" in [c["account_id"] for c in _planned(cli, "2026-12-04")]


def test_a_callback_inside_a_window_waits_until_it_ends(cli):
    ok(cli, "account", "TW2", "--avoid", "15:00-16:30")
    ok(cli, "log", "TW2", "cb", "--at", "15:30")
    (call,) = [c for c in _planned(cli, "2026-12-04") if c["account_id"] == "TW2"]
    assert call["start"] == "2026-12-04T16:30:00+08:00"
    assert call["reasons"][0] == "callback"


def test_next_and_work_mode_show_the_requests(cli):
    ok(cli, "account", "TW1", "--avoid", "16:00-18:00", "--no-workplace")
    cli.now = "2026-12-04T08:58:00+08:00"
    out = ok(cli, "next")
    assert out.startswith("Next: 09:00 TW1")
    assert "Debtor asks    no calls 16:00-18:00\n               not at work\n" in out
    _, data = cli.json("next")
    assert data["account"]["avoid"] == [{"from": "16:00", "to": "18:00",
                                         "days": ["mon", "tue", "wed", "thu", "fri", "sat",
                                                  "sun"]}]
    assert data["account"]["no_workplace"] is True
    result = cli("work", input="q\n")
    assert result.exit_code == 0, result.output
    assert "Debtor asks    no calls 16:00-18:00\n" in result.stdout


def test_work_mode_does_not_run_ahead_into_a_window(cli):
    """Work mode offers a later call now when nothing else is due; not one whose debtor
    asked not to be called now: TW1 is planned at 09:30, after its window."""
    for aid in ("TW2", "NY1", "LN1", "SY1"):  # out of today's plan
        ok(cli, "account", aid, "--avoid", "00:00-24:00")
    ok(cli, "account", "TW1", "--avoid", "08:00-09:30")
    cli.now = "2026-12-04T09:00:00+08:00"
    assert [(c["account_id"], c["start"][11:16]) for c in _planned(cli, "2026-12-04")] == [
        ("TW1", "09:30")]
    result = cli("work", input="q\n")
    assert result.exit_code == 0, result.output
    assert "Nothing to call now. Next: 09:30 TW1" in result.stdout
    ok(cli, "account", "TW1", "--avoid-clear")
    result = cli("work", input="q\n")
    assert re.search(r"^Next: \d\d:\d\d TW1", result.stdout, re.M)  # offered at once
    assert "Nothing to call now" not in result.stdout


def test_zh_tw_words(cli):
    ok(cli, "account", "TW1", "--avoid", "12:00-13:00", "--days", "mon-fri", "--no-workplace")
    out = ok(cli, "--lang", "zh_TW", "account", "TW1")
    assert out.startswith("TW1：債務人要求（債務人當地時間，Asia/Taipei）：\n"
                          "  勿於 週一至週五 12:00-13:00 來電\n"
                          "  勿打到工作場所\n")
    ok(cli, "account", "TW2", "--avoid", "00:00-24:00", "--days", "fri")
    assert ok(cli, "--lang", "zh_TW", "plan", "--why-not", "TW2") == (
        "TW2：債務人要求勿於 週五 00:00-24:00 來電（債務人當地時間）\n")
    result = cli("--lang", "zh_TW", "account", "TW1", "--avoid", "x")
    assert result.stderr == ("collectctl：錯誤：--avoid：不是時段（起-訖，例如 "
                             "12:00-13:30）\n")
    assert json.loads(cli("--lang", "zh_TW", "plan", "--why-not", "TW2", "--format",
                          "json").stdout)["text"].startswith("the debtor asked")
