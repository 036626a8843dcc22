"""The scheduler against the exact optimum (scipy's Hungarian algorithm), and its rules."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from collectctl.core.schedule import Candidate, schedule, worth

LEVELS = (0.0, 0.3, 0.6, 1.0)


def optimum(candidates, slots: int) -> float:
    matrix = np.array([[c.weight * c.quality[s] for s in range(slots)] for c in candidates])
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    return float(matrix[rows, cols].sum())


def assert_optimal(candidates, slots) -> None:
    assignment = check(candidates, slots)
    assert worth(candidates, assignment) >= optimum(candidates, slots) - 1e-9


def check(candidates, slots):
    assignment = schedule(candidates, slots)
    assert len(set(assignment.values())) == len(assignment)          # one call a slot
    assert all(candidates[c].quality[s] > 0 for c, s in assignment.items())
    return assignment


@st.composite
def structured(draw):
    """Instances shaped like a day: windows of golden / normal / lunch / closed slots."""
    slots = draw(st.integers(1, 24))
    n = draw(st.integers(1, 40))
    lunch = draw(st.integers(0, slots))
    candidates = []
    for _ in range(n):
        open_from = draw(st.integers(0, slots))
        open_to = draw(st.integers(open_from, slots))
        golden = draw(st.integers(0, slots))
        weight = draw(st.floats(0.1, 12, allow_nan=False))
        quality = []
        for s in range(slots):
            if not open_from <= s < open_to:
                quality.append(0.0)
            elif golden <= s < golden + 3:
                quality.append(1.0)
            elif lunch <= s < lunch + 3:
                quality.append(0.3)
            else:
                quality.append(0.6)
        candidates.append(Candidate(weight, tuple(quality)))
    return candidates, slots


@st.composite
def unstructured(draw):
    slots = draw(st.integers(1, 12))
    n = draw(st.integers(1, 20))
    return [Candidate(draw(st.floats(0.1, 12, allow_nan=False)),
                      tuple(draw(st.sampled_from(LEVELS)) for _ in range(slots)))
            for _ in range(n)], slots


@settings(max_examples=300, deadline=None)
@given(structured())
def test_reaches_the_optimum_on_day_shaped_instances(instance):
    assert_optimal(*instance)


@settings(max_examples=300, deadline=None)
@given(unstructured())
def test_reaches_the_optimum_on_random_instances(instance):
    assert_optimal(*instance)


@st.composite
def learned(draw):
    """Every account with hours of its own (learned curves scale the rules' levels by any
    factor), many more accounts than slots: the shortlist starts with a few and grows."""
    slots = draw(st.integers(1, 10))
    n = draw(st.integers(2 * slots + 1, 60))
    return [Candidate(draw(st.floats(0.1, 12, allow_nan=False)),
                      tuple(draw(st.sampled_from(LEVELS)) * draw(st.floats(0.05, 4))
                            for _ in range(slots)))
            for _ in range(n)], slots


@settings(max_examples=300, deadline=None)
@given(learned())
def test_reaches_the_optimum_when_every_account_has_its_own_hours(instance):
    assert_optimal(*instance)


@settings(max_examples=100, deadline=None)
@given(unstructured(), st.data())
def test_callbacks_keep_their_slots(instance, data):
    """A callback takes its slot, or the first open one after it; never one before it,
    never a closed one (none at all when no open slot is left from its own on)."""
    candidates, slots = instance
    pinned = data.draw(st.integers(0, len(candidates) - 1))
    want = data.draw(st.integers(0, slots - 1))
    candidates = list(candidates)
    quality = candidates[pinned].quality
    candidates[pinned] = Candidate(candidates[pinned].weight, quality, want)
    expected = next((s for s in range(want, slots) if quality[s] > 0), None)
    assert check(candidates, slots).get(pinned) == expected


@settings(max_examples=100, deadline=None)
@given(unstructured(), st.data())
def test_several_callbacks_are_never_moved_earlier(instance, data):
    candidates, slots = instance
    pins = data.draw(st.lists(st.integers(0, slots), min_size=len(candidates),
                              max_size=len(candidates)))
    chosen = data.draw(st.sets(st.integers(0, len(candidates) - 1)))
    candidates = [Candidate(c.weight, c.quality, pins[i] if i in chosen else None)
                  for i, c in enumerate(candidates)]
    assignment = check(candidates, slots)
    assert all(s >= candidates[i].pinned for i, s in assignment.items() if i in chosen)


def test_a_callback_past_the_last_slot_is_not_assigned():
    candidates = [Candidate(1, (0.6, 0.6)), Candidate(9, (0.6, 0.6), pinned=2)]
    assert schedule(candidates, 2) == {0: 0}


def test_a_callback_whose_slot_is_taken_is_not_moved_earlier():
    candidates = [Candidate(9, (0.6, 0.6), pinned=1), Candidate(1, (0.6, 0.6), pinned=1)]
    assert schedule(candidates, 2) == {0: 1}


def test_the_limit_counts_the_ordinary_calls_in_the_slots_callbacks_left_free():
    ordinary = [Candidate(w, (0.6,) * 6) for w in (5, 4, 3, 2)]
    callback = Candidate(1, (0.6,) * 6, pinned=4)
    assignment = schedule([*ordinary, callback], 6, limit=2)
    assert set(assignment) == {0, 1, 4} and assignment[4] == 4  # the two heaviest, 0 and 1
    assert sorted(assignment.values()) == [0, 1, 4]
    assert schedule([callback, *ordinary], 6, limit=2)[0] == 4
    # A callback in the first slots: the two ordinary calls take the next free ones.
    early = Candidate(1, (0.6,) * 6, pinned=0)
    assert sorted(schedule([early, *ordinary], 6, limit=2).values()) == [0, 1, 2]
    assert schedule(ordinary, 6, limit=0) == {}


def test_equal_windows_plan_the_higher_scores():
    candidates = [Candidate(w, (0.6, 0.6, 0.6)) for w in (1, 5, 3, 4, 2)]
    assignment = schedule(candidates, 3)
    assert sorted(assignment) == [1, 2, 3]


def test_a_pinned_call_keeps_its_slot():
    candidates = [Candidate(10, (1.0, 0.6, 0.6)), Candidate(1, (0.6, 0.6, 0.6), pinned=0)]
    assignment = schedule(candidates, 3)
    assert assignment[1] == 0 and assignment[0] in (1, 2)


def test_lunch_is_used_only_when_nothing_better_is_free():
    candidates = [Candidate(1, (0.6, 0.3, 0.6)), Candidate(1, (0.6, 0.3, 0.6))]
    assert set(schedule(candidates, 3).values()) == {0, 2}


def test_closed_slots_are_never_used():
    candidates = [Candidate(5, (0.0, 0.0)), Candidate(1, (0.0, 0.6))]
    assert schedule(candidates, 2) == {1: 1}


def test_the_first_shortlist_follows_group_sizes(monkeypatch):
    """A portfolio with one big group (one zone and work start) and four small ones,
    scores alike: the big group's share of the best accounts follows its size, so the
    first shortlist is enough and the matching is solved once, not grown and solved
    again. (Shared equally, 38 places each, the big group needs about 48: two solves.)"""
    import random

    from collectctl.core import schedule as S

    rng = random.Random(7)
    slots = 96
    shapes = [tuple(1.0 if s == g * 10 else 0.6 for s in range(slots)) for g in range(5)]
    sizes = (1000, 250, 250, 250, 250)
    candidates = [Candidate(rng.uniform(5, 13), shapes[g])
                  for g, size in enumerate(sizes) for _ in range(size)]
    solves = []
    real = S._max_matching
    monkeypatch.setattr(S, "_max_matching", lambda values: solves.append(1) or real(values))
    assignment = check(candidates, slots)
    assert len(solves) == 1
    assert worth(candidates, assignment) >= optimum(candidates, slots) - 1e-9


def test_a_displaced_callback_goes_to_the_nearest_open_slot_not_a_closed_one():
    """Two callbacks for one slot: the lighter moves on, past slots closed to it (a window
    its debtor asked to avoid, hours outside the law), never into one."""
    heavy = Candidate(10, (1.0, 1.0, 1.0, 1.0), pinned=1)
    light = Candidate(1, (1.0, 1.0, 0.0, 1.0), pinned=1)
    assert schedule([heavy, light], 4) == {0: 1, 1: 3}
    shut = Candidate(1, (0.0, 1.0, 0.0, 0.0), pinned=1)
    assert schedule([heavy, shut], 4) == {0: 1}  # nowhere open is left: not planned
