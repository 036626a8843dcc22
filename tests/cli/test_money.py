"""Money never crosses currencies (issue 21): a two-currency portfolio through the report in
every format, progress against a target in AUD, promises, fail-under, target split by
balance in two currencies, and the ``fx:`` converted total. Every figure hand-computed."""

from __future__ import annotations

import csv
import io
import json

import pytest

HEADER = "account_id,name,amount_due,currency,mobile,assigned_to\n"
ROWS = ("T-1,王小明,100000,TWD,0912-345-678,alice\n"
        "A-1,Jane Roe,5000,AUD,0922-333-444,alice\n"
        "T-2,陳志豪,60000,TWD,0933-111-222,bob\n"
        "A-2,John Doe,2000,AUD,0944-555-666,bob\n")


def run(cli, *args):
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def two(cli, make_csv):
    """Fri 2026-12-04: alice collects 20,000 TWD and 100 AUD; bob promises 1,000 AUD."""
    cli.now = "2026-12-01T09:00:00+08:00"
    run(cli, "import", "accounts", make_csv("a.csv", HEADER + ROWS))
    cli.now = "2026-12-04T10:00:00+08:00"
    run(cli, "log", "T-1", "paid", "-a", "20000", "-c", "alice")
    run(cli, "pay", "A-1", "100")  # no call: A-1 is still in alice's plan
    run(cli, "log", "A-2", "ptp", "-a", "1000", "-d", "2026-12-10", "-c", "bob")
    cli.now = "2026-12-04T16:00:00+08:00"
    return cli


def report(cli, *args):
    result, data = cli.json("report", "--date", "2026-12-04", *args)
    assert result.exit_code == 0, result.output
    return data


def test_the_report_keeps_each_currency_apart(two):
    data = report(two)
    assert data["schema"] == "collectctl.report/2"
    team = data["team"]
    assert team["collected"] == {"AUD": "100.00", "TWD": "20000.00"}  # never 20,100
    assert team["promised_amount"] == {"AUD": "1000.00"}
    # Outstanding at the start: 160,000 TWD and 7,000 AUD.
    assert team["recovery_rate"] == {"AUD": round(100 / 7000, 4), "TWD": 0.125}
    alice, bob = (next(c for c in data["collectors"] if c["name"] == n)
                  for n in ("alice", "bob"))
    assert alice["collected"] == {"AUD": "100.00", "TWD": "20000.00"}
    assert alice["recovery_rate"] == {"AUD": 0.02, "TWD": 0.2}
    assert alice["promised_amount"] == {}
    assert bob["collected"] == {} and bob["recovery_rate"] == {"AUD": 0.0, "TWD": 0.0}
    # No promise fell due: the kept rate has no denominator, in JSON null.
    assert team["kept_rate"] is None and bob["kept_rate"] is None
    assert data["converted"] is None


def _team_row(text: str, word: str = "team") -> str:
    """The collectors' table's last row, the team's (the portfolio's tables follow it)."""
    return next(line for line in text.splitlines() if line.startswith(word + " "))


def _converted_line(text: str) -> str:
    """The converted total, said once, right below the collectors' table."""
    (line,) = [line for line in text.splitlines() if "≈" in line]
    return line


def test_the_text_markdown_csv_and_html_show_each_currency(two):
    text = run(two, "report", "--date", "2026-12-04").stdout
    team = _team_row(text)
    assert "100.00 AUD, 20,000.00 TWD" in team and "20,100" not in text
    assert "AUD 1.43%, TWD 12.50%" in team and "1,000.00 AUD" in team
    assert team.split()[-3] == "—"  # the kept rate: no promise fell due
    md = run(two, "report", "--date", "2026-12-04", "-f", "markdown").stdout
    assert "| team | 100.00 AUD, 20,000.00 TWD | AUD 1.43%, TWD 12.50% |" in md
    rows = list(csv.DictReader(io.StringIO(
        run(two, "report", "--date", "2026-12-04", "-f", "csv").stdout)))
    alice = next(r for r in rows if r["collector"] == "alice")
    assert (alice["collected_AUD"], alice["collected_TWD"]) == ("100.00", "20000.00")
    assert (alice["recovery_rate_AUD"], alice["recovery_rate_TWD"]) == ("0.02", "0.2")
    assert "collected" not in alice and alice["kept_rate"] == ""
    bob = next(r for r in rows if r["collector"] == "bob")
    assert (bob["collected_AUD"], bob["promised_amount_AUD"]) == ("0.00", "1000.00")
    html = run(two, "report", "--date", "2026-12-04", "-f", "html").stdout
    assert "<td>100.00 AUD, 20,000.00 TWD</td>" in html and "<td>—</td>" in html
    assert "20,100" not in html
    # The chart of collected per day is in one currency (no target: the config's).
    assert "<title>2026-12-04: 20,000.00 TWD</title>" in html


