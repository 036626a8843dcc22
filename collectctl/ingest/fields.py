"""Parsers for the cells of messy exports: amounts, dates, phones, times, paydays, zones, risk.

Pure functions of their text (and the settings passed in): no file I/O, no clock.
Each raises :class:`FieldError` with a reason code (worded by ``render.display``).
Money is ``Decimal`` with two places; never float. Only ASCII digits count as digits
once the text is NFKC-normalized (full-width ``８８００`` becomes ``8800``).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache

from collectctl.core import reasons as r
from collectctl.core.models import LAST_DAY, Phone


class FieldError(ValueError):
    """A cell (or a typed value) that cannot be read: a reason code (``core.reasons``) and
    its parameters, never the value itself; ``render.display.problem`` words it."""

    def __init__(self, code: str, **detail) -> None:
        super().__init__(code)
        self.code, self.detail = code, detail


def normalize_text(text: str) -> str:
    """``text`` NFKC-normalized (full-width → half-width), trimmed, whitespace runs → one space."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


# -- amounts ------------------------------------------------------------------------------

CENT = Decimal("0.01")
#: Amounts must be below this (in the currency's major unit): 10**13, i.e. 13 whole digits.
MAX_AMOUNT_DIGITS = 13
#: How many currency markers one cell may carry (``NT$ 12,345 元`` has two).
_MAX_MARKERS = 2

#: Currency markers (matched after NFKC and upper-casing) → ISO code, or None where the
#: marker is ambiguous: ``$`` (USD, TWD, HKD, ...), ``¥`` (JPY/CNY), ``元`` (TWD/CNY).
_CURRENCY_MARKERS: dict[str, str | None] = {
    "新台幣": "TWD", "新臺幣": "TWD", "台幣": "TWD", "臺幣": "TWD",
    "美金": "USD", "美元": "USD", "人民幣": "CNY", "人民币": "CNY", "港幣": "HKD",
    "港币": "HKD", "日圓": "JPY", "日元": "JPY", "日幣": "JPY", "歐元": "EUR", "英鎊": "GBP",
    "NT$": "TWD", "NTD": "TWD", "NT": "TWD", "US$": "USD", "HK$": "HKD", "AU$": "AUD",
    "A$": "AUD", "CA$": "CAD", "C$": "CAD", "S$": "SGD", "NZ$": "NZD", "RMB": "CNY",
    "£": "GBP", "€": "EUR",
    "$": None, "¥": None, "元整": None, "元": None, "圓": None,
    **{code: code for code in (
        "TWD", "USD", "EUR", "GBP", "JPY", "CNY", "HKD", "AUD", "CAD", "SGD", "NZD", "CHF",
        "KRW", "MYR", "THB", "PHP", "VND", "IDR", "INR")},
}
_MARKERS_LONGEST_FIRST = sorted(_CURRENCY_MARKERS, key=len, reverse=True)
_MINUS_SIGNS = ("-", "\u2212")  # hyphen-minus and the minus sign NFKC leaves alone
_NUMBER_SHAPE = re.compile(r"[0-9](?:[0-9 ,.]*[0-9])?")
_WHOLE_GROUPED = re.compile(r"[0-9]{1,3}([ ,.])[0-9]{3}(?:\1[0-9]{3})*")


#: The common shape, read without the general parser: ``12,345.67``, ``8800``, ``99.5``.
_PLAIN_AMOUNT = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{1,2})?")


def parse_amount(text: str) -> tuple[Decimal, str | None]:
    """An amount owed or paid → (amount in major units with two places, ISO code or None).

    The currency is given only when a marker names exactly one (``NT$``, ``US$``, ``€``,
    ``新台幣``, ``USD``); ``$``, ``¥`` and ``元`` are ambiguous and give None. Thousands
    separators may be ``,``, ``.`` or spaces. When both ``.`` and ``,`` appear the last
    is the decimal mark; a lone ``,`` is a thousands separator when followed by exactly
    three digits and a decimal mark when followed by one or two at the end. Zero,
    negative amounts, more than two decimal places and 10**13 or more are refused.
    """
    if _PLAIN_AMOUNT.fullmatch(text):
        plain = text.replace(",", "")
        whole = plain.partition(".")[0].lstrip("0")
        if len(whole) <= MAX_AMOUNT_DIGITS:
            amount = Decimal(plain).quantize(CENT)
            if amount:
                return amount, None
    return _parse_amount_full(text)


