"""KPIs per currency (core.metrics): money never added across currencies, rates None
without a denominator, the ranking in the config's currency. Hand-computed."""

from __future__ import annotations

from decimal import Decimal

from collectctl.core.metrics import Metrics, Tally, combine, metrics, ranked
from collectctl.core.money import Amounts
from collectctl.core.outcomes import DEFAULT_OUTCOMES, OutcomeBook

BOOK = OutcomeBook(DEFAULT_OUTCOMES)
D = Decimal


def test_two_currencies_stay_apart_and_each_has_its_recovery_rate():
    tally = Tally({"paid": 2, "no-answer": 2},
                  collected=Amounts({"TWD": D(20000), "AUD": D(100)}),
                  outstanding_at_start=Amounts({"TWD": D(160000), "AUD": D(0)}))
    m = metrics(tally, BOOK)
    assert m.collected == Amounts({"AUD": D(100), "TWD": D(20000)})
    assert m.collected.json() == {"AUD": "100.00", "TWD": "20000.00"}  # never 20,100
    # TWD: 20,000 / 160,000; AUD: nothing outstanding at the start, so no rate.
    assert m.recovery_rate == {"AUD": None, "TWD": D("0.1250")}
    assert (m.calls, m.contact_rate, m.rpc_rate) == (4, D("0.5000"), D("0.5000"))
    assert m.value("collected", "AUD") == D("100.00")
    assert m.value("collected", "USD") == D("0.00")
    assert m.value("recovery_rate", "AUD") is None


def test_money_collected_in_a_currency_with_nothing_outstanding_has_no_rate():
    m = metrics(Tally({}, collected=Amounts.of("GBP", 50),
                      outstanding_at_start=Amounts.of("TWD", 1000)), BOOK)
    assert m.recovery_rate == {"GBP": None, "TWD": D("0.0000")}


def test_rates_without_a_denominator_are_none_not_zero():
    m = metrics(Tally({}), BOOK)
    assert (m.kept_rate, m.contact_rate, m.rpc_rate) == (None, None, None)
    assert m.recovery_rate == {} and m.collected == Amounts()
    assert m.value("kept_rate") is None
    kept = metrics(Tally({}, promises_kept=1, promises_broken=3), BOOK)
    assert kept.kept_rate == D("0.2500")
    none_kept = metrics(Tally({"no-answer": 3}, promises_broken=2), BOOK)
    assert (none_kept.kept_rate, none_kept.contact_rate) == (D(0), D(0))  # 0 of 2, 0 of 3


def test_the_team_adds_each_currency_on_its_own():
    a = Tally({"rpc": 1}, 1, Amounts.of("AUD", 1000), 1, 0, Amounts.of("TWD", 20000),
              Amounts({"TWD": D(100000), "AUD": D(5000)}))
    b = Tally({"rpc": 2}, 2, Amounts.of("TWD", 3000), 0, 1, Amounts.of("AUD", 100),
              Amounts({"TWD": D(60000), "AUD": D(2000)}))
    team = combine([a, b])
    assert team.outcome_counts == {"rpc": 3} and team.promises == 3
    assert team.promised_amount == Amounts({"AUD": D(1000), "TWD": D(3000)})
    assert team.collected == Amounts({"AUD": D(100), "TWD": D(20000)})
    assert team.outstanding_at_start == Amounts({"AUD": D(7000), "TWD": D(160000)})
    assert metrics(team, BOOK).recovery_rate == {"AUD": D("0.0143"), "TWD": D("0.1250")}
    assert combine([]) == Tally({})


def test_collectors_rank_by_collected_in_the_configs_currency_then_right_party():
    by = {
        "aud-heavy": Metrics(right_party_contacts=1, collected=Amounts.of("AUD", 90000)),
        "twd": Metrics(right_party_contacts=0, collected=Amounts.of("TWD", 500)),
        "ann": Metrics(right_party_contacts=5),
        "bea": Metrics(right_party_contacts=5),
    }
    # 90,000 AUD is not more than 500 TWD: they are not compared at all.
    assert [n for n, _m in ranked(by, "TWD")] == ["twd", "ann", "bea", "aud-heavy"]
    assert [n for n, _m in ranked(by, "AUD")][0] == "aud-heavy"
