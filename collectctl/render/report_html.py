"""The html report: one self-contained page a head of department reads, on a desktop, on
a phone, or printed on A4.

Inline CSS and inline SVG charts (:mod:`collectctl.render.charts`), no script, no link,
no external font; every value from outside collectctl escaped. The page leads with the
period's figures (collected against target, ahead or behind in the text report's colours),
then the charts, then the collectors' table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from html import escape

from collectctl.i18n import _
from collectctl.render import charts, display
from collectctl.render.safe import terminal_text


def money_parts(value, currency: str | None) -> dict[str, Decimal]:
    """A money figure of the report as the charts take it: its parts by currency code.
    Per-currency amounts (a mapping, ``core.money.Amounts``) as they are; a bare
    ``Decimal`` is in the report's one ``currency``."""
    if isinstance(value, Mapping):
        return {str(c): Decimal(a) for c, a in value.items()}
    return {currency or "": Decimal(value)}


def rate_parts(value, currency: str | None) -> dict[str, Decimal | None]:
    """A rate as the charts take it: by currency (a money-weighted rate is one per
    currency) or the one rate of the report's ``currency``; None: no denominator."""
    if isinstance(value, Mapping):
        return {str(c): None if r is None else Decimal(r) for c, r in value.items()}
    return {currency or "": None if value is None else Decimal(value)}


CSS = ("""
:root{color-scheme:light;--ink:#222;--muted:#666;--line:#ddd;--ahead:AHEAD;--behind:BEHIND}
*{box-sizing:border-box}
body{font-family:FONTS;margin:0 auto;padding:24px 32px;max-width:1280px;color:var(--ink);
line-height:1.4;background:#fff;-webkit-text-size-adjust:100%}
h1{font-size:1.6rem;margin:0 0 .2rem}
h2{font-size:1.15rem;margin:1.6rem 0 .6rem}
.period{color:var(--muted);margin:0 0 1.2rem}
.ahead{color:var(--ahead)}.behind{color:var(--behind)}
.status{font-weight:600}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:12px;
margin:0;padding:0;list-style:none}
.kpi{border:1px solid var(--line);border-radius:8px;padding:10px 14px;break-inside:avoid}
.kpi .name{color:var(--muted);font-size:.9rem}
.kpi .value{font-size:1.45rem;font-weight:600;font-variant-numeric:tabular-nums;
overflow-wrap:anywhere}
.kpi .more{font-size:.9rem;color:var(--muted)}
.kpi.lead{grid-column:span 2;border-width:2px}
.kpi.lead.ahead{border-color:var(--ahead)}.kpi.lead.behind{border-color:var(--behind)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,460px),1fr));
gap:20px}
figure{margin:0;border:1px solid var(--line);border-radius:8px;padding:12px;
break-inside:avoid;page-break-inside:avoid}
figcaption{font-weight:600;margin-bottom:.4rem}
svg.chart{display:block;width:100%;height:auto;max-width:520px}
.wide{overflow-x:auto}
table{border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:.9rem}
caption{text-align:left;color:var(--muted);padding-bottom:.4rem}
td,th{padding:4px 8px;text-align:right;border-bottom:1px solid var(--line);white-space:nowrap}
th{font-weight:600;vertical-align:bottom;white-space:normal;min-width:4.5em}
td:first-child,th:first-child{text-align:left;position:sticky;left:0;background:#fff}
tr.team td{font-weight:700;border-top:2px solid #444}
@media (max-width:600px){body{padding:12px}h1{font-size:1.3rem}
.kpis{grid-template-columns:1fr 1fr;gap:8px}.kpi.lead{grid-column:1/-1}
.kpi .value{font-size:1.2rem}figure{padding:8px}table{font-size:.85rem}}
@page{size:A4 portrait;margin:14mm 12mm}
@media print{html{font-size:11px}body{padding:0;max-width:none}
.charts{grid-template-columns:1fr 1fr;gap:10px}
.kpis{grid-template-columns:repeat(5,1fr);gap:6px}.kpi{padding:6px 10px}
figure,.kpi,tr{break-inside:avoid;page-break-inside:avoid}
h2{break-after:avoid;page-break-after:avoid}
.wide{overflow:visible}table{font-size:7.5pt}td,th{padding:2px 4px}
td:first-child,th:first-child{position:static}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
""".replace("FONTS", charts.FONTS).replace("AHEAD", charts.AHEAD)
       .replace("BEHIND", charts.BEHIND))


