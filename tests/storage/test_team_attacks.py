"""A hostile collector on the team server, with raw SQL as their own role (issue 19): every
attack that went through before schema 10 is refused by PostgreSQL itself, and neither the
lead's report nor the other collector's records change."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_team import as_user, run_as
from tests.conftest import _admin_sql, run_sql

HEADER = "account_id,name,amount_due,mobile,days_past_due,assigned_to\n"
ROWS = ("A1,Debtor A1,1000,0912000001,10,alice\n"
        "A2,Debtor A2,2000,0912000002,40,alice\n"
        "B1,Debtor B1,30000,0912000003,70,bob\n"
        "B2,Debtor B2,4000,0912000004,70,bob\n")
CALL = ("INSERT INTO calls (account_id, collector, called_at, outcome, reverses, source,"
        " logged_at) VALUES (?, 'alice', '2026-12-04T01:00:00+00:00', ?, ?, 'log', 'x')")


@pytest.fixture
def team(cli, make_csv, engine):
    if engine != "postgresql":
        pytest.skip("roles and row-level security are PostgreSQL's")
    assert cli("import", "accounts", make_csv("t.csv", HEADER + ROWS)).exit_code == 0
    for name, role in (("alice", "collector"), ("bob", "collector"), ("lena", "lead")):
        assert cli("team", "add", name, "--role", role).exit_code == 0
    bob = as_user(str(cli.db), "bob")
    for args in (["log", "B1", "ptp", "-a", "100", "-d", "+3"], ["log", "B2", "paid", "-a", "15"],
                 ["log", "B1", "na"]):
        result = run_as(bob, *args)
        assert result.exit_code == 0, result.output
    assert run_as(as_user(str(cli.db), "alice"), "log", "A1", "na").exit_code == 0
    return cli


def _ids(cli, outcome: str) -> int:
    return run_sql(cli.db, "SELECT id FROM calls WHERE outcome = ? AND collector = 'bob'",
                   (outcome,))[0][0]


def _lead_view(cli) -> tuple:
    lead = as_user(str(cli.db), "lena")
    report = json.loads(run_as(lead, "report", "--format", "json").stdout)
    bob = [r for r in report["collectors"] if r["name"] == "bob"]
    promises = run_as(lead, "promises", "-c", "bob", "--format", "json").stdout
    return json.dumps(bob, sort_keys=True), promises


def _run(url: str, query: str, params=()) -> None:
    """A statement that returns no rows, committed."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(query.replace("?", "%s"), params)


def _refused(url: str, query: str, params=()) -> str:
    import psycopg

    with pytest.raises(psycopg.Error) as caught:
        _run(url, query, params)
    return str(caught.value).splitlines()[0]


def test_a_collector_cannot_undo_pin_or_pay_on_another_collectors_calls(team):
    alice = as_user(str(team.db), "alice")
    before = _lead_view(team)
    ptp, paid = _ids(team, "ptp"), _ids(team, "paid")
    mine = run_sql(team.db, "SELECT id FROM calls WHERE collector = 'alice'")[0][0]
    for target in (ptp, paid):
        _refused(alice, CALL, ("A1", "undo", target))
    _refused(alice, "INSERT INTO promises (account_id, call_id, amount_minor, due_date,"
             " made_on) VALUES ('A1', ?, 999999900, '2026-12-30', '2026-12-04')", (ptp,))
    _refused(alice, "INSERT INTO payments (account_id, amount_minor, paid_on, source,"
             " call_id, recorded_at) VALUES ('A1', 100, '2026-12-04', 'log', ?, 'x')",
             (paid,))
    # Her own call on her own account she may hang a promise on.
    run_sql(alice, "INSERT INTO promises (account_id, call_id, amount_minor, due_date, made_on)"
            " VALUES ('A1', ?, 100, '2026-12-30', '2026-12-04') RETURNING id", (mine,))
    # The error does not tell her whether call N exists: the same words for a call of
    # bob's and for none.
    existing = _refused(alice, CALL, ("A1", "undo", ptp))
    missing = _refused(alice, CALL, ("A1", "undo", 999999))
    assert existing.replace(str(ptp), "N") == missing.replace("999999", "N")
    assert _lead_view(team) == before
    bob = as_user(str(team.db), "bob")
    assert run_as(bob, "undo").exit_code == 0  # bob's own undo still works


