"""Cell parsers of collectctl.ingest.fields: accepted shapes, rejections and properties."""

from __future__ import annotations

import contextlib
import re
from datetime import date, time
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collectctl.core.models import LAST_DAY, Phone
from collectctl.ingest.fields import (
    FieldError,
    normalize_text,
    parse_amount,
    parse_date,
    parse_days_past_due,
    parse_paydays,
    parse_phones,
    parse_risk,
    parse_timezone,
    parse_work_start,
)
from collectctl.render import display

# -- normalize_text -------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("８８００", "8800"),
    ("１２，３４５", "12,345"),
    ("  a \t b\n c  ", "a b c"),
    ("\u3000王\u3000小明\u3000", "王 小明"),  # ideographic spaces
    ("", ""),
])
def test_normalize_text(text, expected):
    assert normalize_text(text) == expected


# -- amounts --------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "amount", "currency"), [
    ("12,345.67", "12345.67", None),
    ("NT$12,345", "12345.00", "TWD"),
    ("$1,234", "1234.00", None),
    ("US$1,234", "1234.00", "USD"),
    ("US$1,234.5", "1234.50", "USD"),
    ("£980", "980.00", "GBP"),
    ("€1.234,56", "1234.56", "EUR"),
    ("1.234,56 €", "1234.56", "EUR"),
    ("12345元", "12345.00", None),
    ("12,345元整", "12345.00", None),
    ("新台幣12,345", "12345.00", "TWD"),
    ("NTD 12345", "12345.00", "TWD"),
    ("ntd 12345", "12345.00", "TWD"),
    ("TWD12345", "12345.00", "TWD"),
    ("NT$ 1,000 元", "1000.00", "TWD"),
    ("12345 USD", "12345.00", "USD"),
    ("美金1,000", "1000.00", "USD"),
    ("¥500", "500.00", None),
    ("８８００", "8800.00", None),
    ("ＮＴ＄８，８００", "8800.00", "TWD"),
    ("  1200  ", "1200.00", None),
    ("1 234,50", "1234.50", None),
    ("1 234 567.5", "1234567.50", None),
    ("12,5", "12.50", None),
    ("1,234", "1234.00", None),
    ("1,234,567", "1234567.00", None),
    ("1.234.567", "1234567.00", None),
    ("1.234.567,89", "1234567.89", None),
    ("0.01", "0.01", None),
    ("+500", "500.00", None),
    ("9999999999999.99", "9999999999999.99", None),
])
def test_amounts(text, amount, currency):
    got = parse_amount(text)
    assert got == (Decimal(amount), currency)
    assert got[0].as_tuple().exponent == -2


@pytest.mark.parametrize("text", [
    "", "   ",
    "0", "0.00", "-0", "NT$0",
    "-5", "(5)", "5-", "NT$-5", "-NT$5", "\u22125",
    "12.345", "12.3456", "1.234", "12,3456.7",
    "abc", "12a", "1e3", "1E3", "NaN", "nan", "inf", "Infinity", "0x10", "1_000",
    "12.", ".5", "1,23,4", "1,2345", "12.345.6", "12 34", "1,234 567", "1.2.3,4,5",
    "$", "元", "NT$", "$$$5", "NT$12 USD", "٣٤٥",
    "4" * 40, "10000000000000", "10,000,000,000,000.00",
])
def test_rejected_amounts(text):
    with pytest.raises(FieldError):
        parse_amount(text)


@pytest.mark.parametrize(("text", "code", "words"), [
    ("0", "not_positive", "must be more than zero"),
    ("-0", "not_positive", "must be more than zero"),
    ("-5", "negative", "a negative amount"),
    ("(5)", "negative", "a negative amount"),
    ("12.345", "too_many_decimals", "more than two decimal places"),
    ("1e3", "not_a_number", "not a number"),
    ("4" * 40, "too_large", "too large an amount (13 whole digits at most)"),
    ("NT$12 USD", "several_currencies", "names more than one currency (TWD, USD)"),
    ("", "empty", "empty"),
])
def test_amount_reasons_are_codes_worded_without_the_value(text, code, words):
    with pytest.raises(FieldError) as raised:
        parse_amount(text)
    assert raised.value.code == code
    assert display.problem(raised.value.code, raised.value.detail) == words
    assert not text or text not in words  # a shifted column puts names here: never shown


