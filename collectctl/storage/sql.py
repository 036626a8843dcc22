"""Every SQL statement collectctl runs, written once for SQLite and PostgreSQL.

Named parameters (``:name``) throughout; the PostgreSQL backend rewrites them
to its own style. ``{ids}`` / ``{where}`` are filled only with placeholders or
fixed clauses built here, never with user text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from collectctl.core.chain import LEDGER_FIELDS

#: The columns of what a list says besides the amount due, and who set the collector
#: (migration 12), in ``accounts`` and ``account_history`` alike.
LISTED_MORE_COLUMNS = (
    "principal_minor", "interest_minor", "fees_minor", "minimum_due_minor", "last_payment_on",
    "last_payment_minor", "credit_limit_minor", "employer", "mailing_address",
    "registered_address", "occupation", "contacts", "listed_collector", "assigned_by",
)
LISTED_MORE = ", ".join(LISTED_MORE_COLUMNS)
_LISTED_MORE_PARAMS = ", ".join(f":{c}" for c in LISTED_MORE_COLUMNS)
_LISTED_MORE_SET = ", ".join(f"{c} = :{c}" for c in LISTED_MORE_COLUMNS)

#: A phone the plan may dial: valid, and the debtor's own or their workplace's by its label
#: (``models.phone_role``; ``home: 2nd`` is a home phone): not a contact person's or a
#: relative's, whose number is no way to reach the debtor.
_DIALLABLE = ("p.valid = 1 AND (p.label IN ('mobile', 'home', 'phone', 'work')"
              " OR p.label LIKE 'mobile:%' OR p.label LIKE 'home:%'"
              " OR p.label LIKE 'phone:%' OR p.label LIKE 'work:%')")

ACCOUNT_COLUMNS = (
    "account_id, name, amount_due_minor, currency, past_due_since, due_date, work_start, "
    "paydays, timezone, assigned_to, risk, notes, status, as_of, listed_timezone, listed_country, "
    + LISTED_MORE
)
PHONE_COLUMNS = "account_id, number, label, valid, extension, region, zones"

COUNTABLE = ("accounts", "phones", "import_batches", "account_history", "calls", "promises",
             "payments", "debtor_requests")

INSERT_BATCH = """
INSERT INTO import_batches (kind, file_name, imported_at, encoding)
VALUES (:kind, :file_name, :at, :encoding)
"""

FINISH_BATCH = """
UPDATE import_batches
SET sha256 = :sha256, inserted = :inserted, updated = :updated, unchanged = :unchanged,
    rejected = :rejected, closed = :closed
WHERE id = :id
"""

BATCH_COLUMNS = (
    "id, kind, file_name, sha256, imported_at, encoding, inserted, updated, unchanged, "
    "rejected, closed"
)

FIND_BATCH_BY_SHA = f"""
SELECT {BATCH_COLUMNS} FROM import_batches
WHERE kind = :kind AND sha256 = :sha256 AND id < :before
ORDER BY id DESC LIMIT 1
"""

SELECT_FINGERPRINTS = """
SELECT a.account_id, a.row_hash, a.status, a.raw_hash,
       CASE WHEN EXISTS (SELECT 1 FROM phones p WHERE p.account_id = a.account_id
                         AND """ + _DIALLABLE + """) THEN 1 ELSE 0 END,
       CASE WHEN a.assigned_by = 'lead'
                 AND COALESCE(a.assigned_to, '') <> COALESCE(a.listed_collector, '')
            THEN 1 ELSE 0 END
FROM accounts a WHERE a.account_id {in_ids}
"""
SET_RAW_HASH = "UPDATE accounts SET raw_hash = :raw_hash WHERE account_id = :account_id"

INSERT_ACCOUNT = """
INSERT INTO accounts (account_id, name, amount_due_minor, currency, past_due_since, due_date,
    work_start, paydays, timezone, assigned_to, risk, notes, status, as_of, row_hash, batch_id,
    created_at, updated_at, raw_hash, listed_timezone, listed_country, """ + LISTED_MORE + """)
VALUES (:account_id, :name, :amount_due_minor, :currency, :past_due_since, :due_date,
    :work_start, :paydays, :timezone, :assigned_to, :risk, :notes, 'open', :as_of, :row_hash,
    :batch_id, :now, :now, :raw_hash, :listed_timezone, :listed_country, """ \
    + _LISTED_MORE_PARAMS + ")"

def positional(query: str) -> tuple[str, tuple[str, ...]]:
    """A statement with named parameters as one with ``?`` ones, and the names in the
    order their values are bound (a name used twice, twice): for loads that bind tuples,
    which SQLite takes without a dictionary per row (``codec.account_values``)."""
    return re.sub(r":(\w+)", "?", query), tuple(re.findall(r":(\w+)", query))


#: :data:`INSERT_ACCOUNT` for a first load's tuples (SQLite), and the order they bind in.
INSERT_ACCOUNT_ROW, INSERT_ACCOUNT_ORDER = positional(INSERT_ACCOUNT)

UPDATE_ACCOUNT = """
UPDATE accounts SET name = :name, amount_due_minor = :amount_due_minor, currency = :currency,
    past_due_since = :past_due_since, due_date = :due_date, work_start = :work_start,
    paydays = :paydays, timezone = :timezone, assigned_to = :assigned_to, risk = :risk,
    notes = :notes, status = 'open', as_of = :as_of, row_hash = :row_hash, batch_id = :batch_id,
    updated_at = :now, raw_hash = :raw_hash, listed_timezone = :listed_timezone,
    listed_country = :listed_country, """ + _LISTED_MORE_SET + """
WHERE account_id = :account_id
"""

_HISTORY_INSERT = """
INSERT INTO account_history (account_id, replaced_by_batch, replaced_at, name, amount_due_minor,
    currency, past_due_since, due_date, work_start, paydays, timezone, assigned_to, risk, notes,
    status, as_of, batch_id, listed_timezone, listed_country, """ + LISTED_MORE + """)
SELECT account_id, :batch_id, :now, name, amount_due_minor, currency, past_due_since, due_date,
    work_start, paydays, timezone, assigned_to, risk, notes, status, as_of, batch_id,
    listed_timezone, listed_country, """ + LISTED_MORE + """
FROM accounts
"""

SAVE_HISTORY = _HISTORY_INSERT + " WHERE account_id = :id"

ADD_PHONE = """
INSERT INTO phones (account_id, number, label, valid, extension, position, source, added_at)
VALUES (:account_id, :number, :label, :valid, :extension,
    (SELECT COUNT(*) FROM phones WHERE account_id = :account_id), :source, :now)
ON CONFLICT (account_id, number) DO NOTHING
"""

#: A new account's phones: their positions are known (no count of the ones on file).
INSERT_NEW_PHONE = """
INSERT INTO phones (account_id, number, label, valid, extension, position, source, added_at,
    region, zones)
VALUES (:account_id, :number, :label, :valid, :extension, :position, :source, :now, :region,
    :zones)
ON CONFLICT (account_id, number) DO NOTHING
"""

#: :data:`INSERT_NEW_PHONE` for a first load's tuples (``codec.phone_values``).
INSERT_NEW_PHONE_ROW, INSERT_NEW_PHONE_ORDER = positional(INSERT_NEW_PHONE)

#: The accounts (``{accounts_of}``: some ids, or all) without a phone to dial.
_WITHOUT_VALID_PHONE = """
SELECT a.account_id FROM accounts a
WHERE {accounts_of} NOT EXISTS (SELECT 1 FROM phones p WHERE p.account_id = a.account_id
                                AND """ + _DIALLABLE + """)
ORDER BY a.account_id
"""
WITHOUT_VALID_PHONE = _WITHOUT_VALID_PHONE.replace("{accounts_of}",
                                                  "a.account_id IN ({ids}) AND")
#: Every account without a phone to dial (after a first load: all of them are its).
WITHOUT_VALID_PHONE_ALL = _WITHOUT_VALID_PHONE.replace("{accounts_of}", "")

#: Whether the accounts table holds a row (a first load is into an empty one).
ANY_ACCOUNT = "SELECT EXISTS (SELECT 1 FROM accounts)"
#: SQLite: a table's indexes that enforce nothing (not a key's, not UNIQUE), with the
#: statement that made each: what a first load drops and builds again once loaded.
SQLITE_PLAIN_INDEXES = """
SELECT m.name, m.sql FROM sqlite_master m
WHERE m.type = 'index' AND m.tbl_name = :table AND m.sql IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM pragma_index_list(:table) l
                  WHERE l.name = m.name AND l."unique" = 1)
