"""``audit``: each kind of rule a logged call can break, found by the command (fixed
--now), and none on a clean day; its periods, its formats, --fail-on-violation, the
nightly report's count; on a team server, a collector's own accounts only."""

from __future__ import annotations

import csv
import io
import json

import pytest

HEADER = "account_id,name,amount_due,mobile,home_phone,work_phone,assigned_to\n"
ROWS = (
    "NY-1,Debtor NY,1000,+1 212 555 0123,+1 808 555 0123,,alice\n"   # New York, Hawaii
    "US-2,Debtor US,1000,+1 212 555 0188,,,alice\n"                   # Reg F
    "TW-1,Debtor TW,1000,0912-345-678,,,alice\n"
    "TW-3,Debtor TW3,1000,0955-123-456,,,alice\n"
    "AU-1,Debtor AU,1000,+61 412 345 678,,,bob\n"                     # an AU mobile
    "IE-1,Debtor IE,1000,+353 86 123 4567,,+353 1 234 5678,bob\n"     # a workplace number
    "TW-2,Debtor TW2,1000,0933-111-222,,,bob\n"
)


@pytest.fixture
def book(cli, make_csv):
    """The accounts, imported on 2026-11-20 (Taipei), no calls yet."""
    cli.now = "2026-11-20T09:00:00+08:00"
    assert cli("import", "accounts", make_csv("a.csv", HEADER + ROWS)).exit_code == 0
    return cli


def log(cli, when: str, account: str, outcome: str, *args: str, collector: str = "alice"):
    cli.now = when
    result = cli("log", account, outcome, "-c", collector, *args)
    assert result.exit_code == 0, result.output
    return result


