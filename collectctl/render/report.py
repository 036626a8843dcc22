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


def progress_json(p) -> str:
    def number(name, value):
        if value is None:
            return None
        if name in AMOUNT_METRICS:
            return f"{value:.2f}"
        return float(value) if name in RATE_METRICS else int(value)

    data = {
        "period": p.period, "from": p.first.isoformat(), "to": p.last.isoformat(),
        "collector": p.collector,
        "metrics": [{"name": m.name, "actual": number(m.name, m.actual),
                     "target": number(m.name, m.target),
                     "percent": float(m.percent) if m.percent is not None else None,
                     "pace": number(m.name, m.pace)} for m in p.metrics],
        "plan_remaining": p.plan_remaining,
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def progress_text(p, console) -> None:
    """A bar per metric on a terminal (rich); the same lines as plain text in a pipe."""
    from rich.progress_bar import ProgressBar
    from rich.table import Table

    who = p.collector or _("team")
    console.print(_("{who}: {period} {first} – {last}").format(
        who=who, period=p.period, first=p.first.isoformat(), last=p.last.isoformat()),
        style="bold", markup=False)
    table = Table(box=None, pad_edge=False, show_header=False)
    for _i in range(5):
        table.add_column()
    for m in p.metrics:
        if m.target is None:
            table.add_row(m.name, cell(m.name, m.actual), "", "", _("no target"))
            continue
        done = min(float(m.percent or 0), 1.0)
        bar = ProgressBar(total=100, completed=done * 100, width=20)
        state = _("ahead") if m.ahead else _("behind")
        table.add_row(m.name, f"{cell(m.name, m.actual)} / {cell(m.name, m.target)}",
                      bar if console.is_terminal else f"{float(m.percent or 0) * 100:.0f}%",
                      _("pace {pace}").format(pace=cell(m.name, m.pace)), state)
    console.print(table)
    if p.plan_remaining is not None:
        console.print(_("{n} calls left in today's plan").format(n=p.plan_remaining),
                      markup=False)
