"""A first ``import accounts`` into an empty table is loaded in bulk (issue 23): no account
looked up for each chunk, the table's plain indexes built once the rows are in, and on
SQLite a rollback journal when nobody else has the file open. None of it may change what
is written: the database, the summary and the rejects file are those of the ordinary
path, held to it here on messy lists, inline and in worker processes."""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from collectctl.app import imports as importer
from collectctl.app.workers import Workers
from collectctl.cli import app
from collectctl.storage import open_store
from collectctl.storage.base import SQLStore
from collectctl.storage.sqlite import SQLiteStore
from tests.conftest import NOW, bundled

pytestmark = pytest.mark.sqlite_only("SQLite's bulk path (the team server COPYs)")


@pytest.fixture(autouse=True)
def _row_by_row(monkeypatch):
    """The bulk path read row by row (by columns: tests/cli/test_columnar.py)."""
    monkeypatch.setenv(importer.COLUMNAR_ENV, "0")

HEADER = ("account_id,name,amount_due,days_past_due,due_date,mobile,home_phone,payday,"
          "work_start,timezone,assigned_to,risk,notes\n")


def messy_rows(count: int) -> str:
    """Every shape the importer accepts or refuses, repeated: ROC and ISO dates, amounts
    with separators and symbols, phones local, international, invalid and missing, ids
    repeated (duplicates), rows refused for their amount, date or id, quotes, Chinese."""
    shapes = [
        'T-{n},王小明,"12,345.67",30,,0912-345-{m:03d},(02) 2345-6789,"5,20",08:30,,alice,high,\n',
        "T-{n},林美玲,NT$8800,,115/11/01,0922-333-{m:03d},,last,9:00,Asia/Taipei,bob,low,"
        '"call after 6, ""not"" before"\n',
        "U-{n},John Roe,$1234.50,12,,+1 212 736 {m:04d},,15,0830,America/New_York,,medium,\n",
        "S-{n},Skip,100,,,12345,,,,,,,\n",  # no valid phone
        "B-{n},Bad amount,abc,,,0912345678,,,,,,,\n",  # refused
        "D-{n},Bad date,100,,2026-02-30,0912345678,,,,,,,\n",  # refused
        ",No id,100,,,0912345678,,,,,,,\n",  # refused
        "T-{d},Again,100,,,0912345678,,,,,alice,,\n",  # a duplicate of an earlier id
        "W-{n},張 三,0,5,,+886 2 2322 6221,0912 000 {m:03d},25,,,carol,low,欠款\n",
        "X-{n},Tab\tname,1.5,,2026/1/2,0912-345-678,0912-345-678,,,,,,\n",  # one number twice
    ]
    rows = []
    for n in range(count):
        shape = shapes[n % len(shapes)]
        rows.append(shape.format(n=n, m=n % 1000, d=max(0, n - 10)))
    return HEADER + "".join(rows)


def dump(db: Path) -> dict:
    """Every row of every table in rowid order, and the schema (the order of
    ``sqlite_master`` aside: an index built again is listed last; and when the database's
    migrations ran)."""
    conn = sqlite3.connect(db)
    try:
        tables = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        out = {name: conn.execute(f'SELECT rowid, * FROM "{name}" ORDER BY rowid').fetchall()
               for name in tables if not name.startswith("sqlite_")}
        # When each migration was applied: the clock's, not the import's.
        out["collectctl_schema"] = [row[:-1] for row in out["collectctl_schema"]]
        out["schema"] = sorted(conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall(), key=repr)
        out["user_version"] = conn.execute("PRAGMA user_version").fetchone()
        out["journal_mode"] = conn.execute("PRAGMA journal_mode").fetchone()
        return out
    finally:
        conn.close()


@contextmanager
def _as_any_import(self):
    yield False


def run_import(tmp_path: Path, name: str, csv: Path, *extra: str):
    db = tmp_path / f"{name}.db"
    open_store(db).close()
    rejects = tmp_path / f"{name}-rejects.csv"
    result = CliRunner().invoke(app, ["--db", str(db), "--now", NOW, "import", "accounts",
                                      str(csv), "--rejects", str(rejects), "--format", "json",
                                      *extra])
    assert result.exit_code in (0, 1), result.output
    return db, json.loads(result.stdout), rejects.read_bytes() if rejects.exists() else b""


