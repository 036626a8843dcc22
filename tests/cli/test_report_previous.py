"""This period beside the last, and attainment against targets (issue 21, item 4): the
previous period's metrics in JSON with the change in text, ``--week`` and ``--month``,
each collector's targets attained, and split targets that add up to the team's (a
collector with no accounts has none). Every figure hand-computed."""

from __future__ import annotations

from decimal import Decimal

import pytest

HEADER = "account_id,name,amount_due,currency,mobile,assigned_to\n"
ROWS = ("T-1,王小明,100000,TWD,0912-345-678,alice\n"
        "T-2,陳志豪,60000,TWD,0933-111-222,bob\n"
        "T-3,林美玲,40000,TWD,0955-777-888,carol\n")


def run(cli, *args):
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def days(cli, make_csv):
    """Thu 2026-12-03: alice no answer, bob a promise of 1,000. Fri 2026-12-04: alice
    collects 20,000, bob no answer, bob a right-party contact."""
    cli.now = "2026-12-01T09:00:00+08:00"
    run(cli, "import", "accounts", make_csv("a.csv", HEADER + ROWS))
    cli.now = "2026-12-03T10:00:00+08:00"
    run(cli, "log", "T-1", "na", "-c", "alice")
    run(cli, "log", "T-2", "ptp", "-a", "1000", "-d", "2026-12-10", "-c", "bob")
    cli.now = "2026-12-04T10:00:00+08:00"
    run(cli, "log", "T-1", "paid", "-a", "20000", "-c", "alice")
    run(cli, "log", "T-2", "na", "-c", "bob")
    cli.now = "2026-12-04T16:00:00+08:00"
    return cli


def report(cli, *args):
    result, data = cli.json("report", *args)
    assert result.exit_code == 0, result.output
    return data


def test_a_days_report_has_the_day_before_beside_it(days):
    data = report(days, "--date", "2026-12-04")
    assert data["period"] == "day"
    before = data["previous"]
    assert (before["from"], before["to"]) == ("2026-12-03", "2026-12-03")
    assert (before["team"]["calls"], before["team"]["contacts"], before["team"]["promises"]) \
        == (2, 1, 1)
    assert before["team"]["collected"] == {} and data["team"]["collected"] == {"TWD": "20000.00"}
    assert before["team"]["promised_amount"] == {"TWD": "1000.00"}
    by_name = {c["name"]: c for c in before["collectors"]}
    assert (by_name["alice"]["calls"], by_name["bob"]["promises"]) == (1, 1)
    # The same keys as the period's own metrics.
    assert set(before["team"]) == set(data["team"]) - {"violations", "targets", "expected"}


def _section(text: str, caption: str) -> list[list[str]]:
    """A text section's rows (after its caption and heading), each split at 2+ spaces."""
    import re

    body = text.split(caption + "\n")[1].split("\n\n")[0]
    return [re.split(r"\s{2,}", line.strip()) for line in body.splitlines()[1:]]


def test_the_text_shows_the_change(days):
    text = run(days, "report", "--date", "2026-12-04").stdout
    assert _section(text, "Beside the previous period, 2026-12-03") == [
        ["collected", "20,000.00 TWD", "0", "+20,000.00 TWD"],
        ["recovery rate", "TWD 10.00%", "TWD 0.00%", "TWD +10.00 pp"],
        ["calls", "2", "2", "0"],
        ["contacts", "1", "1", "0"],
        ["right-party contacts", "1", "1", "0"],
        ["contact rate", "50.00%", "50.00%", "0 pp"],
        ["RPC rate", "50.00%", "50.00%", "0 pp"],
        ["promises", "0", "1", "-1"],
        ["promised", "0", "1,000.00 TWD", "-1,000.00 TWD"],
        ["kept rate", "—", "—", "—"],
        ["complaints", "0", "0", "0"]]


def test_a_rate_without_a_denominator_has_no_change(days):
    # Saturday: no calls, so no contact rate (—); its change from Friday's is unknown.
    md = run(days, "report", "--date", "2026-12-05", "-f", "markdown").stdout
    assert "| contact rate | — | 50.00% | — |" in md.splitlines()
    assert "| calls | 0 | 2 | -2 |" in md.splitlines()
    assert "| recovery rate | TWD 0.00% | TWD 10.00% | TWD -10.00 pp |" in md.splitlines()
    html = run(days, "report", "--date", "2026-12-05", "-f", "html").stdout
    assert "<caption>Beside the previous period, 2026-12-04</caption>" in html
    assert "<td>-20,000.00 TWD</td>" in html