def test_a_collector_reverses_only_their_own_calls_even_on_their_own_account(team):
    lead = as_user(str(team.db), "lena")
    assert run_as(lead, "log", "A2", "rpc", "-c", "lena").exit_code == 0
    leads = run_sql(team.db, "SELECT id FROM calls WHERE collector = 'lena'")[0][0]
    _refused(as_user(str(team.db), "alice"), CALL, ("A2", "undo", leads))
    batch = run_sql(team.db, "SELECT MAX(id) FROM import_batches")[0][0]
    _refused(as_user(str(team.db), "alice"),
             "INSERT INTO calls (account_id, collector, called_at, outcome, source, batch_id,"
             " logged_at) VALUES ('A1', 'alice', '2026-12-04T01:00:00+00:00', 'na', 'import',"
             " ?, 'x')", (batch,))


def test_the_log_is_append_only_for_a_lead_too(team):
    lead = as_user(str(team.db), "lena")
    for statement in ("UPDATE calls SET note = 'x'", "DELETE FROM payments",
                      "UPDATE promises SET amount_minor = 1", "TRUNCATE calls CASCADE"):
        assert "permission denied" in _refused(lead, statement), statement


def test_no_client_supplies_or_sees_a_link(team):
    alice = as_user(str(team.db), "alice")
    run_sql(alice, "INSERT INTO calls (account_id, collector, called_at, outcome, source,"
            " logged_at, chain, seq) VALUES ('A1', 'alice', '2026-12-04T02:00:00+00:00', 'na',"
            " 'log', 'x', 'garbage', 1) RETURNING id")
    run_sql(alice, "INSERT INTO calls (account_id, collector, called_at, outcome, source,"
            " logged_at, chain) VALUES ('A1', 'alice', '2026-12-04T03:00:00+00:00', 'na',"
            " 'log', 'x', NULL) RETURNING id")
    check = team("db", "check")  # the owner's
    assert check.exit_code == 0 and "holds over 8 entries" in check.stdout, check.output
    for query in ("SELECT chain FROM calls", "SELECT seq FROM payments",
                  "SELECT * FROM chain_head", "SELECT * FROM chain_key",
                  "SELECT collectctl_last_chain()",
                  "SELECT collectctl_next_link('call', 'x')", "SELECT collectctl_hold_log()"):
        assert _refused(alice, query), query
    lead = as_user(str(team.db), "lena")
    assert "permission denied" in _refused(lead, "SELECT * FROM chain_key")
    assert "permission denied" in _refused(lead, "UPDATE chain_head SET entries = 0")


def test_db_check_needs_a_lead_and_passes_for_one(team):
    result = run_as(as_user(str(team.db), "alice"), "db", "check")
    assert result.exit_code == 2 and "needs a lead" in result.stderr
    lead = run_as(as_user(str(team.db), "lena"), "db", "check", "--format", "json")
    assert lead.exit_code == 0, lead.output
    body = json.loads(lead.stdout)
    assert body["ok"] and body["chain"]["ledger"] == 6 and len(body["chain"]["head"]) == 64


