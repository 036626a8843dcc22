"""Legal wherever the debtor may be (issue 18): candidate zones from the phones, the country
packs by default, whose number it is, every cap, the hold after a conversation, and log's
warnings. Fixed --now (a Taipei desk, the default config) unless a test says otherwise.

The legality checks here are computed from phonenumbers and zoneinfo directly, with the
packs' hours written out below, not from collectctl's own functions."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import phonenumbers
import pytest
from phonenumbers import timezone as pn_timezone

HEADER = "account_id,name,amount_due,mobile,work phone,relative phone,assigned_to\n"
TAIPEI = ZoneInfo("Asia/Taipei")

#: Each country's legal hours (weekday, weekend; None: no calls) and days without calls, as
#: DOMAIN.md and the issue give them.
HOURS = {
    "US": (("08:00", "21:00"), ("08:00", "21:00"), ()),
    "GB": (("08:00", "21:00"), ("08:00", "21:00"), ()),
    "IE": (("09:00", "21:00"), ("09:00", "21:00"), (6,)),
    "AU": (("07:30", "21:00"), ("09:00", "21:00"), ()),
    "TW": (("07:00", "22:00"), ("07:00", "22:00"), ()),
}

#: A multi-country portfolio with no zone column: US numbers on both sides of zone lines
#: (605: Denver/Central; 208: Boise/Los Angeles), Hawaii, Alaska, the UK, Ireland, an
#: Australian mobile (every Australian zone) and Taiwan.
PORTFOLIO = {
    "NY": "+1 212 736 5000", "SD": "+1 605 555 1234", "ID": "+1 208 555 1234",
    "HI": "+1 808 586 0034", "AK": "+1 907 465 3500", "LA": "+1 213 485 2121",
    "UK": "+44 20 7946 0000", "IE": "+353 1 234 5678", "AU": "+61 412 345 678",
    "TW": "0912345678",
}


@pytest.fixture
def cli(cli, monkeypatch):
    monkeypatch.setenv("COLLECTCTL_COLLECTOR", "alice")
    cli.now = "2026-12-04T00:05:00+08:00"
    return cli


def load(cli, make_csv, rows: str) -> None:
    result = cli("import", "accounts", make_csv("a.csv", HEADER + rows))
    assert result.exit_code == 0, result.output


def zones_of(number: str) -> tuple[str, ...]:
    parsed = phonenumbers.parse(number, "TW")
    return tuple(z for z in pn_timezone.time_zones_for_number(parsed) if z != "Etc/Unknown")


def legal(country: str, moment: datetime, zone: str) -> bool:
    weekday, weekend, closed = HOURS[country]
    local = moment.astimezone(ZoneInfo(zone))
    if local.weekday() in closed:
        return False
    hours = weekend if local.weekday() >= 5 else weekday
    return time.fromisoformat(hours[0]) <= local.time() < time.fromisoformat(hours[1])


def plan_of(cli, day: date) -> dict:
    result = cli("plan", "--date", day.isoformat(), "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_week_from_a_taipei_desk_is_legal_in_every_zone_each_debtor_may_be_in(cli, make_csv):
    load(cli, make_csv, "".join(f"{aid},Debtor {aid},{1000 + n * 100},{number},,,alice\n"
                                for n, (aid, number) in enumerate(PORTFOLIO.items())))
    country = {aid: phonenumbers.region_code_for_number(phonenumbers.parse(number, "TW"))
               for aid, number in PORTFOLIO.items()}
    planned = 0
    for offset in range(7):
        data = plan_of(cli, date(2026, 12, 4) + timedelta(days=offset))
        for call in data["calls"]:
            start = datetime.fromisoformat(call["start"])
            last_minute = datetime.fromisoformat(call["end"]) - timedelta(minutes=1)
            aid = call["account_id"]
            for zone in zones_of(PORTFOLIO[aid]):
                assert legal(country[aid], start, zone), (aid, call["start"], zone)
                assert legal(country[aid], last_minute, zone), (aid, call["end"], zone)
            planned += 1
    # A Taipei day shift reaches US debtors only in their early evening: some are planned.
    assert planned >= 20


def test_zones_and_their_source_in_show(cli, make_csv):
    load(cli, make_csv, "SD,D,100,+1 605 555 1234,,,alice\nTW,D,100,0912345678,,,alice\n"
                        "AU,D,100,+61 412 345 678,,,alice\n")
    _, sd = cli.json("show", "SD")
    assert sd["timezone_source"] == "phone"
    assert set(sd["timezones"]) == set(zones_of("+1 605 555 1234"))
    assert len(sd["timezones"]) == 2 and sd["timezone"] == sd["timezones"][0]
    _, au = cli.json("show", "AU")
    assert {"Australia/Perth", "Australia/Sydney"} <= set(au["timezones"])
    _, tw = cli.json("show", "TW")
    assert (tw["timezones"], tw["timezone_source"]) == (["Asia/Taipei"], "phone")


def test_a_zone_column_that_contradicts_the_phone_keeps_both(cli, make_csv):
    text = ("account_id,amount_due,mobile,timezone,assigned_to\n"
            "X,100,+1 212 736 5000,Europe/London,alice\n"
            "Y,100,+1 212 736 5000,America/New_York,alice\nZ,100,,Asia/Tokyo,alice\n")
    result, summary = cli.json("import", "accounts", make_csv("z.csv", text))
    assert result.exit_code == 0
    # London and New York share no minute of a Taipei day shift.
    assert summary["no_common_hours"] == ["X"] and summary["timezone_from_phone"] == 1
    _, x = cli.json("show", "X")
    assert (x["timezones"], x["timezone_source"]) == (
        ["Europe/London", "America/New_York"], "file+phone")
    _, y = cli.json("show", "Y")
    assert (y["timezones"], y["timezone_source"]) == (["America/New_York"], "file")
    _, z = cli.json("show", "Z")
    assert (z["timezones"], z["timezone_source"]) == (["Asia/Tokyo"], "file")
    cli.now = "2026-12-04T09:00:00+08:00"
    assert cli("plan", "--why-not", "X").stdout == (
        "X: no minute of the shift is legal in every zone the debtor may be in "
        "(Europe/London, America/New_York)\n")


def test_us_toll_free_number_says_only_the_country(cli, make_csv):
    load(cli, make_csv, "TF,D,100,+1 800 555 0199,,,alice\n")
    _, tf = cli.json("show", "TF")
    assert "Pacific/Honolulu" in tf["timezones"] and "America/New_York" in tf["timezones"]
    assert not any(z.startswith("America/Antigua") for z in tf["timezones"])  # not NANP's


def test_rules_packs_apply_by_country_by_default(cli, make_csv):
    load(cli, make_csv, "NY,D,100,+1 212 736 5000,,,alice\nJP,D,100,+81 3 1234 5678,,,alice\n")
    out = cli("rules", "check").stdout
    assert "US→us" in out and "TW→tw" in out
    assert "(1 open account)" in out
    assert "1 open account in JP, which has no pack in rules.by_country" in out
    cli.now = "2026-12-04T09:00:00+08:00"
    _, data = cli.json("plan", "--explain", "NY")
    assert data["window"]["rule_pack"] == "us" and data["window"]["rule_packs"] == ["us"]


def test_the_us_hold_after_a_conversation_day_by_day(cli, make_csv):
    """Reg F: seven days after a conversation, the conversation's day being day 1."""
    load(cli, make_csv, "NY,D,100,+1 212 736 5000,,,alice\n")
    cli.now = "2026-12-04T09:30:00+08:00"  # Thu 2026-12-03 20:30 in New York
    assert cli("log", "NY", "rpc").exit_code == 0
    # Plan days are Taipei's; a Taipei day shift is the evening before in New York, so
    # Taipei's 10th is New York's 9th, day 7 of the hold, and the 11th its 10th, day 8.
    expected = {date(2026, 12, 4): "conversation_hold", date(2026, 12, 7): "conversation_hold",
                date(2026, 12, 9): "conversation_hold", date(2026, 12, 10): "conversation_hold",
                date(2026, 12, 11): "planned"}
    for day, code in expected.items():
        result = cli("plan", "--date", day.isoformat(), "--why-not", "NY", "--format", "json")
        assert json.loads(result.stdout)["reason"] == code, day
    # A call logged inside the hold is recorded, with a warning naming the rule.
    cli.now = "2026-12-08T09:00:00+08:00"
    logged = cli("log", "NY", "na")
    assert logged.exit_code == 0 and "(entry 2)" in logged.stdout
    assert "hold: conversation on 2026-12-03" in logged.stderr
    assert cli.count("calls") == 2


