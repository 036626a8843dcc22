"""Collection KPIs over a period, one pure module for progress and reports alike.

Definitions (DOMAIN.md; the denominator is always stated):

* ``calls``: attempts logged in the period (undone entries never count), by the
  collector who logged them; ``contacts`` and ``right_party_contacts`` likewise.
* ``contact_rate`` = contacts / calls; ``rpc_rate`` = right-party contacts / calls.
* ``promises``, ``promised_amount``: promises made in the period.
* ``promises_kept`` / ``promises_broken``: promises *due* in the period, judged now;
  ``kept_rate`` = kept / (kept + broken).
* ``collected``: payments dated in the period on the accounts assigned to the collector.
* ``recovery_rate`` = collected / outstanding at the start of the period, in each
  currency.
* ``complaints``: complaint outcomes logged in the period.

Money (``promised_amount``, ``collected``, ``outstanding_at_start``) is
:class:`~collectctl.core.money.Amounts`: per currency, never added across currencies.
Rates are Decimal 0..1 rounded to 4 places, and None when their denominator is 0 (no
calls, no promise fell due, nothing outstanding in that currency): a rate without a
denominator is unknown, not 0. ``recovery_rate`` is one rate per currency.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal

from collectctl.core.money import Amounts, rates
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
#: The metrics whose value is per currency: the money, and the recovery rate (money over
#: money). A target or a threshold of one of these is in one currency.
PER_CURRENCY = (*AMOUNT_METRICS, "recovery_rate")

#: A rate, or None where it has no denominator.
Rate = Decimal | None


@dataclass(frozen=True)
class Metrics:
    """One collector's (or the team's) KPIs for a period. Field names are the JSON keys."""

    calls: int = 0
    contacts: int = 0
    right_party_contacts: int = 0
    promises: int = 0
    promised_amount: Amounts = field(default_factory=Amounts)
    promises_kept: int = 0
    promises_broken: int = 0
    kept_rate: Rate = None
    collected: Amounts = field(default_factory=Amounts)
    #: Currency code -> collected / outstanding at the start in it (None: nothing was).
    recovery_rate: Mapping[str, Rate] = field(default_factory=dict)
    complaints: int = 0
    contact_rate: Rate = None
    rpc_rate: Rate = None
    #: The denominator of recovery_rate (not a KPI itself).
    outstanding_at_start: Amounts = field(default_factory=Amounts)

    def value(self, name: str, currency: str | None = None) -> Decimal | None:
        """A metric as one number: a count, a rate (None without a denominator), or a
        per-currency metric's part in ``currency`` (0 in a currency without any; a
        recovery rate there is None)."""
        value = getattr(self, name)
        if name in PER_CURRENCY:
            if currency is None:
                raise ValueError(f"{name} is per currency: say which")
            if name == "recovery_rate":
                return value.get(currency)
            return value.amount(currency)
        return None if value is None else Decimal(value)


def rate(part, whole) -> Rate:
    """``part / whole`` rounded to 4 places; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATE)


def recovery_rates(collected: Amounts, outstanding: Amounts) -> dict[str, Rate]:
    """Collected / outstanding at the start, in each currency of either (sorted by code):
    None in a currency with nothing outstanding (money paid on an account listed later)."""
    whole = outstanding + Amounts((c, ZERO) for c in collected)
    return rates(collected, whole, RATE)


@dataclass(frozen=True)
class Tally:
    """Raw counts for one collector, as the store aggregates them (money per currency)."""

    outcome_counts: Mapping[str, int]
    promises: int = 0
    promised_amount: Amounts = field(default_factory=Amounts)
    promises_kept: int = 0
    promises_broken: int = 0
    collected: Amounts = field(default_factory=Amounts)
    outstanding_at_start: Amounts = field(default_factory=Amounts)


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
        recovery_rate=recovery_rates(tally.collected, tally.outstanding_at_start),
        complaints=complaints, contact_rate=rate(contacts, calls), rpc_rate=rate(rpcs, calls),
        outstanding_at_start=tally.outstanding_at_start,
    )


def combine(tallies: Iterable[Tally]) -> Tally:
    """The team's tally: the sum of its collectors' (money added per currency)."""
    counts: dict[str, int] = {}
    many = list(tallies)
    for t in many:
        for code, n in t.outcome_counts.items():
            counts[code] = counts.get(code, 0) + n
    return Tally(
        counts, sum(t.promises for t in many),
        Amounts.total(t.promised_amount for t in many),
        sum(t.promises_kept for t in many), sum(t.promises_broken for t in many),
        Amounts.total(t.collected for t in many),
        Amounts.total(t.outstanding_at_start for t in many),
    )


def ranked(by_collector: Mapping[str, Metrics], currency: str) -> list[tuple[str, Metrics]]:
    """Collectors ranked by what they collected in ``currency`` (the config's
    ``currency:``), then right-party contacts, then name (stable). Other currencies do not
    enter the ranking: without exchange rates they cannot be compared, and adding them
    would mix currencies."""
    return sorted(by_collector.items(),
                  key=lambda item: (-item[1].collected.amount(currency),
                                    -item[1].right_party_contacts, item[0]))


def metric_fields() -> tuple[str, ...]:
    return tuple(f.name for f in fields(Metrics) if f.name in METRIC_NAMES)
