"""The one sanitiser for debtor text (render/safe.py): table-driven cases, then properties."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collectctl.render.safe import (
    BIDI_CONTROLS,
    csv_cell,
    formula_safe,
    json_text,
    markdown_text,
    number_cell,
    one_line,
    terminal_text,
)


def forbidden(text: str, allowed: str = "\t") -> list[str]:
    """The characters of ``text`` a terminal would obey: C0 and C1 controls and DEL (but
    ``allowed``), bidi controls, line and paragraph separators, lone surrogates."""
    return [f"U+{ord(ch):04X}" for ch in text
            if (unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") and ch not in allowed)
            or ch in BIDI_CONTROLS]


@pytest.mark.parametrize(("raw", "shown"), [
    ("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"),                  # clears the screen
    ("\x1b]8;;http://x\x07", "\\x1b]8;;http://x\\x07"),    # an OSC hyperlink, unterminated
    ("\u009b31m", "\\x9b31m"),                             # C1 CSI
    ("abc\u202edef", "abc\\u202edef"),                     # right-to-left override
    ("\u2066a\u2069\u200e\u200f\u061c", "\\u2066a\\u2069\\u200e\\u200f\\u061c"),
    ("a\x7fb\x00c", "a\\x7fb\\x00c"),
    ("one\r\ntwo", "one\\r\\ntwo"),
    ("tab\there", "tab\there"),
    ("bad\udcffbyte", "bad\\udcffbyte"),
    ("王小明\u3000先生", "王小明\u3000先生"),
    ("[red]x[/red] :warning:", "[red]x[/red] :warning:"),  # rich's business, not ours
    (None, ""),
    (12, "12"),
])
def test_terminal_text(raw, shown):
    assert terminal_text(raw) == shown


def test_newline_is_kept_only_where_asked():
    assert terminal_text("a\nb\r\n", multiline=True) == "a\nb\\r\n"
    assert one_line("a\tb\nc") == "a b\\nc"


@given(st.text())
def test_nothing_a_terminal_obeys_comes_out(text):
    assert forbidden(terminal_text(text)) == []
    assert forbidden(terminal_text(text, multiline=True), allowed="\t\n") == []
    assert forbidden(one_line(text), allowed="") == []


@given(st.text(st.characters().filter(str.isprintable)))
def test_printable_text_is_unchanged(text):
    assert terminal_text(text) == text
    assert terminal_text(text + "\t" + text) == text + "\t" + text


@pytest.mark.parametrize("cell", [
    "=cmd|' /C calc'!A0", '=HYPERLINK("http://evil","click")', "＝1+1", "  =1", "@SUM(A1)",
    "+1+1", "-1+1", "\t=1", "\r=1", "\u3000=1", "＋1", "－1", "＠A1",
])
def test_formulas_are_neutralised(cell):
    assert formula_safe(cell) == "'" + cell
    assert csv_cell(cell)[:1] in ("'", "\\")  # CR shown as its escape


@pytest.mark.parametrize("cell", ["", "John", "12.50", "O'Brien", "a=b", "王小明"])
def test_other_text_is_unchanged(cell):
    assert formula_safe(cell) == cell


@pytest.mark.parametrize(("value", "cell"), [
    ("-12.50", "-12.50"), ("1,234.00", "1,234.00"), ("-1e-05", "-1e-05"), (-3, "-3"),
    (-0.5, "-0.5"), ("-1+1", "'-1+1"), ("=1", "'=1"), (" -12.50", "' -12.50"), (None, ""),
])
def test_our_numbers_stay_numbers(value, cell):
    assert number_cell(value) == cell


def test_a_typed_number_is_a_number_in_csv_and_text_is_not():
    from decimal import Decimal

    assert csv_cell(Decimal("-12.50")) == "-12.50" and csv_cell(-2) == "-2"
    assert csv_cell("-12.50") == "'-12.50"  # text that looks like a number: a debtor's
    assert csv_cell(True) == "True"


@given(st.text())
def test_no_cell_starts_a_formula(text):
    def runs(cell: str) -> bool:
        lead = cell.lstrip()[:1]
        return cell[:1] in ("\t", "\r") or bool(lead and lead in "=+-@＝＋－＠﹢﹣﹦")

    assert not any(runs(cell) for cell in (formula_safe(text), csv_cell(text)))
    cell = number_cell(text)
    assert not runs(cell) or (cell == text and re.fullmatch(r"[+-][0-9][0-9,.eE+-]*", text))


def test_markdown_text():
    assert markdown_text("a|b <script>&amp;") == "a\\|b &lt;script&gt;&amp;amp;"
    assert markdown_text("[click](http://evil) *x* `y` _z_ \\") == \
        "\\[click\\](http://evil) \\*x\\* \\`y\\` \\_z\\_ \\\\"
    assert markdown_text("=1+1") == "'=1+1" and markdown_text("line\nbreak") == "line\\\\nbreak"
    assert markdown_text("\x1b[2J") == "\\\\x1b\\[2J"


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)))
def test_json_stays_exact(value):
    dumped = json_text(json.dumps(value, ensure_ascii=False))
    assert json.loads(dumped) == value
    assert forbidden(dumped) == []
