"""Dates, amounts and code labels as a person reads them, in the interface language.

English keeps the ISO forms the tool always printed (``Fri 2026-12-04``, ``12,345.00
TWD``). Traditional Chinese writes ``2026/12/04 (五)``, or with Republic of China years
(``roc_years: true`` in the config) ``115/12/04 (五)``, and amounts with the currency's
symbol and grouping: ``NT$12,345``. A handful of currencies and one calendar rule are
all it takes, so this is a table here rather than a locale-data dependency (Babel's
zh_TW data writes TWD as ``$`` and has no ROC calendar).

Codes scripts rely on (outcome codes, window names, metric keys) stay English in JSON
and CSV; these functions give their labels for tables and messages.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from collectctl.i18n import N_, _, current_language

#: Republic of China (Minguo) years: 1912 is year 1.
ROC_OFFSET = 1911
_roc_years = False

_WEEKDAYS_ZH = "一二三四五六日"
#: Symbols as Taiwanese banks write them; other currencies keep their ISO code.
_SYMBOLS = {"TWD": "NT$", "USD": "US$", "HKD": "HK$", "AUD": "A$", "CAD": "C$",
            "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "CN¥", "SGD": "S$", "KRW": "₩"}
#: Currencies written without cents when the amount is whole.
_WHOLE = {"TWD", "JPY", "KRW"}

WINDOW_LABELS = {"golden": N_("golden"), "normal": N_("normal"), "lunch": N_("lunch"),
                 "closed": N_("closed hours")}
PHONE_LABELS = {"mobile": N_("mobile"), "home": N_("home"), "work": N_("work"),
                "phone": N_("phone"), "relative": N_("relative"), "other": N_("other")}
METRIC_LABELS = {
    "calls": N_("calls"), "contacts": N_("contacts"),
    "right_party_contacts": N_("right-party contacts"), "promises": N_("promises"),
    "promised_amount": N_("promised"), "promises_kept": N_("kept"),
    "promises_broken": N_("broken"), "kept_rate": N_("kept rate"),
    "collected": N_("collected"), "recovery_rate": N_("recovery rate"),
    "complaints": N_("complaints"), "contact_rate": N_("contact rate"),
    "rpc_rate": N_("RPC rate"),
}
PERIOD_LABELS = {"day": N_("day"), "week": N_("week"), "month": N_("month")}
STATUS_LABELS = {"open": N_("open"), "closed": N_("closed"), "kept": N_("kept"),
                 "broken": N_("broken"), "pending": N_("pending")}


def set_roc_years(on: bool) -> None:
    """Write years as Republic of China years in Traditional Chinese (``roc_years:``)."""
    global _roc_years
    _roc_years = bool(on)


def _chinese() -> bool:
    return current_language() == "zh_TW"


def _ymd(d: date) -> str:
    if _roc_years:
        year = d.year - ROC_OFFSET
        shown = f"{year:03d}" if year > 0 else "民前" + str(1 - year)
        return f"{shown}/{d.month:02d}/{d.day:02d}"
    return f"{d.year}/{d.month:02d}/{d.day:02d}"


def plain_day(d: date) -> str:
    """A date alone: ``2026-12-04`` / ``2026/12/04`` / ``115/12/04``."""
    return _ymd(d) if _chinese() else d.isoformat()


def weekday(d: date) -> str:
    """``Fri`` / ``五``."""
    return _WEEKDAYS_ZH[d.weekday()] if _chinese() else d.strftime("%a")


def day(d: date) -> str:
    """A date with its weekday: ``Fri 2026-12-04`` / ``2026/12/04 (五)``."""
    if _chinese():
        return f"{_ymd(d)} ({weekday(d)})"
    return d.strftime("%a %Y-%m-%d")


def day_time(moment: datetime) -> str:
    """``Fri 2026-12-04 14:30`` / ``2026/12/04 (五) 14:30``."""
    return f"{day(moment.date())} {moment.strftime('%H:%M')}"


def money(amount, currency: str | None = None) -> str:
    """``12,345.00 TWD`` / ``NT$12,345``; with no currency, the grouped number."""
    value = Decimal(amount)
    if not _chinese():
        text = f"{value:,.2f}"
        return f"{text} {currency}" if currency else text
    whole = currency in _WHOLE and value == value.to_integral_value()
    text = f"{value:,.0f}" if whole else f"{value:,.2f}"
    if currency is None:
        return text
    symbol = _SYMBOLS.get(currency)
    if symbol is None:
        return f"{text} {currency}"
    return ("-" + symbol + text[1:]) if text.startswith("-") else symbol + text


def label(table: dict[str, str], code: str | None) -> str:
    """The translated label of a code from one of the tables above (the code itself
    when the table lacks it: a user's own outcome code, say)."""
    if code is None:
        return ""
    word = table.get(code)
    return _(word) if word else code


def window(code: str) -> str:
    return label(WINDOW_LABELS, code)


def metric(name: str) -> str:
    return label(METRIC_LABELS, name)


def period(code: str) -> str:
    """A target's period: ``day``, ``week``, ``month``."""
    return label(PERIOD_LABELS, code)


def html_lang() -> str:
    """The ``lang`` attribute of an html page in the interface language."""
    return "zh-Hant-TW" if _chinese() else "en"


def phone_label(text: str) -> str:
    """``mobile`` → ``手機``; ``relative: 王大明`` keeps the name."""
    kind, sep, rest = text.partition(":")
    return label(PHONE_LABELS, kind) + sep + rest


def outcome(o) -> str:
    """An outcome's label (a config's own label passes through untranslated)."""
    return _(o.label) if o.label else o.code


def status(code: str) -> str:
    """An account's or a promise's status (``open``, ``kept``...)."""
    return label(STATUS_LABELS, code)