def parse_part(text: str) -> tuple[Decimal, str | None]:
    """A part of a debt (principal, interest, fees), a minimum due or a credit limit: an
    amount as :func:`parse_amount` reads one, except that zero is a value (no interest,
    no fees), also as the lone dash a spreadsheet's accounting format shows for it."""
    if normalize_text(text) in _ZERO_DASHES:
        return Decimal("0.00"), None
    return _parse_amount_full(text, allow_zero=True)


#: How a spreadsheet's accounting format writes zero (``-``, an en or em dash).
_ZERO_DASHES = frozenset({"-", "\u2013", "\u2014", "－"})


def _parse_amount_full(text: str, allow_zero: bool = False) -> tuple[Decimal, str | None]:
    raw = normalize_text(text)
    if not raw:
        raise FieldError(r.EMPTY)
    body, currency, negative = _peel_amount(raw.upper(), text)
    whole, fraction = _split_number(body, text)
    whole = whole.lstrip("0") or "0"
    if len(whole) > MAX_AMOUNT_DIGITS:
        raise FieldError(r.TOO_LARGE)
    amount = Decimal(f"{whole}.{fraction or '0'}").quantize(CENT)
    if amount == 0 and not allow_zero:
        raise FieldError(r.NOT_POSITIVE)
    if negative and amount:
        raise FieldError(r.NEGATIVE)
    return amount, currency


def _peel_amount(body: str, original: str) -> tuple[str, str | None, bool]:
    """Strip signs, brackets and currency markers off both ends: (number, currency, negative)."""
    codes: set[str] = set()
    markers = 0
    negative = False
    while True:
        body = body.strip()
        if not body:
            break
        if body[0] == "(" and body[-1] == ")":
            body, negative = body[1:-1], True
        elif body.startswith(_MINUS_SIGNS):
            body, negative = body[1:], True
        elif body.endswith(_MINUS_SIGNS):
            body, negative = body[:-1], True
        elif body[0] == "+":
            body = body[1:]
        else:
            marker = next((m for m in _MARKERS_LONGEST_FIRST
                           if body.startswith(m) or body.endswith(m)), None)
            if marker is None:
                break
            body = body[len(marker):] if body.startswith(marker) else body[: -len(marker)]
            markers += 1
            if (code := _CURRENCY_MARKERS[marker]) is not None:
                codes.add(code)
    if markers > _MAX_MARKERS:
        raise FieldError(r.NOT_A_NUMBER)
    if len(codes) > 1:
        raise FieldError(r.SEVERAL_CURRENCIES, codes=", ".join(sorted(codes)))
    return body, next(iter(codes), None), negative


def _split_number(body: str, original: str) -> tuple[str, str]:
    """The whole and fraction digits of ``1,234.56``, ``1.234,56``, ``1 234,5`` or ``1234``."""
    if not _NUMBER_SHAPE.fullmatch(body):
        raise FieldError(r.NOT_A_NUMBER)
    if "." in body and "," in body:
        mark: str | None = "." if body.rfind(".") > body.rfind(",") else ","
    elif "," in body:
        if all(re.match(r"[0-9]{3}(?![0-9])", body[i + 1:])
               for i, ch in enumerate(body) if ch == ","):
            mark = None
        elif body.count(",") == 1 and re.search(r",[0-9]{1,2}$", body):
            mark = ","
        else:
            raise FieldError(r.NOT_A_NUMBER)
    elif "." in body:
        mark = "." if body.count(".") == 1 else None
    else:
        mark = None
    if mark is None:
        whole, fraction = body, ""
    else:
        whole, _sep, fraction = body.rpartition(mark)
        if not fraction.isascii() or not fraction.isdigit() or not whole:
            raise FieldError(r.NOT_A_NUMBER)
    if not whole.isdigit():
        grouped = _WHOLE_GROUPED.fullmatch(whole)
        if not grouped or grouped[1] == mark:
            raise FieldError(r.NOT_A_NUMBER)
        whole = re.sub(r"[ ,.]", "", whole)
    if len(fraction) > 2:
        raise FieldError(r.TOO_MANY_DECIMALS)
    return whole, fraction


