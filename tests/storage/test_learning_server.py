"""The learned contact counts are what ``core.learning`` computes from the log, on both
engines: kept by the client on SQLite, derived by the server on PostgreSQL (migration 11),
where no client writes them. Random logs (fixed seeds) of debtors in several countries and
zones, called at all hours, undone; the server's weight of a try against
``rules.hour_shape`` minute by minute; the server's functions pinned and private."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest

from collectctl.app import calls as use
from collectctl.app.learn import rebuild, shape_for
from collectctl.config import CallSettings, Settings, outcome_book
from collectctl.core import learning
from collectctl.core import rules as R
from collectctl.errors import UsageError
from tests.storage.test_audit import random_log

#: Outcomes ``log`` takes without an amount, a date or a time, and those that mark the
#: number dialled wrong (which may move the debtor to another zone for the calls after).
PLAIN = ("no-answer",) * 6 + ("busy", "voicemail", "rpc", "rpc", "third-party", "refused",
                              "complaint", "skip")
WRONG = ("wrong-number", "disconnected")


def core_counts(store, settings: Settings):
    """The whole table as ``core.learning`` computes it from the store's log."""
    return learning.rebuild(store.calls_by_account(), outcome_book(settings),
                            shape_for(settings))


def vary(store, rng: random.Random) -> None:
    """Give ``random_log``'s accounts work starts, risks and days past due of every kind
    (segments of each bucket, golden minutes to weigh)."""
    ids = [row[0] for row in store._exec("SELECT account_id FROM accounts ORDER BY 1")]
    for account_id in ids:
        since = rng.choice([None, "2026-11-30", "2026-10-20", "2026-06-01", "2025-01-01"])
        store._exec("UPDATE accounts SET work_start = :start, risk = :risk, "
                    "past_due_since = :since WHERE account_id = :id",
                    {"start": rng.choice([None, "08:30", "09:00", "13:10", "20:55"]),
                     "risk": rng.choice([None, "low", "medium", "high"]), "since": since,
                     "id": account_id})


def log_randomly(store, settings: Settings, rng: random.Random, entries: int,
                 outcomes=PLAIN) -> int:
    """``entries`` calls logged as ``log`` and ``undo`` log them, at any minute of a
    fortnight, on the accounts ``random_log`` made; the entries logged."""
    ids = [row[0] for row in store._exec("SELECT account_id FROM accounts ORDER BY 1")]
    start = datetime(2026, 11, 20, tzinfo=UTC)
    logged = 0
    for n in range(entries):
        now = start + timedelta(seconds=rng.randrange(14 * 86_400))
        try:
            if n and rng.random() < 0.08:
                use.undo(store, settings, now + timedelta(days=20), collector="bob")
            else:
                use.log_call(store, settings, now, rng.choice(ids), rng.choice(outcomes),
                             collector="bob")
        except UsageError:  # nothing to undo, a number to name: not logged
            continue
        logged += 1
    return logged


def logged_randomly(store, seed: int, outcomes=PLAIN) -> None:
    """``random_log``'s accounts, varied (and the number it adds placed, as a lead's
    ``learn rebuild`` does), then 300 entries logged and undone as ``log`` and ``undo``
    do."""
    rng = random.Random(seed)
    random_log(store, rng, date(2026, 11, 20), 14, count=40, bursts=0)
    with store.transaction():
        store._exec("DELETE FROM pay_trials")  # (a server derived them as the log was made)
        store._exec("DELETE FROM pay_stats")
        store._exec("DELETE FROM calls")  # the accounts only: every entry is logged
        vary(store, rng)
    rebuild(store, Settings())
    assert log_randomly(store, Settings(), rng, 300, outcomes) > 250


