"""The call log's hash chain: each entry carries a digest of the entry before it and of
its own content, so a changed, removed or inserted entry shows where the chain breaks.

Reversals are entries too (an undo appends; nothing is edited), so the chain covers the
whole history. Entries logged before the chain existed (or loaded in bulk without it)
carry none; the chain starts at the first entry that has one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: The stored fields a link covers, in order (the entry's id is not among them: the link
#: is made before the database numbers the entry; order is kept by ``prev``).
FIELDS = ("account_id", "collector", "called_at", "outcome", "phone", "note", "amount_minor",
          "promise_date", "callback_at", "reverses", "invalidated_phone", "source")


def link(prev: str | None, values: Sequence) -> str:
    """The chain value of an entry with these field values after an entry whose chain
    value is ``prev`` (None: the first)."""
    text = "\x1f".join("" if v is None else str(v) for v in values)
    return hashlib.sha256(f"{prev or ''}\x1e{text}".encode("utf-8", "surrogateescape")
                          ).hexdigest()


@dataclass(frozen=True)
class ChainCheck:
    entries: int
    unchained: int  # before the chain began
    broken_at: int | None  # the first entry whose link does not hold


def verify(rows: Iterable[tuple]) -> ChainCheck:
    """Walk ``(id, *FIELDS values, chain)`` rows in id order."""
    prev: str | None = None
    started = False
    entries = unchained = 0
    for row in rows:
        entries += 1
        entry_id, values, chain = row[0], row[1:-1], row[-1]
        if chain is None:
            if started:
                return ChainCheck(entries, unchained, entry_id)
            unchained += 1
            continue
        if chain != link(prev, values):
            return ChainCheck(entries, unchained, entry_id)
        started, prev = True, chain
    return ChainCheck(entries, unchained, None)
