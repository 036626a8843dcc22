"""The report in each format: text, markdown, json, csv, and html (its page and charts in
``report_html`` and ``charts``)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from decimal import Decimal

from collectctl.app.reports import SCHEMA, Report
from collectctl.core.metrics import AMOUNT_METRICS, METRIC_NAMES, RATE_METRICS, Metrics
from collectctl.core.money import Amounts
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
        "period": report.period,
        "team": {**metric_json(report.team), "violations": report.violations_of(None),
                 **_targets_key(report, None),
                 "expected": _expected_of(report, None).json()},
        "collectors": [{"name": name, **metric_json(m),
                        "violations": report.violations_of(name),
                        **_targets_key(report, name),
                        "expected": _expected_of(report, name).json()}
                       for name, m in report.collectors],
        **supervisor_json(report),
        "converted": converted_json(report.converted),
        "previous": previous_json(report.previous),
    }
    return json_text(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


def _figure_json(name: str, value, currency: str | None):
    """One figure of a target: money as ``{currency: "0.00"}``, a rate as a number or
    null, the recovery rate ``{currency: rate}``, a count as an integer."""
    if name in AMOUNT_METRICS:
        return Amounts.of(currency, value).json() if currency else {}
    if name == "recovery_rate":
        return {currency: _rate_json(value)} if currency else {}
    if name in RATE_METRICS:
        return _rate_json(value)
    return None if value is None else int(value)


def targets_json(attained) -> dict:
    """``{metric: {"target", "actual", "attained"}}``: ``attained`` the actual's share of
    the target (null with a 0 target or a rate without a denominator)."""
    return {a.metric: {"target": _figure_json(a.metric, a.target, a.currency),
                       "actual": _figure_json(a.metric, a.actual, a.currency),
                       "attained": _rate_json(a.attained)} for a in attained}


def _targets_key(report: Report, who: str | None) -> dict:
    """A record's ``targets`` (the report command's; ``progress`` builds none)."""
    if report.previous is None:
        return {}
    # A collector's report: its ``team`` record is the collector's, targets too.
    return {"targets": targets_json(report.attainment.get(who or report.scope, ()))}


def previous_json(previous) -> dict | None:
    """``{"from", "to", "team", "collectors"}``: the previous period's metrics."""
    if previous is None:
        return None
    return {"from": previous.first.isoformat(), "to": previous.last.isoformat(),
            "team": metric_json(previous.team),
            "collectors": [{"name": name, **metric_json(m)} for name, m in previous.collectors]}


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
    actual = m.value(name, goal.currency)  # a count's goal has no currency
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


def _expected_of(report: Report, who: str | None) -> Amounts:
    """A collector's (None: the team's, or the one collector's report's) expected."""
    return report.expected.get(who if who is not None or report.scope is None
                               else report.scope, Amounts())


def expected_lines(report: Report) -> list[str]:
    """Expected against collected, one line per collector (and the team): what the
    period's right-party contacts were expected to bring when made, and what came in."""
    if not report.expected:
        return []
    lines = [_("Expected from the period's right-party contacts, and collected:")]
    rows = [(terminal_text(name), _expected_of(report, name), m.collected)
            for name, m in report.collectors]
    if report.scope is None:
        rows.append((_("team"), _expected_of(report, None), report.team.collected))
    for name, expected, collected in rows:
        lines.append(_("  {who}: expected {expected}; collected {collected}").format(
            who=name, expected=amounts_text(expected), collected=amounts_text(collected)))
    return lines


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
    expected = expected_lines(report)
    return "\n".join([_title(report), "", *table_lines(_head(), _rows(report)),
                      *(["", converted] if converted else []),
                      *(["", *expected] if expected else []),
                      *supervisor_text(report)]) + "\n"


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
    lines += supervisor_markdown(report)
    return "\n".join(lines) + "\n"