ORDER BY m.name
"""

CREATE_SEEN = "CREATE TEMP TABLE IF NOT EXISTS seen_ids (account_id TEXT PRIMARY KEY)"
CLEAR_SEEN = "DELETE FROM seen_ids"
INSERT_SEEN = "INSERT INTO seen_ids (account_id) VALUES (:id) ON CONFLICT DO NOTHING"

_MISSING = {
    "all": "status = 'open' AND account_id NOT IN (SELECT account_id FROM seen_ids)",
    "collector": (
        "status = 'open' AND assigned_to = :collector "
        "AND account_id NOT IN (SELECT account_id FROM seen_ids)"
    ),
}
SAVE_HISTORY_MISSING = {k: f"{_HISTORY_INSERT} WHERE {w}" for k, w in _MISSING.items()}
CLOSE_MISSING = {
    k: f"UPDATE accounts SET status = 'closed', batch_id = :batch_id, updated_at = :now WHERE {w}"
    for k, w in _MISSING.items()
}
#: How many accounts ``CLOSE_MISSING`` would close (the same scopes), and how many are open
#: in its scope: what ``import accounts --close-missing`` weighs before it closes any.
COUNT_MISSING = {k: f"SELECT COUNT(*) FROM accounts WHERE {w}" for k, w in _MISSING.items()}
COUNT_OPEN = {
    "all": "SELECT COUNT(*) FROM accounts WHERE status = 'open'",
    "collector": "SELECT COUNT(*) FROM accounts WHERE status = 'open' AND assigned_to = :collector",
}

SELECT_ACCOUNT = f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE account_id = :id"
SELECT_PHONES = f"SELECT {PHONE_COLUMNS} FROM phones WHERE account_id = :id ORDER BY position"
SELECT_ACCOUNTS_IN = f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE account_id IN ({{ids}})"
SELECT_PHONES_IN = f"""
SELECT {PHONE_COLUMNS} FROM phones WHERE account_id IN ({{ids}}) ORDER BY account_id, position
"""
SELECT_ACCOUNTS = f"SELECT {ACCOUNT_COLUMNS} FROM accounts a {{where}} ORDER BY account_id"
SELECT_ALL_PHONES = f"""
SELECT {PHONE_COLUMNS} FROM phones
WHERE account_id IN (SELECT account_id FROM accounts a {{where}})
ORDER BY account_id, position
"""
SELECT_COLLECTORS = """
SELECT DISTINCT assigned_to FROM accounts WHERE assigned_to IS NOT NULL ORDER BY assigned_to
"""


def account_filters(
    collector: str | None, status: str | None, min_amount_minor: int | None
) -> tuple[str, dict[str, str | int]]:
    """A WHERE clause (fixed text, named parameters) for listing accounts."""
    clauses: list[str] = []
    params: dict[str, str | int] = {}
    if collector is not None:
        clauses.append("a.assigned_to = :collector")
        params["collector"] = collector
    if status is not None:
        clauses.append("a.status = :status")
        params["status"] = status
    if min_amount_minor is not None:
        clauses.append("a.amount_due_minor >= :min_amount")
        params["min_amount"] = min_amount_minor
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


#: ``IN`` a list given as one parameter, ``:ids`` (a placeholder per value costs more
#: than the lookup itself on a hot path): SQLite reads a JSON array, PostgreSQL an array.
IN_IDS = {"sqlite": "IN (SELECT value FROM json_each(:ids))", "postgresql": "= ANY(:ids)"}

#: Which of some ids a first load has written, and the rowid of each (SQLite: the order
#: they went in, counted from 1 in the table the load found empty).
LOADED_ROWIDS = ("SELECT account_id, rowid FROM accounts WHERE account_id "
                 + IN_IDS["sqlite"])
LAST_ROWID = "SELECT COALESCE(MAX(rowid), 0) FROM accounts"


def ids_param(engine: str, values) -> dict:
    """The ``:ids`` parameter of :data:`IN_IDS` for ``engine``."""
    if engine == "sqlite":
        import json

        return {"ids": json.dumps(list(values), ensure_ascii=False)}
    return {"ids": list(values)}


def in_list(values: Sequence[str]) -> tuple[str, dict[str, str]]:
    """Named placeholders ``:v0, :v1, ...`` and their parameters for an ``IN (...)`` list."""
    params = {f"v{n}": value for n, value in enumerate(values)}
    return ",".join(f":{name}" for name in params), params

# -- the call log --------------------------------------------------------------------------

CALL_COLUMNS = (
    "c.id, c.account_id, c.collector, c.called_at, c.outcome, c.phone, c.note, c.amount_minor, "
    "c.promise_date, c.callback_at, c.reverses, c.invalidated_phone, c.source, "
    "(SELECT r.id FROM calls r WHERE r.reverses = c.id)"
)

INSERT_CALL = """
INSERT INTO calls (account_id, collector, called_at, outcome, phone, note, amount_minor,
    promise_date, callback_at, reverses, invalidated_phone, source, batch_id, logged_at,
    chain, seq)
VALUES (:account_id, :collector, :called_at, :outcome, :phone, :note, :amount_minor,
    :promise_date, :callback_at, :reverses, :invalidated_phone, :source, :batch_id, :now,
    :chain, :seq)
