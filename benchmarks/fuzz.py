"""``python -m benchmarks fuzz [--files 10000] [--seed 1]``: hostile files into every importer,
the config loader and ``--mapping``.

Each file is generated from (seed, number), so a failure is reproduced by its number alone
(``--only N`` runs that one file and writes it to the current directory). For every file:

- the command ends with a documented exit code (0, 1 or 2), never 70, never a traceback;
- exit 2 prints one line on stderr and leaves the database exactly as it was;
- an import that ran accounts for every record it read: ``rows`` = inserted + updated +
  unchanged + rejected, and every rejected row has a reason;
- nothing outside the named file is opened (an audit hook watches every ``open``; the
  database, Python's own files, the packages' data and the system time-zone database are
  the only others allowed);
- it finishes within ``--timeout`` seconds (a hang is a failure).

Every 200 files and at the end each worker's database passes ``collectctl db check``
(integrity, foreign keys, the call log's hash chain). The peak memory of the workers is
reported: files are streamed, so a 10 MB field or 100,000 columns must not balloon it.

Then the largest inputs (:data:`LARGEST`: a 150 MB header, a 150 MB line, a quote never
closed before 20 MB of rows all rejected, parsed by a worker) run as real commands,
``python -m collectctl import accounts FILE --format json``, each with the resident
memory of its whole process tree (the command and its parse workers) sampled as it runs
(``benchmarks.measure``); each must end with exit 1 or 2 and stay under
:data:`MEMORY_BUDGET_MB`.
"""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

NOW = "2026-12-04T09:00:00+08:00"
KINDS = ("accounts", "payments", "calls", "config", "mapping")
WEIGHTS = (40, 20, 20, 10, 10)
TABLES = ("accounts", "phones", "payments", "promises", "calls", "import_batches",
          "account_history")

HEADERS = {
    "accounts": ["account_id,name,amount_due,due_date,mobile,payday,work_start,timezone,risk",
                 "帳號,姓名,欠款金額,到期日,手機,發薪日,上班時間",
                 "account_id;name;amount_due;days_past_due;home_phone;currency",
                 "account_id\tname\tamount_due\tdue_date\twork_phone\tassigned_to",
                 "Cust Ref,Debtor,Balance", "account_id,amount_due"],
    "payments": ["account_id,amount,paid_on,reference", "帳號,繳款金額,繳款日,交易序號",
                 "account_id;amount;paid_on", "account_id,amount"],
    "calls": ["account_id,called_at,outcome,phone,amount,date,callback_at,note",
              "帳號,通話時間,結果,金額,承諾日期", "account_id,called_at,outcome",
              "account_id\tcalled_at\toutcome\tcollector"],
}

NASTY = ["", "0", "-0", "NaN", "nan", "inf", "-inf", "1e308", "1E-400", "9" * 40, "-" + "9" * 40,
         "0x1F", "1_000", "١٢٣", "12,34,5.6.7", "=SUM(A1:A9)", "+1+1", "-2+3", "@cmd",
         "=HYPERLINK(\"http://x\")", "'; DROP TABLE accounts; --", "\" OR 1=1 --",
         "$(rm -rf ~)", "`id`", "| cat /etc/passwd", "; ls", "../../etc/passwd", "/etc/shadow",
         "<script>alert(1)</script>", "\x00", "\ufeff", "\u202e", "\u200b", "\ud7ff",
         "🙂" * 3, "0912-345-678", "(02) 2345-6789", "+886 912 345 678", "+1 555 0100",
         "12,345.67", "NT$8,800", "$-1.00", "(1,234)", "115/13/45", "113/05/01", "0/0/0",
         "2026-02-30", "9999-12-31", "0001-01-01", "-1-01-01", "25:61", "24:00", "99:99",
         "last", "32", "-5", "Mars/Base", "Asia/Taipei", "UTC", "../../../etc/localtime",
         "高", "未接", "承諾", "ptp", "rpc", "na", "cb", "王小明", "A\"B", "a,b", ";", "\t",
         "\n", "\r\n", " " * 3, "x" * 300]

