"""``plan``: the timed list end to end, with a fixed --now (Fri 2026-12-04, Taipei)."""

from __future__ import annotations

import json

import pytest

from collectctl.cli import app

HEADER = "account_id,name,amount_due,mobile,work_start,timezone,assigned_to,risk\n"


@pytest.fixture
def cli(cli, monkeypatch):
    monkeypatch.setenv("COLLECTCTL_COLLECTOR", "alice")
    cli.now = "2026-12-04T08:00:00+08:00"
    return cli


def load(cli, make_csv, rows: str):
    result = cli("import", "accounts", make_csv("a.csv", HEADER + rows))
    assert result.exit_code == 0, result.output


def with_config(cli, tmp_path, text: str):
    config = tmp_path / "c.yaml"
    config.write_text(text, encoding="utf-8")

    def run(*args):
        return cli.runner.invoke(app, ["--config", str(config), "--db", str(cli.db), "--now",
                                       cli.now, *args])
    return run


def plan(cli, *args):
    result, data = cli.json("plan", *args)
    assert result.exit_code == 0, result.output
    return data


def test_json_contract_and_golden_window(cli, make_csv):
    load(cli, make_csv, "A,王小明,50000,0912345678,10:00,,alice,\n")
    data = plan(cli)
    assert set(data) >= {"date", "collector", "calls", "overflow"}
    (call,) = data["calls"]
    assert set(call) >= {"account_id", "start", "end", "score", "phone", "reasons"}
    assert call["start"] == "2026-12-04T10:00:00+08:00"
    assert call["end"] == "2026-12-04T10:05:00+08:00"
    assert call["window"] == "golden" and call["phone"] == "+886912345678"


def test_a_new_york_debtor_planned_from_taipei(cli, make_csv):
    # Works nights from 20:00 New York time = 09:00 Taipei the next morning.
    load(cli, make_csv, "NY,John Roe,900,+1 212 736 5000,20:00,America/New_York,alice,\n"
                        "TW,王小明,900,0912345678,,,alice,\n")
    calls = {c["account_id"]: c for c in plan(cli)["calls"]}
    assert calls["NY"]["start"] == "2026-12-04T09:00:00+08:00"
    assert calls["NY"]["window"] == "golden"
    _, explain = cli.json("plan", "--explain", "NY")
    assert explain["window"]["timezone"] == "America/New_York"
    assert explain["window"]["local_date"] == "2026-12-03"
    assert explain["window"]["golden"] == ["20:00", "20:15"]


def test_never_outside_the_debtors_legal_hours(cli, make_csv):
    # 21:00 in New York is 10:00 in Taipei: no call to New York after that.
    rows = "".join(f"NY{n},Debtor {n},{1000 + n},+1 212 736 5000,,America/New_York,alice,\n"
                   for n in range(40))
    load(cli, make_csv, rows)
    calls = plan(cli)["calls"]
    assert calls and all(c["start"] < "2026-12-04T10:00" for c in calls)
    assert len(calls) == 12  # 09:00-10:00 in 5-minute slots
    _, explain = cli.json("plan", "--explain", "NY0")
    assert explain["window"]["legal_hours"] == ["08:00", "21:00"]


def test_no_call_at_lunch_while_other_slots_are_free(cli, make_csv, tmp_path):
    load(cli, make_csv, "".join(f"A{n},D{n},{1000 * (n + 1)},0912345678,,,alice,\n"
                                for n in range(5)))
    run = with_config(cli, tmp_path, "shift: {start: '11:50', end: '14:00', breaks: []}\n")
    data = json.loads(run("plan", "--format", "json").stdout)
    starts = [c["start"][11:16] for c in data["calls"]]
    assert len(starts) == 5
    assert not any("12:00" <= s < "13:30" for s in starts)


