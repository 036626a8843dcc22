"""The log's hash chain: each entry carries a digest of the entry before it and of its own
content, so a changed, removed or inserted entry shows where the chain breaks.

Two chains, one after the other:

- **The first chain** (schema 6 to 9) covers the call log alone, in id order, with
  :data:`FIELDS`. Entries logged before it (or loaded in bulk without it) carry no link.
- **The ledger** (schema 10 on) covers every entry that moves money or a promise as well
  as every call: calls, promises and payments, numbered 1, 2, 3 ... (``seq``) in the
  order they were written, each link over its kind, its number and every stored field
  (:data:`LEDGER_FIELDS`, ``logged_at`` and ``batch_id`` included). The ledger's first
  link follows the first chain's last. A *head* record keeps how many entries the ledger
  holds and its last link, and how many rows of each table came before it: an entry taken
  off the end, a row added without a link, or a link set to NULL no longer matches it.

With a key (``COLLECTCTL_CHAIN_KEY``) the ledger's links are HMAC-SHA256 instead of
SHA-256: whoever edits an entry cannot make the links after it hold again without the key.
Verification is pure: the rows and the head are read by the store. (hashlib is imported
where a link is made: every command reads this module's field lists, few make links.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: The stored fields a first-chain link covers, in order (the entry's id is not among them:
#: the link is made before the database numbers the entry; order is kept by ``prev``).
FIELDS = ("account_id", "collector", "called_at", "outcome", "phone", "note", "amount_minor",
          "promise_date", "callback_at", "reverses", "invalidated_phone", "source")

#: Each ledger kind: its table and the stored fields its link covers, in order.
LEDGER_FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "call": ("calls", (*FIELDS, "batch_id", "logged_at")),
    "promise": ("promises", ("account_id", "call_id", "amount_minor", "due_date", "made_on")),
    "payment": ("payments", ("account_id", "amount_minor", "paid_on", "reference", "source",
                             "call_id", "batch_id", "recorded_at")),
}
KIND_OF_TABLE = {table: kind for kind, (table, _fields) in LEDGER_FIELDS.items()}

_UNIT, _RECORD = "\x1f", "\x1e"


def _text(values: Iterable) -> str:
    return _UNIT.join("" if v is None else str(v) for v in values)


def link(prev: str | None, values: Sequence) -> str:
    """The first chain's value of an entry with these field values after an entry whose
    chain value is ``prev`` (None: the first)."""
    import hashlib

    return hashlib.sha256(f"{prev or ''}{_RECORD}{_text(values)}".encode(
        "utf-8", "surrogateescape")).hexdigest()


def ledger_message(prev: str | None, kind: str, seq: int, values: Sequence) -> bytes:
    """What a ledger link digests (the PostgreSQL trigger builds the same bytes)."""
    return (f"{prev or ''}{_RECORD}{kind}{_RECORD}{seq}{_RECORD}{_text(values)}"
            ).encode("utf-8", "surrogateescape")


def ledger_link(prev: str | None, kind: str, seq: int, values: Sequence,
                key: bytes | None = None) -> str:
    """The ledger's link of entry number ``seq`` (its ``kind`` and field values) after the
    link ``prev``: SHA-256, or HMAC-SHA256 with ``key``."""
    import hashlib
    import hmac

    message = ledger_message(prev, kind, seq, values)
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def key_pads(key: bytes) -> tuple[bytes, bytes]:
    """HMAC-SHA256's inner and outer padded keys, so a server with SHA-256 alone computes
    ``sha256(outer || sha256(inner || message))`` = HMAC."""
    import hashlib

    block = 64
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


@dataclass(frozen=True)
class Head:
    """The head record: the ledger's count and last link, and what came before it."""

    entries: int = 0
    head: str | None = None  # the last link (before any entry: the first chain's last)
    legacy_calls: int = 0  # call log entries from before the ledger
    legacy_unchained: int = 0  # of them, the ones with no link
    legacy_promises: int = 0
    legacy_payments: int = 0
    keyed: bool = False