GOOD = {
    "account_id": lambda r: f"F-{r.randint(0, 60)}",
    "name": lambda r: r.choice(["王小明", "Ann Lee", "O'Brien", "李", ""]),
    "amount_due": lambda r: r.choice([f"{r.randint(0, 10**7)}.{r.randint(0, 99):02d}",
                                      f"\"{r.randint(1, 999)},{r.randint(0, 999):03d}\"",
                                      str(r.randint(1, 5000))]),
    "amount": lambda r: str(r.randint(1, 5000)),
    "due_date": lambda r: r.choice(["2026-10-01", "113/05/01", "2026/11/30"]),
    "paid_on": lambda r: r.choice(["2026-12-01", "2026-12-03", "115/12/02"]),
    "date": lambda r: r.choice(["2026-12-10", "2026-12-31"]),
    "called_at": lambda r: (f"2026-12-0{r.randint(1, 3)} "
                            f"{r.randint(8, 20):02d}:{r.randint(0, 59):02d}"),
    "callback_at": lambda r: "2026-12-05 10:00",
    "outcome": lambda r: r.choice(["na", "busy", "vm", "rpc", "tp", "ptp", "refused", "cb",
                                   "paid", "wn", "未接"]),
    "mobile": lambda r: f"09{r.randint(10_000_000, 99_999_999)}",
    "phone": lambda r: f"09{r.randint(10_000_000, 99_999_999)}",
    "reference": lambda r: f"R{r.randint(0, 40)}",
}


# -- generating one hostile file ---------------------------------------------------------

def _cell(rng: random.Random, column: str) -> str:
    roll = rng.random()
    if roll < 0.55 and column in GOOD:
        return GOOD[column](rng)
    if roll < 0.85:
        return rng.choice(NASTY)
    alphabet = rng.choice([None, "ascii", "cjk"])
    if alphabet == "ascii":
        return "".join(chr(rng.randint(32, 126)) for _ in range(rng.randint(0, 20)))
    if alphabet == "cjk":
        return "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(rng.randint(0, 8)))
    return "".join(chr(rng.choice([rng.randint(0, 0x2FF), rng.randint(0x300, 0xD7FF),
                                   rng.randint(0xE000, 0x10FFFF)]))
                   for _ in range(rng.randint(0, 10)))


def _quote(value: str, delimiter: str) -> str:
    if any(c in value for c in (delimiter, '"', "\n", "\r")):
        return '"' + value.replace('"', '""') + '"'
    return value


def _table(rng: random.Random, kind: str) -> str:
    header = rng.choice(HEADERS[kind])
    delimiter = ";" if ";" in header else "\t" if "\t" in header else ","
    columns = [c.strip() for c in header.split(delimiter)]
    lines = [header]
    for _ in range(rng.randint(0, 25)):
        width = len(columns) + rng.choice([0, 0, 0, 0, -1, 1, -len(columns)])
        cells = [_cell(rng, columns[n] if n < len(columns) else "") for n in range(max(width, 0))]
        lines.append(delimiter.join(_quote(c, delimiter) for c in cells))
        if rng.random() < 0.1:  # the same id again, with conflicting data
            lines.append(lines[-1].replace("1", "7"))
    ending = rng.choice(["\n", "\n", "\r\n", "\r"])
    return ending.join(lines) + rng.choice([ending, ""])


def _encode(rng: random.Random, text: str) -> bytes:
    encoding = rng.choice(["utf-8", "utf-8", "utf-8", "utf-8-sig", "big5", "gb18030",
                           "utf-16", "cp1252", "latin-1", "shift_jis"])
    return text.encode(encoding, errors=rng.choice(["replace", "ignore", "surrogatepass"])
                       if encoding.startswith("utf-8") else "replace") \
        if encoding.startswith("utf-8") else text.encode(encoding, errors="replace")


def _mutate(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(7)
        at = rng.randint(0, len(buf))
        if op == 0:
            buf[at:at] = b"\x00" * rng.randint(1, 3)
        elif op == 1:  # a truncated multi-byte character at the end
            buf = bytearray(bytes(buf) + "高".encode()[: rng.randint(1, 2)])
        elif op == 2:
            buf[at:at] = b'"'
        elif op == 3 and buf:
            buf[min(at, len(buf) - 1)] = rng.randrange(256)
        elif op == 4:
            del buf[at:]
        elif op == 5:
            buf[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 30)))
        else:
            buf[at:at] = b"\xef\xbb\xbf"
    return bytes(buf)


