"""The audit's narrowing finds what breaches() on every call finds, on both engines: random
logs (fixed seeds) of debtors in several countries and zones, called at all hours, in
bursts over caps, on holds, resumed, undone, to workplace numbers; the same calls checked
and the same violations, for the team and for one collector."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from collectctl.app.audit import build_audit
from collectctl.config import Settings
from collectctl.core.models import Account, Call, Phone

NOW = "2026-12-01T00:00:00+00:00"
#: (country, listed zone or None, debtor numbers, workplace number or None, the zone its
#: calls are usually made in the afternoon of)
DEBTORS = [
    ("US", None, ["+12125550123"], None, "America/New_York"),
    ("US", None, ["+12125550188", "+18085550123"], None, "America/New_York"),  # and Hawaii
    ("US", "America/Chicago", ["+13125550123"], "+13125550999", "America/Chicago"),
    ("AU", None, ["+61412345678"], None, "Australia/Sydney"),      # an AU mobile
    ("AU", "Australia/Perth", ["+61892345678"], None, "Australia/Perth"),
    ("IE", None, ["+353861234567"], "+35312345678", "Europe/Dublin"),  # workplace under ie
    ("TW", None, ["+886912345678"], "+886227001234", "Asia/Taipei"),
    ("TW", "Asia/Taipei", ["+886912000001", "+12125550100"], None, "Asia/Taipei"),
    ("GB", None, ["+447700900123"], None, "Europe/London"),
    ("CN", None, ["+8613812345678"], None, "Asia/Shanghai"),
    (None, None, [], None, "Asia/Taipei"),                         # no phone: the default
]
OUTCOMES = (["no-answer"] * 12 + ["busy", "voicemail", "voicemail", "rpc", "rpc", "third-party",
            "refused", "callback", "ptp", "complaint", "skip", "wrong-number", "an-old-code"])
RARE = ["dispute", "cease", "resume"]
PREFIX = {"US": "+1", "AU": "+61", "IE": "+353", "TW": "+886", "GB": "+44", "CN": "+86"}


def random_log(store, rng: random.Random, first: date, days: int, count: int = 120,
               countries: tuple[str | None, ...] | None = None,
               off_hours: float = 0.2, rare: float = 0.01, bursts: float = 0.3) -> None:
    """``count`` accounts (of ``countries`` only, when given) and about 12 entries each,
    mostly in afternoons of the debtor's zone (``off_hours`` of them at any hour), some
    (``bursts``) within a day or a week after an earlier one."""
    from zoneinfo import ZoneInfo

    debtors = [d for d in DEBTORS if countries is None
               or d[0] in countries and all(x.startswith(PREFIX[d[0]]) for x in d[2])]
    accounts, usual = [], {}
    for n in range(count):
        country, listed, numbers, work, zone = debtors[n % len(debtors)]
        phones = [Phone(x, rng.choice(["mobile", "home", "phone"])) for x in numbers]
        if work:
            phones.append(Phone(work, "work"))
        if rng.random() < 0.2:
            phones.append(Phone("+886912999999", "relative: Chen"))
        accounts.append(Account(
            account_id=f"A{n:03d}", amount_due=Decimal("1000.00"), currency="TWD",
            timezone="Asia/Taipei", as_of=date(2026, 10, 1), phones=tuple(phones),
            assigned_to=rng.choice(["alice", "bob"]), listed_timezone=listed,
            listed_country=country if rng.random() < 0.5 else None))
        usual[accounts[-1].account_id] = ZoneInfo(zone)
    store.insert_accounts([(a, "h") for a in accounts], None, NOW)
    # A number added later has no zones stored: worked out when read.
    added = {None: "+61412000111", "TW": "+886933000111", "AU": "+61412000111",
             "IE": "+353871112223"}[countries[0] if countries else None]
    store.add_phone("A000", Phone(added, "mobile"), "contact", NOW)
    start = datetime(first.year, first.month, first.day, tzinfo=UTC) - timedelta(days=40)
    span = (days + 42) * 86_400
    ids: list[int] = []
    with store.transaction():
        for _n in range(count * 12):
            account = rng.choice(accounts)
            if rng.random() < bursts and ids:  # soon after an earlier entry
                base = store.get_call(rng.choice(ids))
                account = next(a for a in accounts if a.account_id == base.account_id)
                when = base.called_at + timedelta(minutes=rng.randrange(
                    1, rng.choice([60 * 30, 60 * 24 * 7])))
            else:
                when = start + timedelta(seconds=rng.randrange(span))
            if rng.random() >= off_hours:  # an afternoon of the debtor's
                local = when.astimezone(usual[account.account_id])
                when = local.replace(hour=rng.randrange(13, 17)).astimezone(UTC)
            outcome = rng.choice(RARE) if rng.random() < rare else rng.choice(OUTCOMES)
            phones = [p.number for p in account.phones]
            call = Call(None, account.account_id, rng.choice(["alice", "bob", "bob", None]),
                        when, outcome, phone=rng.choice(phones) if phones else None,
                        callback_at=(when + timedelta(hours=rng.choice([1, 20, 48]))
                                     if outcome == "callback" else None))
            ids.append(store.add_call(call, NOW))
            if rng.random() < 0.05:  # undo one
                target = store.get_call(rng.choice(ids))
                if target.reversed_by is None and target.reverses is None:
                    ids.append(store.add_call(Call(None, target.account_id, "bob",
                                                   when + timedelta(minutes=1), "undo",
                                                   reverses=target.id), NOW))


def random_requests(store, rng: random.Random, first: date, days: int) -> None:
    """The debtors' own requests on about a third of the accounts: windows (some crossing
    midnight, some on a few days), not at work, cleared, each set at a random moment
    around the period (so some calls were made before their request, some after)."""
    from collectctl.core.requests import (
        AVOID,
        CLEAR,
        NO_WORKPLACE,
        RequestEntry,
        parse_days,
        parse_window,
    )

    windows = ["12:00-14:00", "13:00-17:00", "21:00-08:00", "00:00-24:00", "14:30-15:00"]
    start = datetime(first.year, first.month, first.day, tzinfo=UTC) - timedelta(days=10)
    with store.transaction():
        for account_id in sorted(a.account_id for a in store.list_accounts(None, "open")):
            if rng.random() > 0.35:
                continue
            for _n in range(rng.randint(1, 3)):
                kind = rng.choice([AVOID, AVOID, AVOID, NO_WORKPLACE, CLEAR])
                days_of = parse_days(rng.choice(["mon-fri", "sat,sun", "daily", "tue"]))
                window = parse_window(rng.choice(windows), days_of) if kind == AVOID else None
                when = start + timedelta(seconds=rng.randrange((days + 14) * 86_400))
                store.add_request(RequestEntry(account_id, kind, "alice", when, window))


def key(audit):
    return (audit.calls_checked,
            sorted((v.call_id, v.reason.code, sorted(map(str, v.reason.detail.items())))
                   for v in audit.violations))


#: Portfolios: every kind of debtor (the hours legal everywhere are few: most calls are
#: read and checked one by one), and one country's (most calls ruled out in SQL).
PORTFOLIOS = {
    "mixed": (None, 0.2, 0.01, {"outside_legal_hours", "cease", "dispute",
                                "conversation_hold", "workplace_not_allowed",
                                "public_holiday", "no_calls_on_weekday", "debtor_avoid"}),
    "tw": (("TW",), 0.02, 0.002, {"outside_legal_hours", "cap_7_days", "debtor_avoid"}),
    # Clean but for the caps: each account kept is kept for some of its calls only.
    "tw-caps": (("TW",), 0, 0, {"cap_today", "cap_7_days"}),
    "au": (("AU",), 0.02, 0.002, {"outside_legal_hours", "cap_contacts_7_days"}),
    "ie": (("IE",), 0.02, 0.002, {"no_calls_on_weekday", "workplace_not_allowed",
                                  "cap_contacts_month", "cap_7_days"}),
}


@pytest.mark.parametrize("portfolio", sorted(PORTFOLIOS))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_narrowed_audit_finds_what_every_call_through_breaches_finds(store, seed,
                                                                         portfolio,
                                                                         monkeypatch):
    import collectctl.app.audit as use

    countries, off_hours, rare, kinds = PORTFOLIOS[portfolio]
    rng = random.Random(seed)
    first = date(2026, 11, 20)
    random_log(store, rng, first, 14, countries=countries, off_hours=off_hours, rare=rare,
               bursts=0.6 if portfolio == "tw-caps" else 0.3)
    if portfolio in ("mixed", "tw"):
        random_requests(store, random.Random(seed + 100), first, 14)
    settings = Settings()
    found: Counter[str] = Counter()
    narrowed, some_calls = [], []
    check, check_calls = use._check_accounts, use._Checker.check
    monkeypatch.setattr(use, "_check_accounts", lambda store, checker, suspects, *rest: (
        narrowed.append(dict(suspects)), check(store, checker, suspects, *rest))[1])
    monkeypatch.setattr(use._Checker, "check", lambda self, account, log, only=None: (
        some_calls.append(only is not None), check_calls(self, account, log, only))[1])
    for last, collector in ((date(2026, 12, 3), None), (date(2026, 12, 3), "alice"),
                            (date(2026, 11, 20), None), (date(2026, 12, 31), "bob")):
        plain = build_audit(store, settings, first, last, collector, exhaustive=True)
        fast = build_audit(store, settings, first, last, collector)
        assert key(fast) == key(plain), (last, collector)
        assert plain.calls_checked > 0
        found.update(v.reason.code for v in plain.violations)
    # The logs hold violations of every kind these debtors' rules have...
    assert kinds <= set(found), found
    # ... and the narrowing left accounts out, and in one country's portfolio ran only
    # some calls of an account through breaches() (those that may be over a cap).
    assert all(len(suspects) < 120 for suspects in narrowed[1::2])
    if portfolio in ("tw", "tw-caps", "au"):
        assert any(some_calls)


@pytest.mark.parametrize(("name", "narrow", "index"), [
    ("AUDIT_PERIOD_ENTRIES", "ALL_COLLECTORS", "COVERING INDEX calls_called_at"),
    ("AUDIT_PERIOD_ENTRIES", "ONE_COLLECTOR", "INDEX calls_collector"),
    ("AUDIT_CALLS_BETWEEN", "ALL_COLLECTORS", "INDEX calls_called_at"),
    ("AUDIT_CALLS_BETWEEN", "ONE_COLLECTOR", "INDEX calls_collector"),
    ("AUDIT_UNDONE", None, "INDEX sqlite_autoindex_calls_1"),
    ("AUDIT_HISTORY", None, "INDEX calls_account (account_id=? AND called_at>?)"),
])
def test_the_audit_reads_by_index(store, name, narrow, index):
    """What is read of a period, a gap, an account or the undone entries comes by an
    index, never by a scan of ten million calls."""
    from collectctl.storage import sql

    query = getattr(sql, name).format(**(getattr(sql, narrow) if narrow else {}),
                                      ids=":v0")
    params = {"start": "a", "end": "b", "collector": "c", "last": 1, "since": "a", "v0": "x"}
    plan = store.query_plan(query, params)
    if store.engine == "sqlite":
        assert index in plan, plan
    else:
        assert "Seq Scan" not in plan, plan


def test_the_holds_and_the_periods_other_entries_come_from_the_outcome_index(store):
    """The census reads the hold entries by their codes and the period's entries of each
    other code by its range of times, both in ``calls_outcome``: no table row, no pass
    over the whole log (a full scan of 10,000,000 calls took seconds)."""
    from collectctl.storage import sql

    is_hold, holds = sql.any_of("c.outcome", ["cease", "resume"], "h")
    was_attempt, attempts = sql.any_of("logged.outcome", ["no-answer", "rpc"], "a")
    query = sql.AUDIT_ODD_ENTRIES.format(
        is_hold=is_hold, was_hold=sql.any_of("logged.outcome", ["cease", "resume"], "h")[0],
        was_attempt=was_attempt)
    plan = store.query_plan(query, {"start": "a", "end": "b", "last": 9, **holds, **attempts})
    if store.engine == "sqlite":
        assert "SEARCH c USING COVERING INDEX calls_outcome (outcome=?)" in plan, plan
        assert ("SEARCH c USING COVERING INDEX calls_outcome (outcome=? AND called_at>? AND "
                "called_at<?)") in plan, plan
        assert "SCAN c" not in plan, plan
    else:
        assert "Seq Scan" not in plan, plan


def test_the_busy_accounts_are_those_of_the_period_counted_in_the_indexes_alone(store):
    """The accounts with an entry in the period, from each code's range of times in
    ``calls_outcome``, then each one's entries by a seek in ``calls_account``: no table
    read, no sort, no pass over the whole log's index (reading all of it to count every
    account's entries took 1.5-4.4 s of a report over 10,000,000 calls)."""
    if store.engine != "sqlite":
        pytest.skip("the plan of SQLite's INDEXED BY")
    from collectctl.storage import sql

    query = sql.AUDIT_BUSY.format(times=sql.AUDIT_TIMES["sqlite"], only="", only_again="",
                                  scan=sql.AUDIT_BY_ACCOUNT["sqlite"].format(a="c"),
                                  scan_again=sql.AUDIT_BY_ACCOUNT["sqlite"].format(a="t"))
    plan = store.query_plan(query, {"since": "a", "day_since": "a", "start": "a", "end": "b",
                                    "day_min": 4, "week_min": 8, "last": 9})
    assert ("SEARCH p USING COVERING INDEX calls_outcome (outcome=? AND called_at>? AND "
            "called_at<?)") in plan, plan
    assert ("SEARCH c USING COVERING INDEX calls_account (account_id=? AND called_at>? AND "
            "called_at<?)") in plan, plan
    assert "SCAN c" not in plan and "SCAN p" not in plan, plan
    assert "TEMP B-TREE" not in plan, plan


