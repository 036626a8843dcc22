"""``python -m benchmarks stages [--rows N] [--runs 3]``: where a first ``import accounts``
spends its time, stage by stage, in µs a row (medians of ``--runs``), in this one process:

- **read**: the reader's records (decoding, CSV), as ``open_table`` gives them;
- **parse**: ``normalize_account``, the row validated into an account and its fingerprint;
- **values**: the rest of a first load's reading of a row (``imports._load_chunk``): its
  raw hash and the tuples its account and phones are inserted with;
- **pickle**: what crosses between the writer and a parse worker for a chunk it reads:
  the cells there, the tuples back;
- **columns** (with polars, the ``[fast]`` extra; not in the total): parse and values
  together as ``app.columnar`` does them, 4,096 rows a chunk, in place of both;
- **SQLite**: the INSERTs of those tuples and the index build of a first load, into an
  empty database in one transaction (``Store.first_load``, ``Store.load_journal``): the
  floor of this schema with the product's settings, which no parser can go under.

Read, parse and values are done once a row, by the writer or a worker (a first load's
writer reads a chunk itself while the worker is busy); SQLite is the writer's alone. The
whole-process figures beside sqlite-utils are ``python -m benchmarks run``'s.
"""

from __future__ import annotations

import pickle
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.generate import accounts_csv


def _stage(runs: int, rows: int, work, setup=None) -> float:
    """The median µs a row of ``work()``, each run after an untimed ``setup()``."""
    times = []
    for _ in range(runs):
        made = setup() if setup is not None else None
        started = time.perf_counter()
        work() if made is None else work(made)
        times.append(time.perf_counter() - started)
    return statistics.median(times) / rows * 1e6


def main(rows: int, runs: int) -> None:
    from datetime import date

    from collectctl.app.imports import CHUNK_ROWS, _load_chunk, _no_cycle_scans
    from collectctl.config import Settings
    from collectctl.ingest.accounts import RowContext, listed_groups, normalize_account
    from collectctl.ingest.headers import ACCOUNTS, HeaderMatcher
    from collectctl.ingest.reader import open_table
    from collectctl.storage import open_store

    settings = Settings()
    matcher = HeaderMatcher(settings.import_.aliases, None, ACCOUNTS)
    # With the cycle collector as an import runs it (seldom: it would scan every row kept).
    with tempfile.TemporaryDirectory() as tmp, _no_cycle_scans():
        path = Path(tmp) / "accounts.csv"
        accounts_csv(path, rows, max(1, rows // 2000))
        records: list = []

        def read() -> None:
            records.clear()
            with open_table(path, matcher.score, None, None, matcher) as table:
                records.extend(table.records())
                read.header, read.label = table.header, table.label  # type: ignore[attr-defined]

        results = {"read": _stage(runs, rows, read)}
        columns = matcher.resolve(read.header, read.label)  # type: ignore[attr-defined]
        ctx = RowContext(phone_region=settings.phone_region, timezone=settings.timezone,
                         currency=settings.currency, date_order=settings.import_.date_order,
                         today=date(2026, 12, 4), assign_to=None,
                         listed=listed_groups(columns, None))

        def parse() -> None:
            for line, cells in records:
                normalize_account(line, cells, columns, ctx)

        results["parse"] = _stage(runs, rows, parse)
        state = (columns, ctx, b"context\x1e", None, "2026-12-04T02:00:00+00:00")
        chunks = [records[begin:begin + CHUNK_ROWS] for begin in range(0, rows, CHUNK_ROWS)]
        loaded: list = []

        def read_rows() -> None:
            loaded.clear()
            loaded.extend(_load_chunk(state, chunk) for chunk in chunks)

        results["values"] = _stage(runs, rows, read_rows) - results["parse"]
        by_columns = None
        from importlib.util import find_spec

        if find_spec("polars") is not None:
            from collectctl.app.columnar import load_chunk
            from collectctl.app.imports import COLUMNAR_CHUNK_ROWS

            big = [records[begin:begin + COLUMNAR_CHUNK_ROWS]
                   for begin in range(0, rows, COLUMNAR_CHUNK_ROWS)]
            load_chunk(state, big[0][:10])  # polars loaded before the clock starts

            def read_columns() -> None:
                for chunk in big:
                    load_chunk(state, chunk)

            by_columns = _stage(runs, rows, read_columns)

        def passed() -> None:
            for chunk, answer in zip(chunks, loaded, strict=True):
                pickle.loads(pickle.dumps(chunk, pickle.HIGHEST_PROTOCOL))
                pickle.loads(pickle.dumps((True, answer), pickle.HIGHEST_PROTOCOL))

        results["pickle"] = _stage(runs, rows, passed)
        good = [[row for row in answer if isinstance(row, tuple)] for answer in loaded]
        accepted = sum(len(answer) for answer in good)

        def empty():
            db = Path(tmp) / "stages.db"
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            return open_store(db, migrate=True)

        def load(store) -> None:
            try:
                with store.load_journal(), store.transaction(), store.first_load():
                    for answer in good:
                        store.load_accounts([row[0] for row in answer],
                                            [phone for row in answer for phone in row[1]])
            finally:
                store.close()

        results["SQLite"] = _stage(runs, rows, load, empty)
    print(f"first import of {rows:,} generated rows ({accepted:,} accepted), µs a row, "
          f"medians of {runs}:")
    for name, value in results.items():
        print(f"  {name:<9} {value:6.1f}")
    print(f"  {'total':<9} {sum(results.values()):6.1f}")
    if by_columns is not None:
        print(f"  {'columns':<9} {by_columns:6.1f} (parse and values read by columns, the "
              f"[fast] extra: in place of {results['parse'] + results['values']:.1f})")
