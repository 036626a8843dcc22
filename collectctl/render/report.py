"""The report in each format: text, markdown, json, csv (html follows)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from decimal import Decimal

from collectctl.app.reports import SCHEMA, Report
from collectctl.core.metrics import AMOUNT_METRICS, METRIC_NAMES, RATE_METRICS, Metrics
from collectctl.i18n import _
from collectctl.render import display
from collectctl.render.csvfmt import safe_cell
from collectctl.render.safe import json_text, markdown_text, number_cell, terminal_text
from collectctl.render.width import columns, pad, table_lines

#: Columns of the text and markdown tables (the json has every metric).
TABLE_METRICS = ("collected", "recovery_rate", "calls", "contacts", "right_party_contacts",
                 "contact_rate", "rpc_rate", "promises", "promised_amount", "kept_rate",
                 "complaints")


def _rate_json(value) -> float | None:
    return None if value is None else float(value)


def metric_json(m: Metrics) -> dict:
    """A collector's or the team's metrics in JSON: money as an object keyed by currency
    code (``{"TWD": "20000.00", "AUD": "100.00"}``, ``{}`` for none), a rate as a number or
    null (no denominator), the recovery rate one per currency."""
    out: dict = {}
    for name in METRIC_NAMES:
        value = getattr(m, name)
        if name in AMOUNT_METRICS:
            out[name] = value.json()
        elif name == "recovery_rate":
            out[name] = {c: _rate_json(r) for c, r in value.items()}
        elif name in RATE_METRICS:
            out[name] = _rate_json(value)
        else:
            out[name] = int(value)
    return out


def converted_json(converted) -> dict | None:
    """``{"currency", "as_of", "amount", "missing"}``, or None without ``fx:``."""
    if converted is None:
        return None
    return {"currency": converted.currency, "as_of": converted.as_of.isoformat(),
            "amount": f"{converted.amount:.2f}", "missing": list(converted.missing)}


def report_json(report: Report) -> str:
    data = {
        "schema": SCHEMA,
        "from": report.first.isoformat(),
        "to": report.last.isoformat(),
        "team": {**metric_json(report.team), "violations": report.violations_of(None)},
        "collectors": [{"name": name, **metric_json(m),
                        "violations": report.violations_of(name)}
                       for name, m in report.collectors],
        "converted": converted_json(report.converted),
    }
    return json_text(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


#: A rate without a denominator, in text, markdown and html.
NO_RATE = "—"


def rate_text(value) -> str:
    """``12.50%``; ``—`` for a rate without a denominator."""
    return NO_RATE if value is None else f"{Decimal(value) * 100:.2f}%"


def amounts_text(amounts) -> str:
    """Money in each of its currencies, with their symbols (``display.money_totals``);
    ``0`` when there is none at all."""
    if not amounts:
        return "0"
    return display.money_totals(amounts)


def rates_text(rates) -> str:
    """A rate per currency: ``TWD 5.00%, AUD —``; ``—`` with no currency at all."""
    if not rates:
        return NO_RATE
    return _(", ").join(f"{c} {rate_text(r)}" for c, r in sorted(rates.items()))


def cell(name: str, value, currency: str | None = None) -> str:
    """A metric's value as the tables show it: money with its currencies (``currency``
    for one amount), a rate as a percentage or ``—``, a count as it is."""
    if name in AMOUNT_METRICS:
        if isinstance(value, Mapping):
            return amounts_text(value)
        return display.money(Decimal(value), currency)
    if name == "recovery_rate" and isinstance(value, Mapping):
        return rates_text(value)
    if name in RATE_METRICS:
        return rate_text(value)
    return str(value)


def threshold_text(name: str, m: Metrics, goal) -> str:
    """``collected 3,000.00 TWD < 5,000.00 TWD`` (``--fail-under``'s message)."""
    from collectctl.core.metrics import PER_CURRENCY

    actual = m.value(name, goal.currency) if name in PER_CURRENCY else m.value(name)
    if name == "recovery_rate":
        return f"{name} {goal.currency} {rate_text(actual)} < {rate_text(goal.value)}"
    return f"{name} {cell(name, actual, goal.currency)} < {cell(name, goal.value, goal.currency)}"


def converted_text(report: Report) -> str | None:
    """``collected ≈ NT$1,234,567 at rates of 2026-11-30 (no rate for GBP)``; None
    without ``fx:``."""
    c = report.converted
    if c is None:
        return None
    line = _("{metric} ≈ {amount} at rates of {day}").format(
        metric=display.metric("collected"), amount=display.money(c.amount, c.currency),
        day=display.plain_day(c.as_of))
    if c.missing:
        line += " " + _("(no rate for {currencies}: left out)").format(
            currencies=_(", ").join(c.missing))
    return line


def _rows(report: Report) -> list[list[str]]:
    """The table's rows: the collector's name (on one line, no control character), then
    collectctl's own numbers."""
    rows = [[terminal_text(name), *(cell(k, getattr(m, k)) for k in TABLE_METRICS),
             str(report.violations_of(name))] for name, m in report.collectors]
    if report.scope is None:
        rows.append([_("team"), *(cell(k, getattr(report.team, k)) for k in TABLE_METRICS),
                     str(report.violations_of(None))])
    return rows


def _title(report: Report) -> str:
    who = terminal_text(report.scope) if report.scope else _("team")
    return _("Collection report, {span} ({who})").format(
        span=display.span(report.first, report.last), who=who)


def _head() -> list[str]:
    return [_("collector"), *(display.metric(k) for k in TABLE_METRICS), _("violations")]


def report_text(report: Report) -> str:
    converted = converted_text(report)
    return "\n".join([_title(report), "", *table_lines(_head(), _rows(report)),
                      *(["", converted] if converted else [])]) + "\n"


def report_markdown(report: Report) -> str:
    """The text table in markdown: the names escaped (:func:`safe.markdown_text`), the
    numbers collectctl's own, as they are."""
    head = _head()
    lines = [f"## {markdown_text(_title(report))}", "", "| " + " | ".join(head) + " |",
             "|" + "|".join(["---"] + ["---:"] * (len(TABLE_METRICS) + 1)) + "|"]
    for name, *numbers in _rows(report):
        lines.append("| " + " | ".join([markdown_text(name), *numbers]) + " |")
    converted = converted_text(report)
    if converted:
        lines += ["", markdown_text(converted)]
    return "\n".join(lines) + "\n"


CSS = (
    # Traditional Chinese fonts named, so a machine with several CJK fonts picks the
    # Taiwanese glyphs rather than Japanese or Simplified ones.
    "body{font-family:system-ui,\"PingFang TC\",\"Noto Sans TC\",\"Microsoft JhengHei\",sans-serif;"
    "margin:2em;color:#222}"
    "table{border-collapse:collapse;margin:1em 0}.wide{overflow-x:auto}"
    "td,th{padding:3px 10px;text-align:right;border-bottom:1px solid #ddd}"
    "td:first-child,th:first-child{text-align:left}"
    "tr.team td{font-weight:bold;border-top:2px solid #444}"
    "figure{display:inline-block;margin:1em 2em 1em 0;vertical-align:top}"
    "figcaption{font-weight:bold;margin-bottom:.3em}"
    "svg text{font-size:11px;fill:#444}"
)
BAR, LINE, BAD = "#3b7dd8", "#d8573b", "#b33"


def _svg(width: int, height: int, body: str, label: str) -> str:
    from html import escape

    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">'
            f"{body}</svg>")


