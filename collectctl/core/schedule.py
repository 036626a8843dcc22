"""Putting accounts into the day's slots: an assignment problem, solved exactly.

Each candidate account has a weight (its score) and a contact quality for every
slot; a call in slot s is worth weight x quality[s]. Each slot holds at most one
call and each account is called at most once; the plan maximizes the total worth
(the expected value the collection literature ranks calls by).

This is a maximum-weight bipartite matching. Two facts keep it fast in pure Python:

* Only a slot's best ``slots`` candidates can matter to it: if a worse one held the
  slot in some optimum, one of the better ones would be idle (there are only
  ``slots - 1`` other slots) and could take its place without loss. So the problem
  shrinks from every account to the few hundred that are some slot's top choice.
* The Hungarian algorithm with potentials (shortest augmenting paths, rows = slots)
  then costs about slots x candidates x (path length), and paths are short here.

The tests compare it with scipy's solver on random instances.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

INF = float("inf")


@dataclass(frozen=True)
class Candidate:
    """An account the plan may call: ``quality[s]`` for each slot s (0: not allowed)."""

    weight: float
    quality: Sequence[float]
    #: A slot the call must take (a callback), or None.
    pinned: int | None = None


def worth(candidates: Sequence[Candidate], assignment: dict[int, int]) -> float:
    """The total worth of an assignment ``{candidate index: slot index}``."""
    return sum(candidates[c].weight * candidates[c].quality[s] for c, s in assignment.items())


def schedule(candidates: Sequence[Candidate], slots: int) -> dict[int, int]:
    """Assign candidates to slots for the greatest total worth.

    Callbacks take their slot first (or the nearest free one after it, then before);
    the rest is matched optimally. Returns ``{candidate index: slot index}``.
    """
    taken: dict[int, int] = {}
    owner: dict[int, int] = {}
    pinned = [i for i, c in enumerate(candidates) if c.pinned is not None]
    for i in sorted(pinned, key=lambda i: -candidates[i].weight):
        want = min(max(candidates[i].pinned, 0), slots - 1)
        for s in [*range(want, slots), *range(want - 1, -1, -1)]:
            if s not in owner:
                owner[s], taken[i] = i, s
                break
    free = [s for s in range(slots) if s not in owner]
    rest = [i for i, c in enumerate(candidates) if i not in taken and c.weight > 0]
    shortlist = _shortlist(candidates, rest, free)
    values = [[candidates[i].weight * candidates[i].quality[s] for i in shortlist] for s in free]
    for row, col in _max_matching(values).items():
        if values[row][col] > 0:
            taken[shortlist[col]] = free[row]
    return taken


def _shortlist(candidates, rest: list[int], free: list[int]) -> list[int]:
    """The candidates among the best ``len(free)`` of some free slot (see the module doc)."""
    limit = len(free)
    by_weight = sorted(rest, key=lambda i: -candidates[i].weight)
    chosen: set[int] = set()
    for s in free:
        # By quality level, the heaviest first: a slot's best by worth are the top of a
        # merge of these lists (worth = weight x level).
        levels: dict[float, list[int]] = {}
        for i in by_weight:
            q = candidates[i].quality[s]
            if q > 0:
                bucket = levels.setdefault(q, [])
                if len(bucket) < limit:
                    bucket.append(i)
        merged = heapq.merge(*([(-candidates[i].weight * q, i) for i in bucket]
                               for q, bucket in levels.items()))
        chosen.update(i for _worth, i in itertools.islice(merged, limit))
    return sorted(chosen)


def _max_matching(values: list[list[float]]) -> dict[int, int]:
    """Rows to columns, each used at most once, maximizing the sum of ``values``.

    The Hungarian algorithm with potentials (shortest augmenting paths) on costs
    ``-value``. Every row gets a column: with fewer columns than rows, "empty" columns
    of worth 0 are added, and a row matched to a column of worth 0 stays empty. The
    reduced costs of unvisited columns are kept relative to the running total of the
    steps (``shift``), so each step scans the unvisited columns once.
    """
    rows = len(values)
    if rows == 0:
        return {}
    real = len(values[0])
    cols = max(real, rows)
    # 1-based as in the classic formulation; column 0 is the virtual start.
    costs = [[0.0] + [-x for x in row] + [0.0] * (cols - real) for row in values]
    u = [0.0] * (rows + 1)
    v = [0.0] * (cols + 1)
    match = [0] * (cols + 1)  # match[j]: the row holding column j (0: none)
    way = [0] * (cols + 1)
    for i in range(1, rows + 1):
        match[0] = i
        j0 = 0
        minv = [INF] * (cols + 1)
        unvisited = list(range(1, cols + 1))
        visited = [0]
        shift = 0.0
        while True:
            i0 = match[j0]
            row = costs[i0 - 1]
            base = shift - u[i0]
            best, best_k = INF, -1
            for k, j in enumerate(unvisited):
                cur = row[j] - v[j] + base
                if cur < minv[j]:
                    minv[j] = cur
                    way[j] = j0
                if minv[j] < best:
                    best, best_k = minv[j], k
            delta = best - shift
            for j in visited:
                u[match[j]] += delta
                v[j] -= delta
            shift = best
            j1 = unvisited[best_k]
            unvisited[best_k] = unvisited[-1]
            unvisited.pop()
            visited.append(j1)
            j0 = j1
            if match[j0] == 0:
                break
        # Columns still unvisited keep their potentials; visited ones were shifted above.
        while j0:
            j1 = way[j0]
            match[j0] = match[j1]
            j0 = j1
    return {match[j] - 1: j - 1 for j in range(1, real + 1) if match[j]}
