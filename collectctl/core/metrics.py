"""Collection KPIs over a period, one pure module for progress and reports alike.

Definitions (DOMAIN.md; the denominator is always stated):

* ``calls``: attempts logged in the period (undone entries never count), by the
  collector who logged them; ``contacts`` and ``right_party_contacts`` likewise.
* ``contact_rate`` = contacts / calls; ``rpc_rate`` = right-party contacts / calls.
* ``promises``, ``promised_amount``: promises made in the period.
* ``promises_kept`` / ``promises_broken``: promises *due* in the period, judged now;
  ``kept_rate`` = kept / (kept + broken).
* ``collected``: payments dated in the period on the accounts assigned to the collector.
* ``recovery_rate`` = collected / outstanding at the start of the period.
* ``complaints``: complaint outcomes logged in the period.

Amounts are Decimal (two places); rates are Decimal 0..1 rounded to 4 places, or 0
when the denominator is 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal

from collectctl.core.outcomes import OutcomeBook

ZERO = Decimal("0.00")
RATE = Decimal("0.0001")

METRIC_NAMES = (
    "calls", "contacts", "right_party_contacts", "promises", "promised_amount",
    "promises_kept", "promises_broken", "kept_rate", "collected", "recovery_rate",
    "complaints", "contact_rate", "rpc_rate",
)
AMOUNT_METRICS = ("promised_amount", "collected")
RATE_METRICS = ("kept_rate", "recovery_rate", "contact_rate", "rpc_rate")


@dataclass(frozen=True)
class Metrics:
    """One collector's (or the team's) KPIs for a period. Field names are the JSON keys."""

    calls: int = 0
    contacts: int = 0
    right_party_contacts: int = 0
    promises: int = 0
    promised_amount: Decimal = ZERO
    promises_kept: int = 0
    promises_broken: int = 0
    kept_rate: Decimal = Decimal(0)
    collected: Decimal = ZERO
    recovery_rate: Decimal = Decimal(0)
    complaints: int = 0
    contact_rate: Decimal = Decimal(0)
    rpc_rate: Decimal = Decimal(0)
    #: The denominator of recovery_rate (not a KPI itself).
    outstanding_at_start: Decimal = ZERO

    def value(self, name: str) -> Decimal:
        return Decimal(getattr(self, name))


def rate(part, whole) -> Decimal:
    """``part / whole`` rounded to 4 places; 0 when there is nothing to divide by."""
    if not whole:
        return Decimal(0)
    return (Decimal(part) / Decimal(whole)).quantize(RATE)


@dataclass(frozen=True)
class Tally:
    """Raw counts for one collector, as the store aggregates them."""

    outcome_counts: Mapping[str, int]
    promises: int = 0
    promised_amount: Decimal = ZERO
    promises_kept: int = 0
    promises_broken: int = 0
    collected: Decimal = ZERO
    outstanding_at_start: Decimal = ZERO


def metrics(tally: Tally, book: OutcomeBook) -> Metrics:
    """KPIs from raw counts: outcome codes are weighed by their flags (attempt, contact...)."""
    calls = contacts = rpcs = complaints = 0
    for code, count in tally.outcome_counts.items():
        outcome = book.find(code)
        if outcome is None:
            continue
        calls += count if outcome.attempt else 0
        contacts += count if outcome.contact else 0
        rpcs += count if outcome.right_party else 0
        complaints += count if outcome.complaint else 0
    return Metrics(
        calls=calls, contacts=contacts, right_party_contacts=rpcs,
        promises=tally.promises, promised_amount=tally.promised_amount,
        promises_kept=tally.promises_kept, promises_broken=tally.promises_broken,
        kept_rate=rate(tally.promises_kept, tally.promises_kept + tally.promises_broken),
        collected=tally.collected,
        recovery_rate=rate(tally.collected, tally.outstanding_at_start),
        complaints=complaints, contact_rate=rate(contacts, calls), rpc_rate=rate(rpcs, calls),
        outstanding_at_start=tally.outstanding_at_start,
    )


def combine(tallies: Iterable[Tally]) -> Tally:
    """The team's tally: the sum of its collectors'."""
    counts: dict[str, int] = {}
    total = Tally({})
    for t in tallies:
        for code, n in t.outcome_counts.items():
            counts[code] = counts.get(code, 0) + n
        total = Tally(
            counts, total.promises + t.promises, total.promised_amount + t.promised_amount,
            total.promises_kept + t.promises_kept, total.promises_broken + t.promises_broken,
            total.collected + t.collected, total.outstanding_at_start + t.outstanding_at_start,
        )
    return Tally(counts, total.promises, total.promised_amount, total.promises_kept,
                 total.promises_broken, total.collected, total.outstanding_at_start)


def ranked(by_collector: Mapping[str, Metrics]) -> list[tuple[str, Metrics]]:
    """Collectors ranked by collected, then right-party contacts, then name (stable)."""
    return sorted(by_collector.items(),
                  key=lambda item: (-item[1].collected, -item[1].right_party_contacts, item[0]))


def metric_fields() -> tuple[str, ...]:
    return tuple(f.name for f in fields(Metrics) if f.name in METRIC_NAMES)