@pytest.mark.parametrize("parallel", [None, True, False], ids=["inline", "workers", "shared"])
def test_a_first_load_writes_what_the_ordinary_path_writes(tmp_path, monkeypatch, parallel):
    """``shared``: the writer reads every other chunk itself, as it does when the worker
    is still busy with the last one (when that happens is the machine's to say: here it
    is fixed, so both kinds of chunk are sure to be held to the ordinary path)."""
    csv = tmp_path / "messy.csv"
    csv.write_text(messy_rows(1200), encoding="utf-8")
    monkeypatch.setattr(importer, "CHUNK_ROWS", 100)  # many chunks, some in flight
    chunks = {"worker": 0, "writer": 0}
    if parallel is not None:
        monkeypatch.setattr(importer, "PARALLEL_BYTES", 0)
        real_idle = Workers.idle

        def idle(self) -> bool:
            # Who reads each chunk: the worker (idle) or the writer.
            free = real_idle(self) if parallel else chunks["writer"] >= chunks["worker"]
            chunks["worker" if free else "writer"] += 1
            return free

        monkeypatch.setattr(Workers, "idle", idle)
    bulk_db, bulk, bulk_rejects = run_import(tmp_path, "bulk", csv)
    if parallel is False:
        assert chunks["writer"] >= 5 and chunks["worker"] >= 5
    with monkeypatch.context() as m:
        m.setattr(SQLiteStore, "first_load", _as_any_import)
        m.setattr(SQLiteStore, "load_journal", _as_any_import)
        plain_db, plain, plain_rejects = run_import(tmp_path, "plain", csv)
    assert bulk["inserted"] > 600 and bulk["rejected"] and bulk["no_valid_phone"]
    bulk.pop("file"), plain.pop("file")
    assert bulk == plain
    assert bulk_rejects == plain_rejects and bulk_rejects
    assert dump(bulk_db) == dump(plain_db)


@pytest.mark.parametrize("example", ["examples/accounts.csv", "examples/accounts_zh_big5.csv",
                                     "examples/accounts.xlsx"])
def test_the_bundled_lists_load_as_they_import(tmp_path, monkeypatch, example):
    csv = bundled(example)
    bulk_db, bulk, _ = run_import(tmp_path, "bulk", csv)
    with monkeypatch.context() as m:
        m.setattr(SQLiteStore, "first_load", _as_any_import)
        m.setattr(SQLiteStore, "load_journal", _as_any_import)
        plain_db, plain, _ = run_import(tmp_path, "plain", csv)
    assert bulk == plain and dump(bulk_db) == dump(plain_db)