@dataclass(frozen=True)
class ChainCheck:
    """What walking the chains found. ``problem`` is a code, None when everything holds:

    - ``link_broken``: the entry (``kind``, ``entry_id``) does not hold its link: it, or
      the entry before it, was changed, removed or added outside collectctl (or, keyed,
      the key is not the one the ledger was written with);
    - ``unlinked``: an entry after the chain's start carries no link;
    - ``missing``: the ledger number ``seq`` is absent (an entry was removed);
    - ``truncated``: the ledger ends before its head says (entries removed from the end);
    - ``head_differs``: the last link is not the head's (the log was rewritten);
    - ``legacy_changed``: the rows from before the ledger are not the ones it started
      after (rows added, removed or unlinked);
    - ``needs_key``: the ledger is keyed and no key was given.
    """

    entries: int  # every entry walked (both chains)
    unchained: int  # first-chain entries from before any link
    problem: str | None = None
    kind: str | None = None
    entry_id: int | None = None
    seq: int | None = None
    head: str | None = None  # the ledger's last link, as walked
    ledger: int = 0  # ledger entries walked
    keyed: bool = False

    @property
    def broken_at(self) -> int | None:
        """The first call log entry that does not hold (the first chain's report)."""
        return self.entry_id if self.problem else None


def verify_first(rows: Iterable[tuple]) -> tuple[int, int, int | None, str | None]:
    """Walk the first chain's ``(id, *FIELDS values, chain)`` rows in id order: (entries,
    unchained before the start, the first id that does not hold, the last link)."""
    prev: str | None = None
    started = False
    entries = unchained = 0
    for row in rows:
        entries += 1
        entry_id, values, chain = row[0], row[1:-1], row[-1]
        if chain is None:
            if started:
                return entries, unchained, entry_id, prev
            unchained += 1
            continue
        if chain != link(prev, values):
            return entries, unchained, entry_id, prev
        started, prev = True, chain
    return entries, unchained, None, prev


def verify(first: Iterable[tuple], ledger: Iterable[tuple], head: Head | None = None,
           key: bytes | None = None, legacy: tuple[int, int] = (0, 0)) -> ChainCheck:
    """Both chains against the head. ``first``: the first chain's rows (calls without a
    ledger number); ``ledger``: ``(kind, seq, id, *that kind's fields, chain)`` in ``seq``
    order; ``legacy``: how many promises and payments have no ledger number. Without a
    head (a database from before the ledger) only the first chain is walked."""
    entries, unchained, broken, last = verify_first(first)
    if broken is not None:
        return ChainCheck(entries, unchained, "link_broken", "call", broken)
    if head is None:
        return ChainCheck(entries, unchained, head=last)
    if head.keyed and key is None:
        return ChainCheck(entries, unchained, "needs_key", keyed=True)
    counted = (entries, unchained, *legacy)
    recorded = (head.legacy_calls, head.legacy_unchained, head.legacy_promises,
                head.legacy_payments)
    if counted != recorded:
        return ChainCheck(entries, unchained, "legacy_changed")
    use = key if head.keyed else None
    prev = last
    walked = 0
    for row in ledger:
        kind, seq, entry_id, chain = row[0], row[1], row[2], row[-1]
        values = row[3:3 + len(LEDGER_FIELDS[kind][1])]
        walked += 1
        if seq != walked:
            return ChainCheck(entries + walked, unchained, "missing", seq=walked,
                              ledger=walked, keyed=head.keyed)
        if chain is None:
            return ChainCheck(entries + walked, unchained, "unlinked", kind, entry_id, seq,
                              ledger=walked, keyed=head.keyed)
        if chain != ledger_link(prev, kind, seq, values, use):
            return ChainCheck(entries + walked, unchained, "link_broken", kind, entry_id,
                              seq, ledger=walked, keyed=head.keyed)
        prev = chain
    if walked < head.entries:
        return ChainCheck(entries + walked, unchained, "truncated", seq=walked + 1,
                          ledger=walked, keyed=head.keyed)
    if walked > head.entries or prev != head.head:
        return ChainCheck(entries + walked, unchained, "head_differs", ledger=walked,
                          keyed=head.keyed)
    return ChainCheck(entries + walked, unchained, head=prev, ledger=walked,
                      keyed=head.keyed)
