"""The team server: database commands on both engines, assignment, and on PostgreSQL who
may see what (row-level security), proven with raw SQL as well as through the CLI."""

from __future__ import annotations

import json
from urllib.parse import urlsplit, urlunsplit

import pytest
from typer.testing import CliRunner

from collectctl.cli import app
from tests.conftest import NOW, run_sql

HEADER = "account_id,name,amount_due,mobile,days_past_due,assigned_to\n"
ROWS = ("A1,Debtor A1,1000,0912000001,10,alice\n"
        "A2,Debtor A2,2000,0912000002,40,alice\n"
        "B1,Debtor B1,3000,0912000003,70,bob\n"
        "U1,Debtor U1,9000,0912000004,5,\n"
        "U2,Debtor U2,5000,0912000005,35,\n"
        "U3,Debtor U3,4000,0912000006,65,\n"
        "U4,Debtor U4,1000,0912000007,95,\n")


@pytest.fixture
def loaded(cli, make_csv):
    assert cli("import", "accounts", make_csv("a.csv", HEADER + ROWS)).exit_code == 0
    return cli


def as_user(url: str, user: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{user}@{parts.hostname}:{parts.port}"))


def run_as(db, *args: str):
    return CliRunner().invoke(app, ["--db", str(db), "--now", NOW, *map(str, args)])


# -- db status / migrate / copy: both engines -----------------------------------------------

def test_db_status_names_engine_schema_and_counts(loaded):
    from collectctl.storage.schema import LATEST_VERSION

    assert loaded("log", "A1", "na", "-c", "alice").exit_code == 0
    _, data = loaded.json("db", "status")
    assert data["engine"] in ("sqlite", "postgresql")
    assert data["schema"] == data["latest"] == LATEST_VERSION
    assert data["counts"] == {"accounts": 7, "calls": 1, "promises": 0, "payments": 0}
    assert loaded("db", "migrate").stdout.strip().endswith(f"schema {LATEST_VERSION} "
                                                           "(up to date)")


def test_db_copy_to_the_other_engine_and_back_keeps_everything(loaded, tmp_path, engine,
                                                                  request):
    for args in (["log", "A1", "ptp", "-a", "300", "-d", "+5", "-c", "alice"],
                 ["log", "B1", "paid", "-a", "125.50", "-c", "bob"],
                 ["log", "A2", "na", "-c", "alice"], ["undo", "-c", "alice"],
                 ["target", "set", "calls=40", "--period", "day", "-c", "alice"]):
        assert loaded(*args).exit_code == 0, args
    if engine == "sqlite":
        pg = request.getfixturevalue("pg_server")
        from tests.conftest import _admin_sql, with_database

        _admin_sql(pg, "DROP DATABASE IF EXISTS collectctl_copy", "CREATE DATABASE collectctl_copy")
        request.addfinalizer(lambda: _admin_sql(
            pg, "DROP DATABASE IF EXISTS collectctl_copy WITH (FORCE)"))
        other = with_database(pg, "collectctl_copy")
    else:
        other = str(tmp_path / "copy.db")
    result = loaded("db", "copy", "--to", other, "--format", "json")
    assert result.exit_code == 0, result.output
    tables = json.loads(result.stdout)["tables"]
    assert tables["calls"]["rows"] == 4 and tables["payments"]["money_minor"] == 12550
    assert tables["accounts"]["money_minor"] == 2500000
    # The copy answers exactly as the original: reports, the log with its undo, new ids.
    report = ["report", "--format", "json"]
    assert run_as(other, *report).stdout == loaded(*report).stdout
    show = ["show", "A2", "--format", "json"]
    assert run_as(other, *show).stdout == loaded(*show).stdout
    # The ledger came with it, numbers, links and head; the next entry continues it.
    _, mine = loaded.json("db", "check")
    theirs = json.loads(run_as(other, "db", "check", "--format", "json").stdout)
    assert theirs["ok"] and theirs["chain"]["head"] == mine["chain"]["head"]
    assert "(entry 5)" in run_as(other, "log", "U1", "na", "-c", "alice").stdout
    assert json.loads(run_as(other, "db", "check", "--format", "json").stdout)["ok"]
    again = loaded("db", "copy", "--to", other)
    # A server's database must be empty; a file is not replaced without --force.
    assert again.exit_code == 2 and ("not empty" if engine == "sqlite" else
                                     "exists; --force to replace it") in again.stderr
    back = tmp_path / "back.db"
    assert run_as(back, "db", "copy", "--from", other).exit_code == 0
    assert run_as(back, "db", "status", "--format", "json").stdout.count('"calls": 5') == 1


def test_db_copy_needs_one_direction(loaded):
    result = loaded("db", "copy")
    assert result.exit_code == 2 and "--to URL" in result.stderr


@pytest.mark.sqlite_only("SQLite has no roles")
def test_team_add_on_sqlite_says_the_file_is_the_boundary(loaded):
    result = loaded("team", "add", "alice", "--role", "collector")
    assert result.exit_code == 2 and "file's permissions are the boundary" in result.stderr


# -- assign: both engines --------------------------------------------------------------------

def assigned(cli) -> dict[str, str | None]:
    return dict(cli.sql("SELECT account_id, assigned_to FROM accounts ORDER BY account_id"))


def test_assign_shares_the_unassigned_by_balance(loaded):
    result, data = loaded.json("assign", "--to", "alice,bob,carol")
    assert data["assigned"] == 4 and not data["dry_run"]
    # Existing loads: alice 3,000, bob 3,000, carol 0. Largest first into the lightest:
    # U1 9,000 -> carol; U2 5,000 -> alice (3,000, 2 accounts vs bob's 1: bob lighter by
    # count? no: equal balance, fewer accounts first) ...
    got = assigned(loaded)
    assert got["U1"] == "carol" and got["U2"] == "bob" and got["U3"] == "alice"
    assert got["U4"] == "alice"
    rows = {c["collector"]: c for c in data["collectors"]}
    assert rows["alice"] == {"collector": "alice", "accounts": 4, "added": 2,
                             "balance": {"TWD": "8000.00"}}
    assert rows["bob"]["balance"] == {"TWD": "8000.00"}
    assert rows["carol"]["balance"] == {"TWD": "9000.00"}
    _, history = loaded.json("show", "U1")
    assert history["assigned_to"] == "carol"
    assert loaded.count("account_history") == 4  # each change keeps the version before


def test_assign_by_count_dry_run_and_dpd_filters(loaded):
    before = assigned(loaded)
    result = loaded("assign", "--to", "alice,bob", "--by", "count", "--dry-run")
    assert result.exit_code == 0 and result.stdout.startswith("Dry run: 4 accounts")
    assert assigned(loaded) == before
    _, data = loaded.json("assign", "--to", "carol", "--min-dpd", "30", "--max-dpd", "90")
    assert data["accounts"] == {"U2": "carol", "U3": "carol"}
    _, data = loaded.json("assign", "--to", "dave,erin", "--from", "alice", "--by", "count")
    assert sorted(data["accounts"]) == ["A1", "A2"]
    assert sorted(data["accounts"].values()) == ["dave", "erin"]


def test_assign_refuses_bad_arguments(loaded):
    for args, words in ((["--to", ","], "at least one collector"),
                        (["--to", "a", "--by", "age"], "balance or count"),
                        (["--to", "a", "--unassigned", "--from", "b"], "not both"),
                        (["--to", "a", "--min-dpd", "9", "--max-dpd", "3"], "more than")):
        result = loaded("assign", *args)
        assert result.exit_code == 2 and words in result.stderr, (args, result.stderr)


# -- who may see what: PostgreSQL --------------------------------------------------------------

@pytest.fixture
def team(loaded, engine):
    if engine != "postgresql":
        pytest.skip("roles and row-level security are PostgreSQL's")
    for name, role in (("alice", "collector"), ("bob", "collector"), ("lena", "lead")):
        result = loaded("team", "add", name, "--role", role)
        assert result.exit_code == 0, result.output
    assert loaded("log", "B1", "ptp", "-a", "100", "-d", "+3", "-c", "bob").exit_code == 0
    assert loaded("pay", "B1", "50").exit_code == 0
    return loaded


def test_team_list(team):
    _, members = team.json("team", "list")
    assert {"name": "alice", "role": "collector"} in members
    assert {"name": "lena", "role": "lead"} in members


def test_raw_sql_a_collector_sees_and_writes_only_their_own(team):
    import psycopg

    alice = as_user(str(team.db), "alice")
    for table, expected in (("accounts", 2), ("phones", 2), ("calls", 0), ("promises", 0),
                            ("payments", 0)):
        assert run_sql(alice, f"SELECT COUNT(*) FROM {table}")[0][0] == expected, table
    assert run_sql(as_user(str(team.db), "bob"), "SELECT COUNT(*) FROM calls")[0][0] == 1
    insert = ("INSERT INTO calls (account_id, collector, called_at, outcome, source, "
              "logged_at) VALUES (?, ?, '2026-12-04T01:00:00+00:00', 'na', 'log', 'now')")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        run_sql(alice, insert, ("B1", "alice"))  # bob's account
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        run_sql(alice, insert, ("A1", "bob"))  # her account, logged as someone else
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        run_sql(alice, "UPDATE accounts SET assigned_to = 'alice' WHERE account_id = 'B1'")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        run_sql(alice, "DELETE FROM calls")
    lena = as_user(str(team.db), "lena")
    assert run_sql(lena, "SELECT COUNT(*) FROM accounts")[0][0] == 7
    assert run_sql(lena, "SELECT COUNT(*) FROM calls")[0][0] == 1


def test_raw_sql_a_collector_keeps_the_requests_of_their_own_accounts_only(team):
    """The debtor's requests log: a collector reads and appends to their own accounts'
    entries, as themselves; nobody but the owner changes or deletes one; a lead has all."""
    import psycopg

    assert team("account", "B1", "--avoid", "12:00-13:00", "-c", "bob").exit_code == 0
    alice, bob, lena = (as_user(str(team.db), who) for who in ("alice", "bob", "lena"))
    insert = ("INSERT INTO debtor_requests (account_id, kind, set_by, set_at) "
              "VALUES (?, 'no_workplace', ?, '2026-12-04T01:00:00+00:00') RETURNING id")
    run_sql(alice, insert, ("A1", "alice"))
    assert run_sql(alice, "SELECT account_id, set_by FROM debtor_requests") == [("A1", "alice")]
    assert run_sql(bob, "SELECT account_id FROM debtor_requests") == [("B1",)]
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        run_sql(alice, insert, ("B1", "alice"))  # bob's account
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        run_sql(alice, insert, ("A1", "bob"))  # her account, set as someone else
    for statement in ("UPDATE debtor_requests SET kind = 'clear' RETURNING id",
                      "DELETE FROM debtor_requests RETURNING id"):
        for who in (alice, lena):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                run_sql(who, statement)
    run_sql(lena, insert, ("B1", "lena"))  # a lead adds to any account's
    assert run_sql(lena, "SELECT COUNT(*) FROM debtor_requests")[0][0] == 3
    # Through the CLI: her own account as herself; bob's is not hers to see.
    assert run_as(alice, "account", "A1", "--avoid", "9-10").exit_code == 0
    result = run_as(alice, "account", "B1", "--avoid", "9-10")
    assert result.exit_code == 2 and "no account 'B1'" in result.stderr
    result = run_as(alice, "account", "A1", "--avoid", "9-10", "-c", "bob")
    assert result.exit_code == 2 and "row-level security" in result.stderr
    _, shown = team.json("show", "B1")
    assert shown["avoid"] == [{"from": "12:00", "to": "13:00", "days": [
        "mon", "tue", "wed", "thu", "fri", "sat", "sun"]}] and shown["no_workplace"]


def test_cli_a_collector_works_on_their_own_accounts_only(team, make_csv):
    alice = as_user(str(team.db), "alice")
    result = run_as(alice, "accounts", "--format", "json")
    assert [a["account_id"] for a in json.loads(result.stdout)] == ["A1", "A2"]
    assert "(entry" in run_as(alice, "log", "A1", "na").stdout  # me = the role
    for args in (["show", "B1"], ["log", "B1", "na"], ["pay", "B1", "10"]):
        result = run_as(alice, *args)
        assert result.exit_code == 2 and "no account 'B1'" in result.stderr, args
    result = run_as(alice, "log", "A1", "na", "-c", "bob")
    assert result.exit_code == 2 and "row-level security" in result.stderr
    result = run_as(alice, "import", "accounts", make_csv("x.csv", HEADER + ROWS))
    assert result.exit_code == 2 and "permission denied" in result.stderr
    assert "Traceback" not in result.output
    _, report = team.json("report")  # the admin's view: both collectors
    mine = json.loads(run_as(alice, "report", "--format", "json").stdout)
    assert [r["name"] for r in mine["collectors"]] == ["alice"]
    assert {r["name"] for r in report["collectors"]} >= {"alice", "bob"}
    # Alice sees only her entries, yet her entry links to the team's latest (bob's).
    check = team("db", "check")  # bob's call and promise, his payment, alice's call
    assert check.exit_code == 0 and "chain holds over 4 entries" in check.stdout
    lead = as_user(str(team.db), "lena")
    result = run_as(lead, "assign", "--to", "alice,bob")
    assert result.exit_code == 0 and "4 accounts assigned" in result.stdout
    assert run_as(lead, "import", "accounts", make_csv("y.csv", HEADER + ROWS)).exit_code == 0


def test_db_copy_from_a_missing_file_creates_nothing(loaded, tmp_path):
    missing = tmp_path / "missing.db"
    result = loaded("db", "copy", "--from", missing)
    assert result.exit_code == 2 and f"no database at {missing}" in result.stderr
    assert not missing.exists()


def test_assign_from_an_unknown_collector_is_refused(loaded):
    result = loaded("assign", "--to", "alice", "--from", "nobdy")
    assert result.exit_code == 2 and "no collector 'nobdy' has accounts" in result.stderr


@pytest.mark.parametrize("content", ["a table of its own", "not a database at all"])
def test_db_copy_from_a_file_that_is_not_collectctl_s_leaves_it_untouched(cli, tmp_path,
                                                                         content):
    """Opening a foreign SQLite file as a store would add collectctl's schema to it: the
    source is inspected read-only first (sqlite-utils) and refused."""
    import hashlib
    import sqlite3

    other = tmp_path / "other.db"
    if content == "a table of its own":
        conn = sqlite3.connect(other)
        conn.execute("CREATE TABLE expenses (what TEXT, amount INTEGER)")
        conn.commit()
        conn.close()
    else:
        other.write_bytes(b"just some bytes, no database here\n" * 10)
    before = hashlib.sha256(other.read_bytes()).hexdigest()
    result = cli("db", "copy", "--from", other)
    assert result.exit_code == 2, result.output
    assert f"{other} is not a collectctl database" in result.stderr
    assert hashlib.sha256(other.read_bytes()).hexdigest() == before