def test_the_load_runs_through_a_rollback_journal_and_builds_the_indexes_after(tmp_path,
                                                                             monkeypatch):
    """While the rows go in, the file is in rollback-journal mode with FULL syncs and the
    accounts' plain indexes are not there; at the commit they are, and WAL is back."""
    csv = tmp_path / "a.csv"
    csv.write_text(messy_rows(60), encoding="utf-8")
    seen = {}
    real = importer._AccountSink._complete

    def spy(self, item):
        conn = self.store.conn
        seen["mode"] = conn.execute("PRAGMA journal_mode").fetchone()[0]
        seen["sync"] = conn.execute("PRAGMA synchronous").fetchone()[0]
        seen["indexes"] = {n for (n,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'accounts'")}
        seen["first"] = self.first
        return real(self, item)

    looked_up = []
    fingerprints = SQLStore.account_fingerprints

    def count_lookups(self, ids):
        looked_up.extend(ids)
        return fingerprints(self, ids)

    monkeypatch.setattr(importer._AccountSink, "_complete", spy)
    monkeypatch.setattr(SQLStore, "account_fingerprints", count_lookups)
    db, summary, _ = run_import(tmp_path, "t", csv)
    assert seen == {"mode": "delete", "sync": 2, "first": True,
                    "indexes": {"sqlite_autoindex_accounts_1"}}
    assert looked_up == []  # nothing to look up in an empty table
    conn = sqlite3.connect(db)
    indexes = {n for (n,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'accounts'")}
    assert {"accounts_assigned_to", "accounts_portfolio", "accounts_balance",
            "accounts_updated"} <= indexes
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # The next list is an ordinary import: there are accounts to look up now.
    seen.clear()
    again = CliRunner().invoke(app, ["--db", str(db), "--now", NOW, "import", "accounts",
                                     str(csv), "--format", "json"])
    assert json.loads(again.stdout)["unchanged"] == summary["inserted"]
    assert seen.get("first") in (None, False) and seen.get("mode") in (None, "wal")
    assert len(looked_up) >= summary["inserted"]


def test_a_file_another_connection_has_open_is_loaded_in_wal(tmp_path, monkeypatch):
    """The journal is never changed under another connection: the load stays in WAL (its
    indexes are still built after), and the reader goes on reading."""
    csv = tmp_path / "a.csv"
    csv.write_text(messy_rows(60), encoding="utf-8")
    db = tmp_path / "shared.db"
    open_store(db).close()
    other = sqlite3.connect(db)
    assert other.execute("SELECT COUNT(*) FROM accounts").fetchone() == (0,)
    modes = []
    real = importer._AccountSink._complete

    def spy(self, item):
        modes.append((self.store.conn.execute("PRAGMA journal_mode").fetchone()[0],
                      self.first))
        return real(self, item)

    monkeypatch.setattr(importer._AccountSink, "_complete", spy)
    result = CliRunner().invoke(app, ["--db", str(db), "--now", NOW, "import", "accounts",
                                      str(csv), "--format", "json"])
    assert result.exit_code == 1 and json.loads(result.stdout)["inserted"] > 30
    assert set(modes) == {("wal", True)}
    assert other.execute("SELECT COUNT(*) FROM accounts").fetchone()[0] > 30
    other.close()


def test_a_load_that_fails_leaves_the_empty_database_as_it_was(tmp_path, monkeypatch):
    """An error in the middle of a first load rolls back the rows and the dropped indexes
    with them: the schema, the journal mode and the empty tables are as before."""
    csv = tmp_path / "a.csv"
    csv.write_text(messy_rows(600), encoding="utf-8")
    db = tmp_path / "t.db"
    open_store(db).close()
    before = dump(db)
    monkeypatch.setattr(importer, "CHUNK_ROWS", 100)
    calls = {"n": 0}
    real = importer._AccountSink._complete

    def fail_late(self, item):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("the disk went away")
        return real(self, item)

    monkeypatch.setattr(importer._AccountSink, "_complete", fail_late)
    with pytest.raises(RuntimeError):
        store = open_store(db)
        try:
            from collectctl.app.imports import ImportOptions
            from collectctl.config import Settings

            importer.import_accounts(store, csv, Settings(), _now(), ImportOptions())
        finally:
            store.close()
    assert dump(db) == before


def test_the_team_server_is_never_loaded_in_bulk():
    """A collector's view of the accounts can be empty when the table is not: on
    PostgreSQL every import looks its accounts up (and COPY is its bulk path)."""
    from collectctl.storage.postgres import PostgresStore

    assert PostgresStore.first_load is SQLStore.first_load
    assert PostgresStore.load_journal is SQLStore.load_journal


def _now():
    from datetime import datetime

    return datetime.fromisoformat(NOW)


@pytest.mark.parametrize("lang", ["en", "zh_TW"])
def test_a_command_meeting_a_load_in_progress_says_the_database_is_busy(tmp_path,
                                                                      monkeypatch, lang):
    """While a first load holds the file (its rollback journal), another command is
    refused with one line saying why and what to do, exit 2, no traceback."""
    from collectctl.storage import sqlite as engine

    db = tmp_path / "t.db"
    open_store(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("PRAGMA journal_mode = DELETE")
    holder.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 50)
    try:
        result = CliRunner().invoke(app, ["--lang", lang, "--db", str(db), "--now", NOW,
                                          "accounts"])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 2, result.output
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in result.output
    assert {"en": "is busy: another command is writing it",
            "zh_TW": "忙碌中"}[lang] in message


def repeated_ids(count: int) -> bytes:
    """Ids listed again: within a chunk and chunks later, after a row that was written,
    after one the parser refused (a bad amount), after one the reader refused (bytes
    that are not UTF-8), after an empty id; some listed three times."""
    rows = [HEADER.encode()]
    for n in range(count):
        kind = n % 6
        if kind == 0:
            rows.append(f"A-{n},Ann,100,,,0912345678,,,,,,,\n".encode())
        elif kind == 1:
            rows.append(f"B-{n},Bad,abc,,,0912345678,,,,,,,\n".encode())
        elif kind == 2:
            rows.append(f"C-{n},\xff\xfe,100,,,0912345678,,,,,,,\n".encode("latin-1"))
        elif kind == 3:  # an earlier row's id: written, refused by the parser or reader
            back = (n - 3) - 6 * (n % 5) - (n % 3)
            if back >= 0:
                ident = "ABC"[back % 6] + f"-{back}" if back % 6 < 3 else f"A-{n}"
            else:
                ident = f"A-{n}"
            rows.append(f"{ident},Again,100,,,0912345678,,,,,,,\n".encode())
        elif kind == 4:
            rows.append(b",No id,100,,,0912345678,,,,,,,\n")
        else:  # a third listing of the id two rows up, or a new one
            rows.append(f"A-{n - 5},Third,100,,,0912345678,,,,,,,\n".encode())
    return b"".join(rows)


@pytest.mark.parametrize("parallel", [False, True], ids=["inline", "workers"])
def test_a_first_load_refuses_repeated_ids_as_the_ordinary_path_does(tmp_path, monkeypatch,
                                                                     parallel):
    """A first load keeps no dict of every id listed: a written id is asked of the table
    (its first line kept by rowid), so its repeats, chunks later, must still be refused
    with the line the id was first on, and ``--close-missing`` closes nothing."""
    csv = tmp_path / "repeats.csv"
    csv.write_bytes(repeated_ids(1500))
    monkeypatch.setattr(importer, "CHUNK_ROWS", 50)
    if parallel:
        monkeypatch.setattr(importer, "PARALLEL_BYTES", 0)
    args = ("--encoding", "utf-8", "--close-missing", "--yes")
    bulk_db, bulk, bulk_rejects = run_import(tmp_path, "bulk", csv, *args)
    with monkeypatch.context() as m:
        m.setattr(SQLiteStore, "first_load", _as_any_import)
        m.setattr(SQLiteStore, "load_journal", _as_any_import)
        plain_db, plain, plain_rejects = run_import(tmp_path, "plain", csv, *args)
    duplicates = [row for row in bulk_rejects.decode("utf-8", "replace").splitlines()
                  if "duplicate" in row.lower()]
    assert len(duplicates) > 300
    bulk.pop("file"), plain.pop("file")
    assert bulk == plain and bulk["closed"] == 0
    assert bulk_rejects == plain_rejects
    assert dump(bulk_db) == dump(plain_db)


def _unreachable_after_import(tmp_path: Path, name: str, text: str) -> int:
    """Cycles an import of ``text`` leaves for the collector (run in process, the
    collector off, so none is freed meanwhile)."""
    import gc
    from datetime import datetime

    from collectctl.app.imports import ImportOptions
    from collectctl.config import Settings

    csv = tmp_path / f"{name}.csv"
    csv.write_text(text, encoding="utf-8")
    store = open_store(tmp_path / f"{name}.db")
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        importer.import_accounts(store, csv, Settings(), datetime.fromisoformat(NOW),
                                 ImportOptions())
        store.close()
        return gc.collect()
    finally:
        if enabled:
            gc.enable()


@pytest.mark.parametrize("first", [True, False], ids=["first load", "ordinary"])
def test_refused_rows_leave_no_cycles_to_hold_their_chunks(tmp_path, monkeypatch, first):
    """A refusal raised from an exception kept in a local (``bad = FieldError(...)``;
    ``raise bad``) is a cycle through its traceback, whose frames hold the whole chunk:
    with the collector seldom run during an import, each would keep a chunk alive. Every
    shape the importer refuses, a bad start time among them, leaves no more cycles at
    ten times the rows."""
    monkeypatch.setattr(importer, "CHUNK_ROWS", 100)
    if not first:
        monkeypatch.setattr(SQLiteStore, "first_load", _as_any_import)
        monkeypatch.setattr(SQLiteStore, "load_journal", _as_any_import)

    def rows(count: int) -> str:
        bad_times = "".join(f"Z-{n},Late,100,,,0912345678,,,25:99,,,,\n" for n in range(count))
        return messy_rows(count) + bad_times

    small = _unreachable_after_import(tmp_path, "small", rows(200))
    large = _unreachable_after_import(tmp_path, "large", rows(2000))
    assert large <= small + 5, (small, large)


def test_an_import_runs_the_collector_seldom_and_restores_it(tmp_path, monkeypatch):
    import gc

    seen = {}
    real = importer._AccountSink.finish

    def spy(self):
        seen["threshold"] = gc.get_threshold()
        seen["frozen"] = gc.get_freeze_count()
        return real(self)

    monkeypatch.setattr(importer._AccountSink, "finish", spy)
    before = gc.get_threshold()
    csv = tmp_path / "a.csv"
    csv.write_text(messy_rows(30), encoding="utf-8")
    run_import(tmp_path, "t", csv)
    assert seen["threshold"][0] >= 10_000 and seen["frozen"] > 0
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