"""
#: Entries that point at a call of another account (PostgreSQL's foreign keys refuse them;
#: SQLite's ``db check`` looks).
CROSS_ACCOUNT_REFERENCES = """
SELECT 'calls', c.id FROM calls c JOIN calls r ON r.id = c.reverses
WHERE r.account_id <> c.account_id
UNION ALL
SELECT 'promises', p.id FROM promises p JOIN calls c ON c.id = p.call_id
WHERE c.account_id <> p.account_id
UNION ALL
SELECT 'payments', y.id FROM payments y JOIN calls c ON c.id = y.call_id
WHERE c.account_id <> y.account_id
LIMIT 5
"""
#: The ledger's head record (core.chain.Head).
SELECT_CHAIN_HEAD = """
SELECT entries, head, legacy_calls, legacy_unchained, legacy_promises, legacy_payments, keyed
FROM chain_head WHERE id = 1
"""
MOVE_CHAIN_HEAD = "UPDATE chain_head SET entries = :seq, head = :chain, keyed = :keyed WHERE id = 1"
#: The first chain (calls from before the ledger), in id order.
SELECT_CHAIN = """
SELECT id, account_id, collector, called_at, outcome, phone, note, amount_minor, promise_date,
    callback_at, reverses, invalidated_phone, source, chain
FROM calls WHERE seq IS NULL ORDER BY id
"""
#: Promises and payments from before the ledger.
COUNT_UNNUMBERED = """
SELECT (SELECT COUNT(*) FROM promises WHERE seq IS NULL),
       (SELECT COUNT(*) FROM payments WHERE seq IS NULL)
"""
#: Every ledger entry in number order: kind, seq, id, that kind's fields as text (core.chain
#: LEDGER_FIELDS; the shorter kinds padded with NULLs), chain.
SELECT_LEDGER = " UNION ALL ".join(
    f"SELECT '{kind}', seq, id, "
    + ", ".join([f"CAST({f} AS TEXT)" for f in fields]
                + ["NULL"] * (max(len(f) for _t, f in LEDGER_FIELDS.values()) - len(fields)))
    + f", chain FROM {table} WHERE seq IS NOT NULL"
    for kind, (table, fields) in LEDGER_FIELDS.items()) + " ORDER BY 2"

SELECT_CALL = f"SELECT {CALL_COLUMNS} FROM calls c WHERE c.id = :id"
FIND_CALL = """
SELECT c.id FROM calls c
WHERE c.account_id = :account_id AND c.called_at = :called_at AND c.outcome = :outcome
  AND NOT EXISTS (SELECT 1 FROM calls r WHERE r.reverses = c.id)
"""
SELECT_CALLS_OF = f"SELECT {CALL_COLUMNS} FROM calls c WHERE c.account_id = :id ORDER BY c.id"
SELECT_LAST_CALL_BY = f"""
SELECT {CALL_COLUMNS} FROM calls c
WHERE c.collector = :collector AND c.reverses IS NULL
  AND NOT EXISTS (SELECT 1 FROM calls r WHERE r.reverses = c.id)
ORDER BY c.id DESC LIMIT 1
"""

SET_PHONE_VALID = """
UPDATE phones SET valid = :valid WHERE account_id = :account_id AND number = :number
  AND valid <> :valid
"""

INSERT_PROMISE = """
INSERT INTO promises (account_id, call_id, amount_minor, due_date, made_on, chain, seq)
VALUES (:account_id, :call_id, :amount_minor, :due_date, :made_on, :chain, :seq)
"""

#: Promises whose call was not undone.
_STANDING_PROMISES = """
SELECT p.id, p.account_id, p.amount_minor, p.due_date, p.made_on, p.call_id
FROM promises p
WHERE NOT EXISTS (SELECT 1 FROM calls r WHERE r.reverses = p.call_id)
"""
SELECT_PROMISES_OF = _STANDING_PROMISES + " AND p.account_id = :id ORDER BY p.due_date, p.id"
SELECT_PROMISES = _STANDING_PROMISES + """
  AND p.account_id IN (SELECT a.account_id FROM accounts a {where})
ORDER BY p.due_date, p.account_id, p.id
"""

INSERT_PAYMENT = """
INSERT INTO payments (account_id, amount_minor, paid_on, reference, source, call_id, batch_id,
    recorded_at, chain, seq)
VALUES (:account_id, :amount_minor, :paid_on, :reference, :source, :call_id, :batch_id, :now,
    :chain, :seq)
ON CONFLICT (account_id, reference) DO NOTHING
"""

#: Payments that stand: not recorded by a call that was undone.
_STANDING_PAYMENTS = """
SELECT y.id, y.account_id, y.amount_minor, y.paid_on, y.reference, y.source, y.call_id
FROM payments y
WHERE (y.call_id IS NULL OR NOT EXISTS (SELECT 1 FROM calls r WHERE r.reverses = y.call_id))
"""
SELECT_PAYMENTS_OF = _STANDING_PAYMENTS + " AND y.account_id = :id ORDER BY y.paid_on, y.id"
SELECT_PAYMENTS_IN = _STANDING_PAYMENTS + """
  AND y.account_id IN ({ids}) ORDER BY y.account_id, y.paid_on, y.id
"""

#: Open accounts with no valid phone, or whose latest standing entry is a skip.
SELECT_NO_VALID_PHONE = """
SELECT a.account_id FROM accounts a
WHERE a.status = 'open'
  AND NOT EXISTS (SELECT 1 FROM phones p WHERE p.account_id = a.account_id
                  AND """ + _DIALLABLE + """)
ORDER BY a.account_id
"""
SELECT_LAST_OUTCOMES = """
SELECT c.account_id, c.outcome FROM calls c
WHERE c.reverses IS NULL AND NOT EXISTS (SELECT 1 FROM calls r WHERE r.reverses = c.id)
  AND c.outcome <> 'resume'
  AND c.id = (SELECT MAX(c2.id) FROM calls c2 WHERE c2.account_id = c.account_id
              AND c2.reverses IS NULL AND c2.outcome <> 'resume'
              AND NOT EXISTS (SELECT 1 FROM calls r2 WHERE r2.reverses = c2.id))
  AND c.outcome IN ({codes})
  AND c.account_id IN (SELECT account_id FROM accounts WHERE status = 'open')
"""

# -- planning: one collector's open accounts and their history -----------------------------

_OPEN_OF = (
    "SELECT a.account_id FROM accounts a WHERE a.assigned_to = :collector AND a.status = 'open'"
)
SELECT_CALLS_FOR_COLLECTOR = f"""
SELECT {CALL_COLUMNS} FROM calls c WHERE c.account_id IN ({_OPEN_OF}) ORDER BY c.id
"""
SELECT_PROMISES_FOR_COLLECTOR = _STANDING_PROMISES + f"""
  AND p.account_id IN ({_OPEN_OF}) ORDER BY p.due_date, p.id
"""
SELECT_PAYMENTS_FOR_COLLECTOR = _STANDING_PAYMENTS + f"""
  AND y.account_id IN ({_OPEN_OF}) ORDER BY y.paid_on, y.id
"""

# -- the debtor's requests (core.requests) ---------------------------------------------------

REQUEST_COLUMNS = "id, account_id, kind, from_minute, to_minute, days, note, set_by, set_at"
INSERT_REQUEST = """
INSERT INTO debtor_requests (account_id, kind, from_minute, to_minute, days, note, set_by,
    set_at)
