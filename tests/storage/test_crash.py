"""A killed process leaves the database as it was before the import or after it, never
part of it; the next import works (SIGKILL at random moments, a sample of the larger
``python -m benchmarks crash`` run)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

HEADER = "account_id,name,amount_due,mobile,assigned_to\n"


def _state(cli) -> tuple:
    return (cli.count("accounts"), cli.count("phones"), cli.count("import_batches"),
            cli.count("account_history"))


def test_an_import_killed_at_random_moments_is_all_or_nothing(cli, make_csv, engine):
    assert cli("import", "accounts", make_csv(
        "first.csv", HEADER + "".join(f"A{n},Name {n},{100 + n},0912{n:06d},alice\n"
                                      for n in range(50)))).exit_code == 0
    before = _state(cli)
    big = make_csv("big.csv", HEADER + "".join(
        f"B{n},Name {n},{100 + n},0922{n:06d},bob\n" for n in range(20000)))
    env = {**os.environ, "COLLECTCTL_DB": str(cli.db), "COLLECTCTL_NOW": cli.now}
    rng = random.Random(3)
    for _kill in range(4):
        proc = subprocess.Popen([sys.executable, "-m", "collectctl", "import", "accounts",
                                 str(big)], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        state = _state(cli)
        if state != before:  # it finished before the kill: then all of it is there
            assert state[0] == before[0] + 20000 and state[2] == before[2] + 1
            break
    if engine == "sqlite":
        assert cli.sql("PRAGMA integrity_check")[0][0] == "ok"
    result = cli("import", "accounts", big)
    assert result.exit_code == 0, result.output
    assert cli.count("accounts") == before[0] + 20000
    assert cli("db", "check").exit_code == 0


def test_a_log_loop_killed_keeps_every_finished_entry(cli, make_csv):
    assert cli("import", "accounts", make_csv(
        "a.csv", HEADER + "A1,Name,1000,0912000001,alice\n")).exit_code == 0
    code = ("import sys\nfrom datetime import datetime\n"
            "from collectctl.config import load_settings\n"
            "from collectctl.app.calls import log_call\n"
            "from collectctl.storage import open_store\n"
            "store = open_store(sys.argv[1]); settings = load_settings(None)\n"
            "now = datetime.fromisoformat('2026-12-04T09:00:00+08:00')\n"
            "n = 0\n"
            "while True:\n"
            "    log_call(store, settings, now, 'A1', 'ptp', collector='alice', amount='1',"
            " day='2026-12-10')\n"
            "    n += 1\n"
            "    print(n, flush=True)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(cli.db)], stdout=subprocess.PIPE,
                            text=True)
    done = 0
    while done < 30:
        done = int(proc.stdout.readline())
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    calls, promises = cli.count("calls"), cli.count("promises")
    assert calls >= done and calls == promises  # every entry with its promise, or neither
    assert cli("db", "check").exit_code == 0


def _totals(cli) -> tuple:
    return (cli.count("payments"), cli.count("calls"), cli.count("promises"),
            cli.count("import_batches"),
            cli.sql("SELECT COALESCE(SUM(amount_due_minor), 0) FROM accounts")[0][0])


@pytest.mark.parametrize("kind", ["payments", "calls"])
def test_payments_and_calls_imports_killed_are_all_or_nothing(cli, make_csv, kind):
    rows = 6000
    assert cli("import", "accounts", make_csv("a.csv", HEADER + "".join(
        f"A{n},Name {n},{10_000 + n},0912{n:06d},alice\n" for n in range(500)))).exit_code == 0
    if kind == "payments":
        text = "account_id,amount,paid_on,reference\n" + "".join(
            f"A{n % 500},{1 + n % 9},2026-12-0{1 + n % 3},R{n}\n" for n in range(rows))
    else:
        text = "account_id,called_at,outcome,amount,date\n" + "".join(
            f"A{n % 500},2026-12-03 {9 + n // 60 % 9:02d}:{n % 60:02d},"
            + ("ptp,100,2026-12-10" if n % 4 == 0 else "na,,") + "\n" for n in range(rows))
    path = make_csv(f"{kind}.csv", text)
    before = _totals(cli)
    env = {**os.environ, "COLLECTCTL_DB": str(cli.db), "COLLECTCTL_NOW": cli.now}
    rng = random.Random(5)
    for _kill in range(3):
        proc = subprocess.Popen([sys.executable, "-m", "collectctl", "import", kind, str(path)],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 1.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if _totals(cli) != before:  # it finished before the kill: all of it is there
            assert _totals(cli)[3] == before[3] + 1
            break
    result = cli("import", kind, str(path))
    if _totals(cli)[3] == before[3] + 1:  # the killed one had finished; this one found it
        assert result.exit_code == 0
    assert cli("db", "check").exit_code == 0
    after = _totals(cli)
    expected = (rows, 0, 0) if kind == "payments" else (0, rows, rows // 4)
    assert after[:3] == tuple(b + e for b, e in zip(before[:3], expected, strict=True))