# -- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "order", "expected"), [
    ("2024-05-01", "YMD", date(2024, 5, 1)),
    ("2024/05/01", "YMD", date(2024, 5, 1)),
    ("2024/05/01", "DMY", date(2024, 5, 1)),
    ("2024.5.1", "YMD", date(2024, 5, 1)),
    ("2024年5月1日", "YMD", date(2024, 5, 1)),
    ("20240501", "YMD", date(2024, 5, 1)),
    ("113/05/01", "YMD", date(2024, 5, 1)),
    ("113/05/01", "MDY", date(2024, 5, 1)),
    ("113-5-1", "YMD", date(2024, 5, 1)),
    ("113-5-1", "DMY", date(2024, 5, 1)),  # an ROC year leads whatever the order
    ("113.05.01", "YMD", date(2024, 5, 1)),
    ("1130501", "YMD", date(2024, 5, 1)),
    ("0990102", "YMD", date(2010, 1, 2)),
    ("民國113年5月1日", "YMD", date(2024, 5, 1)),
    ("113年5月1日", "YMD", date(2024, 5, 1)),
    ("民國99年1月2日", "YMD", date(2010, 1, 2)),
    ("中華民國113年5月1日(三)", "YMD", date(2024, 5, 1)),
    ("99/01/02", "YMD", date(2010, 1, 2)),
    ("001/05/01", "YMD", date(1912, 5, 1)),
    ("01/05/2024", "DMY", date(2024, 5, 1)),
    ("01/05/2024", "MDY", date(2024, 1, 5)),
    ("1.5.2024", "DMY", date(2024, 5, 1)),
    ("25/12/2024", "YMD", date(2024, 12, 25)),
    ("12/25/2024", "YMD", date(2024, 12, 25)),
    ("03/03/2024", "YMD", date(2024, 3, 3)),
    ("45413", "YMD", date(2024, 5, 1)),
    ("45413.0", "DMY", date(2024, 5, 1)),
    ("45413.0", "YMD", date(2024, 5, 1)),
    ("1", "YMD", date(1899, 12, 31)),
    ("2024-05-01 00:00:00", "YMD", date(2024, 5, 1)),
    ("2024-05-01T08:30:00+08:00", "YMD", date(2024, 5, 1)),
    ("2024/5/1 上午 12:00:00", "YMD", date(2024, 5, 1)),
    ("2024/5/1 3:45 PM", "YMD", date(2024, 5, 1)),
    ("1 May 2024", "DMY", date(2024, 5, 1)),
    ("1 May 2024", "YMD", date(2024, 5, 1)),
    ("May 1, 2024", "MDY", date(2024, 5, 1)),
    ("Wed, 1 May 2024", "YMD", date(2024, 5, 1)),
    ("２０２４－０５－０１", "YMD", date(2024, 5, 1)),
    (" 2024-05-01 ", "ymd", date(2024, 5, 1)),
])
def test_dates(text, order, expected):
    assert parse_date(text, order) == expected


def test_date_order_defaults_to_ymd():
    assert parse_date("99/01/02") == date(2010, 1, 2)


@pytest.mark.parametrize(("text", "order"), [
    ("", "YMD"), ("   ", "YMD"),
    ("113/13/45", "YMD"), ("31/02/2026", "DMY"), ("2026-02-30", "YMD"), ("13/13/2024", "YMD"),
    ("02/31/2026", "MDY"), ("民國113年2月30日", "YMD"), ("20260230", "YMD"), ("1130230", "YMD"),
    ("03/04/2026", "YMD"),  # ambiguous
    ("01/05/24", "DMY"), ("99/01/02", "DMY"), ("1/2/3", "YMD"), ("2024-05/01", "YMD"),
    ("00/05/01", "YMD"), ("0000501", "YMD"), ("0113/05/01", "YMD"), ("民國2024年5月1日", "YMD"),
    ("0", "YMD"), ("123456", "YMD"), ("99999999", "YMD"), ("45413.5", "YMD"),
    ("tomorrow", "YMD"), ("May 2024", "YMD"), ("1 May 24", "DMY"), ("Foo 1, 2024", "MDY"),
    ("1e3", "YMD"),
])
def test_rejected_dates(text, order):
    with pytest.raises(FieldError):
        parse_date(text, order)


def test_ambiguous_date_says_how_to_fix_it():
    with pytest.raises(FieldError) as raised:
        parse_date("03/04/2026", "YMD")
    assert re.search("ambiguous.*import.date_order", display.problem(raised.value.code))