# -- dates --------------------------------------------------------------------------------

DATE_ORDERS = ("YMD", "DMY", "MDY")
#: ROC (Minguo) year 1 is 1912.
ROC_OFFSET = 1911
#: Excel's day 0 (serial numbers count days from here; 45413 is 2024-05-01).
EXCEL_EPOCH = date(1899, 12, 30)
EXCEL_MAX_SERIAL = 2958465  # 9999-12-31
#: A time of day after the date (``2024-05-01 00:00:00``, ``2024/5/1 上午 12:00:00``).
_TIME_PART = re.compile(
    r"(?:[ T](?:(?:上午|下午|AM|PM) ?)?[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
    r"(?: ?(?:AM|PM))?(?: ?(?:Z|UTC|[+-][0-9]{2}:?[0-9]{2}))?)$",
    re.IGNORECASE,
)
#: A weekday after the date (``113年5月1日(三)``, ``2024/05/01 星期三``).
_WEEKDAY_PART = re.compile(r" ?(?:\([一二三四五六日天]\)|(?:星期|週|周|禮拜)[一二三四五六日天])$")
_CJK_DATE = re.compile(
    r"(?:中華)?(民國)? ?([0-9]{1,4}) ?年 ?([0-9]{1,2}) ?月 ?([0-9]{1,2}) ?[日號号]?")
_SEPARATED = re.compile(r"([0-9]{1,4})([/.\-])([0-9]{1,2})\2([0-9]{1,4})")
_COMPACT = re.compile(r"([0-9]+)(?:\.0+)?")
_FOUR_DIGITS = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")


@lru_cache(maxsize=4096)  # lists repeat these values row after row
def parse_date(text: str, order: str = "YMD") -> date:
    """A calendar date as exports write it; ROC (Minguo) years are converted (year + 1911).

    ``order`` (``YMD``, ``DMY`` or ``MDY``) says how to read all-numeric dates whose year
    comes last (``01/05/2024``); with ``YMD`` such a date is read whichever way is the
    only possible one, else refused as ambiguous. A 2-digit first year (``99/01/02``) is
    ROC only with ``YMD``; a 3-digit one (``113/05/01``) always. 8 digits are
    ``YYYYMMDD``, 7 are ROC ``YYYMMDD``, up to 5 are an Excel serial day number.
    A trailing time of day is ignored.
    """
    order = order.upper()
    if order not in DATE_ORDERS:
        raise ValueError(f"date order must be one of {DATE_ORDERS}, not {order!r}")
    value = normalize_text(text)
    if not value:
        raise FieldError(r.EMPTY)
    value = _WEEKDAY_PART.sub("", _TIME_PART.sub("", value))
    if m := _CJK_DATE.fullmatch(value):
        roc, year = bool(m[1]), m[2]
        if roc and len(year) > 3:
            raise _not_a_date(text)
        return _make_date(year, int(m[3]), int(m[4]), text)
    if m := _SEPARATED.fullmatch(value):
        return _separated_date(m[1], m[3], m[4], order, text)
    if m := _COMPACT.fullmatch(value):
        return _compact_date(m[1], text)
    return _textual_date(value, order, text)


def _not_a_date(text: str) -> FieldError:
    return FieldError(r.NOT_A_DATE)


def _make_date(year: str, month: int, day: int, text: str) -> date:
    """The date; a year of 1-3 digits is an ROC year (ROC year 0 does not exist)."""
    number = int(year)
    if len(year) <= 3:
        if number == 0:
            raise _not_a_date(text)
        number += ROC_OFFSET
    elif number < 1000:  # 0113: neither a Gregorian year of ours nor an ROC one
        raise _not_a_date(text)
    try:
        return date(number, month, day)
    except ValueError:
        raise FieldError(r.NO_SUCH_DATE) from None