def test_the_accounts_with_some_codes_come_from_the_outcome_index(store):
    """The accounts busy with contacts (a contacts cap) and those with a conversation in a
    stretch of time are read from the codes' ranges of times in ``calls_outcome``: no
    table row, where a scan of the whole table read every entry of the log."""
    if store.engine != "sqlite":
        pytest.skip("the plan of SQLite's INDEXED BY")
    from collectctl.storage import sql

    clause, params = sql.any_of("c.outcome", ["rpc", "ptp"], "o")
    busy = sql.AUDIT_BUSY.format(times=sql.AUDIT_TIMES["sqlite"], only=f"AND ({clause})",
                                 only_again="AND (" + sql.any_of("t.outcome", ["rpc", "ptp"],
                                                                 "o")[0] + ")",
                                 scan=sql.AUDIT_BY_OUTCOME["sqlite"].format(a="c"),
                                 scan_again=sql.AUDIT_BY_ACCOUNT["sqlite"].format(a="t"))
    talked = sql.AUDIT_ACCOUNTS_WITH.format(
        scan=sql.AUDIT_BY_OUTCOME["sqlite"].format(a="c"), outcomes=clause)
    for query in (busy, talked):
        plan = store.query_plan(query, {"since": "a", "day_since": "a", "start": "a",
                                        "end": "b", "day_min": 4, "week_min": 8, "last": 9,
                                        **params})
        assert ("SEARCH c USING COVERING INDEX calls_outcome (outcome=? AND called_at>? AND "
                "called_at<?)") in plan, plan
        assert "SCAN c" not in plan, plan