def report_html(report: Report) -> str:
    """One self-contained page (:mod:`collectctl.render.report_html`): the figures, the
    charts and this table, no scripts, every field escaped."""
    from collectctl.render.report_html import page

    # The portfolio's charts beside the period's; its tables, the previous period, the
    # targets and the supervisor's lists after the collectors'.
    data = portfolio_data(report)
    buckets = [(_("current") if b == "current" else b, balance)
               for b, _n, balance in data["buckets"]] if data else []
    rolls = [(b, roll, cure) for b, _n, roll, cure in data["roll_rates"]] if data else []
    return page(report, _title(report), _head(), _rows(report), buckets=buckets, rolls=rolls,
                extra=_converted_html(report) + portfolio_html(report))


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


def render(result, fmt: str, out, redact: bool = False, table: str = "collectors") -> None:
    """Write a report (text, markdown, json, csv, html) or a progress view (text, json) to
    ``out``; a format the result has no view in is a usage error. ``table``: which of the
    report's tables a CSV file holds (collectors, portfolio, lists)."""
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
             "csv": CSV_TABLES.get(table, report_csv), "html": report_html}
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
    lines = [_("{who}: {metric} {value} for the {period} from {start}").format(
        who=terminal_text(t.collector) or _("team"), metric=t.metric, value=_goal(t),
        period=_(display.PERIOD_LABELS[t.period]), start=t.start.isoformat())
        for t in result.targets]
    lines += [_("note: the team's {metric} target ({team}) is no longer what its collectors' "
                "add up to ({parts}); 'target split' again, or 'target set --team'").format(
        metric=team.metric, team=_goal(team), parts=_goal(team, parts))
        for team, parts in result.unsplit]
    return "\n".join(lines)


# -- the portfolio and the supervisor's lists (app.portfolio) --------------------------------
#
# Each view is a list of tables, (caption, head, rows, text columns): every format shows
# the same cells, text columns (accounts, collectors, buckets, risks: names from lists and
# configs) made safe the format's way, the rest collectctl's own numbers and words.

#: A table of the portfolio or a list: caption, head, rows of cells, and how many leading
#: columns hold text from outside (escaped by each format).
ViewTable = tuple[str, list[str], list[list[str]], int]

NONE_SHOWN = "—"


def _rates_json(rates) -> dict[str, float | None] | None:
    if rates is None:
        return None
    return {c: float(r) if r is not None else None for c, r in rates.items()}


def portfolio_json(p) -> dict:
    """The ``portfolio`` object of the report's JSON."""
    def line(key: str, row) -> dict:
        return {key: row.key, "accounts": row.accounts, "balance": row.balance.json()}

    return {
        "as_of": p.as_of.isoformat(),
        "buckets": [line("bucket", b) for b in p.buckets],
        "risk": [line("risk", r) for r in p.risk],
        "collectors": [line("collector", c) for c in p.collectors],
        "roll_rates": [{"bucket": r.bucket, "accounts": r.accounts,
                        "roll_rate": _rates_json(r.roll_rate),
                        "cure_rate": _rates_json(r.cure_rate)} for r in p.roll_rates],
    }


def lists_json(lists) -> dict:
    """The ``lists`` object of the report's JSON: accounts by id, amounts by currency,
    times in the collector's zone, violations as ``audit --format json`` gives them."""
    from zoneinfo import ZoneInfo

    from collectctl.render.audit import violation_json

    zone = ZoneInfo(lists.zone)

    def promise(p) -> dict:
        return {"account_id": p.account_id, "collector": p.collector,
                "amount": p.amount.json(), "due": p.due.isoformat(), "status": p.status}

    return {
        "today": lists.today.isoformat(),
        "promises_due_today": [promise(p) for p in lists.promises_due_today],
        "promises_broken": [promise(p) for p in lists.promises_broken],
        "complaints": [{"account_id": c.account_id, "collector": c.collector,
                        "at": c.at.astimezone(zone).isoformat()} for c in lists.complaints],
        "violations": [{"collector": who or None, "count": len(found),
                        "violations": [violation_json(v, zone) for v in found]}
                       for who, found in lists.violations],
    }


