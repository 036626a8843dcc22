"""The schema as numbered, portable migrations (run by :mod:`.migrations`).

Each migration is a list of DDL statements written once for every engine;
``{id_pk}`` and ``{bigint}`` are the only dialect words, filled in by the
backend. Times are UTC ISO-8601 text and money integer minor units (cents) on
every engine, so the same SQL reads them the same way. Never edit a released
migration: add the next one.
"""

from __future__ import annotations

#: A statement every engine runs (with the dialect words), or ``{engine: text}``.
Statement = str | dict[str, str]

MIGRATIONS: list[tuple[int, str, list[Statement]]] = [
    (
        1,
        "m001_accounts_phones_batches",
        [
            """
            CREATE TABLE import_batches (
                id {id_pk},
                kind TEXT NOT NULL,
                file_name TEXT NOT NULL,
                sha256 TEXT NOT NULL DEFAULT '',
                imported_at TEXT NOT NULL,
                encoding TEXT NOT NULL,
                inserted INTEGER NOT NULL DEFAULT 0,
                updated INTEGER NOT NULL DEFAULT 0,
                unchanged INTEGER NOT NULL DEFAULT 0,
                rejected INTEGER NOT NULL DEFAULT 0,
                closed INTEGER NOT NULL DEFAULT 0
            )
            """,
            "CREATE INDEX import_batches_sha256 ON import_batches (kind, sha256)",
            """
            CREATE TABLE accounts (
                account_id TEXT PRIMARY KEY,
                name TEXT,
                amount_due_minor {bigint} NOT NULL,
                currency TEXT NOT NULL,
                past_due_since TEXT,
                due_date TEXT,
                work_start TEXT,
                paydays TEXT,
                timezone TEXT NOT NULL,
                assigned_to TEXT,
                risk TEXT,
                notes TEXT,
                status TEXT NOT NULL DEFAULT 'open',
                as_of TEXT NOT NULL,
                row_hash TEXT NOT NULL,
                batch_id {bigint} REFERENCES import_batches (id),
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX accounts_assigned_to ON accounts (assigned_to, status)",
            """
            CREATE TABLE phones (
                account_id TEXT NOT NULL REFERENCES accounts (account_id),
                number TEXT NOT NULL,
                label TEXT NOT NULL,
                valid INTEGER NOT NULL,
                extension TEXT,
                position INTEGER NOT NULL,
                source TEXT NOT NULL,
                added_at TEXT NOT NULL,
                PRIMARY KEY (account_id, number)
            )
            """,
            """
            CREATE TABLE account_history (
                id {id_pk},
                account_id TEXT NOT NULL REFERENCES accounts (account_id),
                replaced_by_batch {bigint} REFERENCES import_batches (id),
                replaced_at TEXT NOT NULL,
                name TEXT,
                amount_due_minor {bigint} NOT NULL,
                currency TEXT NOT NULL,
                past_due_since TEXT,
                due_date TEXT,
                work_start TEXT,
                paydays TEXT,
                timezone TEXT NOT NULL,
                assigned_to TEXT,
                risk TEXT,
                notes TEXT,
                status TEXT NOT NULL,
                as_of TEXT NOT NULL,
                batch_id {bigint}
            )
            """,
            "CREATE INDEX account_history_account ON account_history (account_id)",
        ],
    ),
]

MIGRATIONS.append(
    (
        2,
        "m002_calls_promises_payments",
        [
            """
            CREATE TABLE calls (
                id {id_pk},
                account_id TEXT NOT NULL REFERENCES accounts (account_id),
                collector TEXT,
                called_at TEXT NOT NULL,
                outcome TEXT NOT NULL,
                phone TEXT,
                note TEXT,
                amount_minor {bigint},
                promise_date TEXT,
                callback_at TEXT,
                reverses {bigint} UNIQUE REFERENCES calls (id),
                invalidated_phone TEXT,
                source TEXT NOT NULL,
                batch_id {bigint} REFERENCES import_batches (id),
                logged_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX calls_account ON calls (account_id, called_at)",
            "CREATE INDEX calls_collector ON calls (collector, called_at)",
            """
            CREATE TABLE promises (
                id {id_pk},
                account_id TEXT NOT NULL REFERENCES accounts (account_id),
                call_id {bigint} NOT NULL REFERENCES calls (id),
                amount_minor {bigint} NOT NULL,
                due_date TEXT NOT NULL,
                made_on TEXT NOT NULL
            )
            """,
            "CREATE INDEX promises_account ON promises (account_id, due_date)",
            "CREATE INDEX promises_due ON promises (due_date)",
            """
            CREATE TABLE payments (
                id {id_pk},
                account_id TEXT NOT NULL REFERENCES accounts (account_id),
                amount_minor {bigint} NOT NULL,
                paid_on TEXT NOT NULL,
                reference TEXT,
                source TEXT NOT NULL,
                call_id {bigint} REFERENCES calls (id),
                batch_id {bigint} REFERENCES import_batches (id),
                recorded_at TEXT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX payments_reference ON payments (account_id, reference)",
            "CREATE INDEX payments_account ON payments (account_id, paid_on)",
            "CREATE INDEX payments_paid_on ON payments (paid_on)",
        ],
    )
)

MIGRATIONS.append(
    (
        3,
        "m003_targets_and_report_indexes",
        [
            """
            CREATE TABLE targets (
                id {id_pk},
                collector TEXT,
                period TEXT NOT NULL,
                start_date TEXT NOT NULL,
                metric TEXT NOT NULL,
                value TEXT NOT NULL,
                set_at TEXT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX targets_key ON targets (collector, period, start_date, metric)",
            "CREATE INDEX calls_called_at ON calls (called_at)",
            "CREATE INDEX promises_call ON promises (call_id)",
            "CREATE INDEX promises_made ON promises (made_on)",
            # Covers the balance per collector (recovery rate, target split) without
            # reading a million account rows.
            "CREATE INDEX accounts_balance ON accounts (status, assigned_to, amount_due_minor)",
        ],
    )
)

#: Who may see what on a team server (PostgreSQL only; SQLite has no roles: the file's
#: permissions are the boundary). Two group roles: a collector reads and logs on the
#: accounts assigned to them (row-level security, by role name = ``assigned_to``); a lead
#: reads and writes everything. ``collectctl team add`` makes the login roles.
_OWN = "account_id IN (SELECT account_id FROM accounts WHERE assigned_to = current_user)"
_TEAM_TABLES = ("accounts", "phones", "calls", "promises", "payments", "targets",
                "import_batches", "account_history")
_PG_ROLES = [
    """
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'collectctl_collector') THEN
        CREATE ROLE collectctl_collector NOLOGIN;
      END IF;
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'collectctl_lead') THEN
        CREATE ROLE collectctl_lead NOLOGIN;
      END IF;
    END $$
    """,
    "GRANT SELECT ON collectctl_schema TO collectctl_collector, collectctl_lead",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON " + ", ".join(_TEAM_TABLES)
    + " TO collectctl_lead",
    "GRANT SELECT ON accounts, phones, calls, promises, payments, targets"
    " TO collectctl_collector",
    "GRANT INSERT ON phones, calls, promises, payments TO collectctl_collector",
    "GRANT UPDATE (valid) ON phones TO collectctl_collector",
    *[f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY" for t in _TEAM_TABLES],
    *[f"CREATE POLICY lead_all ON {t} TO collectctl_lead USING (true) WITH CHECK (true)"
      for t in _TEAM_TABLES],
    "CREATE POLICY own_accounts ON accounts FOR SELECT TO collectctl_collector"
    " USING (assigned_to = current_user)",
    f"CREATE POLICY own_phones ON phones TO collectctl_collector USING ({_OWN})"
    f" WITH CHECK ({_OWN})",
    *[f"CREATE POLICY own_read ON {t} FOR SELECT TO collectctl_collector USING ({_OWN})"
      for t in ("calls", "promises", "payments")],
    "CREATE POLICY own_write ON calls FOR INSERT TO collectctl_collector"
    f" WITH CHECK (collector = current_user AND {_OWN})",
    *[f"CREATE POLICY own_write ON {t} FOR INSERT TO collectctl_collector"
      f" WITH CHECK ({_OWN})" for t in ("promises", "payments")],
    "CREATE POLICY own_targets ON targets FOR SELECT TO collectctl_collector"
    " USING (collector = current_user OR collector = '')",
]
MIGRATIONS.append((4, "m004_team_roles", [{"postgresql": s} for s in _PG_ROLES]))

MIGRATIONS.append((5, "m005_raw_row_hash", [
    # A digest of the list's row as read (cells and reading context): a re-imported list
    # whose row is byte for byte the same is settled without parsing it.
    "ALTER TABLE accounts ADD COLUMN raw_hash TEXT",
]))

MIGRATIONS.append((6, "m006_call_log_chain", [
    # Each entry's link in the tamper-evident chain (core.chain).
    "ALTER TABLE calls ADD COLUMN chain TEXT",
    # A collector sees only their own entries, but links to the team's latest: the owner's
    # function hands out that one link (a hash, no data).
    {"postgresql": """
        CREATE FUNCTION collectctl_last_chain() RETURNS text LANGUAGE sql STABLE
        SECURITY DEFINER SET search_path = public
        AS $$ SELECT chain FROM calls ORDER BY id DESC LIMIT 1 $$
    """},
    {"postgresql": "REVOKE ALL ON FUNCTION collectctl_last_chain() FROM PUBLIC"},
    {"postgresql": "GRANT EXECUTE ON FUNCTION collectctl_last_chain() "
                   "TO collectctl_collector, collectctl_lead"},
]))

MIGRATIONS.append((7, "m007_contact_stats", [
    # What the log says about when debtors answer (core.learning): tries, right-party
    # contacts and exposure (tries weighted by their minute's place in the hour, in
    # thousandths) per hour of the debtor's day and weekday/weekend, for each account
    # (scope 'a', key = account id) and each segment of alike debtors (scope 's').
    # Kept up to date as calls are logged; `learn rebuild` recomputes it from the log.
    """
    CREATE TABLE contact_stats (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        hour INTEGER NOT NULL,
        weekend INTEGER NOT NULL,
        tries INTEGER NOT NULL,
        contacts INTEGER NOT NULL,
        exposure INTEGER NOT NULL,
        PRIMARY KEY (scope, key, hour, weekend)
    )
    """,
    # On a team server a collector updates their own accounts' rows and every segment's
    # (counts, no personal data); a lead reads and rebuilds all.
    {"postgresql": "GRANT SELECT, INSERT, UPDATE ON contact_stats TO collectctl_collector"},
    {"postgresql": "GRANT SELECT, INSERT, UPDATE, DELETE ON contact_stats TO collectctl_lead"},
    {"postgresql": "ALTER TABLE contact_stats ENABLE ROW LEVEL SECURITY"},
    {"postgresql": "CREATE POLICY lead_all ON contact_stats TO collectctl_lead"
                   " USING (true) WITH CHECK (true)"},
    {"postgresql": "CREATE POLICY own_stats ON contact_stats TO collectctl_collector"
                   " USING (scope = 's' OR key IN (SELECT account_id FROM accounts"
                   " WHERE assigned_to = current_user))"
                   " WITH CHECK (scope = 's' OR key IN (SELECT account_id FROM accounts"
                   " WHERE assigned_to = current_user))"},
]))

MIGRATIONS.append((8, "m008_listed_zone_and_country", [
    # The account list's own time-zone and country columns, kept apart from the zone
    # collectctl works with: the candidate zones are derived from them and the debtor's
    # phones (core.zones) each time an account is read. A zone an older release stored
    # may have come from the file or from the config; it is taken as the file's, the
    # careful reading (a phone that contradicts it adds its zones, never replaces it).
    "ALTER TABLE accounts ADD COLUMN listed_timezone TEXT",
    "ALTER TABLE accounts ADD COLUMN listed_country TEXT",
    "UPDATE accounts SET listed_timezone = timezone",
    "ALTER TABLE account_history ADD COLUMN listed_timezone TEXT",
    "ALTER TABLE account_history ADD COLUMN listed_country TEXT",
    # Each number's country and zones, worked out at import (NULL: worked out when read;
    # a collector's `contact add` leaves them NULL, so no collector writes them).
    "ALTER TABLE phones ADD COLUMN region TEXT",
    "ALTER TABLE phones ADD COLUMN zones TEXT",
]))

#: The debtor's own requests (core.requests), kept as a log: each entry says who set it and
#: when, and none is ever changed (``clear`` is an entry too). Minutes are the debtor's
#: wall-clock time; ``to_minute`` at or before ``from_minute`` crosses midnight, 0-1440 is
#: the whole day. (Number 9: 8 is the accounts' columns, added beside it.)
MIGRATIONS.append((9, "m009_debtor_requests", [
    """
    CREATE TABLE debtor_requests (
        id {id_pk},
        account_id TEXT NOT NULL REFERENCES accounts (account_id),
        kind TEXT NOT NULL CHECK (kind IN ('avoid', 'no_workplace', 'clear')),
        from_minute INTEGER CHECK (from_minute BETWEEN 0 AND 1439),
        to_minute INTEGER CHECK (to_minute BETWEEN 0 AND 1440),
        days TEXT,
        note TEXT,
        set_by TEXT NOT NULL,
        set_at TEXT NOT NULL,
        CHECK (kind <> 'avoid' OR (from_minute IS NOT NULL AND to_minute IS NOT NULL
                                   AND days IS NOT NULL AND days <> ''))
    )
    """,
    "CREATE INDEX debtor_requests_account ON debtor_requests (account_id, id)",
    # A collector reads and adds to the requests of their own accounts, as themselves; a
    # lead reads and adds to all. Nobody but the owner changes or deletes an entry.
    {"postgresql": "GRANT SELECT, INSERT ON debtor_requests"
                   " TO collectctl_collector, collectctl_lead"},
    {"postgresql": "ALTER TABLE debtor_requests ENABLE ROW LEVEL SECURITY"},
    {"postgresql": "CREATE POLICY lead_all ON debtor_requests TO collectctl_lead"
                   " USING (true) WITH CHECK (true)"},
    {"postgresql": "CREATE POLICY own_read ON debtor_requests FOR SELECT"
                   f" TO collectctl_collector USING ({_OWN})"},
    {"postgresql": "CREATE POLICY own_write ON debtor_requests FOR INSERT"
                   " TO collectctl_collector"
                   f" WITH CHECK (set_by = current_user AND {_OWN})"},
]))

#: The ledger (core.chain): calls, promises and payments numbered in one sequence and
#: linked in one chain, and its head record. On PostgreSQL the numbers and links are the
#: server's (a trigger owned by the owner, which alone may read and move the head: no
#: client supplies or sees a link); a collector's entries may only point at their own
#: calls on the same account; the log is append-only for everyone.
_CALL_COLUMNS = ("id", "account_id", "collector", "called_at", "outcome", "phone", "note",
                 "amount_minor", "promise_date", "callback_at", "reverses",
                 "invalidated_phone", "source", "batch_id", "logged_at")
_PROMISE_COLUMNS = ("id", "account_id", "call_id", "amount_minor", "due_date", "made_on")
_PAYMENT_COLUMNS = ("id", "account_id", "amount_minor", "paid_on", "reference", "source",
                    "call_id", "batch_id", "recorded_at")


def _ledger_text(fields: tuple[str, ...]) -> str:
    """The SQL that joins a row's fields as core.chain._text does."""
    return " || chr(31) || ".join(f"coalesce(NEW.{f}::text, '')" for f in fields)


#: A collector's row for an account not theirs is refused before the trigger takes the
#: head (row-level security would refuse it after: meanwhile it held every writer up) and
#: before a payment's reference is looked at (which would tell whether another's account
#: has it). The same words as row-level security's.
_FOREIGN_ROW = (
    "IF pg_catalog.pg_has_role(session_user, 'collectctl_collector', 'MEMBER')"
    " AND NOT pg_catalog.pg_has_role(session_user, 'collectctl_lead', 'MEMBER')"
    " AND NOT EXISTS (SELECT FROM accounts a WHERE a.account_id = NEW.account_id"
    " AND a.assigned_to = session_user) THEN"
    " RAISE EXCEPTION 'new row violates row-level security policy for table \"%\"',"
    " TG_TABLE_NAME USING ERRCODE = '42501'; END IF;")


def _pg_ledger() -> list[str]:
    from collectctl.core.chain import LEDGER_FIELDS

    out: list[str] = [
        """
        CREATE TABLE chain_key (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            inner_pad BYTEA NOT NULL,
            outer_pad BYTEA NOT NULL
        )
        """,
        """
        CREATE FUNCTION collectctl_next_link(kind text, body text, OUT seq bigint,
                                             OUT link text)
        LANGUAGE plpgsql SECURITY DEFINER AS $$
        DECLARE
            h record;
            k record;
            message bytea;
        BEGIN
            SELECT entries, head, keyed INTO h FROM chain_head WHERE id = 1 FOR UPDATE;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'the ledger has no head record' USING ERRCODE = 'P0001';
            END IF;
            seq := h.entries + 1;
            message := convert_to(coalesce(h.head, '') || chr(30) || kind || chr(30)
                                  || seq::text || chr(30) || body, 'UTF8');
            IF h.keyed = 1 THEN
                SELECT inner_pad, outer_pad INTO k FROM chain_key WHERE id = 1;
                IF NOT FOUND THEN
                    RAISE EXCEPTION 'the call log is keyed and this server has no key'
                        USING ERRCODE = 'P0001', HINT = 'collectctl_chain_key';
                END IF;
                link := encode(sha256(k.outer_pad || sha256(k.inner_pad || message)), 'hex');
            ELSE
                link := encode(sha256(message), 'hex');
            END IF;
            UPDATE chain_head SET entries = seq, head = link WHERE id = 1;
        END $$
        """,
    ]
    for kind, (table, fields) in LEDGER_FIELDS.items():
        skip = ""
        if kind == "payment":
            # ON CONFLICT DO NOTHING runs BEFORE triggers for rows it then skips: a payment
            # already recorded is skipped here, before it takes a number (the head's row
            # lock makes the look race-free).
            skip = ("IF NEW.reference IS NOT NULL AND EXISTS (SELECT 1 FROM payments p"
                    " WHERE p.account_id = NEW.account_id AND p.reference = NEW.reference)"
                    " THEN RETURN NULL; END IF;")
        out += [
            f"""
            CREATE FUNCTION collectctl_chain_{kind}() RETURNS trigger
            LANGUAGE plpgsql SECURITY DEFINER AS $$
            DECLARE l record;
            BEGIN
                {_FOREIGN_ROW}
                {skip}
                SELECT * INTO l FROM collectctl_next_link('{kind}', {_ledger_text(fields)});
                NEW.seq := l.seq;
                NEW.chain := l.link;
                RETURN NEW;
            END $$
            """,
            f"CREATE TRIGGER collectctl_chain BEFORE INSERT ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION collectctl_chain_{kind}()",
        ]
    # A lead's `learn rebuild` holds logging off by taking the head (a collector cannot).
    out += ["""
        CREATE FUNCTION collectctl_hold_log() RETURNS void LANGUAGE sql SECURITY DEFINER
        AS $$ SELECT NULL::void FROM chain_head WHERE id = 1 FOR UPDATE $$
        """]
    functions = ["collectctl_next_link(text, text)", "collectctl_hold_log()",
                 *[f"collectctl_chain_{kind}()" for kind in LEDGER_FIELDS]]
    out += [f"REVOKE ALL ON FUNCTION {f} FROM PUBLIC" for f in functions]
    out.append("GRANT EXECUTE ON FUNCTION collectctl_hold_log() TO collectctl_lead")
    # Each definer function resolves names in the schema it was made in, pg_temp last.
    out.append("DO $$ BEGIN " + " ".join(
        f"EXECUTE pg_catalog.format('ALTER FUNCTION {f} SET search_path = pg_catalog, %I,"
        f" pg_temp', pg_catalog.current_schema());" for f in functions) + " END $$")
    return out


_PG_INTEGRITY: list[str] = [
    # Same-account references: an entry can only reverse, or hang a promise or payment on,
    # a call of its own account (a foreign key is checked past row-level security).
    "ALTER TABLE calls ADD CONSTRAINT calls_account_entry UNIQUE (account_id, id)",
    "ALTER TABLE calls ADD CONSTRAINT calls_reverses_same_account FOREIGN KEY"
    " (account_id, reverses) REFERENCES calls (account_id, id)",
    "ALTER TABLE promises ADD CONSTRAINT promises_call_same_account FOREIGN KEY"
    " (account_id, call_id) REFERENCES calls (account_id, id)",
    "ALTER TABLE payments ADD CONSTRAINT payments_call_same_account FOREIGN KEY"
    " (account_id, call_id) REFERENCES calls (account_id, id)",
    # ... and, for a collector, only their own calls, never an import's batch. (A policy
    # on calls cannot read calls itself: the owner's function looks, for the connected
    # role only, so it tells nobody about anyone else's calls.)
    """
    CREATE FUNCTION collectctl_own_call(call_id bigint) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    AS $$ SELECT EXISTS (SELECT FROM calls c WHERE c.id = call_id
                         AND c.collector = session_user) $$
    """,
    "REVOKE ALL ON FUNCTION collectctl_own_call(bigint) FROM PUBLIC",
    "GRANT EXECUTE ON FUNCTION collectctl_own_call(bigint) TO collectctl_collector",
    "DO $$ BEGIN EXECUTE pg_catalog.format('ALTER FUNCTION collectctl_own_call(bigint)"
    " SET search_path = pg_catalog, %I, pg_temp', pg_catalog.current_schema()); END $$",
    "DROP POLICY own_write ON calls",
    "CREATE POLICY own_write ON calls FOR INSERT TO collectctl_collector WITH CHECK"
    f" (collector = current_user AND {_OWN} AND batch_id IS NULL"
    " AND (reverses IS NULL OR collectctl_own_call(reverses)))",
    "DROP POLICY own_write ON promises",
    "CREATE POLICY own_write ON promises FOR INSERT TO collectctl_collector WITH CHECK"
    f" ({_OWN} AND collectctl_own_call(call_id))",
    "DROP POLICY own_write ON payments",
    "CREATE POLICY own_write ON payments FOR INSERT TO collectctl_collector WITH CHECK"
    f" ({_OWN} AND batch_id IS NULL AND (call_id IS NULL OR collectctl_own_call(call_id)))",
    # A collector adds numbers, never where they place the debtor (region and zones are
    # worked out at import, or by a lead's `learn rebuild`).
    "REVOKE INSERT ON phones FROM collectctl_collector",
    "GRANT INSERT (account_id, number, label, valid, extension, position, source, added_at)"
    " ON phones TO collectctl_collector",
    # The log is append-only, for a lead too (the owner alone can change history).
    "REVOKE UPDATE, DELETE, TRUNCATE ON calls, promises, payments FROM collectctl_lead",
    # No client sees a link: the head function goes, and a collector reads every column
    # but the ledger's.
    "DROP FUNCTION collectctl_last_chain()",
    "REVOKE SELECT ON calls, promises, payments FROM collectctl_collector",
    f"GRANT SELECT ({', '.join(_CALL_COLUMNS)}) ON calls TO collectctl_collector",
    f"GRANT SELECT ({', '.join(_PROMISE_COLUMNS)}) ON promises TO collectctl_collector",
    f"GRANT SELECT ({', '.join(_PAYMENT_COLUMNS)}) ON payments TO collectctl_collector",
    "GRANT SELECT ON chain_head TO collectctl_lead",
    # The planner's statistics of personal columns would let EXPLAIN's row estimates
    # confirm a value in rows a collector cannot read: none are kept.
    *[f"ALTER TABLE {t} ALTER COLUMN {c} SET STATISTICS 0" for t, c in (
        ("accounts", "name"), ("accounts", "notes"), ("phones", "number"),
        ("phones", "extension"), ("calls", "phone"), ("calls", "note"),
        ("calls", "invalidated_phone"), ("payments", "reference"),
        ("debtor_requests", "note"))],
    "ANALYZE accounts, phones, calls, payments, debtor_requests",
]

MIGRATIONS.append((10, "m010_ledger_and_integrity", [
    """
    CREATE TABLE chain_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        entries {bigint} NOT NULL,
        head TEXT,
        legacy_calls {bigint} NOT NULL,
        legacy_unchained {bigint} NOT NULL,
        legacy_promises {bigint} NOT NULL,
        legacy_payments {bigint} NOT NULL,
        keyed INTEGER NOT NULL DEFAULT 0
    )
    """,
    """
    INSERT INTO chain_head (id, entries, head, legacy_calls, legacy_unchained,
                            legacy_promises, legacy_payments, keyed)
    SELECT 1, 0, (SELECT chain FROM calls ORDER BY id DESC LIMIT 1),
        (SELECT COUNT(*) FROM calls), (SELECT COUNT(*) FROM calls WHERE chain IS NULL),
        (SELECT COUNT(*) FROM promises), (SELECT COUNT(*) FROM payments), 0
    """,
    "ALTER TABLE calls ADD COLUMN seq {bigint}",
    "ALTER TABLE promises ADD COLUMN seq {bigint}",
    "ALTER TABLE promises ADD COLUMN chain TEXT",
    "ALTER TABLE payments ADD COLUMN seq {bigint}",
    "ALTER TABLE payments ADD COLUMN chain TEXT",
    "CREATE UNIQUE INDEX calls_seq ON calls (seq)",
    "CREATE UNIQUE INDEX promises_seq ON promises (seq)",
    "CREATE UNIQUE INDEX payments_seq ON payments (seq)",
    *[{"postgresql": s} for s in _pg_ledger() + _PG_INTEGRITY],
]))

def _pinned(signatures: tuple[str, ...]) -> str:
    """The statement that makes each of the functions ``signatures`` resolve names in
    pg_catalog first and pg_temp last, read times in UTC and ISO order, and run for no
    role but the owner unless granted."""
    return f"""
    DO $$
    DECLARE
        fn text;
    BEGIN
        FOREACH fn IN ARRAY ARRAY{list(signatures)!r} LOOP
            EXECUTE pg_catalog.format('ALTER FUNCTION %s SET search_path = pg_catalog, %I, pg_temp',
                                      fn, pg_catalog.current_schema());
            EXECUTE pg_catalog.format('ALTER FUNCTION %s SET timezone = %L SET datestyle = %L',
                                      fn, 'UTC', 'ISO, YMD');
            EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', fn);
        END LOOP;
    END $$
    """


#: The learned contact counts (``core.learning``), derived on the server: on PostgreSQL no
#: client writes ``contact_stats`` (a collector could move every segment's rows, and so
#: another collector's plan). A trigger on ``calls``, owned by the owner, counts each entry
#: as it is inserted, as ``learning.observe``/``deltas`` do: the account's zone and segment
#: from ``accounts`` and ``phones``, the hour and weekday class of the call in the debtor's
#: local time, the outcome's class from the book and the weight of the try from the rules,
#: both as a lead last published them (``learning_outcomes``, ``learning_rules``: ``learn
#: rebuild``, and ``db migrate`` the first time; ``learning_zones``, each country's first
#: zone, places a debtor known only by the list's country). An undo takes its original
#: back out. A collector reads the counts and those tables, and writes none of them.
_LEARN_WEIGHT = """
CREATE FUNCTION collectctl_learn_weight(lt timestamp, work_start text, r learning_rules)
RETURNS integer LANGUAGE plpgsql STABLE AS $$
DECLARE
    weekend boolean := pg_catalog.date_part('isodow', lt) >= 6;
    open_from integer := CASE WHEN weekend THEN r.weekend_from ELSE r.weekday_from END;
    open_to integer := CASE WHEN weekend THEN r.weekend_to ELSE r.weekday_to END;
    step interval := pg_catalog.make_interval(mins => r.handle_minutes);
    slot timestamp := pg_catalog.date_trunc('hour', lt);
    work_m integer;
    t timestamp := lt;
    e timestamp;
    s integer;
    f integer;
    q double precision;
    here double precision;
    total double precision := 0;
    n integer := 0;
BEGIN
    IF work_start ~ '^[0-9]{2}:[0-9]{2}' THEN
        work_m := pg_catalog.substr(work_start, 1, 2)::integer * 60
                  + pg_catalog.substr(work_start, 4, 2)::integer;
    END IF;
    LOOP
        e := t + step;
        s := pg_catalog.date_part('hour', t)::integer * 60
             + pg_catalog.date_part('minute', t)::integer;
        f := pg_catalog.date_part('hour', e)::integer * 60
             + pg_catalog.date_part('minute', e)::integer;
        IF open_from IS NULL OR (e::date <> t::date AND f > 0) THEN
            q := 0;
        ELSE
            IF f = 0 THEN
                f := 1440;
            END IF;
            IF s < open_from OR f > open_to THEN
                q := 0;
            ELSIF work_m IS NOT NULL AND s >= work_m AND s < work_m + r.golden_minutes THEN
                q := r.golden;
            ELSIF s >= r.lunch_from AND s < r.lunch_to THEN
                q := r.lunch;
            ELSE
                q := r.normal;
            END IF;
        END IF;
        IF here IS NULL THEN
            here := q;
            t := slot;
        ELSE
            total := total + q;
            n := n + 1;
            t := t + step;
            EXIT WHEN pg_catalog.date_trunc('hour', t) <> slot;
        END IF;
    END LOOP;
    IF total / n <= 0 OR here <= 0 THEN
        RETURN 1000;
    END IF;
    RETURN pg_catalog.round(here / (total / n) * 1000)::integer;
END $$
"""
#: The phones that say where the debtor is (``zones.debtor_phones``): valid, and the
#: debtor's own or their workplace's, by label (``models.phone_role``).
_DEBTOR_PHONE = ("p.account_id = p_account AND p.valid = 1 AND pg_catalog.btrim("
                 "pg_catalog.split_part(p.label, ':', 1)) IN ('mobile', 'home', 'phone', 'work')")
_LEARN_PLACE = f"""
CREATE FUNCTION collectctl_learn_place(p_account text, OUT zone text, OUT country text,
    OUT risk text, OUT past_due_since text, OUT work_start text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    SELECT COALESCE(
               NULLIF(ac.listed_timezone, ''),
               (SELECT pg_catalog.split_part(p.zones, pg_catalog.chr(32), 1) FROM phones p
                WHERE {_DEBTOR_PHONE} AND p.zones <> '' ORDER BY p.position LIMIT 1),
               (SELECT z.zone FROM learning_zones z
                WHERE z.country = pg_catalog.upper(NULLIF(ac.listed_country, ''))),
               ac.timezone),
           COALESCE(
               pg_catalog.upper(NULLIF(ac.listed_country, '')),
               (SELECT p.region FROM phones p
                WHERE {_DEBTOR_PHONE} AND p.zones IS NOT NULL AND p.region <> ''
                ORDER BY p.position LIMIT 1),
               ''),
           ac.risk, ac.past_due_since, COALESCE(ac.work_start, '')
    INTO zone, country, risk, past_due_since, work_start
    FROM accounts ac WHERE ac.account_id = p_account;
END $$
"""
_LEARN_RULES = """
CREATE FUNCTION collectctl_learn_rules(p_country text) RETURNS learning_rules
LANGUAGE plpgsql STABLE AS $$
DECLARE
    r learning_rules;
BEGIN
    SELECT * INTO r FROM learning_rules lr WHERE lr.country = p_country;
    IF NOT FOUND THEN
        SELECT * INTO r FROM learning_rules lr WHERE lr.country = '*';
    END IF;
    RETURN r;
END $$
"""
_LEARN_LOCAL = """
CREATE FUNCTION collectctl_learn_local(p_called_at text, p_zone text) RETURNS timestamp
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN p_called_at::timestamptz AT TIME ZONE p_zone;
EXCEPTION WHEN data_exception THEN
    RETURN NULL;
END $$
"""
_LEARN_SEGMENT = """
CREATE FUNCTION collectctl_learn_segment(p_risk text, p_since text, p_day date, p_zone text,
    p_work_start text) RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
    dpd integer := p_day - NULLIF(p_since, '')::date;
    bucket integer := CASE WHEN dpd IS NULL OR dpd <= 0 THEN 0 ELSE (dpd - 1) / 30 + 1 END;
BEGIN
    RETURN COALESCE(NULLIF(p_risk, ''), '-') || '|'
           || CASE WHEN bucket >= 6 THEN 'M6+' ELSE 'M' || bucket::text END || '|'
           || p_zone || '|'
           || COALESCE(pg_catalog.substr(NULLIF(p_work_start, ''), 1, 2), '-');
END $$
"""
_LEARN_OBSERVE = """
CREATE FUNCTION collectctl_learn_observe(p_account text, p_called_at text, p_outcome text,
    OUT segment text, OUT hour integer, OUT weekend integer, OUT rpc integer,
    OUT milli integer)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    a record;
    r learning_rules;
    lt timestamp;
BEGIN
    SELECT l.right_party INTO rpc FROM learning_outcomes l
    WHERE l.name = pg_catalog.lower(pg_catalog.btrim(p_outcome)) AND l.counts = 1;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    a := collectctl_learn_place(p_account);
    IF a.zone IS NULL THEN
        rpc := NULL;
        RETURN;
    END IF;
    r := collectctl_learn_rules(a.country);
    lt := collectctl_learn_local(p_called_at, a.zone);
    IF r.country IS NULL OR lt IS NULL THEN
        rpc := NULL;
        RETURN;
    END IF;
    segment := collectctl_learn_segment(a.risk, a.past_due_since, lt::date, a.zone,
                                        a.work_start);
    hour := pg_catalog.date_part('hour', lt)::integer;
    weekend := CASE WHEN pg_catalog.date_part('isodow', lt) >= 6 THEN 1 ELSE 0 END;
    milli := collectctl_learn_weight(lt, a.work_start, r);
END $$
"""
_LEARN_FROM_CALL = """
CREATE FUNCTION collectctl_learn_from_call() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER AS $$
DECLARE
    src record;
    seen record;
    way integer := 1;
BEGIN
    IF NEW.reverses IS NULL THEN
        SELECT NEW.account_id, NEW.called_at, NEW.outcome INTO src;
    ELSE
        SELECT c.account_id, c.called_at, c.outcome, c.reverses AS undoes INTO src
        FROM calls c WHERE c.id = NEW.reverses;
        IF NOT FOUND OR src.undoes IS NOT NULL OR src.account_id <> NEW.account_id THEN
            RETURN NULL;
        END IF;
        way := -1;
    END IF;
    SELECT * INTO seen FROM collectctl_learn_observe(src.account_id, src.called_at,
                                                     src.outcome);
    IF seen.segment IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO contact_stats AS cs (scope, key, hour, weekend, tries, contacts, exposure)
    VALUES ('a', src.account_id, seen.hour, seen.weekend, way, way * seen.rpc,
            way * seen.milli),
           ('s', seen.segment, seen.hour, seen.weekend, way, way * seen.rpc,
            way * seen.milli)
    ON CONFLICT (scope, key, hour, weekend) DO UPDATE
    SET tries = cs.tries + excluded.tries, contacts = cs.contacts + excluded.contacts,
        exposure = cs.exposure + excluded.exposure;
    RETURN NULL;
END $$
"""
#: The same derivation over the whole log: each account placed once, each weight worked out
#: once per minute of the day and weekday class (a weight depends on the day only through
#: that), on a Saturday or a Monday of its own.
_LEARN_REBUILD = """
CREATE FUNCTION collectctl_learn_rebuild() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    DELETE FROM contact_stats;
    WITH placed AS MATERIALIZED (
        SELECT c.account_id, p.zone, p.country, p.risk, p.past_due_since, p.work_start
        FROM (SELECT DISTINCT account_id FROM calls) c
        CROSS JOIN LATERAL collectctl_learn_place(c.account_id) p
        WHERE p.zone IS NOT NULL
    ), ruled AS MATERIALIZED (
        SELECT k.country, collectctl_learn_rules(k.country) AS r
        FROM (SELECT DISTINCT country FROM placed) k
    ), seen AS MATERIALIZED (
        SELECT c.account_id, o.right_party AS rpc, p.zone, p.country, p.risk,
               p.past_due_since, p.work_start,
               collectctl_learn_local(c.called_at, p.zone) AS lt
        FROM calls c
        JOIN learning_outcomes o
          ON o.name = pg_catalog.lower(pg_catalog.btrim(c.outcome)) AND o.counts = 1
        JOIN placed p ON p.account_id = c.account_id
        WHERE c.reverses IS NULL
          AND NOT EXISTS (SELECT 1 FROM calls u WHERE u.reverses = c.id)
    ), keyed AS MATERIALIZED (
        SELECT s.account_id, s.rpc, s.country, s.work_start,
               collectctl_learn_segment(s.risk, s.past_due_since, s.lt::date, s.zone,
                                        s.work_start) AS segment,
               pg_catalog.date_part('hour', s.lt)::integer AS hour,
               CASE WHEN pg_catalog.date_part('isodow', s.lt) >= 6 THEN 1 ELSE 0 END
                   AS weekend,
               pg_catalog.date_part('hour', s.lt)::integer * 60
                   + pg_catalog.date_part('minute', s.lt)::integer AS minute
        FROM seen s WHERE s.lt IS NOT NULL
    ), weights AS MATERIALIZED (
        SELECT k.weekend, k.minute, k.work_start, k.country,
               collectctl_learn_weight(
                   CASE WHEN k.weekend = 1 THEN '2000-01-01' ELSE '2000-01-03' END::timestamp
                   + pg_catalog.make_interval(mins => k.minute), k.work_start, ru.r) AS milli
        FROM (SELECT DISTINCT weekend, minute, work_start, country FROM keyed) k
        JOIN ruled ru ON ru.country = k.country
        WHERE (ru.r).country IS NOT NULL
    ), counted AS (
        SELECT k.account_id, k.segment, k.hour, k.weekend, k.rpc, w.milli FROM keyed k
        JOIN weights w USING (weekend, minute, work_start, country)
    )
    INSERT INTO contact_stats (scope, key, hour, weekend, tries, contacts, exposure)
    SELECT e.scope, e.key, e.hour, e.weekend, pg_catalog.count(*), pg_catalog.sum(e.rpc),
           pg_catalog.sum(e.milli)
    FROM (SELECT 'a' AS scope, account_id AS key, hour, weekend, rpc, milli FROM counted
          UNION ALL
          SELECT 's', segment, hour, weekend, rpc, milli FROM counted) e
    GROUP BY e.scope, e.key, e.hour, e.weekend;
    SELECT pg_catalog.count(*) INTO n FROM calls;
    RETURN n;
END $$
"""
_LEARN_SIGNATURES = ("collectctl_learn_weight(timestamp, text, learning_rules)",
                     "collectctl_learn_place(text)", "collectctl_learn_rules(text)",
                     "collectctl_learn_local(text, text)",
                     "collectctl_learn_segment(text, text, date, text, text)",
                     "collectctl_learn_observe(text, text, text)",
                     "collectctl_learn_from_call()", "collectctl_learn_rebuild()")
#: The tables only a team server has: what it derives the counts with.
LEARNING_TABLES = ("learning_outcomes", "learning_rules", "learning_zones",
                   "learning_pay")
_PG_LEARN = [
    """
    CREATE TABLE learning_outcomes (
        name TEXT PRIMARY KEY,
        counts INTEGER NOT NULL,
        right_party INTEGER NOT NULL
    )
    """,
    """
    CREATE TABLE learning_rules (
        country TEXT PRIMARY KEY,
        weekday_from INTEGER,
        weekday_to INTEGER,
        weekend_from INTEGER,
        weekend_to INTEGER,
        handle_minutes INTEGER NOT NULL CHECK (handle_minutes > 0),
        golden_minutes INTEGER NOT NULL,
        lunch_from INTEGER NOT NULL,
        lunch_to INTEGER NOT NULL,
        golden DOUBLE PRECISION NOT NULL,
        normal DOUBLE PRECISION NOT NULL,
        lunch DOUBLE PRECISION NOT NULL
    )
    """,
    "CREATE TABLE learning_zones (country TEXT PRIMARY KEY, zone TEXT NOT NULL)",
    "GRANT SELECT ON learning_outcomes, learning_rules, learning_zones"
    " TO collectctl_collector, collectctl_lead",
    "GRANT INSERT, UPDATE, DELETE ON learning_outcomes, learning_rules, learning_zones"
    " TO collectctl_lead",
    _LEARN_WEIGHT, _LEARN_PLACE, _LEARN_RULES, _LEARN_LOCAL, _LEARN_SEGMENT, _LEARN_OBSERVE,
    _LEARN_FROM_CALL, _LEARN_REBUILD,
    # Every name in the functions resolves in pg_catalog first, then in the schema they and
    # the tables were made in, pg_temp (where anyone may create objects) last; no role but
    # the owner runs them unless granted below (the trigger's runs as the owner). A call's
    # time is read in UTC and ISO order whoever's session counts it or takes it back (a
    # session's own TimeZone or DateStyle would place an undo elsewhere). No SQL comments:
    # each statement is run as one line.
    _pinned(_LEARN_SIGNATURES),
    "GRANT EXECUTE ON FUNCTION " + ", ".join(s for s in _LEARN_SIGNATURES
                                             if "from_call" not in s) + " TO collectctl_lead",
    "CREATE TRIGGER calls_learn AFTER INSERT ON calls FOR EACH ROW"
    " EXECUTE FUNCTION collectctl_learn_from_call()",
    # The counts: read as before (their own accounts' rows and every segment's), written
    # by none; wide enough that no run of calls overflows a segment's (and stops logging).
    "ALTER TABLE contact_stats ALTER COLUMN tries TYPE bigint,"
    " ALTER COLUMN contacts TYPE bigint, ALTER COLUMN exposure TYPE bigint",
    "REVOKE ALL ON contact_stats FROM collectctl_collector",
    "GRANT SELECT ON contact_stats TO collectctl_collector",
    "DROP POLICY own_stats ON contact_stats",
    "CREATE POLICY own_stats ON contact_stats FOR SELECT TO collectctl_collector"
    " USING (scope = 's' OR key IN (SELECT account_id FROM accounts"
    " WHERE assigned_to = current_user))",
]
MIGRATIONS.append((11, "m011_learning_on_the_server", [{"postgresql": s} for s in _PG_LEARN]))

#: What a bank's list says besides the amount due (issue 20): the debt itemised, the
#: debtor's background, contact persons; and who set the collector (``list`` or ``lead``)
#: with the collector the last list named, so a list does not undo a lead's ``assign``.
_LISTED_MORE = (
    ("principal_minor", "{bigint}"), ("interest_minor", "{bigint}"), ("fees_minor", "{bigint}"),
    ("minimum_due_minor", "{bigint}"), ("last_payment_on", "TEXT"),
    ("last_payment_minor", "{bigint}"), ("credit_limit_minor", "{bigint}"),
    ("employer", "TEXT"), ("mailing_address", "TEXT"), ("registered_address", "TEXT"),
    ("occupation", "TEXT"), ("contacts", "TEXT"), ("listed_collector", "TEXT"),
)
#: The collector of an account's first version replaced by ``assign`` after its last
#: import (no row: none was).
_SINCE_IMPORT = (
    "SELECT h.assigned_to FROM account_history h WHERE h.account_id = accounts.account_id"
    " AND h.replaced_by_batch IS NULL AND NOT EXISTS (SELECT 1 FROM account_history l"
    " WHERE l.account_id = h.account_id AND l.id > h.id AND l.replaced_by_batch IS NOT NULL)"
    " ORDER BY h.id LIMIT 1"
)
MIGRATIONS.append((12, "m012_itemised_background_assignment", [
    *[f"ALTER TABLE {table} ADD COLUMN {name} {kind}"
      for table in ("accounts", "account_history") for name, kind in _LISTED_MORE],
    "ALTER TABLE accounts ADD COLUMN assigned_by TEXT NOT NULL DEFAULT 'list'",
    "ALTER TABLE account_history ADD COLUMN assigned_by TEXT",
    # An older release kept no difference: each collector is taken as the list's ...
    "UPDATE accounts SET listed_collector = assigned_to",
    # ... except where the account's last versions were replaced by `assign` (history
    # rows of no import batch) after its last import: then the team lead set the
    # collector, and the list had named the collector of the first of those versions.
    f"UPDATE accounts SET assigned_by = 'lead', listed_collector = ({_SINCE_IMPORT})"
    f" WHERE EXISTS ({_SINCE_IMPORT})",
    "UPDATE accounts SET assigned_by = 'list'"
    " WHERE assigned_by = 'lead' AND COALESCE(assigned_to, '') = COALESCE(listed_collector, '')",
    {"postgresql": "ALTER TABLE accounts ADD CONSTRAINT accounts_assigned_by"
                   " CHECK (assigned_by IN ('list', 'lead'))"},
    *[{"postgresql": f"ALTER TABLE accounts ALTER COLUMN {c} SET STATISTICS 0"}
      for c in ("employer", "occupation", "mailing_address", "registered_address",
                "contacts")],
]))

#: The report's portfolio (core.portfolio): the open accounts by currency, days past due
#: and risk, and by collector and currency, each from a covering index (a million
#: accounts in two index scans, not two table scans); the accounts written since a
#: moment by their last write; the period's entries of some outcomes (complaints). The
#: balance index gains the currency (the collector's balance is per currency), and
#: serves the queries it served before. A collector reads the history of their own
#: accounts, only the columns that place them in a bucket: how their accounts stood at
#: the start of a period.
_HISTORY_READ = ("id", "account_id", "replaced_at", "amount_due_minor", "currency",
                 "past_due_since", "risk", "status", "as_of")
MIGRATIONS.append((13, "m013_portfolio", [
    "CREATE INDEX accounts_portfolio ON accounts"
    " (status, currency, past_due_since, risk, amount_due_minor)",
    "DROP INDEX accounts_balance",
    "CREATE INDEX accounts_balance ON accounts (status, assigned_to, currency, amount_due_minor)",
    "CREATE INDEX accounts_updated ON accounts (updated_at)",
    # The supervisor's lists: the complaints logged in a period, without reading the
    # period's every call (a day of a large team is 330,000 of them).
    "CREATE INDEX calls_outcome ON calls (outcome, called_at, collector, account_id)",
    {"postgresql": f"GRANT SELECT ({', '.join(_HISTORY_READ)}) ON account_history"
                   " TO collectctl_collector"},
    {"postgresql": "CREATE POLICY own_read ON account_history FOR SELECT"
                   f" TO collectctl_collector USING ({_OWN})"},
]))

#: Money per currency (issue 21): a money target is in one currency (NULL: a target set
#: before, in the config's ``currency:`` as it always was; counts and rates have none); the
#: balances per collector and currency come from migration 13's index.
MIGRATIONS.append((14, "m014_targets_currency", [
    "ALTER TABLE targets ADD COLUMN currency TEXT",
]))

#: Who pays when reached (``core.paying``): each standing right-party contact as a trial,
#: with the payments credited to it, and each segment's counted trials by the day their
#: window ends (a trial decided unpaid counts only once its window has ended, so the
#: counts are read against a day, not kept as of one). An account's trials are derived
#: again from its whole log whenever an entry or payment of it is written, in the same
#: transaction, so the table is always what ``learn rebuild`` would make. On PostgreSQL a
#: collector reads the trials of their own accounts and every segment's counts, and
#: writes neither.
MIGRATIONS.append((15, "m015_pay_learning", [
    """
    CREATE TABLE pay_trials (
        call_id {bigint} PRIMARY KEY REFERENCES calls (id),
        account_id TEXT NOT NULL REFERENCES accounts (account_id),
        segment TEXT NOT NULL,
        day TEXT NOT NULL,
        window_end TEXT NOT NULL,
        balance_minor {bigint} NOT NULL,
        paid_minor {bigint} NOT NULL,
        counted INTEGER NOT NULL
    )
    """,
    "CREATE INDEX pay_trials_account ON pay_trials (account_id, day)",
    """
    CREATE TABLE pay_stats (
        segment TEXT NOT NULL,
        window_end TEXT NOT NULL,
        trials {bigint} NOT NULL,
        paid {bigint} NOT NULL,
        share_milli {bigint} NOT NULL,
        PRIMARY KEY (segment, window_end)
    )
    """,
    {"postgresql": "GRANT SELECT ON pay_trials, pay_stats"
                   " TO collectctl_collector, collectctl_lead"},
    {"postgresql": "ALTER TABLE pay_trials ENABLE ROW LEVEL SECURITY"},
    {"postgresql": "CREATE POLICY lead_all ON pay_trials FOR SELECT TO collectctl_lead"
                   " USING (true)"},
    {"postgresql": "CREATE POLICY own_read ON pay_trials FOR SELECT"
                   f" TO collectctl_collector USING ({_OWN})"},
]))

#: Who pays when reached, derived on the server (issue 22): on PostgreSQL no client writes
#: ``pay_trials`` or ``pay_stats`` (a collector could move every segment's counts, and
#: read lists' history they may not). Owner-owned triggers on ``calls`` and ``payments``
#: derive each touched account's trials again from its whole log, as ``paying.trials``
#: does: right-party entries standing (not undone, not an undo) by the published book;
#: the list in force at the call from ``account_history``; the debtor's day and segment
#: as contact learning places them; the window ``learning_pay`` says (a lead's, published
#: by ``learn rebuild`` and ``db migrate``); each standing payment credited to the latest
#: trial whose window holds its day; the latest ``SEGMENT_CAP`` counted.
#: An account's counted trials added to (``p_sign`` 1) or taken out of (-1) their segments.
_PAY_COUNT = """
CREATE FUNCTION collectctl_pay_count(p_account text, p_sign integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO pay_stats AS ps (segment, window_end, trials, paid, share_milli)
    SELECT t.segment, t.window_end, p_sign * pg_catalog.count(*),
           p_sign * pg_catalog.count(*) FILTER (WHERE t.paid_minor > 0),
           p_sign * COALESCE(pg_catalog.sum(CASE WHEN t.paid_minor > 0 AND t.balance_minor > 0
               THEN LEAST(t.paid_minor, t.balance_minor) * 1000 / t.balance_minor
               ELSE 0 END), 0)
    FROM pay_trials t WHERE t.account_id = p_account AND t.counted = 1
    GROUP BY t.segment, t.window_end ORDER BY t.segment, t.window_end
    ON CONFLICT (segment, window_end) DO UPDATE
    SET trials = ps.trials + excluded.trials, paid = ps.paid + excluded.paid,
        share_milli = ps.share_milli + excluded.share_milli;
END $$
"""
_PAY_DERIVE = """
CREATE FUNCTION collectctl_pay_derive(p_account text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    w record;
    a record;
    segs text[];
    ends text[];
BEGIN
    SELECT pg_catalog.array_agg(t.segment), pg_catalog.array_agg(t.window_end)
    INTO segs, ends
    FROM pay_trials t WHERE t.account_id = p_account AND t.counted = 1;
    PERFORM collectctl_pay_count(p_account, -1);
    DELETE FROM pay_trials WHERE account_id = p_account;
    SELECT * INTO w FROM learning_pay WHERE id = 1;
    a := collectctl_learn_place(p_account);
    IF w.id IS NOT NULL AND a.zone IS NOT NULL THEN
        WITH standing AS (
            SELECT c.id, c.called_at::timestamptz AS at, c.promise_date,
                   collectctl_learn_local(c.called_at, a.zone)::date AS day
            FROM calls c
            JOIN learning_outcomes o
              ON o.name = pg_catalog.lower(pg_catalog.btrim(c.outcome)) AND o.right_party = 1
            WHERE c.account_id = p_account AND c.reverses IS NULL
              AND NOT EXISTS (SELECT 1 FROM calls u WHERE u.reverses = c.id)
        ), listed AS (
            SELECT s.id, s.day, s.promise_date, v.amount_due_minor, v.risk,
                   v.past_due_since, v.work_start
            FROM standing s
            CROSS JOIN LATERAL (
                SELECT * FROM (
                    SELECT 0 AS rank, h.replaced_at::timestamptz AS until, h.amount_due_minor,
                           h.risk, h.past_due_since, h.work_start
                    FROM account_history h
                    WHERE h.account_id = p_account AND h.replaced_at::timestamptz > s.at
                    UNION ALL
                    SELECT 1, NULL, ac.amount_due_minor, ac.risk, ac.past_due_since,
                           ac.work_start
                    FROM accounts ac WHERE ac.account_id = p_account
                ) e ORDER BY e.rank, e.until LIMIT 1
            ) v
            WHERE s.day IS NOT NULL
        ), made AS (
            SELECT l.id, l.day, l.amount_due_minor AS balance,
                   collectctl_learn_segment(l.risk, l.past_due_since, l.day, a.zone,
                                            l.work_start) AS segment,
                   LEAST(GREATEST(l.day + w.window_days,
                                  COALESCE(NULLIF(l.promise_date, '')::date + w.grace_days,
                                           l.day + w.window_days)),
                         l.day + 60) AS window_end
            FROM listed l WHERE l.amount_due_minor > 0
        ), credited AS (
            SELECT DISTINCT ON (y.id) m.id, y.amount_minor
            FROM payments y
            JOIN made m ON m.day <= y.paid_on::date AND y.paid_on::date <= m.window_end
            WHERE y.account_id = p_account AND y.amount_minor > 0
              AND (y.call_id IS NULL
                   OR NOT EXISTS (SELECT 1 FROM calls r WHERE r.reverses = y.call_id))
            ORDER BY y.id, m.day DESC, m.id DESC
        )
        INSERT INTO pay_trials (call_id, account_id, segment, day, window_end,
                                balance_minor, paid_minor, counted)
        SELECT m.id, p_account, m.segment, m.day::text, m.window_end::text, m.balance,
               COALESCE((SELECT pg_catalog.sum(k.amount_minor) FROM credited k
                         WHERE k.id = m.id), 0),
               CASE WHEN pg_catalog.row_number() OVER (ORDER BY m.day DESC, m.id DESC)
                         <= 10 THEN 1 ELSE 0 END
        FROM made m;
    END IF;
    PERFORM collectctl_pay_count(p_account, 1);
    IF segs IS NOT NULL THEN
        DELETE FROM pay_stats ps
        USING ROWS FROM (pg_catalog.unnest(segs), pg_catalog.unnest(ends)) AS k(segment, window_end)
        WHERE ps.segment = k.segment AND ps.window_end = k.window_end
          AND ps.trials = 0 AND ps.paid = 0 AND ps.share_milli = 0;
    END IF;
END $$
"""
#: After entries: the accounts of the right-party ones and of the undos (what the log's
#: writer derives on SQLite); after payments: the accounts that have trials.
_PAY_FROM_CALLS = """
CREATE FUNCTION collectctl_pay_from_calls() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER AS $$
BEGIN
    PERFORM collectctl_pay_derive(k.account_id)
    FROM (SELECT DISTINCT n.account_id FROM added n
          LEFT JOIN learning_outcomes o
            ON o.name = pg_catalog.lower(pg_catalog.btrim(n.outcome))
          WHERE n.reverses IS NOT NULL OR o.right_party = 1
          ORDER BY n.account_id) k;
    RETURN NULL;
END $$
"""
_PAY_FROM_PAYMENTS = """
CREATE FUNCTION collectctl_pay_from_payments() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER AS $$
BEGIN
    PERFORM collectctl_pay_derive(k.account_id)
    FROM (SELECT DISTINCT n.account_id FROM added n
          WHERE EXISTS (SELECT 1 FROM pay_trials t WHERE t.account_id = n.account_id)
          ORDER BY n.account_id) k;
    RETURN NULL;
END $$
"""
#: ``learn rebuild``: every account's trials again (a lead's; in the caller's transaction).
_PAY_REBUILD = """
CREATE FUNCTION collectctl_pay_rebuild() RETURNS bigint LANGUAGE plpgsql
SECURITY DEFINER AS $$
DECLARE
    n bigint;
BEGIN
    DELETE FROM pay_trials;
    DELETE FROM pay_stats;
    PERFORM collectctl_pay_derive(k.account_id)
    FROM (SELECT DISTINCT account_id FROM calls ORDER BY account_id) k;
    SELECT pg_catalog.count(*) INTO n FROM pay_trials;
    RETURN n;
END $$
"""
_PAY_SIGNATURES = ("collectctl_pay_count(text, integer)", "collectctl_pay_derive(text)",
                   "collectctl_pay_from_calls()", "collectctl_pay_from_payments()",
                   "collectctl_pay_rebuild()")
_PG_PAY = [
    """
    CREATE TABLE learning_pay (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        window_days INTEGER NOT NULL CHECK (window_days > 0),
        grace_days INTEGER NOT NULL CHECK (grace_days >= 0)
    )
    """,
    "GRANT SELECT ON learning_pay TO collectctl_collector, collectctl_lead",
    "GRANT INSERT, UPDATE, DELETE ON learning_pay TO collectctl_lead",
    _PAY_COUNT, _PAY_DERIVE, _PAY_FROM_CALLS, _PAY_FROM_PAYMENTS, _PAY_REBUILD,
    _pinned(_PAY_SIGNATURES),
    "GRANT EXECUTE ON FUNCTION collectctl_pay_rebuild() TO collectctl_lead",
    "CREATE TRIGGER calls_pay AFTER INSERT ON calls REFERENCING NEW TABLE AS added"
    " FOR EACH STATEMENT EXECUTE FUNCTION collectctl_pay_from_calls()",
    "CREATE TRIGGER payments_pay AFTER INSERT ON payments REFERENCING NEW TABLE AS added"
    " FOR EACH STATEMENT EXECUTE FUNCTION collectctl_pay_from_payments()",
]
MIGRATIONS.append((16, "m016_pay_learning_on_the_server",
                   [{"postgresql": s} for s in _PG_PAY]))

LATEST_VERSION = MIGRATIONS[-1][0]

#: The dialect words; ``timestamp`` and ``now`` are only for the migrations record
#: (:mod:`collectctl.storage.migrations`), whose PostgreSQL form predates it.
DIALECTS = {
    "sqlite": {"id_pk": "INTEGER PRIMARY KEY", "bigint": "INTEGER", "timestamp": "TEXT",
               "now": "CURRENT_TIMESTAMP"},
    "postgresql": {"id_pk": "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
                   "bigint": "BIGINT", "timestamp": "TIMESTAMPTZ", "now": "now()"},
}


def statements(engine: str, migration: list[Statement]) -> list[str]:
    """The DDL of one migration in ``engine``'s dialect. A statement is portable text with
    the dialect words, or ``{engine: text}`` for a statement only some engines run."""
    words = DIALECTS[engine]
    out = []
    for s in migration:
        if isinstance(s, dict):
            if engine in s:
                out.append(" ".join(s[engine].split()))
        else:
            out.append(" ".join(s.format(**words).split()))
    return out