def _percent(rate) -> str:
    """``62.5%``; a rate without a denominator (None) is ``—``; rates by currency
    (a mapping) are each named: ``AUD 1.0%, TWD 3.6%``."""
    if rate is None:
        return "—"
    if isinstance(rate, Mapping):
        return ", ".join(f"{c} {_percent(r)}" for c, r in sorted(rate.items())) or "—"
    return f"{Decimal(rate) * 100:.1f}%"


def _rate(rate, denominator) -> str:
    """A rate of the team's figures: ``—`` when there was nothing to divide by (today's
    metrics say 0 then)."""
    return _percent(rate) if denominator else "—"


def _amounts(parts: Mapping[str, Decimal], currency: str | None = None) -> str:
    """Money per currency; none at all is 0 in ``currency`` where one is known (nothing
    was collected), else ``—``."""
    if parts:
        return display.money_totals({c or None: a for c, a in parts.items()})
    return display.money(Decimal(0), currency) if currency else "—"


def _status(ahead: bool) -> tuple[str, str]:
    """The css class and the word of a status, as the text report says it."""
    return ("ahead", _("ahead")) if ahead else ("behind", _("behind"))


def _targets(report, currency: str | None) -> dict[str, Decimal]:
    """The period's target by currency: the days' targets added (none: no target)."""
    total: dict[str, Decimal] = {}
    for _day, _amount, target in report.daily:
        if target is None:
            continue
        for c, value in money_parts(target, currency).items():
            total[c] = total.get(c, Decimal(0)) + value
    return total


def _kpi(name: str, value: str, more: str = "", cls: str = "") -> str:
    more_html = f'<div class="more">{more}</div>' if more else ""
    return (f'<li class="kpi{" " + cls if cls else ""}"><div class="name">{escape(name)}</div>'
            f'<div class="value">{escape(value)}</div>{more_html}</li>')


def _kpis(report) -> str:
    m, currency = report.team, report.currency
    collected = money_parts(m.collected, currency)
    # The daily figures (and so their targets) are in the collected target's currency.
    targets = _targets(report, report.daily_currency or currency)
    lead_cls, more = "lead", ""
    if targets:
        c, target = next(iter(targets.items()))
        done = collected.get(c, Decimal(0))
        cls, word = _status(done >= target)
        lead_cls += " " + cls
        share = _percent(done / target) if target else "—"
        more = escape(_("{share} of the target {target}").format(
            target=display.money(target, c or None), share=share)) + \
            f' · <span class="status {cls}">{escape(word)}</span>'
    else:
        more = escape(_("no target for the period"))
    due = m.promises_kept + m.promises_broken
    outstanding = _amounts(money_parts(m.outstanding_at_start, currency))
    cards = [
        _kpi(_("Collected"), _amounts(collected, report.daily_currency or currency), more,
             lead_cls),
        _kpi(_("Recovery rate"), _rate(m.recovery_rate, any(
            money_parts(m.outstanding_at_start, currency).values())),
             escape(_("of {amount} outstanding at the start").format(amount=outstanding))),
        _kpi(_("Calls"), str(m.calls), escape(_("contacts {n} · contact rate {rate}").format(
            n=m.contacts, rate=_rate(m.contact_rate, m.calls)))),
        _kpi(_("Right-party contacts"), str(m.right_party_contacts),
             escape(_("RPC rate {rate}").format(rate=_rate(m.rpc_rate, m.calls)))),
        _kpi(_("Promises made"), str(m.promises), escape(_amounts(
            money_parts(m.promised_amount, currency)))),
        _kpi(_("Kept rate"), _rate(m.kept_rate, due),
             escape(_("kept {kept}, broken {broken}, of {due} due").format(
                 kept=m.promises_kept, broken=m.promises_broken, due=due)) if due
             else escape(_("no promise fell due"))),
        _kpi(_("Complaints"), str(m.complaints)),
        _kpi(_("Rule violations"), str(report.violations_of(None))),
    ]
    return f'<ul class="kpis">{"".join(cards)}</ul>'


# -- the charts' words -----------------------------------------------------------------------


