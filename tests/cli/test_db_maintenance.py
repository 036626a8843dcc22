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
    first, head = result.stdout.strip().splitlines()
    # The call and the promise it made are the ledger's two entries.
    assert first.endswith(": ok; the log's chain holds over 2 entries")
    assert head.startswith("ledger head after 2 entries: ") and len(head.split()[-1]) == 64


def test_check_json_carries_the_head_to_keep_outside(loaded):
    _, first = loaded.json("db", "check")
    assert first["ok"] is True and first["problems"] == []
    assert first["chain"]["ledger"] == 2 and first["chain"]["problem"] is None
    assert loaded("log", "A2", "na", "-c", "alice").exit_code == 0
    _, later = loaded.json("db", "check")
    assert later["chain"]["ledger"] == 3 and later["chain"]["head"] != first["chain"]["head"]


def _log_more(cli):
    """Entries 3-8 of the ledger: calls 2-6 (4 undoes 3, 6 undoes 5), payment 1 on A4."""
    for args in (["log", "A1", "na"], ["log", "A2", "rpc", "-n", "said tomorrow"],
                 ["undo"], ["log", "A3", "busy"], ["undo"]):
        assert cli(*args, "-c", "alice").exit_code == 0, args
    assert cli("pay", "A4", "50").exit_code == 0


def _tamper(cli, *statements: str) -> None:
    """Change the database behind collectctl's back, as its owner would."""
    if str(cli.db).startswith("postgresql://"):
        import psycopg

        with psycopg.connect(str(cli.db), autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)
    else:
        conn = sqlite3.connect(cli.db)
        conn.execute("PRAGMA foreign_keys = OFF")
        for statement in statements:
            conn.execute(statement)
        conn.commit()
        conn.close()


@pytest.mark.parametrize(("tamper", "words"), [
    ("UPDATE calls SET note = 'said next week' WHERE id = 3",
     "call log entry 3 does not hold its link"),
    ("UPDATE calls SET outcome = 'ptp' WHERE id = 5", "call log entry 5 does not hold"),
    ("UPDATE calls SET logged_at = '2026-11-30T00:00:00+00:00' WHERE id = 2",
     "call log entry 2 does not hold"),
    ("UPDATE calls SET batch_id = (SELECT MAX(id) FROM import_batches) WHERE id = 2",
     "call log entry 2 does not hold"),
    ("UPDATE promises SET amount_minor = 1000000 WHERE id = 1",
     "promise 1 does not hold its link"),
    ("UPDATE promises SET due_date = '2027-06-30' WHERE id = 1", "promise 1 does not hold"),
    ("UPDATE payments SET amount_minor = 500000 WHERE id = 1", "payment 1 does not hold"),
    ("DELETE FROM calls WHERE id = 4", "ledger entry number 5 is missing"),
    ("DELETE FROM payments WHERE id = 1", "the ledger ends before entry number 8"),
    ("UPDATE calls SET chain = NULL WHERE id = 6", "call log entry 6 carries no link"),
    ("UPDATE calls SET chain = NULL", "call log entry 1 carries no link"),
    ("UPDATE calls SET chain = NULL, seq = NULL", "the entries from before the ledger"),
])
def test_the_chain_names_what_was_changed_behind_its_back(loaded, tamper, words):
    _log_more(loaded)
    assert loaded("db", "check").exit_code == 0
    _tamper(loaded, tamper)
    result = loaded("db", "check")
    assert result.exit_code == 2 and words in result.stderr, result.stderr


def test_a_row_added_without_the_ledger_is_found(loaded, engine):
    _log_more(loaded)
    insert = ("INSERT INTO payments (account_id, amount_minor, paid_on, source, recorded_at)"
              " VALUES ('A1', 100, '2026-12-01', 'import', 'x')")
    if engine == "postgresql":  # the server's trigger links every row: only going round it
        _tamper(loaded, "ALTER TABLE payments DISABLE TRIGGER collectctl_chain", insert,
                "ALTER TABLE payments ENABLE TRIGGER collectctl_chain")
    else:
        _tamper(loaded, insert)
    result = loaded("db", "check")
    assert result.exit_code == 2 and "the entries from before the ledger" in result.stderr


def test_a_keyed_ledger_cannot_be_recomputed_without_the_key(cli, make_csv, monkeypatch,
                                                             engine):
    monkeypatch.setenv("COLLECTCTL_CHAIN_KEY", "team secret")
    if engine == "postgresql":
        migrated = cli("db", "migrate")
        assert "its links are keyed" in migrated.stdout, migrated.output
    assert cli("import", "accounts", make_csv("a.csv", HEADER + ROWS)).exit_code == 0
    _log_more(cli)
    _, good = cli.json("db", "check")
    assert good["ok"] and good["chain"]["keyed"] is True
    # The key is not the SHA-256 a forger would use: recomputing every link and the head
    # after an edit, without it, does not hold.
    from collectctl.core import chain
    from collectctl.storage import open_store, sql

    _tamper(cli, "UPDATE calls SET note = 'forged' WHERE id = 3")
    store = open_store(str(cli.db))
    rows = store._exec(sql.SELECT_LEDGER).fetchall()
    store.close()
    prev, statements = None, []
    for kind, seq, entry_id, *rest in rows:
        values = rest[:len(chain.LEDGER_FIELDS[kind][1])]
        prev = chain.ledger_link(prev, kind, seq, values)
        statements.append(f"UPDATE {chain.LEDGER_FIELDS[kind][0]} SET chain = '{prev}'"
                          f" WHERE id = {entry_id}")
    _tamper(cli, *statements, f"UPDATE chain_head SET head = '{prev}'")
    result = cli("db", "check")
    assert result.exit_code == 2 and "or COLLECTCTL_CHAIN_KEY is not" in result.stderr
    monkeypatch.delenv("COLLECTCTL_CHAIN_KEY")
    result = cli("db", "check")
    assert result.exit_code == 2 and "the ledger is keyed" in result.stderr
    if engine == "sqlite":  # each writer holds the key
        result = cli("log", "A1", "na", "-c", "alice")
        assert result.exit_code == 2 and "COLLECTCTL_CHAIN_KEY" in result.stderr


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
