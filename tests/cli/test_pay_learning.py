"""Who pays when reached, end to end: the trials kept as entries and payments are written
equal those `learn rebuild` derives, undo takes them back out, and the plan ranks a debtor
who breaks every promise below an identical one who pays."""

from __future__ import annotations

from datetime import date

import pytest

from collectctl.storage import open_store

HEADER = "account_id,name,amount_due,mobile,work_start,timezone,assigned_to,risk\n"


@pytest.fixture
def cli(cli, monkeypatch, make_csv):
    monkeypatch.setenv("COLLECTCTL_COLLECTOR", "alice")
    rows = "".join(f"P{n},Debtor {n},50000,09123450{n:02d},09:00,Asia/Taipei,alice,medium\n"
                   for n in range(6))
    assert cli("import", "accounts", make_csv("a.csv", HEADER + rows)).exit_code == 0
    return cli


def log_at(cli, moment: str, *args: str):
    cli.now = moment
    result = cli("log", *args)
    assert result.exit_code == 0, result.output
    return result


def learned(cli):
    store = open_store(cli.db)
    try:
        return store.all_pay_trials(), store.all_pay_stats()
    finally:
        store.close()


def test_the_trials_kept_while_logging_equal_a_rebuild_and_undo_takes_them_out(cli, make_csv):
    log_at(cli, "2026-11-02T10:00:00+08:00", "P0", "ptp", "-a", "1000", "-d", "2026-11-05")
    log_at(cli, "2026-11-02T10:05:00+08:00", "P1", "rpc")
    log_at(cli, "2026-11-02T10:10:00+08:00", "P2", "na")  # not a contact: no trial
    log_at(cli, "2026-11-02T10:15:00+08:00", "P3", "rpc")
    cli.now = "2026-11-02T10:16:00+08:00"
    assert cli("undo").exit_code == 0  # P3's contact taken back out
    cli.now = "2026-11-04T09:00:00+08:00"
    assert cli("pay", "P0", "1000", "--date", "2026-11-04").exit_code == 0
    payments = make_csv("pay.csv", "account_id,amount,paid_on,reference\n"
                                   "P1,2500,2026-11-06,R1\nP4,100,2026-11-06,R2\n")
    cli.now = "2026-11-07T09:00:00+08:00"
    assert cli("import", "payments", str(payments)).exit_code == 0
    calls = make_csv("calls.csv", "account_id,called_at,outcome\nP5,2026-11-03 11:00,rpc\n")
    assert cli("import", "calls", str(calls)).exit_code == 0

    trials, stats = learned(cli)
    got = {t.account_id: (str(t.paid), t.share_milli, t.window_end.isoformat()) for t in trials}
    assert got == {"P0": ("1000.00", 20, "2026-11-09"), "P1": ("2500.00", 50, "2026-11-09"),
                   "P5": ("0.00", 0, "2026-11-10")}
    (segment,) = {t.segment for t in trials}
    assert stats == {(segment, date(2026, 11, 9)): [2, 2, 70],
                     (segment, date(2026, 11, 10)): [1, 0, 0]}

    assert cli("learn", "rebuild").exit_code == 0
    assert learned(cli) == (trials, stats)

    cli.now = "2026-11-06T12:00:00+08:00"
    assert cli("undo", str(trials[0].call_id), "--collector", "alice").exit_code == 0
    after, after_stats = learned(cli)
    assert "P0" not in {t.account_id for t in after}
    assert after_stats[(segment, date(2026, 11, 9))] == [1, 1, 50]


def promise_history(cli, account: str, pays: bool) -> None:
    """Three promises three weeks running; kept in full by the payer, broken by the other."""
    for week, day in enumerate(("2026-11-02", "2026-11-09", "2026-11-16")):
        due = f"2026-11-{5 + 7 * week:02d}"
        log_at(cli, f"{day}T10:00:00+08:00", account, "ptp", "-a", "20000", "-d", due)
        if pays:
            cli.now = f"{due}T12:00:00+08:00"
            assert cli("pay", account, "20000", "--date", due).exit_code == 0