def test_week_and_month_run_to_the_date_beside_the_same_days_before(days):
    week = report(days, "--week", "--date", "2026-12-04")
    assert (week["period"], week["from"], week["to"]) == ("week", "2026-11-30", "2026-12-04")
    assert (week["previous"]["from"], week["previous"]["to"]) == ("2026-11-23", "2026-11-27")
    assert week["team"]["calls"] == 4 and week["previous"]["team"]["calls"] == 0
    month = report(days, "--month", "--date", "2026-12-31")
    assert (month["from"], month["to"]) == ("2026-12-01", "2026-12-31")
    assert (month["previous"]["from"], month["previous"]["to"]) == ("2026-11-01", "2026-11-30")
    ranged = report(days, "--from", "2026-12-03", "--to", "2026-12-04")
    assert ranged["period"] == "range"
    assert (ranged["previous"]["from"], ranged["previous"]["to"]) == ("2026-12-01",
                                                                      "2026-12-02")


@pytest.mark.parametrize(("args", "message"), [
    (("--week", "--month"), "say --week or --month, not both"),
    (("--week", "--from", "2026-12-01"), "or --from/--to, not both"),
])
def test_a_period_is_asked_for_one_way(days, args, message):
    result = days("report", *args)
    assert result.exit_code == 2 and message in result.stderr


def test_each_collector_has_their_targets_attained(days):
    run(days, "target", "set", "collected=50000", "calls=40", "--period", "month",
        "--collector", "alice")
    run(days, "target", "set", "kept_rate=0.8", "--period", "month", "--collector", "bob")
    data = report(days, "--month", "--date", "2026-12-31")
    alice = next(c for c in data["collectors"] if c["name"] == "alice")
    assert alice["targets"] == {
        "calls": {"target": 40, "actual": 2, "attained": 0.05},
        "collected": {"target": {"TWD": "50000.00"}, "actual": {"TWD": "20000.00"},
                      "attained": 0.4}}
    bob = next(c for c in data["collectors"] if c["name"] == "bob")
    # No promise of bob's fell due by now: the kept rate, and so its attainment, unknown.
    assert bob["targets"] == {"kept_rate": {"target": 0.8, "actual": None, "attained": None}}
    # The team has no target of its own: its collectors' added up; a rate has no sum.
    assert data["team"]["targets"] == {
        "calls": {"target": 40, "actual": 4, "attained": 0.1},
        "collected": {"target": {"TWD": "50000.00"}, "actual": {"TWD": "20000.00"},
                      "attained": 0.4}}
    text = run(days, "report", "--month", "--date", "2026-12-31").stdout
    assert _section(text, "Targets, 2026-12-01 – 2026-12-31") == [
        ["alice", "calls", "40", "2", "5.00%"],
        ["alice", "collected", "50,000.00 TWD", "20,000.00 TWD", "40.00%"],
        ["bob", "kept rate", "80.00%", "—", "—"],
        ["team", "calls", "40", "4", "10.00%"],
        ["team", "collected", "50,000.00 TWD", "20,000.00 TWD", "40.00%"]]


def _target_sum(data) -> tuple[Decimal, Decimal]:
    parts = sum((Decimal(c["targets"]["collected"]["target"]["TWD"])
                 for c in data["collectors"] if "collected" in c["targets"]), Decimal(0))
    return parts, Decimal(data["team"]["targets"]["collected"]["target"]["TWD"])


def test_a_split_target_is_the_teams_and_adds_up_in_every_part_of_the_period(days):
    # By balance: alice 100,000, bob 60,000, carol 40,000 of 200,000.
    out = run(days, "target", "split", "--team-total", "collected=100000", "--period",
              "month").stdout
    assert out.splitlines() == ["alice  collected=50000.00TWD", "bob  collected=30000.00TWD",
                                "carol  collected=20000.00TWD", "total collected=100000.00TWD"]
    listed = run(days, "target", "list").stdout
    assert "team  month  2026-12-01  collected=100000.00TWD" in listed
    # The team's target is the split's total, and each part of the month's targets adds
    # up to the team's exactly (the daily shares are rounded per collector).
    for args in (("--date", "2026-12-04"), ("--week", "--date", "2026-12-04"),
                 ("--month", "--date", "2026-12-04"), ("--month", "--date", "2026-12-31")):
        parts, team = _target_sum(report(days, *args))
        assert parts == team, args
    assert _target_sum(report(days, "--month", "--date", "2026-12-31")) == (
        Decimal("100000.00"), Decimal("100000.00"))
    result, progress = days.json("progress", "--team", "--period", "month")
    collected = next(m for m in progress["metrics"] if m["name"] == "collected")
    assert collected["target"] == {"TWD": "100000.00"}


def test_a_collector_left_without_accounts_has_no_split_target(days):
    run(days, "target", "split", "--team-total", "collected=100000", "--period", "month")
    run(days, "assign", "--to", "bob", "--from", "carol")
    out = run(days, "target", "split", "--team-total", "collected=100000", "--period",
              "month").stdout
    assert out.splitlines() == ["alice  collected=50000.00TWD", "bob  collected=50000.00TWD",
                                "total collected=100000.00TWD"]
    listed = run(days, "target", "list").stdout
    assert "carol" not in listed
    data = report(days, "--month", "--date", "2026-12-31")
    assert _target_sum(data) == (Decimal("100000.00"), Decimal("100000.00"))
    assert all(c["targets"] == {} for c in data["collectors"] if c["name"] == "carol")


