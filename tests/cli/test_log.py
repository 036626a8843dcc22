"""``log`` and ``undo``: each outcome's effect, and its undo; bad input writes nothing."""

from __future__ import annotations

import pytest

HEADER = "account_id,name,amount_due,mobile,home_phone,assigned_to\n"
ROWS = (
    "A-1,王小明,10000,0912-345-678,(02) 2345-6789,alice\n"
    "A-2,林美玲,5000,0922-333-444,,alice\n"
)


@pytest.fixture
def cli(cli, make_csv, monkeypatch):
    monkeypatch.setenv("COLLECTCTL_COLLECTOR", "alice")
    assert cli("import", "accounts", make_csv("a.csv", HEADER + ROWS)).exit_code == 0
    return cli


def log(cli, *args):
    result = cli("log", *args)
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def show(cli, account="A-1"):
    return cli.json("show", account)[1]


def test_no_answer_is_appended_to_the_log(cli):
    assert log(cli, "A-1", "na", "--note", "rang 10 times") == "A-1 (entry 1): no answer logged"
    (call,) = show(cli)["calls"]
    assert (call["outcome"], call["collector"], call["phone"], call["note"]) == (
        "no-answer", "alice", "+886912345678", "rang 10 times")
    assert call["called_at"] == "2026-12-04T01:00:00+00:00"


def test_wrong_number_moves_to_the_next_phone_and_undo_restores_it(cli):
    line = log(cli, "A-1", "wn")
    assert "0912 345 678 marked invalid; next call goes to 02 2345 6789" in line
    phones = show(cli)["phones"]
    assert [(p["number"], p["valid"]) for p in phones] == [
        ("+886912345678", False), ("+886223456789", True)]
    assert show(cli)["calls"][-1]["phone"] == "+886912345678"
    undo = cli("undo")
    assert "0912 345 678 is valid again" in undo.stdout
    assert all(p["valid"] for p in show(cli)["phones"])


def test_disconnected_last_phone_sends_the_account_to_skip_tracing(cli):
    line = log(cli, "A-2", "disconnected")
    assert "no valid phone left" in line
    _, skip = cli.json("skip")
    assert [a["account_id"] for a in skip] == ["A-2"]
    cli("undo")
    _, skip = cli.json("skip")
    assert skip == []


def test_wrong_number_on_a_named_phone(cli):
    log(cli, "A-1", "wn", "--phone", "02-2345-6789")
    assert [p["valid"] for p in show(cli)["phones"]] == [True, False]


def test_promise_holds_and_its_undo_withdraws_it(cli):
    line = log(cli, "A-1", "ptp", "--amount", "5,000", "--date", "2026-12-10")
    assert line == ("A-1 (entry 1): promise of 5,000.00 TWD due Thu 2026-12-10 recorded; "
                    "no calls until then")
    _, promises = cli.json("promises")
    assert promises == [{"account_id": "A-1", "amount": "5000.00", "currency": "TWD",
                         "due": "2026-12-10", "status": "pending", "paid": "0.00",
                         "made_on": "2026-12-04"}]
    cli("undo")
    assert cli.json("promises")[1] == []
    assert show(cli)["calls"][0]["reversed_by"] == 2


@pytest.mark.parametrize("day", ["+6", "thu", "115/12/10", "2026/12/10"])
def test_promise_dates_as_collectors_type_them(cli, day):
    log(cli, "A-1", "ptp", "-a", "100", "-d", day)
    assert cli.json("promises")[1][0]["due"] == "2026-12-10"


def test_payment_lowers_the_balance_and_undo_restores_it(cli):
    line = log(cli, "A-1", "paid", "--amount", "2500")
    assert "2,500.00 TWD paid on 2026-12-04; balance now 7,500.00 TWD" in line
    assert show(cli)["balance"] == "7500.00"
    assert show(cli)["payments"][0]["amount"] == "2500.00"
    cli("undo")
    assert show(cli)["balance"] == "10000.00" and show(cli)["payments"] == []


def test_callback_pins_a_time_in_the_debtors_zone(cli):
    line = log(cli, "A-1", "cb", "--at", "15:30")
    assert "callback at Fri 2026-12-04 15:30 (Asia/Taipei" in line
    assert show(cli)["calls"][0]["callback_at"] == "2026-12-04T07:30:00+00:00"