VALUES (:account_id, :kind, :from_minute, :to_minute, :days, :note, :set_by, :set_at)
"""
SELECT_REQUESTS_OF = f"""
SELECT {REQUEST_COLUMNS} FROM debtor_requests WHERE account_id = :id ORDER BY id
"""
#: One collector's open accounts' entries, for the plan: one query, however many accounts.
SELECT_REQUESTS_FOR_COLLECTOR = f"""
SELECT {REQUEST_COLUMNS} FROM debtor_requests d
WHERE d.account_id IN ({_OPEN_OF}) ORDER BY d.account_id, d.id
"""
#: The entries of some accounts, for the audit (``{ids}``: an :func:`in_list`).
SELECT_REQUESTS_OF_ACCOUNTS = f"""
SELECT {REQUEST_COLUMNS} FROM debtor_requests WHERE account_id IN ({{ids}})
ORDER BY account_id, id
"""
SELECT_ALL_REQUESTS = f"""
SELECT {REQUEST_COLUMNS} FROM debtor_requests ORDER BY account_id, id
"""
#: The accounts with a request (not only ``clear`` entries) set before ``:end``.
AUDIT_REQUESTED = """
SELECT DISTINCT account_id FROM debtor_requests WHERE kind <> 'clear' AND set_at < :end
"""
#: The times of some accounts' entries in the period (by ``calls_of``'s collector): where
#: the audit looks for calls in the debtors' windows (the index on account and time).
AUDIT_CALL_TIMES = """
SELECT c.account_id, c.called_at FROM calls c
WHERE c.account_id IN ({ids}) AND c.called_at >= :start AND c.called_at < :end {calls_of}
"""

# -- metrics and targets --------------------------------------------------------------------

#: An entry that stands: not an undo entry and not undone. (Written with the outcome, not
#: ``reverses IS NULL``: the planner would scan the unique index on ``reverses`` for every
#: call instead of the time range.)
_STANDING_CALL = (
    "c.outcome <> 'undo' AND NOT EXISTS (SELECT 1 FROM calls r WHERE r.reverses = c.id)"
)

#: The log's distinct outcome codes, one seek each in ``calls_outcome`` (outcome, called_at,
#: collector, account_id): a loose index scan, which SQLite does not do by itself. Joined to
#: ``calls`` (``LOGGED_CALLS``), a period's entries of the whole team are each outcome's range
#: of times in that covering index: no table row read on SQLite (a day of a large team is
#: 330,000 calls among 10,000,000; through the index on time alone each would be a row
#: read). PostgreSQL's planner may join the codes to its own choice of scan instead: the
#: results are the same, its plan is its own.
LOGGED_OUTCOMES = """
WITH RECURSIVE logged (outcome) AS (
  SELECT MIN(outcome) FROM calls
  UNION ALL
  SELECT (SELECT MIN(n.outcome) FROM calls n WHERE n.outcome > logged.outcome) FROM logged
  WHERE logged.outcome IS NOT NULL)
"""
#: ``FROM`` the period's entries, the team's (``c.outcome = logged.outcome`` in ``WHERE``):
#: after :data:`LOGGED_OUTCOMES`; ``CROSS JOIN`` keeps SQLite's loops in this order.
LOGGED_CALLS = "logged CROSS JOIN calls c"

OUTCOME_COUNTS = f"""
{{with_outcomes}}
SELECT c.collector, c.outcome, COUNT(*) FROM {{period_calls}}
WHERE {{by_outcome}} c.called_at >= :start AND c.called_at < :end AND {_STANDING_CALL}
  {{calls_of}}
GROUP BY c.collector, c.outcome
"""
#: Per collector and currency (the account's: a promise is in its debt's currency).
PROMISES_MADE = f"""
SELECT c.collector, a.currency, COUNT(*), SUM(p.amount_minor) FROM promises p
  JOIN calls c ON c.id = p.call_id JOIN accounts a ON a.account_id = p.account_id
WHERE p.made_on >= :first AND p.made_on <= :last
  AND c.called_at >= :start AND c.called_at < :end AND {_STANDING_CALL} {{calls_of}}
GROUP BY c.collector, a.currency
"""
PROMISES_DUE = f"""
SELECT c.collector, p.id, p.account_id, p.amount_minor, p.due_date, p.made_on, p.call_id
FROM promises p JOIN calls c ON c.id = p.call_id
WHERE p.due_date >= :first AND p.due_date <= :last AND {_STANDING_CALL} {{calls_of}}
"""
COLLECTED = """
SELECT a.assigned_to, a.currency, SUM(y.amount_minor) FROM payments y JOIN accounts a
  ON a.account_id = y.account_id
WHERE y.paid_on >= :first AND y.paid_on <= :last
  AND (y.call_id IS NULL OR NOT EXISTS (SELECT 1 FROM calls r WHERE r.reverses = y.call_id))
  {accounts_of}
GROUP BY a.assigned_to, a.currency
"""
#: Outstanding at the start of a period = the lists' amounts (accounts open, or closed
#: during the period) less the payments made between each list's day and that start.
#: Two aggregates rather than a subquery per account: a portfolio has a million accounts.
#: Per collector and currency (the index accounts_balance covers the open accounts' part).
LISTED_AMOUNTS = """
SELECT a.assigned_to, a.currency, SUM(a.amount_due_minor) FROM accounts a
WHERE a.status = 'open' {accounts_of} GROUP BY a.assigned_to, a.currency
UNION ALL
SELECT a.assigned_to, a.currency, SUM(a.amount_due_minor) FROM accounts a
WHERE a.status = 'closed' AND a.updated_at >= :start {accounts_of}
GROUP BY a.assigned_to, a.currency
"""
PAID_BEFORE = """
SELECT a.assigned_to, a.currency, SUM(y.amount_minor) FROM payments y JOIN accounts a
  ON a.account_id = y.account_id
WHERE y.paid_on < :first AND y.paid_on >= a.as_of
  AND (a.status = 'open' OR a.updated_at >= :start) {accounts_of}
  AND (y.call_id IS NULL OR NOT EXISTS (SELECT 1 FROM calls r WHERE r.reverses = y.call_id))
GROUP BY a.assigned_to, a.currency
"""

SELECT_CURRENCIES_IN = "SELECT account_id, currency FROM accounts WHERE account_id IN ({ids})"

#: Fixed clauses that narrow the metric queries to one collector (one collector's period
#: from the index on collector and time), or read the team's period by outcome
#: (:data:`LOGGED_OUTCOMES`).
ONE_COLLECTOR = {"calls_of": "AND c.collector = :collector",
                 "accounts_of": "AND a.assigned_to = :collector",
                 "with_outcomes": "", "period_calls": "calls c", "by_outcome": ""}
ALL_COLLECTORS = {"calls_of": "", "accounts_of": "", "with_outcomes": LOGGED_OUTCOMES,
                  "period_calls": LOGGED_CALLS, "by_outcome": "c.outcome = logged.outcome AND"}
BALANCE_BY_COLLECTOR = """
SELECT a.assigned_to, a.currency, SUM(a.amount_due_minor) FROM accounts a
WHERE a.status = 'open' AND a.assigned_to IS NOT NULL GROUP BY a.assigned_to, a.currency
"""

UPSERT_TARGET = """
INSERT INTO targets (collector, period, start_date, metric, value, currency, set_at)
VALUES (:collector, :period, :start_date, :metric, :value, :currency, :now)
ON CONFLICT (collector, period, start_date, metric) DO UPDATE SET value = excluded.value,
    currency = excluded.currency, set_at = excluded.set_at