def test_zh_tw_writes_each_currency_with_its_symbol(two, monkeypatch):
    monkeypatch.setenv("COLLECTCTL_LANG", "zh_TW")
    team = _team_row(run(two, "report", "--date", "2026-12-04").stdout, "團隊")
    assert "A$100.00、NT$20,000" in team and "A$1,000.00" in team
    assert "24,100.00" not in team and "20,100" not in team
    assert "A$1,000.00" in run(two, "promises").stdout


def test_promises_say_their_currency(two):
    _, data = two.json("promises")
    assert [(p["account_id"], p["amount"], p["currency"]) for p in data] == [
        ("A-2", "1000.00", "AUD")]
    assert "1,000.00 AUD" in run(two, "promises").stdout


def test_fail_under_compares_in_the_thresholds_currency(two):
    below = two("report", "--date", "2026-12-04", "--fail-under", "collected=30000")
    assert below.exit_code == 3
    assert "collected 20,000.00 TWD < 30,000.00 TWD" in below.stderr
    assert two("report", "--date", "2026-12-04", "--fail-under",
               "collected=50AUD").exit_code == 0
    aud = two("report", "--date", "2026-12-04", "--fail-under", "collected=200AUD")
    assert aud.exit_code == 3 and "collected 100.00 AUD < 200.00 AUD" in aud.stderr
    rate = two("report", "--date", "2026-12-04", "--fail-under", "recovery_rate=0.2")
    assert rate.exit_code == 3 and "recovery_rate TWD 12.50% < 20.00%" in rate.stderr
    # A rate without a denominator is unknown, so below no threshold.
    assert two("report", "--date", "2026-12-04", "--fail-under",
               "kept_rate=0.9").exit_code == 0


def test_progress_against_a_target_in_aud(two):
    run(two, "target", "set", "collected=2000AUD", "calls=4", "--period", "day",
        "--collector", "alice")
    assert "alice  day  2026-12-04  collected=2000.00AUD" in run(two, "target", "list").stdout
    _, data = two.json("progress", "--collector", "alice")
    by_name = {m["name"]: m for m in data["metrics"]}
    # 16:00 of a 09:00-18:00 shift with lunch 12:00-13:00: 6 of 8 working hours.
    assert by_name["collected"] == {
        "name": "collected", "actual": {"AUD": "100.00", "TWD": "20000.00"},
        "target": {"AUD": "2000.00"}, "percent": 0.05, "pace": {"AUD": "1500.00"}}
    assert by_name["calls"]["pace"] == 3 and by_name["calls"]["actual"] == 1
    line = next(ln for ln in run(two, "progress", "--collector", "alice").stdout.splitlines()
                if ln.startswith("collected"))
    assert line.split() == ["collected", "100.00", "AUD", "/", "2,000.00", "AUD", "5%",
                            "pace", "1,500.00", "AUD", "behind", "(also", "20,000.00",
                            "TWD)"]


def test_progress_without_a_money_target_shows_every_currency(two):
    text = run(two, "progress", "--collector", "alice").stdout
    assert "100.00 AUD, 20,000.00 TWD" in text and "20,100" not in text


def test_target_split_by_balance_weighs_the_targets_currency_only(two):
    # AUD balances: alice 5,000, bob 2,000 (the TWD ones never enter).
    aud = run(two, "target", "split", "--team-total", "collected=7000AUD").stdout
    assert aud.splitlines() == ["alice  collected=5000.00AUD", "bob  collected=2000.00AUD",
                                "total collected=7000.00AUD"]
    # TWD balances: alice 100,000, bob 60,000.
    twd = run(two, "target", "split", "--team-total", "collected=160000").stdout
    assert twd.splitlines()[:2] == ["alice  collected=100000.00TWD",
                                    "bob  collected=60000.00TWD"]
    none = two("target", "split", "--team-total", "collected=100USD")
    assert none.exit_code == 2 and "no collector has open accounts in USD" in none.stderr


def test_a_count_target_takes_no_currency(two):
    result = two("target", "set", "calls=20AUD", "--period", "day", "--collector", "alice")
    assert result.exit_code == 2 and "calls takes a whole number" in result.stderr


