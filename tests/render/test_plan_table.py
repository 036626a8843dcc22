"""The plan table's pieces: the debtor's own time, numbers as dialled, fitting a width."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collectctl import i18n
from collectctl.render import display
from collectctl.render.plan import NARROW_DROPS, fit_columns
from collectctl.render.width import cut, fit, fitted_lines

TAIPEI = ZoneInfo("Asia/Taipei")
AT = datetime(2026, 12, 4, 9, 15, tzinfo=TAIPEI)  # Fri 09:15 in Taipei


def test_a_number_in_the_collectors_region_is_shown_as_dialled_there():
    assert display.phone("+886918566195", "TW") == "0918 566 195"
    assert display.phone("+886227123456", "TW") == "02 2712 3456"
    assert display.phone("+12125550100", "US") == "(212) 555-0100"


def test_a_number_abroad_stays_in_e164():
    assert display.phone("+12125550100", "TW") == "+12125550100"
    assert display.phone("+447911123456", "TW") == "+447911123456"


def test_a_uk_number_is_national_in_gb_whatever_its_island():
    # phonenumbers maps +44 7911 to Guernsey; a collector in GB still dials 07911.
    assert display.phone("+447911123456", "GB") == "07911 123456"


def test_another_country_sharing_the_code_is_dialled_as_from_your_region():
    assert display.phone("+14165550123", "US") == "1 (416) 555-0123"  # Canada
    assert display.phone("+18765550123", "US") == "1 (876) 555-0123"  # Jamaica
    assert display.phone("+447797123456", "GB") == "07797 123456"      # Jersey


def test_a_number_that_is_not_valid_keeps_its_country_code():
    assert display.phone("+88612", "TW") == "+88612"
    assert display.phone("+886212345", "TW") == "+886212345"
    assert display.phone("+8869123456789", "TW") == "+8869123456789"


def test_no_region_or_no_number_or_garbage_is_left_as_it_is():
    assert display.phone("+886918566195", None) == "+886918566195"
    assert display.phone(None, "TW") == ""
    assert display.phone("+", "TW") == "+"


def test_the_debtors_time_is_empty_where_their_clock_reads_as_yours():
    assert display.debtor_time(AT, ("Asia/Taipei",)) == ""
    assert display.debtor_time(AT, ("Asia/Shanghai", "Asia/Hong_Kong")) == ""
    assert display.debtor_time(AT, ()) == ""


def test_the_debtors_time_on_another_day_says_the_day():
    assert display.debtor_time(AT, ("America/New_York",)) == "Thu 20:15"
    assert display.debtor_time(AT, ("Europe/London",)) == "01:15"
    assert display.debtor_time(AT, ("Australia/Sydney",)) == "12:15"


def test_the_debtors_time_in_several_zones_is_the_earliest_and_the_latest_clock():
    zones = ("America/New_York", "America/Chicago", "America/Los_Angeles")
    assert display.debtor_time(AT, zones) == "Thu 17:15–20:15"
    # One zone reads as yours, another not: the other is shown.
    assert display.debtor_time(AT, ("Asia/Taipei", "Asia/Tokyo")) == "09:15–10:15"
    # Across midnight each end says its day.
    late = datetime(2026, 12, 4, 13, 30, tzinfo=TAIPEI)
    assert display.debtor_time(late, ("Europe/London", "Asia/Kolkata")) == "05:30–11:00"
    night = datetime(2026, 12, 4, 7, 30, tzinfo=TAIPEI)
    assert display.debtor_time(night, ("Europe/London", "Europe/Moscow")) == \
        "Thu 23:30–Fri 02:30"


def test_the_debtors_day_in_chinese():
    i18n.set_language("zh_TW")
    try:
        assert display.debtor_time(AT, ("America/New_York",)) == "週四 20:15"
    finally:
        i18n.set_language(None)


def test_places_name_one_or_two_zones_and_count_more():
    assert display.debtor_places(("America/New_York",)) == "America/New_York"
    assert display.debtor_places(("Asia/Taipei", "Asia/Tokyo")) == "Asia/Taipei, Asia/Tokyo"
    assert display.debtor_places(("A/a", "B/b", "C/c")) == "3 zones"


def test_fit_cuts_the_first_column_to_its_minimum_before_the_next():
    # 10 + 20 + 30 and two gaps of 2 = 64.
    assert fit([10, 20, 30], 64, [(2, 5), (1, 5)]) == ([10, 20, 30], 0)
    assert fit([10, 20, 30], 54, [(2, 5), (1, 5)]) == ([10, 20, 20], 0)
    assert fit([10, 20, 30], 34, [(2, 5), (1, 5)]) == ([10, 15, 5], 0)
    assert fit([10, 20, 30], 20, [(2, 5), (1, 5)]) == ([10, 5, 5], 4)


@given(st.lists(st.integers(1, 60), min_size=2, max_size=9), st.integers(20, 200),
       st.lists(st.tuples(st.integers(0, 8), st.integers(1, 30)), max_size=4))
def test_fit_never_widens_and_fits_or_says_by_how_much_it_does_not(widths, total, cuts):
    cuts = [(i % len(widths), least) for i, least in cuts]
    fitted, over = fit(widths, total, cuts)
    assert all(0 < f <= w for f, w in zip(fitted, widths, strict=True))
    assert sum(fitted) + 2 * (len(widths) - 1) - total == over or (
        over == 0 and sum(fitted) + 2 * (len(widths) - 1) <= total)
    for index in {i for i, _least in cuts}:
        least = min(m for i, m in cuts if i == index)
        assert fitted[index] >= min(least, widths[index])


def _columns(why: str, name: str = "Name"):
    return [("time", "Time", "left", ["09:00"]), ("account", "Account", "left", ["A-1"]),
            ("name", "Debtor", "left", [name]), ("dpd", "DPD", "right", ["90"]),
            ("window", "Window", "left", ["golden"]), ("why", "Why", "left", [why])]


def test_a_wide_terminal_shows_every_column_whole():
    shown = fit_columns(_columns("never reached, amount"), 160)
    assert [c[0] for c, _w in shown] == ["time", "account", "name", "dpd", "window", "why"]
    assert shown[-1][1] == len("never reached, amount")


def test_a_narrow_terminal_cuts_the_why_then_the_name_then_leaves_out_window_and_dpd():
    columns = _columns("w" * 40, "n" * 30)
    widths = dict((c[0], w) for c, w in fit_columns(columns, 90))
    assert widths["why"] < 40 and widths["name"] == 30  # the why gave way first
    widths = dict((c[0], w) for c, w in fit_columns(columns, 64))
    assert widths["name"] < 30 and "window" in widths
    widths = dict((c[0], w) for c, w in fit_columns(columns, 50))
    assert NARROW_DROPS[0] not in widths
    widths = dict((c[0], w) for c, w in fit_columns(columns, 40))
    assert not set(NARROW_DROPS) & set(widths)
    assert sum(widths.values()) + 2 * (len(widths) - 1) <= 40


def test_a_cut_cell_ends_in_an_ellipsis_and_never_splits_a_wide_character():
    assert cut("never reached, amount", 9) == "never re…"
    assert cut("從未接通、風險", 6) == "從未…"  # 4 cells and the ellipsis; no half character
    assert cut("short", 9) == "short"
    assert cut("abc", 0) == ""


def test_fitted_lines_cut_only_what_is_too_long_and_align_right_columns():
    lines = fitted_lines(["A", "Amount"], [["王小明明", "1.00"], ["x", "1,000.00"]], [5, 8],
                         frozenset({1}))
    assert lines == ["A        Amount", "王小…      1.00", "x      1,000.00"]


@pytest.mark.parametrize("width", [30, 40, 60, 80])
def test_the_time_account_balance_and_phone_are_never_cut(width):
    columns = [("time", "Time", "left", ["09:00"]),
               ("theirs", "Their time", "left", ["Thu 15:05–20:05"]),
               ("account", "Account", "left", ["TW-100005"]),
               ("name", "Debtor", "left", ["Dana Demo Longname"]),
               ("balance", "Balance", "right", ["264,350.00 TWD"]),
               ("dpd", "DPD", "right", ["90"]),
               ("phone", "Phone", "left", ["+18005550199"]),
               ("window", "Window", "left", ["golden"]),
               ("why", "Why", "left", ["never reached, risk, amount"])]
    widths = {c[0]: w for c, w in fit_columns(columns, width)}
    for key, text in (("time", "09:00"), ("theirs", "Thu 15:05–20:05"),
                      ("account", "TW-100005"), ("balance", "264,350.00 TWD"),
                      ("phone", "+18005550199")):
        assert widths[key] >= len(text), (key, widths)


def test_a_cut_at_a_space_does_not_leave_the_space_before_the_ellipsis():
    assert cut("before payday, never reached", 8) == "before…"
