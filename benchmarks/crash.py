"""``python -m benchmarks crash [--kills 50] [--rows 200000]``: SIGKILL an account import at
random moments; after each kill the database passes its checks and holds exactly the
state before the import (or after it, if it had finished); the next import works."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.generate import accounts_csv

EXE = [sys.executable, "-m", "collectctl"]


def state(db: Path) -> tuple:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return tuple(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                     for t in ("accounts", "phones", "import_batches", "account_history"))
    finally:
        conn.close()


def main(kills: int, rows: int, seed: int = 11) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        csv_path, db = work / "accounts.csv", work / "crash.db"
        accounts_csv(csv_path, rows, 50, seed=seed)
        env = {**os.environ, "COLLECTCTL_DB": str(db),
               "COLLECTCTL_NOW": "2026-12-04T10:00:00+08:00"}
        subprocess.run([*EXE, "db", "check"], env=env, check=True, stdout=subprocess.DEVNULL)
        empty = state(db)
        started = time.perf_counter()
        subprocess.run([*EXE, "import", "accounts", str(csv_path)], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        whole = time.perf_counter() - started
        full = state(db)

        def fresh() -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            subprocess.run([*EXE, "db", "check"], env=env, check=True,
                           stdout=subprocess.DEVNULL)

        fresh()
        print(f"{rows:,} rows import in {whole:.1f} s; killing {kills} times at random")
        rng = random.Random(seed)
        mid = 0
        for n in range(kills):
            proc = subprocess.Popen([*EXE, "import", "accounts", str(csv_path)], env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.05, whole * 0.95))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            found = state(db)
            if found == full:  # finished before the kill: start again from empty
                fresh()
            elif found != empty:
                raise SystemExit(f"kill {n + 1}: partial import {found} (empty {empty}, "
                                 f"full {full})")
            else:
                mid += 1
        subprocess.run([*EXE, "import", "accounts", str(csv_path)], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        assert state(db) == full
        print(f"{kills} kills: {mid} during the import, each left the database as it was "
              f"(integrity_check ok); the next import completed")
