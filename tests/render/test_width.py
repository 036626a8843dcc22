"""Display width agrees with rich's own measure, so a padded table lines up the way a rich
table does: combining accents and zero-width spaces take no column, a CJK character or an
emoji two (with its variation selector; a joined emoji sequence as rich counts it)."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table

from collectctl.render.width import columns, pad, rjust, table_lines, wide

SAMPLES = [
    "TW-100001", "規則", "NT$１", "Jose\u0301", "e\u0301\u0302", "a\u200bb", "\u200b",
    "👍", "❤\ufe0f", "👨\u200d👩\u200d👧", "🇹🇼", "王小明\u3000先生", "tab\there", "",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_columns_are_rich_cells(text):
    assert columns(text) == cell_len(text)


def test_the_cases_the_hand_written_table_got_wrong():
    assert columns("Jose\u0301") == 4  # a combining accent sits on its letter
    assert columns("a\u200bb") == 2  # a zero-width space takes no column
    assert columns("👍") == 2
    assert pad("Jose\u0301", 6) == "Jose\u0301  "
    assert rjust("a\u200bb", 3) == " a\u200bb"


def test_wide_characters():
    assert wide("規") and wide("👍") and wide("１")
    assert not wide("a") and not wide("\u0301") and not wide("\u200b") and not wide("é")


def test_a_table_lines_up_as_rich_draws_it():
    """Each row's second cell starts in the same terminal column, here as in rich's table."""
    rows = [["Jose\u0301 Wu", "NT$1,000"], ["王小明", "NT$25"], ["a\u200bb 👍", "NT$3"]]
    ours = table_lines(["name", "due"], rows, left=2)[1:]
    table = Table("name", "due", box=None, show_header=False, pad_edge=False)
    for name, due in rows:
        table.add_row(name, due)
    console = Console(width=80, record=True, file=io.StringIO())
    console.print(table)
    theirs = console.export_text().splitlines()
    for lines in (ours, theirs):
        assert len({cell_len(line[:line.index("NT$")]) for line in lines}) == 1, lines


def test_measuring_ascii_does_not_import_rich():
    code = ("import sys; from collectctl.render.width import columns, table_lines;"
            "columns('TW-100001 no answer'); table_lines(['a'], [['b']]);"
            "print('rich' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"