"""
SELECT_TARGETS = """
SELECT collector, period, start_date, metric, value, currency FROM targets
ORDER BY COALESCE(collector, ''), period, start_date, metric
"""
DELETE_TARGETS = "DELETE FROM targets"
#: A split replaces the collectors' targets of its metric and period (a collector with no
#: open accounts left keeps none).
DELETE_COLLECTORS_TARGET = """
DELETE FROM targets WHERE collector <> '' AND period = :period AND start_date = :start_date
  AND metric = :metric
"""

COLLECTED_BY_DAY = """
SELECT y.paid_on, a.assigned_to, SUM(y.amount_minor), a.currency FROM payments y JOIN accounts a
  ON a.account_id = y.account_id
WHERE y.paid_on >= :first AND y.paid_on <= :last
  AND (y.call_id IS NULL OR NOT EXISTS (SELECT 1 FROM calls r WHERE r.reverses = y.call_id))
GROUP BY y.paid_on, a.assigned_to, a.currency
"""
CALLS_BY_UTC_HOUR = f"""
{{with_outcomes}}
SELECT substr(c.called_at, 1, 13), c.collector, c.outcome, COUNT(*) FROM {{period_calls}}
WHERE {{by_outcome}} c.called_at >= :start AND c.called_at < :end AND {_STANDING_CALL}
  {{calls_of}}
GROUP BY substr(c.called_at, 1, 13), c.collector, c.outcome
"""

# -- assignment ----------------------------------------------------------------------------

#: An account's versions, oldest first: each earlier one with when (and by which list's
#: import, if one) it was replaced, then the account as it is (``replaced_at`` NULL).
SELECT_ASSIGNMENTS_OF = """
SELECT h.replaced_at, b.file_name, h.assigned_to, h.assigned_by, h.id
FROM account_history h LEFT JOIN import_batches b ON b.id = h.replaced_by_batch
WHERE h.account_id = :id
UNION ALL
SELECT NULL, NULL, a.assigned_to, a.assigned_by, NULL FROM accounts a WHERE a.account_id = :id
ORDER BY 5
"""

ASSIGN_ACCOUNT = """
UPDATE accounts SET assigned_to = :collector, assigned_by = 'lead', updated_at = :now
WHERE account_id = :id
"""

# -- copying a whole database between engines ----------------------------------------------

#: Every table with its columns, in an order that satisfies the foreign keys, and the
#: money column whose total a copy must keep (None: counted only).
BUMP_CONTACT_STATS = """
    INSERT INTO contact_stats (scope, key, hour, weekend, tries, contacts, exposure)
    VALUES (:scope, :key, :hour, :weekend, :tries, :contacts, :exposure)
    ON CONFLICT (scope, key, hour, weekend) DO UPDATE
    SET tries = contact_stats.tries + excluded.tries,
        contacts = contact_stats.contacts + excluded.contacts,
        exposure = contact_stats.exposure + excluded.exposure
"""
INSERT_CONTACT_STATS = """
    INSERT INTO contact_stats (scope, key, hour, weekend, tries, contacts, exposure)
    VALUES (:scope, :key, :hour, :weekend, :tries, :contacts, :exposure)
"""
DELETE_CONTACT_STATS = "DELETE FROM contact_stats"
SELECT_ACCOUNT_STATS_FOR_COLLECTOR = f"""
    SELECT key, hour, weekend, tries, contacts, exposure FROM contact_stats
    WHERE scope = 'a' AND key IN ({_OPEN_OF})
"""
SELECT_ACCOUNT_STATS_OF = """
    SELECT key, hour, weekend, tries, contacts, exposure FROM contact_stats
    WHERE scope = 'a' AND key = :id
"""
SELECT_SEGMENT_STATS = """
    SELECT key, hour, weekend, tries, contacts, exposure FROM contact_stats
    WHERE scope = 's'
"""
SELECT_ALL_CONTACT_STATS = """
    SELECT scope, key, hour, weekend, tries, contacts, exposure FROM contact_stats
    WHERE tries <> 0 OR contacts <> 0 OR exposure <> 0 ORDER BY scope, key, hour, weekend
"""
SELECT_ALL_CALLS_BY_ACCOUNT = f"SELECT {CALL_COLUMNS} FROM calls c ORDER BY c.account_id, c.id"

# -- who pays when reached (core.paying) --------------------------------------------------

PAY_TRIAL_COLUMNS = ("call_id, account_id, segment, day, window_end, balance_minor,"
                     " paid_minor, counted")
SELECT_PAY_TRIALS_OF = f"""
    SELECT {PAY_TRIAL_COLUMNS} FROM pay_trials WHERE account_id = :id ORDER BY day, call_id
"""
SELECT_PAY_TRIALS_FOR_COLLECTOR = f"""
    SELECT {PAY_TRIAL_COLUMNS} FROM pay_trials WHERE account_id IN ({_OPEN_OF})
    ORDER BY account_id, day, call_id
"""
#: The trials of the accounts with a contact in a period (all of them: the estimate at
#: each contact is learned from the earlier ones), each with who made the call and the
#: account's currency.
SELECT_PAY_TRIALS_AROUND = """
    SELECT t.call_id, t.account_id, t.segment, t.day, t.window_end, t.balance_minor,
           t.paid_minor, t.counted, c.collector, a.currency
    FROM pay_trials t JOIN calls c ON c.id = t.call_id
    JOIN accounts a ON a.account_id = t.account_id
    WHERE t.account_id IN (SELECT p.account_id FROM pay_trials p
                           WHERE p.day >= :first AND p.day <= :last)
    ORDER BY t.account_id, t.day, t.call_id
"""
SELECT_ALL_PAY_TRIALS = f"SELECT {PAY_TRIAL_COLUMNS} FROM pay_trials ORDER BY call_id"
DELETE_PAY_TRIALS_OF = "DELETE FROM pay_trials WHERE account_id = :id"
INSERT_PAY_TRIAL = """
    INSERT INTO pay_trials (call_id, account_id, segment, day, window_end, balance_minor,
                            paid_minor, counted)
    VALUES (:call_id, :account_id, :segment, :day, :window_end, :balance_minor,
            :paid_minor, :counted)
"""
BUMP_PAY_STATS = """
    INSERT INTO pay_stats (segment, window_end, trials, paid, share_milli)
    VALUES (:segment, :window_end, :trials, :paid, :share_milli)
    ON CONFLICT (segment, window_end) DO UPDATE
    SET trials = pay_stats.trials + excluded.trials, paid = pay_stats.paid + excluded.paid,
        share_milli = pay_stats.share_milli + excluded.share_milli
