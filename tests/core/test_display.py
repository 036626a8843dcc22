"""Dates, amounts and labels in the interface language, and Chinese help wrapping."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collectctl import i18n
from collectctl.cli.clickfmt import wrap_columns, wrap_paragraphs
from collectctl.render import display
from collectctl.render.width import columns

FRIDAY = date(2026, 12, 4)


@pytest.fixture
def chinese():
    i18n.set_language("zh_TW")
    yield
    i18n.set_language(None)
    display.set_written_forms(False)


def test_english_dates_and_amounts_keep_the_iso_forms():
    assert display.day(FRIDAY) == "Fri 2026-12-04"
    assert display.plain_day(FRIDAY) == "2026-12-04"
    assert display.day_time(datetime(2026, 12, 4, 14, 30)) == "Fri 2026-12-04 14:30"
    assert display.money(Decimal("12345"), "TWD") == "12,345.00 TWD"
    assert display.money(Decimal("12345.5")) == "12,345.50"


def test_chinese_dates_with_the_weekday_and_roc_years(chinese):
    assert display.day(FRIDAY) == "2026/12/04 (五)"
    assert display.day(date(2026, 12, 6)) == "2026/12/06 (日)"
    assert display.plain_day(FRIDAY) == "2026/12/04"
    assert display.day_time(datetime(2026, 12, 4, 14, 30)) == "2026/12/04 (五) 14:30"
    display.set_written_forms(True)
    assert display.day(FRIDAY) == "115/12/04 (五)"
    assert display.plain_day(date(1999, 1, 1)) == "088/01/01"
    assert display.plain_day(date(1911, 6, 1)) == "民前1/06/01"


def test_roc_years_are_for_chinese_only():
    display.set_written_forms(True)
    try:
        assert display.day(FRIDAY) == "Fri 2026-12-04"
    finally:
        display.set_written_forms(False)


@pytest.mark.parametrize("amount,currency,shown", [
    ("12345", "TWD", "NT$12,345"),
    ("12345.50", "TWD", "NT$12,345.50"),  # cents are never dropped
    ("-100", "TWD", "-NT$100"),
    ("7380.57", "USD", "US$7,380.57"),
    ("1000", "USD", "US$1,000.00"),
    ("21899.63", "GBP", "£21,899.63"),
    ("5", "XAU", "5.00 XAU"),  # no symbol known: the ISO code
    ("1234567", None, "1,234,567.00"),
])
def test_chinese_amounts_with_the_currency_symbol(chinese, amount, currency, shown):
    assert display.money(Decimal(amount), currency) == shown


def test_labels_are_translated_and_unknown_codes_pass_through(chinese):
    assert display.window("golden") == "黃金"
    assert display.metric("recovery_rate") == "回收率"
    assert display.phone_label("relative: 王大明") == "親屬: 王大明"
    assert display.status("kept") == "履約"
    assert display.window("my-own-code") == "my-own-code"
    from collectctl.core.outcomes import DEFAULT_OUTCOMES

    labels = {o.code: display.outcome(o) for o in DEFAULT_OUTCOMES}
    assert labels["ptp"] == "承諾還款" and labels["no-answer"] == "未接"


def test_plan_reasons_are_worded_in_the_interface_language(chinese):
    from collectctl.core.planning import Factor, Score

    score = Score(Decimal(3), (Factor("callback_due", Decimal(1), Decimal(1), Decimal(1)),
                               Factor("amount", Decimal(1), Decimal(2), Decimal(2))))
    assert score.reasons() == ["callback", "amount"]  # codes: the same in every language
    assert score.reasons(leave_out=("callback_due",)) == ["amount"]
    assert display.plan_reasons(["promise_due", "amount"]) == "今日承諾到期、金額"


# -- Chinese help wrapping -----------------------------------------------------------------

def test_chinese_wraps_between_characters_and_keeps_ascii_words_whole():
    lines = wrap_columns("帳戶依分數排序（金額、逾期天數），--explain 帳號 可看原因。", 20)
    assert all(columns(line) <= 20 for line in lines)
    assert "--explain" in "".join(lines).replace(" ", "")
    assert not any(line.lstrip().startswith(("，", "。", "、", "）")) for line in lines)


def test_a_line_break_between_chinese_characters_adds_no_space():
    text = wrap_paragraphs("第一行的結尾\n第二行開頭\nand English\nwords", 80)
    assert text == "第一行的結尾第二行開頭 and English words"


def test_click_raw_blocks_are_kept():
    assert wrap_paragraphs("\b\n  printf '1\\n' | x\n  另一行", 10, "  ") == \
        "    printf '1\\n' | x\n    另一行"


_TEXT = st.lists(st.one_of(st.sampled_from("帳戶分數排序金額逾期天數，。、（）"),
                           st.text("abc-_.", min_size=1, max_size=12), st.just(" ")),
                 max_size=60).map("".join)


@given(_TEXT, st.integers(min_value=12, max_value=100))
def test_wrapping_loses_nothing_and_fits_the_width(text, width):
    lines = wrap_columns(text, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        # Only a single word (an ASCII run, or a character with its punctuation) may
        # be wider than the line.
        assert columns(line) <= width or " " not in line.strip()
