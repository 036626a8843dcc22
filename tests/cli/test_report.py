"""``report`` and ``target``: every metric on a hand-computed day, formats, thresholds."""

from __future__ import annotations

import csv
import io
import json
import stat

import pytest

HEADER = "account_id,name,amount_due,mobile,assigned_to\n"
ROWS = ("A-1,王小明,10000,0912-345-678,alice\n"
        "A-2,林美玲,30000,0922-333-444,alice\n"
        "B-1,陳志豪,60000,0933-111-222,bob\n")


@pytest.fixture
def day(cli, make_csv):
    """Fri 2026-12-04, Taipei. Accounts imported on 2026-12-01."""
    cli.now = "2026-12-01T09:00:00+08:00"
    assert cli("import", "accounts", make_csv("a.csv", HEADER + ROWS)).exit_code == 0
    cli.now = "2026-12-02T10:00:00+08:00"
    run(cli, "log", "A-1", "ptp", "-a", "1000", "-d", "2026-12-04", "-c", "alice")  # kept
    run(cli, "log", "A-2", "ptp", "-a", "3000", "-d", "2026-12-04", "-c", "alice")  # partial
    cli.now = "2026-12-03T10:00:00+08:00"
    run(cli, "pay", "A-2", "500", "--date", "2026-12-03")     # before the day: not collected
    cli.now = "2026-12-04T10:00:00+08:00"
    run(cli, "log", "A-1", "na", "-c", "alice")
    run(cli, "log", "A-1", "vm", "-c", "alice")
    run(cli, "log", "A-1", "paid", "-a", "1000", "-c", "alice")   # rpc + payment on alice's
    run(cli, "log", "A-2", "tp", "-c", "alice")
    run(cli, "log", "A-2", "complaint", "-c", "alice")
    run(cli, "log", "B-1", "rpc", "-c", "alice")              # alice calls bob's account
    run(cli, "log", "B-1", "ptp", "-a", "6000", "-d", "2026-12-10", "-c", "bob")
    run(cli, "log", "B-1", "na", "-c", "bob")
    run(cli, "undo", "-c", "bob")                             # bob's "na" does not count
    run(cli, "pay", "B-1", "2000", "--reference", "TX1")      # bob collects via his account
    cli.now = "2026-12-07T20:00:00+08:00"                     # promises due 12-04 judged now
    return cli


def run(cli, *args):
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return result


def report(cli, *args):
    result, data = cli.json("report", *args)
    assert result.exit_code == 0, result.output
    return data


def test_every_metric_on_a_hand_computed_day(day):
    data = report(day, "--date", "2026-12-04")
    assert data["schema"] == "collectctl.report/2"
    assert (data["from"], data["to"]) == ("2026-12-04", "2026-12-04")
    alice, bob = (next(c for c in data["collectors"] if c["name"] == n) for n in ("alice", "bob"))
    assert alice == {
        "name": "alice", "calls": 6, "contacts": 4, "right_party_contacts": 3, "promises": 0,
        "promised_amount": {}, "promises_kept": 1, "promises_broken": 1, "kept_rate": 0.5,
        "collected": {"TWD": "1000.00"}, "recovery_rate": {"TWD": round(1000 / 39500, 4)},
        "complaints": 1,
        "contact_rate": round(4 / 6, 4), "rpc_rate": 0.5, "violations": 0, "targets": {},
        # Her three right-party contacts, nothing decided before the day: each the rules'
        # P(pay) 0.2 x share 0.3 of its list's balance, (10,000 + 30,000 + 60,000) x 0.06.
        "expected": {"TWD": "6000.00"},
    }
    assert bob == {
        "name": "bob", "calls": 1, "contacts": 1, "right_party_contacts": 1, "promises": 1,
        "promised_amount": {"TWD": "6000.00"}, "promises_kept": 0, "promises_broken": 0,
        "kept_rate": None,  # no promise of bob's fell due: no denominator
        "collected": {"TWD": "2000.00"}, "recovery_rate": {"TWD": round(2000 / 60000, 4)},
        "complaints": 0, "contact_rate": 1.0, "rpc_rate": 1.0, "violations": 0, "targets": {},
        "expected": {"TWD": "3600.00"},  # 60,000 x 0.06
    }
    team = data["team"]
    assert (team["calls"], team["collected"], team["promises_kept"]) == (
        7, {"TWD": "3000.00"}, 1)
    assert team["recovery_rate"] == {"TWD": round(3000 / 99500, 4)}
    assert data["converted"] is None  # no fx: in the config
    assert [c["name"] for c in data["collectors"]] == ["bob", "alice"]  # by collected