def test_impossible_date_is_told_apart_from_no_date():
    with pytest.raises(FieldError) as raised:
        parse_date("2026-02-30")
    assert raised.value.code == "no_such_date"
    with pytest.raises(FieldError) as raised:
        parse_date("soon")
    assert raised.value.code == "not_a_date"


def test_unknown_date_order_is_a_programming_error():
    with pytest.raises(ValueError, match="date order"):
        parse_date("2024-05-01", "DYM")


# -- days past due --------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("45", 45), ("0", 0), ("45.0", 45), ("45天", 45), ("45 天", 45), ("45 days", 45),
    ("４５", 45), ("４５天", 45), (" 7 ", 7), ("36500", 36500),
])
def test_days_past_due(text, expected):
    assert parse_days_past_due(text) == expected


@pytest.mark.parametrize("text", [
    "", "-3", "4.5", "abc", "1e3", "1,000", "36501", "9" * 30, "天", "٤٥",
])
def test_rejected_days_past_due(text):
    with pytest.raises(FieldError):
        parse_days_past_due(text)


# -- work start -----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("08:30", time(8, 30)), ("8:30", time(8, 30)), ("8:30am", time(8, 30)),
    ("8:30 AM", time(8, 30)), ("8:30 a.m.", time(8, 30)), ("1:30 pm", time(13, 30)),
    ("12:15am", time(0, 15)), ("12:15pm", time(12, 15)), ("9am", time(9, 0)),
    ("0830", time(8, 30)), ("830", time(8, 30)), ("08:30:00", time(8, 30)),
    ("8點30分", time(8, 30)), ("8點", time(8, 0)), ("8點半", time(8, 30)),
    ("8時30分", time(8, 30)), ("上午8:30", time(8, 30)), ("下午1:30", time(13, 30)),
    ("下午 1:30", time(13, 30)), ("中午12:30", time(12, 30)), ("13:30", time(13, 30)),
    ("0:00", time(0, 0)), ("23:59", time(23, 59)), ("9", time(9, 0)),
    ("０８：３０", time(8, 30)),
])
def test_work_start(text, expected):
    assert parse_work_start(text) == expected


@pytest.mark.parametrize("text", [
    "", "25:00", "24:00", "8:61", "8:30:61", "13:00pm", "0:30am", "上午8:30pm", "2400",
    "12345", "noon", "8:3:0", "8:3", "-8:30", "8h30",
])
def test_rejected_work_start(text):
    with pytest.raises(FieldError):
        parse_work_start(text)


# -- paydays --------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("5", (5,)), ("5,20", (5, 20)), ("20, 5", (5, 20)), ("5、20", (5, 20)), ("5/20", (5, 20)),
    ("5 20", (5, 20)), ("5日,20日", (5, 20)), ("每月5日", (5,)), ("每月5、20日", (5, 20)),
    ("last", (LAST_DAY,)), ("End", (LAST_DAY,)), ("eom", (LAST_DAY,)), ("月底", (LAST_DAY,)),
    ("last day of the month", (LAST_DAY,)), ("15,last", (15, LAST_DAY)),
    ("last,15", (15, LAST_DAY)), ("5及月底", (5, LAST_DAY)), ("5th and 20th", (5, 20)),
    ("5,5", (5,)), ("1", (1,)), ("31", (31,)), ("３１", (31,)),
])
def test_paydays(text, expected):
    assert parse_paydays(text) == expected


@pytest.mark.parametrize("text", ["", " ", "0", "32", "monday", "5,x", "-1", "5-20", "1.5"])
def test_rejected_paydays(text):
    with pytest.raises(FieldError):
        parse_paydays(text)


# -- time zones -----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("Asia/Taipei", "Asia/Taipei"), ("asia/taipei", "Asia/Taipei"), ("UTC", "UTC"),
    ("utc", "UTC"), (" America/New_York ", "America/New_York"), ("Europe/London", "Europe/London"),
])
def test_timezones(text, expected):
    assert parse_timezone(text) == expected


@pytest.mark.parametrize("text", ["Mars/Base", "Taipei", "+08:00", "", "../../etc/passwd"])
def test_rejected_timezones(text):
    with pytest.raises(FieldError):
        parse_timezone(text)


