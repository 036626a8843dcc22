"""``python -m benchmarks crash [--what accounts|payments|calls|log|all] [--kills 50]
[--rows 200000]``: SIGKILL collectctl at random moments.

An import (accounts, payments or calls) is one transaction: after each kill the database
passes ``integrity_check`` and holds exactly the state before the import, or after it if it
had finished, never part of it; the next import works. No process of the killed import
outlives it (its parse workers, for a file of 16 MB or more): each run's processes carry a
tag in their environment, and any still alive a few seconds after the kill is an orphan.
A loop of ``log`` commands killed at random keeps every entry that finished, with its
promise, and the call log's hash chain stays whole (``db check``).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

from benchmarks.generate import accounts_csv, calls_csv, payments_csv

EXE = [sys.executable, "-m", "collectctl"]
NOW = "2026-12-04T21:00:00+08:00"
TABLES = ("accounts", "phones", "import_batches", "account_history", "payments", "calls",
          "promises")


def state(db: Path) -> tuple:
    """Row counts of every table an import touches and the total balance; asserts the
    file's integrity first."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        counts = tuple(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES)
        balance = conn.execute("SELECT COALESCE(SUM(amount_due_minor), 0) FROM accounts")
        return (*counts, balance.fetchone()[0])
    finally:
        conn.close()


TAG = "COLLECTCTL_CRASH_TAG"


def tagged(tag: str) -> list[int]:
    """Living processes (not zombies) whose environment carries ``TAG=tag`` (Linux)."""
    found = []
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as env:
                if f"{TAG}={tag}".encode() not in env.read().split(b"\0"):
                    continue
            with open(f"/proc/{entry}/stat", "rb") as stat:
                if stat.read().rsplit(b")", 1)[1].split()[0] == b"Z":
                    continue
        except OSError:
            continue
        found.append(int(entry))
    return found


def orphans(tag: str, wait: float = 3.0) -> list[int]:
    """The tagged processes still alive after ``wait`` seconds at most."""
    deadline = time.monotonic() + wait
    while (alive := tagged(tag)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


def _run(args: list[str], env: dict) -> None:
    subprocess.run([*EXE, *args], env=env, check=True, stdout=subprocess.DEVNULL)


def _restore(template: Path, db: Path) -> None:
    # A first load writes through a rollback journal: a hot one is rolled back by the
    # state() before this, and never left beside a copy it does not belong to.
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, db)


def kill_imports(what: str, kills: int, rows: int, work: Path, seed: int) -> str:
    db, template = work / "crash.db", work / "before.db"
    env = {**os.environ, "COLLECTCTL_DB": str(db), "COLLECTCTL_NOW": NOW}
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    _run(["db", "migrate"], env)  # made afresh (a read command makes no database)
    accounts = work / "accounts.csv"
    if not accounts.exists():
        accounts_csv(accounts, rows, 50, seed=seed)
    if what == "accounts":
        target, extra = accounts, []
    else:  # payments and calls land on the accounts imported first
        _run(["import", "accounts", str(accounts)], env)
        target = work / f"{what}.csv"
        make = payments_csv if what == "payments" else calls_csv
        make(target, rows, rows, date(2026, 12, 4))
        extra = ["--allow-overpay"]
    template.unlink(missing_ok=True)  # db backup will not overwrite a file
    _run(["db", "backup", str(template)], env)
    before = state(db)
    started = time.perf_counter()
    _run(["import", what, str(target), *extra], env)
    whole = time.perf_counter() - started
    after = state(db)
    _restore(template, db)
    rng = random.Random(seed)
    during = workers_seen = 0
    left: list[int] = []
    for n in range(kills):
        tag = uuid.uuid4().hex
        proc = subprocess.Popen([*EXE, "import", what, str(target), *extra],
                                env={**env, TAG: tag}, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, whole * 0.95))
        workers_seen += len(tagged(tag)) > 1
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        left.extend(orphans(tag))
        found = state(db)
        if found == after:  # it finished before the kill: start again from before
            _restore(template, db)
        elif found != before:
            raise SystemExit(f"{what}, kill {n + 1}: partial import {found} "
                             f"(before {before}, after {after})")
        else:
            during += 1
    _run(["import", what, str(target), *extra], env)
    if state(db) != after:
        raise SystemExit(f"{what}: the import after the kills did not complete")
    _run(["db", "check"], env)
    if left:
        for pid in left:  # ours: end them, then fail
            os.kill(pid, signal.SIGKILL)
        raise SystemExit(f"{what}: {len(left)} processes outlived the imports killed")
    return (f"import {what}, {rows:,} rows ({whole:.1f} s whole): {kills} kills, {during} "
            f"during the import; every time integrity_check ok and the database exactly as "
            f"before; the next import completed; 0 orphans (a parse worker running at "
            f"{workers_seen} of the kills)")


def kill_logs(kills: int, work: Path, seed: int) -> str:
    db = work / "log.db"
    env = {**os.environ, "COLLECTCTL_DB": str(db), "COLLECTCTL_NOW": NOW}
    accounts = work / "few.csv"
    accounts_csv(accounts, 200, 1, seed=seed)
    _run(["import", "accounts", str(accounts)], env)
    args = ["log", "TW-00000007", "ptp", "--amount", "100", "--date", "2026-12-10",
            "--collector", "c0000"]
    started = time.perf_counter()
    _run(args, env)
    one = time.perf_counter() - started
    rng = random.Random(seed)
    written, cut = 1, 0
    for n in range(kills):
        proc = subprocess.Popen([*EXE, *args], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(one * 0.4, one * 1.1))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        conn = sqlite3.connect(db)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            calls = conn.execute("SELECT COUNT(*) FROM calls").fetchone()[0]
            promises = conn.execute("SELECT COUNT(*) FROM promises").fetchone()[0]
        finally:
            conn.close()
        if calls != promises or calls not in (written, written + 1):
            raise SystemExit(f"log, kill {n + 1}: {calls} calls and {promises} promises "
                             f"after {written} entries")
        cut += calls == written
        written = calls
    _run(["db", "check"], env)  # the hash chain is whole
    return (f"log ptp ({one * 1000:.0f} ms whole): {kills} kills, {cut} before the entry "
            f"was written; every entry written has its promise, integrity_check ok, "
            f"hash chain whole")


def main(kills: int, rows: int, what: str = "accounts", seed: int = 11) -> None:
    kinds = ("accounts", "payments", "calls", "log") if what == "all" else (what,)
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            work = Path(tmp)
            line = (kill_logs(kills, work, seed) if kind == "log"
                    else kill_imports(kind, kills, rows, work, seed))
            print(line, flush=True)