def _csv(rng: random.Random, kind: str) -> bytes:
    roll = rng.random()
    if roll < 0.08:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 2000)))
    if roll < 0.082:  # one 10 MB field
        return (HEADERS[kind][0] + "\nF-1," + "x" * 10_000_000 + ",100\n").encode()
    if roll < 0.084:  # 100,000 columns on one line
        return (",".join(f"c{n}" for n in range(100_000)) + "\n").encode()
    if roll < 0.086:  # the header, then 100,000 columns of data
        return (HEADERS[kind][0] + "\n" + ",".join("9" for _ in range(100_000)) + "\n").encode()
    data = _encode(rng, _table(rng, kind))
    return _mutate(rng, data) if rng.random() < 0.4 else data


YAML_NASTY = [
    "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n",
    "- just\n- a\n- list\n", "42\n", "null\n", "~\n", "''\n", "\"a string\"\n",
    "!!python/object/apply:os.system ['id']\n", "!!binary aGVsbG8=\n",
    "call: {retry_minutes: abc}\n", "call: {retry_minutes: -5}\n", "call: {retry_minutes: 1e308}\n",
    "hours: {start: '25:00', end: '07:00'}\n", "hours: [1, 2]\n", "timezone: Mars/Base\n",
    "collector: {name: 1}\n", "import: {date_order: zyx}\n", "import: {aliases: [a, b]}\n",
    "import: {aliases: {amount_due: 5}}\n", "targets: {collected: NaN}\n",
    "learning: {prior_strength: -1}\n", "? [complex, key]\n: value\n", "a: b: c\n",
    "\t- tab\n", "{a: 1, a: 2}\n", "%YAML 9.9\n---\na: 1\n", "--- a\n--- b\n",
    "Cust Ref: account_id\nBalance: amount_due\n", "Cust Ref: not_a_field\n",
    "Cust Ref: [account_id]\n", "1: account_id\n", "null: account_id\n",
]


def _yaml(rng: random.Random) -> bytes:
    roll = rng.random()
    if roll < 0.1:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 500)))
    if roll < 0.13:
        depth = rng.choice([100, 1_000, 50_000])
        return ("[" * depth + "]" * depth + "\n").encode()
    if roll < 0.15:
        return ("a: " + "x" * 2_000_000 + "\n").encode()
    if roll < 0.17:
        return "".join(f"k{n}: &a{n} v\n" for n in range(5000)).encode()
    text = rng.choice(YAML_NASTY)
    if rng.random() < 0.3:
        text += f"extra{rng.randint(0, 9)}: {rng.choice(NASTY)!r}\n"
    data = text.encode(rng.choice(["utf-8", "utf-16", "big5"]), errors="replace")
    return _mutate(rng, data) if rng.random() < 0.3 else data


def hostile(seed: int, number: int) -> tuple[str, bytes]:
    """File ``number`` of run ``seed``: its kind and its bytes."""
    rng = random.Random(f"{seed}:{number}")
    kind = rng.choices(KINDS, WEIGHTS)[0]
    return kind, (_yaml(rng) if kind in ("config", "mapping") else _csv(rng, kind))


# -- running one ---------------------------------------------------------------------------

@dataclass
class Outcome:
    number: int
    kind: str
    exit_code: int
    problem: str | None = None
    seconds: float = 0.0


class _Watch:
    """An audit hook noting every file opened outside the allowed places while armed."""

    def __init__(self) -> None:
        self.armed = False
        self.allowed: tuple[str, ...] = ()
        self.seen: list[str] = []
        roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
        roots |= {p for p in sys.path if p}
        self.roots = tuple(os.path.realpath(r) + os.sep for r in roots if r)
        sys.addaudithook(self._hook)

    def _hook(self, event: str, args: tuple) -> None:
        if not self.armed or event != "open":
            return
        target = args[0]
        if isinstance(target, int):
            return
        path = os.path.realpath(os.fsdecode(target))
        if path.startswith(self.roots) or path.startswith(self.allowed) \
                or path.startswith("/usr/share/zoneinfo/") \
                or path in ("/dev/null", "/dev/urandom", "/etc/localtime"):
            return
        self.seen.append(path)


