"""Learned contact windows end to end: the log moves the plan, `plan --explain` shows the
curve, the counts kept as calls are logged equal a rebuild, `--explore` and the switch."""

from __future__ import annotations

import pytest

from collectctl.storage import open_store

HEADER = "account_id,name,amount_due,mobile,work_start,timezone,assigned_to,risk\n"
GOLDEN = ("09:00", "09:05", "09:10")  # work starts at 09:00; the first 15 minutes
DAYS = ("2026-12-01", "2026-12-02", "2026-12-03")  # Tuesday to Thursday (the 7-day cap: 7)


@pytest.fixture
def cli(cli, monkeypatch, make_csv):
    monkeypatch.setenv("COLLECTCTL_COLLECTOR", "alice")
    rows = "".join(f"E{n},Debtor {n},{90_000 - n * 1000},09123450{n:02d},09:00,Asia/Taipei,"
                   f"alice,medium\n" for n in range(8))
    assert cli("import", "accounts", make_csv("a.csv", HEADER + rows)).exit_code == 0
    return cli


def config(monkeypatch, tmp_path, text: str) -> None:
    path = tmp_path / "learning.yaml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("COLLECTCTL_CONFIG", str(path))


def log_at(cli, moment: str, *args: str):
    cli.now = moment
    result = cli("log", *args)
    assert result.exit_code == 0, result.output
    return result


def evening_person(cli, account: str = "E0") -> None:
    """Never answers at the golden 09:00 after work starts; always at 17:00."""
    for day in DAYS:
        log_at(cli, f"{day}T09:00:00+08:00", account, "na")
        log_at(cli, f"{day}T17:00:00+08:00", account, "rpc")


def planned_at(cli, account: str) -> str | None:
    cli.now = "2026-12-04T08:00:00+08:00"
    _result, data = cli.json("plan")
    return next((c["start"][11:16] for c in data["calls"] if c["account_id"] == account), None)


def test_the_hours_a_debtor_answers_move_their_call(cli):
    assert planned_at(cli, "E0") in GOLDEN  # the rules: the golden window
    evening_person(cli)
    assert planned_at(cli, "E0")[:2] == "17"


def test_learning_off_is_the_rules_exactly(cli, monkeypatch, tmp_path):
    evening_person(cli)
    config(monkeypatch, tmp_path, "learning:\n  enabled: false\n")
    cli.now = "2026-12-04T08:00:00+08:00"
    off = cli.json("plan")[1]
    assert planned_at(cli, "E0")[:2] != "17"
    store = open_store(cli.db)  # contact hours learned, nothing learned: the same plan
    try:
        with store.transaction():
            store.replace_contact_stats({})
    finally:
        store.close()
    config(monkeypatch, tmp_path, "learning:\n  enabled: true\n  pay_enabled: false\n")
    assert cli.json("plan")[1] == off
    config(monkeypatch, tmp_path, "learning:\n  enabled: false\n")
    cli.now = "2026-12-04T08:00:00+08:00"
    _result, data = cli.json("plan", "--explain", "E0")
    assert data["contact"] is None
    assert "learning is off" in cli("plan", "--explain", "E0").stdout


def test_explain_shows_the_learned_curve_beside_the_prior(cli):
    evening_person(cli)
    cli.now = "2026-12-04T08:00:00+08:00"
    _result, data = cli.json("plan", "--explain", "E0")
    contact = data["contact"]
    assert (contact["calls"], contact["contacts"], contact["weekend"]) == (6, 3, False)
    assert contact["segment"] == "medium|M0|Asia/Taipei|09"
    hours = {h["hour"]: h for h in contact["hours"]}
    assert set(hours) == set(range(7, 22))  # the tw pack's legal hours, 07:00-22:00
    assert (hours[17]["calls"], hours[17]["contacts"]) == (3, 3)
    assert hours[17]["learned"] > hours[17]["prior"]
    assert (hours[9]["calls"], hours[9]["contacts"]) == (3, 0)
    assert hours[9]["learned"] < hours[9]["prior"]
    # prior 0.35 x the 09:00 hour's mean quality (3 golden slots of 12); strength 12; three
    # misses at 09:00, each weighing 1/0.7 of an average minute of that hour (1.429)
    prior9 = 0.35 * (3 * 1.0 + 9 * 0.6) / 12
    assert hours[9]["prior"] == pytest.approx(prior9, abs=1e-4)
    assert hours[9]["learned"] == pytest.approx(12 * prior9 / (12 + 3 * 1.429), abs=1e-4)
    text = cli("plan", "--explain", "E0").stdout
    assert "contact by hour (weekday 2026-12-04)" in text
    assert "  17    " in text and "3 (3)" in text and "00-06 no calls allowed" in text