def test_fx_adds_one_converted_total_labelled_with_its_date(two, tmp_path, monkeypatch):
    config = tmp_path / "fx.yaml"
    config.write_text("fx:\n  base: TWD\n  as_of: 2026-11-30\n  rates: {AUD: 20.5}\n")
    monkeypatch.setenv("COLLECTCTL_CONFIG", str(config))
    data = report(two)
    assert data["converted"] == {"currency": "TWD", "as_of": "2026-11-30",
                                 "amount": "22050.00", "missing": []}  # 20,000 + 100 x 20.5
    assert data["team"]["collected"] == {"AUD": "100.00", "TWD": "20000.00"}  # still apart
    text = run(two, "report", "--date", "2026-12-04").stdout
    assert _converted_line(text) == "collected ≈ 22,050.00 TWD at rates of 2026-11-30"
    config.write_text("fx:\n  as_of: 2026-11-30\n  rates: {USD: 32}\n")  # base: currency:
    data = report(two)
    assert data["converted"] == {"currency": "TWD", "as_of": "2026-11-30",
                                 "amount": "20000.00", "missing": ["AUD"]}
    text = run(two, "report", "--date", "2026-12-04", "-f", "markdown").stdout
    assert _converted_line(text) == ("collected ≈ 20,000.00 TWD at rates of 2026-11-30 "
                                     "(no rate for AUD: left out)")
    html = run(two, "report", "--date", "2026-12-04", "-f", "html").stdout
    assert '<p class="converted">collected ≈ 20,000.00 TWD at rates of 2026-11-30' in html


@pytest.mark.parametrize(("text", "message"), [
    ("fx:\n  rates: {AUD: 20}\n", "key 'fx': as_of must be given"),
    ("fx:\n  as_of: 2026-11-30\n  rates: {AUD: 0}\n", "key 'fx.rates.AUD': must be more than zero"),
    ("fx:\n  as_of: 2026-11-30\n  rates: {aud: 2}\n", "'aud' is not a three-letter currency"),
    ("fx:\n  base: NT\n  as_of: 2026-11-30\n", "key 'fx.base'"),
])
def test_a_bad_fx_section_is_one_line_naming_the_key(two, tmp_path, monkeypatch, text,
                                                      message):
    config = tmp_path / "fx.yaml"
    config.write_text(text)
    monkeypatch.setenv("COLLECTCTL_CONFIG", str(config))
    result = two("report", "--date", "2026-12-04")
    assert result.exit_code == 2 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_day_target_leaves_the_month_figure_alone(two):
    """The issue's bug: a 250,000 month target showed as 288,636.36 once a day target was
    set (the month's share of that day, 11,363.64, replaced by the day's 50,000)."""
    run(two, "target", "set", "collected=250000", "--period", "month", "--collector", "alice")
    run(two, "target", "set", "collected=50000", "--period", "day", "--start", "2026-12-04",
        "--collector", "alice")

    def target(period: str):
        _, data = two.json("progress", "--collector", "alice", "--period", period)
        return next(m for m in data["metrics"] if m["name"] == "collected")["target"]

    assert target("month") == {"TWD": "250000.00"}
    assert target("day") == {"TWD": "50000.00"}


def test_the_status_line_of_work_mode_keeps_currencies_apart(two):
    run(two, "target", "set", "collected=2000AUD", "--period", "day", "--collector", "alice")
    out = two("work", "--collector", "alice", input="q\n").stdout
    status = next(ln for ln in out.splitlines() if ln.startswith("calls "))
    assert "collected 100.00 AUD/2,000.00 AUD, 20,000.00 TWD" in status
    assert "promised 0 ·" in status


def test_json_is_valid_and_never_sums_currencies(two):
    text = run(two, "report", "--date", "2026-12-04", "-f", "json").stdout
    assert "20100" not in text and json.loads(text)["team"]["collected"]["TWD"] == "20000.00"


def test_a_count_split_by_balance_is_weighed_by_open_accounts_in_every_currency(cli, make_csv):
    """Calls are work, not money: a collector whose accounts are all in AUD gets their
    share (by TWD balances alone they would get none and lose an earlier part)."""
    rows = ("T-1,A,100000,TWD,0912-345-678,alice\nT-2,B,900000,TWD,0933-111-222,alice\n"
            "A-1,C,50,AUD,0922-333-444,bob\nA-2,D,60,AUD,0944-555-666,bob\n")
    run(cli, "import", "accounts", make_csv("a.csv", HEADER + rows))
    out = run(cli, "target", "split", "--team-total", "calls=1000").stdout
    assert out.splitlines() == ["alice  calls=500", "bob  calls=500", "total calls=1000"]
