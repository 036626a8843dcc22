"""``db backup`` and ``db check``."""

from __future__ import annotations

import sqlite3
import stat

import pytest

from tests.conftest import run_sql

HEADER = "account_id,name,amount_due,mobile,assigned_to\n"
ROWS = "".join(f"A{n},Debtor {n},{1000 + n},0912{n:06d},alice\n" for n in range(200))


@pytest.fixture
def loaded(cli, make_csv):
    assert cli("import", "accounts", make_csv("a.csv", HEADER + ROWS)).exit_code == 0
    assert cli("log", "A1", "ptp", "-a", "100", "-d", "+3", "-c", "alice").exit_code == 0
    return cli


@pytest.mark.sqlite_only("SQLite's online backup")
def test_backup_is_a_consistent_private_copy_while_another_writes(loaded, tmp_path):
    writer = sqlite3.connect(loaded.db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO calls (account_id, collector, called_at, outcome, source, "
                   "logged_at) VALUES ('A2', 'alice', '2026-12-04T01:00:00+00:00', 'na', "
                   "'log', 'x')")
    copy = tmp_path / "backup.db"
    try:
        result = loaded("db", "backup", copy)
    finally:
        writer.execute("COMMIT")
        writer.close()
    assert result.exit_code == 0, result.output
    assert "200 accounts and 1 log entries" in result.stdout
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert run_sql(copy, "SELECT COUNT(*) FROM calls")[0][0] == 1  # not the uncommitted one
    assert run_sql(copy, "PRAGMA integrity_check")[0][0] == "ok"
    again = loaded("db", "backup", copy)
    assert again.exit_code == 2 and "--force" in again.stderr
    assert loaded("db", "backup", copy, "--force").exit_code == 0
    assert run_sql(copy, "SELECT COUNT(*) FROM calls")[0][0] == 2


def test_backup_on_postgresql_points_to_pg_dump(loaded, engine, tmp_path):
    if engine != "postgresql":
        pytest.skip("PostgreSQL's advice")
    result = loaded("db", "backup", tmp_path / "b.dump")
    assert result.exit_code == 2 and "pg_dump --format=custom" in result.stderr
    assert not (tmp_path / "b.dump").exists()


def test_check_passes_a_sound_database(loaded):
    result = loaded("db", "check")
    assert result.exit_code == 0
    assert result.stdout.strip().endswith(": ok; call log chain holds over 1 entries")


def _log_three(cli):
    for args in (["log", "A1", "na"], ["log", "A2", "rpc", "-n", "said tomorrow"],
                 ["undo"], ["log", "A3", "busy"]):
        assert cli(*args, "-c", "alice").exit_code == 0 or args == ["undo"]
    assert cli("undo", "-c", "alice").exit_code == 0


@pytest.mark.parametrize(("tamper", "entry"), [
    ("UPDATE calls SET note = 'said next week' WHERE id = 3", 3),   # an edited note
    ("UPDATE calls SET outcome = 'ptp' WHERE id = 5", 5),          # an edited outcome
    ("DELETE FROM calls WHERE id = 4", 5),                          # a removed entry
    ("UPDATE calls SET chain = NULL WHERE id = 6", 6),               # an unlinked entry
])
def test_the_chain_names_the_first_entry_changed_behind_its_back(loaded, tamper, entry):
    _log_three(loaded)
    assert loaded("db", "check").exit_code == 0
    if str(loaded.db).startswith("postgresql://"):
        import psycopg

        with psycopg.connect(str(loaded.db), autocommit=True) as conn:
            conn.execute(tamper)
    else:
        conn = sqlite3.connect(loaded.db)
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute(tamper)
        conn.commit()
        conn.close()
    result = loaded("db", "check")
    assert result.exit_code == 2
    assert f"call log entry {entry} does not hold its link" in result.stderr


def test_entries_from_before_the_chain_are_counted_not_failed(loaded):
    if str(loaded.db).startswith("postgresql://"):
        import psycopg

        with psycopg.connect(str(loaded.db), autocommit=True) as conn:
            conn.execute("UPDATE calls SET chain = NULL")
    else:
        conn = sqlite3.connect(loaded.db)
        conn.execute("UPDATE calls SET chain = NULL")
        conn.commit()
        conn.close()
    assert run_sql(loaded.db, "SELECT COUNT(*) FROM calls WHERE chain IS NULL")[0][0] == 1
    assert loaded("log", "A5", "na", "-c", "alice").exit_code == 0
    result = loaded("db", "check")
    assert result.exit_code == 0
    assert "holds over 1 entries (1 earlier entries carry no link)" in result.stdout


@pytest.mark.sqlite_only("a damaged file")
def test_check_names_the_damage_in_a_damaged_file(loaded):
    conn = sqlite3.connect(loaded.db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(loaded.db.read_bytes())
    page = 4096
    for offset in range(2 * page + 100, len(data) - page, page):  # scribble on the b-trees
        data[offset:offset + 40] = b"\xff" * 40
    loaded.db.write_bytes(bytes(data))
    result = loaded("db", "check")
    assert result.exit_code == 2
    assert "damaged" in result.stderr or "malformed" in result.stderr
    assert "Traceback" not in result.output
