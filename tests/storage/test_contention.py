"""Every write path runs in the retrying transaction (``SQLStore.atomically``): a write that
meets another writer is run again from its start, never fails halfway, never counts twice.

Two kinds of test, on both engines: every writing command with its first transactions
refused (after their work, with the error each engine raises on contention: SQLite's
"database is locked", PostgreSQL's deadlock), and undo, pay, imports and targets run while
another process keeps taking the write lock. On SQLite the second fails without the retry
(the busy timeout is set below the other writer's transactions); PostgreSQL writers wait
for each other's locks under READ COMMITTED and fail only on a deadlock, which the first
kind stands in for, as a real one cannot be timed.
"""

from __future__ import annotations

import subprocess
import sys
import time
from contextlib import contextmanager

import pytest

from collectctl.storage.base import SQLStore

ACCOUNTS = "account_id,name,amount_due,mobile,assigned_to\n" + "".join(
    f"ACC{n},Debtor {n},{100000 + n},0912{n:06d},{'alice' if n % 2 else 'bob'}\n"
    for n in range(10))


def contention_error(engine: str) -> Exception:
    """What the engine raises when another writer holds it up for too long."""
    if engine == "sqlite":
        import sqlite3

        return sqlite3.OperationalError("database is locked")
    import psycopg.errors

    return psycopg.errors.DeadlockDetected("deadlock detected")


@pytest.fixture
def refuse(engine, monkeypatch):
    """``refuse(n)``: the next ``n`` write transactions run their work and are then
    refused, as a commit that lost to another writer (the work is rolled back)."""
    real = SQLStore.transaction
    left = {"n": 0}

    @contextmanager
    def transaction(self):
        with real(self) as tx:
            yield tx
            if left["n"]:
                left["n"] -= 1
                raise contention_error(engine)

    monkeypatch.setattr(SQLStore, "transaction", transaction)
    monkeypatch.setattr("time.sleep", lambda _s: None)  # the retry's back-off

    def arm(n: int = 1) -> dict:
        left["n"] = n
        return left

    return arm


WRITES = [
    # (command, what must hold afterwards: a query and its one value)
    (["log", "ACC1", "na", "--collector", "alice"],
     "SELECT COUNT(*) FROM calls", 2),
    (["undo", "--collector", "alice"],
     "SELECT COUNT(*) FROM calls WHERE reverses IS NOT NULL", 1),
    (["account", "ACC1", "--resume", "--collector", "alice"], None, None),
    (["account", "ACC1", "--avoid", "12:00-13:00", "--no-workplace", "--collector", "alice"],
     "SELECT COUNT(*) FROM debtor_requests", 2),
    (["pay", "ACC1", "100", "--reference", "R1"],
     "SELECT COUNT(*) FROM payments", 1),
    (["contact", "add", "ACC1", "0933111222"],
     "SELECT COUNT(*) FROM phones WHERE account_id = 'ACC1'", 2),
    (["contact", "invalid", "ACC1", "0912000001"],
     "SELECT COUNT(*) FROM phones WHERE account_id = 'ACC1' AND valid = 0", 1),
    (["target", "set", "--period", "month", "--team", "calls=2000", "collected=500000"],
     "SELECT COUNT(*) FROM targets", 2),
    (["target", "split", "--team-total", "calls=1000"],  # two collectors' parts, the team's
     "SELECT COUNT(*) FROM targets", 3),
    (["target", "clear"], "SELECT COUNT(*) FROM targets", 0),
    (["assign", "--to", "carol", "--from", "bob"],
     "SELECT COUNT(*) FROM accounts WHERE assigned_to = 'carol'", 5),
    (["learn", "rebuild"], None, None),
]


def _setup(cli, make_csv, args):
    assert cli("import", "accounts", make_csv("a.csv", ACCOUNTS)).exit_code == 0
    if args[0] in ("undo", "account"):
        outcome = "dispute" if args[0] == "account" else "na"
        assert cli("log", "ACC1", outcome, "--collector", "alice").exit_code == 0
    if args[:2] == ["target", "clear"]:
        assert cli("target", "set", "--team", "--period", "month", "calls=1").exit_code == 0
    if args[0] == "log":
        assert cli("log", "ACC1", "na", "--collector", "alice").exit_code == 0


@pytest.mark.parametrize(("args", "query", "expected"), WRITES,
                         ids=[" ".join(w[0][:2]) for w in WRITES])
def test_a_refused_transaction_is_run_again(cli, make_csv, refuse, args, query, expected):
    _setup(cli, make_csv, args)
    left = refuse(2)
    result = cli(*args)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception)
    assert result.exit_code == 0, result.output
    assert left["n"] == 0  # the command did go through the two refusals
    if query:
        assert cli.sql(query)[0][0] == expected


IMPORTS = [
    ("accounts", ACCOUNTS.replace(",100003,", ",90003,"), "accounts", 10),
    ("payments", "account,date,amount,reference\nACC1,2026-12-03,500,T1\n"
                 "ACC2,2026-12-03,600,T2\n", "payments", 2),
    ("calls", "account,time,result,agent\nACC1,2026-12-04 08:15,na,bob\n"
              "ACC2,2026-12-04 08:20,na,bob\n", "calls", 2),
]


@pytest.mark.parametrize(("kind", "text", "table", "rows"), IMPORTS,
                         ids=[i[0] for i in IMPORTS])