def test_a_range_counts_the_promises_made_and_payments_in_it(day):
    data = report(day, "--from", "2026-12-01", "--to", "2026-12-04")
    alice = next(c for c in data["collectors"] if c["name"] == "alice")
    assert alice["promises"] == 2 and alice["promised_amount"] == {"TWD": "4000.00"}
    assert alice["collected"] == {"TWD": "1500.00"}  # the 12-03 payment is in the range now


def test_yesterday_for_a_report_run_after_midnight(day):
    day.now = "2026-12-05T00:30:00+08:00"
    assert report(day, "--date", "yesterday")["from"] == "2026-12-04"


def test_an_empty_period_is_a_report_of_zeros(day):
    data = report(day, "--date", "2026-11-01")
    assert data["team"]["calls"] == 0 and data["team"]["collected"] == {}
    # Rates without a denominator are unknown, not 0; the recovery rate is 0 in TWD (the
    # balance outstanding at the start), and nothing was promised.
    team = data["team"]
    assert (team["contact_rate"], team["rpc_rate"], team["kept_rate"]) == (None, None, None)
    assert team["recovery_rate"] == {"TWD": 0.0} and team["promised_amount"] == {}


def test_one_collector(day):
    data = report(day, "--date", "2026-12-04", "--collector", "bob")
    assert [c["name"] for c in data["collectors"]] == ["bob"]
    assert data["team"]["collected"] == {"TWD": "2000.00"}


def test_text_markdown_csv_and_byte_identical_output(day):
    text = run(day, "report", "--date", "2026-12-04").stdout
    assert text == run(day, "report", "--date", "2026-12-04").stdout
    kpis = text.split("\n\n")[1]  # the title, the KPIs, then the portfolio
    assert "Collection report, 2026-12-04 (team)" in text and "team" in kpis.splitlines()[-1]
    md = run(day, "report", "--date", "2026-12-04", "-f", "markdown").stdout
    assert md.splitlines()[2].startswith("| collector | collected |")
    assert md.splitlines()[3].startswith("|---|---:|")
    rows = list(csv.reader(io.StringIO(run(day, "report", "--date", "2026-12-04",
                                           "-f", "csv").stdout)))
    assert rows[0][:3] == ["collector", "calls", "contacts"] and len(rows) == 3


def test_csv_and_markdown_cells_are_formula_safe(cli, make_csv):
    cli("import", "accounts", make_csv("a.csv", HEADER + "X,Y,100,0912345678,=evil\n"))
    cli("log", "X", "na", "-c", "=evil")
    rows = list(csv.reader(io.StringIO(cli("report", "-f", "csv").stdout)))
    assert rows[1][0] == "'=evil"
    assert "| '=evil |" in cli("report", "-f", "markdown").stdout


def test_fail_under_exits_3_and_still_writes(day, tmp_path):
    out = tmp_path / "r.json"
    result = day("report", "--date", "2026-12-04", "-f", "json", "-o", out,
                 "--fail-under", "collected=5000")
    assert result.exit_code == 3 and "collected 3,000.00 TWD < 5,000.00 TWD" in result.stderr
    assert json.loads(out.read_text())["team"]["collected"] == {"TWD": "3000.00"}
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    ok = day("report", "--date", "2026-12-04", "--fail-under", "collected=3000",
             "--fail-under", "contact_rate=0.5")
    assert ok.exit_code == 0


@pytest.mark.parametrize(("args", "message"), [
    (["--fail-under", "money=5"], "METRIC=VALUE"),
    (["--fail-under", "calls=1.5"], "calls takes a whole number"),
    (["--from", "2026-12-05", "--to", "2026-12-01"], "is before --from"),
    (["--date", "someday"], "--date"),
    (["--collector", "zed"], "no collector 'zed'"),
    (["--collector", "bob", "--team"], "not both"),
])
def test_bad_arguments_exit_2(day, args, message):
    result = day("report", *args)
    assert result.exit_code == 2 and message in result.stderr


def test_target_split_adds_up_exactly(day):
    out = run(day, "target", "split", "--team-total", "collected=100000.01", "--by", "balance")
    lines = dict(line.split("  ") for line in out.stdout.strip().splitlines()[:-1])
    assert all(v.endswith("TWD") for v in lines.values())  # in the config's currency
    values = [float(v.split("=")[1].removesuffix("TWD")) for v in lines.values()]
    assert round(sum(values), 2) == 100000.01
    assert "total collected=100000.01TWD" in out.stdout
    even = run(day, "target", "split", "--team-total", "calls=100", "--by", "even").stdout
    assert "alice  calls=50" in even and "bob  calls=50" in even
    listed = run(day, "target", "list").stdout
    assert "alice  month  2026-12-01  calls=50" in listed
    run(day, "target", "clear")
    assert "No targets set." in run(day, "target", "list").stdout