def supervisor_json(report: Report) -> dict:
    """The report's ``portfolio`` and ``lists`` (those it has)."""
    out: dict = {}
    if report.portfolio is not None:
        out["portfolio"] = portfolio_json(report.portfolio)
    if report.lists is not None:
        out["lists"] = lists_json(report.lists)
    return out


def _balance_cell(amounts) -> str:
    return display.money_totals(amounts) if amounts else NONE_SHOWN


def portfolio_data(report: Report) -> dict | None:
    """The portfolio as numbers, for the html view's charts: ``as_of``, ``buckets`` and
    ``roll_rates`` as (bucket, accounts, {currency: Decimal}) and (bucket, accounts at
    the start, roll rate, cure rate) with the rates per currency (None: no denominator,
    or no later bucket); None without a portfolio."""
    p = report.portfolio
    if p is None:
        return None
    return {"as_of": p.as_of,
            "buckets": [(b.key, b.accounts, dict(b.balance)) for b in p.buckets],
            "roll_rates": [(r.bucket, r.accounts, r.roll_rate, r.cure_rate)
                           for r in p.roll_rates]}


def portfolio_view(report: Report) -> list[ViewTable]:
    """The portfolio's tables (by bucket, risk, collector; roll and cure rates), for the
    text, markdown and html views alike; none without a portfolio."""
    p = report.portfolio
    if p is None:
        return []
    head = [_("accounts"), _("balance")]

    def rows(lines, word) -> list[list[str]]:
        return [[word(line.key), str(line.accounts), _balance_cell(line.balance)]
                for line in lines]

    def bucket(name):
        return _("current") if name == "current" else name

    return [
        (_("Portfolio on {day} by days past due").format(day=display.plain_day(p.as_of)),
         [_("bucket"), *head], rows(p.buckets, bucket), 1),
        (_("By risk"), [_("risk"), *head], rows(p.risk, display.risk), 1),
        (_("By collector"), [_("collector"), *head],
         rows(p.collectors, lambda who: who or _("unassigned")), 1),
        (_("Roll and cure rates, {span}").format(span=display.span(p.first, p.as_of)),
         [_("bucket"), _("accounts at the start"), _("roll rate"), _("cure rate")],
         [[r.bucket, str(r.accounts), rates_text(r.roll_rate), rates_text(r.cure_rate)]
          for r in p.roll_rates], 1),
    ]


def _signed(value: Decimal, shown: str) -> str:
    """``shown`` (the magnitude as the tables write it) with the change's sign."""
    if not value:
        return "0"
    return ("+" if value > 0 else "-") + shown


def _points(now, before) -> str:
    """A rate's change in percentage points (``+2.50 pp``); ``—`` if either is unknown."""
    if now is None or before is None:
        return NO_RATE
    d = (Decimal(now) - Decimal(before)) * 100
    return _("{points} pp").format(points=_signed(d, f"{abs(d):.2f}"))


def change_text(name: str, now, before) -> str:
    """How a metric moved from the previous period: money per currency (``+1,000.00
    TWD, -50.00 AUD``), a rate in percentage points, a count as ``+4``; ``0`` unchanged."""
    if name in AMOUNT_METRICS:
        currencies = sorted({*now, *before})
        moved = [(c, now.amount(c) - before.amount(c)) for c in currencies]
        moved = [(c, d) for c, d in moved if d]
        if not moved:
            return "0"
        return _(", ").join(_signed(d, display.money(abs(d), c)) for c, d in moved)
    if name == "recovery_rate":
        currencies = sorted({*now, *before})
        if not currencies:
            return NO_RATE
        return _(", ").join(f"{c} {_points(now.get(c), before.get(c))}" for c in currencies)
    if name in RATE_METRICS:
        return _points(now, before)
    d = Decimal(now) - Decimal(before)
    return _signed(d, f"{abs(d):,}")