def weights(cli) -> dict:
    cli.now = "2026-12-01T08:00:00+08:00"
    out = {}
    for account in ("P0", "P1"):
        result, data = cli.json("plan", "--explain", account)
        assert result.exit_code == 0, result.output
        out[account] = (data["score"], data["pay"])
    return out


def test_a_debtor_who_breaks_every_promise_loses_expected_value_to_one_who_pays(
        cli, monkeypatch, tmp_path):
    # Own evidence worth more than the default (two pseudo-contacts against three real
    # ones): here each account's segment is the other one.
    strong = tmp_path / "on.yaml"
    strong.write_text("learning:\n  pay_strength: 2\n", encoding="utf-8")
    monkeypatch.setenv("COLLECTCTL_CONFIG", str(strong))
    promise_history(cli, "P0", pays=False)
    promise_history(cli, "P1", pays=True)
    on = weights(cli)
    (score0, pay0), (score1, pay1) = on["P0"], on["P1"]
    assert score0 > score1  # the rules' broken-promise factor still raises the breaker
    assert pay0["own"] == {"decided": 3, "paid": 0} and pay1["own"] == {"decided": 3, "paid": 3}
    assert pay0["p_pay"] < pay1["p_pay"] and pay0["lift"] < pay1["lift"]
    assert pay0["weight"] < pay1["weight"]  # and learned pay outweighs it
    for score, pay in on.values():  # --explain's figures multiply out exactly
        assert pay["weight"] == round(max(score, 0.01) * pay["lift"] * pay["balance_factor"],
                                      4)
    config = tmp_path / "off.yaml"
    config.write_text("learning:\n  enabled: false\n  pay_strength: 2\n", encoding="utf-8")
    monkeypatch.setenv("COLLECTCTL_CONFIG", str(config))
    off = weights(cli)
    assert off["P0"][1]["lift"] == off["P1"][1]["lift"] == 1.0
    assert off["P0"][1]["source"] == "off" and on["P0"][1]["source"] == "learned"
    assert off["P0"][1]["weight"] > off["P1"][1]["weight"]