def test_a_refused_import_reads_its_file_again(cli, make_csv, refuse, kind, text, table,
                                               rows):
    """The whole file is read again into a fresh result: nothing counted twice."""
    assert cli("import", "accounts", make_csv("a.csv", ACCOUNTS)).exit_code == 0
    left = refuse(2)
    result, summary = cli.json("import", kind, make_csv("f.csv", text))
    assert result.exit_code == 0, result.output
    assert left["n"] == 0
    assert summary["rejected"] == []
    assert summary["inserted"] + summary["updated"] == (1 if kind == "accounts" else rows)
    assert cli.count(table) == rows
    assert cli.count("import_batches") == 2


def test_a_write_that_is_always_refused_fails_with_the_engines_error(cli, make_csv,
                                                                     refuse):
    """Retrying is bounded: after the last attempt the error goes to the user."""
    assert cli("import", "accounts", make_csv("a.csv", ACCOUNTS)).exit_code == 0
    refuse(99)
    result = cli("pay", "ACC1", "100")
    assert result.exit_code != 0
    assert cli.count("payments") == 0


# -- against a real second writer ---------------------------------------------------------

#: Another process writing in long transactions until the stop-file appears: each one adds
#: a call (the call log's chain), bumps the learned counts and sets the team's targets,
#: holding the write lock for 120 ms, then lets go for 80 ms.
CONTENDER = r"""
import os, sys, time
from datetime import date, datetime
from decimal import Decimal
import collectctl.storage.sqlite as sqlite_store
from collectctl.app import learn as learner
from collectctl.clock import to_utc_iso
from collectctl.config import load_settings
from collectctl.core.models import Call
from collectctl.core.targets import Target
from collectctl.storage import open_store
target, ready, stop = sys.argv[1], sys.argv[2], sys.argv[3]
sqlite_store.BUSY_TIMEOUT_MS = 100
settings = load_settings(None)
store = open_store(target)
now = datetime.fromisoformat("2026-12-04T09:00:00+08:00")
n = 0
open(ready, "w").close()
while not os.path.exists(stop):
    def work(_tx):
        account = store.get_account(f"ACC{n % 10}")
        call = Call(None, account.account_id, "zed", now, "na", note=f"zed-{n}")
        call_id = store.add_call(call, to_utc_iso(now))
        learner.record(store, settings, account, call)
        store.set_targets([Target(None, "month", date(2026, 12, 1), "collected",
                                  Decimal(n)),
                           Target(None, "month", date(2026, 12, 1), "calls", Decimal(n))],
                          to_utc_iso(now))
        time.sleep(0.12)
    store.atomically(work)
    n += 1
    time.sleep(0.08)
store.close()
print(n)
"""


def test_undo_pay_imports_and_targets_beside_another_writer(cli, make_csv, tmp_path,
                                                            monkeypatch):
    """With a busy timeout shorter than the other writer's transactions (SQLite), or the
    other writer taking the same locks (PostgreSQL), every command still succeeds and
    writes exactly once."""
    monkeypatch.setattr("collectctl.storage.sqlite.BUSY_TIMEOUT_MS", 100)
    assert cli("import", "accounts", make_csv("a.csv", ACCOUNTS)).exit_code == 0
    ready, stop = tmp_path / "ready", tmp_path / "stop"
    contender = subprocess.Popen([sys.executable, "-c", CONTENDER, str(cli.db), str(ready),
                                  str(stop)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    failures = []

    def run(*args):
        result = cli(*args)
        if result.exit_code != 0:
            failures.append((args, result.output, repr(result.exception)))
        return result

    try:
        deadline = time.monotonic() + 30
        while not ready.exists() and contender.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        rounds = 4
        for k in range(rounds):
            run("log", f"ACC{k}", "na", "--collector", "alice")
            run("undo", "--collector", "alice")
            run("pay", f"ACC{k}", "10", "--reference", f"P{k}")
            run("import", "accounts",
                make_csv(f"a{k}.csv", ACCOUNTS.replace(",100001,", f",{200000 + k},")))
            run("import", "payments", make_csv(
                f"p{k}.csv", f"account,date,amount,reference\nACC{k},2026-12-03,5,F{k}\n"))
            run("import", "calls", make_csv(
                f"c{k}.csv", f"account,time,result,agent\nACC{k},2026-12-04 08:{k:02d},na,"
                             "bob\n"))
            run("target", "set", "--collector", "alice", "--period", "month",
                f"calls={k + 1}", f"collected={1000 * (k + 1)}")
            run("target", "split", "--team-total", f"collected={10000 + k}")
    finally:
        stop.touch()
        out, err = contender.communicate(timeout=60)
    assert contender.returncode == 0, err.decode()[-800:]
    contended = int(out)
    assert contended > 3  # the other writer really wrote beside the commands
    assert failures == []
    assert cli.count("payments") == 2 * rounds
    assert cli.sql("SELECT COUNT(*) FROM calls WHERE collector = 'zed'")[0][0] == contended
    assert cli.sql("SELECT COUNT(*) FROM calls WHERE collector <> 'zed'")[0][0] == 3 * rounds
    assert cli.sql("SELECT COUNT(*) FROM calls WHERE reverses IS NOT NULL")[0][0] == rounds
    assert cli.sql("SELECT value FROM targets WHERE collector = 'alice' AND metric = 'calls'"
                   ) in ([(str(rounds),)], [(rounds,)])
    assert cli.count("import_batches") == 1 + 3 * rounds
