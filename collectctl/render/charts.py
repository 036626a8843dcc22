"""The html report's charts: pure functions from plain series to one SVG string each.

Hand-written SVG rather than a plotting library (the README's "Development" section has
the measurements): every chart is a few bars and lines, and so costs well under a
millisecond, needs no dependency, keeps its text as text in the page's fonts (CJK
included), and gives the same bytes for the same data.

Each chart has axes with round ticks and their units (the currency's symbol on a money
axis, ``%`` on a rate axis), a legend, the status colours of the text report (ahead
green, behind red) and a text alternative: ``role="img"``, an ``aria-label`` (the
chart's title), and ``<title>`` and ``<desc>`` (the figures in words, written by the
caller). The words come in translated (:class:`Words`); text from outside collectctl
(collector names, bucket names) is escaped here. A chart is drawn on a 420-unit-wide
``viewBox`` and scales to its container (CSS ``width: 100%``).

Money comes in one currency per chart (a caller with several currencies draws one chart
for each): ``Decimal`` values and the currency's code.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import escape

from collectctl.render import display
from collectctl.render.safe import terminal_text
from collectctl.render.width import columns, cut

#: The status colours: the text report's green for ahead, red for behind.
AHEAD, BEHIND = "#1a7f37", "#c62828"
#: Bars without a status (calls, collected on a day without a target).
NEUTRAL = "#3b6fb6"
#: The target's step line, the contact rate's line, a day off's band.
TARGET, RATE, DAY_OFF = "#1f1f1f", "#d97706", "#ececec"
INK, MUTED, GRID = "#333333", "#666666", "#e3e3e3"
#: The portfolio's buckets, from the least past due to the most (the last colour is
#: used for any bucket beyond them).
BUCKET_RAMP = ("#f2c14e", "#eba23e", "#e07f35", "#cd5a2e", "#b23a2b", "#8e2326", "#6a1420")
#: Latin fonts first, then Traditional Chinese ones (so a machine with several CJK fonts
#: picks the Taiwanese glyphs rather than Japanese or Simplified ones).
FONTS = ("system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, "
         "'PingFang TC', 'Noto Sans TC', 'Noto Sans CJK TC', 'Microsoft JhengHei', "
         "'Heiti TC', 'WenQuanYi Micro Hei', sans-serif")

#: A legend's entry: (("box" | "line" | "dot", colour), words).
Entry = tuple[tuple[str, str], str]

#: A value written over bars and lines: a white outline keeps it readable.
HALO = ' stroke="#ffffff" stroke-width="4" paint-order="stroke"'

WIDTH = 420
FONT = 14  # every text, in viewBox units: about 11.5 px on a 390 px phone, 17 on a desktop
ROW = 20  # a legend row's height


@dataclass(frozen=True)
class Words:
    """A chart's words, translated by the caller: its ``title`` (the accessible name),
    ``summary`` (its figures in a sentence or two: the ``<desc>``), the titles of the x
    axis, the left y axis and the right one, the legend's entries (each chart says
    which, in which order), and what the plot says when it has nothing to show."""

    title: str
    summary: str
    x: str
    y: str
    series: tuple[str, ...]
    y2: str = ""
    empty: str = ""


# -- scales --------------------------------------------------------------------------------


def nice_ticks(top, count: int = 4, whole: bool = False) -> list[Decimal]:
    """0 and even steps up to the first at or above ``top``: 1, 2, 2.5 or 5 times a
    power of ten, about ``count`` of them (whole numbers only where ``whole``: counts).
    Nothing to show (``top`` 0) gives 0 and 1."""
    top = Decimal(top)
    if top <= 0:
        return [Decimal(0), Decimal(1)]
    raw = top / count
    power = Decimal(10) ** math.floor(math.log10(raw))
    step = power * 10
    for factor in ("1", "2", "2.5", "5", "10"):
        candidate = power * Decimal(factor)
        if whole and candidate != candidate.to_integral_value():
            continue
        if candidate >= raw:
            step = candidate
            break
    if whole:
        step = max(step, Decimal(1))
    steps = math.ceil(top / step)
    return [(step * i).normalize() if i else Decimal(0) for i in range(steps + 1)]


def _width(text: str, size: float = FONT) -> float:
    """About how wide ``text`` is drawn (viewBox units): a wide (CJK) character is one
    em, any other six tenths of one."""
    return columns(text) * 0.6 * size


def _text(value) -> str:
    """Text from outside collectctl (a name), or words, as SVG text: no control
    character, escaped."""
    return escape(terminal_text(value))


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


class _Chart:
    """One chart being drawn: its plot area (``x0``..``x1``, ``top``..``base``), the
    legend and axis titles above it, the tick labels below and beside it."""

    def __init__(self, words: Words, legend: Sequence[Entry], left: float,
                 right: float, plot_height: float, x_labels: int = 1) -> None:
        self.words = words
        self.parts: list[str] = []
        self.x0, self.x1 = left, WIDTH - right
        rows = self._legend_rows(legend)
        self.legend = rows
        titles = len(rows) * ROW + 14
        self.top = titles + (FONT + 10 if words.y or words.y2 else 2) + 6
        self.base = self.top + plot_height
        self.height = self.base + 8 + x_labels * (FONT + 4) + (FONT + 10 if words.x else 4)

    def _legend_rows(self, legend: Sequence[Entry]) -> list[list[tuple]]:
        """The legend's entries laid out left to right, wrapped at the chart's width:
        each (x, kind and colour, words)."""
        rows: list[list[tuple]] = [[]]
        x = 4.0
        for kind, words in legend:
            size = 26 + _width(words, FONT) + 16
            if rows[-1] and x + size > WIDTH - 4:
                rows.append([])
                x = 4.0
            rows[-1].append((x, kind, words))
            x += size
        return rows if rows[0] else []

    def y(self, value, top: Decimal) -> float:
        return self.base - float(Decimal(value) / top) * (self.base - self.top)

    def add(self, part: str) -> None:
        self.parts.append(part)

    def left_axis(self, ticks: Sequence[Decimal], label, empty: bool = False) -> None:
        """Grid lines at the ticks, their labels to the left of the plot (only 0's when
        the chart is ``empty``: a scale of nothing would be made up)."""
        for t in ticks[:1] if empty else ticks:
            y = self.y(t, ticks[-1])
            self.add(f'<line class="grid" x1="{_num(self.x0)}" x2="{_num(self.x1)}" '
                     f'y1="{_num(y)}" y2="{_num(y)}" stroke="{GRID}"/>')
            self.add(f'<text class="tick" x="{_num(self.x0 - 6)}" y="{_num(y)}" dy="0.35em" '
                     f'text-anchor="end">{_text(label(t))}</text>')

    def right_axis(self, ticks: Sequence[Decimal], label, colour: str) -> None:
        for t in ticks:
            y = self.y(t, ticks[-1])
            self.add(f'<text class="tick" x="{_num(self.x1 + 6)}" y="{_num(y)}" dy="0.35em" '
                     f'fill="{colour}">{_text(label(t))}</text>')

    def nothing(self) -> None:
        """The words for an empty plot, in its middle."""
        if self.words.empty:
            self.add(f'<text class="empty" x="{_num((self.x0 + self.x1) / 2)}" '
                     f'y="{_num((self.top + self.base) / 2)}" text-anchor="middle" '
                     f'fill="{MUTED}">{_text(self.words.empty)}</text>')

    def x_label(self, x: float, text: str, row: int = 0) -> None:
        y = self.base + 8 + FONT + row * (FONT + 4)
        self.add(f'<text class="tick" x="{_num(x)}" y="{_num(y)}" text-anchor="middle">'
                 f"{_text(text)}</text>")

    def svg(self, ident: str, y2_colour: str = INK) -> str:
        w = self.words
        ident = escape(ident)
        out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{ident}" '
               f'viewBox="0 0 {WIDTH} {_num(self.height)}" width="{WIDTH}" '
               f'height="{_num(self.height)}" role="img" aria-label="{_text(w.title)}" '
               f'aria-describedby="{ident}-desc" font-family="{FONTS}" '
               f'font-size="{FONT}" fill="{INK}">',
               f"<title>{_text(w.title)}</title>",
               f'<desc id="{ident}-desc">{_text(w.summary)}</desc>']
        out.extend(self._legend_svg())
        title_y = len(self.legend) * ROW + 14 + 8
        if w.y:
            out.append(f'<text class="axis-title" x="4" y="{_num(title_y)}" '
                       f'fill="{MUTED}">{_text(w.y)}</text>')
        if w.y2:
            out.append(f'<text class="axis-title" x="{WIDTH - 4}" y="{_num(title_y)}" '
                       f'text-anchor="end" fill="{y2_colour}">{_text(w.y2)}</text>')
        out.extend(self.parts)
        out.append(f'<line class="axis" x1="{_num(self.x0)}" x2="{_num(self.x1)}" '
                   f'y1="{_num(self.base)}" y2="{_num(self.base)}" stroke="{MUTED}"/>')
        if w.x:
            out.append(f'<text class="axis-title" x="{_num((self.x0 + self.x1) / 2)}" '
                       f'y="{_num(self.height - 6)}" text-anchor="middle" fill="{MUTED}">'
                       f"{_text(w.x)}</text>")
        out.append("</svg>")
        return "".join(out)

    def _legend_svg(self) -> list[str]:
        out = ['<g class="legend">']
        for r, row in enumerate(self.legend):
            y = 4 + r * ROW
            for x, (kind, colour), words in row:
                if kind == "line":
                    out.append(f'<line x1="{_num(x)}" x2="{_num(x + 20)}" y1="{y + 8}" '
                               f'y2="{y + 8}" stroke="{colour}" stroke-width="3"/>')
                elif kind == "dot":
                    out.append(f'<line x1="{_num(x)}" x2="{_num(x + 20)}" y1="{y + 8}" '
                               f'y2="{y + 8}" stroke="{colour}" stroke-width="2"/>'
                               f'<circle cx="{_num(x + 10)}" cy="{y + 8}" r="3.5" '
                               f'fill="{colour}"/>')
                else:
                    stroke = ' stroke="#bbbbbb"' if colour == DAY_OFF else ""
                    out.append(f'<rect x="{_num(x + 3)}" y="{y + 1}" width="14" height="14" '
                               f'rx="2" fill="{colour}"{stroke}/>')
                out.append(f'<text x="{_num(x + 26)}" y="{y + 8}" dy="0.35em">'
                           f"{_text(words)}</text>")
        out.append("</g>")
        return out


def _left_margin(labels: Sequence[str]) -> float:
    return max(36.0, max((_width(t) for t in labels), default=0) + 14)


# -- the charts ----------------------------------------------------------------------------


def collected_chart(ident: str, days: Sequence[date], collected: Sequence[Decimal],
                    targets: Sequence[Decimal | None], currency: str | None,
                    words: Words) -> str:
    """Collected each day (bars) against the day's target (a step line).

    A bar is green on a day at or above its target, red below it (a thin red mark where
    nothing came in), blue on a day without a target. The target is level across its
    day, so it steps between days (to 0 on a day off, shaded grey) and a one-day
    report's target is a line across the plot. ``words.series``: collected, ahead,
    behind, the target, a day off."""
    n = max(len(days), 1)
    known = [t for t in targets if t is not None]
    ticks = nice_ticks(max([*collected, *known, Decimal(0)]), whole=True)
    top = ticks[-1]
    labels = [display.money_tick(t, currency) for t in ticks]
    offs = [i for i, t in enumerate(targets) if t is not None and t == 0]
    legend: list[Entry] = []
    if known:
        legend += [(("box", AHEAD), words.series[1]), (("box", BEHIND), words.series[2]),
                   (("line", TARGET), words.series[3])]
        if offs:
            legend.append((("box", DAY_OFF), words.series[4]))
    else:
        legend.append((("box", NEUTRAL), words.series[0]))
    chart = _Chart(words, legend, _left_margin(labels), 14, 170)
    band = (chart.x1 - chart.x0) / n
    for i in offs:
        chart.add(f'<rect class="day-off" x="{_num(chart.x0 + i * band)}" '
                  f'y="{_num(chart.top)}" width="{_num(band)}" '
                  f'height="{_num(chart.base - chart.top)}" fill="{DAY_OFF}"/>')
    empty = not known and not any(collected)
    chart.left_axis(ticks, lambda t: display.money_tick(t, currency), empty)
    if empty:
        chart.nothing()
    bar = min(band * 0.7, 56)
    for i, (day, amount, target) in enumerate(zip(days, collected, targets, strict=True)):
        middle = chart.x0 + (i + 0.5) * band
        colour, status = NEUTRAL, "collected"
        if target:
            colour, status = (AHEAD, "ahead") if amount >= target else (BEHIND, "behind")
        y = chart.y(amount, top)
        height = chart.base - y
        if status == "behind" and height < 2:
            y, height = chart.base - 2, 2
        tip = f"{display.plain_day(day)}: {display.money(amount, currency)}"
        if target is not None:
            tip += f" / {display.money(target, currency)}"
        chart.add(f'<rect class="bar {status}" x="{_num(middle - bar / 2)}" y="{_num(y)}" '
                  f'width="{_num(bar)}" height="{_num(height)}" fill="{colour}">'
                  f"<title>{_text(tip)}</title></rect>")
        if n <= 3 and not empty:
            chart.add(f'<text class="value" x="{_num(middle)}" y="{_num(y - 6)}" '
                      f'text-anchor="middle"{HALO}>{_text(display.money(amount, currency))}'
                      "</text>")
    chart.add(_step_line(chart, targets, band, top))
    if n == 1 and targets and targets[0]:
        y = chart.y(targets[0], top)
        chart.add(f'<text class="value" x="{_num(chart.x1 - 2)}" y="{_num(y - 6)}" '
                  f'text-anchor="end"{HALO}>{_text(words.series[3])} '
                  f"{_text(display.money(targets[0], currency))}</text>")
    _day_labels(chart, days, band)
    return chart.svg(ident)


def _step_line(chart: _Chart, targets: Sequence[Decimal | None], band: float,
               top: Decimal) -> str:
    """The targets as one path, level across each day and vertical between days; a
    day without a target (None) breaks it."""
    path: list[str] = []
    previous = None
    for i, target in enumerate(targets):
        if target is None:
            previous = None
            continue
        y = _num(chart.y(target, top))
        left, right = _num(chart.x0 + i * band), _num(chart.x0 + (i + 1) * band)
        if previous is None:
            path.append(f"M{left},{y}H{right}")
        elif target == previous:  # the same level: the line goes on
            path[-1] = path[-1][:path[-1].rindex("H")] + f"H{right}"
        else:
            path.append(f"V{y}H{right}")
        previous = target
    if not path:
        return ""
    return (f'<path class="target" d="{"".join(path)}" fill="none" stroke="{TARGET}" '
            f'stroke-width="2.5" stroke-linejoin="miter"/>')


def _day_labels(chart: _Chart, days: Sequence[date], band: float) -> None:
    """The days under the bars, as many as fit: the day of the month (its month too on
    the first of a month after the first day, and on a report of a few days, with the
    weekday)."""
    fit = max(1, int((chart.x1 - chart.x0) // 30))
    every = math.ceil(len(days) / fit)
    for i, day in enumerate(days):
        if i % every:
            continue
        shown = display.month_day(day) if i and day.day <= every else str(day.day)
        if len(days) <= 3:
            shown = f"{display.month_day(day)} {display.weekday(day)}"
        chart.x_label(chart.x0 + (i + 0.5) * band, shown)


def hourly_chart(ident: str, hours: Sequence[tuple[int, int, int]], words: Words) -> str:
    """Calls by hour of the day (bars, the left axis) and the contact rate that hour
    (contacts / calls: a line with a dot each hour with calls, the right axis, 0-100%).
    ``hours``: (hour 0-23, calls, contacts); every hour between the first and the last
    is drawn. ``words.series``: calls, contact rate."""
    by_hour = {h: (c, k) for h, c, k in hours}
    span = list(range(min(by_hour, default=9), max(by_hour, default=17) + 1))
    ticks = nice_ticks(max([c for c, _k in by_hour.values()] + [0]), whole=True)
    top = ticks[-1]
    rates = [Decimal(p) for p in (0, 25, 50, 75, 100)]
    labels = [str(t) for t in ticks]
    legend: list[Entry] = [(("box", NEUTRAL), words.series[0]), (("dot", RATE), words.series[1])]
    chart = _Chart(words, legend, _left_margin(labels), _width("100%") + 12, 170)
    empty = not any(c for c, _k in by_hour.values())
    chart.left_axis(ticks, str, empty)
    chart.right_axis(rates, lambda p: f"{p}%", RATE)
    if empty:
        chart.nothing()
    band = (chart.x1 - chart.x0) / len(span)
    bar = min(band * 0.7, 40)
    points: list[list[str]] = [[]]
    for i, hour in enumerate(span):
        calls, contacts = by_hour.get(hour, (0, 0))
        middle = chart.x0 + (i + 0.5) * band
        y = chart.y(calls, top)
        tip = f"{hour:02d}:00 {words.series[0]} {calls}"
        if calls:
            tip += f", {words.series[1]} {_percent(Decimal(contacts) / calls)}"
        chart.add(f'<rect class="bar calls" x="{_num(middle - bar / 2)}" y="{_num(y)}" '
                  f'width="{_num(bar)}" height="{_num(chart.base - y)}" fill="{NEUTRAL}">'
                  f"<title>{_text(tip)}</title></rect>")
        if calls:
            rate_y = chart.y(Decimal(contacts) * 100 / calls, Decimal(100))
            points[-1].append(f"{_num(middle)},{_num(rate_y)}")
        elif points[-1]:
            points.append([])
        chart.x_label(middle, f"{hour:02d}")
    for run in points:
        if len(run) > 1:
            chart.add(f'<polyline class="contact-rate" points="{" ".join(run)}" fill="none" '
                      f'stroke="{RATE}" stroke-width="2.5"/>')
        for point in run:
            cx, cy = point.split(",")
            chart.add(f'<circle class="contact-rate" cx="{cx}" cy="{cy}" r="4" fill="{RATE}" '
                      f'stroke="#ffffff" stroke-width="1.5"/>')
    return chart.svg(ident, RATE)


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).quantize(Decimal('1'))}%"


def promises_chart(ident: str, rows: Sequence[tuple[str, int, int]], words: Words,
                   none_due: str = "") -> str:
    """Promises that fell due, kept and broken, a horizontal bar for each row (a
    collector; the team): kept (green) then broken (red), with their counts.
    ``rows``: (name, kept, broken); a row with none due says ``none_due``.
    ``words.series``: kept, broken."""
    names = [cut(terminal_text(name), 16) for name, _k, _b in rows]
    ticks = nice_ticks(max([k + b for _n, k, b in rows] + [0]), whole=True)
    top = ticks[-1]
    legend: list[Entry] = [(("box", AHEAD), words.series[0]), (("box", BEHIND), words.series[1])]
    left = max(48.0, max((_width(n) for n in names), default=0) + 14)
    height = 30 * max(len(rows), 1)
    chart = _Chart(words, legend, left, 24, height)
    for t in ticks:  # vertical grid lines, labels below
        x = chart.x0 + float(t / top) * (chart.x1 - chart.x0)
        chart.add(f'<line class="grid" x1="{_num(x)}" x2="{_num(x)}" y1="{_num(chart.top)}" '
                  f'y2="{_num(chart.base)}" stroke="{GRID}"/>')
        chart.x_label(x, str(t))
    scale = (chart.x1 - chart.x0) / float(top)
    for i, (name, (_n, kept, broken)) in enumerate(zip(names, rows, strict=True)):
        y = chart.top + i * 30 + 6
        chart.add(f'<text class="tick" x="{_num(chart.x0 - 6)}" y="{_num(y + 9)}" '
                  f'dy="0.35em" text-anchor="end">{_text(name)}</text>')
        x = chart.x0
        for count, colour, cls, word in ((kept, AHEAD, "kept", words.series[0]),
                                         (broken, BEHIND, "broken", words.series[1])):
            if not count:
                continue
            width = count * scale
            chart.add(f'<rect class="bar {cls}" x="{_num(x)}" y="{_num(y)}" '
                      f'width="{_num(width)}" height="18" fill="{colour}">'
                      f"<title>{_text(f'{word} {count}')}</title></rect>")
            if width >= _width(str(count)) + 6:
                chart.add(f'<text class="value" x="{_num(x + width / 2)}" y="{_num(y + 9)}" '
                          f'dy="0.35em" text-anchor="middle" fill="#ffffff">{count}</text>')
            x += width
        if not kept + broken and none_due:
            chart.add(f'<text class="value" x="{_num(chart.x0 + 6)}" y="{_num(y + 9)}" '
                      f'dy="0.35em" fill="{MUTED}">{_text(none_due)}</text>')
    return chart.svg(ident)


def buckets_chart(ident: str, buckets: Sequence[tuple[str, Decimal]], currency: str | None,
                  words: Words) -> str:
    """The open balance in each days-past-due bucket (``(bucket, balance)``, from the
    least past due to the most), a bar each, darker as the bucket is older.
    ``words.series``: balance."""
    ticks = nice_ticks(max([b for _k, b in buckets] + [Decimal(0)]), whole=True)
    top = ticks[-1]
    labels = [display.money_tick(t, currency) for t in ticks]
    legend: list[Entry] = [(("box", BUCKET_RAMP[2]), words.series[0])]
    chart = _Chart(words, legend, _left_margin(labels), 14, 170)
    empty = not any(b for _k, b in buckets)
    chart.left_axis(ticks, lambda t: display.money_tick(t, currency), empty)
    if empty:
        chart.nothing()
    band = (chart.x1 - chart.x0) / max(len(buckets), 1)
    bar = min(band * 0.7, 56)
    for i, (bucket, balance) in enumerate(buckets):
        middle = chart.x0 + (i + 0.5) * band
        y = chart.y(balance, top)
        colour = BUCKET_RAMP[min(i, len(BUCKET_RAMP) - 1)]
        chart.add(f'<rect class="bar bucket" x="{_num(middle - bar / 2)}" y="{_num(y)}" '
                  f'width="{_num(bar)}" height="{_num(chart.base - y)}" fill="{colour}">'
                  f"<title>{_text(bucket)}: {_text(display.money(balance, currency))}"
                  "</title></rect>")
        chart.x_label(middle, cut(terminal_text(bucket), 8))
    return chart.svg(ident)


def roll_rates_chart(ident: str, rates: Sequence[tuple[str, Decimal | None, Decimal | None]],
                     words: Words, no_rate: str = "—") -> str:
    """For each bucket (``(bucket, roll rate, cure rate)``, rates 0-1), two bars: the
    share that rolled to a later bucket (red: worse) and the share cured (green); a rate
    without a denominator (None) is written ``no_rate``, not drawn as 0.
    ``words.series``: roll rate, cure rate."""
    ticks = [Decimal(p) for p in (0, 25, 50, 75, 100)]
    legend: list[Entry] = [(("box", BEHIND), words.series[0]), (("box", AHEAD), words.series[1])]
    chart = _Chart(words, legend, _left_margin(["100%"]), 14, 170)
    chart.left_axis(ticks, lambda p: f"{p}%")
    if all(r is None and c is None for _b, r, c in rates):
        chart.nothing()
    band = (chart.x1 - chart.x0) / max(len(rates), 1)
    bar = min(band * 0.34, 28)
    for i, (bucket, roll, cure) in enumerate(rates):
        middle = chart.x0 + (i + 0.5) * band
        for offset, rate, colour, cls, word in ((-1, roll, BEHIND, "roll", words.series[0]),
                                                (0, cure, AHEAD, "cure", words.series[1])):
            x = middle + offset * bar
            if rate is None:
                chart.add(f'<text class="value none" x="{_num(x + bar / 2)}" '
                          f'y="{_num(chart.base - 6)}" text-anchor="middle" fill="{MUTED}">'
                          f"{_text(no_rate)}</text>")
                continue
            y = chart.y(rate * 100, Decimal(100))
            chart.add(f'<rect class="bar {cls}" x="{_num(x)}" y="{_num(y)}" '
                      f'width="{_num(bar)}" height="{_num(chart.base - y)}" fill="{colour}">'
                      f"<title>{_text(bucket)} {_text(word)} {_percent(rate)}</title></rect>")
        chart.x_label(middle, cut(terminal_text(bucket), 8))
    return chart.svg(ident)