def comparison_view(report: Report) -> list[ViewTable]:
    """The team's (or the collector's) metrics beside the previous period's, with the
    change; none without a previous period."""
    p = report.previous
    if p is None:
        return []
    now = report.team if report.scope is None else dict(report.collectors).get(
        report.scope, report.team)
    before = p.team
    rows = [[display.metric(k), cell(k, getattr(now, k)), cell(k, getattr(before, k)),
             change_text(k, getattr(now, k), getattr(before, k))] for k in TABLE_METRICS]
    return [(_("Beside the previous period, {span}").format(span=display.span(p.first, p.last)),
             [_("metric"), display.span(report.first, report.last), display.span(p.first, p.last),
              _("change")], rows, 1)]


def _target_cell(a, value) -> str:
    if a.metric == "recovery_rate":
        return f"{a.currency} {rate_text(value)}"
    if value is None:
        return NO_RATE
    return cell(a.metric, value, a.currency)


def targets_view(report: Report) -> list[ViewTable]:
    """Each collector's targets for the period (and the team's), with the actual and the
    share attained; none without a report's targets (``progress`` builds none)."""
    if report.previous is None:
        return []
    rows = []
    names: list[str | None] = [name for name, _m in report.collectors]
    if report.scope is None:
        names.append(None)
    for who in names:
        for a in report.attainment.get(who, ()):
            rows.append([terminal_text(who) if who is not None else _("team"),
                         display.metric(a.metric), _target_cell(a, a.target),
                         _target_cell(a, a.actual), rate_text(a.attained)])
    return [(_("Targets, {span}").format(span=display.span(report.first, report.last)),
             [_("collector"), _("metric"), _("target"), _("actual"), _("attained")], rows, 2)]


def report_views(report: Report) -> list[ViewTable]:
    """Every table after the collectors' KPIs, in the order each format shows them: the
    previous period, the targets, the portfolio, the supervisor's lists."""
    return comparison_view(report) + targets_view(report) + portfolio_view(report) \
        + lists_view(report)


def lists_view(report: Report) -> list[ViewTable]:
    """The supervisor's lists as tables (promises due today, promises broken, complaints,
    violations per collector); none without lists."""
    lists = report.lists
    if lists is None:
        return []
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(lists.zone)

    def promise_rows(found) -> list[list[str]]:
        return [[p.account_id, p.collector or "-", display.money_totals(p.amount),
                 display.plain_day(p.due), display.status(p.status)] for p in found]

    promise_head = [_("account"), _("collector"), _("amount"), _("due"), _("status")]
    return [
        (_("Promises due today ({day})").format(day=display.plain_day(lists.today)),
         promise_head, promise_rows(lists.promises_due_today), 2),
        (_("Promises broken, due {span}").format(span=display.span(report.first,
                                                                    report.last)),
         promise_head, promise_rows(lists.promises_broken), 2),
        (_("Complaints"), [_("account"), _("collector"), _("when")],
         [[c.account_id, c.collector or "-", display.day_time(c.at.astimezone(zone))]
          for c in lists.complaints], 2),
        (_("Rule violations by collector"),
         [_("collector"), _("account"), _("when"), _("rule")],
         [[who or "-", v.account_id, display.day_time(v.called_at.astimezone(zone)),
           display.breach(v.reason)] for who, found in lists.violations for v in found], 2),
    ]


def _view_text(tables: list[ViewTable]) -> list[str]:
    lines: list[str] = []
    for caption, head, rows, text in tables:
        lines += ["", caption]
        if not rows:
            lines.append("  " + _("none"))
            continue
        shown = [[terminal_text(c) if i < text else c for i, c in enumerate(r)] for r in rows]
        lines += table_lines(head, shown, left=text, indent="  ")
    return lines


def supervisor_text(report: Report) -> list[str]:
    """The tables after the KPI table (:func:`report_views`), as text."""
    return _view_text(report_views(report))


def supervisor_markdown(report: Report) -> list[str]:
    lines: list[str] = []
    for caption, head, rows, text in report_views(report):
        lines += ["", f"### {markdown_text(caption)}", ""]
        if not rows:
            lines.append(_("none"))
            continue
        lines += ["| " + " | ".join(head) + " |",
                  "|" + "|".join(["---"] * text + ["---:"] * (len(head) - text)) + "|"]
        lines += ["| " + " | ".join(markdown_text(c) if i < text else c
                                   for i, c in enumerate(r)) + " |" for r in rows]
    return lines