def test_lunch_is_used_when_nothing_else_is_left(cli, make_csv, tmp_path):
    load(cli, make_csv, "A,D,1000,0912345678,,,alice,\n")
    run = with_config(cli, tmp_path, "shift: {start: '12:00', end: '12:30', breaks: []}\n")
    data = json.loads(run("plan", "--format", "json").stdout)
    assert data["calls"][0]["window"] == "lunch"


def test_overflow_ranks_below_the_planned_when_windows_are_equal(cli, make_csv):
    load(cli, make_csv, "".join(f"A{n:02d},D{n},{1000 * (n + 1)},0912345678,,,alice,\n"
                                for n in range(20)))
    data = plan(cli, "--limit", "5")
    planned = {c["account_id"]: c["score"] for c in data["calls"]}
    assert len(planned) == 5
    assert min(planned.values()) >= max(o["score"] for o in data["overflow"])
    assert data["overflow"][0]["reason"] == "overflow"
    assert data["overflow"][0]["detail"] == {"slots": 5, "rank": 6}
    why = cli("plan", "--limit", "5", "--why-not", data["overflow"][0]["account_id"]).stdout
    assert "overflow: 5 slots, ranked 6th" in why


def test_callback_is_planned_at_its_time(cli, make_csv):
    load(cli, make_csv, "A,D,1000,0912345678,,,alice,\nB,E,90000,0922333444,,,alice,high\n")
    cli.now = "2026-12-04T08:00:00+08:00"
    assert cli("log", "A", "cb", "--at", "15:30").exit_code == 0
    calls = {c["account_id"]: c for c in plan(cli)["calls"]}
    assert calls["A"]["start"] == "2026-12-04T15:30:00+08:00"
    assert calls["A"]["reasons"][0] == "callback"
    assert calls["A"]["callback_at"] == "2026-12-04T15:30:00+08:00"
    assert "callback 15:30" in cli("plan").stdout


@pytest.mark.parametrize(("setup", "reason"), [
    (["log", "A", "dispute"], "disputed since 2026-12-04"),
    (["log", "A", "cease"], "cease-contact since 2026-12-04"),
    (["log", "A", "ptp", "-a", "500", "-d", "2026-12-10"],
     "held: promise of 500.00 TWD due 2026-12-10"),
    (["log", "A", "wn"], "no valid phone"),
    (["log", "A", "skip"], "marked for skip tracing"),
])
def test_held_accounts_leave_the_plan_and_return_when_released(cli, make_csv, setup, reason):
    load(cli, make_csv, "A,D,1000,0912345678,,,alice,\n")
    assert [c["account_id"] for c in plan(cli)["calls"]] == ["A"]
    assert cli(*setup).exit_code == 0
    assert plan(cli)["calls"] == []
    assert reason in cli("plan", "--why-not", "A").stdout
    if setup[2] in ("dispute", "cease"):
        assert cli("account", "A", "--resume").exit_code == 0
        # The debtor was spoken to today: back in Monday's plan, not again today.
        assert "reached today at 08:00" in cli("plan", "--why-not", "A").stdout
        assert [c["account_id"] for c in plan(cli, "--date", "2026-12-07")["calls"]] == ["A"]
    else:
        assert cli("undo").exit_code == 0
        assert [c["account_id"] for c in plan(cli)["calls"]] == ["A"]


def test_caps_per_day(cli, make_csv):
    load(cli, make_csv, "A,D,1000,0912345678,,,alice,\n")
    for _ in range(3):
        assert cli("log", "A", "na").exit_code == 0
    assert "cap: 3 calls today" in cli("plan", "--why-not", "A").stdout


def test_blackout_day_and_holidays(cli, make_csv, tmp_path):
    load(cli, make_csv, "A,D,1000,0912345678,,,alice,\n")
    # A Taiwanese number: the tw pack applies (rules.by_country's default).
    run = with_config(cli, tmp_path, "rules:\n  packs:\n    tw:\n"
                                     "      blackout_dates: [2026-12-04]\n")
    assert "blackout day 2026-12-04" in run("plan", "--why-not", "A").stdout
    run = with_config(cli, tmp_path, "rules: {default: tw}\n")
    out = run("plan", "--date", "2027-02-08", "--why-not", "A").stdout
    assert "public holiday" in out


