"""Who pays when reached, on a team server: the pay trials are the server's. A collector's
raw SQL cannot write them, their segments' counts or the window they are derived with,
nor run the derivation; an account adds at most ``SEGMENT_CAP`` trials to its segments
however many contacts its collector forges; after a collector's ordinary ``log``, ``pay``
and ``undo`` the trials are exactly ``core.paying``'s of the whole log."""

from __future__ import annotations

import pytest

from collectctl.core.paying import SEGMENT_CAP
from tests.cli.test_learn_team import plan_of, run
from tests.cli.test_team import as_user
from tests.conftest import run_sql

HEADER = "account_id,name,amount_due,mobile,work_start,timezone,assigned_to,risk\n"
#: Alice's and bob's accounts, all alike: one segment (medium|M0|Asia/Taipei|09).
ROWS = "".join(f"{a},Debtor {a},50000,09123450{n:02d},09:00,Asia/Taipei,{who},medium\n"
               for n, (a, who) in enumerate([("A1", "alice"), ("A2", "alice"), ("B1", "bob"),
                                             ("B2", "bob")]))


def learned(db):
    from collectctl.storage import open_store

    store = open_store(db)
    try:
        return store.all_pay_trials(), store.all_pay_stats()
    finally:
        store.close()


def core_trials(db) -> list:
    """Every account's trials as ``core.paying`` derives them from its whole log."""
    from collectctl.app.learn import _pay_trials
    from collectctl.config import Settings
    from collectctl.storage import open_store

    store = open_store(db)
    try:
        derive = _pay_trials(Settings())
        out = []
        for account, calls in store.calls_by_account():
            out += derive(store, account, calls, store.payments_of(account.account_id))
        return sorted(out, key=lambda t: t.call_id)
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
    for week, day in enumerate(("2026-12-01", "2026-12-08")):
        due = f"2026-12-{4 + 7 * week:02d}"
        for args in (("B1", "ptp", "-a", "5000", "-d", due), ("B2", "ptp", "-a", "5000",
                                                               "-d", due)):
            result = run(bob, f"{day}T10:00:00+08:00", "log", *args)
            assert result.exit_code == 0, result.output
        result = run(bob, f"{due}T12:00:00+08:00", "pay", "B1", "5000", "--date", due)
        assert result.exit_code == 0, result.output  # B1 pays, B2 breaks every promise
    return cli


def test_the_servers_trials_are_core_payings_after_log_pay_and_undo(team):
    bob = as_user(str(team.db), "bob")
    trials, stats = learned(team.db)
    assert [(t.account_id, t.paid > 0) for t in trials] == [
        ("B1", True), ("B2", False), ("B1", True), ("B2", False)]
    assert trials == core_trials(team.db)
    assert sum(v[0] for v in stats.values()) == 4 and sum(v[1] for v in stats.values()) == 2
    # An undo of the last payment's contact takes the payment's credit with it.
    result = run(bob, "2026-12-11T13:00:00+08:00", "undo", str(trials[2].call_id))
    assert result.exit_code == 0, result.output
    after, after_stats = learned(team.db)
    assert len(after) == 3 and after == core_trials(team.db)
    assert sum(v[1] for v in after_stats.values()) == 1
    # A lead's rebuild derives the same again.
    lena = as_user(str(team.db), "lena")
    result = run(lena, "2026-12-11T14:00:00+08:00", "learn", "rebuild")
    assert result.exit_code == 0, result.output
    assert learned(team.db) == (after, after_stats)
    # ... and a collector may not rebuild them.
    assert run(bob, "2026-12-11T14:00:00+08:00", "learn", "rebuild").exit_code != 0


def test_a_collector_cannot_write_the_trials_nor_what_they_are_derived_with(team):
    import psycopg

    alice, bob = (as_user(str(team.db), who) for who in ("alice", "bob"))
    before, bobs_plan = learned(team.db), plan_of(bob)
    (segment,) = {s for s, _end in before[1]}
    for statement in (
        "INSERT INTO pay_trials VALUES (1, 'A1', 'x', '2026-12-01', '2026-12-08', 1, 1, 1)",
        "UPDATE pay_trials SET paid_minor = 0",
        "DELETE FROM pay_trials",
        f"INSERT INTO pay_stats VALUES ('{segment}', '2026-12-30', 50, 0, 0)",
        "UPDATE pay_stats SET paid = 0",
        "DELETE FROM pay_stats",
        "TRUNCATE pay_stats",
        "UPDATE learning_pay SET window_days = 60",
        "DELETE FROM learning_pay",
        "SELECT collectctl_pay_derive('B1')",
        "SELECT collectctl_pay_rebuild()",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            run_sql(alice, statement)
    for trigger in ("collectctl_pay_from_calls", "collectctl_pay_from_payments"):
        with pytest.raises(psycopg.Error):  # a trigger's function runs as a trigger only
            run_sql(alice, f"SELECT {trigger}()")
    # She reads every segment's counts and her own accounts' trials (none), not bob's.
    assert run_sql(alice, "SELECT COUNT(*) FROM pay_trials") == [(0,)]
    assert run_sql(alice, "SELECT SUM(trials) FROM pay_stats") == [(4,)]
    assert learned(team.db) == before
    assert plan_of(bob) == bobs_plan


def test_forged_contacts_add_at_most_the_cap_to_the_segment(team):
    """Alice inserts fifty right-party contacts on her own account, with payments to
    match: the account adds its latest ten trials to the segment, and bob's debtors'
    segment counts move by no more than that."""
    alice = as_user(str(team.db), "alice")
    before = sum(v[0] for v in learned(team.db)[1].values())
    for n in range(50):
        day = f"2026-11-{1 + n % 28:02d}"
        run_sql(alice, "INSERT INTO calls (account_id, collector, called_at, outcome, source,"
                       " logged_at) VALUES ('A1', 'alice', ?, 'rpc', 'manual', 'x') RETURNING id",
                (f"{day}T02:{n % 60:02d}:00+00:00",))
    trials, stats = learned(team.db)
    mine = [t for t in trials if t.account_id == "A1"]
    assert len(mine) == 50 and sum(t.counted for t in mine) == SEGMENT_CAP
    assert sum(v[0] for v in stats.values()) == before + SEGMENT_CAP
    assert trials == core_trials(team.db)


def test_the_pay_functions_are_pinned_and_private(team):
    rows = run_sql(team.db,
                   "SELECT p.proname, p.prosecdef, p.proconfig,"
                   " has_function_privilege('collectctl_collector', p.oid, 'EXECUTE'),"
                   " has_function_privilege('collectctl_lead', p.oid, 'EXECUTE')"
                   " FROM pg_proc p WHERE p.proname ~ '^collectctl_pay_' ORDER BY 1")
    assert [r[0] for r in rows] == ["collectctl_pay_count", "collectctl_pay_derive",
                                    "collectctl_pay_from_calls",
                                    "collectctl_pay_from_payments", "collectctl_pay_rebuild"]
    for name, definer, config, collector, lead in rows:
        assert config[0].startswith("search_path=pg_catalog, ") and config[0].endswith(
            ", pg_temp"), name
        assert config[1:] == ["TimeZone=UTC", "DateStyle=ISO, YMD"], name
        assert definer == (name not in ("collectctl_pay_count", "collectctl_pay_derive")), name
        assert not collector, name
        assert lead == (name == "collectctl_pay_rebuild"), name