def _counts(db: Path) -> tuple:
    conn = sqlite3.connect(db)
    try:
        return tuple(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES)
    finally:
        conn.close()


def _cause(error: BaseException | None) -> str:
    """The exception behind an exit 70, and where it was raised."""
    while isinstance(error, SystemExit) and error.__context__ is not None:
        error = error.__context__
    if error is None or isinstance(error, SystemExit):
        return ""
    import traceback

    frame = traceback.extract_tb(error.__traceback__)[-1]
    return f"{type(error).__name__}: {str(error)[:200]} at {frame.filename}:{frame.lineno}"


class Worker:
    """Runs files in this process through the real CLI, against one database."""

    def __init__(self, workdir: Path, timeout: float) -> None:
        from typer.testing import CliRunner

        from collectctl.cli import app

        self.app, self.runner = app, CliRunner()
        self.workdir, self.timeout = workdir, timeout
        self.db = workdir / "fuzz.db"
        self.good = workdir / "good.csv"
        self.good.write_text("Cust Ref,Debtor,Balance,mobile\nG-1,Ann,100,0912345678\n",
                             encoding="utf-8")
        # collectctl's own caches (compiled catalogs, holidays) in the worker's directory,
        # where the hook allows them: a user's cache is not the file under test.
        os.environ["XDG_CACHE_HOME"] = str(workdir.resolve() / "cache")
        self.watch = _Watch()
        self.watch.allowed = (str(workdir.resolve()) + os.sep,)
        self._invoke(["db", "migrate"])  # the database, made (a read command makes none)

    def _invoke(self, args: list[str]):
        return self.runner.invoke(self.app, ["--db", str(self.db), "--now", NOW, *args],
                                  catch_exceptions=True)

    def check(self) -> str | None:
        result = self._invoke(["db", "check"])
        if result.exit_code != 0:
            return "db check failed: " + (result.stderr or result.stdout).strip()[:300]
        return None

    def run(self, seed: int, number: int) -> Outcome:
        kind, data = hostile(seed, number)
        path = self.workdir / f"file-{number}.{'yaml' if kind in ('config', 'mapping') else 'csv'}"
        path.write_bytes(data)
        if kind == "config":
            args = ["--config", str(path), "accounts", "--format", "json"]
        elif kind == "mapping":
            args = ["import", "accounts", str(self.good), "--mapping", str(path), "-f", "json"]
        else:
            args = ["import", kind, str(path), "--format", "json"]
            if kind == "payments" and number % 2:
                args.append("--allow-overpay")
        before = _counts(self.db)
        started = time.perf_counter()

        def alarm(_signum, _frame):
            raise TimeoutError(f"no answer in {self.timeout:.0f} s")

        signal.signal(signal.SIGALRM, alarm)
        signal.setitimer(signal.ITIMER_REAL, self.timeout)
        self.watch.seen.clear()
        self.watch.armed = True
        try:
            result = self._invoke(args)
        finally:
            self.watch.armed = False
            signal.setitimer(signal.ITIMER_REAL, 0)
        outcome = Outcome(number, kind, result.exit_code, seconds=time.perf_counter() - started)
        outcome.problem = self._judge(result, kind, before)
        if not outcome.problem:
            path.unlink()
        return outcome

    def _judge(self, result, kind: str, before: tuple) -> str | None:
        if isinstance(result.exception, TimeoutError):
            return "hang: " + str(result.exception)
        out, err = result.stdout, result.stderr
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            # CliRunner reports an exception that escaped the command as exit 1.
            return f"an exception escaped: {_cause(result.exception)}"
        if result.exit_code not in (0, 1, 2):
            return f"exit {result.exit_code}: {_cause(result.exception) or err.strip()[-300:]}"
        if "Traceback" in out + err:
            return "a traceback was printed"
        if self.watch.seen:
            return "opened files outside the named one: " + ", ".join(sorted(set(
                self.watch.seen))[:3])
        if result.exit_code == 2:
            lines = [line for line in err.splitlines() if line.strip()]
            if len(lines) != 1:
                return f"exit 2 with {len(lines)} lines on stderr: {err[:300]!r}"
            if _counts(self.db) != before:
                return "exit 2 but the database changed"
            return None
        if kind == "config":
            return None
        try:
            summary = json.loads(out)
        except ValueError:
            return f"exit {result.exit_code} without a JSON summary: {out[:200]!r}"
        settled = (summary["inserted"] + summary["updated"] + summary["unchanged"]
                   + len(summary["rejected"]))
        if settled != summary["rows"]:
            return f"{summary['rows']} rows read but {settled} imported or rejected"
        if any(not r.get("reason") for r in summary["rejected"]):
            return "a rejected row without a reason"
        if (result.exit_code == 1) != bool(summary["rejected"]):
            return f"exit {result.exit_code} with {len(summary['rejected'])} rejected rows"
        return None