def _separated_date(a: str, b: str, c: str, order: str, text: str) -> date:
    if len(c) <= 2 and (len(a) >= 3 or (len(a) == 2 and order == "YMD")):
        return _make_date(a, int(b), int(c), text)
    if len(c) != 4 or len(a) > 2:
        raise _not_a_date(text)
    first, second = int(a), int(b)
    if order == "DMY" or (order == "YMD" and first > 12 >= second):
        return _make_date(c, second, first, text)
    if order == "MDY" or (order == "YMD" and second > 12 >= first) or first == second:
        return _make_date(c, first, second, text)
    if first > 12 and second > 12:
        raise FieldError(r.NO_SUCH_DATE)
    raise FieldError(r.AMBIGUOUS_DATE)


def _compact_date(digits: str, text: str) -> date:
    if len(digits) == 8:
        return _make_date(digits[:4], int(digits[4:6]), int(digits[6:]), text)
    if len(digits) == 7:
        return _make_date(digits[:3], int(digits[3:5]), int(digits[5:]), text)
    if len(digits) <= 5 and 0 < int(digits) <= EXCEL_MAX_SERIAL:
        return EXCEL_EPOCH + timedelta(days=int(digits))
    raise _not_a_date(text)


def _textual_date(value: str, order: str, text: str) -> date:
    """``1 May 2024``, ``May 1, 2024``: dateutil, with a 4-digit year, a month and a day."""
    years = _FOUR_DIGITS.findall(value)
    if not re.search(r"[A-Za-z]", value) or not years:
        raise _not_a_date(text)
    from dateutil import parser

    try:
        # Two different defaults: a part missing from the text shows up as a difference.
        one, two = (parser.parse(value, dayfirst=order == "DMY", ignoretz=True, default=d)
                    for d in (datetime(2000, 1, 1), datetime(2001, 2, 2)))
    except (ValueError, OverflowError, TypeError, ArithmeticError):
        raise _not_a_date(text) from None
    if one.date() != two.date() or f"{one.year:04d}" not in years:
        raise _not_a_date(text)
    return one.date()


#: A month and a day as people type them without a year: ``12/10``, ``12-10``, ``12.10``.
_MONTH_DAY = re.compile(r"([0-9]{1,2})([/.\-])([0-9]{1,2})")
#: ``12月10日`` (always month first, as Chinese writes it).
_CJK_MONTH_DAY = re.compile(r"([0-9]{1,2}) ?月 ?([0-9]{1,2}) ?[日號号]?")


def parse_month_day(text: str, order: str = "YMD") -> tuple[int, int]:
    """(month, day) of a date typed without a year: ``12/10``, ``12-10``, ``12月10日``.

    ``order`` says which comes first in ``12/10``: the month with ``YMD`` and ``MDY``, the
    day with ``DMY``; with ``YMD`` a first number above 12 is read as the day (``25/12``),
    as :func:`parse_date` reads a whole date whichever way is the only possible one.
    ``12月10日`` is month first whatever the order. A month and day no year has (``2/30``,
    ``13/01``) is ``no_such_date``; ``2/29`` is a month and day (leap years have it).
    Anything else is ``not_a_date``. Which year is meant is the caller's to say.
    """
    order = order.upper()
    if order not in DATE_ORDERS:
        raise ValueError(f"date order must be one of {DATE_ORDERS}, not {order!r}")
    value = _WEEKDAY_PART.sub("", normalize_text(text))
    if m := _CJK_MONTH_DAY.fullmatch(value):
        month, day = int(m[1]), int(m[2])
    elif m := _MONTH_DAY.fullmatch(value):
        first, second = int(m[1]), int(m[3])
        day_first = order == "DMY" or (order == "YMD" and first > 12 >= second)
        month, day = (second, first) if day_first else (first, second)
    else:
        raise _not_a_date(text)
    try:
        date(2000, month, day)  # a leap year: every month and day there is
    except ValueError:
        raise FieldError(r.NO_SUCH_DATE) from None
    return month, day


# -- days past due, work start, paydays ---------------------------------------------------

#: More days past due than this (100 years) is a mistake in the file, not a debt.
MAX_DAYS_PAST_DUE = 36500
_DAYS = re.compile(r"([0-9]{1,7})(?:\.0+)? ?(?:天|日|days?|d)?")


@lru_cache(maxsize=4096)  # lists repeat these values row after row
def parse_days_past_due(text: str) -> int:
    """Days past due: a whole number of days from 0 to 36500 (``45``, ``45.0``, ``45天``)."""
    m = _DAYS.fullmatch(normalize_text(text).lower())
    if not m:
        raise FieldError(r.NOT_WHOLE_DAYS)
    days = int(m[1])
    if days > MAX_DAYS_PAST_DUE:
        raise FieldError(r.TOO_MANY_DAYS)
    return days


