"""The cell parsers: every shape the issue names, the rejections, and properties."""

from __future__ import annotations

import contextlib
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collectctl.core.models import LAST_DAY
from collectctl.ingest import fields as f
from collectctl.ingest.fields import FieldError


@pytest.mark.parametrize(("text", "amount", "currency"), [
    ("12,345.67", "12345.67", None),
    ("NT$12,345", "12345.00", "TWD"),
    ("$1,234", "1234.00", None),
    ("US$1,234.5", "1234.50", "USD"),
    ("£980", "980.00", "GBP"),
    ("€1.234,56", "1234.56", "EUR"),
    ("12345元", "12345.00", None),
    ("新台幣12,345", "12345.00", "TWD"),
    ("NTD 12345", "12345.00", "TWD"),
    ("12345 USD", "12345.00", "USD"),
    ("８８００", "8800.00", None),
    ("  1200  ", "1200.00", None),
    ("1 234,50", "1234.50", None),
    ("12,5", "12.50", None),
    ("1,234,567", "1234567.00", None),
    ("1.234.567", "1234567.00", None),
    ("0.01", "0.01", None),
    ("+500", "500.00", None),
])
def test_amounts(text, amount, currency):
    assert f.parse_amount(text) == (Decimal(amount), currency)


@pytest.mark.parametrize("text", [
    "", "   ", "0", "0.00", "-0", "-5", "(5)", "5-", "abc", "12a", "1e3", "NaN", "inf",
    "1.234", "12.345.6", "1,23,4", "12.3456", "$", "元", "4" * 40, "10000000000000",
])
def test_rejected_amounts(text):
    with pytest.raises(FieldError):
        f.parse_amount(text)


def test_amount_reasons_name_the_value():
    with pytest.raises(FieldError, match="'0' must be more than zero"):
        f.parse_amount("0")
    with pytest.raises(FieldError, match="'-5' is negative"):
        f.parse_amount("-5")
    with pytest.raises(FieldError, match="more than two decimal places"):
        f.parse_amount("12.345")


@pytest.mark.parametrize(("text", "order", "expected"), [
    ("2024-05-01", "YMD", date(2024, 5, 1)),
    ("2024/05/01", "DMY", date(2024, 5, 1)),
    ("2024.5.1", "YMD", date(2024, 5, 1)),
    ("2024年5月1日", "YMD", date(2024, 5, 1)),
    ("20240501", "YMD", date(2024, 5, 1)),
    ("113/05/01", "YMD", date(2024, 5, 1)),
    ("113-5-1", "DMY", date(2024, 5, 1)),
    ("113.05.01", "YMD", date(2024, 5, 1)),
    ("1130501", "YMD", date(2024, 5, 1)),
    ("民國113年5月1日", "YMD", date(2024, 5, 1)),
    ("113年5月1日", "YMD", date(2024, 5, 1)),
    ("民國99年1月2日", "YMD", date(2010, 1, 2)),
    ("99/01/02", "YMD", date(2010, 1, 2)),
    ("01/05/2024", "DMY", date(2024, 5, 1)),
    ("01/05/2024", "MDY", date(2024, 1, 5)),
    ("25/12/2024", "YMD", date(2024, 12, 25)),
    ("12/25/2024", "YMD", date(2024, 12, 25)),
    ("45413", "YMD", date(2024, 5, 1)),
    ("45413.0", "YMD", date(2024, 5, 1)),
    ("2024-05-01 00:00:00", "YMD", date(2024, 5, 1)),
    ("1 May 2024", "DMY", date(2024, 5, 1)),
    ("May 1, 2024", "MDY", date(2024, 5, 1)),
    ("２０２４－０５－０１", "YMD", date(2024, 5, 1)),
])
def test_dates(text, order, expected):
    assert f.parse_date(text, order) == expected


@pytest.mark.parametrize(("text", "order"), [
    ("113/13/45", "YMD"), ("31/02/2026", "DMY"), ("2026-02-30", "YMD"), ("", "YMD"),
    ("tomorrow", "YMD"), ("03/04/2026", "YMD"), ("1/2/3", "YMD"), ("99999999", "YMD"),
    ("0", "YMD"), ("Foo 1, 2024", "MDY"),
])
def test_rejected_dates(text, order):
    with pytest.raises(FieldError):
        f.parse_date(text, order)


def test_ambiguous_date_says_how_to_fix_it():
    with pytest.raises(FieldError, match="date_order"):
        f.parse_date("03/04/2026", "YMD")


@pytest.mark.parametrize(("text", "expected"), [
    ("45", 45), ("0", 0), ("45.0", 45), ("45天", 45), ("４５", 45), (" 7 ", 7),
])
def test_days_past_due(text, expected):
    assert f.parse_days_past_due(text) == expected


@pytest.mark.parametrize("text", ["-3", "4.5", "abc", "", "1e3"])
def test_rejected_days_past_due(text):
    with pytest.raises(FieldError):
        f.parse_days_past_due(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("08:30", time(8, 30)), ("8:30", time(8, 30)), ("8:30am", time(8, 30)),
    ("8:30 AM", time(8, 30)), ("1:30 pm", time(13, 30)), ("12:15am", time(0, 15)),
    ("0830", time(8, 30)), ("830", time(8, 30)), ("08:30:00", time(8, 30)),
    ("8點30分", time(8, 30)), ("上午8:30", time(8, 30)), ("下午1:30", time(13, 30)),
    ("13:30", time(13, 30)), ("9", time(9, 0)), ("０８：３０", time(8, 30)),
])
def test_work_start(text, expected):
    assert f.parse_work_start(text) == expected