def audit(cli, *args: str) -> dict:
    result = cli("audit", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def rules(data: dict, account: str | None = None) -> list[tuple[str, str]]:
    return [(v["called_at"], v["rule"]) for v in data["violations"]
            if account is None or v["account_id"] == account]


def test_outside_legal_hours_in_a_zone_the_debtor_may_be_in_other_than_the_first(book):
    log(book, "2026-12-02T12:30:00-05:00", "NY-1", "na")   # 07:30 in Honolulu
    log(book, "2026-12-02T14:00:00-05:00", "NY-1", "na")   # 09:00 in Honolulu: legal
    book.now = "2026-12-04T09:00:00+08:00"
    data = audit(book, "--from", "2026-12-01", "--to", "2026-12-04")
    assert data["calls_checked"] == 2
    (found,) = data["violations"]
    assert found["rule"] == "outside_legal_hours" and found["account_id"] == "NY-1"
    assert found["called_at"] == "2026-12-03T01:30:00+08:00"  # the collector's time
    assert found["detail"] == {"zone": "Pacific/Honolulu", "local": "2026-12-02T07:30:00-10:00",
                               "hours": "08:00-21:00"}
    assert found["text"] == ("outside legal hours in Pacific/Honolulu (07:30 there; "
                             "legal 08:00-21:00)")


def test_closed_days_a_public_holiday_and_a_sunday(book):
    log(book, "2026-12-25T10:00:00+08:00", "TW-1", "na")   # Constitution Day
    log(book, "2026-12-06T12:00:00+00:00", "IE-1", "na")   # a Sunday in Dublin
    log(book, "2026-11-26T12:00:00-05:00", "US-2", "na")   # Thanksgiving
    book.now = "2026-12-28T09:00:00+08:00"
    data = audit(book, "--from", "2026-11-20", "--to", "2026-12-28")
    found = {v["account_id"]: v for v in data["violations"]}
    assert found["TW-1"]["rule"] == "public_holiday"
    assert found["TW-1"]["detail"]["day"] == "2026-12-25"
    assert found["TW-1"]["text"] == "public holiday (Constitution Day) in Asia/Taipei"
    assert found["IE-1"]["rule"] == "no_calls_on_weekday"
    assert found["IE-1"]["text"] == "no calls on sun in Europe/Dublin"
    assert found["US-2"]["detail"] == {"country": "US", "day": "2026-11-26",
                                       "zone": "America/New_York",
                                       "local": "2026-11-26T12:00:00-05:00"}
    assert len(data["violations"]) == 3


def test_the_caps_of_a_day_and_of_seven_days(book):
    for hour in (10, 11, 12, 13):                          # the 4th of a day (tw: 3)
        log(book, f"2026-12-02T{hour}:00:00+08:00", "TW-1", "na")
    for day, hour in ((1, 10), (1, 15), (2, 10), (3, 10), (4, 10), (5, 10), (6, 10),
                      (7, 10)):                            # the 8th in 7 days (tw: 7)
        log(book, f"2026-12-0{day}T{hour}:00:00+08:00", "TW-3", "na")
    book.now = "2026-12-08T09:00:00+08:00"
    data = audit(book, "--from", "2026-12-01", "--to", "2026-12-07")
    assert rules(data) == [("2026-12-02T13:00:00+08:00", "cap_today"),
                           ("2026-12-07T10:00:00+08:00", "cap_7_days")]
    assert [v["detail"] for v in data["violations"]] == [{"calls": 4}, {"calls": 8}]


def test_the_monthly_contacts_cap_of_an_au_mobile(book):
    """au: 10 contacts a calendar month, and 3 a week: the 11th contact in December,
    never more than 2 in the 7 days before any of them."""
    for day in (1, 3, 7, 9, 14, 16, 21, 23, 29, 30):
        log(book, f"2026-12-{day:02d}T15:00:00+11:00", "AU-1", "rpc", collector="bob")
    log(book, "2026-12-31T15:00:00+11:00", "AU-1", "na", collector="bob")
    book.now = "2027-01-02T09:00:00+08:00"
    data = audit(book, "--from", "2026-12-01", "--to", "2026-12-31")
    assert data["calls_checked"] == 11
    (found,) = data["violations"]
    assert (found["rule"], found["detail"]) == ("cap_contacts_month",
                                                {"contacts": 10, "month": "2026-12"})
    assert found["collector"] == "bob" and found["text"] == "cap: 10 contacts in 2026-12"


def test_the_reg_f_hold_after_a_conversation_day_by_day(book):
    """us: 7 days, the conversation's day being day 1; day 8 is free."""
    log(book, "2026-12-01T12:00:00-05:00", "US-2", "rpc")
    for day in range(2, 10):
        log(book, f"2026-12-0{day}T13:00:00-05:00", "US-2", "na")
    book.now = "2026-12-11T09:00:00+08:00"
    data = audit(book, "--from", "2026-12-01", "--to", "2026-12-10")
    # The collector's dates (Taipei): 13:00 New York is 02:00 the next day.
    assert rules(data) == [(f"2026-12-0{day}T02:00:00+08:00", "conversation_hold")
                           for day in range(3, 9)]
    assert data["violations"][0]["detail"] == {"on": "2026-12-01", "days": 7}
    assert data["calls_checked"] == 9


def test_cease_holds_until_resumed(book):
    log(book, "2026-12-01T10:00:00+08:00", "TW-2", "cease", collector="bob")
    log(book, "2026-12-02T10:00:00+08:00", "TW-2", "na", collector="bob")
    book.now = "2026-12-03T10:00:00+08:00"
    assert book("account", "TW-2", "--resume", "-c", "lena").exit_code == 0
    log(book, "2026-12-04T10:00:00+08:00", "TW-2", "na", collector="bob")
    data = audit(book, "--from", "2026-12-01", "--to", "2026-12-04")
    assert rules(data) == [("2026-12-02T10:00:00+08:00", "cease")]
    assert data["violations"][0]["detail"] == {"since": "2026-12-01"}
    assert data["calls_checked"] == 3


def test_a_workplace_number_under_the_ie_pack(book):
    log(book, "2026-12-01T12:00:00+00:00", "IE-1", "na", "--phone", "+353 1 234 5678",
        collector="bob")
    log(book, "2026-12-01T13:00:00+00:00", "IE-1", "na", "--phone", "+353 86 123 4567",
        collector="bob")
    book.now = "2026-12-02T09:00:00+08:00"
    data = audit(book, "--date", "2026-12-01")
    (found,) = data["violations"]
    assert (found["rule"], found["detail"]) == ("workplace_not_allowed", {"pack": "ie"})
    assert found["text"] == "to a workplace number, which the ie rules forbid calling"


def test_a_clean_day(book):
    log(book, "2026-12-10T11:00:00+08:00", "TW-1", "na")
    log(book, "2026-12-10T14:00:00+08:00", "AU-1", "rpc", collector="bob")
    result = book("audit", "--fail-on-violation")
    assert result.exit_code == 0, result.output
    assert result.stdout == "no violations in 2 calls\n"
    assert audit(book) == {"from": "2026-12-10", "to": "2026-12-10", "calls_checked": 2,
                           "violations": []}


@pytest.fixture
def broken(book):
    """Two calls that broke rules (alice's at night, bob's to a workplace in Ireland) and
    one that broke none, on Tue 2026-12-01."""
    log(book, "2026-12-01T23:30:00+08:00", "TW-1", "na")
    log(book, "2026-12-01T12:00:00+00:00", "IE-1", "na", "--phone", "+353 1 234 5678",
        collector="bob")
    log(book, "2026-12-01T15:00:00+08:00", "TW-3", "rpc")
    book.now = "2026-12-03T09:00:00+08:00"
    return book


def test_text_one_line_a_violation_then_a_summary(broken):
    result = broken("audit", "--from", "2026-12-01", "--to", "2026-12-03")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "#2  Tue 2026-12-01 20:00  IE-1  bob  to a workplace number, which the ie rules "
        "forbid calling\n"
        "#1  Tue 2026-12-01 23:30  TW-1  alice  outside legal hours in Asia/Taipei (23:30 "
        "there; legal 07:00-22:00)\n"
        "2 violations in 3 calls checked (2 broke a rule)\n")