_AFTERNOON = ("下午", "中午", "晚上", "傍晚", "pm", "p.m.", "p.m")
_MERIDIEM = r"上午|早上|凌晨|清晨|下午|中午|晚上|傍晚|a\.m\.?|p\.m\.?|am|pm"
_CLOCK = re.compile(
    rf"(?:(?P<pre>{_MERIDIEM}) ?)?"
    r"(?:(?P<h1>[0-9]{1,2})[:.](?P<m1>[0-9]{2})(?::(?P<s>[0-9]{2})(?:\.[0-9]+)?)?"
    r"|(?P<h2>[0-9]{1,2}) ?[點点時时] ?(?:(?P<m2>[0-9]{1,2}) ?分?|(?P<half>半))?"
    r"|(?P<hm>[0-9]{3,4})"
    r"|(?P<h3>[0-9]{1,2}))"
    rf"(?: ?(?P<post>{_MERIDIEM}))?"
)


@lru_cache(maxsize=4096)  # lists repeat these values row after row
def parse_work_start(text: str) -> time:
    """When the debtor starts work, as a time of day (hour 0-23, minute 0-59).

    ``08:30``, ``8:30``, ``8:30am``, ``8:30 AM``, ``0830``, ``830``, ``08:30:00``,
    ``8點30分``, ``8點半``, ``上午8:30``, ``下午1:30``, ``13:30``, ``9``; seconds are dropped.
    """
    raw = normalize_text(text).lower()
    m = _CLOCK.fullmatch(raw)
    if not m or (m["pre"] and m["post"]) or int(m["s"] or 0) > 59:
        raise FieldError(r.NOT_A_TIME)
    if m["hm"]:
        hour, minute = int(m["hm"][:-2]), int(m["hm"][-2:])
    else:
        hour = int(m["h1"] or m["h2"] or m["h3"])
        minute = 30 if m["half"] else int(m["m1"] or m["m2"] or 0)
    meridiem = m["pre"] or m["post"]
    if meridiem:
        if not 1 <= hour <= 12:
            raise FieldError(r.NOT_A_TIME)
        hour = hour % 12 + (12 if meridiem in _AFTERNOON else 0)
    if hour > 23 or minute > 59:
        raise FieldError(r.NOT_A_TIME)
    return time(hour, minute)


_LAST_WORDS = ("last", "end", "eom", "月底", "月末", "最後一天", "最后一天")
_LAST_PHRASE = re.compile(
    r"last day(?: of (?:the )?month)?|end of (?:the )?month|month[ -]end", re.IGNORECASE)
_PAYDAY_SPLIT = re.compile(r" ?(?:[,、/;&+]|及|和|與|与| and ) ?| ")
_PAYDAY = re.compile(r"([0-9]{1,2}) ?(?:日|號|号|st|nd|rd|th)?")


@lru_cache(maxsize=4096)  # lists repeat these values row after row
def parse_paydays(text: str) -> tuple[int, ...]:
    """Days of the month money comes in, ascending, with :data:`LAST_DAY` (-1) last.

    ``5``, ``5,20``, ``5、20``, ``5/20``, ``5 20``, ``5日,20日``, ``每月5日``,
    ``last``/``end``/``eom``/``月底``, and mixes (``15,last``). Days are 1-31.
    """
    raw = _LAST_PHRASE.sub("last", normalize_text(text).lower())
    parts = [p.removeprefix("每月").strip() for p in _PAYDAY_SPLIT.split(raw)]
    parts = [p for p in parts if p]
    if not parts:
        raise FieldError(r.EMPTY)
    days: set[int] = set()
    for part in parts:
        m = _PAYDAY.fullmatch(part)
        if part in _LAST_WORDS:
            days.add(LAST_DAY)
        elif m and 1 <= int(m[1]) <= 31:
            days.add(int(m[1]))
        else:
            raise FieldError(r.NOT_A_PAYDAY)
    numbered = sorted(d for d in days if d != LAST_DAY)
    return (*numbered, LAST_DAY) if LAST_DAY in days else tuple(numbered)


