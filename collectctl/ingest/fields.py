"""Parsers for the cells of messy exports: amounts, dates, phones, times, paydays, zones, risk.

Pure functions of their text (and the settings passed in). Each raises
:class:`FieldError` with a one-line, user-facing reason naming the value.
Money is ``Decimal`` with two places; never float.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from collectctl.core.models import LAST_DAY, Phone
from collectctl.i18n import _


class FieldError(ValueError):
    """A cell that cannot be read; ``str(error)`` names the value and the problem."""


def normalize_text(text: str) -> str:
    """NFKC (full-width → half-width), trimmed, inner whitespace runs collapsed to one space."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


# -- amounts ------------------------------------------------------------------------------

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal(10) ** 13
#: Currency markers, longest first; None where the symbol is ambiguous ($, 元).
_CURRENCY_MARKS = (
    ("新台幣", "TWD"), ("新臺幣", "TWD"), ("NT$", "TWD"), ("NTD", "TWD"), ("TWD", "TWD"),
    ("US$", "USD"), ("USD", "USD"), ("A$", "AUD"), ("AU$", "AUD"), ("AUD", "AUD"),
    ("HK$", "HKD"), ("HKD", "HKD"), ("GBP", "GBP"), ("EUR", "EUR"), ("CNY", "CNY"),
    ("RMB", "CNY"), ("£", "GBP"), ("€", "EUR"), ("$", None), ("元", None), ("圓", None),
)
_NUMBER = re.compile(r"\d{1,3}(?:[ ,.]\d{3})*(?:[.,]\d+)?|\d+(?:[.,]\d+)?")


def parse_amount(text: str) -> tuple[Decimal, str | None]:
    """An amount owed or paid → (Decimal with two places, ISO currency or None).

    Thousands separators may be ``,``, ``.`` or spaces; the decimal mark is the last
    of ``.``/``,`` when both appear, and a lone ``,`` followed by 1-2 digits.
    """
    raw = normalize_text(text)
    if not raw:
        raise FieldError(_("empty amount"))
    rest = raw.upper().replace(" ", "")
    currency = None
    found = True
    while found:
        found = False
        for mark, code in _CURRENCY_MARKS:
            if rest.startswith(mark):
                rest, found = rest[len(mark):], True
            elif rest.endswith(mark):
                rest, found = rest[: -len(mark)], True
            if found:
                currency = currency or code
                break
    if rest.startswith(("-", "(")) or rest.endswith(("-", ")")):
        raise FieldError(_("amount {value!r} is negative").format(value=text))
    if rest.startswith("+"):
        rest = rest[1:]
    if not rest or not _NUMBER.fullmatch(rest):
        raise FieldError(_("amount {value!r} is not a number").format(value=text))
    amount = _to_decimal(rest, text)
    if amount >= MAX_AMOUNT:
        raise FieldError(_("amount {value!r} is too large").format(value=text))
    if amount <= 0:
        raise FieldError(_("amount {value!r} must be more than zero").format(value=text))
    return amount, currency


def _to_decimal(digits: str, original: str) -> Decimal:
    if "." in digits and "," in digits:
        decimal_mark = "." if digits.rfind(".") > digits.rfind(",") else ","
    elif digits.count(",") == 1:
        decimal_mark = "," if len(digits.split(",")[1]) in (1, 2) else None
    elif digits.count(".") == 1:
        decimal_mark = "."
    else:
        decimal_mark = None
    if decimal_mark:
        whole, _sep, fraction = digits.rpartition(decimal_mark)
    else:
        whole, fraction = digits, ""
    groups = re.split(r"[ ,.]", whole)
    if len(groups) > 1 and (len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:])):
        raise FieldError(_("amount {value!r} is not a number").format(value=original))
    whole = "".join(groups)
    if len(fraction) > 2:
        raise FieldError(_("amount {value!r} has more than two decimal places").format(
            value=original))
    try:
        return Decimal(f"{whole}.{fraction or '0'}").quantize(CENT)
    except InvalidOperation:
        raise FieldError(_("amount {value!r} is not a number").format(value=original)) from None


# -- dates --------------------------------------------------------------------------------

ROC_OFFSET = 1911
EXCEL_EPOCH = date(1899, 12, 30)
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_CJK_DATE = re.compile(r"(?:民國)?(\d{1,4})年(\d{1,2})月(\d{1,2})日?")
_SEPARATED = re.compile(r"(\d{1,4})[/\-.](\d{1,2})[/\-.](\d{1,4})")