def test_a_zone_whose_clocks_move_two_hours_is_read_further_back(store, monkeypatch):
    """Antarctica/Troll goes from UTC+0 to UTC+2 on 2026-03-29: the 7 days before a call
    there can last 7 days and 2 hours, more than the store is first asked for; it is asked
    again, and the answer is breaches()' on every call still."""
    import collectctl.app.audit as use

    rng = random.Random(5)
    accounts = [Account(f"Q{n}", Decimal("10.00"), "TWD", "Antarctica/Troll",
                        date(2026, 1, 1), phones=(Phone("+886912345678", "mobile"),),
                        listed_timezone="Antarctica/Troll") for n in range(6)]
    store.insert_accounts([(a, "h") for a in accounts], None, NOW)
    with store.transaction():
        for _n in range(160):
            when = datetime(2026, 3, 20, tzinfo=UTC) + timedelta(minutes=rng.randrange(
                60 * 24 * 16))
            store.add_call(Call(None, rng.choice(accounts).account_id, "alice", when,
                                "no-answer"), NOW)
    asked = []
    busy = use._busy
    monkeypatch.setattr(use, "_busy", lambda *args: (asked.append(args[4:6]), busy(*args))[1])
    plain = build_audit(store, Settings(), date(2026, 3, 26), date(2026, 4, 3),
                        exhaustive=True)
    fast = build_audit(store, Settings(), date(2026, 3, 26), date(2026, 4, 3))
    assert key(fast) == key(plain) and plain.violations
    assert len(asked) == 2 and asked[1][1] > asked[0][1]