def test_the_plan_says_what_it_expects_and_the_calls_sum_to_it(cli):
    promise_history(cli, "P1", pays=True)
    cli.now = "2026-12-01T08:00:00+08:00"
    _result, data = cli.json("plan")
    from decimal import Decimal

    total = sum(Decimal(c["expected"]) for c in data["calls"])
    assert data["expected"] == {"TWD": f"{total:.2f}"} and total > 0
    for call in data["calls"]:
        _r, explained = cli.json("plan", "--explain", call["account_id"])
        pay = explained["pay"]
        product = (Decimal(pay["balance"]) * Decimal(str(pay["p_contact"]))
                   * Decimal(str(pay["p_pay"])) * Decimal(str(pay["share"])))
        assert Decimal(pay["expected"]) == product.quantize(Decimal("0.01"))
        assert pay["expected"] == call["expected"]
        # The weight is linear in the balance: against the median of those callable.
        balances = sorted(Decimal(c["balance"]) for c in data["calls"])
        assert Decimal(pay["typical_balance"]) == balances[len(balances) // 2] == 50000
        assert pay["balance_factor"] == round(float(Decimal(pay["balance"]) / 50000), 4)
        assert pay["weight"] == round(float(pay["score"]) * pay["lift"]
                                      * pay["balance_factor"], 4)
    text = cli("plan").stdout
    assert f"Expected collections: {total:,.2f} TWD" in text


def test_learn_show_prints_what_is_learned_of_one_account(cli):
    promise_history(cli, "P0", pays=False)
    promise_history(cli, "P1", pays=True)
    cli.now = "2026-12-01T08:00:00+08:00"
    result, data = cli.json("learn", "show", "P1")
    assert result.exit_code == 0, result.output
    assert (data["account_id"], data["collector"], data["date"]) == ("P1", "alice",
                                                                     "2026-12-01")
    assert data["pay"]["source"] == "learned"
    assert data["pay"]["own"] == {"decided": 3, "paid": 3}
    assert [(t["day"], t["paid"], t["decided"]) for t in data["trials"]] == [
        ("2026-11-02", "20000.00", True), ("2026-11-09", "20000.00", True),
        ("2026-11-16", "20000.00", True)]
    _r, plan = cli.json("plan", "--explain", "P1")  # the figures the plan used
    assert {k: plan["pay"][k] for k in data["pay"]} == data["pay"]
    assert data["contact"]["calls"] == 3 and data["contact"] == plan["contact"]
    text = cli("learn", "show", "P0").stdout
    assert "0 paid of 3 decided contacts" in text
    assert text.count(": unpaid") == 3
    zh = cli("--lang", "zh_TW", "learn", "show", "P0").stdout
    assert "3 次已見分曉的接通中 0 次還款" in zh and zh.count("：未還款") == 3
    assert cli.json("--lang", "zh_TW", "learn", "show", "P0")[1] == cli.json(
        "learn", "show", "P0")[1]
    unknown = cli("learn", "show", "NOPE")
    assert unknown.exit_code == 2 and "no account 'NOPE'" in unknown.output


def test_the_strength_is_fitted_to_how_the_collectors_debtors_pay(cli, make_csv, monkeypatch,
                                                                   tmp_path):
    """Twelve accounts with four promises each, of which they kept 4, 4, 0, 0, 3, 3, 3, 1,
    1, 1, 2, 2. Hand counts: p = 0.5, S = 4 x (4 x 0.25 + 6 x 0.0625) = 5.5, chi-square 22
    above the 19.7 of 11 degrees of freedom; tau^2 = (5.5 - 11 x 0.25) / (48 - 4 - 11) =
    1/12, so the prior is worth 0.25 x 12 - 1 = 2 contacts (the configured strength is
    the fit's floor: 1 here, the default 6 would hold); `pay_strength_fit: false` keeps
    the configured strength."""
    rows = "".join(f"Q{n},Debtor {n},50000,09223450{n:02d},09:00,Asia/Taipei,alice,medium\n"
                   for n in range(6))
    assert cli("import", "accounts", make_csv("b.csv", HEADER + rows)).exit_code == 0
    floor = tmp_path / "floor.yaml"
    floor.write_text("learning:\n  pay_strength: 1\n", encoding="utf-8")
    monkeypatch.setenv("COLLECTCTL_CONFIG", str(floor))
    kept = (4, 4, 0, 0, 3, 3, 3, 1, 1, 1, 2, 2)
    accounts = [f"P{i}" for i in range(6)] + [f"Q{i}" for i in range(6)]
    for account, keeps in zip(accounts, kept, strict=True):
        for week in range(4):
            day, due = f"2026-11-{2 + 7 * week:02d}", f"2026-11-{5 + 7 * week:02d}"
            log_at(cli, f"{day}T10:00:00+08:00", account, "ptp", "-a", "20000", "-d", due)
            if week < keeps:
                cli.now = f"{due}T12:00:00+08:00"
                assert cli("pay", account, "20000", "--date", due).exit_code == 0
    cli.now = "2026-12-01T08:00:00+08:00"
    _r, data = cli.json("plan", "--explain", "P1")
    assert data["pay"]["strength"] == 2.0 and data["pay"]["own"] == {"decided": 4, "paid": 4}
    assert "the prior worth 2 contacts" in cli("plan", "--explain", "P1").stdout
    assert "先驗相當於 2 次接通" in cli("--lang", "zh_TW", "plan", "--explain", "P1").stdout
    assert cli.json("learn", "show", "P1")[1]["pay"]["strength"] == 2.0
    config = tmp_path / "fixed.yaml"
    config.write_text("learning:\n  pay_strength: 1\n  pay_strength_fit: false\n",
                      encoding="utf-8")
    monkeypatch.setenv("COLLECTCTL_CONFIG", str(config))
    assert cli.json("plan", "--explain", "P1")[1]["pay"]["strength"] == 1.0
    plain = tmp_path / "plain.yaml"
    plain.write_text("{}\n", encoding="utf-8")
    monkeypatch.setenv("COLLECTCTL_CONFIG", str(plain))  # the default 6 is the floor: it holds
    assert cli.json("plan", "--explain", "P1")[1]["pay"]["strength"] == 6.0