@pytest.mark.parametrize("code", ["dispute", "cease"])
def test_dispute_and_cease_hold_until_resumed(cli, code):
    log(cli, "A-1", code)
    assert show(cli)["hold"] == code
    result = cli("account", "A-1", "--resume")
    assert result.exit_code == 0 and "resumed" in result.stdout
    assert show(cli)["hold"] is None
    again = cli("account", "A-1", "--resume")
    assert again.exit_code == 2 and "not on hold" in again.stderr


def test_undoing_a_dispute_lifts_the_hold(cli):
    log(cli, "A-1", "dispute")
    cli("undo")
    assert show(cli)["hold"] is None


def test_skip_outcome_lists_the_account_until_undone(cli):
    log(cli, "A-1", "skip")
    assert [a["account_id"] for a in cli.json("skip")[1]] == ["A-1"]
    cli("undo")
    assert cli.json("skip")[1] == []


def test_complaint_is_recorded(cli):
    assert "complaint" in log(cli, "A-1", "complaint", "-n", "rude caller")
    assert show(cli)["calls"][0]["outcome"] == "complaint"


def test_undo_walks_back_one_entry_at_a_time_and_never_deletes(cli):
    log(cli, "A-1", "na")
    log(cli, "A-1", "busy")
    assert "entry 2 (busy on A-1) undone by entry 3" in cli("undo").stdout
    assert "entry 1 (no answer on A-1) undone by entry 4" in cli("undo").stdout
    assert cli.count("calls") == 4
    result = cli("undo")
    assert result.exit_code == 2 and "nothing to undo" in result.stderr


def test_undo_a_named_entry_and_not_twice(cli):
    log(cli, "A-1", "na")
    log(cli, "A-2", "na")
    assert "entry 1" in cli("undo", "1").stdout
    twice = cli("undo", "1")
    assert twice.exit_code == 2 and "already undone" in twice.stderr
    of_undo = cli("undo", "3")
    assert of_undo.exit_code == 2 and "itself an undo" in of_undo.stderr
    missing = cli("undo", "99")
    assert missing.exit_code == 2 and "no entry 99" in missing.stderr


