"""Eight collectors logging at the same moment, on PostgreSQL and on one shared SQLite
file: every call recorded exactly once, and no writer ever fails on contention."""

from __future__ import annotations

import subprocess
import sys
import time

WORKERS = 8
CALLS_EACH = 500

# One collector's session: 500 `log` calls through the same code as the command, each in
# its own transaction, started together when the go-file appears.
WORKER = r"""
import os, sys, time
from datetime import datetime
from collectctl.config import load_settings
from collectctl.logbook import log_call
from collectctl.storage import open_store
target, who, count, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
settings = load_settings(None)
store = open_store(target)
while not os.path.exists(go):
    time.sleep(0.002)
now = datetime.fromisoformat("2026-12-04T09:00:00+08:00")
for i in range(count):
    log_call(store, settings, now, f"ACC{i % 10}", "na", collector=who, note=f"{who}-{i}")
store.close()
"""


def test_eight_writers_log_four_thousand_calls_exactly_once(cli, make_csv, tmp_path):
    rows = "".join(f"ACC{n},Debtor {n},{1000 + n},0912{n:06d},shared\n" for n in range(10))
    assert cli("import", "accounts",
               make_csv("a.csv", "account_id,name,amount_due,mobile,assigned_to\n" + rows)
               ).exit_code == 0
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(cli.db), f"w{k}",
                               str(CALLS_EACH), str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for k in range(WORKERS)]
    time.sleep(0.5)  # let every worker connect and wait
    go.touch()
    errors = []
    for proc in procs:
        _out, err = proc.communicate(timeout=600)
        if proc.returncode != 0 or err:
            errors.append(err.decode(errors="replace")[-500:])
    assert errors == []  # no "database is locked", no serialization failure
    assert cli.count("calls") == WORKERS * CALLS_EACH
    notes = cli.sql("SELECT note, COUNT(*) FROM calls GROUP BY note HAVING COUNT(*) > 1")
    assert notes == []
    expected = {f"w{k}-{i}" for k in range(WORKERS) for i in range(CALLS_EACH)}
    assert {r[0] for r in cli.sql("SELECT note FROM calls")} == expected