def portfolio_html(report: Report) -> str:
    """The portfolio and the lists as plain html tables (one section each), every cell
    escaped: the html report places this where it likes."""
    from html import escape

    parts = []
    for caption, head, rows, _text in report_views(report):
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in r) + "</tr>" for r in rows
        ) or f'<tr><td colspan="{len(head)}">{escape(_("none"))}</td></tr>'
        parts.append(f'<div class="wide"><table class="supervisor"><caption>{escape(caption)}'
                     "</caption><thead><tr>"
                     + "".join(f"<th>{escape(h)}</th>" for h in head)
                     + f"</tr></thead><tbody>{body}</tbody></table></div>")
    return "".join(parts)


PORTFOLIO_CSV_HEADER = ("section", "key", "accounts", "currency", "balance", "roll_rate",
                        "cure_rate")
LISTS_CSV_HEADER = ("list", "account_id", "collector", "currency", "amount", "due",
                    "status", "at", "rule")


def portfolio_csv(report: Report) -> str:
    """``report --format csv --table portfolio``: by bucket, risk and collector, then the
    roll rates (the balance at the start), one row per currency so that every number
    stays a number; a row without a currency for an empty bucket."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PORTFOLIO_CSV_HEADER)
    p = report.portfolio
    if p is None:
        return out.getvalue()
    for section, lines in (("bucket", p.buckets), ("risk", p.risk),
                           ("collector", p.collectors)):
        for line in lines:
            for currency, amount in (line.balance.items() or [("", None)]):
                writer.writerow([section, safe_cell(line.key or ""), line.accounts, currency,
                                 "" if amount is None else f"{amount:.2f}", "", ""])
    for r in p.roll_rates:
        roll, cure = r.roll_rate or {}, r.cure_rate or {}
        for currency, amount in (r.balance.items() or [("", None)]):
            writer.writerow(["roll_rates", safe_cell(r.bucket), r.accounts, currency,
                             "" if amount is None else f"{amount:.2f}",
                             _csv_rate(roll.get(currency)), _csv_rate(cure.get(currency))])
    return out.getvalue()


def lists_csv(report: Report) -> str:
    """``report --format csv --table lists``: promises due today and broken (one row per
    currency of the amount), complaints and violations, one row each; times in the
    collector's zone."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LISTS_CSV_HEADER)
    lists = report.lists
    if lists is None:
        return out.getvalue()
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(lists.zone)
    for name, found in (("promise_due_today", lists.promises_due_today),
                        ("promise_broken", lists.promises_broken)):
        for promise in found:
            for currency, amount in promise.amount.items():
                writer.writerow([name, safe_cell(promise.account_id),
                                 safe_cell(promise.collector or ""), currency,
                                 f"{amount:.2f}", promise.due.isoformat(), promise.status,
                                 "", ""])
    for c in lists.complaints:
        writer.writerow(["complaint", safe_cell(c.account_id), safe_cell(c.collector or ""),
                         "", "", "", "", c.at.astimezone(zone).isoformat(), ""])
    for who, violations in lists.violations:
        for v in violations:
            writer.writerow(["violation", safe_cell(v.account_id), safe_cell(who), "", "", "",
                             "", v.called_at.astimezone(zone).isoformat(), v.reason.code])
    return out.getvalue()


#: ``--table`` in a CSV file: the other tables than the collectors' KPIs.
CSV_TABLES = {"portfolio": portfolio_csv, "lists": lists_csv}


def _csv_rate(rate) -> str:
    return "" if rate is None else f"{rate}"


def _goal(t, value=None) -> str:
    """A target's value as ``target set`` takes it: ``500000.00TWD`` for one in a
    currency, ``2000`` for a count."""
    shown = t.value if value is None else value
    return f"{shown}{t.currency}" if t.currency else f"{shown}"
