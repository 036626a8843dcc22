"""The team server: the same store on PostgreSQL, through psycopg 3.

The SQL is :mod:`collectctl.storage.sql`'s, shared with SQLite: named parameters
(``:name``) are rewritten to psycopg's ``%(name)s`` once per statement. What differs is
confined here: the connection, transactions, the schema-version table, migrations
(including the roles and row-level security of a team), COPY for bulk loads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from collectctl.errors import StoreError, UsageError
from collectctl.i18n import _
from collectctl.storage import codec, sql
from collectctl.storage.base import SQLStore
from collectctl.storage.migrations import SCHEMA, MigrationError, Migrations

if TYPE_CHECKING:
    import psycopg

    from collectctl.core.learning import ShapeRules
    from collectctl.storage.base import Cursor
    from collectctl.storage.protocol import ListedAccount, Member, Params

#: The role that owns collectctl's tables (before the first migration: the one connected).
_OWNER = ("COALESCE((SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid"
          " OPERATOR(pg_catalog.=) pg_catalog.to_regclass('collectctl_schema')),"
          " (SELECT r.oid FROM pg_catalog.pg_roles r"
          " WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER))")
_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
ROLES = {"collector": "collectctl_collector", "lead": "collectctl_lead"}


@lru_cache(maxsize=512)
def pg_query(query: str) -> str:
    """``:name`` → ``%(name)s``; a literal ``%`` is doubled."""
    return _NAMED.sub(r"%(\1)s", query.replace("%", "%%"))


def redact_url(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def _driver(url: str):
    """psycopg, which only a team server needs (the ``team`` extra); without it a
    ``postgresql://`` database is a usage error naming the install command."""
    try:
        import psycopg
    except ImportError:
        raise StoreError(_("{url} is a PostgreSQL database, which needs the team extra: "
                           "pip install 'collectctl[team]'").format(url=redact_url(url))
                         ) from None
    return psycopg


_INSERT_LEARNING_OUTCOME = """
    INSERT INTO learning_outcomes (name, counts, right_party) VALUES (:name, :counts, :rpc)
"""
_INSERT_LEARNING_RULES = """
    INSERT INTO learning_rules (country, weekday_from, weekday_to, weekend_from, weekend_to,
        handle_minutes, golden_minutes, lunch_from, lunch_to, golden, normal, lunch)
    VALUES (:country, :weekday_from, :weekday_to, :weekend_from, :weekend_to, :handle,
        :golden_minutes, :lunch_from, :lunch_to, :golden, :normal, :lunch)
"""


def _rules_params(country: str, rules: ShapeRules) -> dict[str, Any]:
    weekday, weekend = rules.weekday or (None, None), rules.weekend or (None, None)
    golden, normal, lunch = rules.qualities
    return {"country": country, "weekday_from": weekday[0], "weekday_to": weekday[1],
            "weekend_from": weekend[0], "weekend_to": weekend[1],
            "handle": rules.handle_minutes, "golden_minutes": rules.golden_minutes,
            "lunch_from": rules.lunch[0], "lunch_to": rules.lunch[1], "golden": golden,
            "normal": normal, "lunch": lunch}


def _retryable(error: Exception) -> bool:
    """Errors PostgreSQL asks the client to retry: serialization failure, deadlock."""
    return getattr(error, "sqlstate", None) in ("40001", "40P01")