"""
DELETE_EMPTY_PAY_STATS = """
    DELETE FROM pay_stats WHERE segment = :segment AND window_end = :window_end
    AND trials = 0 AND paid = 0 AND share_milli = 0
"""
SELECT_PAY_STATS_IN = """
    SELECT segment, window_end, trials, paid, share_milli FROM pay_stats
    WHERE segment IN ({keys}) ORDER BY segment, window_end
"""
SELECT_ALL_PAY_STATS = """
    SELECT segment, window_end, trials, paid, share_milli FROM pay_stats
    WHERE trials <> 0 OR paid <> 0 OR share_milli <> 0 ORDER BY segment, window_end
"""
SELECT_PAY_FEED = "SELECT 1 FROM pay_stats WHERE paid > 0 LIMIT 1"
DELETE_PAY_TRIALS = "DELETE FROM pay_trials"
DELETE_PAY_STATS = "DELETE FROM pay_stats"
SELECT_PAY_ACCOUNTS_IN = """
    SELECT DISTINCT account_id FROM pay_trials WHERE account_id IN ({ids})
"""
SELECT_LIST_VERSIONS_OF = """
    SELECT replaced_at, amount_due_minor, risk, past_due_since, work_start
    FROM account_history WHERE account_id = :id ORDER BY id
"""

TABLES: tuple[tuple[str, tuple[str, ...], str | None], ...] = (
    ("import_batches", ("id", "kind", "file_name", "sha256", "imported_at", "encoding",
                        "inserted", "updated", "unchanged", "rejected", "closed"), None),
    ("accounts", ("account_id", "name", "amount_due_minor", "currency", "past_due_since",
                  "due_date", "work_start", "paydays", "timezone", "assigned_to", "risk",
                  "notes", "status", "as_of", "row_hash", "batch_id", "created_at",
                  "updated_at", "raw_hash", "listed_timezone", "listed_country",
                  *LISTED_MORE_COLUMNS),
     "amount_due_minor"),
    ("account_history", ("id", "account_id", "replaced_by_batch", "replaced_at", "name",
                         "amount_due_minor", "currency", "past_due_since", "due_date",
                         "work_start", "paydays", "timezone", "assigned_to", "risk", "notes",
                         "status", "as_of", "batch_id", "listed_timezone", "listed_country",
                         *LISTED_MORE_COLUMNS),
     "amount_due_minor"),
    ("phones", ("account_id", "number", "label", "valid", "extension", "position", "source",
                "added_at", "region", "zones"), None),
    ("calls", ("id", "account_id", "collector", "called_at", "outcome", "phone", "note",
               "amount_minor", "promise_date", "callback_at", "reverses", "invalidated_phone",
               "source", "batch_id", "logged_at", "chain", "seq"), "amount_minor"),
    ("promises", ("id", "account_id", "call_id", "amount_minor", "due_date", "made_on",
                  "chain", "seq"), "amount_minor"),
    ("payments", ("id", "account_id", "amount_minor", "paid_on", "reference", "source",
                  "call_id", "batch_id", "recorded_at", "chain", "seq"), "amount_minor"),
    ("targets", ("id", "collector", "period", "start_date", "metric", "value", "set_at",
                 "currency"), None),
    ("contact_stats", ("scope", "key", "hour", "weekend", "tries", "contacts", "exposure"),
     None),
    ("pay_trials", ("call_id", "account_id", "segment", "day", "window_end", "balance_minor",
                    "paid_minor", "counted"), None),
    ("pay_stats", ("segment", "window_end", "trials", "paid", "share_milli"), None),
    ("debtor_requests", ("id", "account_id", "kind", "from_minute", "to_minute", "days",
                         "note", "set_by", "set_at"), None),
    ("chain_head", ("id", "entries", "head", "legacy_calls", "legacy_unchained",
                    "legacy_promises", "legacy_payments", "keyed"), None),
)


def select_table(table: str, columns: tuple[str, ...]) -> str:
    """All rows of one of :data:`TABLES`, in key order (names from that fixed list only)."""
    key = "id" if "id" in columns else ("account_id, number" if table == "phones"
                                        else "scope, key, hour, weekend"
                                        if table == "contact_stats"
                                        else "call_id" if table == "pay_trials"
                                        else "segment, window_end" if table == "pay_stats"
                                        else "account_id")
    return f"SELECT {', '.join(columns)} FROM {table} ORDER BY {key}"


def insert_table(table: str, columns: tuple[str, ...]) -> str:
    return (f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join(':' + c for c in columns)})")


def table_totals(table: str, money: str | None) -> str:
    total = f"COALESCE(SUM({money}), 0)" if money else "0"
    return f"SELECT COUNT(*), {total} FROM {table}"


# -- audit: narrowing the calls to check (app/audit.py) ------------------------------------
#
# Each statement reads what lets Python rule calls out cheaply; Python then checks the
# rest exactly (core.compliance.breaches). Outcome codes arrive as placeholders from
# :func:`any_of`, never as text.

#: Where the accounts' list columns say the debtors are, and the fallback zone.
AUDIT_ACCOUNT_PLACES = "SELECT DISTINCT listed_timezone, listed_country, timezone FROM accounts"
#: Every kind of phone on file (its label, whether valid, its stored country and zones),
#: and the number of a valid one whose zones were never worked out (Python reads it).
AUDIT_PHONE_PLACES = """
SELECT DISTINCT label, valid, region, zones,
    CASE WHEN zones IS NULL AND valid = 1 THEN number END
FROM phones
"""

#: Entries logged in the period (by ``calls_of``'s collector). The log only grows, so
#: ``:last`` (an id) bounds it to what another connection's snapshot holds.
AUDIT_PERIOD_ENTRIES = """
SELECT COUNT(*) FROM calls c
WHERE c.called_at >= :start AND c.called_at < :end AND +c.id <= :last {calls_of}
"""
#: Every hold or resume entry, and the entries of the period that are not attempts
#: (outcomes ``is_attempt`` leaves out: undo, resume, skip, old codes), each once: both
#: from ``calls_outcome``, the holds by their codes, the others by each other code's range
#: of the period's times (:data:`LOGGED_OUTCOMES`), not by a pass over the whole log.
#: ``is_hold`` and ``is_attempt`` test ``c.outcome``, ``was_hold`` and ``was_attempt`` the
#: same codes on ``logged.outcome`` (tested once per code, before its range is read).
AUDIT_ODD_ENTRIES = LOGGED_OUTCOMES + """
SELECT c.account_id, c.collector, c.called_at, c.outcome FROM calls c
WHERE ({is_hold}) AND +c.id <= :last
UNION ALL
SELECT c.account_id, c.collector, c.called_at, c.outcome FROM """ + LOGGED_CALLS + """
WHERE NOT ({was_hold}) AND NOT ({was_attempt}) AND c.outcome = logged.outcome
  AND c.called_at >= :start AND c.called_at < :end AND +c.id <= :last
