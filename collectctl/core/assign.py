"""Sharing accounts among collectors: greedy, largest first, into the lightest portfolio,
one currency at a time (balances in different currencies are never added)."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from decimal import Decimal

from collectctl.core.money import Amounts


@dataclass(frozen=True)
class Load:
    """A collector's portfolio as the distribution sees it: its balance per currency."""

    collector: str
    accounts: int = 0
    balance: Amounts = field(default_factory=Amounts)
    added: int = 0


def distribute(pool: list[tuple[str, Decimal, str]], loads: list[Load], by: str = "balance"
               ) -> tuple[dict[str, str], list[Load]]:
    """Give each account of ``pool`` (``(account_id, balance, currency)``) to a collector
    of ``loads`` (their portfolios before), one currency at a time (by code): in each, the
    largest balance first, each to the collector whose portfolio is lightest by ``by``:
    ``balance`` (in that currency), ties to the one with fewer accounts, then by name; or
    ``count`` (accounts), ties to the lighter balance in that currency, then by name.
    Returns ``{account_id: collector}`` and the loads after.

    Largest-first greedy keeps, in each currency, the heaviest and the lightest portfolio
    within one account's balance of each other (the classic LPT bound for a given
    starting load); a total across currencies is never weighed, as there is none.
    """
    if not loads:
        return {}, []
    if by not in ("balance", "count"):
        raise ValueError(by)
    current = {load.collector: load for load in loads}
    chosen: dict[str, str] = {}
    for currency in sorted({c for _a, _b, c in pool}):

        def key(load: Load, currency: str = currency):
            money = load.balance.amount(currency)
            if by == "balance":
                return (money, load.accounts, load.collector)
            return (Decimal(load.accounts), money, load.collector)

        heap = [(key(load), load) for load in current.values()]
        heapq.heapify(heap)
        accounts = [(a, b) for a, b, c in pool if c == currency]
        for account_id, balance in sorted(accounts, key=lambda item: (-item[1], item[0])):
            _k, load = heapq.heappop(heap)
            chosen[account_id] = load.collector
            load = Load(load.collector, load.accounts + 1, load.balance.plus(currency, balance),
                        load.added + 1)
            heapq.heappush(heap, (key(load), load))
        current = {load.collector: load for _k, load in heap}
    after = sorted(current.values(), key=lambda load: load.collector)
    return chosen, after
