"""Who pays when reached: trials from the log, payments credited to them, decided counts,
the Beta estimate with its segment prior, the lift and the expected amount."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collectctl.core import paying as P
from collectctl.core.models import Account, Call, Payment
from collectctl.core.outcomes import OutcomeBook

BOOK = OutcomeBook()
PS = P.PaySettings(prior=0.2, share=0.3, strength=6.0, window_days=7)
DAY = date(2026, 12, 1)


def account(aid="A1", amount="1000", risk="high") -> Account:
    return Account(aid, Decimal(amount), "TWD", "Asia/Taipei", date(2026, 11, 1), "Name",
                   past_due_since=date(2026, 10, 1), work_start=time(9, 0), risk=risk)


def at(day: date, hour: int = 2) -> datetime:  # 02:00 UTC is 10:00 in Taipei
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def call(cid: int, outcome: str, day: date, reverses: int | None = None,
         promise: date | None = None) -> Call:
    return Call(cid, "A1", "alice", at(day), outcome, reverses=reverses, promise_date=promise)


def paid(day: date, amount: str) -> Payment:
    return Payment(None, "A1", Decimal(amount), day)


def trials(calls, payments=(), versions=()):
    return P.trials(account(), calls, payments, BOOK, 7, 2, versions)


# -- trials from the log -----------------------------------------------------------------

def test_each_standing_right_party_contact_is_a_trial_and_nothing_else_is():
    got = trials([call(1, "rpc", DAY), call(2, "na", DAY), call(3, "ptp", DAY,
                                                                  promise=DAY + timedelta(3)),
                  call(4, "tp", DAY), call(5, "rpc", DAY), call(6, "undo", DAY, reverses=5)])
    assert [t.call_id for t in got] == [1, 3]
    assert got[0].window_end == DAY + timedelta(7)
    assert got[0].segment == "high|M3|Asia/Taipei|09"
    assert got[0].balance == Decimal("1000")


def test_a_promise_falling_later_than_the_window_holds_it_open_to_its_due_day_plus_grace():
    due = DAY + timedelta(20)
    (t,) = trials([call(1, "ptp", DAY, promise=due)])
    assert t.window_end == due + timedelta(2)
    (far,) = trials([call(1, "ptp", DAY, promise=DAY + timedelta(400))])
    assert far.window_end == DAY + timedelta(P.MAX_WINDOW)


def test_a_payment_is_credited_to_the_latest_trial_whose_window_holds_it_once():
    got = trials([call(1, "rpc", DAY), call(2, "rpc", DAY + timedelta(3))],
                 [paid(DAY + timedelta(4), "250"), paid(DAY + timedelta(1), "100"),
                  paid(DAY + timedelta(30), "999"), paid(DAY - timedelta(1), "5")])
    assert [(t.call_id, t.paid) for t in got] == [(1, Decimal("100")), (2, Decimal("250"))]
    assert [t.share_milli for t in got] == [100, 250]


def test_the_share_is_of_the_list_in_force_at_the_call():
    later = datetime(2026, 12, 10, tzinfo=UTC)
    old = P.ListVersion(later, Decimal("4000"), "low", date(2026, 10, 1), time(8, 0))
    (t,) = trials([call(1, "rpc", DAY)], [paid(DAY, "1000")], [old])
    assert (t.balance, t.share_milli, t.segment) == (Decimal("4000"), 250,
                                                     "low|M3|Asia/Taipei|08")
    # a call after that list was replaced takes today's
    (now,) = trials([call(1, "rpc", date(2026, 12, 11))], [], [old])
    assert now.balance == Decimal("1000")


def test_only_the_latest_trials_count_for_the_segment():
    got = trials([call(n, "rpc", DAY + timedelta(n)) for n in range(1, 16)])
    assert [t.counted for t in got] == [False] * 5 + [True] * 10


def test_the_trials_are_a_function_of_the_log_whatever_its_order():
    log = [call(1, "rpc", DAY), call(2, "ptp", DAY + timedelta(2), promise=DAY + timedelta(9)),
           call(3, "undo", DAY, reverses=1), call(4, "rpc", DAY + timedelta(5))]
    pays = [paid(DAY + timedelta(6), "10"), paid(DAY + timedelta(3), "20")]
    assert trials(log, pays) == trials(list(reversed(log)), list(reversed(pays)))


# -- counts ----------------------------------------------------------------------------------

def t(end: date, paid_: str = "0", counted=True, cid=1, segment="S") -> P.Trial:
    return P.Trial(cid, "A1", segment, end - timedelta(7), end, Decimal("1000"),
                   Decimal(paid_), counted)


def test_a_trial_is_decided_when_paid_at_once_or_unpaid_only_after_its_window():
    today = DAY
    assert P.own_counts([t(today + timedelta(3))], today) == P.Counts(0, 0, 0)  # open
    assert P.own_counts([t(today + timedelta(3), "500")], today) == P.Counts(1, 1, 500)
    assert P.own_counts([t(today - timedelta(1))], today) == P.Counts(1, 0, 0)  # broken
    assert P.own_counts([t(today)], today) == P.Counts(0, 0, 0)  # its last day: still open


def test_segment_rows_decide_as_the_trials_do():
    rows = [(DAY - timedelta(1), 5, 2, 600), (DAY + timedelta(2), 4, 1, 300)]
    # ended: all 5; still open: only the paid one
    assert P.segment_counts(rows, DAY) == P.Counts(6, 3, 900)
    trial_rows = [t(DAY - timedelta(1), "100", cid=n) for n in range(2)] + \
        [t(DAY - timedelta(1), cid=n) for n in range(2, 5)] + \
        [t(DAY + timedelta(2), "300", cid=5)] + [t(DAY + timedelta(2), cid=n) for n in range(6, 9)]
    delta = P.stats_delta(trial_rows)
    as_rows = [(end, *v) for (_s, end), v in sorted(delta.items())]
    assert P.segment_counts(as_rows, DAY) == P.own_counts(trial_rows, DAY)


def test_the_stats_of_taken_back_trials_cancel():
    rows = [t(DAY, "100"), t(DAY + timedelta(1), cid=2)]
    assert P.merge(P.stats_delta(rows), P.stats_delta(rows, -1)) == {}


# -- the estimate ----------------------------------------------------------------------------

def test_nothing_known_is_the_rules_estimate_with_lift_one():
    e = P.estimate(PS, P.Counts())
    assert (e.p_pay, e.share, e.lift) == pytest.approx((0.2, 0.3, 1.0))


def test_the_hand_computed_estimate():
    # the segment's others: 10 decided, 4 paid, shares 0.5 + 0.5 + 1.0 + 0.2 = 2.2
    seg = P.Counts(10, 4, 2200)
    own = P.Counts(3, 2, 1400)  # 3 decided, 2 paid (0.6 and 0.8)
    e = P.estimate(PS, own, seg)
    m_seg = (6 * 0.2 + 4) / (6 + 10)
    s_seg = (6 * 0.3 + 2.2) / (6 + 4)
    p = (6 * m_seg + 2) / (6 + 3)
    share = (6 * s_seg + 1.4) / (6 + 2)
    assert (e.segment_p, e.segment_share) == pytest.approx((m_seg, s_seg))
    # P(pay), the share and the lift to four places: the figures --explain shows
    assert (e.p_pay, e.share) == (round(p, 4), round(share, 4))
    assert e.lift == round(round(p, 4) * round(share, 4) / 0.06, 4)
    assert (e.alpha, e.beta) == pytest.approx((6 * m_seg + 2, 6 * (1 - m_seg) + 1))


def test_the_lift_is_clamped():
    never = P.estimate(P.PaySettings(0.2, 0.3, 1.0, 7), P.Counts(100, 0, 0))
    always = P.estimate(P.PaySettings(0.2, 0.3, 1.0, 7), P.Counts(100, 100, 100_000))
    assert (never.lift, always.lift) == (P.LIFT_MIN, P.LIFT_MAX)


def test_learned_pay_leaves_the_account_out_of_its_segment_and_holds_without_a_feed():
    acct = account()
    key = P.trials(acct, [call(1, "rpc", DAY)], [], BOOK, 7, 2)[0].segment
    mine = [P.Trial(1, "A1", key, DAY - timedelta(10), DAY - timedelta(3), Decimal(1000),
                    Decimal(0), True)]
    rows = {key: [(DAY - timedelta(3), 5, 4, 2000)]}  # includes the account's own broken one
    learned = P.LearnedPay(PS, DAY, {"A1": mine}, rows, feed=True)
    e = learned.of(acct, DAY)
    assert e.segment == P.Counts(4, 4, 2000) and e.own == P.Counts(1, 0, 0)
    assert P.LearnedPay(PS, DAY, {"A1": mine}, rows, feed=False).of(acct, DAY).lift == 1.0


counts = st.builds(P.Counts, st.integers(0, 50), st.integers(0, 50),
                   st.integers(0, 50_000)).filter(lambda c: c.paid <= c.decided
                                                  and c.share_milli <= c.paid * 1000)


@given(own=counts, segment=counts, more=st.integers(1, 30),
       strength=st.floats(0.5, 50), prior=st.floats(0.01, 0.99))
def test_more_broken_promises_never_raise_the_learned_chance_of_paying(own, segment, more,
                                                                        strength, prior):
    ps = P.PaySettings(prior, 0.3, strength, 7)
    broken_more = P.Counts(own.decided + more, own.paid, own.share_milli)
    a, b = P.estimate(ps, own, segment), P.estimate(ps, broken_more, segment)
    assert b.p_pay <= a.p_pay + 1e-12
    assert b.lift <= a.lift + 1e-12


@given(n=st.integers(0, 40), k=st.integers(0, 40))
def test_the_estimate_is_a_probability(n, k):
    e = P.estimate(PS, P.Counts(max(n, k), k, k * 1000), P.Counts(n, min(n, k), 0))
    assert 0 <= e.p_pay <= 1 and 0 <= e.share <= 1 and P.LIFT_MIN <= e.lift <= P.LIFT_MAX


def test_the_expected_amount_is_balance_contact_pay_and_share_to_the_cent():
    e = P.estimate(PS, P.Counts())
    assert P.expected(Decimal("1000.00"), 0.35, e) == Decimal("21.00")  # 1000*.35*.2*.3
    assert P.expected(Decimal("0"), 0.35, e) == Decimal("0.00")


# -- the balance factor (core.planning) ------------------------------------------------------

def test_each_currency_is_measured_against_its_own_typical_balance():
    from collectctl.core.planning import balance_factor, balance_scales

    scales = balance_scales([("TWD", Decimal(100)), ("TWD", Decimal(300)),
                             ("TWD", Decimal(200)), ("TWD", Decimal(0)),
                             ("USD", Decimal(10)), ("USD", Decimal(30))])
    assert scales == {"TWD": Decimal(200), "USD": Decimal(20)}  # nothing owed: left out
    assert balance_factor(Decimal(300), scales["TWD"]) == 1.5
    assert balance_factor(Decimal(30), scales["USD"]) == 1.5  # no exchange rate needed
    assert balance_factor(Decimal(1), scales["TWD"]) == 0.1  # clamped: still planned
    assert balance_factor(Decimal(10**9), scales["TWD"]) == 10.0  # and never alone
    assert balance_factor(Decimal(300), None) == 1.0  # learning off: the rules' weight


@given(st.lists(st.integers(1, 10**9), min_size=1, max_size=30), st.integers(1, 10**9))
def test_a_larger_balance_never_weighs_less(balances, extra):
    from collectctl.core.planning import balance_factor, balance_scales

    scale = balance_scales(("TWD", Decimal(b)) for b in balances)["TWD"]
    small, large = sorted(Decimal(b) for b in (balances[0], balances[0] + extra))
    assert balance_factor(small, scale) <= balance_factor(large, scale)


# -- expected from the contacts made (report) ----------------------------------------------

def test_each_contact_is_expected_what_was_known_before_its_day():
    """A contact's own payment does not raise what it was expected to bring; a later
    contact, after a paid window ended, is expected more (hand counts: strength 6, the
    rules' 0.2 and 0.3; no segment counts)."""
    seg = "medium|M0|Asia/Taipei|09"
    first = P.Trial(1, "A1", seg, date(2026, 11, 2), date(2026, 11, 9), Decimal(1000),
                    Decimal(500), True)
    later = P.Trial(2, "A1", seg, date(2026, 11, 12), date(2026, 11, 19), Decimal(500),
                    Decimal(0), True)
    got = dict((t.call_id, v) for t, v in P.expected_of_contacts(
        PS, [first, later], {}, date(2026, 11, 1), date(2026, 11, 30), feed=True))
    assert got[1] == Decimal("60.00")  # 1000 x 0.2 x 0.3: its own payment not yet known
    # Then: P(pay) (6 x 0.2 + 1) / 7 = 0.3143; share (6 x 0.3 + 0.5) / 7 = 0.3286.
    assert got[2] == (Decimal(500) * Decimal("0.3143") * Decimal("0.3286")).quantize(
        Decimal("0.01"))
    # The segment's counts of windows ended before the day, less the account's own.
    rows = {seg: [(date(2026, 11, 9), 4, 2, 900), (date(2026, 11, 20), 3, 3, 900)]}
    again = dict((t.call_id, v) for t, v in P.expected_of_contacts(
        PS, [first, later], rows, date(2026, 11, 12), date(2026, 11, 12), feed=True))
    assert list(again) == [2]  # only the period's contacts
    seg_p = (6 * 0.2 + 1) / (6 + 3)  # 4 trials less its own 1; 2 paid less its own 1
    p = round((6 * seg_p + 1) / 7, 4)
    seg_share = (6 * 0.3 + 0.4) / (6 + 1)
    share = round((6 * seg_share + 0.5) / 7, 4)
    assert again[2] == (Decimal(500) * Decimal(f"{p:.4f}") * Decimal(f"{share:.4f}")).quantize(
        Decimal("0.01"))
    # No payment feed: the rules' estimate, as the plan has it.
    none = P.expected_of_contacts(PS, [first, later], rows, date(2026, 11, 1),
                                  date(2026, 11, 30), feed=False)
    assert [v for _t, v in none] == [Decimal("60.00"), Decimal("30.00")]


# -- the fitted strength ---------------------------------------------------------------------

def accounts_of(*rates: tuple[int, int], times: int = 5) -> list[P.Counts]:
    return [P.Counts(n, k, 0) for n, k in rates for _ in range(times)]


def test_the_strength_is_fitted_by_the_method_of_moments():
    """Hand counts: ten accounts of eight decided contacts, half paying 6 of them, half 2.
    p = 0.5; S = 10 x 8 x 0.25^2 = 5, chi-square 5 / 0.25 = 20 above the 16.9 of 9 degrees
    of freedom; S's expectation is 9 x 0.25 + tau^2 (80 - 640/80 - 9), so tau^2 =
    (5 - 2.25) / 63 and the strength 0.25 x 63 / 2.75 - 1 = 4.7 (the floor: 1 here)."""
    assert P.fitted_strength(accounts_of((8, 6), (8, 2)), 1.0) == 4.7
    assert P.fitted_strength(accounts_of((8, 6), (8, 2)), 6.0) == 6.0  # never below it


def test_a_spread_chance_would_give_is_no_spread():
    """Half paying 3 of 4, half 1: chi-square 10, below the 16.9 chance gives one time in
    twenty with 9 degrees of freedom, so the debtors pay alike: the most strength (a
    moment estimate would say 26)."""
    assert P.fitted_strength(accounts_of((4, 3), (4, 1)), 1.0) == P.STRENGTH_MAX
    assert P._chi2_95(9) == pytest.approx(16.919, abs=0.05)
    assert P._chi2_95(100) == pytest.approx(124.342, abs=0.05)


def test_the_fit_recovers_the_spread_it_was_drawn_from():
    """Many accounts of 3-8 contacts each, their rates drawn from Beta(a, b) with a + b the
    strength: the fit lands near it (the moments are unbiased; the noise of 400 accounts
    is what is allowed for)."""
    import random

    for strength in (2.0, 5.0, 10.0):
        rng = random.Random(int(strength))
        found = []
        for _ in range(20):
            rows = []
            for _i in range(400):
                rate = rng.betavariate(0.3 * strength, 0.7 * strength)
                n = rng.randint(3, 8)
                rows.append(P.Counts(n, sum(rng.random() < rate for _ in range(n)), 0))
            found.append(P.fitted_strength(rows, 0.0))
        median = sorted(found)[len(found) // 2]
        assert strength / 1.6 < median < strength * 1.6, (strength, found)


def test_debtors_who_pay_alike_get_the_most_strength_and_ones_who_differ_the_least():
    assert P.fitted_strength(accounts_of((4, 2), (4, 1)), 6.0) == P.STRENGTH_MAX  # noise
    assert P.fitted_strength(accounts_of((4, 4), (4, 0)), 6.0) == 6.0  # never below it
    assert P.fitted_strength(accounts_of((4, 4), (4, 0)), 0.5) == P.STRENGTH_MIN
    assert P.fitted_strength(accounts_of((4, 2), (4, 1)), 500.0) == 500.0
    assert P.fitted_strength(accounts_of((4, 0), (4, 0)), 6.0) == P.STRENGTH_MAX  # none paid


def test_too_few_accounts_with_two_decided_contacts_keep_the_configured_strength():
    nine = accounts_of((4, 4), (4, 0), times=1) * 4 + [P.Counts(4, 4, 0)]
    assert P.fitted_strength(nine + [P.Counts()] * 50, 6.0) == 6.0  # undecided ones say nothing
    # One decided contact says nothing of the spread: its rate is 0 or 1 whoever it is.
    assert P.fitted_strength(nine + [P.Counts(1, 1, 0), P.Counts(1, 0, 0)] * 20, 6.0) == 6.0
    assert P.fitted_strength([P.Counts(1, n % 2, 0) for n in range(200)], 6.0) == 6.0
    assert P.fitted_strength(nine + [P.Counts(4, 0, 0)], 0.0) == P.STRENGTH_MIN


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=60),
       st.floats(0, 50), st.randoms(use_true_random=False))