def test_a_collectors_report_has_their_targets_and_their_previous_period(days):
    run(days, "target", "set", "calls=40", "--period", "month", "--collector", "alice")
    data = report(days, "--month", "--date", "2026-12-31", "--collector", "alice")
    assert data["team"]["targets"] == {"calls": {"target": 40, "actual": 2, "attained": 0.05}}
    assert data["collectors"][0]["targets"] == data["team"]["targets"]
    assert [c["name"] for c in data["previous"]["collectors"]] == ["alice"]
    text = run(days, "report", "--month", "--date", "2026-12-31", "-c", "alice").stdout
    assert _section(text, "Targets, 2026-12-01 – 2026-12-31") == [
        ["alice", "calls", "40", "2", "5.00%"]]


def test_a_rate_is_not_split(days):
    result = days("target", "split", "--team-total", "kept_rate=0.8")
    assert result.exit_code == 2
    assert "kept_rate is a rate: it is not divided among collectors" in result.stderr
    assert run(days, "target", "list").stdout.strip() == "No targets set."


def test_the_teams_summed_target_is_in_the_configs_currency_whoever_sorts_first(days):
    # alice's target in AUD sorts first; bob's in TWD is in the config's currency.
    run(days, "target", "set", "collected=2000AUD", "--period", "month", "--collector",
        "alice")
    run(days, "target", "set", "collected=100000", "--period", "month", "--collector", "bob")
    data = report(days, "--month", "--date", "2026-12-31")
    assert data["team"]["targets"]["collected"]["target"] == {"TWD": "100000.00"}
    alice = next(c for c in data["collectors"] if c["name"] == "alice")
    assert alice["targets"]["collected"] == {"target": {"AUD": "2000.00"},
                                             "actual": {"AUD": "0.00"}, "attained": 0.0}


def test_the_html_compares_collected_with_a_target_in_its_own_currency(days):
    run(days, "target", "set", "collected=2000AUD", "--period", "month", "--team")
    html = run(days, "report", "--month", "--date", "2026-12-31", "-f", "html").stdout
    # 20,000 TWD collected is not measured against an AUD target: 0 AUD of 2,000 AUD.
    assert "0.0% of the target 2,000.00 AUD" in html
    assert "2,000.00 TWD" not in html


def test_a_part_changed_after_a_split_leaves_the_team_its_own_target(days):
    run(days, "target", "split", "--team-total", "collected=100000", "--period", "month")
    run(days, "target", "set", "collected=80000", "--period", "month", "--collector", "alice")
    data = report(days, "--month", "--date", "2026-12-31")
    # The parts now add up to 130,000: the team's target is its own, 100,000.
    assert _target_sum(data) == (Decimal("130000.00"), Decimal("100000.00"))


def test_a_split_stays_one_beside_a_team_target_of_another_month(days):
    run(days, "target", "set", "collected=5", "--period", "month", "--start", "2026-11-01",
        "--team")  # November's, not split
    run(days, "target", "split", "--team-total", "collected=100000", "--period", "month")
    parts, team = _target_sum(report(days, "--date", "2026-12-04"))
    assert parts == team


def test_a_mistyped_collector_starts_no_read_of_the_whole_log(days, monkeypatch):
    import collectctl.app.audit as audit

    begun = []
    monkeypatch.setattr(audit, "begin_audit", lambda *a, **k: begun.append(a))
    result = days("report", "--collector", "nobdy")
    assert result.exit_code == 2 and "no collector 'nobdy'" in result.stderr
    assert begun == []


def test_the_html_says_nothing_collected_as_0_and_its_buckets_in_words(days, monkeypatch):
    run(days, "target", "set", "collected=1000", "--period", "day", "--team")
    monkeypatch.setenv("COLLECTCTL_LANG", "zh_TW")
    html = run(days, "report", "--date", "2026-12-05", "-f", "html").stdout
    assert '<div class="name">回收金額</div><div class="value">NT$0</div>' in html
    portfolio = html.split("<h2>帳戶組合</h2>")[1].split("<h2>")[0]
    assert ">未逾期<" in portfolio and ">current<" not in portfolio


def test_changing_a_part_of_a_split_says_the_team_is_out_of_step(days):
    run(days, "target", "split", "--team-total", "collected=100000", "--period", "month")
    out = run(days, "target", "set", "collected=80000", "--period", "month", "--collector",
              "alice").stdout
    assert out.splitlines()[1] == (
        "note: the team's collected target (100000.00TWD) is no longer what its collectors' "
        "add up to (130000.00TWD); 'target split' again, or 'target set --team'")
    # Said once: a second change of an unsplit team says nothing more.
    again = run(days, "target", "set", "collected=70000", "--period", "month",
                "--collector", "alice").stdout
    assert "note:" not in again
