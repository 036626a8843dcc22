"""The contact-window model: the Beta update, the segment prior, what a call says, the
rebuild, and the explore share."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collectctl.core import learning as L
from collectctl.core.models import Account, Call
from collectctl.core.outcomes import OutcomeBook


def account(aid="A1", risk="high", since=date(2026, 10, 1), zone="Asia/Taipei",
            start=time(9, 0)) -> Account:
    return Account(aid, Decimal("1000"), "TWD", zone, date(2026, 12, 1), "Name",
                   past_due_since=since, work_start=start, risk=risk)


def call(outcome: str, at: datetime, cid: int = 1, reverses: int | None = None) -> Call:
    return Call(cid, "A1", "alice", at, outcome, reverses=reverses)


# -- the Beta update -----------------------------------------------------------------------
#
# Counts are (tries, contacts, exposure); a try at an average minute of its hour has
# exposure 1, so these tests with exposure = tries are the plain Beta-Bernoulli update.

NONE = (0, 0, 0.0)


def test_the_account_posterior_is_the_beta_mean_over_the_prior_and_its_calls():
    e = L.estimate(0.2, 4, NONE, (6, 3, 6.0), hour=9)
    assert (e.alpha, e.beta) == pytest.approx((4 * 0.2 + 3, 4 * 0.8 + 3))
    assert e.posterior == pytest.approx(3.8 / 10)
    assert (e.tries, e.contacts, e.prior, e.segment) == (6, 3, 0.2, pytest.approx(0.2))


def test_no_calls_anywhere_leaves_the_rules_prior():
    assert L.estimate(0.21, 4, NONE, NONE).posterior == pytest.approx(0.21)


def test_a_new_account_starts_from_its_segment():
    e = L.estimate(0.2, 4, (20, 10, 20.0), NONE)
    assert e.segment == pytest.approx((4 * 0.2 + 10) / 24)
    assert e.posterior == pytest.approx(e.segment)


def test_the_account_own_calls_are_not_counted_twice_through_its_segment():
    # The segment's 22 tries include the account's own 2: only the other 20 shape its prior.
    e = L.estimate(0.2, 4, (22, 10, 22.0), (2, 0, 2.0))
    seg = (4 * 0.2 + 10) / 24
    assert e.segment == pytest.approx(seg)
    assert e.posterior == pytest.approx((4 * seg) / 6)


def test_exposure_weighs_a_try_by_its_minute():
    # Three misses in the golden quarter hour (each 1.43 of the hour's average minute)
    # say more than three at ordinary minutes (0.86 each).
    golden = L.estimate(0.245, 4, NONE, (3, 0, 3 * 1.4286))
    plain = L.estimate(0.245, 4, NONE, (3, 0, 3 * 0.8571))
    assert golden.posterior == pytest.approx(4 * 0.245 / (4 + 3 * 1.4286))
    assert golden.posterior < plain.posterior


def test_with_no_prior_weight_the_estimate_is_the_observed_rate():
    assert L.estimate(0.3, 0, NONE, (8, 2, 8.0)).posterior == pytest.approx(0.25)


@given(st.floats(0.01, 0.99), st.integers(0, 20), st.integers(0, 50), st.integers(0, 50),
       st.data())
def test_the_posterior_is_a_probability_that_rises_with_each_contact(prior, strength, n_s,
                                                                      n_a, data):
    k_s = data.draw(st.integers(0, n_s))
    k_a = data.draw(st.integers(0, n_a))
    w = data.draw(st.floats(0.5, 2.0))
    segment = (n_s + n_a, k_s + k_a, (n_s + n_a) * w)
    e = L.estimate(prior, strength, segment, (n_a, k_a, n_a * w))
    assert 0 <= e.posterior <= 1
    if k_a < n_a and e.posterior < 1:  # one more contact instead of a miss
        better = L.estimate(prior, strength, (segment[0], segment[1] + 1, segment[2]),
                            (n_a, k_a + 1, n_a * w))
        assert better.posterior > e.posterior


def test_many_calls_outweigh_the_prior():
    e = L.estimate(0.3, 4, (1000, 100, 1000.0), (1000, 100, 1000.0))
    assert e.posterior == pytest.approx(0.1, abs=0.002)


# -- what a call says ----------------------------------------------------------------------

BOOK = OutcomeBook()


def test_a_call_counts_at_the_debtors_local_hour_and_weekday_class():
    # 2026-12-05 01:30 UTC is Saturday 09:30 in Taipei.
    seen = L.observe(account(), call("rpc", datetime(2026, 12, 5, 1, 30, tzinfo=UTC)), BOOK)
    assert (seen.hour, seen.weekend, seen.rpc) == (9, True, True)
    assert seen.segment == "high|M3|Asia/Taipei|09"
    assert seen.weight == 1.0  # no shape given: an average minute


@pytest.mark.parametrize("outcome,counted,rpc", [
    ("na", True, False), ("busy", True, False), ("vm", True, False), ("tp", True, False),
    ("rpc", True, True), ("ptp", True, True), ("refused", True, True), ("cb", True, True),
    ("wn", False, False), ("disconnected", False, False), ("skip", False, False),
])
def test_which_outcomes_are_evidence(outcome, counted, rpc):
    seen = L.observe(account(), call(outcome, datetime(2026, 12, 4, 2, 0, tzinfo=UTC)), BOOK)
    assert (seen is not None) == counted
    if seen:
        assert seen.rpc == rpc


@pytest.mark.parametrize("dpd,bucket", [(None, "M0"), (0, "M0"), (1, "M1"), (30, "M1"),
                                        (31, "M2"), (150, "M5"), (151, "M6+"), (999, "M6+")])
def test_days_past_due_buckets(dpd, bucket):
    assert L.dpd_bucket(dpd) == bucket


def test_unknown_risk_and_work_start_are_their_own_segment():
    plain = account(risk=None, start=None, since=None)
    assert L.segment_of(plain, date(2026, 12, 4)) == "-|M0|Asia/Taipei|-"


def test_an_undone_call_and_its_reversal_are_left_out_of_a_rebuild():
    at = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
    calls = [call("ptp", at, 1), call("na", at, 2), call("undo", at, 3, reverses=1)]
    rows = L.rebuild([(account(), calls)], BOOK)
    assert rows == {("a", "A1", 10, False): [1, 0, 1000],
                    ("s", "high|M3|Asia/Taipei|09", 10, False): [1, 0, 1000]}


def test_deltas_add_and_take_back():
    seen = L.observe(account(), call("rpc", datetime(2026, 12, 4, 2, 0, tzinfo=UTC)), BOOK,
                     shape=lambda local: 1.4286)
    assert L.deltas([seen, seen]) == {("a", "A1", 10, False): [2, 2, 2858],
                                      ("s", seen.segment, 10, False): [2, 2, 2858]}
    assert L.deltas([seen], sign=-1)[("a", "A1", 10, False)] == [-1, -1, -1429]


# -- exploring -----------------------------------------------------------------------------

@pytest.mark.parametrize("share", [0.0, 0.1, 0.25, 1.0])
def test_the_explore_share_is_the_share_of_accounts_sampled(share):
    picked = sum(L.explores("2026-12-04|alice", f"A{n}", share) for n in range(20_000))
    assert picked / 20_000 == pytest.approx(share, abs=0.01)


def test_which_accounts_explore_is_stable_for_a_day_and_changes_between_days():
    day1 = [L.explores("2026-12-04|alice", f"A{n}", 0.5) for n in range(200)]
    assert day1 == [L.explores("2026-12-04|alice", f"A{n}", 0.5) for n in range(200)]
    assert day1 != [L.explores("2026-12-05|alice", f"A{n}", 0.5) for n in range(200)]


def test_thompson_draws_follow_the_posterior():
    e = L.estimate(0.2, 4, NONE, (40, 30, 40.0))
    rng = random.Random(1)
    draws = [L.sample(e, rng) for _ in range(4000)]
    assert sum(draws) / len(draws) == pytest.approx(e.posterior, abs=0.01)
    assert all(0 <= d <= 1 for d in draws)


# -- the rules' shape within an hour -------------------------------------------------------

def test_hour_means_and_the_weight_of_a_minute():
    from collectctl.config import CallSettings
    from collectctl.core import rules as R

    call_settings, legal = CallSettings(), (time(8, 0), time(21, 0))
    means = R.hour_means(date(2026, 12, 4), time(9, 0), call_settings, legal)
    assert means[7] == 0 and means[8] == pytest.approx(0.6)
    assert means[9] == pytest.approx((3 * 1.0 + 9 * 0.6) / 12)  # golden 09:00-09:15
    assert means[12] == pytest.approx(0.3)  # lunch 12:00-13:30
    assert means[13] == pytest.approx((6 * 0.3 + 6 * 0.6) / 12)
    assert R.hour_shape(datetime(2026, 12, 4, 9, 5), time(9, 0), call_settings, legal) \
        == pytest.approx(1.0 / 0.7)
    assert R.hour_shape(datetime(2026, 12, 4, 9, 30), time(9, 0), call_settings, legal) \
        == pytest.approx(0.6 / 0.7)
    assert R.hour_shape(datetime(2026, 12, 4, 15, 0), time(9, 0), call_settings, legal) \
        == pytest.approx(1.0)
