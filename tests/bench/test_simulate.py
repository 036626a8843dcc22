"""The simulator behind the learned contact windows' figures keeps working: a tiny run
through the real planner and importer (the README's figures come from the full run,
``python -m benchmarks simulate``)."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository's benchmarks/
from benchmarks import simulate  # noqa: E402


def test_a_small_simulation_runs_every_strategy_and_draws_the_chart(tmp_path):
    chart = tmp_path / "sim.html"
    figures = simulate.main(size=12, days=3, seed=5, html=str(chart), populations=("mixed",),
                            collectors=2)
    series = figures["mixed"]["series"]
    assert set(series) == {"naive", "rules", "contacts", "value", "learned"}
    for days in series.values():
        assert len(days) == 3 and all(d.calls > 0 for d in days)
        assert all(0 <= d.contacts <= d.calls and d.promises <= d.contacts for d in days)
    text = chart.read_text(encoding="utf-8")
    assert text.count("<polyline") == 10 and "mixed population" in text  # contacts, money
    assert "money collected (cumulative)" in text


def test_a_debtor_paid_only_on_their_promises_days_and_collected_counts_it(tmp_path):
    figures = simulate.main(size=9, days=8, seed=2, html=None, populations=("paying",),
                            collectors=1)
    series = figures["paying"]["series"]
    assert set(figures["paying"]["money_vs_rules"]) == {"contacts", "value", "learned"}
    # promises fall due 3-10 days after they are made: by day 8 someone has paid
    assert any(d.collected > 0 for days in series.values() for d in days)


def test_the_pay_populations_differ_in_paying_not_in_hours():
    paying = simulate.population("paying", 30, 1, collectors=1)
    assert {d.payer for d in paying} == {"payer", "promiser", "slow"}
    assert all(d.kind == "rules" for d in paying)
    promisers = [d for d in paying if d.payer == "promiser"]
    assert all(d.keeps == 0 and d.readiness > 1 for d in promisers)
    assert {d.payer for d in simulate.population("alike", 30, 1, collectors=1)} == {"payer"}


def test_debtors_answer_as_their_pattern_says():
    debtors = {d.kind: d for d in simulate.population("mixed", 40, 1, collectors=1)}
    zone = simulate.ZONE
    friday_9 = datetime(2027, 3, 5, 9, 0, tzinfo=zone)
    friday_19 = datetime(2027, 3, 5, 19, 0, tzinfo=zone)
    night, late = debtors["night"], debtors["late"]
    assert night.answers(friday_19) > 0.5 > night.answers(friday_9)
    assert late.answers(friday_9) == 0
    rules = debtors["rules"]
    golden = datetime.combine(friday_9.date(), rules.work_start, zone)
    assert rules.answers(golden) > 2 * rules.answers(golden.replace(hour=16))
