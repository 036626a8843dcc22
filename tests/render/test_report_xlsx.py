"""The report's workbook: the JSON document in sheets, cells typed, money per currency."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl

from collectctl import i18n
from collectctl.render.report_xlsx import is_money, sections, workbook

DOC = {
    "schema": "collectctl.report/2",
    "from": "2026-12-01",
    "to": "2026-12-04",
    "team": {"calls": 12, "collected": {"AUD": "100.00", "TWD": "20000.00"},
             "kept_rate": None, "contact_rate": 0.25},
    "collectors": [
        {"name": "alice", "calls": 7, "collected": {"TWD": "20000.00"}, "kept_rate": 0.5},
        {"name": "=HYPERLINK(\"http://x\")", "calls": 5, "collected": {"AUD": "100.00"},
         "kept_rate": None},
    ],
    "portfolio": {"as_of": "2026-12-04",
                  "buckets": [{"bucket": "M1", "accounts": 3, "balance": {"TWD": "900.50"}}]},
}


def _book(doc=DOC, title="Collection report"):
    return openpyxl.load_workbook(io.BytesIO(workbook(doc, title)))


def test_a_money_object_is_recognised_and_nothing_else_is():
    assert is_money({"TWD": "1.00"}) and is_money({})
    assert not is_money({"calls": 3}) and not is_money({"twd": "1"})


def test_sections_are_the_figures_and_the_lists_of_records():
    figures, tables = sections(DOC)
    assert ("team.calls", 12) in figures and ("portfolio.as_of", "2026-12-04") in figures
    assert [path for path, _records in tables] == ["collectors", "portfolio.buckets"]


def test_one_sheet_for_the_figures_and_one_for_each_list():
    book = _book()
    assert book.sheetnames == ["summary", "collectors", "portfolio buckets"]


def test_money_is_one_number_column_per_currency_in_its_format():
    sheet = _book()["collectors"]
    heads = [c.value for c in sheet[1]]
    assert heads == ["collector", "calls", "collected (AUD)", "collected (TWD)", "kept rate"]
    alice = sheet[2]
    assert alice[3].value == 20000 and alice[3].number_format == '#,##0.00 "TWD";-#,##0.00 "TWD"'
    assert alice[2].value is None  # alice collected nothing in AUD: empty, never summed
    assert alice[4].value == 0.5 and alice[4].number_format == "0.00%"


def test_an_unknown_rate_is_an_empty_cell_not_zero():
    sheet = _book()["collectors"]
    assert sheet[3][4].value is None


def test_dates_are_dates_and_counts_are_numbers():
    summary = _book()["summary"]
    rows = {r[0]: r for r in summary.iter_rows(min_row=4, values_only=True)}
    assert rows["from"][2] == datetime(2026, 12, 1)
    assert rows["team.calls"][2] == 12
    # The team's money: a row per currency.
    money = [r for r in summary.iter_rows(min_row=4, values_only=True)
             if r[0] == "team.collected"]
    assert [(r[1], r[2]) for r in money] == [("AUD", 100), ("TWD", 20000)]


def test_text_that_looks_like_a_formula_stays_text():
    cell = _book()["collectors"]["A3"]
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"


def test_headings_and_formats_in_chinese():
    i18n.set_language("zh_TW")
    try:
        book = _book()
    finally:
        i18n.set_language(None)
    assert book.sheetnames[0] == "摘要"
    sheet = book[book.sheetnames[1]]
    heads = [c.value for c in sheet[1]]
    assert heads[0] == "催收員" and "回收金額 (TWD)" in heads
    twd = sheet[2][heads.index("回收金額 (TWD)")]
    assert twd.number_format == '"NT$"#,##0;-"NT$"#,##0'
    summary = book["摘要"]
    assert summary["C5"].number_format == "yyyy/mm/dd"


def test_the_report_sections_sheets_are_named_in_chinese():
    i18n.set_language("zh_TW")
    try:
        book = _book()
    finally:
        i18n.set_language(None)
    assert book.sheetnames[2] == "帳戶組合 逾期級距"
