"""Money in several currencies: added per currency, never across."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collectctl.core.money import Amounts, Rates, converted, rates, summed

D = Decimal


def test_twenty_thousand_twd_and_a_hundred_aud_stay_apart():
    collected = Amounts.of("TWD", "20000") + Amounts.of("AUD", "100")
    assert dict(collected) == {"AUD": D("100.00"), "TWD": D("20000.00")}
    assert collected.json() == {"AUD": "100.00", "TWD": "20000.00"}
    assert list(collected) == ["AUD", "TWD"]  # by code
    assert Amounts().json() == {}


def test_parts_add_per_currency_and_keep_cents():
    total = summed([("TWD", D("1.005")), ("TWD", D("2")), ("USD", D("0.10"))])
    assert total.amount("TWD") == D("3.01") and total.amount("USD") == D("0.10")
    assert total.amount("GBP") == D("0.00")
    assert (total - Amounts.of("TWD", 3)).nonzero() == Amounts({"TWD": D("0.01"),
                                                               "USD": D("0.10")})


def test_an_amount_needs_its_currency():
    with pytest.raises(ValueError):
        Amounts.of("", 5)


def test_rates_are_per_currency_and_none_without_a_denominator():
    part = Amounts({"TWD": D(50), "AUD": D(0)})
    whole = Amounts({"TWD": D(1000), "AUD": D(0)})
    assert rates(part, whole) == {"AUD": None, "TWD": D("0.0500")}
    assert rates(part, Amounts()) == {}


def test_a_conversion_names_what_it_could_not_convert():
    fx = Rates("TWD", date(2026, 12, 1), {"USD": D("32.1")})
    total, missing = converted(Amounts({"TWD": D(100), "USD": D(2), "GBP": D(1)}), fx)
    assert total == D("164.20") and missing == ("GBP",)


CURRENCIES = st.sampled_from(["TWD", "USD", "GBP", "AUD"])
PAIRS = st.lists(st.tuples(CURRENCIES, st.decimals(-10**9, 10**9, places=2)), max_size=12)


@given(PAIRS, PAIRS)
def test_adding_is_per_currency_whatever_the_order(a, b):
    left, right = summed(a), summed(b)
    both = left + right
    assert both == right + left == summed(a + b)
    for currency in {c for c, _ in a + b}:
        assert both.amount(currency) == sum((x for c, x in a + b if c == currency), D(0))
    assert set(both) == {c for c, _ in a + b}
    assert Amounts.total([left, right]) == both
