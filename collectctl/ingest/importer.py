"""``import accounts``: stream a file, normalize each row, upsert in one transaction.

Bad rows never stop good ones; a missing required column stops everything
before anything is written; the whole import is one transaction, so an
interrupted import leaves the database as it was.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from collectctl.clock import to_utc_iso
from collectctl.config import Settings
from collectctl.core.accounts import merge_listed, same_listing
from collectctl.core.models import Account, ImportResult, RowError
from collectctl.i18n import _
from collectctl.ingest.accounts import RowContext, listed_groups, normalize_account
from collectctl.ingest.headers import HeaderMatcher, load_mapping
from collectctl.ingest.reader import open_table

CHUNK_ROWS = 2_000


@dataclass(frozen=True)
class AccountImportOptions:
    """The flags of ``import accounts`` (see its ``--help``)."""

    encoding: str | None = None
    mapping: Path | None = None
    date_order: str | None = None
    assign_to: str | None = None
    close_missing: bool = False
    strict: bool = False
    dry_run: bool = False


#: Called with (bytes read, total bytes) as the file is read.
Progress = Callable[[int, int], None]


def import_accounts(
    store,
    path: Path,
    settings: Settings,
    now: datetime,
    options: AccountImportOptions = AccountImportOptions(),
    progress: Progress | None = None,
) -> ImportResult:
    """Import an account list into ``store``; return what happened (nothing raised for bad rows)."""
    mapping = load_mapping(options.mapping) if options.mapping else None
    matcher = HeaderMatcher(settings.import_.aliases, mapping)
    with open_table(path, matcher.score, options.encoding) as table:
        columns = matcher.resolve(table.header, path.name)
        ctx = RowContext(
            phone_region=settings.phone_region,
            timezone=settings.timezone,
            currency=settings.currency,
            date_order=options.date_order or settings.import_.date_order,
            today=now.date(),
            assign_to=options.assign_to,
            listed=listed_groups(columns, options.assign_to),
        )
        result = ImportResult(
            file=str(path), encoding=table.encoding, delimiter=table.delimiter,
            header=tuple(table.header), dry_run=options.dry_run,
        )
        stamp = to_utc_iso(now)
        seen: dict[str, int] = {}
        with store.transaction() as tx:
            batch_id = store.begin_batch("accounts", path.name, table.encoding, stamp)
            pending: list[tuple[Account, str]] = []
            for line, cells in table.records():
                outcome = normalize_account(line, cells, columns, ctx)
                bad = isinstance(outcome, RowError)
                account_id = outcome.account_id if bad else outcome[0].account_id
                if account_id in seen:
                    # Later rows with the same id are rejected even when the first was bad:
                    # which of them is right is for the team lead to say.
                    result.rejected.append(RowError(
                        line, account_id,
                        _("duplicate account id {id!r}: already on line {first}").format(
                            id=account_id, first=seen[account_id]),
                        tuple(cells),
                    ))
                    continue
                if account_id:
                    seen[account_id] = line
                if bad:
                    result.rejected.append(outcome)
                else:
                    pending.append(outcome)
                if len(pending) >= CHUNK_ROWS:
                    _write_chunk(store, pending, ctx.listed, batch_id, stamp, result)
                    pending = []
                    if progress:
                        progress(table.bytes_read, table.size)
            _write_chunk(store, pending, ctx.listed, batch_id, stamp, result)
            if progress:
                progress(table.size, table.size)
            if options.close_missing:
                result.closed = store.close_missing(seen, options.assign_to, batch_id, stamp)
            sha256 = table.sha256()
            result.previous_batch = store.find_batch("accounts", sha256, before_id=batch_id)
            store.finish_batch(batch_id, sha256, {
                "inserted": result.inserted, "updated": result.updated,
                "unchanged": result.unchanged, "rejected": len(result.rejected),
                "closed": result.closed,
            })
            result.strict_aborted = options.strict and bool(result.rejected)
            if options.dry_run or result.strict_aborted:
                tx.rollback()
            else:
                result.batch = batch_id
    result.no_valid_phone.sort()
    return result


def _write_chunk(
    store,
    rows: list[tuple[Account, str]],
    groups: frozenset[str],
    batch_id: int,
    stamp: str,
    result: ImportResult,
) -> None:
    """Insert new accounts, update changed ones, count the rest as unchanged.

    A matching fingerprint settles "unchanged" without reading the account; otherwise
    the stored account is read and merged with the fields this list carries.
    """
    if not rows:
        return
    known = store.account_fingerprints([a.account_id for a, _h in rows])
    new, maybe = [], []
    for account, digest in rows:
        existing = known.get(account.account_id)
        if existing is None:
            new.append((account, digest))
        elif existing != (digest, "open"):
            maybe.append((account, digest))
        else:
            result.unchanged += 1
    stored = store.get_accounts([a.account_id for a, _h in maybe])
    changed = []
    for account, digest in maybe:
        before = stored[account.account_id]
        merged = merge_listed(before, account, groups)
        if before.status == "open" and same_listing(merged, before):
            result.unchanged += 1
        else:
            changed.append((merged, digest))
    store.insert_accounts(new, batch_id, stamp)
    store.update_accounts(changed, batch_id, stamp)
    result.inserted += len(new)
    result.updated += len(changed)
    ids = [a.account_id for a, _h in rows]
    result.no_valid_phone.extend(store.accounts_without_valid_phone(ids))


def write_rejects(path: Path, header: tuple[str, ...] | list[str], rejects: list[RowError]) -> None:
    """Write rejected rows (original columns plus ``reason``) for fixing and re-import.

    The cells are written exactly as read, so the fixed file imports like the original.
    UTF-8 with a BOM so spreadsheet programs show Chinese text; mode 0600; written to a
    temporary file and renamed, so a failure never leaves half a file.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".rejects-", dir=path.parent or Path("."))
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", errors="surrogateescape", newline="") as out:
            writer = csv.writer(out)
            writer.writerow([*header, "reason"])
            for reject in rejects:
                cells = list(reject.raw) + [""] * (len(header) - len(reject.raw))
                reason = _("line {line}: {reason}").format(line=reject.line, reason=reject.reason)
                writer.writerow([*cells[: len(header)], reason])
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
