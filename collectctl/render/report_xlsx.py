"""The report as an Excel workbook (``report --format xlsx``), for the head of department.

The workbook is the report's JSON document laid out in sheets, so the two never disagree
and a section added to the report (the portfolio, the lists) gets its sheet without a
line here: the document's top-level figures make the first sheet, one row a figure; each
list of records (``collectors``, ``portfolio.buckets``…) a sheet of its own, one row a
record, one column a field. Cells are typed: counts and amounts are numbers, an amount in
its currency's format (``"NT$"#,##0``, ``"US$"#,##0.00``), a money object
(``{"TWD": "20000.00", "AUD": "100.00"}``) one column per currency, never a sum; rates
are percentages (an unknown rate an empty cell, not 0); ISO dates are dates. Headings are
in the interface language; the sheet names too (Excel allows 31 characters, no ``[]:*?/\\``).

XlsxWriter writes it (imported here only, when a workbook is asked for), in memory: the
caller writes the bytes to the ``--output`` file atomically.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from collectctl.i18n import N_, _
from collectctl.render import display

#: Headings of the report's own fields that are not metrics (those have display.metric).
FIELD_LABELS = {"name": N_("collector"), "schema": N_("schema"), "from": N_("from"),
                "to": N_("to"), "violations": N_("violations"), "team": N_("team"),
                "collectors": N_("collectors"), "portfolio": N_("portfolio"),
                "buckets": N_("buckets"), "risk": N_("risk"), "roll_rates": N_("roll rates"),
                "lists": N_("lists"), "promises_due_today": N_("promises due today"),
                "promises_broken": N_("promises broken"), "complaints": N_("complaints"),
                "bucket": N_("bucket"), "accounts": N_("accounts"), "balance": N_("balance"),
                "as_of": N_("as of"), "today": N_("today"), "period": N_("period"),
                "previous": N_("previous period"), "targets": N_("targets"),
                "target": N_("target"), "actual": N_("actual"), "attained": N_("attained"),
                "metric": N_("metric"), "currency": N_("currency")}

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CURRENCY = re.compile(r"[A-Z]{3}")
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def is_money(value: Any) -> bool:
    """A money object: currency codes to decimal strings (``{}`` is one with nothing)."""
    return isinstance(value, dict) and all(
        isinstance(k, str) and _CURRENCY.fullmatch(k) and isinstance(v, str)
        for k, v in value.items())


def heading(key: str) -> str:
    """A field's heading: a metric's words where it is one, a field's of
    :data:`FIELD_LABELS`, else the key as it is (a section a newer report adds)."""
    word = display.metric(key)
    if word != key:
        return word
    return display.label(FIELD_LABELS, key)


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _BAD_SHEET.sub(" ", name)[:31] or "sheet"
    shown, n = base, 2
    while shown.lower() in taken:
        suffix = f" {n}"
        shown, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(shown.lower())
    return shown


def sections(doc: dict, prefix: str = "") -> tuple[list[tuple[str, Any]], list[tuple[str, list]]]:
    """The document's figures (``(key, value)``, nested objects' keys joined with a
    dot) and its lists of records (``(path, records)``)."""
    figures: list[tuple[str, Any]] = []
    tables: list[tuple[str, list]] = []
    for key, value in doc.items():
        path = f"{prefix}{key}"
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            tables.append((path, value))
        elif isinstance(value, dict) and not is_money(value):
            more_figures, more_tables = sections(value, path + ".")
            figures += more_figures
            tables += more_tables
        elif not isinstance(value, list):
            figures.append((path, value))
    return figures, tables


#: The formats that do not depend on a currency.
_PLAIN: dict[str, dict[str, Any]] = {
    "count": {"num_format": "#,##0"}, "decimal": {"num_format": "#,##0.00"},
    "rate": {"num_format": "0.00%"},
    "head": {"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"},
    "title": {"bold": True, "font_size": 14},
}


class _Formats:
    """XlsxWriter cell formats, made once a workbook, by kind and currency."""

    def __init__(self, book) -> None:
        self.book = book
        self.made: dict[str, Any] = {}
        self.day = "yyyy/mm/dd" if display.html_lang().startswith("zh") else "yyyy-mm-dd"

    def get(self, kind: str, currency: str | None = None):
        key = f"{kind}:{currency}"
        if key not in self.made:
            if kind == "money":
                number = "#,##0" if display.whole_currency(currency or "") else "#,##0.00"
                symbol = display.currency_symbol(currency or "")
                pattern = (f'"{symbol}"{number};-"{symbol}"{number}' if symbol
                           else f'{number} "{currency}";-{number} "{currency}"')
                spec: dict[str, Any] = {"num_format": pattern}
            else:
                spec = ({"num_format": self.day} if kind == "date" else _PLAIN[kind])
            self.made[key] = self.book.add_format(spec)
        return self.made[key]


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _write(sheet, row: int, col: int, key: str, value: Any, formats: _Formats,
           currency: str | None = None) -> None:
    """One cell, typed by its value (and its field: a ``…rate`` is a percentage)."""
    if value is None:
        sheet.write_blank(row, col, None)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, int):
        sheet.write_number(row, col, value, formats.get("count"))
    elif isinstance(value, float):
        kind = "rate" if key.endswith("rate") or key.endswith("attained") else "decimal"
        sheet.write_number(row, col, value, formats.get(kind))
    elif isinstance(value, str) and currency is not None and _decimal(value) is not None:
        sheet.write_number(row, col, float(Decimal(value)), formats.get("money", currency))
    elif isinstance(value, str) and _DATE.fullmatch(value):
        sheet.write_datetime(row, col, date.fromisoformat(value), formats.get("date"))
    elif isinstance(value, str) and re.fullmatch(r"-?\d+\.\d+", value):
        sheet.write_number(row, col, float(Decimal(value)), formats.get("decimal"))
    else:
        # Text as text: write_string never reads a leading = as a formula.
        sheet.write_string(row, col, str(value) if not isinstance(value, str) else value)


def _columns(records: list[dict]) -> list[tuple[str, str | None]]:
    """A table's columns: each field, a money field once per currency any record has."""
    columns: list[tuple[str, str | None]] = []
    for record in records:
        for key, value in record.items():
            if is_money(value):
                for currency in value:
                    if (key, currency) not in columns:
                        columns.append((key, currency))
            elif isinstance(value, dict | list):
                continue  # a nested record: its own list is a sheet where it is one
            elif (key, None) not in columns:
                columns.append((key, None))
    money_keys = {k for k, c in columns if c is not None}
    # A money field's currencies together, in the order of their codes.
    ordered: list[tuple[str, str | None]] = []
    for key, currency in columns:
        if key in money_keys:
            if not any(k == key for k, _c in ordered):
                ordered += sorted(((k, c) for k, c in columns if k == key),
                                  key=lambda kc: kc[1] or "")
        else:
            ordered.append((key, currency))
    return ordered