def _collected_chart(report: Report) -> str:
    """Bars: collected per day; line: the day's target."""
    days = report.daily
    width, height, pad = max(240, 28 * len(days) + 60), 200, 40
    top = max([float(c) for _d, c, _t in days] + [float(t) for _d, _c, t in days if t] + [1.0])
    step = (width - pad - 10) / max(len(days), 1)
    scale = (height - 2 * pad) / top
    parts, points = [], []
    for i, (day, collected, target) in enumerate(days):
        x = pad + i * step
        h = float(collected) * scale
        parts.append(f'<rect class="collected" x="{x + 2:.1f}" y="{height - pad - h:.1f}" '
                     f'width="{max(step - 4, 1):.1f}" height="{h:.1f}" fill="{BAR}">'
                     f"<title>{day.isoformat()}: "
                     f"{cell('collected', collected, report.daily_currency or None)}"
                     "</title></rect>")
        parts.append(f'<text x="{x + step / 2:.1f}" y="{height - pad + 14}" '
                     f'text-anchor="middle">{day.day}</text>')
        if target is not None:
            points.append(f"{x + step / 2:.1f},{height - pad - float(target) * scale:.1f}")
    if points:
        parts.append(f'<polyline class="target" points="{" ".join(points)}" fill="none" '
                     f'stroke="{LINE}" stroke-width="2"/>')
    parts.append(f'<text x="{pad}" y="14">'
                 f'{cell("collected", top, report.daily_currency or None)}</text>')
    return _svg(width, height, "".join(parts), _("collected per day against the target"))


