"""``import accounts|payments|calls``: stream a file, check each row, write in one transaction.

Bad rows never stop good ones; a missing required column stops everything
before anything is written; the whole import is one transaction, so an
interrupted import leaves the database as it was.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from array import array
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from collectctl.app.loading import FROM_PHONE as _FROM_PHONE
from collectctl.app.loading import Loaded as _Loaded
from collectctl.app.loading import load_chunk as _load_chunk
from collectctl.app.rejections import Rejections
from collectctl.clock import to_utc_iso
from collectctl.config import Settings
from collectctl.core import activity
from collectctl.core import reasons as r
from collectctl.core.accounts import keeps_lead_assignment, merge_listed, same_listing
from collectctl.core.entries import check_payment
from collectctl.core.models import Account, Call, ImportResult, Payment, RowError, RuleBreach
from collectctl.errors import EntryError
from collectctl.ingest import fields as f
from collectctl.ingest.accounts import RowContext, listed_groups, normalize_account
from collectctl.ingest.headers import (
    ACCOUNTS,
    CALLS,
    PAYMENTS,
    ColumnMap,
    FileKind,
    HeaderMatcher,
    load_mapping,
)
from collectctl.ingest.reader import RecordProblem, open_table
from collectctl.storage.protocol import ListedAccount

if TYPE_CHECKING:
    from collectctl.app.workers import Pending, Workers
    from collectctl.storage.protocol import Store

CHUNK_ROWS = 2_000
#: A chunk of a first load read by columns (``app.columnar``): polars' cost per
#: operation is paid per chunk, so its chunks are bigger.
COLUMNAR_CHUNK_ROWS = 4_096
#: ``0``: never read by columns; ``1``: whenever polars is installed and the file's
#: columns allow it, however small the file (the tests); unset: for a big file's first
#: load (:data:`PARALLEL_BYTES`), where it pays for loading polars.
COLUMNAR_ENV = "COLLECTCTL_COLUMNAR"
#: Files at least this big are parsed partly in a worker process (one per spare core)
#: while this process reads, hashes and writes: about a fifth of a million rows.
PARALLEL_BYTES = 16 * 2**20
#: What the reader leaves for bytes the file's encoding could not decode (surrogateescape):
#: such a row is rejected whole (kept byte for byte by ``--rejects-raw``).
_UNDECODABLE = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class ImportOptions:
    """The flags of the ``import`` commands (see their ``--help``)."""

    encoding: str | None = None
    mapping: Path | None = None
    date_order: str | None = None
    assign_to: str | None = None
    close_missing: bool = False
    strict: bool = False
    dry_run: bool = False
    allow_overpay: bool = False
    collector: str | None = None
    #: Called with the result inside the import's transaction, as the last thing before
    #: it commits or rolls back (the CLI writes the ``--rejects`` file here): whatever it
    #: raises rolls the import back.
    before_commit: Callable[[ImportResult], None] | None = None
    #: Quote the refused cell (40 characters at most) in each rejection's words.
    show_values: bool = False
    #: A workbook's sheet (name, or 1-based number); None: the first with a header.
    sheet: str | None = None
    #: ``--yes``: ``--close-missing`` may close more than half of the open accounts.
    yes: bool = False


#: Called with (bytes read, total bytes) as the file is read.
Progress = Callable[[int, int], None]


class RowSink(Protocol):
    """Takes an import's rows one by one inside its transaction, and the rows refused
    before they reach it (:meth:`reject`), so it can keep every rejection in file order."""

    def row(self, line: int, cells: list[str]) -> None: ...

    def reject(self, error: RowError) -> None: ...

    def finish(self) -> None: ...


def _run_import(
    store: Store, path: Path, kind: FileKind, settings: Settings, now: datetime,
    options: ImportOptions, progress: Progress | None,
    make_sink: Callable[[ColumnMap, int, ImportResult, bool], RowSink],
) -> ImportResult:
    """Read ``path`` as a ``kind`` file and feed its rows to a sink, all in one transaction.

    A missing required column fails before anything is written; ``--dry-run`` and
    ``--strict`` with rejected rows roll the transaction back. An account list into an
    empty accounts table is a first load (``Store.first_load``, ``Store.load_journal``):
    the sink is told, and the store loads it in bulk; the rows, rejections and database
    are the same as any import's.
    """
    mapping = load_mapping(options.mapping, kind) if options.mapping else None
    matcher = HeaderMatcher(settings.import_.aliases, mapping, kind)

    def work(tx) -> ImportResult:
        # Run again from the file's first row (a fresh result) if the engine asks.
        with open_table(path, matcher.score, options.encoding, options.sheet,
                        matcher) as table:
            columns = matcher.resolve(table.header, table.label)
            result = ImportResult(
                file=str(path), encoding=table.encoding, delimiter=table.delimiter,
                header=tuple(table.header), dry_run=options.dry_run,
                show_values=options.show_values, rejected=Rejections(),
                zone=settings.timezone,
                format=table.format, sheet=table.sheet,
            )
            stamp = to_utc_iso(now)
            # A workbook's batch records its format where a CSV's records its encoding.
            batch_id = store.begin_batch(kind.name, path.name, table.encoding or table.format,
                                         stamp)
            with store.first_load() if kind is ACCOUNTS else nullcontext(False) as first:
                sink = make_sink(columns, batch_id, result, first)
                try:
                    for count, (line, cells) in enumerate(table.records(), start=1):
                        result.rows = count
                        refused = _refused(line, cells, columns, table)
                        if refused is not None:
                            sink.reject(refused)
                            continue
                        assert not isinstance(cells, RecordProblem)
                        sink.row(line, cells)
                        if progress and count % CHUNK_ROWS == 0:
                            progress(table.bytes_read, table.size)
                    sink.finish()
                finally:
                    if hasattr(sink, "close"):
                        sink.close()  # worker processes end with the import, however it ends
            if progress:
                progress(table.size, table.size)
            sha256 = table.sha256()
            result.previous_batch = store.find_batch(kind.name, sha256, before_id=batch_id)
            store.finish_batch(batch_id, sha256, {
                "inserted": result.inserted, "updated": result.updated,
                "unchanged": result.unchanged, "rejected": len(result.rejected),
                "closed": result.closed,
            })
            result.strict_aborted = options.strict and bool(result.rejected)
            if options.before_commit is not None:
                options.before_commit(result)
            if options.dry_run or result.strict_aborted:
                tx.rollback()
            else:
                result.batch = batch_id
            return result

    with store.load_journal() if kind is ACCOUNTS else nullcontext(False), _no_cycle_scans():
        result = store.atomically(work)
    result.no_valid_phone.sort()
    result.no_common_hours.sort()
    return result


@contextmanager
def _no_cycle_scans() -> Iterator[None]:
    """The import with Python's cycle collector seldom run: what is alive when it starts
    (modules, settings) frozen out of its scans, and its youngest generation scanned
    every 50,000 allocations, not 700, so the rows in flight are not scanned again and
    again as they are made (5% of a first load's time, as fast as no collector at all).
    It still runs: a cycle some refusal makes holds a chunk for a moment, not to the end
    of the import. A parse worker forked meanwhile starts the same way."""
    import gc

    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def _refused(line: int, cells: list[str] | RecordProblem, columns: ColumnMap,
             table) -> RowError | None:
    """Why a record is refused before it is read as a row, if it is: the reader's limits
    (a line too long, a quote never closed, too many cells), bytes the encoding cannot
    decode, a NUL character (which PostgreSQL cannot store: refused on both engines)."""
    if isinstance(cells, RecordProblem):
        shown = _cell(list(cells.raw), columns, "account_id") if cells.raw else ""
        return RowError(line, _shown_id(shown), cells.code, cells.raw, None,
                        dict(cells.detail))
    if table.maybe_undecodable and _UNDECODABLE.search("".join(cells)):
        return RowError(line, _shown_id(_cell(cells, columns, "account_id")), r.UNDECODABLE,
                        tuple(cells))
    if table.maybe_nul:
        at = next((n for n, cell in enumerate(cells) if "\0" in cell), None)
        if at is not None:
            header = table.header[at] if at < len(table.header) else ""
            return RowError(line, _shown_id(_cell(cells, columns, "account_id")),
                            r.NUL_BYTE, tuple(cells), _shown_id(header),
                            {"position": at + 1}, cell=at)
    return None


def _shown_id(text: str) -> str | None:
    """An account id (or a header) as a rejection shows it: undecodable bytes and NULs
    as U+FFFD."""
    return _UNDECODABLE.sub("\ufffd", text).replace("\0", "\ufffd") or None


def _legal_checker(settings: Settings, today):
    """A check, cached per zones and packs, that some minute of the collector's shift in
    the week from ``today`` is legal wherever an account's debtor may be."""
    from collectctl.app.plan import any_legal_minute
    from collectctl.core.rules import rules_for

    cache: dict[tuple, bool] = {}

    def legal(key: tuple[tuple[str, ...], tuple[str, ...]]) -> bool:
        """``key``: an account's (zones, countries)."""
        if key not in cache:
            zones, countries = key
            cache[key] = any_legal_minute(settings, rules_for(settings.rules, countries),
                                          zones, today)
        return cache[key]

    return legal


def _cell(cells: list[str], columns: ColumnMap, name: str) -> str:
    index = columns.columns.get(name)
    return cells[index].strip() if index is not None and index < len(cells) else ""


#: How the parse workers are started: None is the platform's default; the tests run every
#: method (workers get everything they need as arguments: no language, no globals).
START_METHOD: str | None = None
#: Part of every row's re-import key: a release that reads rows differently (2: the list's
#: zone and country kept apart, phones' roles; 3: the debt itemised, the debtor's
#: background, contact persons, who set the collector) reads each row again once.
PARSER_VERSION = 3


def _reject(result: ImportResult, line: int, account_id: str | None, code: str, cells,
            column: str | None = None, detail=None, cell: int | None = None) -> None:
    """Refuse a row: a reason code, the column's header, the code's parameters, the
    refused cell's position."""
    result.rejected.append(RowError(line, account_id, code, tuple(cells), column,
                                    detail or {}, cell))


# -- accounts -------------------------------------------------------------------------------


def import_accounts(
    store: Store, path: Path, settings: Settings, now: datetime,
    options: ImportOptions = ImportOptions(), progress: Progress | None = None,
) -> ImportResult:
    """Import an account list into ``store``; return what happened (nothing raised for bad rows)."""

    def sink(columns: ColumnMap, batch_id: int, result: ImportResult,
             first: bool) -> RowSink:
        ctx = RowContext(
            phone_region=settings.phone_region, timezone=settings.timezone,
            currency=settings.currency,
            date_order=options.date_order or settings.import_.date_order,
            today=now.date(), assign_to=options.assign_to,
            listed=listed_groups(columns, options.assign_to),
        )
        parallel = path.stat().st_size >= PARALLEL_BYTES and (os.cpu_count() or 1) > 1
        sink = _AccountSink(store, columns, ctx, batch_id, to_utc_iso(now), result, options,
                            parallel, first)
        sink.legal = _legal_checker(settings, now.date())
        if options.close_missing:  # counted before this file's rows open or move any
            result.open_in_scope = store.count_open(options.assign_to)
        return sink

    return _run_import(store, path, ACCOUNTS, settings, now, options, progress, sink)


#: A chunk of account rows parsed: each an account and its fingerprint, or why not.
_Parsed = list[tuple[Account, str] | RowError]


def _parse_chunk(state: tuple[ColumnMap, RowContext], rows: list[tuple[int, list[str]]]
                 ) -> _Parsed:
    """What a parse worker does with a chunk of rows (``state``: the file's columns and
    the reading context, handed to it when it starts)."""
    columns, ctx = state
    return [normalize_account(line, cells, columns, ctx) for line, cells in rows]


def _load_chunk_by_columns(state: tuple[ColumnMap, RowContext, bytes, int, str],
                           rows: list[tuple[int, list[str]]]) -> _Loaded:
    """``app.columnar.load_chunk``, named here so that handing it to a worker process
    does not load polars into the writer."""
    from collectctl.app.columnar import load_chunk

    return load_chunk(state, rows)


def _reads_by_columns(columns: ColumnMap, ctx: RowContext, big: bool) -> bool:
    """Whether a first load is read by columns: polars installed, the file's columns all
    ones ``app.columnar`` reads, and the file big (or :data:`COLUMNAR_ENV` says so)."""
    wanted = os.environ.get(COLUMNAR_ENV, "")
    if wanted == "0" or (not big and wanted != "1"):
        return False
    from importlib.util import find_spec

    from collectctl.app.loading import reads_by_columns

    return reads_by_columns(columns, ctx) and find_spec("polars") is not None




class _AccountSink:
    """Upserts accounts by id in chunks; rejects duplicates; closes the missing at the end.

    A row whose raw text (and reading context) is what the account was last imported
    from is unchanged without being parsed: re-importing the same list costs little more
    than reading it. For a big file the parsing runs in worker processes, a chunk or two
    ahead of this process, which reads, hashes and writes in file order.
    """

    def __init__(self, store: Store, columns, ctx, batch_id, stamp, result, options,
                 parallel: bool = False, first: bool = False) -> None:
        self.store, self.columns, self.ctx = store, columns, ctx
        #: A first load (``Store.first_load``): no account is stored before this file's,
        #: so none is looked up for a chunk; those without a phone are asked once, at the
        #: end.
        self.first = first
        self.batch_id, self.stamp, self.result, self.options = batch_id, stamp, result, options
        #: The ids this file has listed so far, and the line each was first on. On a first
        #: load, only those not written yet (``recent``: pending and in flight; ``refused``:
        #: their rows were refused): a written one is asked of the table, with its line
        #: kept by rowid in ``lines`` (8 bytes a row, where a dict of a million ids takes
        #: over 100 MB).
        self.seen: dict[str, int] = {}
        self.recent: dict[str, int] = {}
        self.refused: dict[str, int] = {}
        self.lines = array("q")
        #: Rows waiting for a chunk: (line, cells, account id, raw hash), or a row refused
        #: already (line, cells, None, "", its rejection), kept in line to stay in order.
        self.pending: list[tuple] = []
        self.inflight: deque = deque()
        self.pool: Workers | None = None
        self.parallel = parallel
        #: A first load read by columns (``app.columnar``), in chunks of its own size.
        self.columnar = first and _reads_by_columns(columns, ctx, parallel)
        self.chunk = COLUMNAR_CHUNK_ROWS if self.columnar else CHUNK_ROWS
        self.id_index = columns.columns["account_id"]
        #: Whether some minute of the collector's shift is legal for an account.
        self.legal = None
        #: Whether the file's collector column may meet a team lead's assignment.
        self.counts_kept = "listed_collector" in ctx.listed and not ctx.assign_to
        # Everything besides the cells that decides what a row reads as.
        context = (PARSER_VERSION, sorted(columns.columns.items()), columns.phones,
                   sorted(columns.summed.items()), columns.contacts,
                   sorted(ctx.listed),
                   ctx.phone_region, ctx.timezone, ctx.currency, ctx.date_order,
                   ctx.assign_to,
                   ctx.today.isoformat() if "days_past_due" in columns.columns else None)
        self.raw_context = repr(context).encode("utf-8") + b"\x1e"
        self.raw_prefix = hashlib.sha1(self.raw_context)

    def row(self, line: int, cells: list[str]) -> None:
        raw_id = cells[self.id_index] if self.id_index < len(cells) else ""
        account_id = f.normalize_text(raw_id) or None
        if self.first:  # repeats are told when the chunk is sent (_listed_once)
            self.pending.append((line, cells, account_id, None))
            if len(self.pending) >= self.chunk:
                self._flush()
            return
        if account_id in self.seen:
            # Later rows with the same id are rejected even when the first was bad:
            # which of them is right is for the team lead to say.
            self.reject(RowError(line, account_id, r.DUPLICATE_ID, tuple(cells),
                                 self.columns.header_of("account_id"),
                                 {"first": self.seen[account_id]}, self.id_index))
            return
        if account_id:
            self.seen[account_id] = line
        digest = self.raw_prefix.copy()  # the context, hashed once
        digest.update("\x1f".join(cells).encode("utf-8", "surrogateescape"))
        raw = digest.hexdigest()
        self.pending.append((line, cells, account_id, raw))
        if len(self.pending) >= self.chunk:
            self._flush()

    def reject(self, error: RowError) -> None:
        """Refuse a row in its place among the rows still to be parsed (the rejections
        come out in file order without being sorted). Its account counts as listed, as
        for any bad row: ``--close-missing`` leaves it open, a later row of it is a
        duplicate."""
        if error.account_id and error.reason != r.DUPLICATE_ID and not self.first:
            self.seen.setdefault(error.account_id, error.line)
        self.pending.append((error.line, (), None, "", error))
        if len(self.pending) >= self.chunk:
            self._flush()

    def finish(self) -> None:
        self._flush()
        while self.inflight:
            self._complete(self.inflight.popleft())
        self.close()
        if self.first:
            self.result.no_valid_phone.extend(self.store.accounts_without_valid_phone_all())
        if self.options.close_missing:
            self._close_missing()

    def _close_missing(self) -> None:
        """Close the open accounts the file leaves out, unless :mod:`core.closing`
        refuses: raised (the import rolls back), or, for ``--dry-run``, told in the result."""
        from collectctl.core.closing import close_missing_refusal
        from collectctl.errors import ImportRefused

        options, result = self.options, self.result
        # A first load found no account the file could leave out.
        closing = 0 if result.rows == 0 or self.first else self.store.count_missing(
            self.seen, options.assign_to)
        accepted = result.inserted + result.updated + result.unchanged
        refusal = close_missing_refusal(result.rows, closing, result.open_in_scope or 0,
                                        options.yes, options.assign_to, accepted)
        if refusal is not None and (refusal.code in (r.NO_DATA_ROWS, r.NO_ROWS_ACCEPTED)
                                    or not options.dry_run):
            raise ImportRefused(refusal.code, Path(result.file).name, **refusal.detail)
        result.needs_yes = refusal is not None
        result.closed = 0 if self.first else self.store.close_missing(
            self.seen, options.assign_to, self.batch_id, self.stamp)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None

    def _flush(self) -> None:
        """Send a chunk to be parsed (the rows not settled by their raw text), then write
        the chunks whose parsing is done, oldest first."""
        pending, self.pending = self.pending, []
        if not pending:
            return
        if self.first:
            pending = self._listed_once(pending)
        known = {} if self.first else self.store.account_fingerprints(
            [row[2] for row in pending if row[2] and len(row) == 4])
        result, work = self.result, []
        for row in pending:
            if len(row) == 5:  # refused already: kept in its place
                work.append(row)
                continue
            existing = known.get(row[2]) if row[2] else None
            if (existing is not None and existing.raw_hash == row[3]
                    and existing.status == "open"):
                # The same raw row as last time: unchanged, without parsing.
                result.unchanged += 1
                if existing.lead_assigned and self.counts_kept:
                    result.kept_assignment += 1
                if not existing.has_valid_phone:
                    result.no_valid_phone.append(row[2])
            else:
                work.append(row)
        if not work:
            return
        to_parse = [(row[0], row[1]) for row in work if len(row) == 4]
        parsed: _Parsed | _Loaded | Pending
        task: Callable[[Any, list[tuple[int, list[str]]]], list]
        state: Any  # each task its own
        if self.columnar:
            task = _load_chunk_by_columns
            state = (self.columns, self.ctx, self.raw_context, self.batch_id, self.stamp)
        elif self.first:
            task = _load_chunk
            state = (self.columns, self.ctx, self.raw_context, self.batch_id, self.stamp)
        else:
            task, state = _parse_chunk, (self.columns, self.ctx)
        if self.parallel and to_parse:
            if self.pool is None:
                from collectctl.app.workers import Workers

                # polars' threads do not survive a fork: where this process has loaded
                # polars (never in an import of its own), a worker reading by columns
                # starts afresh (and with a resource tracker, 12 MB more).
                spawn = self.columnar and "polars" in sys.modules
                self.pool = Workers(max(1, (os.cpu_count() or 2) - 1), task, state,
                                    "spawn" if spawn else START_METHOD)
            # A first load's writer read row by row has time to spare: it reads a chunk
            # itself rather than wait for a busy worker (an ordinary import's writer has
            # none; one read by columns is the one waited on, and never loads polars).
            parsed = (task(state, to_parse)
                      if self.first and not self.columnar and not self.pool.idle()
                      else self.pool.submit(to_parse))
        else:
            parsed = task(state, to_parse)
        self.inflight.append((work, known, parsed))
        # Chunks read by columns are big: one in flight while the writer writes the last.
        depth = 0 if self.pool is None else 1 if self.columnar else 2
        while len(self.inflight) > depth:
            self._complete(self.inflight.popleft())

    def _complete(self, item) -> None:
        """Insert new accounts, update changed ones, count the rest as unchanged.

        These are the rows their raw text did not settle (:meth:`_flush`): a matching
        fingerprint of the parsed row settles one without reading the account;
        otherwise the stored account is read and merged with the fields this list
        carries.
        """
        pending, known, parsed = item
        outcomes = iter(parsed if isinstance(parsed, list) else parsed.result())
        if self.first:
            self._load(pending, outcomes)
            return
        store, result = self.store, self.result
        new, maybe, settled = [], [], []
        for row in pending:
            if len(row) == 5:
                result.rejected.append(row[4])
                continue
            _line, _cells, account_id, raw = row
            existing = known.get(account_id) if account_id else None
            outcome = next(outcomes)
            if isinstance(outcome, RowError):
                result.rejected.append(outcome)
                continue
            account, digest = outcome
            if existing is None:
                new.append(ListedAccount(account, digest, raw))
            elif (existing.row_hash, existing.status) != (digest, "open"):
                maybe.append(ListedAccount(account, digest, raw))
            else:
                result.unchanged += 1
                settled.append((account.account_id, raw))
                if existing.lead_assigned and self.counts_kept:
                    result.kept_assignment += 1
        stored = store.get_accounts([a.account_id for a, _h, _r in maybe])
        changed = []
        for account, digest, raw in maybe:
            before = stored[account.account_id]
            merged = merge_listed(before, account, self.ctx.listed)
            if self.counts_kept and keeps_lead_assignment(merged):
                result.kept_assignment += 1
            if before.status == "open" and same_listing(merged, before):
                result.unchanged += 1
                settled.append((account.account_id, raw))
            else:
                changed.append(ListedAccount(merged, digest, raw))
        store.insert_accounts(new, self.batch_id, self.stamp)
        store.update_accounts(changed, self.batch_id, self.stamp)
        if settled:
            store.set_raw_hashes(settled)
        result.inserted += len(new)
        result.updated += len(changed)
        for listed in (*new, *changed):
            written_account = listed[0]
            if written_account.timezone_source in _FROM_PHONE:
                result.timezone_from_phone += 1
            if self.legal is not None and not self.legal((written_account.zones,
                                                          written_account.countries)):
                result.no_common_hours.append(written_account.account_id)
        # Phones as they are now: asked again for the accounts this chunk wrote; the
        # others' were read with their fingerprints.
        if self.first:  # asked once, of the whole table, when the file is read
            return
        written = {a.account_id for a, _h, _r in new} | {a.account_id for a, _h, _r in changed}
        result.no_valid_phone.extend(store.accounts_without_valid_phone(sorted(written)))
        result.no_valid_phone.extend(
            row[2] for row in pending if len(row) == 4 and row[2] and row[2] not in written
            and row[2] in known and not known[row[2]].has_valid_phone)

    def _listed_once(self, pending: list[tuple]) -> list[tuple]:
        """A first load's chunk with each row whose id the file listed before refused as a
        duplicate, in its place (what :meth:`row` does of an ordinary import's rows one by
        one), the ids before this chunk asked of the table in one query."""
        recent, refused = self.recent, self.refused
        ids = {row[2] if len(row) == 4 else row[4].account_id for row in pending}
        written = self.store.loaded_rowids(
            [i for i in ids if i and i not in recent and i not in refused])
        lines = self.lines

        def first_line(account_id: str) -> int | None:
            line = recent.get(account_id)
            if line is None:
                line = refused.get(account_id)
            if line is None and account_id in written:
                line = lines[written[account_id] - 1]
            return line

        out = []
        for row in pending:
            if len(row) == 5:  # refused before it was read: its id counts as listed
                error = row[4]
                if (error.account_id and error.reason != r.DUPLICATE_ID
                        and first_line(error.account_id) is None):
                    refused[error.account_id] = error.line
            elif row[2]:
                line, cells, account_id, _raw = row
                first = first_line(account_id)
                if first is not None:
                    row = (line, (), None, "", RowError(
                        line, account_id, r.DUPLICATE_ID, tuple(cells),
                        self.columns.header_of("account_id"), {"first": first},
                        self.id_index))
                else:
                    recent[account_id] = line
            out.append(row)
        return out

    def _load(self, pending, outcomes) -> None:
        """A first load's chunk (:func:`_load_chunk`): every row read is new, inserted
        from its tuples as it was read."""
        result, legal = self.result, self.legal
        accounts: list[tuple] = []
        phones: list[tuple] = []
        recent, lines = self.recent, self.lines
        for row in pending:
            if len(row) == 5:
                result.rejected.append(row[4])
                continue
            outcome = next(outcomes)
            account_id = row[2]
            if isinstance(outcome, RowError):
                result.rejected.append(outcome)
                if account_id:
                    self.refused[account_id] = recent.pop(account_id)
                continue
            lines.append(recent.pop(account_id))
            values, its_phones, where, from_phone = outcome
            accounts.append(values)
            phones.extend(its_phones)
            if from_phone:
                result.timezone_from_phone += 1
            if legal is not None and not legal(where):
                result.no_common_hours.append(values[0])
        if self.store.load_accounts(accounts, phones) != len(lines):
            raise RuntimeError("a first load's rowids are out of step with its lines")
        result.inserted += len(accounts)


# -- payments and calls ---------------------------------------------------------------------


class _Accounts:
    """Accounts an import touches, read once each, with their balance kept current."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cache: dict[str, tuple[Account, Decimal]] = {}

    def get(self, account_id: str) -> tuple[Account, Decimal] | None:
        if account_id not in self._cache:
            account = self.store.get_account(account_id)
            if account is None:
                return None
            owed = activity.balance(account, self.store.payments_of(account_id))
            self._cache[account_id] = (account, owed)
        return self._cache[account_id]

    def paid(self, account_id: str, amount: Decimal) -> None:
        account, owed = self._cache[account_id]
        self._cache[account_id] = (account, owed - amount)

    def forget(self, account_id: str) -> None:
        self._cache.pop(account_id, None)


def import_payments(
    store: Store, path: Path, settings: Settings, now: datetime,
    options: ImportOptions = ImportOptions(), progress: Progress | None = None,
) -> ImportResult:
    """Import the bank's payments feed; a reference already recorded on the account is
    unchanged, so the same feed can be imported twice."""
    from collectctl.app.learn import derive_paid

    order = options.date_order or settings.import_.date_order
    stamp = to_utc_iso(now)
    accounts = _Accounts(store)

    def sink(columns: ColumnMap, batch_id: int, result: ImportResult,
             _first: bool) -> RowSink:
        def row(line: int, cells: list[str]) -> None:
            account_id = f.normalize_text(_cell(cells, columns, "account_id")) or None
            try:
                payment = _payment_row(cells, columns, account_id, order, now.date())
            except _RowProblem as problem:
                _reject(result, line, account_id, problem.code, cells, problem.column,
                        problem.detail, problem.cell)
                return
            found = accounts.get(payment.account_id)
            if found is None:
                _reject(result, line, account_id, r.UNKNOWN_ACCOUNT, cells,
                        columns.header_of("account_id"), None, columns.columns["account_id"])
                return
            account, owed = found
            try:
                check_payment(payment, now.date(), owed, account.currency,
                              options.allow_overpay)
            except EntryError as error:
                name = {"date": "paid_on"}.get(error.field, error.field)
                _reject(result, line, account_id, error.code, cells, columns.header_of(name),
                        error.detail, columns.columns.get(name))
                return
            if store.add_payment(payment, stamp, batch_id=batch_id):
                result.inserted += 1
                accounts.paid(payment.account_id, payment.amount)
                paid.add(payment.account_id)
            else:
                result.unchanged += 1

        def finish() -> None:
            derive_paid(store, settings, paid)
            paid.clear()

        return _FunctionSink(result, row, finish)

    paid: set[str] = set()

    return _run_import(store, path, PAYMENTS, settings, now, options, progress, sink)


def _payment_row(cells, columns, account_id, order, today) -> Payment:
    if not account_id:
        raise _RowProblem(r.EMPTY, columns.header_of("account_id"), None,
                          columns.columns["account_id"])

    def parse(name, parser, *args):
        text = _cell(cells, columns, name)
        try:
            return parser(text, *args)
        except f.FieldError as error:
            raise _RowProblem(error.code, columns.header_of(name), error.detail,
                              columns.columns.get(name)) from None

    amount = parse("amount", f.parse_amount)[0]
    paid_on = parse("paid_on", f.parse_date, order)
    reference = _cell(cells, columns, "reference") or None
    return Payment(None, account_id, amount, paid_on, reference, "import")


def import_calls(
    store: Store, path: Path, settings: Settings, now: datetime,
    options: ImportOptions = ImportOptions(), progress: Progress | None = None,
) -> ImportResult:
    """Import a dialer's or spreadsheet's call results, each checked and applied as ``log``
    would; a row already in the log (same account, time and outcome) is unchanged."""
    from collectctl.app.calls import entry_rules, write_entry
    from collectctl.app.learn import Tally, derive_pay
    from collectctl.config import outcome_book
    from collectctl.core.entries import EntryInput, plan_entry

    book = outcome_book(settings)
    rules = entry_rules(settings, options.allow_overpay)
    order = options.date_order or settings.import_.date_order
    accounts = _Accounts(store)

    def sink(columns: ColumnMap, batch_id: int, result: ImportResult,
             _first: bool) -> RowSink:
        def row(line: int, cells: list[str]) -> None:
            get = lambda name: _cell(cells, columns, name) or None  # noqa: E731
            account_id = f.normalize_text(get("account_id") or "") or None
            found = accounts.get(account_id) if account_id else None
            if found is None:
                _reject(result, line, account_id,
                        r.UNKNOWN_ACCOUNT if account_id else r.EMPTY, cells,
                        columns.header_of("account_id"), None, columns.columns["account_id"])
                return
            account, owed = found
            outcome = book.find(get("outcome") or "")
            collector = get("collector") or options.collector or settings.me
            try:
                if outcome is None:
                    raise _RowProblem(r.EMPTY if not get("outcome") else r.UNKNOWN_OUTCOME,
                                      columns.header_of("outcome"),
                                      {"codes": ", ".join(o.code for o in book.outcomes)},
                                      columns.columns.get("outcome"))
                called_at = parse_call_time(get("called_at") or "", order, settings.timezone,
                                            columns.header_of("called_at"),
                                            columns.columns.get("called_at"))
                entry = EntryInput(account, outcome, collector, now, get("amount"), get("date"),
                                   get("callback_at"), get("phone"), get("note"),
                                   called_at=called_at, source="import")
                planned = plan_entry(entry, rules, owed)
            except _RowProblem as problem:
                _reject(result, line, account_id, problem.code, cells, problem.column,
                        problem.detail, problem.cell)
                return
            except EntryError as error:
                # The log's rule, said of the file's column rather than log's option.
                name = _ENTRY_COLUMNS.get(error.field, error.field)
                _reject(result, line, account_id, error.code, cells, columns.header_of(name),
                        error.detail, columns.columns.get(name))
                return
            if store.find_call(account.account_id, called_at, outcome.code):
                result.unchanged += 1
                return
            call, _flipped = write_entry(store, planned, now, batch_id)
            tally.add(account, call)
            if outcome.right_party or planned.payment:
                touched.add(account.account_id)
            written.append((line, account, call))
            result.inserted += 1
            if planned.payment:
                accounts.paid(account.account_id, planned.payment.amount)
            if planned.invalidate_phone:
                accounts.forget(account.account_id)

        def finish() -> None:
            tally.write(store)
            derive_pay(store, settings, touched)
            touched.clear()

        return _FunctionSink(result, row, finish)

    tally = Tally(settings)
    touched: set[str] = set()
    written: list[tuple[int, Account, Call]] = []
    result = _run_import(store, path, CALLS, settings, now, options, progress, sink)
    if result.batch is not None:
        result.broke_rules.extend(_broken_rules(store, settings, written))
    return result


def _broken_rules(store: Store, settings: Settings, written) -> list[RuleBreach]:
    """The calling rules the imported calls broke (``core.compliance``), each call checked
    against its account's log before it, as ``log`` checks one: recorded all the same."""
    from collectctl.app.calls import call_breaches, in_force

    logs: dict[str, tuple[list, list]] = {}
    found: list[RuleBreach] = []
    for line, account, call in written:
        if account.account_id not in logs:
            logs[account.account_id] = (store.calls_of(account.account_id),
                                        store.requests_of(account.account_id))
        log, asked = logs[account.account_id]
        found.extend(RuleBreach(line, account.account_id, call.id, reason)
                     for reason in call_breaches(settings, account, log, call,
                                                 in_force(asked, call)))
    return found


def parse_call_time(text: str, order: str, zone: str, column: str | None = None,
                    cell: int | None = None) -> datetime:
    """When a call was made, as dialers write it: ``2026-12-04 09:15``, ``115/12/04 09:15``,
    ISO with an offset; without one it is in ``zone``. A problem names ``column`` (and the
    ``cell`` it is read from)."""
    raw = f.normalize_text(text)
    if not raw:
        raise _RowProblem(r.EMPTY, column, None, cell)
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        day_text, _sep, clock_text = raw.replace("T", " ").partition(" ")
        if not clock_text:
            raise _RowProblem(r.NO_TIME_OF_DAY, column, None, cell) from None
        try:
            moment = datetime.combine(f.parse_date(day_text, order),
                                      f.parse_work_start(clock_text))
        except f.FieldError as error:
            raise _RowProblem(error.code, column, error.detail, cell) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    if not 1900 <= moment.year <= 9000:  # also keeps time-zone arithmetic in range
        raise _RowProblem(r.IMPLAUSIBLE_DATE, column, None, cell)
    return moment


class _RowProblem(Exception):
    """Why a row of payments or calls is refused (a reason code, the column, the detail,
    the cell's position)."""

    def __init__(self, code: str, column: str | None, detail=None,
                 cell: int | None = None) -> None:
        super().__init__(code)
        self.code, self.column, self.detail, self.cell = code, column, detail or {}, cell


#: The column of ``import calls`` that gives each field of a logged entry.
_ENTRY_COLUMNS = {"date": "date", "at": "callback_at", "amount": "amount", "phone": "phone",
                  "outcome": "outcome"}


class _FunctionSink:
    def __init__(self, result: ImportResult, row: Callable[[int, list[str]], None],
                 finish: Callable[[], None] | None = None) -> None:
        self.row = row
        self._finish = finish
        self._result = result

    def reject(self, error: RowError) -> None:
        self._result.rejected.append(error)

    def finish(self) -> None:
        if self._finish:
            self._finish()
