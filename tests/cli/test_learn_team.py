"""The learned counts on a team server are the server's: a collector's raw SQL cannot write
them (nor what they are derived with), an entry counts once and only for its own account,
another collector's plan does not move, and after a collector's ordinary ``log`` the counts
are exactly ``core.learning``'s. ``learn rebuild`` is a lead's; ``db migrate`` and ``db
copy`` leave the server counting."""

from __future__ import annotations

import contextlib
import json

import pytest
from typer.testing import CliRunner

from collectctl.cli import app
from tests.cli.test_team import as_user
from tests.conftest import run_sql

HEADER = "account_id,name,amount_due,mobile,work_start,timezone,assigned_to,risk\n"
#: Alice's and bob's accounts, all alike: one segment (medium|M0|Asia/Taipei|09).
ROWS = "".join(f"{a},Debtor {a},{9000 - n * 100},09123450{n:02d},09:00,Asia/Taipei,{who},"
               "medium\n"
               for n, (a, who) in enumerate([("A1", "alice"), ("A2", "alice"), ("B1", "bob"),
                                             ("B2", "bob"), ("B3", "bob")]))
DAYS = ("2026-12-01", "2026-12-02", "2026-12-03")
PLAN_AT = "2026-12-04T08:00:00+08:00"
SEGMENT = "medium|M0|Asia/Taipei|09"


def run(db, now: str, *args: str):
    return CliRunner().invoke(app, ["--db", str(db), "--now", now, *map(str, args)])


def stats(db) -> dict:
    from collectctl.storage import open_store

    store = open_store(db)
    try:
        return store.all_contact_stats()
    finally:
        store.close()


def core_counts(db) -> dict:
    """The table as ``core.learning`` computes it from the whole log."""
    from collectctl.app.learn import shape_for
    from collectctl.config import Settings, outcome_book
    from collectctl.core import learning
    from collectctl.storage import open_store

    store = open_store(db)
    try:
        settings = Settings()
        return learning.rebuild(store.calls_by_account(), outcome_book(settings),
                                shape_for(settings))
    finally:
        store.close()


@pytest.fixture
def team(cli, make_csv, engine):
    if engine != "postgresql":
        pytest.skip("roles are PostgreSQL's; on SQLite the file is the boundary")
    assert cli("import", "accounts", make_csv("a.csv", HEADER + ROWS)).exit_code == 0
    for name, role in (("alice", "collector"), ("bob", "collector"), ("lena", "lead")):
        assert cli("team", "add", name, "--role", role).exit_code == 0
    bob = as_user(str(cli.db), "bob")
    for day in DAYS:  # B1 answers in the evening, never at the golden 09:00
        assert run(bob, f"{day}T09:00:00+08:00", "log", "B1", "na").exit_code == 0
        assert run(bob, f"{day}T17:00:00+08:00", "log", "B1", "rpc").exit_code == 0
    return cli