def collected_figures(days: Sequence[tuple[date, object, object]], currency: str | None
                      ) -> list[tuple[str, str]]:
    """Collected per day against the target, a chart for each currency collected (or
    targeted): (caption, svg)."""
    series: dict[str, tuple[list[Decimal], list[Decimal | None]]] = {}
    for i, (_day, amount, target) in enumerate(days):
        for c, value in money_parts(amount, currency).items():
            series.setdefault(c, ([Decimal(0)] * len(days), [None] * len(days)))[0][i] = value
        if target is not None:
            for c, value in money_parts(target, currency).items():
                series.setdefault(c, ([Decimal(0)] * len(days), [None] * len(days)))[1][i] = value
    if not series:
        series[currency or ""] = ([Decimal(0)] * len(days), [None] * len(days))
    dates = [d for d, _a, _t in days]
    out = []
    for c in sorted(series):
        collected, targets = series[c]
        code = c or None
        caption = _("Collected per day against the target")
        if len(series) > 1:
            caption += f" ({c})"
        words = charts.Words(
            caption, _collected_summary(dates, collected, targets, code),
            _("day ({span})").format(span=display.span(dates[0], dates[-1]) if dates else ""),
            _("collected ({symbol})").format(
                symbol=display.axis_symbol(code) or "—"),
            (_("collected"), _("ahead of target"), _("behind target"), _("target"),
             _("day off")), empty=_("nothing collected"))
        out.append((caption, charts.collected_chart(f"collected-{c or 'money'}", dates,
                                                    collected, targets, code, words)))
    return out


def _collected_summary(dates: Sequence[date], collected: Sequence[Decimal],
                       targets: Sequence[Decimal | None], currency: str | None) -> str:
    total = sum(collected, Decimal(0))
    span = display.span(dates[0], dates[-1]) if dates else ""
    text = _("{total} collected, {span}.").format(total=display.money(total, currency),
                                                  span=span)
    known = [(a, t) for a, t in zip(collected, targets, strict=True) if t]
    if known:
        target = sum((t for _a, t in known), Decimal(0))
        cls_word = _status(total >= target)[1]
        text += " " + _("Target {target}: {status}; days at or above their target: {met} "
                        "of {days}.").format(
            target=display.money(target, currency), status=cls_word,
            met=sum(1 for a, t in known if a >= t), days=len(known))
    else:
        text += " " + _("No target for these days.")
    if total:
        best = max(range(len(dates)), key=lambda i: (collected[i], -i))
        text += " " + _("Best day {day}: {amount}.").format(
            day=display.plain_day(dates[best]), amount=display.money(collected[best], currency))
    return text


def hourly_figure(hours: Sequence[tuple[int, int, int]]) -> tuple[str, str]:
    caption = _("Calls and contact rate by hour")
    calls = sum(c for _h, c, _k in hours)
    if calls:
        busiest = max(hours, key=lambda h: (h[1], -h[0]))
        best = max((h for h in hours if h[1]), key=lambda h: (h[2] / h[1], h[1], -h[0]))
        summary = _("Calls: {calls}, between {first}:00 and {last}:59. Busiest hour "
                    "{busy}:00 ({n}); best contact rate at {best}:00 ({rate}).").format(
            calls=calls, first=f"{hours[0][0]:02d}", last=f"{hours[-1][0]:02d}",
            busy=f"{busiest[0]:02d}", n=busiest[1], best=f"{best[0]:02d}",
            rate=_percent(Decimal(best[2]) / best[1]))
    else:
        summary = _("No calls in the period.")
    words = charts.Words(caption, summary, _("hour of day"), _("calls"),
                         (_("calls"), _("contact rate")), y2=_("contact rate (%)"),
                         empty=_("no calls made"))
    return caption, charts.hourly_chart("hourly", hours, words)


def promises_figure(rows: Sequence[tuple[str, int, int]]) -> tuple[str, str]:
    caption = _("Promises due: kept and broken")
    kept = sum(k for _n, k, _b in rows)
    broken = sum(b for _n, _k, b in rows)
    if kept + broken:
        summary = _("Promises due: {due}; kept {kept}, broken {broken} (kept rate "
                    "{rate}).").format(due=kept + broken, kept=kept, broken=broken,
                                       rate=_percent(Decimal(kept) / (kept + broken)))
    else:
        summary = _("No promise fell due in the period.")
    words = charts.Words(caption, summary, _("promises due"), "", (_("kept"), _("broken")))
    return caption, charts.promises_chart("promises", rows, words, _("none due"))


