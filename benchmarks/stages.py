"""``python -m benchmarks stages [--rows N] [--runs 3]``: where a first ``import accounts``
spends its time, stage by stage, in µs a row (medians of ``--runs``), in this one process:

- **read**: the reader's records (decoding, CSV), as ``open_table`` gives them;
- **raw hash**: the writer's hash of each raw row (what settles an unchanged row later);
- **parse**: ``normalize_account``, the row validated into an account and its fingerprint
  (the parse worker's work);
- **pickle**: a chunk of parsed rows there and back, as between the worker and the writer;
- **params**: the rows' parameters for the accounts' and phones' INSERTs;
- **SQLite**: the INSERTs and the index build of a first load, into an empty database in
  one transaction (``Store.first_load``), with the product's journal settings.

The stages add up to the work of both processes of a real import, less the pipes'; the
whole-process figures beside sqlite-utils are ``python -m benchmarks run``'s.
"""

from __future__ import annotations

import hashlib
import pickle
import statistics
import tempfile
import time
from datetime import date
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
    from collectctl.config import Settings
    from collectctl.ingest.accounts import RowContext, listed_groups, normalize_account
    from collectctl.ingest.headers import ACCOUNTS, HeaderMatcher
    from collectctl.ingest.reader import open_table
    from collectctl.storage import codec, open_store

    settings = Settings()
    matcher = HeaderMatcher(settings.import_.aliases, None, ACCOUNTS)
    with tempfile.TemporaryDirectory() as tmp:
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

        def raw_hash() -> None:
            prefix = hashlib.sha1(b"context\x1e")
            for _line, cells in records:
                digest = prefix.copy()
                digest.update("\x1f".join(cells).encode("utf-8", "surrogateescape"))
                digest.hexdigest()

        results["raw hash"] = _stage(runs, rows, raw_hash)
        ctx = RowContext(phone_region=settings.phone_region, timezone=settings.timezone,
                         currency=settings.currency, date_order=settings.import_.date_order,
                         today=date(2026, 12, 4), assign_to=None,
                         listed=listed_groups(columns, None))
        parsed: list = []

        def parse() -> None:
            parsed.clear()
            parsed.extend(normalize_account(line, cells, columns, ctx)
                          for line, cells in records)

        results["parse"] = _stage(runs, rows, parse)
        good = [p for p in parsed if isinstance(p, tuple)]

        def passed() -> None:
            for begin in range(0, len(good), 5000):
                pickle.loads(pickle.dumps(good[begin:begin + 5000], pickle.HIGHEST_PROTOCOL))

        results["pickle"] = _stage(runs, rows, passed)
        now = "2026-12-04T02:00:00+00:00"

        def params() -> None:
            for account, digest in good:
                codec.account_params(account, digest, 1, now, "raw")
                for position, phone in enumerate(account.phones):
                    codec.phone_params(account.account_id, phone, position, "import", now)

        results["params"] = _stage(runs, rows, params)

        listed = [(account, digest, "raw") for account, digest in good]

        def empty():
            db = Path(tmp) / "stages.db"
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            return open_store(db, migrate=True)

        def load(store) -> None:  # the parameters again, then SQLite's own work
            try:
                with store.load_journal(), store.transaction(), store.first_load():
                    for begin in range(0, len(listed), 5000):
                        store.insert_accounts(listed[begin:begin + 5000], None, now)
            finally:
                store.close()

        results["SQLite"] = _stage(runs, rows, load, empty) - results["params"]
    print(f"first import of {rows:,} generated rows ({len(good):,} accepted), µs a row, "
          f"medians of {runs}:")
    for name, value in results.items():
        print(f"  {name:<9} {value:6.1f}")
    print(f"  {'total':<9} {sum(results.values()):6.1f}")