# -- time zones, risk ---------------------------------------------------------------------


@lru_cache(maxsize=1)
def _zones_by_folded_name() -> dict[str, str]:
    from zoneinfo import available_timezones

    return {zone.casefold(): zone for zone in available_timezones()}


@lru_cache(maxsize=4096)  # lists repeat these values row after row
def parse_timezone(text: str) -> str:
    """An IANA time zone name, spelled as the zone database does (``asia/taipei`` is forgiven)."""
    zone = _zones_by_folded_name().get(normalize_text(text).casefold())
    if zone is None:
        raise FieldError(r.UNKNOWN_TIMEZONE)
    return zone


#: Country names a Chinese list writes instead of a code.
_COUNTRY_NAMES = {"台灣": "TW", "臺灣": "TW", "中華民國": "TW", "美國": "US", "英國": "GB",
                  "愛爾蘭": "IE", "澳洲": "AU", "澳大利亞": "AU", "香港": "HK", "中國": "CN",
                  "中國大陸": "CN", "大陸": "CN", "UK": "GB"}


def parse_country(text: str) -> str:
    """An ISO 3166 country code (``TW``, ``us``), or a few names lists use (``台灣``)."""
    from collectctl.core.zones import country_zones

    value = normalize_text(text)
    code = _COUNTRY_NAMES.get(value.upper(), _COUNTRY_NAMES.get(value, value.upper()))
    if len(code) != 2 or not country_zones(code):
        raise FieldError(r.UNKNOWN_COUNTRY)
    return code


_RISK = {
    "low": "low", "l": "low", "1": "low", "低": "low",
    "medium": "medium", "med": "medium", "mid": "medium", "m": "medium", "2": "medium",
    "中": "medium",
    "high": "high", "h": "high", "3": "high", "高": "high",
}
_RISK_SUFFIX = re.compile(r" ?(?:風險|风险|risk)$")


@lru_cache(maxsize=4096)  # lists repeat these values row after row
def parse_risk(text: str) -> str:
    """Risk level → ``low``, ``medium`` or ``high`` (also l/m/h, 1-3, 低/中/高, ``高風險``)."""
    level = _RISK.get(_RISK_SUFFIX.sub("", normalize_text(text).lower()))
    if level is None:
        raise FieldError(r.NOT_A_RISK)
    return level


# -- phones -------------------------------------------------------------------------------

_PHONE_SPLIT = re.compile(r"[;/、|\n\r]+")
#: An extension at the end: ``分機 123``, ``轉123``, ``ext.123``, ``ext 123``, ``x123``, ``#123``.
_EXTENSION = re.compile(
    r" ?(?:分機|分机|轉|转|extension|ext|x|#)[.:]? ?([0-9]+) ?[)]?$", re.IGNORECASE)
#: The number itself: from the first digit (or a ``+`` or ``(`` just before it) to the last.
_NUMBER_SPAN = re.compile(r"(?:\+ ?|\()?\d(?:.*\d)?")


def parse_phones(text: str, region: str, label: str) -> list[Phone]:
    """Every phone number in a cell, in order, without repeats (same number = repeat).

    Numbers are separated by ``;``, ``/``, ``、``, ``|`` or line breaks. A comma dials
    a pause before an extension (``02-2345-6789,123``), so it separates numbers only when
    the whole is not valid and every part is (``0912345678, 0223456789``). A number valid
    for ``region`` (ISO country, e.g. ``TW``; ignored for ``+`` numbers) becomes E.164;
    others are kept as the digits given with ``valid=False``. Pieces without digits are
    skipped. Extensions (``分機 123``, ``轉123``, ``ext. 123``, ``x123``, ``#123``) are kept apart.
    """
    if not text:  # most lists leave most phone columns empty: no normalizing, no split
        return []
    phones: list[Phone] = []
    seen: set[str] = set()
    for piece in _PHONE_SPLIT.split(unicodedata.normalize("NFKC", text)):
        for phone in _parse_piece(piece.strip(), region.upper(), label):
            if phone.number not in seen:
                seen.add(phone.number)
                phones.append(phone)
    return phones