def test_the_fitted_strength_is_bounded_and_does_not_depend_on_the_accounts_order(
        rows, fallback, rng):
    found = [P.Counts(n, min(k, n), 0) for n, k in rows]
    got = P.fitted_strength(found, fallback)
    enough = sum(c.decided >= 2 for c in found) >= P.FIT_MIN_ACCOUNTS
    floor, ceiling = max(fallback, P.STRENGTH_MIN), max(fallback, P.STRENGTH_MAX)
    assert floor <= got <= ceiling if enough else got == fallback
    rng.shuffle(found)
    assert P.fitted_strength(found, fallback) == got


def spread_portfolio(key: str, last_end: date = DAY - timedelta(13)
                     ) -> dict[str, list[P.Trial]]:
    """Twelve accounts of four contacts each, their windows ending by ``last_end``: six
    paid every time, six never."""
    own = {}
    for i in range(12):
        aid = f"A{i}"
        own[aid] = [P.Trial(10 * i + j, aid, key, last_end - timedelta(7 + j),
                            last_end - timedelta(j), Decimal(1000),
                            Decimal(300 if i % 2 else 0), True) for j in range(4)]
    return own


def test_the_plan_fits_the_strength_to_the_collectors_accounts_only_when_asked_and_fed():
    acct = account("A1")
    key = P.trials(acct, [call(1, "rpc", DAY)], [], BOOK, 7, 2)[0].segment
    own = spread_portfolio(key)
    fit = P.PaySettings(0.2, 0.3, 0.5, 7, fit=True)
    e = P.LearnedPay(fit, DAY, own, {}, feed=True).of(acct, DAY)
    assert e.strength == P.STRENGTH_MIN  # they pay or they do not: their own contacts rule
    assert e.p_pay == round((1 * 0.2 + 4) / (1 + 4), 4)
    assert P.LearnedPay(replace(fit, fit=False), DAY, own, {},
                        feed=True).of(acct, DAY).strength == 0.5
    assert P.LearnedPay(fit, DAY, own, {}, feed=False).of(acct, DAY).strength == 0.5
    alike = {aid: [replace(t, paid=Decimal(300 if t.call_id % 2 else 0)) for t in trials]
             for aid, trials in own.items()}  # each paid 2 of 4: no more spread than chance
    assert P.LearnedPay(fit, DAY, alike, {}, feed=True).of(acct, DAY).strength == 100.0


