"""Money in several currencies, never added across them.

An :class:`Amounts` is a currency code → ``Decimal`` mapping that adds per currency: 20,000
TWD and 100 AUD are ``{"AUD": 100.00, "TWD": 20000.00}``, never ``20,100``. Every total a
report, a progress line or a split weighs is one, so a figure in one currency cannot be
mixed with another by accident: there is no ``sum`` of an Amounts, only its parts, and a
conversion (``fx:``) is a separate, labelled step (:func:`converted`).

Pure and immutable: amounts keep two places (``CENT``), currencies are sorted by code (the
order JSON and screens show them in), a zero part is kept (a currency with nothing yet is
still a currency of the portfolio) unless :meth:`Amounts.nonzero` drops it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def _cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, init=False)
class Amounts(Mapping[str, Decimal]):
    """Amounts by currency code, sorted by code; ``Amounts()`` is none at all."""

    parts: tuple[tuple[str, Decimal], ...]

    def __init__(self, items: Mapping[str, Decimal] | Iterable[tuple[str, Decimal]] = ()):
        pairs = items.items() if isinstance(items, Mapping) else items
        merged: dict[str, Decimal] = {}
        for currency, amount in pairs:
            if not currency:
                raise ValueError("an amount needs its currency")
            merged[currency] = merged.get(currency, ZERO) + Decimal(amount)
        object.__setattr__(self, "parts",
                           tuple((c, _cents(merged[c])) for c in sorted(merged)))

    @classmethod
    def of(cls, currency: str, amount) -> Amounts:
        return cls(((currency, Decimal(amount)),))

    # -- the mapping --------------------------------------------------------------------

    def __getitem__(self, currency: str) -> Decimal:
        for code, amount in self.parts:
            if code == currency:
                return amount
        raise KeyError(currency)

    def __iter__(self) -> Iterator[str]:
        return (code for code, _amount in self.parts)

    def __len__(self) -> int:
        return len(self.parts)

    def amount(self, currency: str) -> Decimal:
        """The part in ``currency``; 0.00 when there is none."""
        return self.get(currency, ZERO)

    # -- arithmetic, per currency ---------------------------------------------------------

    def __add__(self, other: Amounts) -> Amounts:
        if not isinstance(other, Amounts):
            return NotImplemented
        return Amounts((*self.parts, *other.parts))

    def __neg__(self) -> Amounts:
        return Amounts((c, -a) for c, a in self.parts)

    def __sub__(self, other: Amounts) -> Amounts:
        if not isinstance(other, Amounts):
            return NotImplemented
        return self + (-other)

    def plus(self, currency: str, amount) -> Amounts:
        return self + Amounts.of(currency, amount)

    def nonzero(self) -> Amounts:
        """Without the currencies whose part is zero."""
        return Amounts((c, a) for c, a in self.parts if a)

    def is_zero(self) -> bool:
        return not any(a for _c, a in self.parts)

    def json(self) -> dict[str, str]:
        """``{"AUD": "100.00", "TWD": "20000.00"}``; ``{}`` for none."""
        return {c: f"{a:.2f}" for c, a in self.parts}

    @classmethod
    def total(cls, many: Iterable[Amounts]) -> Amounts:
        """The parts of several, added per currency."""
        return cls(pair for amounts in many for pair in amounts.parts)


def summed(pairs: Iterable[tuple[str, Decimal]]) -> Amounts:
    """``(currency, amount)`` pairs (rows of a query, say) added per currency."""
    return Amounts(pairs)


def rates(part: Amounts, whole: Amounts, places: Decimal = Decimal("0.0001")
          ) -> dict[str, Decimal | None]:
    """``part / whole`` in each currency of ``whole`` (rounded to ``places``); None in a
    currency whose whole is zero: a rate without a denominator is not 0, it is unknown."""
    return {c: (part.amount(c) / w).quantize(places, rounding=ROUND_HALF_UP) if w else None
            for c, w in whole.items()}


@dataclass(frozen=True)
class Rates:
    """Exchange rates to one ``base`` currency, as of ``as_of`` (``fx:`` in the config):
    one unit of each currency is ``rates[currency]`` of the base."""

    base: str
    as_of: date
    rates: Mapping[str, Decimal]


def converted(amounts: Amounts, fx: Rates) -> tuple[Decimal, tuple[str, ...]]:
    """``amounts`` in ``fx.base`` (rounded to cents), and the currencies ``fx`` has no rate
    for (left out of the total, to be said beside it, never guessed)."""
    total = ZERO
    missing = []
    for currency, amount in amounts.items():
        if currency == fx.base:
            total += amount
        elif currency in fx.rates:
            total += amount * Decimal(fx.rates[currency])
        else:
            missing.append(currency)
    return _cents(total), tuple(missing)