@pytest.mark.parametrize("seed", [1, 2])
def test_the_counts_kept_as_calls_are_logged_are_core_learnings(store, seed):
    """Both engines: the counts after ``log`` and ``undo`` (the client's on SQLite, the
    server's trigger on PostgreSQL) are exactly ``learning.rebuild`` of the log, and so is
    ``learn rebuild``."""
    settings = Settings()
    logged_randomly(store, seed)
    expected = core_counts(store, settings)
    assert sum(v[0] for k, v in expected.items() if k[0] == "a") > 150
    assert {k[3] for k in expected} == {False, True}  # weekdays and weekends
    # Tries in golden minutes weigh more than an average one, at lunch less.
    assert {(v[2] > 1000 * v[0]) - (v[2] < 1000 * v[0]) for v in expected.values()} == {
        -1, 0, 1}
    assert store.all_contact_stats() == expected
    summary = rebuild(store, settings)
    assert store.all_contact_stats() == expected
    assert summary.segments == len({k[1] for k in expected if k[0] == "s"})


@pytest.mark.parametrize("seed", [1, 2])
def test_the_server_counts_as_the_client_does_when_numbers_are_marked_wrong(store, seed,
                                                                           tmp_path):
    """PostgreSQL against SQLite, the same log: a number marked wrong can move the debtor
    to another zone, so the counts kept as calls are logged are no longer a rebuild's
    (each call counted where the debtor was then); the server's are the client's all the
    same, and after ``learn rebuild`` both are ``core.learning``'s."""
    if not store.counts_on_server:
        pytest.skip("compares the server with the client")
    from collectctl.storage import open_store

    client = open_store(tmp_path / "client.db")
    try:
        for each in (client, store):
            logged_randomly(each, seed, PLAIN + WRONG * 3)
        kept = client.all_contact_stats()
        assert store.all_contact_stats() == kept
        settings = Settings()
        assert core_counts(client, settings) != kept  # the zones moved
        for each in (client, store):
            rebuild(each, settings)
            assert each.all_contact_stats() == core_counts(client, settings)
    finally:
        client.close()


@pytest.mark.parametrize("seed", [1, 2])
def test_entries_written_straight_into_the_log_are_counted_by_the_server(store, seed):
    """PostgreSQL: an entry inserted by any path (here the store's own ``add_call``, as an
    import's rows are) is counted by the server, its undo taken back out, as
    ``core.learning`` would (a number added later, with no zones stored, after the
    debtor's listed ones, changes nothing)."""
    if not store.counts_on_server:
        pytest.skip("SQLite: the client counts (``app.learn``)")
    rng = random.Random(seed)
    vary(store, rng)  # none yet: the accounts change, the counts follow when logged
    random_log(store, rng, date(2026, 11, 20), 14, count=60)
    expected = core_counts(store, Settings())
    assert sum(v[0] for k, v in expected.items() if k[0] == "a") > 400
    assert store.all_contact_stats() == expected


def test_a_number_a_collector_added_is_placed_by_the_leads_rebuild(store):
    """PostgreSQL: a debtor whose listed number is wrong, reached on a number a collector
    added (no zones stored: the server cannot read a number), is counted in the zone the
    account was imported with until a lead's ``learn rebuild`` works the number's zones out;
    from then on the counts are ``core.learning``'s, and stay so as calls are logged."""
    if not store.counts_on_server:
        pytest.skip("SQLite works every number out as it is read")
    from decimal import Decimal

    from collectctl.core.models import Account, Phone

    settings = Settings()
    account = Account(account_id="S1", amount_due=Decimal("100.00"), currency="TWD",
                      timezone="Asia/Taipei", as_of=date(2026, 11, 1),
                      phones=(Phone("+886912345678", "mobile", valid=False),),
                      assigned_to="bob")
    store.insert_accounts([(account, "h")], None, "2026-11-01T00:00:00+00:00")
    store.add_phone("S1", Phone("+12125550123", "mobile"), "collector",
                    "2026-11-02T00:00:00+00:00")
    noon_in_new_york = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)
    use.log_call(store, settings, noon_in_new_york, "S1", "rpc", collector="bob")
    assert store.all_contact_stats()[("a", "S1", 1, False)] == [1, 1, 1000]  # Taipei: 1am
    rebuild(store, settings)
    assert store.unplaced_phones() == []
    assert store.all_contact_stats() == core_counts(store, settings)
    assert ("a", "S1", 12, False) in store.all_contact_stats()
    use.log_call(store, settings, noon_in_new_york + timedelta(days=1), "S1", "na",
                 collector="bob")
    assert store.all_contact_stats() == core_counts(store, settings)


