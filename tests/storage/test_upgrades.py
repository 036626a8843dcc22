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
    assert cli("--db", str(fresh), "db", "migrate").exit_code == 0  # a new database
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


def test_a_leads_assignment_made_before_the_upgrade_stands_after_it(cli, make_csv):
    """Schema 12 learns who set each collector: an account whose last versions were
    replaced by an older release's ``assign`` (history without an import batch) after its
    last import keeps the team lead's collector when the next list names the old one."""
    shutil.copyfile(FIXTURES / "schema-v11.db", cli.db)
    conn = sqlite3.connect(cli.db)
    columns = ("account_id, replaced_by_batch, replaced_at, name, amount_due_minor, currency, "
               "past_due_since, due_date, work_start, paydays, timezone, assigned_to, risk, "
               "notes, status, as_of, batch_id, listed_timezone, listed_country")
    source = columns.replace("replaced_by_batch, replaced_at", "NULL, '2026-12-04T02:00:00'")
    with conn:  # what 0.1.0's `assign --to erin` did to TW-100001 (bob's) and TW-100003
        for account, to in (("TW-100001", "erin"), ("TW-100003", "alice")):
            conn.execute(f"INSERT INTO account_history ({columns}) SELECT {source} "
                         "FROM accounts WHERE account_id = ?", (account,))
            conn.execute("UPDATE accounts SET assigned_to = ? WHERE account_id = ?",
                         (to, account))
    before = dict(conn.execute("SELECT account_id, assigned_to FROM accounts "
                               "WHERE account_id IN ('TW-100001', 'TW-100003')"))
    conn.close()
    assert before == {"TW-100001": "erin", "TW-100003": "alice"}  # 100003 was alice's already
    _result, listed = cli.json("accounts")
    owners = {a["account_id"]: (a["assigned_to"], a["assigned_by"], a["listed_collector"])
              for a in listed}
    assert owners["TW-100001"] == ("erin", "lead", "bob")
    assert owners["TW-100003"] == ("alice", "list", "alice")  # moved to whom it had: no change
    assert owners["TW-100002"] == ("bob", "list", "bob")
    day2 = make_csv("day2.csv", "account_id,amount_due,assigned_to\nTW-100001,1000,bob\n")
    cli("import", "accounts", day2)
    _result, shown = cli.json("show", "TW-100001")
    assert (shown["assigned_to"], shown["amount_due"]) == ("erin", "1000.00")


def test_a_money_target_set_before_targets_had_a_currency_is_in_the_configs(cli):
    """Schema 14 gives a money target its currency: one set before (NULL) is in the
    config's ``currency:``, as it always was; one set since keeps its own (AUD)."""
    shutil.copyfile(FIXTURES / "schema-v13.db", cli.db)
    conn = sqlite3.connect(cli.db)
    with conn:
        conn.execute("INSERT INTO targets (collector, period, start_date, metric, value, "
                     "set_at) VALUES ('', 'month', '2026-12-01', 'collected', '500000.00', "
                     "'2026-12-01T00:00:00+00:00')")
    conn.close()
    assert "team  month  2026-12-01  collected=500000.00TWD" in cli("target", "list").stdout
    assert cli.sql("SELECT currency FROM targets") == [(None,)]
    shutil.copyfile(FIXTURES / "schema-v14.db", cli.db)
    listed = cli("target", "list").stdout
    assert "alice  month  2026-12-01  collected=2000.00AUD" in listed
    assert "team  month  2026-12-01  calls=2000" in listed