def _hourly_chart(report: Report) -> str:
    """Bars: calls by hour of day; line: the contact rate (contacts / calls) that hour."""
    hours = {h: (c, k) for h, c, k in report.hourly}
    span = range(min(hours, default=8), max(hours, default=20) + 1)
    width, height, pad = max(240, 24 * len(span) + 60), 200, 40
    top = max([c for c, _k in hours.values()] + [1])
    step = (width - pad - 10) / len(span)
    parts, points = [], []
    for i, hour in enumerate(span):
        calls, contacts = hours.get(hour, (0, 0))
        x = pad + i * step
        h = calls * (height - 2 * pad) / top
        parts.append(f'<rect class="calls" x="{x + 2:.1f}" y="{height - pad - h:.1f}" '
                     f'width="{max(step - 4, 1):.1f}" height="{h:.1f}" fill="{BAR}">'
                     f"<title>{hour:02d}:00 "
                     + _("{calls} calls, {contacts} contacts").format(calls=calls,
                                                                     contacts=contacts)
                     + "</title></rect>")
        parts.append(f'<text x="{x + step / 2:.1f}" y="{height - pad + 14}" '
                     f'text-anchor="middle">{hour}</text>')
        if calls:
            rate = contacts / calls
            points.append(f"{x + step / 2:.1f},{height - pad - rate * (height - 2 * pad):.1f}")
    if points:
        parts.append(f'<polyline class="contact-rate" points="{" ".join(points)}" '
                     f'fill="none" stroke="{LINE}" stroke-width="2"/>')
    return _svg(width, height, "".join(parts), _("calls and contact rate by hour of day"))


def _promises_chart(report: Report) -> str:
    kept, broken = report.team.promises_kept, report.team.promises_broken
    width, height, pad = 240, 200, 40
    top = max(kept, broken, 1)
    parts = []
    for i, (label, value, colour) in enumerate(((_("kept"), kept, BAR),
                                                (_("broken"), broken, BAD))):
        h = value * (height - 2 * pad) / top
        x = pad + i * 90
        parts.append(f'<rect class="promises-{i}" x="{x}" y="{height - pad - h:.1f}" width="60" '
                     f'height="{h:.1f}" fill="{colour}"><title>{value}</title></rect>'
                     f'<text x="{x + 30}" y="{height - pad + 14}" text-anchor="middle">'
                     f"{label} {value}</text>")
    return _svg(width, height, "".join(parts), _("promises kept and broken"))


