"""``python -m benchmarks run [--quick]``: every budget of the performance issue in one run,
each measured beside the peer a user could use instead, as whole processes.

Sizes: 1,000,000 accounts over 500 collectors and 10,000,000 calls (``--quick``: 50,000
accounts, 25 collectors, 200,000 calls; under two minutes). Seconds depend on the
machine; the ratios to the peers measured in the same run are what carry over.

How each row is measured (the table's last column says it again):
- Every budget is a median of at least three runs (``ROUNDS``); a run with a peer is made
  back to back with one of the peer's, the order alternating, and the budget is held to
  the median of those pairs' ratios, so a busy moment on a shared machine weighs on both.
- ``--help`` and ``log`` beside ``python -c "import typer"`` (nine pairs each).
- ``import accounts`` and its re-import beside ``sqlite-utils insert --csv
  --no-detect-types``, which commits every batch (100 rows, or fewer so that a statement
  has at most 999 variables: 76 for the 13 columns here), and ``sqlite3 .import`` (one
  transaction); ours is one transaction, on empty databases each round.
- Memory is the sampled peak of the whole process tree (``benchmarks/measure.py``): the
  import's parse worker and ``plan --all``'s workers count.
- ``plan`` and ``report`` are timed with ``--format json``, output discarded.
"""
from __future__ import annotations

import os
import platform
import random
import shutil
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from benchmarks.generate import accounts_csv, add_calls
from benchmarks.measure import Measured, measure

EXE = [sys.executable, "-m", "collectctl"]
NOW = "2026-12-04T10:00:00+08:00"


#: Every budget is the median of at least this many runs (the machine is shared: one run
#: of a command can land on a busy moment that its peer's run missed).
ROUNDS = 3


@dataclass(frozen=True)
class Row:
    scenario: str
    result: str
    budget: str
    met: bool | None
    runs: str = ""  # how the result was measured: how many runs, beside which peer


def run_child(args: list[str], env: dict, sample: bool = False) -> Measured:
    """One whole process, which must finish (exit 0, or 1: some rows rejected, still a
    finished import); with ``sample``, its process tree's memory too."""
    run = measure(args, env, sample=sample)
    if run.code not in (0, 1):
        raise SystemExit(f"{' '.join(args[:4])}... failed ({run.code}): {run.stderr[-400:]}")
    return run


def median(runs: int, args: list[str], env: dict) -> tuple[float, float]:
    """(median, spread) in seconds of ``runs`` runs of one command."""
    times = [run_child(args, env).seconds for _ in range(runs)]
    return statistics.median(times), max(times) - min(times)


@dataclass(frozen=True)
class Pair:
    """A command timed beside its peer: medians in seconds, and the median of the
    ratios of the runs made back to back (the figure a budget is held to)."""

    ours: float
    peer: float
    ratio: float
    spread: float  # max - min of the ratios


def beside(rounds: int, ours: list[str], peer: list[str], env: dict,
           peer_env: dict | None = None) -> Pair:
    """``rounds`` runs of ``ours``, each right after or before one of ``peer`` (the order
    alternates, so neither always runs on a warmer cache)."""
    mine, theirs = [], []
    for n in range(rounds):
        if n % 2:
            mine.append(run_child(ours, env).seconds)
            theirs.append(run_child(peer, peer_env or env).seconds)
        else:
            theirs.append(run_child(peer, peer_env or env).seconds)
            mine.append(run_child(ours, env).seconds)
    ratios = [a / b for a, b in zip(mine, theirs, strict=True)]
    return Pair(statistics.median(mine), statistics.median(theirs),
                statistics.median(ratios), max(ratios) - min(ratios))


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