def test_the_australian_monthly_contact_cap(cli, make_csv):
    load(cli, make_csv, "AU,D,100,+61 412 345 678,,,alice\n")
    days = [1, 4, 7, 10, 14, 17, 21, 24, 28, 29]  # never more than 3 in 7 days
    rows = "".join(f"AU,2026-12-{d:02d}T10:00:00+11:00,rpc,alice\n" for d in days)
    imported = make_csv("calls.csv", "account_id,called_at,outcome,collector\n" + rows)
    cli.now = "2026-12-30T08:00:00+08:00"
    assert cli("import", "calls", imported).exit_code == 0
    result = cli("plan", "--date", "2026-12-31", "--why-not", "AU", "--format", "json")
    why = json.loads(result.stdout)
    assert (why["reason"], why["detail"]) == (
        "cap_contacts_month", {"contacts": 10, "month": "2026-12"})
    cli.now = "2026-12-31T09:00:00+08:00"  # 12:00 in Sydney
    logged = cli("log", "AU", "rpc")
    assert logged.exit_code == 0 and "cap: 10 contacts in 2026-12" in logged.stderr
    # January is a new month (the 1st is a public holiday; the 4th a Monday).
    result = cli("plan", "--date", "2027-01-04", "--why-not", "AU", "--format", "json")
    assert json.loads(result.stdout)["reason"] == "planned"