def report_html(report: Report) -> str:
    """One self-contained page: inline CSS and SVG charts, no scripts, every field escaped."""
    from html import escape

    head = _head()
    rows = _rows(report)
    body_rows = []
    for n, r in enumerate(rows):
        team_row = report.scope is None and n == len(rows) - 1
        cls = ' class="team"' if team_row else ""
        body_rows.append(f"<tr{cls}>" + "".join(f"<td>{escape(str(c))}</td>" for c in r)
                         + "</tr>")
    figures = [(_("Collected per day against the target"), _collected_chart(report)),
               (_("Calls and contact rate by hour"), _hourly_chart(report)),
               (_("Promises due: kept and broken"), _promises_chart(report))]
    charts = "".join(f"<figure><figcaption>{escape(caption)}</figcaption>{svg}</figure>"
                     for caption, svg in figures)
    return (f"<!DOCTYPE html>\n<html lang=\"{display.html_lang()}\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(_title(report))}</title><style>{CSS}</style></head><body>"
            f"<h1>{escape(_title(report))}</h1>{charts}<div class=\"wide\"><table><thead><tr>"
            + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr></thead><tbody>"
            + "".join(body_rows) + "</tbody></table></div>" + _converted_html(report)
            + "</body></html>\n")


def _converted_html(report: Report) -> str:
    from html import escape

    converted = converted_text(report)
    return f'<p class="converted">{escape(converted)}</p>' if converted else ""


def _currencies(report: Report) -> list[str]:
    """Every currency of the report's money (collected, promised, outstanding), by code."""
    team = report.team
    return sorted({*team.collected, *team.promised_amount, *team.outstanding_at_start,
                   *(c for _n, m in report.collectors
                     for c in (*m.collected, *m.promised_amount, *m.outstanding_at_start))})


def report_csv(report: Report) -> str:
    """One row a collector, one column a metric; a per-currency metric has a column per
    currency of the report (``collected_TWD``, ``collected_AUD``, ``recovery_rate_TWD``),
    so each stays a column of numbers a spreadsheet sorts, filters and sums (0.00 where a
    collector has none in it; an empty cell for a rate without a denominator)."""
    from collectctl.core.metrics import PER_CURRENCY

    currencies = _currencies(report)
    head = []
    for name in METRIC_NAMES:
        head += ([f"{name}_{c}" for c in currencies] if name in PER_CURRENCY else [name])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["collector", *head, "violations"])
    for name, m in report.collectors:
        values: list = []
        for metric in METRIC_NAMES:
            value = getattr(m, metric)
            if metric in AMOUNT_METRICS:
                values += [f"{value.amount(c):.2f}" for c in currencies]
            elif metric == "recovery_rate":
                values += [_rate_json(value.get(c)) for c in currencies]
            elif metric in RATE_METRICS:
                values.append(_rate_json(value))
            else:
                values.append(int(value))
        writer.writerow([safe_cell(name), *(number_cell(v) for v in values),
                         report.violations_of(name)])
    return out.getvalue()