def test_holding_the_old_lock_blocks_nobody_and_a_held_head_says_busy(team, monkeypatch):
    import psycopg

    from collectctl.storage.postgres import PostgresStore

    alice = as_user(str(team.db), "alice")
    with psycopg.connect(alice, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(7232)")
        conn.execute("SELECT pg_advisory_lock(7231)")
        assert run_as(as_user(str(team.db), "bob"), "log", "B2", "na").exit_code == 0
    monkeypatch.setattr(PostgresStore, "LOCK_TIMEOUT", "300ms")
    with psycopg.connect(as_user(str(team.db), "lena")) as conn:  # a lead's open writer
        conn.execute("INSERT INTO calls (account_id, collector, called_at, outcome, source,"
                     " logged_at) VALUES ('A1', 'lena', '2026-12-04T01:00:00+00:00', 'na',"
                     " 'log', 'x')")
        result = run_as(as_user(str(team.db), "bob"), "log", "B2", "na")
        conn.rollback()
    assert result.exit_code == 2 and "the call log is busy" in result.stderr
    assert "Traceback" not in result.output


def test_planner_estimates_do_not_confirm_another_collectors_phone(team):
    alice = as_user(str(team.db), "alice")
    plans = []
    for number in ("0912000003", "0999999999"):  # bob's debtor's, and nobody's
        rows = run_sql(alice, "EXPLAIN SELECT * FROM phones WHERE number = ?", (number,))
        plans.append(" ".join(r[0] for r in rows).replace(number, "N"))
    assert plans[0] == plans[1]


# -- the schema: nobody can plant a function where collectctl looks ---------------------------

@pytest.fixture
def fresh_database(pg_server):
    """An empty database of its own, for migrations (the session's one is migrated)."""
    from tests.conftest import with_database

    name = "collectctl_attack"
    _admin_sql(pg_server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
               f"CREATE DATABASE {name}")
    yield with_database(pg_server, name)
    _admin_sql(pg_server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _migrate(url: str):
    from typer.testing import CliRunner

    from collectctl.cli import app

    return CliRunner().invoke(app, ["--db", url, "db", "migrate"])


def test_migrate_takes_create_from_public_as_postgresql_13_left_it(fresh_database, engine):
    if engine != "postgresql":
        pytest.skip("PostgreSQL's schemas")
    _admin_sql(fresh_database, "GRANT CREATE ON SCHEMA public TO PUBLIC")  # the old default
    result = _migrate(fresh_database)
    assert result.exit_code == 0, result.output
    _admin_sql(fresh_database, "DROP ROLE IF EXISTS mallory", "CREATE ROLE mallory LOGIN")
    assert "permission denied" in _refused(
        as_user(fresh_database, "mallory"),
        "CREATE FUNCTION public.pg_advisory_xact_lock(integer) RETURNS void"
        " LANGUAGE sql AS 'SELECT NULL'")


def test_migrate_refuses_a_schema_others_may_create_in_or_planted(fresh_database, engine):
    if engine != "postgresql":
        pytest.skip("PostgreSQL's schemas")
    _admin_sql(fresh_database, "DROP ROLE IF EXISTS mallory", "CREATE ROLE mallory LOGIN",
               "GRANT CREATE ON SCHEMA public TO PUBLIC")
    _run(as_user(fresh_database, "mallory"),
         "CREATE FUNCTION public.pg_advisory_xact_lock(integer) RETURNS void"
            " LANGUAGE sql AS 'SELECT NULL'")
    result = _migrate(fresh_database)
    assert result.exit_code == 2
    assert "pg_advisory_xact_lock(integer) (mallory)" in result.stderr
    assert run_sql(fresh_database, "SELECT to_regclass('accounts')")[0][0] is None
    # An owner who cannot take CREATE back (the schema is another role's, as on 13/14).
    _admin_sql(fresh_database, "DROP FUNCTION public.pg_advisory_xact_lock(integer)",
               "DROP ROLE IF EXISTS teamowner", "CREATE ROLE teamowner LOGIN",
               "GRANT CREATE ON DATABASE collectctl_attack TO teamowner",
               "ALTER SCHEMA public OWNER TO postgres",
               "GRANT CREATE ON SCHEMA public TO PUBLIC")
    result = _migrate(as_user(fresh_database, "teamowner"))
    assert result.exit_code == 2 and "PUBLIC may create objects in schema public" in result.stderr
    assert "REVOKE CREATE ON SCHEMA public FROM PUBLIC" in result.stderr


def test_a_function_planted_after_migrating_is_not_called_and_check_names_it(team):
    _admin_sql(str(team.db), "GRANT CREATE ON SCHEMA public TO PUBLIC")
    try:
        alice = as_user(str(team.db), "alice")
        _run(alice, "CREATE FUNCTION public.pg_advisory_xact_lock(integer) RETURNS void"
                " LANGUAGE sql AS $$ UPDATE accounts SET assigned_to = 'alice' $$")
        lead = as_user(str(team.db), "lena")
        assert run_as(lead, "log", "B1", "na", "-c", "lena").exit_code == 0
        assert run_as(lead, "import", "accounts", "--help").exit_code == 0
        owners = run_sql(team.db, "SELECT assigned_to FROM accounts ORDER BY account_id")
        assert [o for (o,) in owners] == ["alice", "alice", "bob", "bob"]
        result = team("db", "check")
        assert result.exit_code == 2 and "PUBLIC may create objects" in result.stderr
    finally:
        _admin_sql(str(team.db), "DROP FUNCTION IF EXISTS public.pg_advisory_xact_lock(integer)",
                   "REVOKE CREATE ON SCHEMA public FROM PUBLIC")


def test_a_row_for_another_account_is_refused_before_it_can_hold_anyone_up(team, monkeypatch):
    """Before the trigger takes the ledger's head: a collector's row for an account not
    theirs waits for nobody (and a payment's reference on it is not looked up)."""
    import psycopg

    from collectctl.storage.postgres import PostgresStore

    alice = as_user(str(team.db), "alice")
    run_as(as_user(str(team.db), "lena"), "pay", "B1", "5", "--reference", "BANK-77")
    monkeypatch.setattr(PostgresStore, "LOCK_TIMEOUT", "300ms")
    insert = ("INSERT INTO payments (account_id, amount_minor, paid_on, source, reference,"
              " recorded_at) VALUES ('B1', 1, '2026-12-04', 'log', ?, 'x')")
    with psycopg.connect(as_user(str(team.db), "lena")) as held:  # a writer holding the head
        held.execute("INSERT INTO calls (account_id, collector, called_at, outcome, source,"
                     " logged_at) VALUES ('A1', 'lena', '2026-12-04T01:00:00+00:00', 'na',"
                     " 'log', 'x')")
        with psycopg.connect(alice, autocommit=True) as conn:
            conn.execute("SET lock_timeout = '200ms'")
            words = []
            for reference in ("BANK-77", "BANK-00"):  # bob's, and nobody's
                with pytest.raises(psycopg.errors.InsufficientPrivilege) as caught:
                    conn.execute(insert.replace("?", "%s"), (reference,))
                words.append(str(caught.value).splitlines()[0])
        held.rollback()
    assert words[0] == words[1] and "row-level security" in words[0]


def test_an_undo_takes_back_what_its_call_counted_whatever_the_session_says(team):
    """A collector's session settings do not change where the server places a call:
    logged under one TimeZone and DateStyle and undone under another, nothing is left."""
    import psycopg

    before = run_sql(team.db, "SELECT scope, key, hour, weekend, tries, contacts, exposure"
                     " FROM contact_stats ORDER BY 1, 2, 3, 4")
    with psycopg.connect(as_user(str(team.db), "alice"), autocommit=True) as conn:
        conn.execute("SET TimeZone = 'UTC'")
        conn.execute("SET DateStyle = 'ISO, MDY'")
        try:  # a time without its zone, in the session's order (read by the server as ISO)
            (call,) = conn.execute(
                "INSERT INTO calls (account_id, collector, called_at, outcome, source,"
                " logged_at) VALUES ('A1', 'alice', '2026-11-01 10:00', 'ptp', 'log', 'x')"
                " RETURNING id").fetchone()
        except psycopg.Error:
            pytest.fail("a time the server reads the same either way")
        conn.execute("SET TimeZone = 'Pacific/Kiritimati'")
        conn.execute("SET DateStyle = 'ISO, DMY'")
        conn.execute(
            "INSERT INTO calls (account_id, collector, called_at, outcome, reverses, source,"
            " logged_at) VALUES ('A1', 'alice', '2026-12-02T03:01:00+00:00', 'undo', %s,"
            " 'log', 'x') RETURNING id", (call,)).fetchone()
    after = run_sql(team.db, "SELECT scope, key, hour, weekend, tries, contacts, exposure"
                    " FROM contact_stats WHERE tries <> 0 OR exposure <> 0 ORDER BY 1, 2, 3, 4")
    assert after == [row for row in before if row[4] or row[6]]


def test_a_collectors_advisory_lock_does_not_hold_up_a_migration(team):
    import psycopg

    with psycopg.connect(as_user(str(team.db), "alice"), autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(7231)")
        result = team("db", "migrate")
    assert result.exit_code == 0, result.output


def test_a_collector_adds_numbers_but_not_where_they_place_the_debtor(team):
    alice = as_user(str(team.db), "alice")
    assert "permission denied" in _refused(
        alice, "INSERT INTO phones (account_id, number, label, valid, position, source,"
        " added_at, region, zones) VALUES ('A1', '+61400000000', 'mobile', 1, 9, 'manual',"
        " 'x', 'US', 'America/New_York')")
    result = run_as(alice, "contact", "add", "A1", "0912000999")
    assert result.exit_code == 0, result.output
    placed = run_sql(team.db, "SELECT region, zones FROM phones WHERE number LIKE ?",
                     ("%912000999",))
    assert placed == [(None, None)]