def test_csv_one_row_a_violation_with_the_json_keys(broken):
    result = broken("audit", "--week", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["call_id", "account_id", "collector", "called_at", "rule",
                             "detail", "text"]
    assert [(r["call_id"], r["rule"]) for r in rows] == [("2", "workplace_not_allowed"),
                                                         ("1", "outside_legal_hours")]
    assert json.loads(rows[1]["detail"])["zone"] == "Asia/Taipei"


def test_periods_and_the_collector(broken):
    assert audit(broken)["from"] == "2026-12-03"                       # today
    week = audit(broken, "--week")                                     # Monday to today
    assert (week["from"], week["to"]) == ("2026-11-30", "2026-12-03")
    month = audit(broken, "--month")
    assert (month["from"], month["to"], month["calls_checked"]) == ("2026-12-01",
                                                                    "2026-12-03", 3)
    alice = audit(broken, "--month", "--collector", "alice")
    assert [v["account_id"] for v in alice["violations"]] == ["TW-1"]
    assert alice["calls_checked"] == 2
    for args in (["--week", "--month"], ["--week", "--date", "2026-12-01"],
                 ["--collector", "nobody"],
                 ["--date", "2026-12-01", "--from", "2026-11-30"],
                 ["--from", "2026-12-03", "--to", "2026-12-01"]):
        result = broken("audit", *args)
        assert result.exit_code == 2 and "Traceback" not in result.output, args


def test_fail_on_violation_exits_3_after_writing_the_audit(broken):
    result = broken("audit", "--month", "--fail-on-violation", "--format", "json")
    assert result.exit_code == 3
    assert len(json.loads(result.stdout)["violations"]) == 2
    assert result.stderr == "2 violations\n"
    assert broken("audit", "--month").exit_code == 0


def test_the_nightly_report_counts_each_collector_s_violations(broken):
    result, data = broken.json("report", "--from", "2026-12-01", "--to", "2026-12-03")
    assert result.exit_code == 0, result.output
    assert {c["name"]: c["violations"] for c in data["collectors"]} == {"alice": 1, "bob": 1}
    assert data["team"]["violations"] == 2
    text = broken("report", "--from", "2026-12-01", "--to", "2026-12-03").stdout
    assert text.splitlines()[2].split()[-1] == "violations"
    _, alone = broken.json("report", "--from", "2026-12-01", "--to", "2026-12-03",
                           "--collector", "bob")
    assert alone["team"]["violations"] == alone["collectors"][0]["violations"] == 1


def test_a_collector_on_a_team_server_sees_their_own_accounts_violations(broken, engine):
    if engine != "postgresql":
        pytest.skip("roles and row-level security are PostgreSQL's")
    from tests.cli.test_team import as_user, run_as

    for name, role in (("alice", "collector"), ("bob", "collector")):
        assert broken("team", "add", name, "--role", role).exit_code == 0
    mine = run_as(as_user(str(broken.db), "alice"), "audit", "--month", "--format", "json")
    assert mine.exit_code == 0, mine.output
    data = json.loads(mine.stdout)
    assert [v["account_id"] for v in data["violations"]] == ["TW-1"]
    assert data["calls_checked"] == 2
    team = audit(broken, "--month")
    assert len(team["violations"]) == 2
