"""``python -m benchmarks run [--quick]``: every budget of the performance issue in one run,
each measured beside the peer a user could use instead, as whole processes.

Sizes: 1,000,000 accounts over 500 collectors and 10,000,000 calls (``--quick``: 50,000
accounts, 25 collectors, 200,000 calls; under two minutes). Seconds depend on the
machine; the ratios to the peers measured in the same run are what carry over.
"""

from __future__ import annotations

import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from benchmarks.generate import accounts_csv, add_calls

EXE = [sys.executable, "-m", "collectctl"]
NOW = "2026-12-04T10:00:00+08:00"


@dataclass(frozen=True)
class Row:
    scenario: str
    result: str
    budget: str
    met: bool | None


def run_child(args: list[str], env: dict, cwd: Path | None = None) -> tuple[float, float]:
    """(wall seconds, peak resident MB) of one whole process."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # 1: some rows rejected, still a finished import
        raise SystemExit(f"{' '.join(args[:4])}... failed ({code}): {err[-400:]}")
    return elapsed, usage.ru_maxrss / 1024


def median(runs: int, args: list[str], env: dict) -> tuple[float, float]:
    times = [run_child(args, env)[0] for _ in range(runs)]
    return statistics.median(times), max(times) - min(times)


def machine() -> str:
    model = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}"


def optimality(instances: int, seed: int = 5) -> float | None:
    """The smallest plan worth / exact optimum over random instances of 50-2,000
    accounts on a 96-slot day (scipy's solver; None without scipy)."""
    try:
        import numpy as np
        from scipy.optimize import linear_sum_assignment
    except ImportError:
        return None
    from collectctl.core.schedule import Candidate, schedule, worth

    rng = random.Random(seed)
    worst = 1.0
    for n in range(instances):
        size = [50, 200, 500, 1000, 2000][n % 5]
        slots = 96
        candidates = []
        for _ in range(size):
            start = rng.randrange(slots)
            row = tuple(0.0 if k < start else rng.choice((1.0, 0.6, 0.6, 0.3))
                        for k in range(slots))
            candidates.append(Candidate(rng.uniform(0.5, 12.0), row, None))
        ours = worth(candidates, schedule(candidates, slots))
        matrix = np.array([[c.weight * q for q in c.quality] for c in candidates])
        rows, cols = linear_sum_assignment(matrix, maximize=True)
        best = float(matrix[rows, cols].sum())
        worst = min(worst, ours / best if best else 1.0)
    return worst


def run(quick: bool, workdir: Path) -> list[Row]:
    count, collectors, calls = (50_000, 25, 200_000) if quick else (1_000_000, 500, 10_000_000)
    (workdir / "none.yaml").write_text("{}\n")
    base_env = {**os.environ, "COLLECTCTL_NOW": NOW,
                "COLLECTCTL_CONFIG": str(workdir / "none.yaml")}
    base_env.pop("COLLECTCTL_DB", None)
    rows: list[Row] = []

    def say(item) -> None:
        for row in item if isinstance(item, list) else [item]:
            if isinstance(row, Row):
                verdict = "" if row.met is None else ("  ok" if row.met else "  MISSED")
                print(f"{row.scenario}: {row.result} (budget {row.budget or '-'}){verdict}")
            else:
                print(row)

    floor, spread = median(9, [sys.executable, "-c", "import typer"], base_env)
    say(f"python -c 'import typer': {floor * 1000:.0f} ms (spread {spread * 1000:.0f})")
    rows.append(Row('`python -c "import typer"` (the floor of any Typer CLI)',
                    f"{floor * 1000:.0f} ms", "", None))
    helped, _s = median(9, [*EXE, "--help"], base_env)
    rows.append(Row("`collectctl --help`", f"{helped * 1000:.0f} ms = {helped / floor:.1f}x "
                    "the floor", "<= 3x", helped <= 3 * floor))
    say(rows[-1])

    csv_path = workdir / "accounts.csv"
    accounts_csv(csv_path, count, collectors)
    size_mb = csv_path.stat().st_size / 2**20
    say(f"accounts.csv: {count:,} rows, {size_mb:.0f} MB")
    su_db, sq_db, db = workdir / "su.db", workdir / "sq.db", workdir / "ours.db"
    sqlite_utils = shutil.which("sqlite-utils", path=str(Path(sys.executable).parent))
    su, su_mem = run_child([sqlite_utils or "sqlite-utils", "insert", str(su_db), "accounts",
                            str(csv_path), "--csv", "--no-detect-types"], base_env)
    say(f"sqlite-utils insert --csv --no-detect-types: {su:.1f} s, {su_mem:.0f} MB")
    sq = None
    if shutil.which("sqlite3"):
        sq, _m = run_child(["sqlite3", str(sq_db), "-cmd", ".mode csv",
                            f".import {csv_path} accounts"], base_env)
        say(f"sqlite3 .import: {sq:.1f} s")
    env = {**base_env, "COLLECTCTL_DB": str(db)}
    ours, mem = run_child([*EXE, "import", "accounts", str(csv_path)], env)
    say(f"collectctl import accounts: {ours:.1f} s, {mem:.0f} MB")
    peers = f"sqlite-utils {su:.1f} s" + (f", sqlite3 .import {sq:.1f} s" if sq else "")
    rows.append(Row(f"`import accounts`, {count:,} rows, full validation, empty database "
                    f"({peers})", f"{ours:.1f} s = {ours / su:.2f}x sqlite-utils; peak "
                    f"{mem:.0f} MB", "<= 0.35x, < 200 MB", ours <= 0.35 * su and mem < 200))
    again, _m = run_child([*EXE, "import", "accounts", str(csv_path)], env)
    rows.append(Row("the same file re-imported (all unchanged)",
                    f"{again:.1f} s = {again / su:.2f}x sqlite-utils", "<= 0.25x",
                    again <= 0.25 * su))
    say(rows[-2:])

    logged, _s = median(9, [*EXE, "log", "TW-00000001", "na", "--collector", "c0001"], env)
    rows.append(Row(f"`log ID na` on {count:,} accounts",
                    f"{logged * 1000:.0f} ms = {logged / floor:.1f}x the floor",
                    "<= 0.2 s and <= 4x", logged <= 0.2 and logged <= 4 * floor))
    planned, _s = median(5, [*EXE, "plan", "--format", "json", "--collector", "c0001"], env)
    rows.append(Row(f"`plan` for one collector ({count // collectors:,} accounts) of "
                    f"{count:,}", f"{planned * 1000:.0f} ms", "<= 0.4 s", planned <= 0.4))
    everyone, _m = run_child([*EXE, "plan", "--all", "--format", "json"], env)
    rows.append(Row(f"`plan --all`, {collectors} collectors", f"{everyone:.1f} s", "<= 60 s",
                    everyone <= 60))
    say(rows[-3:])

    started = time.perf_counter()
    add_calls(db, calls, count, collectors, date(2026, 12, 4))
    say(f"{calls:,} calls added in {time.perf_counter() - started:.0f} s")
    reported, _s = median(5, [*EXE, "report", "--date", "2026-12-04", "-f", "json"], env)
    rows.append(Row(f"team `report` over {calls:,} calls", f"{reported:.2f} s", "<= 2 s",
                    reported <= 2))
    ratio = optimality(10 if quick else 25)
    if ratio is not None:
        rows.append(Row("plan worth / exact optimum, random instances of 50-2,000 accounts",
                        f"{ratio:.6f} (worst)", ">= 0.99", ratio >= 0.99))
    return rows


def table(rows: list[Row]) -> str:
    lines = ["| scenario | result | budget | met |", "|---|---|---|---|"]
    for r in rows:
        met = "" if r.met is None else ("yes" if r.met else "**no**")
        lines.append(f"| {r.scenario} | {r.result} | {r.budget} | {met} |")
    return "\n".join(lines)


def main(quick: bool) -> None:
    import tempfile

    print(f"machine: {machine()}; {date.today().isoformat()}")
    with tempfile.TemporaryDirectory() as tmp:
        rows = run(quick, Path(tmp))
    print()
    print(table(rows))