@pytest.mark.parametrize("text", ["25:00", "8:61", "13:00pm", "2400", "noon", "", "8:3:0"])
def test_rejected_work_start(text):
    with pytest.raises(FieldError):
        f.parse_work_start(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("5", (5,)), ("5,20", (5, 20)), ("20, 5", (5, 20)), ("5、20", (5, 20)), ("5/20", (5, 20)),
    ("5 20", (5, 20)), ("5日,20日", (5, 20)), ("每月5日", (5,)), ("last", (LAST_DAY,)),
    ("End", (LAST_DAY,)), ("月底", (LAST_DAY,)), ("15,last", (15, LAST_DAY)),
    ("5,5", (5,)), ("31", (31,)),
])
def test_paydays(text, expected):
    assert f.parse_paydays(text) == expected


@pytest.mark.parametrize("text", ["0", "32", "", "monday", "5,x", "-1"])
def test_rejected_paydays(text):
    with pytest.raises(FieldError):
        f.parse_paydays(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("Asia/Taipei", "Asia/Taipei"), ("asia/taipei", "Asia/Taipei"), ("UTC", "UTC"),
    (" America/New_York ", "America/New_York"),
])
def test_timezones(text, expected):
    assert f.parse_timezone(text) == expected


@pytest.mark.parametrize("text", ["Mars/Base", "Taipei", "+08:00", "", "../../etc/passwd"])
def test_rejected_timezones(text):
    with pytest.raises(FieldError):
        f.parse_timezone(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("low", "low"), ("L", "low"), ("1", "low"), ("低", "low"), ("Medium", "medium"),
    ("mid", "medium"), ("中", "medium"), ("HIGH", "high"), ("3", "high"), ("高", "high"),
    ("ｈｉｇｈ", "high"),
])
def test_risk(text, expected):
    assert f.parse_risk(text) == expected


def test_rejected_risk_lists_the_choices():
    with pytest.raises(FieldError, match="low, medium or high"):
        f.parse_risk("extreme")


@pytest.mark.parametrize(("text", "region", "expected"), [
    ("0912-345-678", "TW", [("+886912345678", True, None)]),
    ("0912 345 678", "TW", [("+886912345678", True, None)]),
    ("+886912345678", "US", [("+886912345678", True, None)]),
    ("(02) 2345-6789 分機 123", "TW", [("+886223456789", True, "123")]),
    ("02-2345-6789轉45", "TW", [("+886223456789", True, "45")]),
    ("02-2345-6789 ext. 7", "TW", [("+886223456789", True, "7")]),
    ("+1 212-736-5000", "TW", [("+12127365000", True, None)]),
    ("(212) 736-5000 x12", "US", [("+12127365000", True, "12")]),
    ("020 7946 0958", "GB", [("+442079460958", True, None)]),
    ("0912-345-678 / (02) 2345-6789", "TW",
     [("+886912345678", True, None), ("+886223456789", True, None)]),
    ("0912345678; +886 912 345 678", "TW", [("+886912345678", True, None)]),
    ("12345", "TW", [("12345", False, None)]),
    ("０９１２３４５６７８", "TW", [("+886912345678", True, None)]),
    ("", "TW", []),
    ("n/a", "TW", []),
])
def test_phones(text, region, expected):
    got = [(p.number, p.valid, p.extension) for p in f.parse_phones(text, region, "mobile")]
    assert got == expected


def test_phones_keep_their_label():
    assert {p.label for p in f.parse_phones("0912345678/0223456789", "TW", "work")} == {"work"}


# -- properties -----------------------------------------------------------------------------

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999999999.99"),
                      places=2, allow_nan=False, allow_infinity=False)


@given(amounts)
def test_amount_round_trips_in_every_common_spelling(amount):
    plain = f"{amount:.2f}"
    grouped = f"{amount:,.2f}"
    european = grouped.replace(",", "_").replace(".", ",").replace("_", ".")
    for text in (plain, grouped, "NT$" + grouped, european + " €", grouped + "元"):
        assert f.parse_amount(text)[0] == amount, text


@given(st.dates(min_value=date(1921, 1, 1), max_value=date(2100, 12, 31)))
def test_date_round_trips_in_every_common_spelling(day):
    roc = day.year - 1911
    spellings = {
        day.isoformat(): "YMD",
        day.strftime("%Y/%m/%d"): "YMD",
        f"{roc}/{day.month:02d}/{day.day:02d}": "YMD",
        f"民國{roc}年{day.month}月{day.day}日": "YMD",
        day.strftime("%d/%m/%Y"): "DMY",
        day.strftime("%m/%d/%Y"): "MDY",
    }
    if roc >= 100:
        spellings[f"{roc}{day.month:02d}{day.day:02d}"] = "YMD"
    for text, order in spellings.items():
        assert f.parse_date(text, order) == day, text
    serial = (day - date(1899, 12, 30)).days
    assert f.parse_date(str(serial)) == day
    assert f.parse_date(str(serial)) == date(1899, 12, 30) + timedelta(days=serial)


PARSERS = [f.parse_amount, f.parse_date, f.parse_work_start, f.parse_paydays, f.parse_risk,
           f.parse_days_past_due, f.parse_timezone]


@given(st.text(max_size=40))
def test_parsers_raise_only_field_errors(text):
    for parser in PARSERS:
        with contextlib.suppress(FieldError):
            parser(text)


@given(st.text(max_size=60), st.sampled_from(["TW", "US", "GB", "AU"]))
def test_phone_parsing_never_fails(text, region):
    for phone in f.parse_phones(text, region, "phone"):
        assert phone.number
        assert not phone.valid or phone.number.startswith("+")