def _parse_piece(piece: str, region: str, label: str) -> list[Phone]:
    """One piece's number; ``0912345678, 0223456789`` (each valid on its own) gives two."""
    phone = _parse_phone(piece, region, label)
    if phone is None or phone.valid or "," not in piece:
        return [phone] if phone else []
    parts = [_parse_phone(part.strip(), region, label) for part in piece.split(",")]
    if all(part is not None and part.valid for part in parts):
        return [part for part in parts if part is not None]
    return [phone]


#: What a plain national number may contain besides digits: ``0912-345-678``,
#: ``(02) 2345 6789``, ``02.2345.6789``.
_PLAIN_PHONE = re.compile(r"[0-9 ().-]+")
#: Number types a valid number matches one of (the most common first: any one will do).
_TYPE_DESCS = ("mobile", "fixed_line", "toll_free", "premium_rate", "shared_cost", "voip",
               "personal_number", "pager", "uan", "voicemail")
_NOT_DIGITS = re.compile(r"[^0-9]+")


@lru_cache(maxsize=64)
def _fast_rules(region: str):
    """What the fast path needs of ``region``'s metadata, or None where the region's
    national numbers need the full parser (another trunk prefix, a transform rule, a
    country code shared by several regions)."""
    import re as regex

    import phonenumbers

    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if (meta is None or meta.national_prefix != "0" or meta.national_prefix_for_parsing != "0"
            or meta.national_prefix_transform_rule or meta.country_code is None
            or len(phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(meta.country_code, ())) != 1):
        return None

    def desc(d):
        if d is None or not d.national_number_pattern:
            return None
        return frozenset(d.possible_length or ()), regex.compile(d.national_number_pattern)

    types = [t for t in (desc(getattr(meta, name)) for name in _TYPE_DESCS) if t]
    idd = regex.compile(meta.international_prefix) if meta.international_prefix else None
    return meta.country_code, desc(meta.general_desc), types, idd


def _matches(number: str, desc) -> bool:
    lengths, pattern = desc
    return (not lengths or len(number) in lengths) and pattern.fullmatch(number) is not None


def _fast_phone(piece: str, region: str, label: str) -> Phone | None:
    """A plain national number (``0912-345-678``) checked against the region's own
    metadata patterns, exactly as ``phonenumbers.parse`` + ``is_valid_number`` would
    (a property test compares the two) in a few microseconds instead of ~70; None when the
    number needs the full parser."""
    if not _PLAIN_PHONE.fullmatch(piece):
        return None
    rules = _fast_rules(region)
    if rules is None:
        return None
    country, general, types, idd = rules
    digits = _NOT_DIGITS.sub("", piece)
    if not digits.startswith("0") or (idd is not None and idd.match(digits)):
        return None
    national = digits[1:]
    if len(national) < 2 or len(national) > 17 or national[0] == "0" or general is None:
        return None
    if general[1].fullmatch(digits) and not general[1].fullmatch(national):
        return None  # phonenumbers keeps the trunk 0 here: leave it to it
    if _matches(national, general) and any(_matches(national, t) for t in types):
        return Phone(number=f"+{country}{national}", label=label, valid=True)
    return Phone(number=digits, label=label, valid=False)


def _parse_phone(piece: str, region: str, label: str) -> Phone | None:
    fast = _fast_phone(piece, region, label)
    if fast is not None:
        return fast
    return _full_phone(piece, region, label)


def _full_phone(piece: str, region: str, label: str) -> Phone | None:
    extension = None
    if m := _EXTENSION.search(piece):
        extension, piece = m[1], piece[: m.start()]
    span = _NUMBER_SPAN.search(piece)
    if span is None:
        return None
    number_text = span[0]
    digits = "".join(str(unicodedata.decimal(ch)) for ch in number_text if ch.isdecimal())
    if not digits:
        return None
    given = ("+" if number_text.startswith("+") else "") + digits
    import phonenumbers

    try:
        number = phonenumbers.parse(number_text, region)
    except phonenumbers.NumberParseException:
        return Phone(number=given, label=label, valid=False, extension=extension)
    if not phonenumbers.is_valid_number(number):
        return Phone(number=given, label=label, valid=False, extension=extension)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Phone(number=e164, label=label, valid=True,
                 extension=extension or number.extension or None)