def progress_json(p) -> str:
    """``progress --format json``: a money metric's ``actual`` is an object keyed by
    currency (every currency), its ``target`` and ``pace`` an object of the target's one
    currency (or null); a rate is a number or null (no denominator), the recovery rate one
    per currency likewise."""
    def number(name, value):
        if value is None:
            return None
        if name in AMOUNT_METRICS:
            return f"{value:.2f}"
        return float(value) if name in RATE_METRICS else int(value)

    def metric(m) -> dict:
        if m.by_currency is None:
            actual, target, pace = (number(m.name, m.actual), number(m.name, m.target),
                                    number(m.name, m.pace))
        else:
            actual = {c: number(m.name, v) for c, v in m.by_currency.items()}
            target = {m.currency: number(m.name, m.target)} if m.target is not None else None
            pace = {m.currency: number(m.name, m.pace)} if m.pace is not None else None
        return {"name": m.name, "actual": actual, "target": target,
                "percent": float(m.percent) if m.percent is not None else None,
                "pace": pace}

    data = {
        "period": p.period, "from": p.first.isoformat(), "to": p.last.isoformat(),
        "collector": p.collector,
        "metrics": [metric(m) for m in p.metrics],
        "plan_remaining": p.plan_remaining,
    }
    return json_text(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


#: A progress bar's width on a terminal: as wide as this when the screen has room, and
#: none (the percentage instead) when less than the narrowest is left beside the text.
BAR_WIDTH, NARROWEST_BAR = 20, 6
#: The colour of a metric's bar and its words, by whether it is ahead of its pace.
PACE_STYLE = {True: "green", False: "red"}


#: A metric's row of ``progress``: its name, actual (/ target), percentage, pace, state
#: words, whether it is ahead of its pace (None without a target, or without a figure),
#: and a per-currency metric's other currencies (``(also 100.00 AUD)``, or "").
ProgressRow = tuple[str, str, str, str, str, bool | None, str]


def _progress_value(m, value) -> str:
    if m.by_currency is not None and m.currency is None:  # no target: every currency
        return cell(m.name, m.by_currency)
    if m.name == "recovery_rate" and m.currency is not None:
        return f"{m.currency} {rate_text(value)}"
    return cell(m.name, value, m.currency)


def _beside(m) -> str:
    """A per-currency metric's other currencies, shown beside its target's, without one:
    ``(also 100.00 AUD)``."""
    others = m.others if m.currency is not None else {}
    if not others:
        return ""
    shown = rates_text(others) if m.name == "recovery_rate" else amounts_text(others)
    return _("(also {amounts})").format(amounts=shown)


def progress_rows(p) -> list[ProgressRow]:
    """Each metric's cells (:data:`ProgressRow`)."""
    rows: list[ProgressRow] = []
    for m in p.metrics:
        if m.target is None:
            rows.append((display.metric(m.name), _progress_value(m, m.actual), "", "",
                         _("no target"), None, ""))
            continue
        ahead = m.ahead
        rows.append((display.metric(m.name),
                     f"{_progress_value(m, m.actual)} / {_progress_value(m, m.target)}",
                     f"{float(m.percent) * 100:.0f}%" if m.percent is not None else NO_RATE,
                     _("pace {pace}").format(pace=_progress_value(m, m.pace)),
                     "" if ahead is None else _("ahead") if ahead else _("behind"), ahead,
                     _beside(m)))
    return rows


def _last(row: ProgressRow) -> str:
    """A row's last cell as printed: the state words, then the other currencies."""
    return "  ".join(part for part in (row[4], row[6]) if part)


def bar_width(rows, width: int, gap: int = 2) -> int:
    """How wide the bars may be beside the rows' text in ``width`` terminal columns (0:
    no room for a bar; the percentage is shown instead)."""
    text = sum(max((columns(r[i]) for r in rows), default=0) for i in (0, 1, 3)) + max(
        (columns(_last(r)) for r in rows), default=0)
    room = width - text - 4 * gap
    return min(BAR_WIDTH, room) if room >= NARROWEST_BAR else 0


def progress_text(p, console) -> None:
    """A bar per metric on a terminal (rich), coloured as its words say (ahead, behind);
    the percentage instead in a pipe, or where the screen leaves no room for a bar. One
    row a metric at any width: the text columns never wrap, nor are they cut."""
    who = p.collector or _("team")
    console.print(_("{who}: {period} {span}").format(
        who=who, period=display.period(p.period), span=display.span(p.first, p.last)),
        style="bold", markup=False)
    rows = progress_rows(p)
    bars = bar_width(rows, console.width) if console.is_terminal else 0
    if not bars:
        _progress_lines(rows, console)
    else:
        _progress_bars(rows, p, bars, console)
    if p.plan_remaining is not None:
        console.print(_("{n} calls left in today's plan").format(n=p.plan_remaining),
                      markup=False)


def _progress_lines(rows: list[ProgressRow], console) -> None:
    """The rows as text, the percentage in place of a bar, every cell whole. A screen
    too narrow for them goes without the pace, then the percentage (the words still say
    ahead or behind; JSON has both); narrower still, the rows are printed wider than it
    rather than with a figure cut."""
    from rich.text import Text

    def width_of(shown: tuple[int, ...]) -> int:
        return sum(max(columns(str(r[i])) for r in rows) + 2 for i in shown) + max(
            columns(_last(r)) for r in rows)

    shown: tuple[int, ...] = (0, 1, 2, 3)
    for narrower in ((0, 1, 2), (0, 1)):
        if width_of(shown) <= console.width:
            break
        shown = narrower
    widths = {i: max(columns(str(r[i])) for r in rows) for i in shown}
    for row in rows:
        line = Text("".join(pad(str(row[i]), widths[i]) + "  " for i in shown))
        ahead = row[5]
        line.append(row[4], style=PACE_STYLE[ahead] if ahead is not None else "")
        if row[6]:
            line.append(("  " if row[4] else "") + row[6])
        line.rstrip()
        console.print(line, crop=False, soft_wrap=True)


def _progress_bars(rows: list[ProgressRow], p, bars: int, console) -> None:
    """The rows with a bar each, ``bars`` cells wide (:func:`bar_width` left room)."""
    from rich.progress_bar import ProgressBar
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False, show_header=False)
    for _i in range(5):
        table.add_column(no_wrap=True)
    for (name, amounts, percent, pace, state, ahead, beside), m in zip(rows, p.metrics,
                                                                        strict=True):
        style = PACE_STYLE[ahead] if ahead is not None else ""
        shown: str | ProgressBar = percent
        if bars and ahead is not None:
            done = min(float(m.percent or 0), 1.0)
            shown = ProgressBar(total=100, completed=done * 100, width=bars,
                                complete_style=style, finished_style=style)
        words = Text(state, style=style)
        if beside:
            words.append(("  " if state else "") + beside)
        table.add_row(name, amounts, shown, pace, words)
    console.print(table)


