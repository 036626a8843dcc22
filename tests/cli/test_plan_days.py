"""``plan`` on the collector's working days only, at instants (the days the clocks change),
and callbacks at their own times, whatever --limit says (fixed --now: Fri 2026-12-04,
Taipei, unless a test says otherwise)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from collectctl.cli import app

HEADER = "account_id,name,amount_due,mobile,work_start,timezone,assigned_to,risk\n"


@pytest.fixture
def cli(cli, monkeypatch):
    monkeypatch.setenv("COLLECTCTL_COLLECTOR", "alice")
    cli.now = "2026-12-04T08:00:00+08:00"
    return cli


def load(run, make_csv, rows: str):
    result = run("import", "accounts", make_csv("a.csv", HEADER + rows))
    assert result.exit_code == 0, result.output


def with_config(cli, tmp_path, text: str):
    config = tmp_path / "c.yaml"
    config.write_text(text, encoding="utf-8")

    def run(*args):
        return cli.runner.invoke(app, ["--config", str(config), "--db", str(cli.db), "--now",
                                       cli.now, *map(str, args)])
    return run


def plan(run, *args):
    result = run("plan", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def accounts(n: int, mobile: str = "0912345678", zone: str = "") -> str:
    return "".join(f"A{k:02d},D{k},{1000 * (k + 1)},{mobile},,{zone},alice,\n" for k in range(n))


# -- working days ------------------------------------------------------------------------

def test_a_saturday_is_a_day_off_with_no_slots(cli, make_csv):
    load(cli, make_csv, accounts(3))
    data = plan(cli, "--date", "2026-12-05")
    assert data["calls"] == [] and data["slots"] == 0 and data["overflow"] == []
    assert data["note"] == {"code": "day_off", "detail": {"day": "2026-12-05",
                                                          "cause": "weekday", "weekday": "sat"}}
    assert "day off: sat is not one of shift.days" in cli("plan", "--date", "sat").stdout
    assert "休假日：週六 不在 shift.days 之中" in cli("--lang", "zh_TW", "plan", "--date",
                                                 "sat").stdout
    why = cli("plan", "--date", "2026-12-05", "--why-not", "A00").stdout
    assert why == "A00: day off: sat is not one of shift.days\n"
    cli.now = "2026-12-05T10:00:00+08:00"
    assert cli("next").stdout == "day off: sat is not one of shift.days\n"
    assert cli("work", input="q\n").stdout.startswith("day off: sat is not one of shift.days")


def test_a_public_holiday_is_a_day_off(cli, make_csv):
    load(cli, make_csv, accounts(1))
    data = plan(cli, "--date", "2027-01-01")  # a Friday, Founding Day in Taiwan
    assert data["calls"] == [] and data["note"]["detail"] == {
        "day": "2027-01-01", "cause": "public_holiday", "country": "TW"}
    assert "day off: public holiday (Founding Day of the Republic of China)" in cli(
        "plan", "--date", "2027-01-01").stdout


def test_shift_days_and_extra_days_off_from_the_config(cli, make_csv, tmp_path):
    load(cli, make_csv, accounts(1))
    run = with_config(cli, tmp_path, "shift: {days: [tue, wed, thu, fri, sat]}\n"
                                     "targets: {extra_days_off: ['2026-12-08']}\n")
    assert len(plan(run, "--date", "2026-12-05")["calls"]) == 1         # Saturday
    assert plan(run, "--date", "2026-12-07")["note"]["detail"]["weekday"] == "mon"
    assert plan(run, "--date", "2026-12-08")["note"]["detail"] == {
        "day": "2026-12-08", "cause": "extra_day_off"}
    assert "day off: 2026-12-08 is one of targets.extra_days_off" in run(
        "plan", "--date", "2026-12-08").stdout


def test_china_plans_its_make_up_saturday(cli, make_csv, tmp_path):
    cli.now = "2026-02-13T08:00:00+08:00"
    load(cli, make_csv, accounts(1))
    run = with_config(cli, tmp_path, "country: CN\n")
    assert len(plan(run, "--date", "2026-02-14")["calls"]) == 1        # a working Saturday
    assert plan(run, "--date", "2026-02-21")["note"]["code"] == "day_off"
    assert plan(run, "--date", "2026-02-17")["note"]["detail"]["cause"] == "public_holiday"


def test_week_plans_only_working_days(cli, make_csv):
    load(cli, make_csv, accounts(1))
    _, week = cli.json("plan", "--week")
    days = {d["date"]: d for d in week["days"]}
    assert [d["day_off"] for d in week["days"]] == [False, True, True, False, False, False,
                                                     False]
    assert days["2026-12-05"]["calls"] == days["2026-12-06"]["calls"] == 0
    assert days["2026-12-05"]["slots"] == 0
    assert days["2026-12-06"]["note"]["detail"]["weekday"] == "sun"
    assert all(d["calls"] == 1 for d in week["days"] if not d["day_off"])
    assert week["best_day"] == {"A00": "2026-12-04"}
    text = cli("plan", "--week").stdout.splitlines()
    assert text[3].startswith("  Sat 2026-12-05") and text[3].endswith(
        "-  day off: sat is not one of shift.days")
    assert "day off" not in text[2] and "day off" not in text[5]
    csv = cli("plan", "--week", "--format", "csv").stdout.splitlines()
    assert csv[0].endswith(",day_off") and csv[2] == "2026-12-05,0,0,1,0,True"


# -- the days the clocks change (a New York collector) -----------------------------------

NIGHT = ("timezone: America/New_York\nphone_region: US\n"
         "shift: {start: '01:00', end: '03:00', breaks: [], days: [sun]}\n")


def test_spring_forward_books_no_moment_twice(cli, make_csv, tmp_path):
    from icalendar import Calendar

    cli.now = "2026-03-07T12:00:00-05:00"
    run = with_config(cli, tmp_path, NIGHT)
    # Taipei debtors: 01:00-03:00 in New York is the afternoon in Taipei.
    load(run, make_csv, accounts(40, "+886912345678", "Asia/Taipei"))
    data = plan(run, "--date", "2026-03-08")
    starts = [datetime.fromisoformat(c["start"]) for c in data["calls"]]
    assert len(starts) == data["slots"] == 12         # 02:00-02:59 does not exist that day
    assert len(set(starts)) == 12 and starts == sorted(starts)
    assert data["calls"][-1]["end"] == "2026-03-08T03:00:00-04:00"
    assert not any(c["start"][11:13] == "02" or c["end"][11:13] == "02"
                   for c in data["calls"])
    events = Calendar.from_ical(run("plan", "--date", "2026-03-08", "--format", "ics").stdout
                                ).walk("VEVENT")
    assert len(events) == 12 and not any(e.decoded("dtstart").hour == 2 for e in events)


def test_fall_back_plans_the_repeated_hour_as_two_hours(cli, make_csv, tmp_path):
    cli.now = "2026-10-31T12:00:00-04:00"
    run = with_config(cli, tmp_path, NIGHT)
    load(run, make_csv, accounts(40, "+886912345678", "Asia/Taipei"))
    data = plan(run, "--date", "2026-11-01")
    starts = [datetime.fromisoformat(c["start"]) for c in data["calls"]]
    assert len(starts) == data["slots"] == 36         # 01:00-02:00 twice, then 02:00-03:00
    assert len(set(starts)) == 36 and starts == sorted(starts)
    first, second = data["calls"][0]["start"], data["calls"][12]["start"]
    assert (first, second) == ("2026-11-01T01:00:00-04:00", "2026-11-01T01:00:00-05:00")
    assert data["calls"][11]["end"] == "2026-11-01T01:00:00-05:00"


# -- callbacks at their own times --------------------------------------------------------

def test_limit_keeps_callbacks_at_their_times(cli, make_csv):
    load(cli, make_csv, accounts(20))
    assert cli("log", "A00", "cb", "--at", "15:30").exit_code == 0
    data = plan(cli, "--limit", "5")
    calls = {c["account_id"]: c for c in data["calls"]}
    assert calls["A00"]["start"] == "2026-12-04T15:30:00+08:00"
    ordinary = [c for c in data["calls"] if c["account_id"] != "A00"]
    assert len(ordinary) == 5 and all(c["start"] < "2026-12-04T09:30" for c in ordinary)
    assert data["slots"] == 6 and data["overflow"][0]["detail"]["slots"] == 6
    assert not calls["A00"]["outside_shift"]


def test_a_callback_after_the_shift_is_shown_at_its_own_time_marked(cli, make_csv):
    load(cli, make_csv, accounts(3))
    assert cli("log", "A00", "cb", "--at", "19:30").exit_code == 0
    data = plan(cli)
    last = data["calls"][-1]
    assert last["account_id"] == "A00" and last["start"] == "2026-12-04T19:30:00+08:00"
    assert last["end"] == "2026-12-04T19:35:00+08:00" and last["outside_shift"] is True
    assert not any(c["outside_shift"] for c in data["calls"][:-1])
    assert data["slots"] == 96
    line = next(row for row in cli("plan").stdout.splitlines() if " A00 " in row)
    assert line.startswith("19:30") and "outside the shift: callback 19:30" in line
    # Still shown once the shift is over, until its time has passed.
    cli.now = "2026-12-04T18:30:00+08:00"
    data = plan(cli)
    assert [(c["account_id"], c["outside_shift"]) for c in data["calls"]] == [("A00", True)]
    assert data["note"]["code"] == "no_slots_on_day"
    assert "Next: 19:30 A00" in cli("next").stdout


@pytest.mark.parametrize("at", ["12:20", "08:30"])  # in the lunch break; before the shift
def test_a_callback_in_a_break_or_before_the_shift_keeps_its_time(cli, make_csv, at):
    load(cli, make_csv, accounts(2))
    cli.now = "2026-12-04T07:00:00+08:00"
    assert cli("log", "A00", "cb", "--at", at).exit_code == 0
    calls = {c["account_id"]: c for c in plan(cli)["calls"]}
    assert calls["A00"]["start"] == f"2026-12-04T{at}:00+08:00"
    assert calls["A00"]["outside_shift"] is True


def test_a_callback_is_never_planned_more_than_one_slot_early(cli, make_csv):
    load(cli, make_csv, accounts(30))
    assert cli("log", "A00", "cb", "--at", "10:02").exit_code == 0
    # Two callbacks for the shift's last slot: the second is not moved before its time.
    for aid in ("A01", "A02"):
        assert cli("log", aid, "cb", "--at", "17:55").exit_code == 0
    calls = {c["account_id"]: c for c in plan(cli)["calls"]}
    assert calls["A00"]["start"] == "2026-12-04T10:00:00+08:00"
    late = sorted((calls["A01"], calls["A02"]), key=lambda c: c["outside_shift"])
    assert [c["start"][11:16] for c in late] == ["17:55", "17:55"]
    assert [c["outside_shift"] for c in late] == [False, True]
    for call in calls.values():
        if "callback_at" in call:
            gap = (datetime.fromisoformat(call["callback_at"])
                   - datetime.fromisoformat(call["start"])).total_seconds()
            assert gap < 5 * 60


def test_a_callback_at_a_closed_hour_takes_the_next_legal_slot(cli, make_csv):
    # London: 07:00 there (15:00 in Taipei) is before legal hours (08:00, 16:00 in Taipei).
    load(cli, make_csv, "L,D,1000,+44 20 7946 0000,,Europe/London,alice,\n"
                        "N,E,1000,+1 212 736 5000,,America/New_York,alice,\n")
    # `log` refuses such a time; one imported from another system keeps it (nothing lost).
    assert cli("log", "L", "cb", "--at", "07:00").exit_code == 2
    imported = make_csv("calls.csv", "account_id,called_at,outcome,callback_at,collector\n"
                                     "L,2026-12-04T09:00+08:00,cb,2026-12-04T07:00+00:00,alice\n"
                                     "N,2026-12-04T09:00+08:00,cb,2026-12-03T21:30-05:00,alice\n")
    assert cli("import", "calls", imported).exit_code == 0
    calls = {c["account_id"]: c for c in plan(cli)["calls"]}
    assert calls["L"]["start"] == "2026-12-04T16:00:00+08:00"
    assert calls["L"]["callback_at"] == "2026-12-04T07:00:00+00:00"
    # New York at 21:30 (10:30 in Taipei) is closed, and so is the rest of the shift there:
    # not planned at all, rather than earlier than asked.
    data = plan(cli)
    assert "N" not in {c["account_id"] for c in data["calls"]}
    assert "N" not in {o["account_id"] for o in data["overflow"]}
    assert cli("plan", "--why-not", "N").stdout == (
        "N: callback at 21:30: no open slot at or after it today\n")
