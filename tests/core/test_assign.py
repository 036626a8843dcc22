"""Distributing accounts: largest first into the lightest portfolio, each currency on its
own."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from collectctl.core.assign import Load, distribute
from collectctl.core.money import Amounts


def D(x) -> Decimal:
    return Decimal(str(x))


def twd(x) -> Amounts:
    return Amounts.of("TWD", D(x))


def test_largest_first_into_the_lightest():
    pool = [(a, D(b), "TWD") for a, b in (("a", 100), ("b", 90), ("c", 50), ("d", 40),
                                           ("e", 10))]
    chosen, after = distribute(pool, [Load("x"), Load("y")])
    # 100->x, 90->y, 50->y (140), 40->x (140), 10->x (150): ties go to fewer accounts.
    assert chosen == {"a": "x", "b": "y", "c": "y", "d": "x", "e": "x"}
    assert [(lo.collector, lo.accounts, lo.balance, lo.added) for lo in after] == [
        ("x", 3, twd(150), 3), ("y", 2, twd(140), 2)]


def test_existing_portfolios_count():
    chosen, after = distribute([("a", D(10), "TWD"), ("b", D(10), "TWD")],
                               [Load("x", 5, twd(1000)), Load("y")])
    assert chosen == {"a": "y", "b": "y"}


def test_each_currency_is_balanced_on_its_own():
    # x holds 100,000 TWD and y nothing: weighed by a sum across currencies, y would get
    # every account. In AUD both start at 0.
    pool = [("a1", D(3000), "AUD"), ("a2", D(2000), "AUD"), ("t1", D(500), "TWD")]
    chosen, after = distribute(pool, [Load("x", 1, twd(100000)), Load("y")])
    # AUD first (by code): a1 -> y (AUD 0 both, y has fewer accounts), a2 -> x (AUD 0
    # against y's 3,000); then TWD: t1 -> y (0 against 100,000).
    assert chosen == {"a1": "y", "a2": "x", "t1": "y"}
    assert {lo.collector: lo.balance for lo in after} == {
        "x": Amounts({"AUD": D(2000), "TWD": D(100000)}),
        "y": Amounts({"AUD": D(3000), "TWD": D(500)})}


def test_by_count_balances_the_number_of_accounts():
    pool = [(f"a{n}", D(1000 if n == 0 else 1), "TWD") for n in range(6)]
    chosen, after = distribute(pool, [Load("x"), Load("y"), Load("z")], by="count")
    assert sorted(lo.accounts for lo in after) == [2, 2, 2]


def test_nobody_to_give_to():
    assert distribute([("a", D(1), "TWD")], []) == ({}, [])


@given(st.lists(st.tuples(st.integers(min_value=0, max_value=10**9),
                          st.sampled_from(["AUD", "TWD", "USD"])), max_size=60),
       st.integers(min_value=1, max_value=6))
def test_every_account_is_given_once_and_each_currency_stays_within_one_account(amounts, n):
    pool = [(f"a{i}", Decimal(m) / 100, c) for i, (m, c) in enumerate(amounts)]
    chosen, after = distribute(pool, [Load(f"c{k}") for k in range(n)])
    assert set(chosen) == {aid for aid, _b, _c in pool}
    assert Amounts.total(lo.balance for lo in after) == Amounts((c, b) for _a, b, c in pool)
    assert sum(lo.accounts for lo in after) == len(pool)
    for currency in {c for _a, _b, c in pool}:
        held = [lo.balance.amount(currency) for lo in after]
        assert max(held) - min(held) <= max(b for _a, b, c in pool if c == currency)