def render(result, fmt: str, out, redact: bool = False) -> None:
    """Write a report (text, markdown, json, csv, html) or a progress view (text, json) to
    ``out``; a format the result has no view in is a usage error."""
    from collectctl.app.reports import Progress, TargetList, TargetsCleared

    if isinstance(result, TargetList | TargetsCleared):
        out.write(terminal_text(_targets_text(result), multiline=True) + "\n")
        return
    if isinstance(result, Progress):
        if fmt == "json":
            out.write(progress_json(result))
        elif fmt == "text":
            from collectctl.render.text import console_for

            with console_for(out) as console:
                progress_text(result, console)
        else:
            _unknown(fmt, "text, json")
        return
    views = {"text": report_text, "markdown": report_markdown, "json": report_json,
             "csv": report_csv, "html": report_html}
    if fmt not in views:
        _unknown(fmt, ", ".join(views))
    text = views[fmt](result)
    # A text document: whatever a view forgot, no control character but newline and tab.
    out.write(text if fmt in ("json", "csv") else terminal_text(text, multiline=True))


def _unknown(fmt: str, choices: str):
    from collectctl.errors import UsageError

    raise UsageError(_("--format {fmt} is not available here (use {choices})").format(
        fmt=fmt, choices=choices))


def _targets_text(result) -> str:
    """``target set/list/clear/split``: one line a target, as the lead typed them."""
    from collectctl.app.reports import TargetsCleared

    if isinstance(result, TargetsCleared):
        return _("{n} targets removed").format(n=result.removed)
    if not result.targets:
        return _("No targets set.")
    if result.listing:
        return "\n".join(f"{terminal_text(t.collector) or _('team')}  {t.period}  "
                         f"{t.start.isoformat()}  {t.metric}={_goal(t)}"
                         for t in result.targets)
    if result.total is not None:  # a split: each collector's part, then what they add to
        metric, first = result.targets[0].metric, result.targets[0]
        lines = [f"{terminal_text(t.collector)}  {metric}={_goal(t)}" for t in result.targets]
        lines.append(_("total {metric}={total}").format(
            metric=metric, total=_goal(first, result.total)))
        return "\n".join(lines)
    return "\n".join(
        _("{who}: {metric} {value} for the {period} from {start}").format(
            who=terminal_text(t.collector) or _("team"), metric=t.metric, value=_goal(t),
            period=t.period, start=t.start.isoformat()) for t in result.targets)


def _goal(t, value=None) -> str:
    """A target's value as ``target set`` takes it: ``500000.00TWD`` for one in a
    currency, ``2000`` for a count."""
    shown = t.value if value is None else value
    return f"{shown}{t.currency}" if t.currency else f"{shown}"
