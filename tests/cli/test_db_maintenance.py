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
    assert result.exit_code == 0 and result.stdout.strip().endswith(": ok")


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