def workbook(doc: dict, title: str) -> bytes:
    """The workbook of a report's JSON document ``doc`` (:mod:`collectctl.render.report`),
    its first sheet headed ``title``."""
    import xlsxwriter  # type: ignore[import-untyped]  # it ships no type information

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False,
                                        "strings_to_urls": False})
    formats = _Formats(book)
    taken: set[str] = set()
    figures, tables = sections(doc)
    summary = book.add_worksheet(_sheet_name(_("summary"), taken))
    summary.write_string(0, 0, title, formats.get("title"))
    summary.write_string(2, 0, _("figure"), formats.get("head"))
    summary.write_string(2, 1, _("currency"), formats.get("head"))
    summary.write_string(2, 2, _("value"), formats.get("head"))
    row = 3
    for key, value in figures:
        label = ".".join(heading(part) for part in key.split("."))
        if is_money(value):
            for currency, amount in (value.items() or [("", None)]):
                summary.write_string(row, 0, label)
                summary.write_string(row, 1, currency)
                _write(summary, row, 2, key, amount, formats, currency or None)
                row += 1
            continue
        summary.write_string(row, 0, label)
        _write(summary, row, 2, key, value, formats)
        row += 1
    summary.set_column(0, 0, 28)
    summary.set_column(1, 1, 10)
    summary.set_column(2, 2, 18)
    for path, records in tables:
        sheet = book.add_worksheet(_sheet_name(
            " ".join(heading(part) for part in path.split(".")), taken))
        columns = _columns(records)
        for col, (key, currency) in enumerate(columns):
            text = heading(key) + (f" ({currency})" if currency else "")
            sheet.write_string(0, col, text, formats.get("head"))
        for r, record in enumerate(records, start=1):
            for col, (key, currency) in enumerate(columns):
                value = record.get(key)
                if currency is not None:
                    value = value.get(currency) if isinstance(value, dict) else None
                _write(sheet, r, col, key, value, formats, currency)
        sheet.freeze_panes(1, 0)
        sheet.autofit()
    book.close()
    return buffer.getvalue()


def report_xlsx(report) -> bytes:
    """The report (:class:`collectctl.app.reports.Report`) as a workbook."""
    from collectctl.render.report import _title, report_json

    doc = json.loads(report_json(report))
    doc["targets"] = _attainment_records(doc)
    return workbook(doc, _title(report))


def _attainment_records(doc: dict) -> list[dict]:
    """The collectors' and the team's ``targets`` as one sheet's records: collector,
    metric (in words), currency, target, actual, attained (a money figure its amount in
    the currency column)."""

    def one(figure):
        if isinstance(figure, dict):
            return next(iter(figure.values()), None)
        return figure

    records = []
    for who, record in [*((c["name"], c) for c in doc.get("collectors", [])),
                        (_("team"), doc.get("team", {}))]:
        for metric, t in record.get("targets", {}).items():
            currency = next(iter(t["target"]), None) if isinstance(t["target"], dict) else None
            records.append({"name": who, "metric": display.metric(metric),
                            "currency": currency, "target": one(t["target"]),
                            "actual": one(t["actual"]), "attained": t["attained"]})
    return records
