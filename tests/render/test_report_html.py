"""The html report's page (render/report_html.py) from a report made by hand: the money
adapter, the figures' words, the portfolio's charts, escaping."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from collectctl.app.reports import Report
from collectctl.core.metrics import Metrics
from collectctl.core.money import Amounts
from collectctl.render import report_html

BUCKETS = [("M1", D("1200000")), ("M2", D("640000")), ("M3", D("0"))]
ROLLS = [("M1", D("0.1800"), D("0.4200")), ("M2", D("0.35"), None)]


def test_money_reaches_the_charts_by_currency():
    """Today's report money is a Decimal in the settings' currency; per-currency Amounts
    (the money branch's) go through the same door."""
    assert report_html.money_parts(D("12.50"), "TWD") == {"TWD": D("12.50")}
    two = Amounts({"TWD": D("20000"), "AUD": D("100")})
    assert report_html.money_parts(two, "TWD") == {"AUD": D("100.00"), "TWD": D("20000.00")}
    assert report_html.rate_parts(None, "TWD") == {"TWD": None}
    assert report_html.rate_parts({"GBP": D("0.5"), "TWD": None}, "TWD") == {
        "GBP": D("0.5"), "TWD": None}


def test_a_chart_for_each_currency_collected_the_target_on_its_own():
    days = [(date(2026, 12, 3), Amounts({"TWD": D("5000"), "AUD": D("100")}),
             Amounts.of("TWD", "20000")),
            (date(2026, 12, 4), Amounts.of("TWD", "25000"), Amounts.of("TWD", "20000"))]
    (aud, aud_svg), (twd, twd_svg) = report_html.collected_figures(days, "TWD")
    assert aud.endswith("(AUD)") and twd.endswith("(TWD)")
    assert 'class="target"' in twd_svg and 'class="target"' not in aud_svg
    assert "A$" in aud_svg and "NT$" in twd_svg
    assert "Target 40,000.00 TWD: behind; days at or above their target: 1 of 2." in twd_svg


def test_the_portfolio_charts_from_buckets_and_roll_rates():
    (b_caption, buckets), (r_caption, rolls) = report_html.portfolio_figures(
        BUCKETS, ROLLS, "TWD")
    assert b_caption == "Open balance by days past due"
    assert r_caption == "Roll and cure rates by bucket"
    assert "1,840,000.00 TWD open. M1 1,200,000.00 TWD (65.2%)" in buckets
    assert "M1: rolled 18.0%, cured 42.0%; M2: rolled 35.0%, cured —." in rolls
    assert buckets.count('class="bar bucket"') == 3 and rolls.count('class="bar cure"') == 1


def test_the_page_leads_with_the_status_and_escapes_names():
    team = Metrics(calls=10, contacts=5, collected=D("30000.00"), promises_kept=1,
                   promises_broken=1, outstanding_at_start=D("900000.00"))
    evil = "<img src=x onerror=alert(1)>"
    report = Report(date(2026, 12, 4), date(2026, 12, 4), team, ((evil, team),),
                    daily=((date(2026, 12, 4), D("30000.00"), D("20000.00")),),
                    hourly=((9, 6, 3), (10, 4, 2)), currency="TWD")
    page = report_html.page(report, "Collection report", ["collector", "collected"],
                            [[evil, "30,000.00"]], BUCKETS, ROLLS)
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert '<li class="kpi lead ahead">' in page
    assert '<span class="status ahead">ahead</span>' in page
    assert "150.0% of the target 20,000.00 TWD" in page
    assert page.count("<svg") == 5 and "<h2>Portfolio</h2>" in page


def test_rates_without_a_denominator_are_a_dash_not_zero():
    quiet = Metrics()
    report = Report(date(2026, 12, 4), date(2026, 12, 4), quiet, (("alice", quiet),),
                    daily=((date(2026, 12, 4), D("0.00"), None),), currency="TWD")
    page = report_html.page(report, "Collection report", ["collector"], [["alice"]])
    assert "contacts 0 · contact rate —" in page and "RPC rate —" in page
    assert '<div class="name">Kept rate</div><div class="value">—</div>' in page
    assert '<div class="name">Recovery rate</div><div class="value">—</div>' in page
    assert "nothing collected" in page and "no calls made" in page
    assert "no target for the period" in page