# -- the largest inputs, as real commands ------------------------------------------------

MB = 2**20
#: What the process tree of any import may take (the README's budget).
MEMORY_BUDGET_MB = 200


def _header_only(out, size: int) -> None:
    out.write(b"account_id,amount_due")
    block = b"".join(b",column%d" % n for n in range(10_000))
    while out.tell() < size:
        out.write(block)
    out.write(b"\n")


def _one_long_line(out, size: int) -> None:
    out.write(b"account_id,name,amount_due\nA-1,")
    chunk = b"x" * MB
    while out.tell() < size:
        out.write(chunk)
    out.write(b",100\n")


def _quote_then_rejected_rows(out, size: int) -> None:
    out.write(b'account_id,name,amount_due,mobile,notes\nQ-0,"Ann,100,0912345678,\n')
    n = 0
    while out.tell() < size:
        out.write(b"".join(b"R-%d,Name %d,,0912%06d,a note that is long enough\n"
                           % (k, k, k % 10**6) for k in range(n, n + 10_000)))
        n += 10_000


#: (what, generator, size): each file is written, imported, measured and removed.
LARGEST = (
    ("a header of 150 MB and nothing else", _header_only, 150 * MB),
    ("one line of 150 MB after the header", _one_long_line, 150 * MB),
    ("a quote never closed, then 20 MB of rows all rejected (a parse worker; rejections "
     "spilled to disk)", _quote_then_rejected_rows, 20 * MB),
)


@dataclass
class Largest:
    what: str
    megabytes: float
    exit_code: int
    seconds: float
    tree_mb: float | None
    own_mb: float
    problem: str | None = None


def run_largest(workdir: Path) -> list[Largest]:
    """Each of :data:`LARGEST` imported by a real command, its process tree measured."""
    from benchmarks.measure import measure

    found = []
    env = {**os.environ, "COLLECTCTL_DB": str(workdir / "largest.db"), "COLLECTCTL_NOW": NOW}
    for what, write, size in LARGEST:
        path = workdir / "largest.csv"
        with open(path, "wb") as out:
            write(out, size)
        megabytes = path.stat().st_size / MB
        measured = measure([sys.executable, "-m", "collectctl", "import", "accounts",
                            str(path), "--format", "json"], env=env, sample=True)
        path.unlink()
        peak = measured.tree_mb if measured.tree_mb is not None else measured.own_mb
        problem = None
        if measured.code not in (1, 2):
            problem = f"exit {measured.code}: {measured.stderr.strip()[-300:]}"
        elif "Traceback" in measured.stderr:
            problem = "a traceback was printed"
        elif peak >= MEMORY_BUDGET_MB:
            problem = f"peak {peak:.0f} MB, over {MEMORY_BUDGET_MB} MB"
        found.append(Largest(what, megabytes, measured.code, measured.seconds,
                             measured.tree_mb, measured.own_mb, problem))
    return found


# -- the run -------------------------------------------------------------------------------

@dataclass
class Report:
    files: int = 0
    by_kind: dict = field(default_factory=dict)
    by_exit: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)
    slowest: float = 0.0
    peak_rss_mb: float = 0.0