def test_a_new_account_borrows_from_its_segment(cli):
    for n in range(1, 5):
        evening_person(cli, f"E{n}")
    cli.now = "2026-12-04T08:00:00+08:00"
    _result, data = cli.json("plan", "--explain", "E7")  # never called, same segment
    hours = {h["hour"]: h for h in data["contact"]["hours"]}
    assert data["contact"]["calls"] == 0
    assert hours[17]["learned"] > 2 * hours[17]["prior"]
    assert hours[9]["learned"] < hours[9]["prior"] / 2


def test_the_counts_kept_while_logging_equal_a_rebuild(cli, make_csv):
    evening_person(cli)
    log_at(cli, "2026-12-02T10:00:00+08:00", "E2", "ptp", "-a", "100", "-d", "2026-12-10")
    log_at(cli, "2026-12-02T10:05:00+08:00", "E3", "wn")  # the number, not the debtor
    log_at(cli, "2026-12-02T10:10:00+08:00", "E4", "tp")
    log_at(cli, "2026-12-02T10:15:00+08:00", "E5", "rpc")
    cli.now = "2026-12-02T10:16:00+08:00"
    assert cli("undo").exit_code == 0  # E5's rpc taken back out
    calls = make_csv("calls.csv", "account_id,called_at,outcome\n"
                                  "E6,2026-12-05 11:00,na\nE6,2026-12-05 11:30,rpc\n"
                                  "E1,2026-12-03 20:00,busy\n")
    cli.now = "2026-12-06T08:00:00+08:00"
    assert cli("import", "calls", str(calls)).exit_code == 0
    store = open_store(cli.db)
    try:
        kept = store.all_contact_stats()
    finally:
        store.close()
    assert kept[("a", "E0", 17, False)] == [3, 3, 3000]
    assert kept[("a", "E0", 9, False)] == [3, 0, 3 * 1429]  # the golden minutes weigh more
    assert kept[("a", "E6", 11, True)] == [2, 1, 2000]  # a Saturday
    assert ("a", "E5", 10, False) not in kept and ("a", "E3", 10, False) not in kept
    assert kept[("a", "E4", 10, False)] == [1, 0, 1000]

    result, summary = cli.json("learn", "rebuild")
    assert summary == {"calls": 14, "accounts": 5, "segments": 1}
    store = open_store(cli.db)
    try:
        assert store.all_contact_stats() == kept
    finally:
        store.close()


def test_explore_draws_some_accounts_hours_and_no_more(cli, monkeypatch, tmp_path):
    for n in range(6):
        log_at(cli, f"2026-12-0{1 + n % 3}T{9 + n:02d}:00:00+08:00", f"E{n}", "rpc")
        log_at(cli, f"2026-12-0{1 + n % 3}T{15 - n}:00:00+08:00", f"E{n}", "na")
    cli.now = "2026-12-04T08:00:00+08:00"

    def plan(*extra):
        return {c["account_id"]: c["start"] for c in cli.json("plan", *extra)[1]["calls"]}

    config(monkeypatch, tmp_path, "learning:\n  explore_share: 0\n")
    assert plan("--explore") == plan()
    config(monkeypatch, tmp_path, "learning:\n  explore_share: 1\n")
    best = plan()
    explored = plan("--explore")
    assert explored != best and set(explored) == set(best)
    assert plan("--explore") == explored  # the same draw for the same day and collector


def test_every_collectors_plan_learns_as_each_plan_does(cli):
    evening_person(cli)
    cli.now = "2026-12-04T08:00:00+08:00"
    one = cli.json("plan")[1]
    everyone = cli.json("plan", "--all")[1]
    (alice,) = [p for p in everyone["plans"] if p["collector"] == "alice"]
    assert alice["calls"] == one["calls"]
    assert next(c for c in alice["calls"] if c["account_id"] == "E0")["start"][11:13] == "17"