def plan_of(url: str) -> dict:
    result = run(url, PLAN_AT, "plan", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_collector_cannot_write_the_counts_nor_what_they_are_derived_with(team):
    import psycopg

    alice, bob = (as_user(str(team.db), who) for who in ("alice", "bob"))
    before, bobs_plan = stats(team.db), plan_of(bob)
    assert before[("s", SEGMENT, 17, False)] == [3, 3, 3000]
    for statement in (
        f"INSERT INTO contact_stats VALUES ('s', '{SEGMENT}', 3, 0, 50, 50, 50000)",
        f"INSERT INTO contact_stats VALUES ('s', '{SEGMENT}', 17, 0, 1, 0, 1000) ON CONFLICT"
        " (scope, key, hour, weekend) DO UPDATE SET contacts = 0",
        "UPDATE contact_stats SET contacts = 0, exposure = exposure * 10 WHERE scope = 's'",
        "DELETE FROM contact_stats WHERE scope = 's'",
        "TRUNCATE contact_stats",
        "UPDATE learning_outcomes SET right_party = 1 - right_party",
        "INSERT INTO learning_outcomes VALUES ('rpc2', 1, 1)",
        "DELETE FROM learning_outcomes",
        "UPDATE learning_rules SET golden = 100",
        "UPDATE learning_zones SET zone = 'Pacific/Kiritimati'",
        "SELECT collectctl_learn_rebuild()",
        "SELECT * FROM collectctl_learn_observe('B1', '2026-12-01T01:00:00+00:00', 'rpc')",
        "SELECT collectctl_learn_weight(now()::timestamp, '09:00', NULL)",
        "UPDATE calls SET called_at = '2026-12-01T19:00:00+00:00'",  # count a call again
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            run_sql(alice, statement)
    with pytest.raises(psycopg.Error):  # a trigger's function runs as a trigger only
        run_sql(alice, "SELECT collectctl_learn_from_call()")
    # What she may read is unchanged: the segment, and her own accounts' rows.
    assert run_sql(alice, "SELECT tries FROM contact_stats WHERE scope = 's' AND hour = 17"
                   ) == [(3,)]
    assert run_sql(alice, "SELECT COUNT(*) FROM contact_stats WHERE scope = 'a'") == [(0,)]
    assert stats(team.db) == before
    assert plan_of(bob) == bobs_plan
    assert bobs_plan["calls"] and any(c["start"][11:13] == "17" for c in bobs_plan["calls"]
                                      if c["account_id"] == "B1")


def test_an_entry_counts_once_and_only_for_its_own_account(team):
    import psycopg

    alice, bob = (as_user(str(team.db), who) for who in ("alice", "bob"))
    before, bobs_plan = stats(team.db), plan_of(bob)
    (bobs,) = run_sql(bob, "SELECT id FROM calls WHERE outcome = 'rpc' ORDER BY id LIMIT 1")[0]
    insert = ("INSERT INTO calls (account_id, collector, called_at, outcome, reverses, source,"
              " logged_at) VALUES ('A1', 'alice', '2026-12-03T02:00:00+00:00', ?, ?, 'manual',"
              " 'x') RETURNING id")
    # An undo on her own account pointing at bob's entry takes nothing of his back out (a
    # schema that refuses such a reference is better still).
    with contextlib.suppress(psycopg.errors.ForeignKeyViolation,
                             psycopg.errors.InsufficientPrivilege):
        run_sql(alice, insert, ("undo", bobs))
    assert stats(team.db) == before
    # Her own entry, logged and undone as usual: counted, then taken back out, once.
    assert run(alice, "2026-12-03T10:00:00+08:00", "log", "A1", "rpc").exit_code == 0
    (mine,) = run_sql(alice, "SELECT MAX(id) FROM calls")[0]
    assert stats(team.db)[("a", "A1", 10, False)] == [1, 1, 1000]
    assert run(alice, "2026-12-03T10:05:00+08:00", "undo").exit_code == 0
    assert stats(team.db) == before
    with pytest.raises(psycopg.errors.UniqueViolation):  # undone twice
        run_sql(alice, insert, ("undo", mine))
    (undo,) = run_sql(alice, "SELECT MAX(id) FROM calls")[0]
    # A counting outcome that reverses her undo, and an undo of that: nothing to count.
    (odd,) = run_sql(alice, insert, ("rpc", undo))[0]
    run_sql(alice, insert, ("undo", odd))
    assert stats(team.db) == before
    assert plan_of(bob) == bobs_plan


def test_after_a_collectors_log_the_counts_are_core_learnings(team):
    alice = as_user(str(team.db), "alice")
    for moment, account, outcome in (("2026-12-01T09:05:00+08:00", "A1", "na"),
                                     ("2026-12-01T13:10:00+08:00", "A2", "rpc"),
                                     ("2026-12-05T20:10:00+08:00", "A1", "tp"),  # Saturday
                                     ("2026-12-02T11:00:00+08:00", "A2", "wn"),
                                     ("2026-12-02T11:30:00+08:00", "A2", "skip")):
        result = run(alice, moment, "log", account, outcome)
        assert result.exit_code == 0, result.output
    kept = stats(team.db)
    assert kept == core_counts(team.db)
    assert kept[("a", "A1", 9, False)] == [1, 0, 1429]  # the golden minutes weigh more
    assert kept[("a", "A2", 13, False)] == [1, 1, 667]  # lunch (to 13:30) less
    assert kept[("a", "A1", 20, True)] == [1, 0, 1000]
    assert ("a", "A2", 11, False) not in kept  # a wrong number and a skip say nothing
    assert kept[("s", SEGMENT, 9, False)] == [4, 0, 4 * 1429]  # bob's three, alice's one
    assert plan_of(alice)["calls"]


def test_learn_rebuild_is_a_leads(team):
    alice, lena = (as_user(str(team.db), who) for who in ("alice", "lena"))
    kept = stats(team.db)
    result = run(alice, PLAN_AT, "learn", "rebuild")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.strip().endswith(
        "the learned counts on a team server are a lead's to rebuild: the server keeps "
        "them as calls are logged")
    result = run(lena, PLAN_AT, "learn", "rebuild", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"calls": 6, "accounts": 1, "segments": 1}
    assert stats(team.db) == kept == core_counts(team.db)


def test_a_leads_rebuild_publishes_the_book_the_server_counts_with(team, monkeypatch,
                                                                  tmp_path):
    """A code the lead's configuration adds (and its rules) count from the rebuild on, for
    every collector, whatever their own configuration says."""
    config = tmp_path / "book.yaml"
    config.write_text("outcomes:\n  left-message: {contact: true, right_party: true}\n",
                      encoding="utf-8")
    alice, lena = (as_user(str(team.db), who) for who in ("alice", "lena"))
    monkeypatch.setenv("COLLECTCTL_CONFIG", str(config))
    assert run(alice, "2026-12-02T15:00:00+08:00", "log", "A1", "left-message").exit_code == 0
    assert ("a", "A1", 15, False) not in stats(team.db)  # the server's book lacks the code
    assert run(lena, PLAN_AT, "learn", "rebuild").exit_code == 0
    assert stats(team.db)[("a", "A1", 15, False)] == [1, 1, 1000]
    monkeypatch.delenv("COLLECTCTL_CONFIG")  # alice's own configuration: the defaults
    assert run(alice, "2026-12-03T15:00:00+08:00", "log", "A1", "left-message").exit_code == 2
    assert run(lena, PLAN_AT, "learn", "rebuild").exit_code == 0  # the defaults again
    assert ("a", "A1", 15, False) not in stats(team.db)


def test_db_migrate_recounts_the_log_a_collector_could_write_before(pg_server):
    """A database at schema 10 (collectors still wrote the counts) upgraded by ``db
    migrate``: the counts are the log's again, and the server goes on counting."""
    from collectctl.storage import open_store
    from collectctl.storage.migrations import Migrations
    from collectctl.storage.postgres import PostgresStore
    from collectctl.storage.schema import MIGRATIONS
    from tests.conftest import _admin_sql, with_database

    _admin_sql(pg_server, "DROP DATABASE IF EXISTS collectctl_v10",
               "CREATE DATABASE collectctl_v10")
    url = with_database(pg_server, "collectctl_v10")
    try:
        PostgresStore(url, migrate=True, migrations=Migrations(MIGRATIONS[:10])).close()
        _admin_sql(url, "INSERT INTO accounts (account_id, amount_due_minor, currency, timezone,"
                " as_of, row_hash, created_at, updated_at, work_start, risk, assigned_to)"
                " VALUES ('B1', 100, 'TWD', 'Asia/Taipei', '2026-11-01', 'h', 'x', 'x',"
                " '09:00', 'medium', 'bob')")
        _admin_sql(url, "INSERT INTO calls (account_id, collector, called_at, outcome, source,"
                " logged_at) VALUES ('B1', 'bob', '2026-12-01T09:00:00+00:00', 'rpc', 'log',"
                " 'x')")
        poisoned = ("INSERT INTO contact_stats VALUES ('s', 'medium|M0|Asia/Taipei|09', 3, 0,"
                    " 99, 99, 99000)")
        _admin_sql(url, poisoned)
        result = run(url, PLAN_AT, "db", "migrate")
        assert result.exit_code == 0, result.output
        assert stats(url) == core_counts(url) == {
            ("a", "B1", 17, False): [1, 1, 1000], ("s", SEGMENT, 17, False): [1, 1, 1000]}
        assert run(url, PLAN_AT, "log", "B1", "na", "-c", "bob").exit_code == 0
        assert stats(url)[("a", "B1", 8, False)] == [1, 0, 1000]
        store = open_store(url)
        try:
            assert store.schema_version() == MIGRATIONS[-1][0]
        finally:
            store.close()
    finally:
        _admin_sql(pg_server, "DROP DATABASE IF EXISTS collectctl_v10 WITH (FORCE)")


def test_db_copy_to_a_team_server_keeps_the_counts_and_goes_on_counting(tmp_path, pg_server,
                                                                         make_csv):
    from tests.conftest import _admin_sql, with_database

    here = tmp_path / "desk.db"
    assert run(here, PLAN_AT, "import", "accounts", make_csv("a.csv", HEADER + ROWS)
               ).exit_code == 0
    for day in DAYS:
        assert run(here, f"{day}T17:00:00+08:00", "log", "B1", "rpc", "-c", "bob"
                   ).exit_code == 0
    _admin_sql(pg_server, "DROP DATABASE IF EXISTS collectctl_copy2",
               "CREATE DATABASE collectctl_copy2")
    url = with_database(pg_server, "collectctl_copy2")
    try:
        result = run(here, PLAN_AT, "db", "copy", "--to", url)
        assert result.exit_code == 0, result.output
        assert stats(url) == stats(here) == core_counts(here)
        assert run(url, "2026-12-03T18:00:00+08:00", "log", "B2", "rpc", "-c", "bob"
                   ).exit_code == 0
        assert stats(url) == core_counts(url)
        assert stats(url)[("s", SEGMENT, 18, False)] == [1, 1, 1000]
    finally:
        _admin_sql(pg_server, "DROP DATABASE IF EXISTS collectctl_copy2 WITH (FORCE)")


def test_the_same_log_plans_the_same_on_both_engines(tmp_path, pg_server, make_csv):
    """A desk's SQLite file and a team server given the same accounts and the same log
    (logged, undone, imported) hold the same counts and plan the same day, learned hours
    and all: the client's counting and the server's are one."""
    from tests.conftest import _admin_sql, with_database

    _admin_sql(pg_server, "DROP DATABASE IF EXISTS collectctl_same",
               "CREATE DATABASE collectctl_same")
    url = with_database(pg_server, "collectctl_same")
    calls = make_csv("calls.csv", "account_id,called_at,outcome,collector\n"
                                  "B2,2026-12-05 11:00,na,bob\nB2,2026-12-05 11:30,rpc,bob\n"
                                  "B3,2026-12-02 13:10,busy,bob\nA2,2026-12-03 20:00,rpc,alice\n")
    try:
        assert run(url, PLAN_AT, "db", "migrate").exit_code == 0  # publishes the defaults
        seen = []
        for db in (tmp_path / "desk.db", url):
            assert run(db, PLAN_AT, "import", "accounts", make_csv("a.csv", HEADER + ROWS)
                       ).exit_code == 0
            for day in DAYS:
                for at, account, outcome in (("09:00", "B1", "na"), ("17:00", "B1", "rpc"),
                                             ("09:10", "A1", "vm"), ("12:20", "A1", "rpc")):
                    who = "bob" if account[0] == "B" else "alice"
                    result = run(db, f"{day}T{at}:00+08:00", "log", account, outcome, "-c", who)
                    assert result.exit_code == 0, result.output
            assert run(db, "2026-12-03T12:21:00+08:00", "undo", "-c", "alice").exit_code == 0
            assert run(db, "2026-12-06T08:00:00+08:00", "import", "calls", calls).exit_code == 0
            plans = [run(db, PLAN_AT, "plan", "--format", "json", "-c", who).stdout
                     for who in ("alice", "bob")]
            explained = run(db, PLAN_AT, "plan", "--explain", "B2", "--format", "json",
                            "-c", "bob").stdout
            seen.append((stats(db), plans, explained))
        assert seen[0] == seen[1]
        assert seen[0][0] == core_counts(url)
        assert all(json.loads(plan)["calls"] for plan in seen[0][1])
        assert json.loads(seen[0][2])["contact"]["calls"] == 0  # a Saturday's, on a Friday
    finally:
        _admin_sql(pg_server, "DROP DATABASE IF EXISTS collectctl_same WITH (FORCE)")