def test_target_set_for_the_team_and_a_collector(day):
    run(day, "target", "set", "calls=2000", "collected=500000", "--period", "week", "--team")
    run(day, "target", "set", "calls=300", "--period", "day", "--collector", "bob")
    listed = run(day, "target", "list").stdout
    assert "team  week  2026-12-07  calls=2000" in listed
    assert "bob  day  2026-12-07  calls=300" in listed


def test_a_recovery_rate_target_names_its_currency_and_types_back_as_listed(day):
    """A recovery rate is per currency: ``0.25AUD`` is the AUD accounts' rate, a bare
    share the config's currency's; ``target list`` writes each the way ``target set``
    takes it (it wrote ``0.1TWD``, which ``target set`` refused)."""
    run(day, "target", "set", "recovery_rate=0.1", "--period", "month", "--team")
    run(day, "target", "set", "recovery_rate=0.25 aud", "--period", "month",
        "--collector", "alice")
    listed = run(day, "target", "list").stdout
    assert "team  month  2026-12-01  recovery_rate=0.1TWD" in listed
    assert "alice  month  2026-12-01  recovery_rate=0.25AUD" in listed
    for line in listed.splitlines():  # each typed back as it is listed
        who, period, _start, pair = line.split()
        scope = ["--team"] if who == "team" else ["--collector", who]
        run(day, "target", "set", pair, "--period", period, *scope)
    assert run(day, "target", "list").stdout == listed
    _, data = day.json("report", "--date", "2026-12-04")
    assert data["team"]["targets"]["recovery_rate"]["target"] == {"TWD": 0.1}
    alice = next(c for c in data["collectors"] if c["name"] == "alice")
    # alice has no AUD accounts: AUD's rate has no denominator, the target nothing to judge
    assert alice["targets"]["recovery_rate"] == {"target": {"AUD": 0.25},
                                                 "actual": {"AUD": None}, "attained": None}
    bad = day("target", "set", "recovery_rate=0.1TWDX", "--period", "month", "--team")
    assert bad.exit_code == 2 and "takes a share from 0 to 1" in bad.output


@pytest.mark.parametrize(("period", "word"), [("day", "日"), ("week", "週"), ("month", "月")])
def test_target_set_says_its_period_in_the_collectors_language(day, period, word):
    said = run(day, "--lang", "zh_TW", "target", "set", "calls=30", "--period", period,
               "--team").stdout
    assert f"（{word}目標，自 " in said and period not in said
    assert f"for the {period} from " in run(day, "target", "set", "calls=30", "--period",
                                            period, "--team").stdout


def test_progress_against_a_monthly_target_and_the_pace(day):
    # Friday 13:30 of a 09:00-18:00 shift with lunch 12:00-13:00 (the default): 3.5 of
    # its 8 working hours gone by (the lunch hour is not working time).
    day.now = "2026-12-04T13:30:00+08:00"
    run(day, "target", "set", "collected=22000", "calls=220", "--period", "month",
        "--collector", "alice")
    _, data = day.json("progress", "--collector", "alice")
    assert (data["period"], data["from"], data["to"]) == ("day", "2026-12-04", "2026-12-04")
    by_name = {m["name"]: m for m in data["metrics"]}
    # December 2026 has 22 working days in Taiwan: 1,000.00 and 10 calls a day.
    assert by_name["collected"] == {"name": "collected", "actual": {"TWD": "1000.00"},
                                    "target": {"TWD": "1000.00"}, "percent": 1.0,
                                    "pace": {"TWD": "437.50"}}   # 1,000 x 3.5 / 8
    assert by_name["calls"]["target"] == 10 and by_name["calls"]["actual"] == 6
    assert by_name["calls"]["pace"] == 4                           # 10 x 3.5 / 8 = 4.375
    assert by_name["right_party_contacts"]["target"] is None
    # The calls left in today's plan, in JSON as in the text.
    assert data["plan_remaining"] == len(day.json("plan", "--collector", "alice")[1]["calls"])
    _, month = day.json("progress", "--collector", "alice", "--period", "month")
    assert {m["name"]: m["target"] for m in month["metrics"]}["calls"] == 220
    text = day("progress", "--collector", "alice").stdout
    assert "collected" in text and "ahead" in text and "\x1b[" not in text
    assert "calls left in today's plan" in text


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "csv", "html"])
def test_no_debtor_name_or_phone_in_any_format(day, fmt):
    for extra in ([], ["--redact"]):
        out = run(day, "report", "--from", "2026-12-01", "--to", "2026-12-07", "-f", fmt,
                  *extra).stdout
        assert "王小明" not in out and "912345678" not in out and "0912" not in out
