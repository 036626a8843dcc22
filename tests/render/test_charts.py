"""The html report's charts (render/charts.py), from plain series: axes with units, a
legend, the status colours, a text alternative, and the target as a step line."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from collectctl.i18n import ENGLISH, Locale
from collectctl.render import charts, display

SVG = "{http://www.w3.org/2000/svg}"
WORDS = charts.Words("Collected per day", "NT$1,000 collected.", "day", "collected (NT$)",
                     ("collected", "ahead", "behind", "target", "day off"))


def parsed(svg: str) -> ET.Element:
    """The chart as XML (it must be well-formed to be inlined in the page)."""
    return ET.fromstring(svg)


def texts(root: ET.Element, cls: str | None = None) -> list[str]:
    return [t.text or "" for t in root.iter(SVG + "text")
            if cls is None or cls in (t.get("class") or "").split()]


def by_class(root: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    return [e for e in root.iter(SVG + tag) if cls in (e.get("class") or "").split()]


def accessible(root: ET.Element, title: str) -> None:
    """role="img", the title as aria-label and <title>, the figures in <desc>."""
    assert root.get("role") == "img" and root.get("aria-label") == title
    assert root.find(SVG + "title").text == title
    desc = root.find(SVG + "desc")
    assert desc.text and root.get("aria-describedby") == desc.get("id")
    assert "Noto Sans CJK TC" in root.get("font-family")


@pytest.mark.parametrize("top, whole, ticks", [
    (0, True, [0, 1]),
    (3, True, [0, 1, 2, 3]),
    (7, True, [0, 2, 4, 6, 8]),
    (165050, True, [0, 50000, 100000, 150000, 200000]),
    (23809.52, True, [0, 10000, 20000, 30000]),
    (1200000, True, [0, 500000, 1000000, 1500000]),
    (D("0.3"), False, [D("0"), D("0.1"), D("0.2"), D("0.3")]),
    (9, False, [0, D("2.5"), 5, D("7.5"), 10]),
])
def test_ticks_are_round_steps_from_zero_past_the_top(top, whole, ticks):
    assert charts.nice_ticks(top, whole=whole) == [D(t) for t in ticks]


@pytest.mark.parametrize("language, amount, currency, shown", [
    (None, 150000, "TWD", "NT$150k"), (None, 2500, "GBP", "£2.5k"),
    (None, 1200000, "USD", "US$1.2M"), (None, 0, "TWD", "NT$0"), (None, 500, None, "500"),
    (None, 20000, "MYR", "MYR 20k"),
    ("zh_TW", 150000, "TWD", "NT$15萬"), ("zh_TW", 5000, "TWD", "NT$5,000"),
    ("zh_TW", 250000000, "TWD", "NT$2.5億"),
])
def test_money_ticks_carry_the_currency_symbol(language, amount, currency, shown):
    with Locale(language).active():
        assert display.money_tick(D(amount), currency) == shown


def test_a_one_day_report_draws_its_target_as_a_line_across_the_plot():
    """Before, a one-day target was a polyline of one point: nothing to see."""
    svg = charts.collected_chart("c", [date(2026, 12, 4)], [D("1000.00")], [D("16155.77")],
                                 "TWD", WORDS)
    root = parsed(svg)
    (target,) = by_class(root, "path", "target")
    m = re.fullmatch(r"M([\d.]+),([\d.]+)H([\d.]+)", target.get("d"))
    assert m and float(m[3]) - float(m[1]) > 300  # the whole plot's width (420 wide)
    assert target.get("stroke") == charts.TARGET and float(target.get("stroke-width")) >= 2
    # The target and the day's amount are written out, the bar is red: behind.
    assert "target 16,155.77 TWD" in texts(root, "value")
    assert "1,000.00 TWD" in texts(root, "value")
    (bar,) = by_class(root, "rect", "bar")
    assert bar.get("fill") == charts.BEHIND and "behind" in bar.get("class")
    accessible(root, "Collected per day")


def test_a_month_target_steps_to_zero_on_days_off_instead_of_zigzagging():
    first = date(2026, 11, 30)  # Monday; Saturday 5 and Sunday 6 December are off
    days = [first + timedelta(days=i) for i in range(8)]
    targets = [D(0) if d.weekday() >= 5 else D("25000") for d in days]
    collected = [D("30000"), D("1000"), D(0), D("25000"), D(0), D(0), D("500"), D("26000")]
    root = parsed(charts.collected_chart("c", days, collected, targets, "TWD", WORDS))
    (target,) = by_class(root, "path", "target")
    d = target.get("d")
    assert re.fullmatch(r"M[\d.]+,[\d.]+(?:H[\d.]+|V[\d.]+)+", d), d  # level and upright
    levels = [float(v) for v in re.findall(r"[MV](?:[\d.]+,)?([\d.]+)", d)]
    base = float(root.find(SVG + "line[@class='axis']").get("y1"))
    assert levels.count(base) == 1 and len(set(levels)) == 2  # 0 once, over the weekend
    assert len(by_class(root, "rect", "day-off")) == 2
    statuses = [b.get("class").split()[1] for b in by_class(root, "rect", "bar")]
    assert statuses == ["ahead", "behind", "behind", "ahead", "behind", "collected",
                        "collected", "ahead"]
    # A day with a target and nothing collected still shows red, 2 units high.
    nothing = by_class(root, "rect", "bar")[2]
    assert nothing.get("fill") == charts.BEHIND and nothing.get("height") == "2"
    legend = texts(root.find(SVG + "g[@class='legend']"))
    assert legend == ["ahead", "behind", "target", "day off"]
    ticks = texts(root, "tick")
    assert "NT$0" in ticks and "NT$30k" in ticks
    assert ticks[-8:] == ["30", "12-01", "2", "3", "4", "5", "6", "7"]  # a new month named


def test_without_a_target_the_bars_are_plain_and_the_legend_says_collected():
    days = [date(2026, 12, 1), date(2026, 12, 2)]
    root = parsed(charts.collected_chart("c", days, [D(5), D(0)], [None, None], None, WORDS))
    assert not by_class(root, "path", "target")
    assert {b.get("fill") for b in by_class(root, "rect", "bar")} == {charts.NEUTRAL}
    assert texts(root.find(SVG + "g[@class='legend']")) == ["collected"]


def test_calls_and_contact_rate_by_hour_on_two_axes():
    words = charts.Words("Calls by hour", "9 calls.", "hour of day", "calls",
                         ("calls", "contact rate"), y2="contact rate (%)")
    root = parsed(charts.hourly_chart("h", [(9, 4, 2), (10, 3, 3), (12, 2, 0)], words))
    accessible(root, "Calls by hour")
    ticks = texts(root, "tick")
    assert [t for t in ticks if re.fullmatch(r"\d\d", t)] == ["09", "10", "11", "12"]
    assert {"0%", "50%", "100%"} <= set(ticks) and "4" in ticks
    assert texts(root, "axis-title") == ["calls", "contact rate (%)", "hour of day"]
    # 11:00 had no calls: the rate's line breaks there, each hour with calls has a dot.
    lines = by_class(root, "polyline", "contact-rate")
    assert len(lines) == 1 and len(lines[0].get("points").split()) == 2
    assert len(by_class(root, "circle", "contact-rate")) == 3
    assert texts(root.find(SVG + "g[@class='legend']")) == ["calls", "contact rate"]


def test_promises_kept_and_broken_per_collector_with_names_escaped():
    words = charts.Words("Promises", "6 due.", "promises due", "", ("kept", "broken"))
    svg = charts.promises_chart("p", [("<b>alice</b>", 4, 1), ("bob", 1, 0), ("carol", 0, 0)],
                                words, "none due")
    assert "<b>" not in svg and "&lt;b&gt;alice&lt;/b&gt;" in svg
    root = parsed(svg)
    accessible(root, "Promises")
    kept = by_class(root, "rect", "kept")
    broken = by_class(root, "rect", "broken")
    assert [r.get("fill") for r in kept] == [charts.AHEAD] * 2
    assert [r.get("fill") for r in broken] == [charts.BEHIND]
    assert float(kept[0].get("width")) == pytest.approx(4 * float(kept[1].get("width")), abs=0.5)
    assert "none due" in texts(root, "value")


PORTFOLIO = [("M1", D("1200000")), ("M2", D("640000")), ("M3", D("310000")),
             ("M4", D("90000")), ("M7+", D("25000"))]
ROLLS = [("M1", D("0.18"), D("0.42")), ("M2", D("0.35"), D("0.2")), ("M3", None, None)]


def test_the_portfolio_by_bucket_in_its_currency():
    words = charts.Words("Balance by bucket", "NT$2,265,000 open.", "days past due",
                         "balance (NT$)", ("open balance",))
    root = parsed(charts.buckets_chart("b", PORTFOLIO, "TWD", words))
    accessible(root, "Balance by bucket")
    bars = by_class(root, "rect", "bucket")
    assert len(bars) == 5 and [b.get("fill") for b in bars] == list(charts.BUCKET_RAMP[:5])
    heights = [float(b.get("height")) for b in bars]
    assert heights == sorted(heights, reverse=True)
    ticks = texts(root, "tick")
    assert {"NT$0", "NT$500k", "NT$1.5M"} <= set(ticks)
    assert ticks[-5:] == ["M1", "M2", "M3", "M4", "M7+"]


def test_roll_and_cure_rates_with_no_rate_shown_as_a_dash_not_zero():
    words = charts.Words("Roll and cure", "M1 rolled 18%.", "bucket", "share (%)",
                         ("roll rate", "cure rate"))
    root = parsed(charts.roll_rates_chart("r", ROLLS, words))
    accessible(root, "Roll and cure")
    rolls, cures = by_class(root, "rect", "roll"), by_class(root, "rect", "cure")
    assert len(rolls) == len(cures) == 2  # M3 has none: no bar
    assert {r.get("fill") for r in rolls} == {charts.BEHIND}
    assert {r.get("fill") for r in cures} == {charts.AHEAD}
    assert texts(root, "none") == ["—", "—"]
    assert "100%" in texts(root, "tick")
    assert texts(root.find(SVG + "g[@class='legend']")) == ["roll rate", "cure rate"]


def test_the_same_series_give_the_same_bytes():
    """Reports are diffed and mailed: no random ids, no clock."""
    make = lambda: charts.buckets_chart("b", PORTFOLIO, "TWD", WORDS)  # noqa: E731
    assert make() == make()


def test_chinese_words_in_a_chart():
    with Locale("zh_TW").active():
        words = charts.Words("每日回收金額與目標對照", "回收 NT$1,000。", "日期", "回收金額（NT$）",
                             ("回收金額", "達到目標", "未達目標", "目標", "休息日"))
        root = parsed(charts.collected_chart("c", [date(2026, 12, 4)], [D(1000)],
                                             [D(20000)], "TWD", words))
    assert root.get("aria-label") == "每日回收金額與目標對照"
    assert "目標 NT$20,000" in texts(root, "value") and "12/4 五" in texts(root, "tick")
    assert "NT$2萬" in texts(root, "tick")
    with ENGLISH.active():
        assert display.money_tick(D(20000), "TWD") == "NT$20k"


def test_an_empty_chart_says_so_and_makes_up_no_scale():
    words = charts.Words("Collected", "Nothing.", "day", "collected (NT$)", WORDS.series,
                         empty="nothing collected")
    root = parsed(charts.collected_chart("c", [date(2026, 12, 4)], [D(0)], [None], "TWD",
                                         words))
    assert texts(root, "empty") == ["nothing collected"]
    assert [t for t in texts(root, "tick") if t.startswith("NT$")] == ["NT$0"]
    calls = charts.Words("Calls", "None.", "hour", "calls", ("calls", "rate"), empty="no calls")
    assert texts(parsed(charts.hourly_chart("h", [], calls)), "empty") == ["no calls"]
