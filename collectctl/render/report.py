"""The report in each format: text, markdown, json, csv (html follows)."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from collectctl.core.metrics import AMOUNT_METRICS, METRIC_NAMES, RATE_METRICS, Metrics
from collectctl.i18n import _
from collectctl.render.csvfmt import safe_cell
from collectctl.reports import SCHEMA, Report

#: Columns of the text and markdown tables (the json has every metric).
TABLE_METRICS = ("collected", "recovery_rate", "calls", "contacts", "right_party_contacts",
                 "contact_rate", "rpc_rate", "promises", "promised_amount", "kept_rate",
                 "complaints")


def metric_json(m: Metrics) -> dict:
    out = {}
    for name in METRIC_NAMES:
        value = getattr(m, name)
        if name in AMOUNT_METRICS:
            out[name] = f"{value:.2f}"
        elif name in RATE_METRICS:
            out[name] = float(value)
        else:
            out[name] = int(value)
    return out


def report_json(report: Report) -> str:
    data = {
        "schema": SCHEMA,
        "from": report.first.isoformat(),
        "to": report.last.isoformat(),
        "team": metric_json(report.team),
        "collectors": [{"name": name, **metric_json(m)} for name, m in report.collectors],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def cell(name: str, value) -> str:
    if name in AMOUNT_METRICS:
        return f"{Decimal(value):,.2f}"
    if name in RATE_METRICS:
        return f"{Decimal(value) * 100:.2f}%"
    return str(value)


def _rows(report: Report) -> list[list[str]]:
    rows = [[name, *(cell(k, getattr(m, k)) for k in TABLE_METRICS)]
            for name, m in report.collectors]
    if report.scope is None:
        rows.append([_("team"), *(cell(k, getattr(report.team, k)) for k in TABLE_METRICS)])
    return rows


def _title(report: Report) -> str:
    span = (report.first.isoformat() if report.first == report.last
            else f"{report.first.isoformat()} – {report.last.isoformat()}")
    who = report.scope or _("team")
    return _("Collection report, {span} ({who})").format(span=span, who=who)


def report_text(report: Report) -> str:
    head = [_("collector"), *TABLE_METRICS]
    rows = _rows(report)
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    lines = [_title(report), ""]
    for r in [head, *rows]:
        lines.append("  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip())
    return "\n".join(lines) + "\n"


def _md_escape(text: str) -> str:
    text = text.replace("|", "\\|")
    return safe_cell(text)


def report_markdown(report: Report) -> str:
    head = [_("collector"), *TABLE_METRICS]
    lines = [f"## {_title(report)}", "", "| " + " | ".join(head) + " |",
             "|" + "|".join(["---"] + ["---:"] * len(TABLE_METRICS)) + "|"]
    for r in _rows(report):
        lines.append("| " + " | ".join(_md_escape(str(c)) for c in r) + " |")
    return "\n".join(lines) + "\n"


def report_html(report: Report) -> str:
    """A self-contained page: inline CSS, no scripts (charts follow)."""
    from html import escape

    head = [_("collector"), *TABLE_METRICS]
    rows = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in r) + "</tr>"
                   for r in _rows(report))
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'>"
            f"<title>{escape(_title(report))}</title>"
            "<style>body{font-family:sans-serif}td,th{padding:2px 8px;text-align:right}"
            "td:first-child,th:first-child{text-align:left}</style></head><body>"
            f"<h1>{escape(_title(report))}</h1><table><tr>"
            + "".join(f"<th>{escape(h)}</th>" for h in head) + f"</tr>{rows}</table>"
            "</body></html>\n")


def report_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["collector", *METRIC_NAMES])
    for name, m in report.collectors:
        values = metric_json(m)
        writer.writerow([safe_cell(name), *(safe_cell(values[k]) for k in METRIC_NAMES)])
    return out.getvalue()