"""
#: The entries of the period that were undone, and what they were. (``+r.id``: the bound
#: is checked on each, not used to scan the whole log by id.)
AUDIT_UNDONE = """
SELECT c.collector, c.outcome FROM calls r CROSS JOIN calls c
WHERE c.id = r.reverses AND r.reverses IS NOT NULL AND +r.id <= :last AND c.called_at >= :start
  AND c.called_at < :end
"""
#: The latest entry's id: what a second connection reads up to, to see the same log.
LAST_CALL_ID = "SELECT COALESCE(MAX(id), 0) FROM calls"
#: The entries of a stretch of time (a gap between legal hours), with what they were.
AUDIT_CALLS_BETWEEN = f"""
SELECT {CALL_COLUMNS} FROM calls c
WHERE c.called_at >= :start AND c.called_at < :end {{calls_of}}
"""
#: Accounts with enough entries close enough together to be over a cap (``:day_min`` since
#: ``:day_since``, or ``:week_min`` since ``:since``; up to entry ``:last``), with the times
#: of their entries since ``:since`` (read again for those alone: most are not busy).
#: Only an account with an entry in the period (``:start`` on) can have a call of the
#: period over a cap: those are found first, from ``calls_outcome`` by each code's range of
#: the period's times (:data:`LOGGED_OUTCOMES`), and only their entries are counted, each
#: account's a seek in ``calls_account``; not the whole log's index read to count every
#: account's (a day of a large team: 280,000 accounts' entries, not 10,000,000).
AUDIT_BUSY = LOGGED_OUTCOMES + """
SELECT b.account_id, (SELECT {times} FROM {scan_again}
                      WHERE t.account_id = b.account_id AND t.called_at >= :since
                        AND t.called_at < :end AND +t.id <= :last {only_again})
FROM (SELECT c.account_id FROM {scan}
      WHERE c.account_id IN (SELECT p.account_id FROM logged CROSS JOIN calls p
                             WHERE p.outcome = logged.outcome AND p.called_at >= :start
                               AND p.called_at < :end AND +p.id <= :last)
        AND c.called_at >= :since AND c.called_at < :end AND +c.id <= :last {only}
      GROUP BY c.account_id
      HAVING SUM(CASE WHEN c.called_at >= :day_since THEN 1 ELSE 0 END) >= :day_min
          OR COUNT(*) >= :week_min) b
"""
#: Accounts with an entry of some outcomes in a stretch of time.
AUDIT_ACCOUNTS_WITH = """
SELECT DISTINCT c.account_id FROM {scan}
WHERE c.called_at >= :since AND c.called_at < :end AND ({outcomes})
"""
#: Accounts called in the period on a phone with one of some labels (a workplace's).
AUDIT_CALLED_ON = """
SELECT DISTINCT p.account_id FROM phones p
JOIN calls c ON c.account_id = p.account_id AND c.phone = p.number
WHERE ({labels}) AND c.called_at >= :start AND c.called_at < :end {calls_of}
"""
#: Accounts' logs from ``:since`` on (the index on account and time finds them).
AUDIT_HISTORY = f"""
SELECT {CALL_COLUMNS} FROM calls c
WHERE c.account_id IN ({{ids}}) AND c.called_at >= :since
"""
#: Accounts' entries of some outcomes from before ``:since``.
AUDIT_HISTORY_BEFORE = f"""
SELECT {CALL_COLUMNS} FROM calls c
WHERE c.account_id IN ({{ids}}) AND c.called_at < :since AND ({{keep}})
"""
#: How each engine is told to read entries of some codes by their codes' ranges of times
#: in ``calls_outcome`` (it holds the account too: no table read, and not the whole log, as
#: a scan of the table was), or the log in account order (the index holds account and time:
#: no table reads).
AUDIT_BY_OUTCOME = {"sqlite": "calls {a} INDEXED BY calls_outcome", "postgresql": "calls {a}"}
AUDIT_BY_ACCOUNT = {"sqlite": "calls {a} INDEXED BY calls_account", "postgresql": "calls {a}"}
AUDIT_TIMES = {"sqlite": "group_concat(t.called_at)",
               "postgresql": "string_agg(t.called_at, ',' ORDER BY t.called_at)"}


def any_of(column: str, values: Sequence[str], prefix: str) -> tuple[str, dict[str, str]]:
    """``column = :p0 OR column = :p1 ...`` and its parameters (``1 = 0``: none). A chain
    of equalities rather than ``IN (...)``: SQLite tests it faster on a scan of millions."""
    params = {f"{prefix}{n}": value for n, value in enumerate(values)}
    if not params:
        return "1 = 0", {}
    return " OR ".join(f"{column} = :{name}" for name in params), params

# -- the report's portfolio and supervisor's lists (core.portfolio, app/portfolio.py) -------

#: The open accounts owing on their list as they are now, by currency, days past due's
#: anchor and risk; then by collector and currency. Each is one scan of a covering index
#: (``accounts_portfolio``, ``accounts_balance``) in its own order: no sort, a few
#: thousand rows out of a million accounts.
PORTFOLIO_BY_SINCE = """
SELECT a.currency, a.past_due_since, a.risk, COUNT(*), SUM(a.amount_due_minor) FROM accounts a
WHERE a.status = 'open' AND a.amount_due_minor > 0 {accounts_of}
GROUP BY a.currency, a.past_due_since, a.risk
"""
PORTFOLIO_BY_COLLECTOR = """
SELECT a.assigned_to, a.currency, COUNT(*), SUM(a.amount_due_minor) FROM accounts a
WHERE a.status = 'open' AND a.amount_due_minor > 0 {accounts_of}
GROUP BY a.assigned_to, a.currency
"""
#: The accounts written (listed, assigned, closed) after ``:start_at``: how each stood at
#: ``:start_at`` and at ``:end_at`` (a version from the history where it was replaced
#: after that moment, else the account as it is), aggregated as ``core.portfolio``
#: takes them (:class:`~collectctl.core.portfolio.ChangedPart`): their rows as they are
#: now (``naive``, ``naive_collector``: counted in the aggregates above, to take out) and
#: as they stood at the end (``bucket``, ``risk``, ``collector``), both only for those
#: that stood otherwise at the end than now (written after it: a past period; the
#: ``naive`` rows of the others, ``now``, take out only the move they were counted with),
#: and each move from the start to the end (``move``). Payments are not looked at (the
#: trails do). One pass, through the index on the time of the last write: a day's report
#: reads the few accounts written that day; a month's over a month's list reads them all
#: once.
PORTFOLIO_CHANGED = """
WITH v AS (
    SELECT a.assigned_to AS collector, a.amount_due_minor AS amount, a.currency,
           a.past_due_since AS since, a.risk, a.status, a.as_of,
           CASE WHEN a.created_at <= :start_at THEN COALESCE(
               (SELECT MIN(h.id) FROM account_history h
                WHERE h.account_id = a.account_id AND h.replaced_at > :start_at), 0) END AS s_id,
           CASE WHEN a.updated_at > :end_at THEN
               (SELECT MIN(h.id) FROM account_history h
                WHERE h.account_id = a.account_id AND h.replaced_at > :end_at) END AS e_id,
           CASE WHEN a.created_at <= :end_at THEN 1 ELSE 0 END AS e_exists
    FROM accounts a WHERE a.updated_at > :start_at {accounts_of}
), w AS (
    SELECT v.collector, v.amount, v.currency, v.since, v.risk, v.status, v.e_exists,
           CASE WHEN v.e_id IS NULL AND v.e_exists = 1 THEN 1 ELSE 0 END AS e_now,
           CASE WHEN v.s_id IS NULL THEN 0 ELSE 1 END AS s_exists,
           CASE WHEN v.s_id > 0 THEN s.amount_due_minor ELSE v.amount END AS s_amount,
           CASE WHEN v.s_id > 0 THEN s.currency ELSE v.currency END AS s_currency,
           CASE WHEN v.s_id > 0 THEN s.past_due_since ELSE v.since END AS s_since,
           CASE WHEN v.s_id > 0 THEN s.status ELSE v.status END AS s_status,
           CASE WHEN v.s_id > 0 THEN s.as_of ELSE v.as_of END AS s_as_of,
           CASE WHEN e.id IS NULL THEN v.amount ELSE e.amount_due_minor END AS e_amount,
           CASE WHEN e.id IS NULL THEN v.currency ELSE e.currency END AS e_currency,
           CASE WHEN e.id IS NULL THEN v.since ELSE e.past_due_since END AS e_since,
           CASE WHEN e.id IS NULL THEN v.risk ELSE e.risk END AS e_risk,
           CASE WHEN e.id IS NULL THEN v.status ELSE e.status END AS e_status,
           CASE WHEN e.id IS NULL THEN v.as_of ELSE e.as_of END AS e_as_of
    FROM v LEFT JOIN account_history s ON s.id = v.s_id
    LEFT JOIN account_history e ON e.id = v.e_id
)
SELECT 'naive' AS part, currency, since, risk AS label,
       CASE WHEN e_now = 1 THEN 'now' END AS kind, NULL AS end_since, 0 AS listed,
       COUNT(*) AS n, SUM(amount) AS amount