def test_whose_number_it_is(cli, make_csv):
    load(cli, make_csv,
         "IEW,D,100,,+353 1 234 5678,,alice\n"          # only a workplace number, ie pack
         "IEM,D,100,+353 87 123 4567,+353 1 234 5678,,alice\n"
         "UKW,D,100,,+44 20 7946 0000,,alice\n"         # a workplace number the uk pack allows
         "REL,D,100,,,0912345678,alice\n"                # only a relative's number
         "BOTH,D,100,0912000111,,0912345678,alice\n")
    cli.now = "2026-12-04T17:00:00+08:00"  # 09:00 in Dublin and London
    data = json.loads(cli("plan", "--format", "json").stdout)
    dialled = {c["account_id"]: c["phone"] for c in data["calls"]}
    assert "IEW" not in dialled and "REL" not in dialled
    assert dialled["IEM"] == "+353871234567"
    assert dialled["UKW"] == "+442079460000"
    assert dialled["BOTH"] == "+886912000111"
    why = json.loads(cli("plan", "--why-not", "IEW", "--format", "json").stdout)
    assert (why["reason"], why["detail"]) == ("workplace_not_allowed", {"pack": "ie"})
    assert cli("plan", "--why-not", "REL").stdout == (
        "REL: only third-party numbers (relatives, references): never dialled by the plan\n")
    _, rel = cli.json("show", "REL")
    assert [p["role"] for p in rel["phones"]] == ["third_party"]
    # The brief shows the third party's number for skip tracing, marked.
    assert "a third party's: never dialled by the plan" in cli("show", "REL").stdout
    # Calling a workplace number the rules forbid is recorded, with a warning.
    logged = cli("log", "IEW", "na", "--phone", "+353 1 234 5678")
    assert logged.exit_code == 0
    assert "to a workplace number, which the ie rules forbid calling" in logged.stderr


def test_chinese_headers_name_third_party_and_workplace_numbers(cli, make_csv):
    text = ("帳號,金額,手機,公司電話,緊急聯絡人電話,聯絡人電話,親屬電話\n"
            "C1,100,,0223456789,0912000001,0912000002,0912000003\n")
    assert cli("import", "accounts", make_csv("c.csv", text)).exit_code == 0
    _, c1 = cli.json("show", "C1")
    assert [(p["label"], p["role"]) for p in c1["phones"]] == [
        ("work", "workplace"), ("emergency", "third_party"), ("reference", "third_party"),
        ("relative", "third_party")]


def test_log_warns_outside_legal_hours_in_the_zone_that_makes_it_illegal(cli, make_csv):
    load(cli, make_csv, "NY,D,100,+1 212 736 5000,,,alice\nTW,D,100,0912345678,,,alice\n")
    cli.now = "2026-12-04T16:30:00+08:00"  # 03:30 in New York
    logged = cli("log", "NY", "na")
    assert logged.exit_code == 0 and cli.count("calls") == 1
    assert logged.stderr == ("warning: NY (entry 1): broke a calling rule: outside legal "
                             "hours in America/New_York (03:30 there; legal 08:00-21:00)\n")
    clean = cli("log", "TW", "na")
    assert clean.exit_code == 0 and clean.stderr == ""


def test_a_callback_at_an_illegal_time_is_refused_and_one_after_the_shift_is_marked(
        cli, make_csv):
    load(cli, make_csv, "NY,D,100,+1 212 736 5000,,,alice\n")
    cli.now = "2026-12-04T09:30:00+08:00"
    refused = cli("log", "NY", "cb", "--at", "2026-12-04T23:00")
    assert refused.exit_code == 2 and cli.count("calls") == 0
    assert refused.stderr.strip().endswith(
        "--at: no call is legal then in America/New_York (legal hours 08:00-21:00)")
    # 20:00 in New York is 09:00 the next day in Taipei, within the shift: no warning.
    ok = cli("log", "NY", "cb", "--at", "2026-12-04T20:00")
    assert ok.exit_code == 0 and ok.stderr == ""
    # 19:00 in New York on the 7th: 08:00 in Taipei, before the shift (09:00): accepted,
    # with a warning, and planned at its own time, marked.
    late = cli("log", "NY", "cb", "--at", "2026-12-07T19:00")
    assert late.exit_code == 0 and "outside your shift" in late.stderr


def test_import_calls_records_every_call_and_names_the_rules_they_broke(cli, make_csv):
    load(cli, make_csv, "NY,D,100,+1 212 736 5000,,,alice\nTW,D,100,0912345678,,,alice\n")
    cli.now = "2026-12-04T18:00:00+08:00"
    rows = ("account_id,called_at,outcome,collector\n"
            "NY,2026-12-04T16:30+08:00,na,alice\nTW,2026-12-04T10:00+08:00,na,alice\n")
    result, summary = cli.json("import", "calls", make_csv("c.csv", rows))
    assert result.exit_code == 0 and summary["inserted"] == 2 and cli.count("calls") == 2
    assert [(b["line"], b["account_id"], b["rule"], b["detail"]["zone"])
            for b in summary["broke_rules"]] == [
        (2, "NY", "outside_legal_hours", "America/New_York")]