def _work(job: tuple[int, list[int], float]) -> tuple[list[Outcome], float]:
    seed, numbers, timeout = job
    with tempfile.TemporaryDirectory() as tmp:
        worker = Worker(Path(tmp), timeout)
        outcomes = []
        for count, number in enumerate(numbers, start=1):
            outcome = worker.run(seed, number)
            outcomes.append(outcome)
            if count % 200 == 0 or count == len(numbers):
                problem = worker.check()
                if problem:
                    outcomes.append(Outcome(number, "database", -1, problem))
                    break
    # The worker's own peak, or a child's (no file here reaches the 16 MB that starts a
    # parse worker: the largest inputs below measure those as whole process trees).
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return outcomes, peak


def run(files: int, seed: int = 1, workers: int = 1, timeout: float = 60.0,
        only: int | None = None) -> Report:
    """Run ``files`` hostile files (or the one numbered ``only``) and report."""
    numbers = [only] if only is not None else list(range(files))
    shards = [numbers[n::workers] for n in range(workers)] if only is None else [numbers]
    jobs = [(seed, shard, timeout) for shard in shards if shard]
    if len(jobs) == 1:
        results = [_work(jobs[0])]
    else:
        import multiprocessing

        with multiprocessing.get_context("spawn").Pool(len(jobs)) as pool:
            results = pool.map(_work, jobs)
    report = Report()
    for outcomes, peak in results:
        report.peak_rss_mb = max(report.peak_rss_mb, peak)
        for outcome in outcomes:
            if outcome.kind != "database":
                report.files += 1
                report.by_kind[outcome.kind] = report.by_kind.get(outcome.kind, 0) + 1
                report.by_exit[outcome.exit_code] = report.by_exit.get(outcome.exit_code, 0) + 1
                report.slowest = max(report.slowest, outcome.seconds)
            if outcome.problem:
                report.failures.append(outcome)
    return report


def main(files: int, seed: int, workers: int, timeout: float, only: int | None,
         largest: bool = True) -> None:
    if only is not None:  # keep the file to look at
        kind, data = hostile(seed, only)
        kept = Path(f"fuzz-{seed}-{only}.{'yaml' if kind in ('config', 'mapping') else 'csv'}")
        kept.write_bytes(data)
        print(f"file {only} ({kind}) written to {kept}")
    started = time.perf_counter()
    report = run(files, seed, workers, timeout, only)
    elapsed = time.perf_counter() - started
    kinds = ", ".join(f"{k} {n:,}" for k, n in sorted(report.by_kind.items()))
    exits = ", ".join(f"exit {k}: {n:,}" for k, n in sorted(report.by_exit.items()))
    print(f"{report.files:,} hostile files (seed {seed}) in {elapsed:.0f} s on {workers} "
          f"worker(s): {kinds}")
    print(f"  {exits}; slowest file {report.slowest:.2f} s; peak worker memory "
          f"{report.peak_rss_mb:.0f} MB")
    for failure in report.failures[:20]:
        print(f"  FAIL file {failure.number} ({failure.kind}): {failure.problem}  "
              f"[python -m benchmarks fuzz --seed {seed} --only {failure.number}]")
    crashes = sum(1 for f in report.failures if f.problem.startswith(("exit", "a traceback")))
    hangs = sum(1 for f in report.failures if f.problem.startswith("hang"))
    corrupt = sum(1 for f in report.failures if f.kind == "database")
    print(f"  {crashes} crashes, {hangs} hangs, {corrupt} corrupt databases, "
          f"{len(report.failures)} failures in all")
    big: list[Largest] = []
    if largest and only is None:
        print("largest inputs, each a real 'import accounts' with its process tree sampled:")
        with tempfile.TemporaryDirectory() as tmp:
            big = run_largest(Path(tmp))
        for one in big:
            peak = f"{one.tree_mb:.0f} MB" if one.tree_mb is not None else \
                f"{one.own_mb:.0f} MB (own; no /proc to sample)"
            print(f"  {one.what} ({one.megabytes:.0f} MB): exit {one.exit_code} in "
                  f"{one.seconds:.1f} s, peak {peak}"
                  + (f"  FAIL: {one.problem}" if one.problem else ""))
        peaks = [one.tree_mb if one.tree_mb is not None else one.own_mb for one in big]
        print(f"  largest-input peak: {max(peaks):.0f} MB (budget {MEMORY_BUDGET_MB} MB)")
    if report.failures or any(one.problem for one in big):
        raise SystemExit(1)