FROM w WHERE status = 'open' AND amount > 0 GROUP BY currency, since, risk, e_now
UNION ALL
SELECT 'naive_collector', currency, NULL, collector, NULL, NULL, 0, COUNT(*), SUM(amount)
FROM w WHERE e_now = 0 AND status = 'open' AND amount > 0 GROUP BY collector, currency
UNION ALL
SELECT 'bucket', e_currency, e_since, NULL, NULL, NULL, 0, COUNT(*), SUM(e_amount)
FROM w WHERE e_now = 0 AND e_exists = 1 AND e_status = 'open' AND e_amount > 0
GROUP BY e_currency, e_since
UNION ALL
SELECT 'risk', e_currency, NULL, e_risk, NULL, NULL, 0, COUNT(*), SUM(e_amount)
FROM w WHERE e_now = 0 AND e_exists = 1 AND e_status = 'open' AND e_amount > 0
GROUP BY e_risk, e_currency
UNION ALL
SELECT 'collector', e_currency, NULL, collector, NULL, NULL, 0, COUNT(*), SUM(e_amount)
FROM w WHERE e_now = 0 AND e_exists = 1 AND e_status = 'open' AND e_amount > 0
GROUP BY collector, e_currency
UNION ALL
SELECT 'move', s_currency, s_since, NULL, m.kind, m.e_since, m.listed, COUNT(*), SUM(s_amount)
FROM (SELECT s_currency, s_since, s_amount, e_since,
             CASE WHEN e_amount <= 0 THEN 'paid' WHEN e_status <> 'open' THEN 'closed'
                  ELSE 'open' END AS kind,
             CASE WHEN e_status = 'open' AND e_as_of > s_as_of
                       AND (e_since IS NULL OR e_since >= e_as_of) THEN 1 ELSE 0 END AS listed
      FROM w WHERE s_exists = 1 AND s_status = 'open' AND s_amount > 0) m
GROUP BY s_currency, s_since, m.kind, m.e_since, m.listed
"""
#: The accounts whose payments the aggregates leave out (core.portfolio.Trail): a
#: standing payment dated up to ``:last`` and on or after the day of a list in force
#: since ``:start_at`` (the account's list now, or one replaced after ``:start_at``); as
#: they are now.
PORTFOLIO_TRAILS = """
SELECT a.account_id, a.assigned_to, a.created_at, a.amount_due_minor, a.currency,
       a.past_due_since, a.risk, a.status, a.as_of
FROM accounts a
WHERE a.account_id IN (
    SELECT y.account_id FROM payments y JOIN accounts p ON p.account_id = y.account_id
    WHERE y.paid_on <= :last
      AND y.paid_on >= CASE WHEN p.updated_at > :start_at THEN COALESCE(
          (SELECT MIN(h.as_of) FROM account_history h
           WHERE h.account_id = p.account_id AND h.replaced_at > :start_at), p.as_of)
          ELSE p.as_of END
      AND (y.call_id IS NULL OR NOT EXISTS (SELECT 1 FROM calls r WHERE r.reverses = y.call_id))
) {accounts_of}
"""
#: Their earlier versions replaced after ``:start_at``, oldest first.
PORTFOLIO_TRAIL_HISTORY = """
SELECT h.account_id, h.replaced_at, h.amount_due_minor, h.currency, h.past_due_since, h.risk,
       h.status, h.as_of
FROM account_history h
WHERE h.account_id {in_ids} AND h.replaced_at > :start_at
ORDER BY h.account_id, h.id
"""
#: Their standing payments dated up to ``:last``.
PORTFOLIO_TRAIL_PAYMENTS = """
SELECT y.account_id, y.paid_on, y.amount_minor FROM payments y
WHERE y.account_id {in_ids} AND y.paid_on <= :last
  AND (y.call_id IS NULL OR NOT EXISTS (SELECT 1 FROM calls r WHERE r.reverses = y.call_id))
ORDER BY y.account_id, y.paid_on, y.id
"""
#: Standing promises due in ``:first`` .. ``:last`` or on ``:today``, with the collector
#: who took each (as the metrics count them) and the account's currency.
PROMISES_DUE_LISTED = f"""
SELECT c.collector, p.id, p.account_id, p.amount_minor, p.due_date, p.made_on, p.call_id,
       a.currency
FROM promises p JOIN calls c ON c.id = p.call_id JOIN accounts a ON a.account_id = p.account_id
WHERE ((p.due_date >= :first AND p.due_date <= :last) OR p.due_date = :today)
  AND {_STANDING_CALL} {{calls_of}}
ORDER BY p.due_date, p.account_id, p.id
"""
#: Standing entries of some outcomes (``{codes}``: an :func:`any_of` on ``c.outcome``)
#: logged in [``:start``, ``:end``).
CALLS_WITH_OUTCOMES = f"""
SELECT c.account_id, c.collector, c.called_at, c.outcome FROM calls c
WHERE c.called_at >= :start AND c.called_at < :end AND ({{codes}}) AND {_STANDING_CALL}
  {{calls_of}}
ORDER BY c.called_at, c.id
"""