def _make_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise FieldError(_("date {value!r} does not exist").format(value=text)) from None


def parse_date(text: str, order: str = "YMD") -> date:
    """A date as exports write it; ROC (Minguo) years are converted (year + 1911).

    ``order`` (YMD, DMY or MDY) says how to read all-numeric dates with the year last.
    """
    raw = normalize_text(text)
    if not raw:
        raise FieldError(_("empty date"))
    value = _TIME_SUFFIX.sub("", raw)
    if m := _CJK_DATE.fullmatch(value):
        year = int(m[1])
        year = year + ROC_OFFSET if year < 1000 else year
        return _make_date(year, int(m[2]), int(m[3]), text)
    if m := _SEPARATED.fullmatch(value):
        return _separated_date(m[1], m[2], m[3], order, text)
    if value.isdigit():
        return _compact_date(value, text)
    if re.fullmatch(r"\d+\.0+", value):
        return _compact_date(value.split(".")[0], text)
    return _textual_date(value, order, text)


def _separated_date(a: str, b: str, c: str, order: str, text: str) -> date:
    if len(a) >= 2 and len(c) <= 2 and (len(a) >= 3 or order == "YMD"):
        year = int(a)
        year = year + ROC_OFFSET if year < 1000 else year
        return _make_date(year, int(b), int(c), text)
    if len(c) == 4:
        first, second, year = int(a), int(b), int(c)
        if order == "DMY":
            return _make_date(year, second, first, text)
        if order == "MDY":
            return _make_date(year, first, second, text)
        if first > 12 >= second:
            return _make_date(year, second, first, text)
        if second > 12 >= first:
            return _make_date(year, first, second, text)
        if first == second:
            return _make_date(year, first, second, text)
        raise FieldError(
            _("date {value!r} is ambiguous (day or month first?); set import.date_order or "
              "--date-order").format(value=text))
    raise FieldError(_("{value!r} is not a date").format(value=text))


def _compact_date(digits: str, text: str) -> date:
    if len(digits) == 8:
        return _make_date(int(digits[:4]), int(digits[4:6]), int(digits[6:]), text)
    if len(digits) == 7:
        return _make_date(int(digits[:3]) + ROC_OFFSET, int(digits[3:5]), int(digits[5:]), text)
    if len(digits) <= 5 and 0 < int(digits) <= 2958465:
        return EXCEL_EPOCH + timedelta(days=int(digits))
    raise FieldError(_("{value!r} is not a date").format(value=text))


def _textual_date(value: str, order: str, text: str) -> date:
    if not re.search(r"[A-Za-z]", value) or not re.search(r"\d", value):
        raise FieldError(_("{value!r} is not a date").format(value=text))
    from dateutil import parser

    try:
        parsed = parser.parse(value, dayfirst=(order == "DMY"), default=None)
    except (ValueError, OverflowError, TypeError, parser.ParserError):
        raise FieldError(_("{value!r} is not a date").format(value=text)) from None
    return parsed.date()


# -- days past due, work start, paydays ---------------------------------------------------


def parse_days_past_due(text: str) -> int:
    """Days past due: a whole number >= 0 (``45``, ``45.0``, ``45天``)."""
    raw = normalize_text(text).lower().removesuffix("天").removesuffix("days").strip()
    if re.fullmatch(r"\d{1,6}(?:\.0+)?", raw):
        return int(raw.split(".")[0])
    raise FieldError(_("days past due {value!r} is not a whole number of days").format(
        value=text))


_CLOCK = re.compile(
    r"(?P<ampm_pre>上午|下午|早上|晚上)?\s*(?P<h>\d{1,2})(?:[:：點点時](?P<m>\d{1,2})分?"
    r"(?::\d{2})?)?\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)?"
)


def parse_work_start(text: str) -> time:
    """When the debtor starts work: ``08:30``, ``8:30am``, ``0830``, ``上午8:30``, ``8點30分``."""
    raw = normalize_text(text).lower()
    if re.fullmatch(r"\d{3,4}", raw):
        hour, minute = int(raw[:-2]), int(raw[-2:])
        ampm = pre = None
    else:
        m = _CLOCK.fullmatch(raw)
        if not m:
            raise FieldError(_("{value!r} is not a time of day (e.g. 08:30)").format(value=text))
        hour, minute = int(m["h"]), int(m["m"] or 0)
        ampm, pre = m["ampm"], m["ampm_pre"]
    if ampm or pre:
        pm = (ampm or "").startswith("p") or pre in ("下午", "晚上")
        if not 1 <= hour <= 12:
            raise FieldError(_("{value!r} is not a time of day (e.g. 08:30)").format(value=text))
        hour = hour % 12 + (12 if pm else 0)
    if hour > 23 or minute > 59:
        raise FieldError(_("{value!r} is not a time of day (e.g. 08:30)").format(value=text))
    return time(hour, minute)