def test_undo_is_per_collector(cli, monkeypatch):
    log(cli, "A-1", "na")
    monkeypatch.setenv("COLLECTCTL_COLLECTOR", "bob")
    result = cli("undo")
    assert result.exit_code == 2 and "bob has nothing to undo" in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["NOPE", "na"], "no account 'NOPE'"),
    (["A-1", "maybe"], "unknown outcome 'maybe'; codes: no-answer, busy, voicemail"),
    (["A-1", "ptp", "--date", "+3"], "--amount: ptp needs an amount"),
    (["A-1", "ptp", "--amount", "100"], "--date: ptp needs a date"),
    (["A-1", "ptp", "--amount", "lots", "--date", "+3"], "--amount"),
    (["A-1", "ptp", "--amount", "0", "--date", "+3"], "more than zero"),
    (["A-1", "ptp", "--amount", "-5", "--date", "+3"], "negative"),
    (["A-1", "ptp", "--amount", "100", "--date", "2026-12-03"], "in the past"),
    (["A-1", "ptp", "--amount", "100", "--date", "+31"], "more than 30 days ahead"),
    (["A-1", "ptp", "--amount", "100", "--date", "soon"], "--date"),
    (["A-1", "paid"], "paid needs an amount"),
    (["A-1", "paid", "--amount", "10001"], "more than the balance"),
    (["A-1", "paid", "--amount", "1", "--date", "+1"], "in the future"),
    (["A-1", "cb"], "--at: callback needs a time"),
    (["A-1", "cb", "--at", "teatime"], "--at: not a time of day"),
    (["A-1", "cb", "--at", "08:00"], "in the past"),
    (["A-1", "wn", "--phone", "0933-000-111"], "--phone: not one of the account's phones"),
])
def test_bad_input_is_one_line_exit_2_and_nothing_written(cli, args, message):
    result = cli("log", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert cli.count("calls") == cli.count("promises") == cli.count("payments") == 0


def test_overpay_is_accepted_when_asked(cli):
    log(cli, "A-1", "paid", "--amount", "12000", "--allow-overpay")
    assert show(cli)["balance"] == "-2000.00"


def test_a_collector_name_is_needed(cli, monkeypatch):
    monkeypatch.delenv("COLLECTCTL_COLLECTOR")
    result = cli("log", "A-1", "na")
    assert result.exit_code == 2 and "who is calling" in result.stderr
    assert log(cli, "A-1", "na", "--collector", "carol")
    assert show(cli)["calls"][0]["collector"] == "carol"


def test_configured_outcome_codes(cli, tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("outcomes:\n  left-message:\n    aliases: [lm, 留言]\n")
    from collectctl.cli import app

    result = cli.runner.invoke(app, ["--config", str(config), "--db", str(cli.db), "--now",
                                     cli.now, "log", "A-1", "留言"])
    assert result.exit_code == 0, result.output
    assert show(cli)["calls"][0]["outcome"] == "left-message"


@pytest.mark.parametrize(("code", "effect", "missing"), [
    ("promised", "promise", "--amount: promised needs an amount"),
    ("banked", "payment", "--amount: banked needs an amount"),
    ("call-later", "callback", "--at: call-later needs a time (e.g. 15:30)"),
])
def test_a_configured_code_needs_what_its_effect_needs(cli, tmp_path, code, effect, missing):
    # The config gives an effect and no ``needs``: a usage error, not an internal
    # TypeError from comparing a missing date or amount (found by mypy).
    config = tmp_path / "c.yaml"
    config.write_text(f"outcomes:\n  {code}:\n    effect: {effect}\n")
    from collectctl.cli import app

    result = cli.runner.invoke(app, ["--config", str(config), "--db", str(cli.db), "--now",
                                     cli.now, "log", "A-1", code])
    assert result.exit_code == 2, result.output
    assert result.stderr == f"collectctl: error: {missing}\n"
    assert show(cli)["calls"] == []
    if effect == "promise":
        result = cli.runner.invoke(app, ["--config", str(config), "--db", str(cli.db),
                                         "--now", cli.now, "log", "A-1", code, "-a", "100"])
        assert result.exit_code == 2
        assert result.stderr == f"collectctl: error: --date: {code} needs a date\n"


def test_the_file_lists_promises_payments_and_calls(cli):
    log(cli, "A-1", "na")
    log(cli, "A-1", "ptp", "-a", "3000", "-d", "2026-12-10", "-n", "salary on the 10th")
    cli("pay", "A-1", "1000", "--reference", "TX1")
    out = cli("show", "A-1").stdout
    assert "Balance        9,000.00 TWD" in out
    assert "3,000.00 TWD due Thu 2026-12-10: pending (paid 1,000.00 TWD)" in out
    assert "2026-12-04  1,000.00 TWD  TX1" in out
    assert ("#2  Fri 2026-12-04 09:00  ptp  3,000.00 TWD  due Thu 2026-12-10  0912 345 678  alice"
            "  “salary on the 10th”") in out


@pytest.mark.parametrize("entry", [("na",), ("rpc",), ("ptp", "-a", "50", "-d", "2026-12-10")])
def test_log_starts_lean(cli, make_csv, entry):
    """``log`` runs dozens of times a day: it must not import pydantic (Typer's coercion),
    rich, the workbook reader, or the other commands' modules; nor does a contact, whose
    pay trials are derived again (``core.paying``)."""
    import subprocess
    import sys

    assert cli("import", "accounts", make_csv("a.csv", "account_id,amount_due,mobile\n"
                                               "A,100,0912345678\n")).exit_code == 0
    code = (
        "import sys\n"
        f"sys.argv = ['collectctl', '--db', {str(cli.db)!r}, '--now', {cli.now!r}, "
        f"'log', 'A', {', '.join(map(repr, entry))}, '--collector', 'alice']\n"
        "from collectctl.cli import main\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "heavy = [m for m in ('pydantic', 'rich', 'collectctl.cli.plan', 'collectctl.app.plan',"
        " 'collectctl.core.assign', 'phonenumbers', 'yaml', 'python_calamine')"
        " if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "(entry 1):" in out
    assert "HEAVY []" in out


def test_the_command_is_found_after_global_options():
    from collectctl.cli.root import command_name

    assert command_name(["--db", "x.db", "--now", "2026-12-04", "log", "A", "na"]) == "log"
    assert command_name(["--debug", "plan"]) == "plan"
    assert command_name(["--help"]) is None
