"""The html report: self-contained, escaped, readable on a desktop, a phone and A4, and
checked in a real browser (Debian's chromium, headless): screenshots at 1280 and 390 px
wide, the DOM as Chromium built it, and the print to PDF.

Without chromium the browser tests are skipped, saying why, except under CI, where that
is a failure (.ci/run installs it)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from collectctl.render import charts
from collectctl.resources import bundled
from tests.render import png

HEADER = "account_id,name,amount_due,mobile,assigned_to\n"
EVIL = "<script>alert(1)</script>"
ONE_ENGINE = "the page is the same from either engine; one browser run is enough"


@pytest.fixture
def html(cli, make_csv, tmp_path):
    cli.now = "2026-12-04T10:00:00+08:00"
    rows = f"A-1,王小明,10000,0912-345-678,{EVIL}\nB-1,林美玲,5000,0922-333-444,bob\n"
    assert cli("import", "accounts", make_csv("a.csv", HEADER + rows)).exit_code == 0
    for args in (["A-1", "na"], ["A-1", "ptp", "-a", "100", "-d", "2026-12-04"],
                 ["B-1", "rpc"]):
        assert cli("log", *args, "-c", EVIL).exit_code == 0
    cli("pay", "A-1", "100")
    path = tmp_path / "report.html"
    cli.now = "2026-12-07T10:00:00+08:00"
    result = cli("report", "--from", "2026-12-01", "--to", "2026-12-07", "-f", "html",
                 "-o", path)
    assert result.exit_code == 0, result.output
    return path


def test_html_is_self_contained_and_escaped(html):
    text = html.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "<script" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in text and "@import" not in text and "url(" not in text
    # The period's three charts, then the portfolio's (one currency: its balance by
    # bucket, and its roll and cure rates), each an image with its words.
    assert text.count("<svg") == 5 and text.count('role="img"') == 5
    assert 'class="bar collected"' in text and 'class="bar calls"' in text
    assert 'class="bar kept"' in text
    # A4 portrait, charts kept whole on a page; readable on a phone.
    assert "@page{size:A4 portrait" in text and "@media print" in text
    assert "figure{" in text and "break-inside:avoid" in text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text


# -- the bundled examples, in a browser -------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> str:
    """Debian's chromium, or a skip saying why (a failure under CI)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have Debian's chromium (.ci/run installs it)", pytrace=False)
        pytest.skip("no chromium on this machine (apt-get install chromium); CI runs this")
    return found


def chromium(browser: str, tmp_path: Path, *args: str) -> str:
    """One headless Chromium run (its own profile under the test's directory, nothing
    fetched from the network); its stdout."""
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--hide-scrollbars",
             f"--user-data-dir={tmp_path / 'profile'}"]
    done = subprocess.run([browser, *flags, *args], capture_output=True, text=True,
                          timeout=120)
    return done.stdout


@pytest.fixture
def examples(cli, tmp_path):
    """The demo's data (the bundled accounts, payments and calls of November 2026) with a
    team target of 500,000 for November; its report for the month and for one day."""
    cli.now = "2026-12-04T18:00:00+08:00"
    for name in ("accounts.csv", "accounts_zh_big5.csv"):
        assert cli("import", "accounts", bundled(f"examples/{name}")).exit_code == 0
    assert cli("import", "payments", bundled("examples/payments.csv")).exit_code == 0
    assert cli("import", "calls", bundled("examples/calls.csv")).exit_code == 0
    assert cli("target", "set", "collected=500000", "--period", "month", "--start",
               "2026-11-01", "--team").exit_code == 0
    pages = {}
    for name, span in (("month", ["--from", "2026-11-01", "--to", "2026-11-30"]),
                       ("day", ["--date", "2026-11-20"])):
        pages[name] = tmp_path / f"{name}.html"
        result = cli("report", *span, "-f", "html", "-o", pages[name])
        assert result.exit_code == 0, result.output
    return pages


class Charts(HTMLParser):
    """The <svg> charts of a page, as the DOM Chromium dumped has them: each one's
    attributes, its own <title> and <desc>, its texts (class, text) and its shapes."""

    def __init__(self) -> None:
        super().__init__()
        self.charts: list[dict] = []
        self._open: list[tuple[str, str]] = []  # (tag, class) inside the current chart

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg":
            self.charts.append({"attrs": attrs, "title": "", "desc": "", "texts": [],
                                "shapes": []})
            self._open = []
        elif self.charts and tag in ("rect", "path", "polyline", "circle"):
            self.charts[-1]["shapes"].append((tag, attrs))
        self._open.append((tag, attrs.get("class") or ""))

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not self.charts or not self._open:
            return
        chart, (tag, cls) = self.charts[-1], self._open[-1]
        parent = self._open[-2][0] if len(self._open) > 1 else ""
        if tag in ("title", "desc") and parent == "svg":
            chart[tag] += data
        elif tag == "text":
            chart["texts"].append((cls, data))


#: The portfolio's charts after the period's: its balance by bucket and its roll and cure
#: rates (a chart each per currency; November's has no account open yet, so one each,
#: saying so).
PORTFOLIO_TITLES = ["Open balance by days past due", "Roll and cure rates by bucket"]


def dom_charts(dom: str) -> list[dict]:
    parser = Charts()
    parser.feed(dom)
    return parser.charts