_LAST_WORDS = ("last", "end", "eom", "月底", "月末")


def parse_paydays(text: str) -> tuple[int, ...]:
    """Days of the month money comes in: ``5``, ``5,20``, ``5、20``, ``last``/``月底``."""
    raw = normalize_text(text).lower().removeprefix("每月")
    parts = [p for p in re.split(r"[,、/;\s]+", raw) if p]
    if not parts:
        raise FieldError(_("empty payday"))
    days = set()
    for part in parts:
        part = part.removesuffix("日").removesuffix("號").removesuffix("号")
        if part in _LAST_WORDS:
            days.add(LAST_DAY)
        elif part.isdigit() and 1 <= int(part) <= 31:
            days.add(int(part))
        else:
            raise FieldError(_("payday {value!r} is not a day of the month (1-31 or last)")
                             .format(value=text))
    return tuple(sorted(d for d in days if d != LAST_DAY)) + ((LAST_DAY,) if LAST_DAY in days
                                                                else ())


# -- time zones, risk ---------------------------------------------------------------------


@lru_cache(maxsize=1)
def _zones_by_folded_name() -> dict[str, str]:
    from zoneinfo import available_timezones

    return {zone.casefold(): zone for zone in available_timezones()}


def parse_timezone(text: str) -> str:
    """An IANA time zone name (``Asia/Taipei``; case is forgiven)."""
    raw = normalize_text(text)
    zone = _zones_by_folded_name().get(raw.casefold())
    if zone is None:
        raise FieldError(_("unknown time zone {value!r} (use IANA names like Asia/Taipei)")
                         .format(value=text))
    return zone


_RISK = {
    "low": "low", "l": "low", "1": "low", "低": "low",
    "medium": "medium", "med": "medium", "mid": "medium", "m": "medium", "2": "medium",
    "中": "medium",
    "high": "high", "h": "high", "3": "high", "高": "high",
}


def parse_risk(text: str) -> str:
    """Risk level → ``low``, ``medium`` or ``high`` (also 1-3 and 低/中/高)."""
    level = _RISK.get(normalize_text(text).lower())
    if level is None:
        raise FieldError(_("risk {value!r} is not low, medium or high (1-3, 低/中/高)").format(
            value=text))
    return level


# -- phones -------------------------------------------------------------------------------

_PHONE_SPLIT = re.compile(r"[;/、|\n]+")
_EXTENSION_WORDS = re.compile(r"\s*(?:分機|轉|ext\.?|x|#)\s*(\d+)\s*$", re.IGNORECASE)


def parse_phones(text: str, region: str, label: str) -> list[Phone]:
    """Every number in a cell, as E.164 when valid; invalid ones kept with ``valid=False``."""
    phones: list[Phone] = []
    seen: set[str] = set()
    for piece in _PHONE_SPLIT.split(unicodedata.normalize("NFKC", text)):
        phone = _parse_phone(piece.strip(), region, label)
        if phone is not None and phone.number not in seen:
            seen.add(phone.number)
            phones.append(phone)
    return phones


def _parse_phone(piece: str, region: str, label: str) -> Phone | None:
    if not any(ch.isdigit() for ch in piece):
        return None
    extension = None
    if m := _EXTENSION_WORDS.search(piece):
        extension, piece = m[1], piece[: m.start()]
    digits = ("+" if piece.lstrip().startswith("+") else "") + "".join(
        ch for ch in piece if ch.isdigit())
    if not digits.strip("+"):
        return None
    import phonenumbers

    try:
        number = phonenumbers.parse(piece, region)
    except phonenumbers.NumberParseException:
        return Phone(number=digits, label=label, valid=False, extension=extension)
    if not phonenumbers.is_valid_number(number):
        return Phone(number=digits, label=label, valid=False, extension=extension)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Phone(number=e164, label=label, valid=True, extension=extension or number.extension)