def test_the_fit_counts_only_windows_that_have_ended():
    """The same accounts with their windows still open: the payers' paid trials are
    decided for their own estimates, but the fit does not count them (the non-payers'
    are not decided yet, so the payers would look far apart from them)."""
    acct = account("A1")
    key = P.trials(acct, [call(1, "rpc", DAY)], [], BOOK, 7, 2)[0].segment
    own = spread_portfolio(key, last_end=DAY + timedelta(5))
    own = {aid: [replace(t, window_end=DAY + timedelta(5)) for t in trials]
           for aid, trials in own.items()}
    e = P.LearnedPay(P.PaySettings(0.2, 0.3, 6.0, 7, fit=True), DAY, own, {},
                     feed=True).of(acct, DAY)
    assert e.own == P.Counts(4, 4, 1200) and e.strength == 6.0  # the configured one


def test_the_report_expects_with_the_configured_strength_even_when_the_plan_fits_it():
    """What a contact was expected to bring does not depend on which accounts the report
    covers: twelve accounts each paid 2 of their 4 contacts (the fit would say 100), and
    A1's next contact is valued with the configured 6."""
    key = "medium|M0|Asia/Taipei|09"
    own = {aid: [replace(t, paid=Decimal(300 if t.call_id % 2 else 0)) for t in trials]
           for aid, trials in spread_portfolio(key).items()}
    known = DAY - timedelta(12)  # every window of spread_portfolio has ended before it
    probe = P.Trial(900, "A1", key, known, known + timedelta(7), Decimal(1000), Decimal(0),
                    True)
    everything = [t for mine in own.values() for t in mine] + [probe]
    fit = P.PaySettings(0.2, 0.3, 6.0, 7, fit=True)
    assert P.LearnedPay(fit, known, own, {}, feed=True).ps.strength == 100.0
    got = {t.call_id: v for t, v in P.expected_of_contacts(
        fit, everything, {}, known, known, feed=True)}
    p, share = round((6 * 0.2 + 2) / 10, 4), round((6 * 0.3 + 2 * 0.3) / 8, 4)
    assert got == {900: (Decimal(1000) * Decimal(f"{p:.4f}") * Decimal(f"{share:.4f}"))
                   .quantize(Decimal("0.01"))}