def test_the_report_begins_the_audits_reads_of_the_log_before_its_own_figures(store,
                                                                             monkeypatch):
    """The busy accounts and the census are read on connections of their own (other
    threads) from before the report reads its figures (begin_audit), and the report's
    violations are breaches()' on every call."""
    import threading

    import collectctl.app.audit as use
    from collectctl.app.reports import build_report
    from collectctl.storage.base import SQLStore

    random_log(store, random.Random(7), date(2026, 11, 20), 14, countries=("TW",),
               bursts=0.6)
    settings = Settings()
    order: list[tuple[str, bool]] = []

    def spied(name, real):
        def spy(*args, **kwargs):
            order.append((name, threading.current_thread() is threading.main_thread()))
            return real(*args, **kwargs)
        return spy

    for name in ("busy_accounts", "audit_census", "calls_by_hour"):
        monkeypatch.setattr(SQLStore, name, spied(name, getattr(SQLStore, name)))
    monkeypatch.setattr(use, "begin_audit", spied("begin_audit", use.begin_audit))
    now = datetime(2026, 12, 3, 12, tzinfo=UTC)
    report = build_report(store, settings, now, date(2026, 11, 20), date(2026, 12, 3))
    plain = build_audit(store, settings, date(2026, 11, 20), date(2026, 12, 3),
                        exhaustive=True)
    assert report.violations == plain.by_collector() and plain.violations
    assert report.lists is not None
    listed = [v for _who, found in report.lists.violations for v in found]
    assert sorted((v.call_id, v.reason.code) for v in listed) == sorted(
        (v.call_id, v.reason.code) for v in plain.violations)
    assert order[0] == ("begin_audit", True)
    assert ("busy_accounts", False) in order and ("audit_census", False) in order
    assert order.index(("calls_by_hour", True)) > 0