def test_rule_pack_by_country(cli, make_csv, tmp_path):
    load(cli, make_csv, "US,John Roe,900,+1 212 736 5000,,America/New_York,alice,\n")
    run = with_config(cli, tmp_path, "rules: {by_country: {US: us}}\n")
    result = run("plan", "--explain", "US", "--format", "json")
    assert json.loads(result.stdout)["window"]["rule_pack"] == "us"


def test_explain_sums_exactly_to_the_score(cli, make_csv):
    load(cli, make_csv, "A,D,123456.78,0912345678,09:00,,alice,high\n")
    _, data = cli.json("plan", "--explain", "A")
    assert round(sum(f["contribution"] for f in data["factors"]), 4) == data["score"]
    assert {f["name"] for f in data["factors"]} == {
        "amount", "days_past_due", "promise_due", "broken_promise", "callback_due", "payday",
        "weekday", "never_contacted", "attempts", "risk"}
    text = cli("plan", "--explain", "A").stdout
    assert "golden window at 09:00" in text


def calendar_of(result):
    from icalendar import Calendar

    assert result.exit_code == 0, result.output
    return Calendar.from_ical(result.stdout)


def tzids(calendar) -> set[str]:
    return {str(event[key].params["TZID"]) for event in calendar.walk("VEVENT")
            for key in ("dtstart", "dtend") if "TZID" in event[key].params}


def test_ics_parses_back(cli, make_csv):
    from datetime import UTC, datetime

    load(cli, make_csv, "A,王小明,1000,0912345678,,,alice,\nB,林美玲,2000,0922333444,,,alice,\n")
    calendar = calendar_of(cli("plan", "--format", "ics"))
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 2
    assert {str(e["summary"]).split()[0] for e in events} == {"A", "B"}
    # RFC 5545 3.2.19: every TZID has its VTIMEZONE.
    assert tzids(calendar) == {"Asia/Taipei"}
    assert {str(z["tzid"]) for z in calendar.walk("VTIMEZONE")} == tzids(calendar)
    # DTSTAMP: when the file was made (--now), in UTC, the same on every event.
    assert {e.decoded("dtstamp") for e in events} == {datetime(2026, 12, 4, 0, 0, tzinfo=UTC)}
    assert {str(e["uid"]) for e in events} == {"2026-12-04-A@collectctl",
                                               "2026-12-04-B@collectctl"}


@pytest.mark.sqlite_only("rendering does not depend on the engine")
def test_ics_masks_names_and_phones_unless_no_redact(cli, make_csv):
    load(cli, make_csv, "A,王小明,1000,0912345678,,,alice,\n")
    for args in ((), ("--redact",)):
        text = cli("plan", "--format", "ics", *args).stdout
        assert "王小明" not in text and "912345678" not in text
        (event,) = calendar_of(cli("plan", "--format", "ics", *args)).walk("VEVENT")
        assert str(event["summary"]) == "A *** ***78"
    (event,) = calendar_of(cli("plan", "--format", "ics", "--no-redact")).walk("VEVENT")
    assert str(event["summary"]) == "A 王小明 +886912345678"
    # The other views show them unless --redact, as before.
    assert "王小明" in cli("plan").stdout and "王小明" in cli("plan", "--no-redact").stdout
    assert "912345678" in cli("plan", "--format", "csv").stdout
    assert plan(cli)["calls"][0]["name"] == "王小明"
    assert plan(cli, "--redact")["calls"][0]["name"] == "***"


@pytest.mark.sqlite_only("rendering does not depend on the engine")
def test_ics_shows_control_characters_as_escapes(cli, make_csv):
    load(cli, make_csv, '"A","\x1b[31mJohn\r\nRoe\u202e","1000","0912345678",,,alice,\n')
    result = cli("plan", "--format", "ics", "--no-redact")
    assert not any(ch in result.stdout for ch in "\x1b\u202e")
    (event,) = calendar_of(result).walk("VEVENT")
    assert str(event["summary"]) == "A \\x1b[31mJohn Roe\\u202e +886912345678"


