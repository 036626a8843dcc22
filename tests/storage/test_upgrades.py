"""A database written by each schema version opens in today's collectctl, upgraded in place
with nothing lost: the same rows, the same money, the same call log (its entries from
before the chain are counted as unlinked, the new ones chain after them), and the same
schema a new database gets. The fixtures are made by ``tests/fixtures/make_schema_dbs.py``
with the code of each version."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from collectctl.storage.schema import LATEST_VERSION, MIGRATIONS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
VERSIONS = sorted(int(p.stem.removeprefix("schema-v")) for p in FIXTURES.glob("schema-v*.db"))
MONEY = {"accounts": "amount_due_minor", "payments": "amount_minor",
         "promises": "amount_minor", "calls": "amount_minor"}

pytestmark = pytest.mark.sqlite_only("the fixtures are SQLite files")


def _snapshot(db: Path) -> dict:
    conn = sqlite3.connect(db)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' "
            "ESCAPE '\\'")]
        out = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}
        for table, column in MONEY.items():
            if table in tables:
                out[f"{table}.{column}"] = conn.execute(
                    f"SELECT COALESCE(SUM({column}), 0) FROM {table}").fetchone()[0]
        if "calls" in tables:
            out["call ids"] = [r[0] for r in conn.execute("SELECT id FROM calls ORDER BY id")]
        return out
    finally:
        conn.close()


def _schema(db: Path) -> set:
    conn = sqlite3.connect(db)
    try:
        return set(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                                "WHERE name NOT LIKE 'sqlite_%'"))
    finally:
        conn.close()


def test_there_is_a_fixture_for_every_schema_version():
    assert [m[0] for m in MIGRATIONS] == VERSIONS


@pytest.mark.parametrize("version", VERSIONS)
def test_each_schema_version_upgrades_in_place_losing_nothing(cli, version, tmp_path):
    shutil.copyfile(FIXTURES / f"schema-v{version}.db", cli.db)
    before = _snapshot(cli.db)
    assert before["accounts"] == 40 and before["accounts.amount_due_minor"] > 0

    checked = cli("db", "check")  # opening the file upgrades it
    assert checked.exit_code == 0, checked.output
    status = cli("db", "status")
    assert f"schema: {LATEST_VERSION} (up to date)" in status.stdout

    after = _snapshot(cli.db)
    # (The migrations record itself grows by the migrations applied.)
    assert ({k: v for k, v in after.items() if k in before and k != "collectctl_schema"}
            == {k: v for k, v in before.items() if k != "collectctl_schema"})
    fresh = tmp_path / "fresh.db"
    assert cli("--db", str(fresh), "db", "check").exit_code == 0
    assert _schema(cli.db) == _schema(fresh)

    if version >= 2:  # the call log: old entries kept, unlinked if older than the chain
        assert before["calls"] == 5
        unlinked = "carry no link" in checked.stdout
        assert unlinked == (version < 6)
        # The contact counts: made from the old log by the upgrade, as a rebuild makes them.
        counts = ("SELECT scope, key, hour, weekend, tries, contacts FROM contact_stats "
                  "WHERE tries <> 0 OR contacts <> 0 ORDER BY 1, 2, 3, 4")
        counted = cli.sql(counts)
        assert sum(row[4] for row in counted if row[0] == "a") == 3  # ptp, na, paid
        assert cli("learn", "rebuild").exit_code == 0
        assert cli.sql(counts) == counted
    assert cli("log", "TW-100006", "na", "--collector", "bob").exit_code == 0
    again = cli("db", "check")
    assert again.exit_code == 0 and "chain holds" in again.stdout
    assert cli.count("accounts") == 40