def portfolio_figures(buckets: Sequence[tuple[str, object]],
                      rolls: Sequence[tuple[str, object, object]],
                      currency: str | None) -> list[tuple[str, str]]:
    """The portfolio by days-past-due bucket and its roll and cure rates, a chart of each
    for each currency: ``buckets`` (bucket, balance), ``rolls`` (bucket, roll rate, cure
    rate); balances and rates as the report holds them (:func:`money_parts`,
    :func:`rate_parts`)."""
    parts_of = [(bucket, money_parts(balance, currency)) for bucket, balance in buckets]
    # Every bucket on each currency's axis, at 0 where it holds none of that currency.
    balances: dict[str, list[tuple[str, Decimal]]] = {
        c: [(bucket, parts.get(c, Decimal(0))) for bucket, parts in parts_of]
        for c in sorted({c for _b, parts in parts_of for c in parts})}
    if parts_of and not balances:  # nothing open: the buckets at 0, saying so
        balances = {currency or "": [(bucket, Decimal(0)) for bucket, _p in parts_of]}
    out = []
    for c in sorted(balances):
        code = c or None
        caption = _("Open balance by days past due")
        if len(balances) > 1:
            caption += f" ({c})"
        parts = balances[c]
        total = sum((v for _b, v in parts), Decimal(0))
        summary = (_("{total} open.").format(total=display.money(total, code)) if total
                   else _("No account owes anything in these buckets."))
        if total:
            summary += " " + "; ".join(f"{terminal_text(b)} {display.money(v, code)} "
                                       f"({_percent(v / total)})" for b, v in parts) + "."
        words = charts.Words(caption, summary, _("days past due"), _("balance ({symbol})").format(
            symbol=display.axis_symbol(code) or "—"), (_("open balance"),),
            empty=_("no open balance"))
        out.append((caption, charts.buckets_chart(f"buckets-{c or 'money'}", parts, code,
                                                  words)))
    by_currency: dict[str, list[tuple[str, Decimal | None, Decimal | None]]] = {}
    for bucket, roll, cure in rolls:
        rolled, cured = rate_parts(roll, currency), rate_parts(cure, currency)
        for c in sorted(set(rolled) | set(cured)):
            by_currency.setdefault(c, []).append((bucket, rolled.get(c), cured.get(c)))
    for c in sorted(by_currency):
        caption = _("Roll and cure rates by bucket")
        if len(by_currency) > 1:
            caption += f" ({c})"
        summary = "; ".join(
            _("{bucket}: rolled {roll}, cured {cure}").format(
                bucket=terminal_text(b), roll=_percent(r) if r is not None else "—",
                cure=_percent(k) if k is not None else "—")
            for b, r, k in by_currency[c]) + "."
        words = charts.Words(caption, summary, _("bucket at the period's start"),
                             _("share of the balance (%)"), (_("roll rate"), _("cure rate")),
                             empty=_("no accounts in these buckets at the start"))
        out.append((caption, charts.roll_rates_chart(f"rolls-{c or 'money'}", by_currency[c],
                                                     words)))
    return out


def _figures(figures: Sequence[tuple[str, str]]) -> str:
    return "".join(f"<figure><figcaption>{escape(caption)}</figcaption>{svg}</figure>"
                   for caption, svg in figures)


def page(report, title: str, head: Sequence[str], rows: Sequence[Sequence[str]],
         buckets: Sequence[tuple[str, object]] = (),
         rolls: Sequence[tuple[str, object, object]] = (), extra: str = "") -> str:
    """The page: ``title``, the period's figures, the charts (the portfolio's when
    ``buckets`` or ``rolls`` are given), then the table (``head``, ``rows``: the text
    report's cells; the last row the team's when the report is the team's), then
    ``extra`` (html already escaped: the portfolio's and the lists' tables)."""
    promise_rows = [(name, m.promises_kept, m.promises_broken) for name, m in report.collectors]
    figures = [*collected_figures(report.daily, report.daily_currency or report.currency),
               hourly_figure(report.hourly), promises_figure(promise_rows)]
    portfolio = portfolio_figures(buckets, rolls, report.currency) if buckets or rolls else []
    body_rows = []
    for n, r in enumerate(rows):
        team_row = report.scope is None and n == len(rows) - 1
        cls = ' class="team"' if team_row else ""
        body_rows.append(f"<tr{cls}>" + "".join(f"<td>{escape(str(c))}</td>" for c in r)
                         + "</tr>")
    who = terminal_text(report.scope) if report.scope else _("team")
    sections = [
        f"<h1>{escape(_('Collection report'))}</h1>",
        f'<p class="period">{escape(display.span(report.first, report.last))} · '
        f"{escape(who)}</p>",
        _kpis(report),
        f"<h2>{escape(_('Charts'))}</h2>",
        f'<div class="charts">{_figures(figures)}</div>',
    ]
    if portfolio:
        sections += [f"<h2>{escape(_('Portfolio'))}</h2>",
                     f'<div class="charts">{_figures(portfolio)}</div>']
    sections += [
        f"<h2>{escape(_('By collector'))}</h2>",
        '<div class="wide"><table><thead><tr>'
        + "".join(f'<th scope="col">{escape(h)}</th>' for h in head)
        + "</tr></thead><tbody>" + "".join(body_rows) + "</tbody></table></div>",
        extra,
    ]
    return (f'<!DOCTYPE html>\n<html lang="{display.html_lang()}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
            + "".join(sections) + "</body></html>\n")