@pytest.mark.sqlite_only(ONE_ENGINE)
def test_chromium_builds_every_chart_with_its_words_axes_and_currency(examples, browser,
                                                                      tmp_path):
    dom = chromium(browser, tmp_path, "--dump-dom", examples["month"].as_uri())
    assert dom.lstrip().startswith("<!DOCTYPE html>") and "<script" not in dom
    found = dom_charts(dom)
    assert [c["title"].strip() for c in found[3:]] == PORTFOLIO_TITLES
    for chart in found:
        attrs = chart["attrs"]
        assert attrs["role"] == "img" and attrs["aria-label"] == chart["title"].strip()
        assert chart["title"] and len(chart["desc"]) > 20
        assert "Noto Sans CJK TC" in attrs["font-family"]
        kinds = {kind for kind, _text in chart["texts"]}
        assert "axis-title" in kinds and "tick" in kinds, kinds
    collected, hourly, promises = found[:3]
    assert collected["title"] == "Collected per day against the target"
    ticks = [t for kind, t in collected["texts"] if kind == "tick"]
    assert "NT$0" in ticks and "NT$100k" in ticks
    axis = [t for kind, t in collected["texts"] if kind == "axis-title"]
    assert axis == ["collected (NT$)", "day (2026-11-01 – 2026-11-30)"]
    assert "Target 500,000.00 TWD: behind" in collected["desc"]
    assert [t for k, t in hourly["texts"] if k == "axis-title"] == [
        "calls", "contact rate (%)", "hour of day"]
    assert "100%" in [t for k, t in hourly["texts"] if k == "tick"]
    assert "kept 5, broken 1" in promises["desc"]
    # The status colours: ahead green, behind red, as the words say.
    shapes = collected["shapes"]
    assert any(a.get("fill") == charts.AHEAD and "ahead" in a.get("class", "")
               for _t, a in shapes)
    assert any(a.get("fill") == charts.BEHIND and "behind" in a.get("class", "")
               for _t, a in shapes)
    assert '<span class="status behind">behind</span>' in dom


@pytest.mark.sqlite_only(ONE_ENGINE)
def test_a_one_day_report_shows_its_target_as_a_line(examples, browser, tmp_path):
    dom = chromium(browser, tmp_path, "--dump-dom", examples["day"].as_uri())
    collected = dom_charts(dom)[0]
    (target,) = [a for tag, a in collected["shapes"] if tag == "path"]
    m = re.fullmatch(r"M([\d.]+),([\d.]+)H([\d.]+)", target["d"])
    assert m and float(m[3]) - float(m[1]) > 300
    values = [t for kind, t in collected["texts"] if kind == "value"]
    assert "target 23,809.52 TWD" in values and "165,050.00 TWD" in values


@pytest.mark.sqlite_only(ONE_ENGINE)
@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_at_desktop_and_phone_widths(examples, browser, tmp_path, width):
    """Not blank, as wide as the window, and showing the status colours; kept under the
    test's directory (``pytest --basetemp DIR`` to look at them)."""
    shot = tmp_path / f"report-{width}.png"
    chromium(browser, tmp_path, f"--screenshot={shot}", f"--window-size={width},1600",
             examples["month"].as_uri())
    assert png.size(shot) == (width, 1600)
    image = png.pixels(shot).astype(int)
    white = (image >= 245).all(axis=2).mean()
    assert 0.5 < white < 0.97  # a page with content on a white ground

    def pixels_near(colour: str) -> int:
        rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
        return int((np.abs(image - rgb).sum(axis=2) < 40).sum())

    assert pixels_near(charts.AHEAD) > 300 and pixels_near(charts.BEHIND) > 300
    assert pixels_near(charts.NEUTRAL) > 300


@pytest.mark.sqlite_only(ONE_ENGINE)
def test_it_prints_on_a4_portrait(examples, browser, tmp_path):
    pdf = tmp_path / "report.pdf"
    chromium(browser, tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
             examples["month"].as_uri())
    data = pdf.read_bytes()
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", data)
    assert boxes and all(abs(float(w) - 595.3) < 1 and abs(float(h) - 841.9) < 1
                         for w, h in boxes)  # A4: 210 x 297 mm in points
    assert len(boxes) <= 2


def test_the_chinese_report_is_in_chinese_with_cjk_fonts(examples, cli):
    page = cli("--lang", "zh_TW", "report", "--from", "2026-11-01", "--to", "2026-11-30",
               "-f", "html").stdout
    found = dom_charts(page)
    assert [c["title"] for c in found][:3] == ["每日回收金額與目標對照", "各時段撥打數與接觸率",
                                               "到期承諾：履約與毀諾"]
    assert [c["title"] for c in found][3:] == ["各逾期級距的未結餘額", "各逾期級距的轉逾率與回正率"]
    assert "NT$10萬" in [t for k, t in found[0]["texts"] if k == "tick"]
    assert "'Noto Sans TC'" in page and "'Microsoft JhengHei'" in page
    assert '<span class="status behind">落後</span>' in page


def test_only_the_html_report_loads_the_charts(cli, make_csv):
    """The charts and the page are imported when an html report is made, and by no
    other command or format (``progress``, the text report: they start as before)."""
    import subprocess
    import sys

    assert cli("import", "accounts", make_csv("a.csv", HEADER + "A-1,A,100,0912345678,"
                                               "alice\n")).exit_code == 0
    code = (
        "import sys\n"
        f"sys.argv = ['collectctl', '--db', {str(cli.db)!r}, '--now', {cli.now!r}] + "
        "sys.argv[1:]\n"
        "from collectctl.cli import main\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "print('LOADED', [m for m in ('collectctl.render.charts',"
        " 'collectctl.render.report_html') if m in sys.modules])\n"
    )
    for args, loaded in ((["report"], "[]"), (["progress", "--team"], "[]"),
                         (["report", "-f", "json"], "[]"),
                         (["report", "-f", "html"], "['collectctl.render.charts', "
                                                    "'collectctl.render.report_html']")):
        out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                             text=True, check=True).stdout
        assert out.rstrip().endswith(f"LOADED {loaded}"), (args, out[-300:])