@pytest.mark.parametrize("command", ["report", "audit"])
def test_a_command_stopped_midway_stops_the_audits_reads_too(store, monkeypatch, command):
    """Ctrl-C (or an error) while the audit's long reads run on their own connections:
    those reads are stopped (SQLite interrupted, PostgreSQL cancelled), so their threads
    end at once and the process can exit, not after reading the whole log."""
    import threading
    import time

    import collectctl.app.audit as use
    from collectctl.app.reports import build_report
    from collectctl.storage.base import SQLStore

    random_log(store, random.Random(3), date(2026, 11, 28), 3, countries=("TW",))
    endless = {"sqlite": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                         "WHERE i < 200000000) SELECT COUNT(*) FROM n",
               "postgresql": "SELECT COUNT(*) FROM generate_series(1, 200000000)"}
    started = threading.Event()

    def slow(other, *_args):  # a read of a log far too long to finish during the test
        started.set()
        other._exec(endless[other.engine]).fetchone()
        return ()

    monkeypatch.setattr(use, "_busy", slow)

    def pressed(*_args, **_kwargs):  # the collector presses Ctrl-C
        assert started.wait(10)
        time.sleep(0.2)  # the read is well under way
        raise KeyboardInterrupt

    monkeypatch.setattr(SQLStore, "portfolio_groups" if command == "report"
                        else "audit_places", pressed)
    before = set(threading.enumerate())
    began = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        if command == "report":
            build_report(store, Settings(), datetime(2026, 12, 1, 2, tzinfo=UTC),
                         date(2026, 11, 30), date(2026, 11, 30))
        else:
            build_audit(store, Settings(), date(2026, 11, 28), date(2026, 11, 30))
    for thread in set(threading.enumerate()) - before:
        thread.join(timeout=5)
        assert not thread.is_alive(), "a read of the audit outlived its command"
    assert time.monotonic() - began < 8