def test_an_unknown_outcome_and_a_zone_the_server_does_not_know_count_nothing(store):
    """What the server cannot place is not counted (and the entry is still logged)."""
    if not store.counts_on_server:
        pytest.skip("the server's derivation")
    from collectctl.core.models import Call

    random_log(store, random.Random(4), date(2026, 11, 20), 14, count=3, bursts=0)
    store._exec("DELETE FROM pay_trials")
    store._exec("DELETE FROM calls")
    store._exec("DELETE FROM contact_stats")
    store._exec("UPDATE accounts SET listed_timezone = 'Nowhere/Atlantis' "
                "WHERE account_id = 'A001'")
    when = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
    for account, outcome in (("A000", "an-old-code"), ("A001", "rpc")):
        store.add_call(Call(None, account, "bob", when, outcome), "2026-11-24T06:00:00+00:00")
    assert store.count("calls") == 2 and store.all_contact_stats() == {}


# -- the server's weight of a try -------------------------------------------------------------

#: (weekday hours, weekend hours) of a pack: the usual, a long day, all day, no weekend.
HOURS = [((time(8), time(21)), (time(9), time(20))), ((time(7), time(22)), None),
         ((time(0), time(23, 59)), (time(0), time(23, 59)))]


@pytest.mark.parametrize("handle, golden", [(5, 15), (7, 40), (10, 15)])
def test_the_server_weighs_a_try_as_the_rules_do(pg_database, handle, golden):
    """``collectctl_learn_weight`` is ``round(rules.hour_shape(...) * 1000)`` at every
    third minute of a Friday and a Saturday (some at :30 seconds), for work starts from
    none to 23:55 and packs closed at weekends or open all day: golden minutes, lunch,
    the edges of the legal hours and of midnight."""
    import psycopg

    call = CallSettings(handle_minutes=handle, golden_minutes=golden,
                        lunch=(time(12), time(13, 30)))
    mins = lambda t: None if t is None else t.hour * 60 + t.minute  # noqa: E731
    moments = [datetime(2026, 12, day, m // 60, m % 60, 30 * (m % 2))
               for day in (4, 5) for m in range(0, 1440, 3)]
    with psycopg.connect(pg_database) as conn:
        for weekday, weekend in HOURS:
            for start in (None, time(0), time(8), time(9, 30), time(20, 50), time(23, 55)):
                rules = (weekday + weekend if weekend else weekday + (None, None))
                row = ("*", *map(mins, rules), handle, golden, 720, 810, 1.0, 0.6, 0.3)
                got = conn.execute(
                    "SELECT collectctl_learn_weight(t, %s, ROW(%s, %s, %s, %s, %s, %s, %s,"
                    " %s, %s, %s, %s, %s)::learning_rules) FROM unnest(%s::timestamp[]) t",
                    (start.strftime("%H:%M") if start else None, *row, moments)).fetchall()
                for moment, (weight,) in zip(moments, got, strict=True):
                    hours = weekend if moment.weekday() >= 5 else weekday
                    want = round(R.hour_shape(moment, start, call, hours) * learning.MILLI)
                    assert weight == want, (moment, start, weekday, weekend)


# -- the server's functions ------------------------------------------------------------------

def test_the_server_functions_are_pinned_and_the_counting_one_is_nobody_s(pg_database):
    """Every function of migration 11 resolves names in pg_catalog first and pg_temp last;
    only the trigger runs with the owner's rights, and no collector may run any of them."""
    import psycopg

    with psycopg.connect(pg_database) as conn:
        rows = conn.execute(
            "SELECT p.proname, p.prosecdef, p.proconfig,"
            " has_function_privilege('collectctl_collector', p.oid, 'EXECUTE'),"
            " has_function_privilege('collectctl_lead', p.oid, 'EXECUTE'),"
            " has_function_privilege('public', p.oid, 'EXECUTE')"
            " FROM pg_proc p WHERE p.proname LIKE 'collectctl\\_learn\\_%' ORDER BY 1").fetchall()
        owner = conn.execute("SELECT current_schema()").fetchone()[0]
    assert [r[0] for r in rows] == [
        "collectctl_learn_from_call", "collectctl_learn_local", "collectctl_learn_observe",
        "collectctl_learn_place", "collectctl_learn_rebuild", "collectctl_learn_rules",
        "collectctl_learn_segment", "collectctl_learn_weight"]
    for name, definer, config, collector, lead, public in rows:
        # Names resolve in pg_catalog first; a call's time is read the same in any session.
        assert config == [f"search_path=pg_catalog, {owner}, pg_temp", "TimeZone=UTC",
                          "DateStyle=ISO, YMD"], name
        assert definer == (name == "collectctl_learn_from_call"), name
        assert not collector and not public, name
        assert lead == (name != "collectctl_learn_from_call"), name


# -- who pays when reached (migration 16) -------------------------------------------------------

def core_trials(store, settings: Settings) -> list:
    """Every account's pay trials as ``core.paying`` derives them from its whole log."""
    from collectctl.app.learn import _pay_trials

    derive = _pay_trials(settings)
    out = []
    for account, calls in store.calls_by_account():
        out += derive(store, account, calls, store.payments_of(account.account_id))
    return sorted(out, key=lambda t: t.call_id)


def paid_randomly(store, settings: Settings, seed: int) -> None:
    """``random_log``'s accounts, varied, with a newer list for some of them half way
    (amounts, risks and work starts the earlier contacts must not take), then contacts,
    promises, payments and undos as ``log``, ``pay`` and ``undo`` write them."""
    from dataclasses import replace
    from decimal import Decimal

    from collectctl.core.models import Payment

    rng = random.Random(seed)
    random_log(store, rng, date(2026, 11, 20), 14, count=30, bursts=0)
    with store.transaction():
        store._exec("DELETE FROM pay_trials")
        store._exec("DELETE FROM pay_stats")
        store._exec("DELETE FROM calls")
        vary(store, rng)
    rebuild(store, settings)
    ids = [row[0] for row in store._exec("SELECT account_id FROM accounts ORDER BY 1")]
    start = datetime(2026, 11, 20, tzinfo=UTC)
    for n in range(260):
        now = start + timedelta(hours=n * 1.3)
        if n == 130:
            newer = [replace(store.get_account(a), amount_due=Decimal(rng.choice([0, 500, 4000])),
                             risk=rng.choice(["low", "high"]))
                     for a in ids if rng.random() < 0.5]
            with store.transaction():
                store.update_accounts([(a, "h2") for a in newer], None, now.isoformat())
        account = rng.choice(ids)
        kind = rng.random()
        try:
            if kind < 0.08:
                use.undo(store, settings, now, collector="bob")
            elif kind < 0.35:
                use.log_call(store, settings, now, account, "ptp", collector="bob",
                             amount=str(rng.choice([100, 300])),
                             day=(now + timedelta(days=rng.choice([1, 3, 12]))).date().isoformat(),
                             allow_overpay=True)
            elif kind < 0.55:
                use.record_payment(store, settings, now, Payment(
                    None, account, Decimal(rng.choice([50, 100, 300])),
                    (now - timedelta(days=rng.choice([0, 2]))).date(), f"R{n}"),
                    allow_overpay=True)
            else:
                use.log_call(store, settings, now, account, rng.choice(PLAIN), collector="bob")
        except UsageError:
            continue


@pytest.mark.parametrize("seed", [1, 2])
def test_the_pay_trials_kept_as_entries_are_written_are_core_payings(store, seed):
    """Both engines (the client's derivation on SQLite, the server's triggers on
    PostgreSQL): after contacts, promises, payments, undos and a newer list, the trials
    are exactly ``core.paying``'s of the whole log, their segments' counts its counts, and
    ``learn rebuild`` makes the same."""
    from collectctl.core.paying import merge, stats_delta

    settings = Settings()
    paid_randomly(store, settings, seed)
    expected = core_trials(store, settings)
    assert len(expected) > 40 and sum(t.paid > 0 for t in expected) > 10
    assert len({t.segment for t in expected}) > 5
    assert store.all_pay_trials() == expected
    assert store.all_pay_stats() == merge(stats_delta(expected))
    rebuild(store, settings)
    assert store.all_pay_trials() == expected