class PostgresStore(SQLStore):
    """A collectctl database on a PostgreSQL server."""

    engine = "postgresql"
    conn: psycopg.Connection[tuple[Any, ...]]
    counts_on_server = True

    def __init__(self, url: str, migrate: bool = False,
                 migrations: Migrations = SCHEMA) -> None:
        """Connect to ``url``; with ``migrate``, apply ``migrations``' pending ones (else a
        database that has some pending is refused: ``collectctl db migrate`` does it)."""
        psycopg = _driver(url)
        self.url = url
        self.migrations = migrations
        try:
            self.conn = psycopg.connect(url, autocommit=True)
            self._pin_search_path()
        except psycopg.Error as error:
            text = str(error).strip()
            reason = text.splitlines()[0].removeprefix("connection failed: ") if text else error
            raise StoreError(_("{url}: cannot connect: {reason}").format(
                url=redact_url(url), reason=reason)) from None
        version = migrations.version(self)
        if version > migrations.latest:
            self.conn.close()
            raise StoreError(_(
                "{url} was written by a newer collectctl (schema {found}; this version "
                "knows up to {latest}); upgrade collectctl. The database was not touched."
            ).format(url=redact_url(url), found=version, latest=migrations.latest))
        if migrate:
            try:
                self._harden()
            except BaseException:
                self.conn.close()
                raise
        if migrations.pending(self):
            if not migrate:
                self.conn.close()
                raise StoreError(_(
                    "{url} has schema {found}, this collectctl needs {latest}: run "
                    "'collectctl db migrate' as the database's owner").format(
                    url=redact_url(url), found=version, latest=migrations.latest))
            try:
                self._migrate()
            except BaseException:
                self.conn.close()
                raise
            self.upgraded_from = version or None

    # -- the connection -----------------------------------------------------------------

    #: How long a writer waits for the ledger's head (another session writing, or holding
    #: it) before it gives up with "the call log is busy".
    LOCK_TIMEOUT = "10s"

    def _set_search_path(self, pattern: str) -> None:
        self.conn.execute("SELECT pg_catalog.set_config('search_path', pg_catalog.format("
                          "%s, %s::text), false)", (pattern, self.schema))

    def _pin_search_path(self) -> None:
        """Names resolve in the built-ins first, then the schema that holds collectctl's
        tables (or, in a new database, the current one), temporary objects last: nothing a
        user creates elsewhere can stand in for a table or function."""
        schema = self.conn.execute(
            "SELECT n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
            " ON n.oid OPERATOR(pg_catalog.=) c.relnamespace"
            " WHERE c.relname OPERATOR(pg_catalog.=) 'collectctl_schema'"
            " AND c.relpersistence OPERATOR(pg_catalog.=) 'p'"
            " ORDER BY n.nspname OPERATOR(pg_catalog.=) pg_catalog.current_schema() DESC"
            " LIMIT 1").fetchone()
        if schema is None:
            schema = self.conn.execute("SELECT pg_catalog.current_schema()").fetchone()
        self.schema: str = schema[0] if schema else "public"
        self._set_search_path("pg_catalog, %I, pg_temp")
        self.conn.execute("SELECT pg_catalog.set_config('lock_timeout', %s, false)",
                          (self.LOCK_TIMEOUT,))

    def interrupt(self) -> None:
        """Ask the server to cancel the statement this connection is running (called from
        another thread: it raises ``canceling statement`` there)."""
        self.conn.cancel()

    def sibling(self) -> PostgresStore:
        """Another connection to this database, as the same role."""
        return PostgresStore(self.url, migrations=self.migrations)

    def _exec(self, query: str, params: Params | None = None) -> Cursor:
        return self.conn.execute(pg_query(query), params or {})

    def _many(self, query: str, rows: Iterable[Params]) -> None:
        with self.conn.cursor() as cursor:
            cursor.executemany(pg_query(query), list(rows))

    #: Writers run side by side (READ COMMITTED); readers see one snapshot.
    _begin_write = "BEGIN"
    _begin_read = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"

    def query_plan(self, query: str, params: Params) -> str:
        """How PostgreSQL can run ``query`` when an index is usable at all (sequential
        scans off: a small test table would otherwise always be scanned)."""
        with self.transaction() as tx:
            self.conn.execute("SET LOCAL enable_seqscan = off")
            rows = self._exec("EXPLAIN " + query, params).fetchall()
            tx.rollback()
        return " ".join(r[0] for r in rows)

    @staticmethod
    def retryable(error: Exception) -> bool:
        return _retryable(error)

    # -- schema -------------------------------------------------------------------------

    def _has_table(self, name: str) -> bool:
        row = self.conn.execute("SELECT to_regclass(%s)", (name,)).fetchone()
        return row is not None and row[0] is not None

    def _lock_schema(self) -> None:
        # One migrator at a time (until commit), so two first starts cannot both create
        # the tables. Once the record exists its table is the lock: only its owner may
        # take EXCLUSIVE, and a reader's lock does not hold it up (anyone may take an
        # advisory lock, and a collector holding that one would keep migrations waiting).
        # A migrator that found no record waits on the advisory lock; by the time it has it,
        # another may have made the record and be migrating under the table's lock, so it
        # looks again and takes that one too (else both would change the schema at once).
        if not self._has_table("collectctl_schema"):
            self.conn.execute("SELECT pg_catalog.pg_advisory_xact_lock(7231::bigint)")
        if self._has_table("collectctl_schema"):
            self.conn.execute("LOCK TABLE collectctl_schema IN EXCLUSIVE MODE")
        # A migration creates its objects in the schema, the first on the path until its
        # transaction ends (``_harden`` found the schema safe before).
        self.conn.execute("SELECT pg_catalog.set_config('search_path', pg_catalog.format("
                          "'%%I, pg_catalog, pg_temp', %s::text), true)", (self.schema,))

    def _legacy_version(self) -> int:
        return 0  # every release has kept its record in collectctl_schema

    def _recorded(self, version: int) -> None:
        pass

    def _migrate(self) -> None:
        """Apply the pending migrations, each in its own transaction."""
        import psycopg

        try:
            self.migrations.apply(self)
        except MigrationError as error:
            if isinstance(error.__cause__, psycopg.errors.InsufficientPrivilege):
                raise StoreError(_("migrating {url} needs the database owner's role: "
                                   "{reason}").format(url=redact_url(self.url),
                                                      reason=error.__cause__)) from None
            raise

    def _harden(self) -> None:
        """Before migrating: take from every role the right to create objects in the schema
        (PostgreSQL 14 and older grant it; a function a collector made there could run with
        a lead's or the owner's rights), and refuse a schema where it stays or where
        another role already made functions or operators."""
        import psycopg
        from psycopg import sql as pgsql

        try:
            with self.transaction():
                self._lock_schema()  # two first starts would update the schema's row at once
                self.conn.execute(pgsql.SQL("REVOKE CREATE ON SCHEMA {} FROM PUBLIC").format(
                    pgsql.Identifier(self.schema)))
        except psycopg.errors.InsufficientPrivilege:
            pass  # not the schema's owner: the check below says what to do
        problems = self.schema_problems()
        if problems:
            raise StoreError(_("{url}: not migrated: {problem}").format(
                url=redact_url(self.url), problem=problems[0]))

    def schema_problems(self) -> list[str]:
        """Why the schema is not safe for a team: another role may create objects in it,
        or already made functions or operators there."""
        found = self.conn.execute(
            "SELECT pg_catalog.pg_get_userbyid(n.nspowner), pg_catalog.array_agg("
            "CASE WHEN a.grantee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC'"
            " ELSE pg_catalog.pg_get_userbyid(a.grantee) END)"
            " FILTER (WHERE a.privilege_type OPERATOR(pg_catalog.=) 'CREATE'"
            " AND a.grantee OPERATOR(pg_catalog.<>) n.nspowner"
            " AND a.grantee OPERATOR(pg_catalog.<>) " + _OWNER + ")"
            " FROM pg_catalog.pg_namespace n LEFT JOIN LATERAL pg_catalog.aclexplode("
            "COALESCE(n.nspacl, pg_catalog.acldefault('n', n.nspowner))) a ON true"
            " WHERE n.nspname OPERATOR(pg_catalog.=) %s GROUP BY n.nspowner",
            (self.schema,)).fetchone()
        owner, open_to = found if found else (None, None)
        problems = []
        if open_to:
            problems.append(_(
                "{roles} may create objects in schema {schema}, where collectctl's functions "
                "are looked up: as its owner ({owner}) run REVOKE CREATE ON SCHEMA {schema} "
                "FROM {roles}, then migrate again").format(
                roles=", ".join(sorted(open_to)), schema=self.schema, owner=owner))
        foreign = self.conn.execute(
            "SELECT p.oid::pg_catalog.regprocedure::text, pg_catalog.pg_get_userbyid(p.proowner)"
            " FROM pg_catalog.pg_proc p WHERE p.pronamespace OPERATOR(pg_catalog.=)"
            " %s::pg_catalog.regnamespace AND p.proowner OPERATOR(pg_catalog.<>) " + _OWNER +
            " UNION ALL SELECT o.oid::pg_catalog.regoperator::text,"
            " pg_catalog.pg_get_userbyid(o.oprowner) FROM pg_catalog.pg_operator o"
            " WHERE o.oprnamespace OPERATOR(pg_catalog.=) %s::pg_catalog.regnamespace"
            " AND o.oprowner OPERATOR(pg_catalog.<>) " + _OWNER + " ORDER BY 1",
            (self.schema, self.schema)).fetchall()
        if foreign:
            problems.append(_(
                "schema {schema} holds functions or operators made by other roles, which "
                "could stand in for collectctl's or the server's: {objects}; drop them "
                "(after finding out who made them), then migrate again").format(
                schema=self.schema, objects=", ".join(f"{name} ({who})" for name, who
                                                      in foreign[:5])))
        return problems

    # -- team ---------------------------------------------------------------------------

    def add_member(self, name: str, role: str, password: str | None = None) -> bool:
        """Create the login role ``name`` (unless it exists) in the group ``role``
        (collector or lead), allowed to connect to this database; True if created."""
        import psycopg
        from psycopg import sql as pgsql

        if role not in ROLES:
            raise UsageError(_("--role must be collector or lead, not {role!r}").format(
                role=role))
        ident = pgsql.Identifier(name)
        try:
            with self.transaction():
                exists = self.conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s",
                                           (name,)).fetchone()
                if not exists:
                    self.conn.execute(pgsql.SQL("CREATE ROLE {} LOGIN").format(ident))
                if password:
                    self.conn.execute(pgsql.SQL("ALTER ROLE {} PASSWORD {}").format(
                        ident, pgsql.Literal(self._password_hash(name, password))))
                other = ROLES["lead" if role == "collector" else "collector"]
                self.conn.execute(pgsql.SQL("REVOKE {} FROM {}").format(
                    pgsql.Identifier(other), ident))
                self.conn.execute(pgsql.SQL("GRANT {} TO {}").format(
                    pgsql.Identifier(ROLES[role]), ident))
                database = self._exec("SELECT current_database()").fetchone()[0]
                self.conn.execute(pgsql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                    pgsql.Identifier(database), ident))
        except psycopg.errors.InsufficientPrivilege as error:
            raise StoreError(_("adding {name} needs a role that may create roles "
                               "(CREATEROLE): {reason}").format(name=name, reason=error)
                             ) from None
        return not exists

    def _password_hash(self, name: str, password: str) -> str:
        """The password as the server stores it (SCRAM, or what ``password_encryption``
        says), made here as psql's ``\\password`` does: the plain text never reaches the
        server, its statement log or ``pg_stat_activity``."""
        hashed = self.conn.pgconn.encrypt_password(password.encode(), name.encode())
        return hashed.decode("ascii")

    def members(self) -> list[Member]:
        """Every login role in the team's groups, with its group (collector or lead)."""
        from collectctl.storage.protocol import Member

        rows = self.conn.execute(
            "SELECT m.rolname, g.rolname FROM pg_auth_members am"
            " JOIN pg_roles g ON g.oid = am.roleid JOIN pg_roles m ON m.oid = am.member"
            " WHERE g.rolname IN ('collectctl_collector', 'collectctl_lead')"
            " ORDER BY m.rolname").fetchall()
        back = {v: k for k, v in ROLES.items()}
        return [Member(name, back[group]) for name, group in rows]

    # -- the learned counts, derived on the server (schema migration 11) ----------------

    def publish_learning(self, outcomes: Mapping[str, tuple[bool, bool]],
                         rules: Mapping[str, ShapeRules],
                         zones: Mapping[str, str], pay: tuple[int, int]) -> None:
        """Replace what the server counts calls with: the outcome book's classes (name ->
        counts, right party), the weights' rules by country, each country's first zone
        (``core.learning.outcome_classes``, ``shape_rules``, ``country_zones``) and the
        pay trials' window and promise grace in days (``core.paying``). A lead's or the
        owner's, in the caller's transaction."""
        import psycopg

        try:
            self._exec("DELETE FROM learning_outcomes")
        except psycopg.errors.InsufficientPrivilege:
            raise StoreError(_("the learned counts on a team server are a lead's to "
                               "rebuild: the server keeps them as calls are logged")
                             ) from None
        self._exec("DELETE FROM learning_rules")
        self._exec("DELETE FROM learning_zones")
        self._many(_INSERT_LEARNING_OUTCOME, [
            {"name": name, "counts": int(counts), "rpc": int(rpc)}
            for name, (counts, rpc) in sorted(outcomes.items())])
        self._many(_INSERT_LEARNING_RULES, [_rules_params(country, r)
                                            for country, r in sorted(rules.items())])
        self._many("INSERT INTO learning_zones (country, zone) VALUES (:country, :zone)",
                   [{"country": c, "zone": z} for c, z in sorted(zones.items())])
        self._exec("DELETE FROM learning_pay")
        self._exec("INSERT INTO learning_pay (id, window_days, grace_days)"
                   " VALUES (1, :window, :grace)", {"window": pay[0], "grace": pay[1]})

    def learning_published(self) -> bool:
        """Whether a lead has published the outcomes and rules the server counts with."""
        return bool(self._exec("SELECT EXISTS (SELECT 1 FROM learning_rules)"
                               " AND EXISTS (SELECT 1 FROM learning_pay)").fetchone()[0])

    def unplaced_phones(self) -> list[tuple[str, str]]:
        """``(account id, number)`` of the phones with no zones stored (added by a
        collector, who never writes where a debtor is)."""
        return [tuple(row) for row in self._exec(
            "SELECT account_id, number FROM phones WHERE zones IS NULL ORDER BY 1, 2")]

    def place_phones(self, places: Mapping[tuple[str, str], tuple[str | None,
                                                                  tuple[str, ...]]]) -> None:
        """Store each ``(account id, number)``'s country and zones, as an import does."""
        self._many("UPDATE phones SET region = :region, zones = :zones"
                   " WHERE account_id = :account_id AND number = :number",
                   [{"account_id": a, "number": n, "region": region, "zones": " ".join(zones)}
                    for (a, n), (region, zones) in sorted(places.items())])

    def rebuild_contact_stats(self) -> int:
        """Every count derived again from the log by the server, as each entry was; the
        entries read. In the caller's transaction (which should :meth:`hold_log`)."""
        return int(self._exec("SELECT collectctl_learn_rebuild()").fetchone()[0])

    def rebuild_pay_trials(self) -> int:
        """Every account's pay trials derived again by the server (the trials made), in
        the caller's transaction (which should :meth:`hold_log`)."""
        return int(self._exec("SELECT collectctl_pay_rebuild()").fetchone()[0])

    def backup_to(self, target: Path) -> None:
        raise UsageError(_("back up a PostgreSQL database with its own tools, e.g. "
                           "pg_dump --format=custom --file {file} '{url}'").format(
            file=target, url=redact_url(self.url)))

    def check(self) -> list[str]:
        """PostgreSQL keeps its own integrity (constraints are enforced as rows are
        written); this checks the server answers and the schema is still safe."""
        self.conn.execute("SELECT COUNT(*) FROM accounts").fetchone()
        return self.schema_problems()

    def assignments_of(self, account_id: str) -> list[tuple]:
        """As on SQLite; for a collector, who may not read accounts' history, none."""
        if not self._exec("SELECT pg_catalog.has_table_privilege('account_history', "
                          "'SELECT')").fetchone()[0]:
            return []
        return super().assignments_of(account_id)

    def member_role(self) -> str | None:
        """The connected role's place in the team: collector, lead (when in both), or None
        (the owner or a role outside the team)."""
        me = self.whoami()
        roles = {member.role for member in self.members() if member.name == me}
        return "lead" if "lead" in roles else "collector" if roles else None

    def whoami(self) -> str:
        return self._exec("SELECT current_user").fetchone()[0]

    def team_member(self) -> str | None:
        """The connected role's name if it is a collector or lead of the team."""
        row = self.conn.execute(
            "SELECT m.rolname FROM pg_auth_members am JOIN pg_roles g ON g.oid = am.roleid"
            " JOIN pg_roles m ON m.oid = am.member WHERE m.rolname = current_user"
            " AND g.rolname IN ('collectctl_collector', 'collectctl_lead') LIMIT 1").fetchone()
        return row[0] if row else None

    def table_rows(self, table: str, columns: tuple[str, ...],
                   batch: int = 5000) -> Iterator[list[dict[str, Any]]]:
        """Every row in key order through a server-side cursor (a big table is streamed,
        not held in memory)."""
        with self.transaction(), self.conn.cursor(name=f"rows_{table}") as cursor:
            cursor.execute(sql.select_table(table, columns))
            while rows := cursor.fetchmany(batch):
                yield [dict(zip(columns, row, strict=True)) for row in rows]

    def _ledger_insert(self, kind: str, query: str, params: dict[str, Any],
                       returning: bool = False) -> int:
        """The server numbers and links the entry (its trigger): nothing is sent."""
        params["seq"] = params["chain"] = None
        if returning:
            return self._insert(query, params)
        return self._exec(query, params).rowcount

    def _lock_chain(self) -> None:
        # The ledger's head, held until commit (the owner's function: a collector cannot).
        self.conn.execute("SELECT collectctl_hold_log()")

    def set_chain_key(self, key: bytes) -> bool:
        """Give the server the ledger's key (HMAC pads, readable by the owner alone); the
        ledger is keyed from its first entry if it has none yet. True if now keyed."""
        from collectctl.core.chain import key_pads

        inner, outer = key_pads(key)
        with self.transaction():
            self.conn.execute(
                "INSERT INTO chain_key (id, inner_pad, outer_pad) VALUES (1, %s, %s)"
                " ON CONFLICT (id) DO UPDATE SET inner_pad = EXCLUDED.inner_pad,"
                " outer_pad = EXCLUDED.outer_pad", (inner, outer))
            self.conn.execute("UPDATE chain_head SET keyed = 1 WHERE id = 1 AND entries = 0")
            row = self.conn.execute("SELECT keyed FROM chain_head WHERE id = 1").fetchone()
        return bool(row and row[0])

    def _stream(self, query: str, params: Params | None = None) -> Iterator[Any]:
        """Through a server-side cursor (millions of rows stream), in the caller's
        transaction or a snapshot of its own."""
        with self.snapshot(), self.conn.cursor(name="stream") as cursor:
            cursor.itersize = 5000
            cursor.execute(pg_query(query), params or {})
            yield from cursor

    def load_rows(self, table: str, columns: tuple[str, ...],
                  rows: list[dict[str, Any]]) -> None:
        """Rows by COPY (``db copy`` of ten million calls is minutes, not an hour). Run as
        the tables' owner, whom row-level security does not apply to. The source's
        ledger numbers and links are copied, not made again, and calls loaded are not
        counted by the server (the counts are copied too, or rebuilt): the triggers are off
        for the COPY only, in the caller's transaction (a failure rolls that back too)."""
        from collectctl.core.chain import KIND_OF_TABLE

        off = (["collectctl_chain"] if table in KIND_OF_TABLE else []) + (
            ["calls_learn"] if table == "calls" else [])
        for trigger in off:
            self.conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        with self.conn.cursor() as cursor, cursor.copy(
                f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
        for trigger in off:
            self.conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")

    def after_load(self) -> None:
        """Identity columns continue after the ids that were copied in."""

        for table, columns, _money in sql.TABLES:
            if "id" in columns:
                self.conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)")

    # -- bulk paths ---------------------------------------------------------------------

    def insert_accounts(
        self, accounts: Sequence[ListedAccount], batch_id: int | None, now: str
    ) -> None:
        """New accounts by COPY (a million rows is seconds, not minutes); their phones by
        COPY into a temporary table, then one INSERT that skips duplicates."""
        columns = ("account_id", "name", "amount_due_minor", "currency", "past_due_since",
                   "due_date", "work_start", "paydays", "timezone", "assigned_to", "risk",
                   "notes", "as_of", "row_hash", "batch_id", "raw_hash",
                   "listed_timezone", "listed_country",
                   *sql.LISTED_MORE_COLUMNS)
        with self.conn.cursor() as cursor:
            # COPY into a temporary table, then INSERT ... SELECT: COPY straight into a
            # table with row-level security is refused for every role but its owner.
            cursor.execute("CREATE TEMP TABLE IF NOT EXISTS new_accounts "
                           "(LIKE accounts INCLUDING DEFAULTS)")
            cursor.execute("DELETE FROM new_accounts")
            with cursor.copy(f"COPY new_accounts ({', '.join(columns)}, status, created_at, "
                             "updated_at) FROM STDIN") as copy:
                for account, row_hash, *raw in accounts:
                    params = codec.account_params(account, row_hash, batch_id, now, *raw)
                    copy.write_row([params[c] for c in columns] + ["open", now, now])
            cursor.execute("INSERT INTO accounts SELECT * FROM new_accounts")
            cursor.execute("DELETE FROM new_accounts")
            cursor.execute("CREATE TEMP TABLE IF NOT EXISTS new_phones (account_id TEXT, "
                           "number TEXT, label TEXT, valid INTEGER, extension TEXT, "
                           "position INTEGER, region TEXT, zones TEXT)")
            cursor.execute("DELETE FROM new_phones")
            with cursor.copy("COPY new_phones FROM STDIN") as copy:
                for account, *_rest in accounts:
                    for position, phone in enumerate(account.phones):
                        p = codec.phone_params(account.account_id, phone, position, "import",
                                               now)
                        copy.write_row([p["account_id"], p["number"], p["label"], p["valid"],
                                        p["extension"], position, p["region"], p["zones"]])
            cursor.execute(
                "INSERT INTO phones (account_id, number, label, valid, extension, position,"
                " source, added_at, region, zones) SELECT account_id, number, label, valid,"
                " extension, position, 'import', %s, region, zones FROM new_phones"
                " ORDER BY account_id, position"
                " ON CONFLICT (account_id, number) DO NOTHING", (now,))
            cursor.execute("DELETE FROM new_phones")
