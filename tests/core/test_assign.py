"""Distributing accounts: largest first into the lightest portfolio."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from collectctl.core.assign import Load, distribute


def D(x) -> Decimal:
    return Decimal(str(x))


def test_largest_first_into_the_lightest():
    pool = [("a", D(100)), ("b", D(90)), ("c", D(50)), ("d", D(40)), ("e", D(10))]
    chosen, after = distribute(pool, [Load("x"), Load("y")])
    # 100->x, 90->y, 50->y (140), 40->x (140), 10->x (150): ties go to fewer accounts.
    assert chosen == {"a": "x", "b": "y", "c": "y", "d": "x", "e": "x"}
    assert [(lo.collector, lo.accounts, lo.balance, lo.added) for lo in after] == [
        ("x", 3, D(150), 3), ("y", 2, D(140), 2)]


def test_existing_portfolios_count():
    chosen, after = distribute([("a", D(10)), ("b", D(10))],
                               [Load("x", 5, D(1000)), Load("y")])
    assert chosen == {"a": "y", "b": "y"}


def test_by_count_balances_the_number_of_accounts():
    pool = [(f"a{n}", D(1000 if n == 0 else 1)) for n in range(6)]
    chosen, after = distribute(pool, [Load("x"), Load("y"), Load("z")], by="count")
    assert sorted(lo.accounts for lo in after) == [2, 2, 2]


def test_nobody_to_give_to():
    assert distribute([("a", D(1))], []) == ({}, [])


@given(st.lists(st.integers(min_value=0, max_value=10**9), max_size=60),
       st.integers(min_value=1, max_value=6))
def test_every_account_is_given_once_and_portfolios_stay_within_one_account(amounts, n):
    pool = [(f"a{i}", Decimal(m) / 100) for i, m in enumerate(amounts)]
    chosen, after = distribute(pool, [Load(f"c{k}") for k in range(n)])
    assert set(chosen) == {aid for aid, _b in pool}
    assert sum(lo.balance for lo in after) == sum(b for _a, b in pool)
    assert sum(lo.accounts for lo in after) == len(pool)
    if pool:
        spread = max(lo.balance for lo in after) - min(lo.balance for lo in after)
        assert spread <= max(b for _a, b in pool)
