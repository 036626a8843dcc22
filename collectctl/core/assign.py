"""Sharing accounts among collectors: greedy, largest first, into the lightest portfolio."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Load:
    """A collector's portfolio as the distribution sees it."""

    collector: str
    accounts: int = 0
    balance: Decimal = Decimal("0.00")
    added: int = 0


def distribute(pool: list[tuple[str, Decimal]], loads: list[Load], by: str = "balance"
               ) -> tuple[dict[str, str], list[Load]]:
    """Give each account of ``pool`` (``(account_id, balance)``) to a collector of
    ``loads`` (their portfolios before): the largest balance first, each to the collector
    whose portfolio is lightest by ``by`` (``balance`` or ``count``), ties to the one with
    fewer accounts, then by name. Returns ``{account_id: collector}`` and the loads after.

    Largest-first greedy keeps the heaviest and the lightest portfolio within one
    account's balance of each other (the classic LPT bound for a given starting load).
    """
    if not loads:
        return {}, []
    if by not in ("balance", "count"):
        raise ValueError(by)

    def key(load: Load):
        first = load.balance if by == "balance" else Decimal(load.accounts)
        second = load.accounts if by == "balance" else load.balance
        return (first, second, load.collector)

    heap = [(key(load), load) for load in loads]
    heapq.heapify(heap)
    chosen: dict[str, str] = {}
    for account_id, balance in sorted(pool, key=lambda item: (-item[1], item[0])):
        _k, load = heapq.heappop(heap)
        chosen[account_id] = load.collector
        load = Load(load.collector, load.accounts + 1, load.balance + balance, load.added + 1)
        heapq.heappush(heap, (key(load), load))
    after = sorted((load for _k, load in heap), key=lambda load: load.collector)
    return chosen, after
