"""Putting accounts into the day's slots: an assignment problem, solved exactly.

Each candidate account has a weight (its score) and a contact quality for every
slot; a call in slot s is worth weight x quality[s]. Each slot holds at most one
call and each account is called at most once; the plan maximizes the total worth
(the expected value the collection literature ranks calls by).

This is a maximum-weight bipartite matching. Two facts keep it fast in pure Python:

* Accounts with the same quality in every slot (same zone, rules and work start)
  are interchangeable but for their weight, so only the heaviest of each such group
  can matter. The matching starts from the heaviest few of each group and grows a
  group only while the duals say a left-out member could still improve the plan;
  the result is optimal for all candidates.
* The Hungarian algorithm with potentials (shortest augmenting paths, rows = slots)
  costs about slots x columns x (path length), and paths are short here.

The tests compare it with scipy's solver on random instances.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from operator import add

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

    Callbacks take their slot first (or, when a heavier callback has it, the nearest free
    open one after it, then before: a displaced call never goes to a closed slot); the
    rest is matched optimally. Returns ``{candidate index: slot index}``.
    """
    taken: dict[int, int] = {}
    owner: dict[int, int] = {}
    pinned = {i: c.pinned for i, c in enumerate(candidates) if c.pinned is not None}
    for i in sorted(pinned, key=lambda i: -candidates[i].weight):
        want = min(max(pinned[i], 0), slots - 1)
        for s in [*range(want, slots), *range(want - 1, -1, -1)]:
            if s not in owner and (s == want or candidates[i].quality[s] > 0):
                owner[s], taken[i] = i, s
                break
    free = [s for s in range(slots) if s not in owner]
    rest = [i for i, c in enumerate(candidates) if i not in taken and c.weight > 0]
    shortlist, values, matching = _solve(candidates, rest, free)
    for row, col in matching.items():
        if values[row][col] > 0:
            taken[shortlist[col]] = free[row]
    return taken


FIRST_QUOTA = 8


def _solve(candidates, rest: list[int], free: list[int]):
    """Match on a growing shortlist until no left-out candidate could improve the plan.

    Candidates with the same quality for every slot (same zone, rules and work start)
    form a group; within a group only the heaviest can matter, so each group starts
    with its heaviest: about twice the slots in all, shared by group size (at least
    ``FIRST_QUOTA`` each). After each solve, the slot potentials tell
    whether the heaviest left-out member of a group could improve the plan (a negative
    reduced cost); if so that group's quota doubles. When none could, the matching is
    optimal for all candidates, not just the shortlist.
    """
    groups: dict[tuple, list[int]] = {}
    for i in sorted(rest, key=lambda i: -candidates[i].weight):
        groups.setdefault(tuple(candidates[i].quality), []).append(i)
    limit = len(free)
    # Within a group only the ``limit`` heaviest can ever be used.
    members = {g: group[:limit] for g, group in groups.items() if any(g)}
    # About twice the slots to start with, shared by group size: with scores alike
    # across groups, a group's share of the best accounts follows its size.
    total = sum(len(groups[g]) for g in members) or 1
    quota = {g: min(len(m), max(FIRST_QUOTA, -(-2 * limit * len(groups[g]) // total)))
             for g, m in members.items()}
    whole = bool(rest) and len(free) == len(candidates[rest[0]].quality)
    # Many small groups (accounts whose learned hours are their own): only the groups
    # whose best call is worth most start in the shortlist, the others join when the
    # duals say they could improve the plan.
    if limit and len(members) > 2 * limit:
        def reach(g) -> float:
            lead = candidates[members[g][0]]
            top = max(lead.quality) if whole else max(lead.quality[s] for s in free)
            return -lead.weight * top

        best = sorted(members, key=reach)
        seats = 2 * limit
        for g in best:
            if seats <= 0:
                quota[g] = 0
            seats -= quota[g]
    while True:
        shortlist = sorted(i for g, m in members.items() for i in m[:quota[g]])
        values = [[candidates[i].weight * candidates[i].quality[s] for i in shortlist]
                  for s in free]
        matching, u = _max_matching(values)
        grown = False
        for g, m in members.items():
            k = quota[g]
            if k >= len(m):
                continue
            x = candidates[m[k]]
            # Could x improve the matching: x's value in some free slot + that row's
            # potential > 0? (map/max run in C: this test is made for every group.)
            qualities = x.quality if whole else [x.quality[s] for s in free]
            if max(map(add, map(x.weight.__mul__, qualities), u)) > 1e-9:
                quota[g] = min(len(m), max(2 * k, 1), limit)
                grown = True
        if not grown:
            return shortlist, values, matching


def _max_matching(values: list[list[float]]) -> tuple[dict[int, int], list[float]]:
    """Rows to columns, each used at most once, maximizing the sum of ``values``.

    Returns the matching and the row potentials (the duals: a new column j of values
    ``x`` could improve the matching only if ``x[s] + u[s] > 0`` for some row s).
    The Hungarian algorithm with potentials (shortest augmenting paths) on costs
    ``-value``. Every row gets a column: with fewer columns than rows, "empty" columns
    of worth 0 are added, and a row matched to a column of worth 0 stays empty. The
    reduced costs of unvisited columns are kept relative to the running total of the
    steps (``shift``), so each step scans the unvisited columns once.
    """
    rows = len(values)
    if rows == 0:
        return {}, []
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
    matching = {match[j] - 1: j - 1 for j in range(1, real + 1) if match[j]}
    return matching, u[1:]