def su_batch(csv_path: Path) -> int:
    """Rows in one of sqlite-utils' batches for this file, each its own transaction: its
    ``--batch-size`` (100), capped at SQLite's 999 variables a statement."""
    with csv_path.open(encoding="utf-8") as f:
        columns = len(f.readline().split(","))
    return max(1, min(100, 999 // columns))


def say(item) -> None:
    """Print a row (or rows) as it is measured, or a line of progress."""
    for row in item if isinstance(item, list) else [item]:
        if isinstance(row, Row):
            verdict = "" if row.met is None else ("  ok" if row.met else "  MISSED")
            print(f"{row.scenario}: {row.result} (budget {row.budget or '-'}; "
                  f"{row.runs}){verdict}", flush=True)
        else:
            print(row, flush=True)


def import_rows(count: int, collectors: int, workdir: Path, rounds: int) -> list[Row]:
    """The import budgets: each round, on empty databases, sqlite-utils and ``sqlite3
    .import`` beside our three paths over the same list: the first import (a first load,
    ``Store.first_load``), the same list again (all unchanged), and the ordinary path (the
    same list into a database that holds one other account, so nothing is loaded in
    bulk). The order alternates between the peers and ours. Leaves ``ours.db`` loaded."""
    base_env = {**os.environ, "COLLECTCTL_NOW": NOW,
                "COLLECTCTL_CONFIG": str(workdir / "none.yaml")}
    base_env.pop("COLLECTCTL_DB", None)
    (workdir / "none.yaml").write_text("{}\n")
    csv_path = workdir / "accounts.csv"
    accounts_csv(csv_path, count, collectors)
    size_mb = csv_path.stat().st_size / 2**20
    batch = su_batch(csv_path)
    say(f"accounts.csv: {count:,} rows, {size_mb:.0f} MB; sqlite-utils commits every "
        f"{batch} rows")
    seed = workdir / "one.csv"
    seed.write_text("account_id,name,amount_due,mobile\nSEED-1,Seed,100,0912345678\n",
                    encoding="utf-8")
    sqlite_utils = shutil.which("sqlite-utils", path=str(Path(sys.executable).parent))
    su_args = [sqlite_utils or "sqlite-utils", "insert", str(workdir / "su.db"), "accounts",
               str(csv_path), "--csv", "--no-detect-types"]
    sq_args = (["sqlite3", str(workdir / "sq.db"), "-cmd", ".mode csv",
                f".import {csv_path} accounts"] if shutil.which("sqlite3") else None)
    db, plain = workdir / "ours.db", workdir / "plain.db"
    # The first import read row by row (as without the [fast] extra), and, with polars
    # installed, read by columns (app.columnar) into a database of its own.
    env = {**base_env, "COLLECTCTL_DB": str(db), "COLLECTCTL_COLUMNAR": "0"}
    plain_env = {**base_env, "COLLECTCTL_DB": str(plain), "COLLECTCTL_COLUMNAR": "0"}
    from importlib.util import find_spec

    fast_env = ({**base_env, "COLLECTCTL_DB": str(workdir / "fast.db"),
                 "COLLECTCTL_COLUMNAR": "1"} if find_spec("polars") else None)
    ours_args = [*EXE, "import", "accounts", str(csv_path)]
    runs: dict[str, list[Measured]] = {"su": [], "sq": [], "fast": [], "first": [],
                                       "again": [], "plain": []}
    for n in range(rounds):
        for name in ("su.db", "sq.db", "ours.db", "plain.db", "fast.db"):
            for suffix in ("", "-wal", "-shm", "-journal"):
                (workdir / f"{name}{suffix}").unlink(missing_ok=True)
        run_child([*EXE, "import", "accounts", str(seed)], plain_env)  # untimed
        peers_first = n % 2 == 0
        if peers_first:
            runs["su"].append(run_child(su_args, base_env, sample=True))
            if sq_args:
                runs["sq"].append(run_child(sq_args, base_env))
        if fast_env is not None:
            runs["fast"].append(run_child(ours_args, fast_env, sample=True))
        runs["first"].append(run_child(ours_args, env, sample=True))
        runs["again"].append(run_child(ours_args, env, sample=True))
        runs["plain"].append(run_child(ours_args, plain_env, sample=True))
        if not peers_first:
            if sq_args:
                runs["sq"].append(run_child(sq_args, base_env))
            runs["su"].append(run_child(su_args, base_env, sample=True))
        sq_text = f", sqlite3 .import {runs['sq'][-1].seconds:.1f} s" if runs["sq"] else ""
        first, again, ordinary = runs["first"][-1], runs["again"][-1], runs["plain"][-1]
        fast_text = (f"read by columns {runs['fast'][-1].seconds:.1f} s "
                     f"{mb(runs['fast'][-1])}; " if runs["fast"] else "")
        say(f"round {n + 1}: sqlite-utils {runs['su'][-1].seconds:.1f} s "
            f"(CPU {runs['su'][-1].cpu_seconds:.1f} s) {mb(runs['su'][-1])}{sq_text}; "
            f"{fast_text}first "
            f"import {first.seconds:.1f} s (CPU {first.cpu_seconds:.1f} s) {mb(first)} (the "
            f"process alone {first.own_mb:.0f} MB); re-import {again.seconds:.1f} s "
            f"{mb(again)}; ordinary path {ordinary.seconds:.1f} s {mb(ordinary)}")
    su = statistics.median(r.seconds for r in runs["su"])
    peers = f"`sqlite-utils insert --csv --no-detect-types` {su:.1f} s, a transaction per " \
            f"{batch} rows"
    if runs["sq"]:
        sq = statistics.median(r.seconds for r in runs["sq"])
        peers += f"; `sqlite3 .import` {sq:.1f} s, one transaction"

    def against_sq(ours: list[Measured]) -> str:
        if not runs["sq"]:
            return ""
        return f", {statistics.median(r.seconds for r in ours) / sq:.1f}x `sqlite3 .import`"

    def memory(ours: list[Measured]) -> float:
        return statistics.median(r.tree_mb or r.own_mb for r in ours)

    rows = []
    paths = [
        ("first", f"`import accounts`, {count:,} rows, full validation, empty database "
         f"(a first load), one transaction, read row by row ({peers})",
         "<= 1.2x, < 200 MB", 1.2),
        ("plain", "the same file, the ordinary path (into a database holding one other "
         "account)", "", None),
        ("again", "the same file re-imported (all unchanged)", "<= 0.25x, < 200 MB", 0.25)]
    if runs["fast"]:
        paths.insert(0, ("fast", "the same first import read by columns (the [fast] extra, "
                         "polars)", "<= 0.5x, < 200 MB", 0.5))
    for key, scenario, budget, limit in paths:
        ours = runs[key]
        ratio, apart = ratios(ours, runs["su"])
        # sqlite-utils waits on the disk at each of its commits, as much as the disk is
        # busy; CPU seconds show the work apart from that wait (ours with the worker's).
        cpu = statistics.median(a.cpu_seconds / b.cpu_seconds
                                for a, b in zip(ours, runs["su"], strict=True))
        rows.append(Row(
            scenario, f"{statistics.median(r.seconds for r in ours):.1f} s = {ratio:.2f}x "
            f"sqlite-utils (CPU {cpu:.2f}x){against_sq(ours)}; peak "
            f"{memory(ours):.0f} MB (process tree)", budget,
            None if limit is None else ratio <= limit and memory(ours) < 200,
            f"median of {rounds}, each beside sqlite-utils (ratios {apart:.2f} apart)"))
    say(rows)
    return rows


def imports(count: int, rounds: int) -> None:
    """``python -m benchmarks imports``: the import rows of the suite alone."""
    import tempfile

    print(f"machine: {machine()}; {date.today().isoformat()}")
    with tempfile.TemporaryDirectory() as tmp:
        rows = import_rows(count, max(1, count // 2000), Path(tmp), rounds)
    print()
    print(table(rows))


def run(quick: bool, workdir: Path) -> list[Row]:
    count, collectors, calls = (50_000, 25, 200_000) if quick else (1_000_000, 500, 10_000_000)
    (workdir / "none.yaml").write_text("{}\n")
    base_env = {**os.environ, "COLLECTCTL_NOW": NOW,
                "COLLECTCTL_CONFIG": str(workdir / "none.yaml")}
    base_env.pop("COLLECTCTL_DB", None)
    rows: list[Row] = []

    floor_args = [sys.executable, "-c", "import typer"]
    helped = beside(9, [*EXE, "--help"], floor_args, base_env)
    rows.append(Row('`python -c "import typer"` (the floor of any Typer CLI)',
                    f"{helped.peer * 1000:.0f} ms", "", None, "median of 9"))
    rows.append(Row("`collectctl --help`", f"{helped.ours * 1000:.0f} ms = "
                    f"{helped.ratio:.1f}x the floor", "<= 3x", helped.ratio <= 3,
                    f"median of 9, each beside a floor run (ratios {spread(helped)})"))
    say(rows[-2:])

    db = workdir / "ours.db"
    env = {**base_env, "COLLECTCTL_DB": str(db)}
    rows.extend(import_rows(count, collectors, workdir, ROUNDS))

    logged = beside(9, [*EXE, "log", "TW-00000001", "na", "--collector", "c0001"],
                    floor_args, env)
    rows.append(Row(f"`log ID na` on {count:,} accounts",
                    f"{logged.ours * 1000:.0f} ms = {logged.ratio:.1f}x the floor "
                    f"({logged.peer * 1000:.0f} ms beside it)",
                    "<= 0.2 s and <= 4x", logged.ours <= 0.2 and logged.ratio <= 4,
                    f"median of 9, each beside a floor run (ratios {spread(logged)})"))
    planned, planned_spread = median(5, [*EXE, "plan", "--format", "json", "--collector",
                                         "c0001"], env)
    rows.append(Row(f"`plan --format json` for one collector ({count // collectors:,} "
                    f"accounts) of {count:,}", f"{planned * 1000:.0f} ms", "<= 0.4 s",
                    planned <= 0.4, f"median of 5 (spread {planned_spread * 1000:.0f} ms)"))
    everyone = [run_child([*EXE, "plan", "--all", "--format", "json"], env, sample=True)
                for _ in range(ROUNDS)]
    seconds = [r.seconds for r in everyone]
    rows.append(Row(f"`plan --all --format json`, {collectors} collectors, a worker a core",
                    f"{statistics.median(seconds):.1f} s; peak "
                    f"{statistics.median(r.tree_mb or r.own_mb for r in everyone):.0f} MB "
                    "(process tree)", "<= 60 s", statistics.median(seconds) <= 60,
                    f"median of {ROUNDS} (spread {max(seconds) - min(seconds):.1f} s)"))
    say(rows[-3:])

    started = time.perf_counter()
    add_calls(db, calls, count, collectors, date(2026, 12, 4))
    say(f"{calls:,} calls added in {time.perf_counter() - started:.0f} s")
    reported, reported_spread = median(5, [*EXE, "report", "--date", "2026-12-04", "-f",
                                           "json"], env)
    rows.append(Row(f"team `report --format json` over {calls:,} calls", f"{reported:.2f} s",
                    "<= 2 s", reported <= 2,
                    f"median of 5 (spread {reported_spread:.2f} s)"))
    audited, audited_spread = median(ROUNDS, [*EXE, "audit", "--month", "--format", "json"],
                                     env)
    rows.append(Row(f"team `audit --month --format json` over {calls:,} calls",
                    f"{audited:.2f} s", "< 5 s", audited < 5,
                    f"median of {ROUNDS} (spread {audited_spread:.2f} s)"))
    say(rows[-2:])
    ratio = optimality(10 if quick else 25)
    if ratio is not None:
        rows.append(Row("plan worth / exact optimum, random instances of 50-2,000 accounts",
                        f"{ratio:.6f} (worst)", ">= 0.99", ratio >= 0.99,
                        f"{10 if quick else 25} instances, no timing"))
    return rows


def ratios(ours: list[Measured], peer: list[Measured]) -> tuple[float, float]:
    """(median, spread) of the ratios of runs made in the same round."""
    each = [a.seconds / b.seconds for a, b in zip(ours, peer, strict=True)]
    return statistics.median(each), max(each) - min(each)


def spread(pair: Pair) -> str:
    return f"{pair.spread:.1f} apart"


def mb(run: Measured) -> str:
    return f"{run.tree_mb if run.tree_mb is not None else run.own_mb:.0f} MB"


def table(rows: list[Row]) -> str:
    lines = ["| scenario | result | budget | met | measured |", "|---|---|---|---|---|"]
    for r in rows:
        met = "" if r.met is None else ("yes" if r.met else "**no**")
        lines.append(f"| {r.scenario} | {r.result} | {r.budget} | {met} | {r.runs} |")
    return "\n".join(lines)


def main(quick: bool) -> None:
    import tempfile

    print(f"machine: {machine()}; {date.today().isoformat()}")
    with tempfile.TemporaryDirectory() as tmp:
        rows = run(quick, Path(tmp))
    print()
    print(table(rows))