def test_unknown_timezone_says_what_is_expected():
    with pytest.raises(FieldError) as raised:
        parse_timezone("Mars/Base")
    assert "IANA names like Asia/Taipei" in display.problem(raised.value.code)


# -- risk -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("low", "low"), ("L", "low"), ("1", "low"), ("低", "low"),
    ("medium", "medium"), ("Medium", "medium"), ("med", "medium"), ("M", "medium"),
    ("mid", "medium"), ("2", "medium"), ("中", "medium"),
    ("high", "high"), ("HIGH", "high"), ("h", "high"), ("3", "high"), ("高", "high"),
    ("ｈｉｇｈ", "high"), ("２", "medium"), ("高風險", "high"),
])
def test_risk(text, expected):
    assert parse_risk(text) == expected


@pytest.mark.parametrize("text", ["", "extreme", "4", "0", "lo"])
def test_rejected_risk(text):
    with pytest.raises(FieldError):
        parse_risk(text)


def test_rejected_risk_lists_the_choices():
    with pytest.raises(FieldError) as raised:
        parse_risk("extreme")
    assert display.problem(raised.value.code).startswith("not low, medium or high")


# -- phones ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "region", "expected"), [
    ("0912-345-678", "TW", [("+886912345678", True, None)]),
    ("0912 345 678", "TW", [("+886912345678", True, None)]),
    ("0912345678", "tw", [("+886912345678", True, None)]),
    ("+886912345678", "US", [("+886912345678", True, None)]),
    ("(02) 2345-6789 分機 123", "TW", [("+886223456789", True, "123")]),
    ("02-2345-6789轉45", "TW", [("+886223456789", True, "45")]),
    ("02-2345-6789 ext. 7", "TW", [("+886223456789", True, "7")]),
    ("02-2345-6789 ext123", "TW", [("+886223456789", True, "123")]),
    ("02-2345-6789 #88", "TW", [("+886223456789", True, "88")]),
    ("02-23456789,123", "TW", [("+886223456789", True, "123")]),
    ("+1 212-736-5000", "TW", [("+12127365000", True, None)]),
    ("(212) 736-5000 x12", "US", [("+12127365000", True, "12")]),
    ("020 7946 0958", "GB", [("+442079460958", True, None)]),
    ("0912-345-678 / (02) 2345-6789", "TW",
     [("+886912345678", True, None), ("+886223456789", True, None)]),
    ("0912345678;0223456789|0911111111、0922222222", "TW", [
        ("+886912345678", True, None), ("+886223456789", True, None),
        ("+886911111111", True, None), ("+886922222222", True, None)]),
    ("0912345678\r\n0223456789", "TW",
     [("+886912345678", True, None), ("+886223456789", True, None)]),
    ("0912345678, 0223456789", "TW",
     [("+886912345678", True, None), ("+886223456789", True, None)]),
    ("0912345678; +886 912 345 678", "TW", [("+886912345678", True, None)]),
    ("0912345678 (本人)", "TW", [("+886912345678", True, None)]),
    ("12345", "TW", [("12345", False, None)]),
    ("0912345", "TW", [("0912345", False, None)]),
    ("+99 12345", "TW", [("+9912345", False, None)]),
    ("12345 分機 9", "TW", [("12345", False, "9")]),
    ("12345 / 0912345678", "TW", [("12345", False, None), ("+886912345678", True, None)]),
    ("０９１２３４５６７８", "TW", [("+886912345678", True, None)]),
    ("", "TW", []),
    ("   ", "TW", []),
    ("n/a", "TW", []),
    ("無 / -", "TW", []),
])
def test_phones(text, region, expected):
    got = [(p.number, p.valid, p.extension) for p in parse_phones(text, region, "mobile")]
    assert got == expected


def test_phones_keep_their_label():
    assert parse_phones("0912345678/0223456789", "TW", "work") == [
        Phone("+886912345678", "work", True, None), Phone("+886223456789", "work", True, None)]


def test_region_is_ignored_for_international_numbers():
    for region in ("TW", "US", "GB"):
        assert parse_phones("+1 212 736 5000", region, "phone")[0].number == "+12127365000"


# -- properties -----------------------------------------------------------------------------

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10) ** 12, places=2,
                      allow_nan=False, allow_infinity=False)


