"""``python -m benchmarks log|plan|report|audit [--quick]``, ``workbook [--rows N]``: timed
whole processes (see --help)."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from benchmarks.generate import build_database, calls_csv

NOW = "2026-12-04T10:00:00+08:00"


EXE = [sys.executable, "-m", "collectctl"]


#: Where the PostgreSQL runs make their databases: an admin URL (``--pg-url``, else
#: $COLLECTCTL_TEST_PG, which .ci/postgres prints).
PG_URL = os.environ.get("COLLECTCTL_TEST_PG")


def fresh_database(engine: str, workdir: Path, name: str):
    """An empty database for a scenario: a file, or a new database on the server."""
    if engine == "sqlite":
        return workdir / f"{name}.db"
    import psycopg

    if not PG_URL:
        raise SystemExit("--engine postgresql needs --pg-url or $COLLECTCTL_TEST_PG")
    database = f"collectctl_bench_{name}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {database}")
    return PG_URL.rsplit("/", 1)[0] + "/" + database


def analyze(db) -> None:
    """Fresh statistics after a bulk load (autovacuum would catch up within a minute)."""
    if str(db).startswith("postgresql://"):
        import psycopg

        with psycopg.connect(str(db), autocommit=True) as conn:
            conn.execute("ANALYZE")


def bench_env(db: Path, workdir: Path, **extra: str) -> dict:
    """The environment of a timed run: the database, a fixed clock, an empty config."""
    (workdir / "none.yaml").write_text("{}\n")
    return {**os.environ, "COLLECTCTL_DB": str(db), "COLLECTCTL_NOW": NOW,
            "COLLECTCTL_CONFIG": str(workdir / "none.yaml"), **extra}


def timed(args: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def median_of(runs: int, args: list[str], env: dict) -> tuple[float, float]:
    times = [timed(args, env) for _ in range(runs)]
    return statistics.median(times), max(times) - min(times)


def bench_log(accounts: int, singles: int, imported: int, workdir: Path,
              engine: str = "sqlite") -> None:
    db = fresh_database(engine, workdir, "log")
    started = time.perf_counter()
    build_database(db, accounts, collectors=max(1, accounts // 2000))
    analyze(db)
    print(f"database of {accounts:,} accounts built in {time.perf_counter() - started:.1f} s")
    env = bench_env(db, workdir, COLLECTCTL_COLLECTOR="c0000")
    from benchmarks.suite import beside

    logged = beside(9, [*EXE, "log", "TW-00000001", "na"], [sys.executable, "-c", "import typer"],
                    env)
    print(f"python -c 'import typer': {logged.peer * 1000:.0f} ms median of 9")
    print(f"collectctl log ID na: {logged.ours * 1000:.0f} ms median of 9, each beside a floor "
          f"run; {logged.ratio:.1f}x the typer floor (ratios {logged.spread:.1f} apart)")
    # A right-party contact also keeps its pay trial in the same transaction.
    reached = beside(9, [*EXE, "log", "TW-00000003", "rpc"],
                     [sys.executable, "-c", "import typer"], env)
    print(f"collectctl log ID rpc: {reached.ours * 1000:.0f} ms median of 9, each beside a "
          f"floor run; {reached.ratio:.1f}x the typer floor (ratios {reached.spread:.1f} "
          "apart)")
    started = time.perf_counter()
    for n in range(singles):
        subprocess.run([*EXE, "log", f"TW-{n * 7 % accounts:08d}", "na"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    print(f"{singles:,} log commands one at a time: {elapsed:.1f} s, "
          f"{singles / elapsed:.1f} calls/s")
    path = workdir / "calls.csv"
    calls_csv(path, imported, accounts, date(2026, 12, 4))
    # One run: a second import of the same calls would not be the same work (they exist).
    elapsed = timed([*EXE, "import", "calls", str(path), "--allow-overpay"], env)
    print(f"import calls of {imported:,} rows: {elapsed:.1f} s, {imported / elapsed:,.0f} calls/s "
          "(one run)")


def optimality_ratio(db: Path, collector: str) -> float | None:
    """The plan's worth / scipy's exact optimum on the same instance (needs scipy)."""
    try:
        import numpy as np
        from scipy.optimize import linear_sum_assignment
    except ImportError:
        return None
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from collectctl.app.plan import build_plan
    from collectctl.config import Settings
    from collectctl.core import schedule as sched
    from collectctl.storage import open_store

    captured = {}
    original = sched.schedule

    def spy(candidates, slots, limit=None):
        captured["instance"] = (list(candidates), slots)
        captured["assignment"] = original(candidates, slots, limit)
        return captured["assignment"]

    sched.schedule = spy
    import collectctl.core.planning as planner

    planner.schedule = spy
    store = open_store(db)
    now = datetime.fromisoformat(NOW).astimezone(ZoneInfo("Asia/Taipei"))
    build_plan(store, Settings(), now, collector, now.date())
    candidates, slots = captured["instance"]
    matrix = np.array([[c.weight * c.quality[s] for s in range(slots)] for c in candidates])
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    return sched.worth(candidates, captured["assignment"]) / float(matrix[rows, cols].sum())


def bench_plan(accounts: int, collectors: int, workdir: Path, engine: str = "sqlite") -> None:
    db = fresh_database(engine, workdir, "plan")
    started = time.perf_counter()
    build_database(db, accounts, collectors=collectors)
    analyze(db)
    print(f"database of {accounts:,} accounts over {collectors} collectors built in "
          f"{time.perf_counter() - started:.1f} s")
    env = bench_env(db, workdir)
    one, spread = median_of(5, [*EXE, "plan", "--format", "json", "--collector", "c0001"], env)
    print(f"plan --format json, one collector ({accounts // collectors:,} accounts): "
          f"{one * 1000:.0f} ms median of 5 (spread {spread * 1000:.0f})")
    everyone, spread = median_of(3, [*EXE, "plan", "--all", "--format", "json"], env)
    print(f"plan --all --format json, {collectors} collectors: {everyone:.1f} s median of 3 "
          f"(spread {spread:.1f})")
    ratio = optimality_ratio(db, "c0001")
    if ratio is not None:
        print(f"plan worth / exact optimum (scipy) for c0001: {ratio:.6f}")
    # The same with every account's hours and pay learned: five calls an account in the
    # last 30 days and a payment for every second account, counted by `learn rebuild`
    # (timed too), then one collector's plan again.
    from benchmarks.generate import add_calls, add_payments

    add_calls(db, accounts * 5, accounts, collectors, date(2026, 12, 3))
    add_payments(db, accounts // 2, accounts, date(2026, 12, 3))
    analyze(db)
    rebuild, spread = median_of(3, [*EXE, "learn", "rebuild"], env)  # it recounts from scratch
    print(f"learn rebuild over {accounts * 5:,} calls: {rebuild:.1f} s median of 3 "
          f"(spread {spread:.1f})")
    args = [*EXE, "plan", "--format", "json", "--collector", "c0001"]
    (workdir / "off.yaml").write_text("learning: {enabled: false}\n")
    from benchmarks.suite import beside

    learned = beside(5, args, args, env, {**env, "COLLECTCTL_CONFIG": str(workdir / "off.yaml")})
    print(f"plan --format json, one collector, every account with learned hours and pay: "
          f"{learned.ours * 1000:.0f} ms median of 5, each beside the same plan with learning "
          f"off ({learned.peer * 1000:.0f} ms): {learned.ratio:.2f}x (ratios "
          f"{learned.spread:.2f} apart)")


def bench_report(accounts: int, collectors: int, calls: int, workdir: Path,
                 engine: str = "sqlite") -> None:
    from benchmarks.generate import add_calls

    db = fresh_database(engine, workdir, "report")
    started = time.perf_counter()
    build_database(db, accounts, collectors=collectors)
    add_calls(db, calls, accounts, collectors, date(2026, 12, 4))
    analyze(db)
    print(f"{accounts:,} accounts and {calls:,} calls built in "
          f"{time.perf_counter() - started:.1f} s")
    env = bench_env(db, workdir)
    team, spread = median_of(5, [*EXE, "report", "--date", "2026-12-04", "-f", "json"], env)
    print(f"team daily report (json): {team * 1000:.0f} ms median of 5 (spread "
          f"{spread * 1000:.0f})")
    one, spread = median_of(5, [*EXE, "progress", "--period", "month", "--collector", "c0001",
                                "-f", "json"], env)
    print(f"one collector's monthly progress (json): {one * 1000:.0f} ms median of 5 "
          f"(spread {spread * 1000:.0f})")


def bench_audit(accounts: int, collectors: int, calls: int, workdir: Path,
                engine: str = "sqlite", keep: Path | None = None, plain: bool = False) -> None:
    """``audit`` for the team: this month (the calendar month to today, as ``--month``),
    and every day of the log; with ``plain``, the month once more by breaches() on every
    call (in this process), the path the narrowing is held to."""
    from datetime import timedelta

    from benchmarks.generate import add_calls

    db = keep if keep is not None and engine == "sqlite" else fresh_database(
        engine, workdir, "audit")
    if keep is None or engine != "sqlite" or not Path(keep).exists():
        started = time.perf_counter()
        build_database(db, accounts, collectors=collectors)
        add_calls(db, calls, accounts, collectors, date(2026, 12, 4))
        analyze(db)
        print(f"{accounts:,} accounts and {calls:,} calls built in "
              f"{time.perf_counter() - started:.1f} s")
    else:
        print(f"reusing {db}")
    env = bench_env(db, workdir)
    month, spread = median_of(3, [*EXE, "audit", "--month", "--format", "json"], env)
    print(f"audit --month --format json, the team: {month:.2f} s median of 3 "
          f"(spread {spread:.2f})")
    first = (date(2026, 12, 4) - timedelta(days=29)).isoformat()
    whole, spread = median_of(3, [*EXE, "audit", "--from", first, "--to", "2026-12-04",
                                  "--format", "json"], env)
    print(f"audit --from {first} --to 2026-12-04 (every call), the team: {whole:.2f} s "
          f"median of 3 (spread {spread:.2f})")
    report, spread = median_of(3, [*EXE, "report", "--date", "2026-12-04", "-f", "json"], env)
    print(f"team daily report (json), with its violations: {report:.2f} s median of 3 "
          f"(spread {spread:.2f})")
    if plain:
        from collectctl.app.audit import build_audit
        from collectctl.config import Settings
        from collectctl.storage import open_store

        store = open_store(db)
        started = time.perf_counter()
        slow = build_audit(store, Settings(), date(2026, 12, 1), date(2026, 12, 4),
                           exhaustive=True)
        elapsed = time.perf_counter() - started
        store.close()
        print(f"the same month by breaches() on every call (one run, in process): "
              f"{elapsed:.1f} s, {slow.calls_checked:,} calls, {len(slow.violations):,} "
              "violations")


def bench_workbook(rows: int, runs: int, workdir: Path) -> None:
    """``import accounts`` of the same list as CSV and as .xlsx (typed cells), each into a
    fresh database, the runs interleaved (CSV first, then the workbook, alternating),
    each a whole process; the medians, their ratio, and each run's peak memory (the
    process tree's, sampled)."""
    from benchmarks.generate import accounts_csv, accounts_xlsx
    from benchmarks.measure import measure
    from benchmarks.suite import machine

    text, book = workdir / "accounts.csv", workdir / "accounts.xlsx"
    started = time.perf_counter()
    accounts_csv(text, rows, collectors=max(1, rows // 2000))
    accounts_xlsx(book, rows, collectors=max(1, rows // 2000))
    print(f"{machine()}\n{rows:,} rows written in {time.perf_counter() - started:.1f} s: "
          f"CSV {text.stat().st_size / 2**20:.1f} MB, xlsx {book.stat().st_size / 2**20:.1f} MB")
    times: dict[str, list[float]] = {"csv": [], "xlsx": []}
    memory: dict[str, list[float]] = {"csv": [], "xlsx": []}
    for n in range(runs):
        for kind in (("csv", "xlsx") if n % 2 == 0 else ("xlsx", "csv")):
            db = workdir / f"{kind}-{n}.db"
            env = bench_env(db, workdir)
            run = measure([*EXE, "import", "accounts", str(text if kind == "csv" else book)],
                          env, sample=True)
            if run.code not in (0, 1):
                raise SystemExit(f"import of the {kind} failed ({run.code}): {run.stderr[-400:]}")
            times[kind].append(run.seconds)
            memory[kind].append(run.tree_mb or run.own_mb)
            db.unlink()
    csv_s, xlsx_s = statistics.median(times["csv"]), statistics.median(times["xlsx"])
    for kind, label in (("csv", "CSV"), ("xlsx", "xlsx")):
        print(f"import accounts, {label}: {statistics.median(times[kind]):.2f} s median of "
              f"{runs} (runs {', '.join(f'{t:.2f}' for t in times[kind])}); peak memory "
              f"{max(memory[kind]):.0f} MB")
    print(f"xlsx / CSV: {xlsx_s / csv_s:.2f}x (target: within 2x)")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    sub = parser.add_subparsers(dest="scenario", required=True)
    log = sub.add_parser("log", help="log one at a time and through import calls")
    log.add_argument("--accounts", type=int, default=1_000_000)
    log.add_argument("--calls", type=int, default=1_000, help="log commands one at a time")
    log.add_argument("--imported", type=int, default=100_000, help="rows for import calls")
    log.add_argument("--quick", action="store_true", help="small sizes, under a minute")
    plan = sub.add_parser("plan", help="one collector's plan and every collector's")
    plan.add_argument("--accounts", type=int, default=1_000_000)
    plan.add_argument("--collectors", type=int, default=500)
    plan.add_argument("--quick", action="store_true", help="20,000 accounts, 10 collectors")
    rep = sub.add_parser("report", help="team daily report and monthly progress")
    rep.add_argument("--accounts", type=int, default=1_000_000)
    rep.add_argument("--collectors", type=int, default=500)
    rep.add_argument("--calls", type=int, default=10_000_000)
    rep.add_argument("--quick", action="store_true", help="20,000 accounts, 200,000 calls")
    aud = sub.add_parser("audit", help="audit --month and over every call, the report")
    aud.add_argument("--accounts", type=int, default=1_000_000)
    aud.add_argument("--collectors", type=int, default=500)
    aud.add_argument("--calls", type=int, default=10_000_000)
    aud.add_argument("--quick", action="store_true", help="20,000 accounts, 200,000 calls")
    aud.add_argument("--keep", type=Path, help="an SQLite file to build once and reuse")
    aud.add_argument("--plain", action="store_true",
                     help="also time breaches() on every call of the month (slow)")
    crash = sub.add_parser("crash", help="SIGKILL imports and log at random moments")
    crash.add_argument("--what", choices=("accounts", "payments", "calls", "log", "all"),
                       default="all")
    crash.add_argument("--kills", type=int, default=50)
    crash.add_argument("--rows", type=int, default=200_000)
    fuzz = sub.add_parser("fuzz", help="hostile files into every importer and the config")
    fuzz.add_argument("--files", type=int, default=10_000)
    fuzz.add_argument("--seed", type=int, default=1)
    fuzz.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    fuzz.add_argument("--timeout", type=float, default=60.0, help="seconds before a hang")
    fuzz.add_argument("--only", type=int, help="run (and keep) file number N alone")
    fuzz.add_argument("--no-largest", action="store_true",
                      help="skip the largest inputs (150 MB files, measured as real commands)")
    sim = sub.add_parser("simulate", help="naive vs rules vs learned contacts and pay")
    sim.add_argument("--debtors", type=int, default=300, help="per collector")
    sim.add_argument("--collectors", type=int, default=4)
    sim.add_argument("--days", type=int, default=30)
    sim.add_argument("--seed", type=int, default=1)
    sim.add_argument("--html", default="simulation.html", help="the chart ('' for none)")
    sim.add_argument("--population", choices=("mixed", "rules", "both", "paying", "alike",
                                              "pay", "all"), default="both",
                     help="both: mixed and rules (hours); pay: paying and alike; all: the four")
    sim.add_argument("--prior-strength", help="learning.prior_strength (default: the config's)")
    sim.add_argument("--pay-strength", help="learning.pay_strength (default: the config's)")
    book = sub.add_parser("workbook", help="import accounts of an .xlsx beside the same CSV")
    book.add_argument("--rows", type=int, default=100_000)
    book.add_argument("--runs", type=int, default=3, help="runs of each (at least 3)")
    stages = sub.add_parser("stages", help="a first import's µs a row, stage by stage")
    stages.add_argument("--rows", type=int, default=200_000)
    stages.add_argument("--runs", type=int, default=3, help="runs of each stage (at least 3)")
    imps = sub.add_parser("imports", help="the import budgets alone: three paths beside "
                          "sqlite-utils and sqlite3 .import")
    imps.add_argument("--rows", type=int, default=1_000_000)
    imps.add_argument("--rounds", type=int, default=3, help="at least 3")
    suite = sub.add_parser("run", help="every budget, beside its peers (the README table)")
    suite.add_argument("--quick", action="store_true", help="small sizes, under two minutes")
    for each in (log, plan, rep, aud):
        each.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
        each.add_argument("--pg-url", help="admin URL of the PostgreSQL server to use")
    args = parser.parse_args()
    if args.scenario == "stages":
        from benchmarks.stages import main as stages_main

        stages_main(args.rows, max(3, args.runs))
        return
    if args.scenario == "crash":
        from benchmarks.crash import main as crash_main

        crash_main(args.kills, args.rows, args.what)
        return
    if args.scenario == "simulate":
        import benchmarks.simulate as simulation
        from benchmarks.simulate import main as simulate

        if args.prior_strength:
            simulation.LEARNING["prior_strength"] = args.prior_strength
        if args.pay_strength:
            simulation.LEARNING["pay_strength"] = args.pay_strength
        kinds = {"both": simulation.HOURS_POPULATIONS, "pay": simulation.PAY_POPULATIONS,
                 "all": simulation.HOURS_POPULATIONS + simulation.PAY_POPULATIONS
                 }.get(args.population, (args.population,))
        simulate(args.debtors, args.days, args.seed, args.html or None, kinds,
                 args.collectors)
        return
    if args.scenario == "fuzz":
        from benchmarks.fuzz import main as fuzz_main

        fuzz_main(args.files, args.seed, args.workers, args.timeout, args.only,
                  largest=not args.no_largest)
        return
    if args.scenario == "workbook":
        with tempfile.TemporaryDirectory() as tmp:
            bench_workbook(args.rows, max(3, args.runs), Path(tmp))
        return
    if args.scenario == "imports":
        from benchmarks.suite import imports

        imports(args.rows, max(3, args.rounds))
        return
    if args.scenario == "run":
        from benchmarks.suite import main as run_suite

        run_suite(args.quick)
        return
    global PG_URL
    PG_URL = args.pg_url or PG_URL
    engine = args.engine
    print(f"engine: {engine}")
    with tempfile.TemporaryDirectory() as tmp:
        if args.scenario == "audit":
            sizes = ((20_000, 10, 200_000) if args.quick
                     else (args.accounts, args.collectors, args.calls))
            bench_audit(*sizes, Path(tmp), engine, args.keep, args.plain)
        elif args.scenario == "report":
            sizes = ((20_000, 10, 200_000) if args.quick
                     else (args.accounts, args.collectors, args.calls))
            bench_report(*sizes, Path(tmp), engine)
        elif args.scenario == "plan":
            sizes = (20_000, 10) if args.quick else (args.accounts, args.collectors)
            bench_plan(*sizes, Path(tmp), engine)
        elif args.quick:
            bench_log(20_000, 50, 5_000, Path(tmp), engine)
        else:
            bench_log(args.accounts, args.calls, args.imported, Path(tmp), engine)


if __name__ == "__main__":
    main()