NEW_YORK_NIGHTS = ("timezone: America/New_York\n"
                   "shift: {start: '00:00', end: '05:00', breaks: [],\n"
                   "        days: [mon, tue, wed, thu, fri, sat, sun]}\n"
                   "call: {handle_minutes: 30}\n")


@pytest.mark.sqlite_only("rendering does not depend on the engine")
@pytest.mark.parametrize(("day", "now"), [("2026-03-08", "2026-03-07T12:00:00-05:00"),
                                          ("2026-11-01", "2026-10-31T12:00:00-04:00")])
def test_ics_on_new_yorks_dst_days(cli, make_csv, tmp_path, day, now):
    """A New York night desk calling Taipei (13:00-18:00 there) on the nights the clocks
    spring forward and fall back: each event starts at the planned instant, at a New York
    time that exists."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    load(cli, make_csv, "".join(f"T{n},王{n},{1000 + n},09123456{n:02d},,Asia/Taipei,alice,\n"
                                for n in range(10)))
    cli.now = now
    run = with_config(cli, tmp_path, NEW_YORK_NIGHTS)
    json_result = run("plan", "--date", day, "--format", "json")
    assert json_result.exit_code == 0, json_result.output
    planned = {c["account_id"]: datetime.fromisoformat(c["start"]).astimezone(UTC)
               for c in json.loads(json_result.stdout)["calls"]}
    assert len(planned) >= 8  # the night is planned (needs the shift's days to include Sunday)
    calendar = calendar_of(run("plan", "--date", day, "--format", "ics"))
    assert {str(z["tzid"]) for z in calendar.walk("VTIMEZONE")} == tzids(calendar)
    zone = ZoneInfo("America/New_York")
    seen = {}
    for event in calendar.walk("VEVENT"):
        account = str(event["uid"]).removeprefix(f"{day}-").removesuffix("@collectctl")
        start = event.decoded("dtstart")
        seen[account] = start.astimezone(UTC)
        if "TZID" in event["dtstart"].params:  # a wall time that exists that night
            wall = start.replace(tzinfo=None)
            assert start.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall
        assert event.decoded("dtstamp") == datetime.fromisoformat(now)
    assert seen == planned


def test_redact_masks_names_and_phones(cli, make_csv):
    load(cli, make_csv, "A,王小明,1000,0912345678,,,alice,\n")
    (call,) = plan(cli, "--redact")["calls"]
    assert call["name"] == "***" and call["phone"] == "***78"
    table = cli("plan", "--redact").stdout
    assert "王小明" not in table and "912345678" not in table
    assert "王" not in table and "+886" not in table and "5678" not in table


def test_table_and_csv(cli, make_csv):
    load(cli, make_csv, "A,=cmd,1000,0912345678,09:00,,alice,\n")
    table = cli("plan").stdout
    assert "09:00  A" in table and "golden" in table
    csv_out = cli("plan", "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("start,end,account_id")
    assert ",'=cmd," in csv_out[1]


@pytest.mark.parametrize("flag", ["--raw", "--for-dialer"])
def test_csv_raw_writes_cells_as_they_are_for_a_dialer(cli, make_csv, flag):
    load(cli, make_csv, "A,=cmd,1000,0912345678,09:00,,alice,\nB,@x,5,0922333444,,,alice,\n")
    safe = cli("plan", "--format", "csv").stdout.splitlines()
    raw = cli("plan", "--format", "csv", flag).stdout.splitlines()
    assert ",'+886912345678," in safe[1] and ",'=cmd," in safe[1]
    assert raw[0] == safe[0]
    rows = {r.split(",")[2]: r for r in raw[1:]}
    assert ",=cmd,1000.00,TWD," in rows["A"] and ",+886912345678," in rows["A"]
    assert ",@x,5.00,TWD," in rows["B"] and ",+886922333444," in rows["B"]
    assert "'" not in "".join(raw)
    week = cli("plan", "--week", "--format", "csv", flag)
    assert week.exit_code == 0 and week.stdout.startswith("date,calls,")


@pytest.mark.parametrize("fmt", ["table", "json", "ics"])
def test_raw_is_only_for_csv(cli, make_csv, fmt):
    load(cli, make_csv, "A,D,1000,0912345678,,,alice,\n")
    result = cli("plan", "--format", fmt, "--raw")
    assert result.exit_code == 2 and result.stdout == ""
    assert "--raw" in result.stderr and "--format csv" in result.stderr
    assert cli("plan", "--raw").exit_code == 2  # the table, by default


def test_json_calls_carry_the_csvs_balance_currency_and_dpd(cli, make_csv):
    load(cli, make_csv, "A,D,1234.5,0912345678,,,alice,\n")
    assert cli("pay", "A", "234.50").exit_code == 0  # a payment, not a call: still planned
    (call,) = plan(cli)["calls"]
    assert call["balance"] == "1000.00" and call["currency"] == "TWD"
    assert call["days_past_due"] is None  # the list gives none
    assert {"account_id", "start", "end", "score", "phone", "reasons", "window", "name",
            "outside_shift"} <= set(call)
    (row,) = cli("plan", "--format", "csv").stdout.splitlines()[1:]
    assert ",1000.00,TWD,," in row


@pytest.mark.parametrize(("args", "message"), [
    (["--collector", "zed"], "no open accounts assigned to 'zed'"),
    (["--date", "someday"], "--date"),
    (["--why-not", "NOPE"], "NOPE is not among alice's open accounts"),
    (["--explain", "NOPE"], "NOPE is not among alice's open accounts"),
])
def test_bad_input(cli, make_csv, args, message):
    load(cli, make_csv, "A,D,1000,0912345678,,,alice,\n")
    result = cli("plan", *args)
    assert result.exit_code == 2 and message in result.stderr


def test_bad_coefficient_in_the_config(cli, make_csv, tmp_path):
    load(cli, make_csv, "A,D,1000,0912345678,,,alice,\n")
    result = with_config(cli, tmp_path, "priority: {amount: lots}\n")("plan")
    assert result.exit_code == 2 and "priority.amount" in result.stderr


def test_time_that_has_passed_is_not_offered(cli, make_csv):
    load(cli, make_csv, "A,D,1000,0912345678,,,alice,\n")
    cli.now = "2026-12-04T17:52:00+08:00"
    data = plan(cli)
    assert data["calls"][0]["start"] == "2026-12-04T17:55:00+08:00"
    cli.now = "2026-12-04T18:30:00+08:00"
    assert plan(cli)["calls"] == [] and "no slots left" in cli("plan").stdout


def test_next_is_the_call_due_now_with_its_brief(cli, make_csv):
    load(cli, make_csv, "A,王小明,1000,0912345678,,,alice,\n"
                        "B,林美玲,90000,0922333444,09:00,,alice,\n")
    cli.now = "2026-12-03T15:00:00+08:00"
    assert cli("log", "A", "ptp", "-a", "100", "-d", "2026-12-04").exit_code == 0
    cli.now = "2026-12-04T09:02:00+08:00"
    out = cli("next").stdout
    assert out.startswith("Next: 09:05 B (golden window")
    # A answered at 15:00 yesterday: the hours learned from the log put it there today.
    assert "Dial 0922 333 444" in out and "Then: 15:00 A" in out
    assert "Amount due     90,000.00 TWD" in out
    _, data = cli.json("next")
    assert data["call"]["account_id"] == "B" and data["account"]["account_id"] == "B"
    cli.now = "2026-12-04T19:00:00+08:00"
    assert "no slots left" in cli("next").stdout


def test_week_counts_calls_per_day_and_best_days(cli, make_csv):
    load(cli, make_csv, "A,D,1000,0912345678,,,alice,\n")
    _, week = cli.json("plan", "--week")
    assert [d["date"] for d in week["days"]][0] == "2026-12-04" and len(week["days"]) == 7
    # Fri and Mon-Thu; the weekend is not in shift.days (tests/cli/test_plan_days.py).
    assert [d["calls"] for d in week["days"]] == [1, 0, 0, 1, 1, 1, 1]
    assert week["best_day"] == {"A": "2026-12-04"}  # Friday has the best weekday weight
    assert "the next seven days" in cli("plan", "--week").stdout


def test_all_collectors_in_one_run(cli, make_csv):
    load(cli, make_csv, "A,D,1000,0912345678,,,alice,\nB,E,2000,0922333444,,,bob,\n"
                        "C,F,3000,0933111222,,,bob,\n")
    _, data = cli.json("plan", "--all")
    assert [(p["collector"], len(p["calls"])) for p in data["plans"]] == [("alice", 1), ("bob", 2)]
    table = cli("plan", "--all").stdout
    assert "alice" in table and "bob" in table


def test_an_unanswered_account_is_not_redialled_before_the_retry_gap(cli, make_csv, tmp_path):
    load(cli, make_csv, "A,D,90000,0912345678,,,alice,\nB,E,1000,0922333444,,,alice,\n")
    cli.now = "2026-12-04T09:00:00+08:00"
    assert plan(cli)["calls"][0]["account_id"] == "A"
    assert cli("log", "A", "na").exit_code == 0
    calls = {c["account_id"]: c["start"] for c in plan(cli)["calls"]}
    # The default gap is 120 minutes: A comes back at 11:00 at the earliest.
    assert calls["A"] >= "2026-12-04T11:00:00+08:00"
    assert calls["B"] < calls["A"]
    short = with_config(cli, tmp_path, "call: {retry_minutes: 30}\n")
    data = json.loads(short("plan", "--format", "json").stdout)
    starts = {c["account_id"]: c["start"] for c in data["calls"]}
    assert "2026-12-04T09:30:00+08:00" <= starts["A"] < "2026-12-04T11:00:00+08:00"


def test_a_retry_gap_past_the_shift_says_so(cli, make_csv):
    load(cli, make_csv, "A,D,90000,0912345678,,,alice,\n")
    cli.now = "2026-12-04T17:00:00+08:00"
    assert cli("log", "A", "na").exit_code == 0
    assert plan(cli)["calls"] == []
    assert "tried at 17:00; not again before 19:00" in cli("plan", "--why-not", "A").stdout


def test_an_account_reached_today_leaves_todays_plan(cli, make_csv):
    load(cli, make_csv, "A,D,90000,0912345678,,,alice,\nB,E,1000,0922333444,,,alice,\n")
    assert cli("log", "A", "rpc").exit_code == 0
    assert [c["account_id"] for c in plan(cli)["calls"]] == ["B"]
    assert "reached today at 08:00" in cli("plan", "--why-not", "A").stdout
    # ... unless the debtor asked to be called back today.
    assert cli("log", "A", "cb", "--at", "16:00").exit_code == 0
    calls = {c["account_id"]: c["start"] for c in plan(cli)["calls"]}
    assert calls["A"] == "2026-12-04T16:00:00+08:00"


@pytest.mark.parametrize(("args", "words"), [
    (["--format", "xml"], "'xml' is not one of 'table', 'json', 'csv', 'ics'"),
    (["--limit", "x"], "'x' is not a valid integer"),
])
def test_bad_choices_and_numbers_are_usage_errors(cli, args, words):
    result = cli("plan", *args)
    assert result.exit_code == 2 and words in result.stderr


def test_choices_and_numbers_are_converted(cli, make_csv):
    load(cli, make_csv, "A,D,1000,0912345678,,,alice,\nB,E,900,0922333444,,,alice,\n")
    assert len(plan(cli, "--limit", "1")["calls"]) == 1