@given(amounts)
def test_amount_round_trips_in_common_spellings(amount):
    grouped = f"{amount:,.2f}"
    european = grouped.translate(str.maketrans(",.", ".,"))
    spellings = {
        f"{amount:.2f}": None, grouped: None, "NT$" + grouped: "TWD", european: None,
        f"€{european}": "EUR", f"{european} €": "EUR", f"{grouped}元": None,
        grouped.replace(",", " "): None, f"US$ {grouped}": "USD",
    }
    for text, currency in spellings.items():
        assert parse_amount(text) == (amount, currency), text


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


@given(st.dates(min_value=date(1912, 1, 1), max_value=date(2100, 12, 31)))
def test_date_round_trips_in_common_spellings(day):
    roc = day.year - 1911
    spellings = [
        (day.isoformat(), "YMD"),
        (day.strftime("%Y/%m/%d"), "YMD"),
        (day.strftime("%Y%m%d"), "YMD"),
        (f"{day.year}年{day.month}月{day.day}日", "YMD"),
        (f"{roc:03d}/{day.month:02d}/{day.day:02d}", "YMD"),
        (f"{roc:03d}{day.month:02d}{day.day:02d}", "YMD"),
        (f"民國{roc}年{day.month}月{day.day}日", "YMD"),
        (f"{roc}年{day.month}月{day.day}日", "YMD"),
        (str((day - date(1899, 12, 30)).days), "YMD"),
        (str((day - date(1899, 12, 30)).days) + ".0", "DMY"),
        (day.strftime("%d/%m/%Y"), "DMY"),
        (f"{day.day}.{day.month}.{day.year}", "DMY"),
        (day.strftime("%m/%d/%Y"), "MDY"),
        (day.isoformat() + " 00:00:00", "MDY"),
        (f"{day.day} {MONTHS[day.month - 1]} {day.year}", "DMY"),
        (f"{MONTHS[day.month - 1]} {day.day}, {day.year}", "MDY"),
    ]
    if roc >= 10:  # ROC years of two or three digits, unpadded (one-digit ones are padded above)
        spellings.append((f"{roc}/{day.month}/{day.day}", "YMD"))
        spellings.append((f"{roc}-{day.month:02d}-{day.day:02d}", "YMD"))
        spellings.append((f"{roc}/{day.month:02d}/{day.day:02d}", "YMD"))
    for text, order in spellings:
        assert parse_date(text, order) == day, (text, order)


@given(st.dates(min_value=date(1912, 1, 1), max_value=date(2100, 12, 31)))
def test_year_last_dates_with_order_ymd_are_read_or_refused_never_misread(day):
    for text in (day.strftime("%d/%m/%Y"), day.strftime("%m/%d/%Y")):
        try:
            assert parse_date(text, "YMD") == day
        except FieldError as error:
            assert day.day <= 12 and day.day != day.month and "ambiguous" in str(error)


PARSERS = [parse_amount, parse_date, parse_work_start, parse_paydays, parse_risk,
           parse_days_past_due, parse_timezone]
#: Text made of the characters the parsers look at, to get past their first checks.
cell_text = st.text(alphabet="0123456789 .,/-:()+$€£¥元年月日民國天點分上下午amAMpPlLMastdeyNT")


@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.__name__)
@given(text=st.text())
def test_parsers_raise_only_field_errors_on_any_text(parser, text):
    try:
        parser(text)
    except FieldError as error:
        assert str(error) and "\n" not in str(error)  # one line: the value is shown as repr


@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.__name__)
@given(text=cell_text)
def test_parsers_raise_only_field_errors_on_cell_like_text(parser, text):
    with contextlib.suppress(FieldError):
        parser(text)


@given(st.text(), st.sampled_from(["TW", "US", "GB", "AU", "tw", "", "XX"]))
def test_phone_parsing_never_fails(text, region):
    phones = parse_phones(text, region, "phone")
    assert len({p.number for p in phones}) == len(phones)
    for phone in phones:
        assert phone.label == "phone"
        if phone.valid:
            assert re.fullmatch(r"\+[1-9][0-9]{6,14}", phone.number), phone
        else:
            assert re.fullmatch(r"\+?[0-9]+", phone.number), phone
        assert phone.extension is None or phone.extension.isdigit()


@given(st.text(alphabet="0123456789 +-()/;、|,#x分機轉ext.\n", max_size=60),
       st.sampled_from(["TW", "US", "GB"]))
def test_phone_parsing_never_fails_on_phone_like_text(text, region):
    for phone in parse_phones(text, region, "mobile"):
        assert phone.number
