"""A first load's rows read row by row into the tuples they are inserted with: what a
parse worker (or the writer) does with a chunk of a first ``import accounts``
(``imports._AccountSink``). ``app.columnar`` reads the same chunks by columns, held to
this module row for row."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from collectctl.core.models import RowError
from collectctl.ingest.accounts import RowContext, normalize_account
from collectctl.ingest.headers import ColumnMap

#: A row of a first load read: the values its account and phones are inserted with
#: (``codec.account_values``, ``codec.phone_values``), its (zones, countries), and whether
#: its zone came from a phone; or why it is refused.
Loaded = list[tuple[tuple, list[tuple], tuple, bool] | RowError]

#: The fields ``app.columnar`` reads (as ``ColumnMap.columns`` names them); a file with any
#: other column is read row-wise.
_READ = frozenset({
    "account_id", "name", "amount_due", "currency", "days_past_due", "due_date", "work_start",
    "payday",    "timezone", "country", "assigned_to", "risk", "notes", "last_payment_date",
    "employer", "mailing_address", "registered_address", "occupation",
})


def reads_by_columns(columns: ColumnMap, ctx: RowContext) -> bool:
    """Whether ``app.columnar`` reads a file with ``columns`` (else this module does):
    asked without loading polars."""
    return (set(columns.columns) <= _READ and not columns.summed and not columns.contacts
            and fast_region(ctx.phone_region.upper()))


@lru_cache(maxsize=16)
def fast_region(region: str) -> bool:
    """Whether ``region``'s national numbers take ``fields``' fast path and every valid
    one has a single place (its country's one zone), as ``app.columnar`` computes them."""
    from collectctl.core.zones import _simple_place
    from collectctl.ingest.fields import _fast_rules

    rules = _fast_rules(region)
    return (rules is not None and rules[1] is not None
            and _simple_place(str(rules[0])) is not None)


#: The sources of an account's zone that count as "from its phone" in the summary.
FROM_PHONE = ("phone", "file+phone")


def load_chunk(state: tuple[ColumnMap, RowContext, bytes, int, str],
               rows: list[tuple[int, list[str]]]) -> Loaded:
    """A first load's chunk of rows read into the tuples they are inserted with, raw hash
    and all (``state``: the columns, the reading context, the raw hash's prefix, the
    batch and the import's time). Only compact tuples cross back from a worker; no
    account is looked up, so nothing else is needed."""
    columns, ctx, context, batch_id, stamp = state
    prefix = hashlib.sha1(context)
    return [load_row(prefix, line, cells, columns, ctx, batch_id, stamp)
            for line, cells in rows]


def load_row(prefix, line: int, cells: list[str], columns: ColumnMap, ctx: RowContext,
             batch_id: int, stamp: str):
    """One row of :func:`load_chunk` (``prefix``: the raw hash of the reading context)."""
    from collectctl.storage.codec import load_values

    outcome = normalize_account(line, cells, columns, ctx)
    if isinstance(outcome, RowError):
        return outcome
    account, digest = outcome
    raw = prefix.copy()
    raw.update("\x1f".join(cells).encode("utf-8", "surrogateescape"))
    values, phones = load_values(account, digest, batch_id, stamp, raw.hexdigest())
    return (values, phones, (account.zones, account.countries),
            account.timezone_source in FROM_PHONE)

