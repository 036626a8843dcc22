"""``collectctl assign``: share a pool of accounts among collectors by balance or count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from collectctl.errors import UsageError
from collectctl.i18n import _

if TYPE_CHECKING:
    from collectctl.config import Settings
    from collectctl.core.chain import ChainCheck
    from collectctl.storage.protocol import Member, Store, TableTotal


def assign(store: Store, now: datetime, to: list[str], by: str = "balance",
           source: str | None = None, min_dpd: int | None = None, max_dpd: int | None = None,
           dry_run: bool = False) -> Assignment:
    """Distribute the open accounts of ``source`` (None: the unassigned ones), filtered by
    days past due, among ``to``; written in one transaction unless ``dry_run``."""
    from collectctl.clock import to_utc_iso
    from collectctl.core import activity
    from collectctl.core.accounts import days_past_due_on

    names = list(dict.fromkeys(n.strip() for n in to if n.strip()))
    if not names:
        raise UsageError(_("--to needs at least one collector (--to alice,bob)"))
    if min_dpd is not None and max_dpd is not None and min_dpd > max_dpd:
        raise UsageError(_("--min-dpd {a} is more than --max-dpd {b}").format(a=min_dpd,
                                                                              b=max_dpd))
    if source is not None and source not in store.collectors():
        raise UsageError(_("no collector {who!r} has accounts (collectors: {known})").format(
            who=source, known=", ".join(store.collectors()) or _("none")))
    from collectctl.core.assign import Load, distribute

    today: date = now.date()

    def work(tx):
        accounts = store.list_accounts(None, "open")
        payments: dict[str, list] = {}
        for payment in store.payments_for([a.account_id for a in accounts]):
            payments.setdefault(payment.account_id, []).append(payment)
        pool, loads = [], {n: Load(n) for n in names}
        for account in accounts:
            balance = activity.balance(account, payments.get(account.account_id, ()))
            if account.assigned_to == source and _within(
                    days_past_due_on(account, today), min_dpd, max_dpd):
                pool.append((account.account_id, balance, account.currency))
            elif account.assigned_to in loads:
                load = loads[account.assigned_to]
                loads[account.assigned_to] = Load(load.collector, load.accounts + 1,
                                                  load.balance.plus(account.currency, balance))
        chosen, after = distribute(pool, list(loads.values()), by)
        moves = [(aid, who) for aid, who in sorted(chosen.items())]
        if dry_run:
            tx.rollback()
        else:
            store.assign(moves, to_utc_iso(now))
        return chosen, after

    chosen, after = store.atomically(work)
    return Assignment(chosen, tuple(after), dry_run)


def _within(dpd: int | None, low: int | None, high: int | None) -> bool:
    if low is None and high is None:
        return True
    if dpd is None:
        return False
    return (low is None or dpd >= low) and (high is None or dpd <= high)


@dataclass(frozen=True)
class DbStatus:
    """``db status``: which engine and schema, and how much is in it."""

    engine: str
    database: str
    schema: int
    latest: int
    counts: dict[str, int]
    user: str | None = None


@dataclass(frozen=True)
class CopyResult:
    """``db copy``: rows and money totals (minor units) per table, checked on both sides."""

    source: str
    target: str
    tables: dict[str, TableTotal]


@dataclass(frozen=True)
class TeamList:
    members: tuple[Member, ...]


@dataclass(frozen=True)
class Assignment:
    """``assign``: which collector each account went to, and every portfolio after."""

    chosen: dict[str, str]
    loads: tuple  # of core.assign.Load
    dry_run: bool


@dataclass(frozen=True)
class DbCheck:
    """``db check``: what the engine found (its own words: SQLite's integrity and foreign
    key checks, PostgreSQL's schema safety) and the walk of the log's chains, whose
    ``head`` and ``ledger`` count a lead can keep outside the database (the nightly mail)
    to tell later whether entries were taken off the end."""

    database: str
    ok: bool
    problems: tuple[str, ...]
    chain: ChainCheck


def check_database(store: Store, database: str, key: bytes | None) -> DbCheck:
    """Check the database and walk its log (with ``key``: a keyed ledger's HMAC). On a
    team server only a lead or the owner can: a collector sees only their own entries."""
    from collectctl.storage.protocol import team_store

    team = team_store(store)
    if team is not None and team.member_role() == "collector":
        raise UsageError(_("checking the team's log needs a lead or the database's owner: "
                           "a collector sees only their own entries"))
    problems = tuple(store.check())
    chain = store.check_chain(key)
    return DbCheck(database, not problems and chain.problem is None, problems, chain)


def set_chain_key(store: Store, key: bytes | None) -> bool | None:
    """Give a team server the ledger's key (``db migrate`` with ``COLLECTCTL_CHAIN_KEY``);
    whether its ledger is keyed (None: nothing to do — no key, or SQLite, whose writers
    each hold the key)."""
    from collectctl.storage.protocol import team_store

    team = team_store(store)
    if key is None or team is None:
        return None
    return team.set_chain_key(key)


def copy_database(src_target: str, dst_target: str, new_file: bool = False,
                  settings: Settings | None = None) -> CopyResult:
    """Copy a whole collectctl database (SQLite file or PostgreSQL URL) into a new, empty
    one, in one transaction on the target, then check rows and money totals per table on
    both sides. The source is only read: a SQLite file that is not a collectctl database
    is refused before it is opened as one (opening would add the schema to it).

    ``new_file``: ``dst_target`` is a file to write (``--to FILE``, checked by the
    caller): the copy is made in a temporary file beside it, created 0600, and renamed
    into place once whole and checked, replacing whatever was there. A team server
    copied into is given ``settings``' outcome book and rules to go on counting calls
    with (``app.learn.publish``; the counts themselves are copied)."""
    from pathlib import Path

    from collectctl.storage import is_postgres, open_store

    if src_target == dst_target:
        raise UsageError(_("the source and the target are the same database"))
    if not is_postgres(src_target):
        if not Path(src_target).is_file():
            raise UsageError(_("no database at {path}").format(path=src_target))
        missing = _missing_tables(Path(src_target))
        if missing:
            raise UsageError(_("{path} is not a collectctl database (no table {table})")
                             .format(path=src_target, table=missing[0]))
    src = open_store(src_target)
    try:
        if new_file:
            from collectctl.private_files import PendingFile

            with PendingFile(dst_target) as pending:
                tables = _copy_into(src, str(pending.tmp), settings)
                pending.commit()
        else:
            tables = _copy_into(src, dst_target, settings)
    finally:
        src.close()
    return CopyResult(src_target, dst_target, tables)


def _copy_into(src: Store, dst_target: str,
               settings: Settings | None) -> dict[str, TableTotal]:
    from collectctl.storage import open_store

    dst = open_store(dst_target, migrate=True)
    try:
        tables = dst.copy_from(src)
        if settings is not None and dst.counts_on_server:
            from collectctl.app.learn import publish

            dst.atomically(lambda _tx: publish(dst, settings))
        return tables
    finally:
        dst.close()


def _missing_tables(path) -> list[str]:
    """The collectctl tables a SQLite file lacks, read without writing (sqlite-utils'
    inspection over a read-only connection)."""
    import sqlite3

    import sqlite_utils

    from collectctl.storage import sql

    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return ["accounts"]
    try:
        names = set(sqlite_utils.Database(conn).table_names())
    except sqlite3.DatabaseError:  # not an SQLite file at all
        return ["accounts"]
    finally:
        conn.close()
    return [table for table, _columns, _money in sql.TABLES if table not in names]
