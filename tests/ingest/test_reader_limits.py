"""The reader holds a bounded amount of any file (``reader.Limits``, lowered here).

A record longer than a record may be, one with too many cells, and a quote that runs on
are refused as rows (``RecordProblem``), never swallowing the rows after them; a header
beyond the limits refuses the file with one line naming it and the limit.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from collectctl.core import reasons as r
from collectctl.errors import InputFileError
from collectctl.ingest import reader
from collectctl.ingest.headers import HeaderMatcher
from collectctl.ingest.reader import Limits, RecordProblem, open_table

HEADER = "account_id,name,amount_due\n"
score = HeaderMatcher().score


@pytest.fixture
def small_limits(monkeypatch):
    limits = Limits(record_chars=200, quoted_lines=5, cells=8, header_chars=60,
                    header_cell_chars=20)
    monkeypatch.setattr(reader, "LIMITS", limits)
    return limits


def read(make_csv, text: str, encoding: str = "utf-8"):
    with open_table(make_csv("limits.csv", text, encoding), score) as table:
        return [(line, cells.code if isinstance(cells, RecordProblem) else cells)
                for line, cells in table.records()], table


def rows(count: int, start: int = 1) -> str:
    return "".join(f"A{n},Name {n},{n}\n" for n in range(start, start + count))


def test_a_quote_that_runs_on_refuses_only_its_line(make_csv, small_limits):
    text = HEADER + rows(2) + 'A3,"Ann,3\n' + rows(10, start=4)
    found, _table = read(make_csv, text)
    assert found[2] == (4, r.UNCLOSED_QUOTE)
    # Every row after it is read as itself, with its own line number.
    assert found[3:] == [(5 + k, [f"A{n}", f"Name {n}", str(n)])
                         for k, n in enumerate(range(4, 14))]
    assert len(found) == 13


def test_the_refused_line_keeps_its_cells_for_the_rejects_file(make_csv, small_limits):
    path = make_csv("q.csv", HEADER + 'A3,"Ann,3\n' + rows(10, start=4))
    with open_table(path, score) as table:
        line, problem = next(table.records())
    assert line == 2 and isinstance(problem, RecordProblem)
    assert problem.raw == ("A3", "Ann,3") and problem.detail == {"lines": 5}


def test_a_quote_still_open_at_the_end_of_the_file(make_csv, small_limits):
    found, _table = read(make_csv, HEADER + 'A1,"Ann,1\n' + rows(2, start=2))
    assert found == [(2, r.UNCLOSED_QUOTE), (3, ["A2", "Name 2", "2"]),
                     (4, ["A3", "Name 3", "3"])]


def test_a_quoted_field_over_a_few_lines_is_one_cell(make_csv, small_limits):
    found, _table = read(make_csv, HEADER + 'A1,"line one\nline two\nline three",1\n'
                         + rows(1, start=2))
    assert found == [(2, ["A1", "line one\nline two\nline three", "1"]),
                     (5, ["A2", "Name 2", "2"])]


def test_a_line_too_long_is_refused_and_not_kept(make_csv, small_limits):
    found, _table = read(make_csv, HEADER + rows(1) + "A2,x" + "y" * 5000 + ",2\n"
                         + rows(1, start=3))
    assert found == [(2, ["A1", "Name 1", "1"]), (3, r.LINE_TOO_LONG),
                     (4, ["A3", "Name 3", "3"])]


def test_a_line_too_long_inside_a_quote(make_csv, small_limits):
    found, _table = read(make_csv, HEADER + 'A1,"open\n' + rows(1, start=2)
                         + "z" * 5000 + "\n" + rows(1, start=3))
    assert found == [(2, r.UNCLOSED_QUOTE), (3, ["A2", "Name 2", "2"]),
                     (4, r.LINE_TOO_LONG), (5, ["A3", "Name 3", "3"])]


def test_a_row_with_too_many_cells(make_csv, small_limits):
    found, _table = read(make_csv, HEADER + "A1," + ",".join("9" * 20) + "\n" + rows(1, 2))
    assert found == [(2, r.TOO_MANY_CELLS), (3, ["A2", "Name 2", "2"])]


@pytest.mark.parametrize(("text", "message"), [
    (",".join(f"c{n}" for n in range(9)) + "\n", "limits.csv:1: the header has more than 8 "
                                                 "columns"),
    (",".join(f"col{n}" for n in range(7)) + ",x" + "y" * 40 + "\n",
     "limits.csv:1: the header is longer than 60 characters"),
    ("account_id," + "h" * 21 + "\n", "limits.csv:1: header column 2 is longer than 20 "
                                      "characters"),
    ("h" * 500 + "\n", "limits.csv:1: the header is longer than 60 characters"),
    ('account_id,"name\n' + "x\n" * 10, "limits.csv:1: a quote in the header is not "
                                        "closed within 5 lines"),
])
def test_a_header_beyond_the_limits_refuses_the_file(make_csv, small_limits, text, message):
    with pytest.raises(InputFileError) as caught:
        read(make_csv, text)
    assert str(caught.value) == message


def test_a_nul_in_a_row_is_not_a_binary_file(make_csv):
    found, table = read(make_csv, HEADER + "A1,An\x00n,1\n" + rows(1, start=2))
    assert found[0] == (2, ["A1", "An\x00n", "1"])
    assert table.maybe_nul


def test_a_file_without_nul_says_so(make_csv):
    _found, table = read(make_csv, HEADER + rows(3))
    assert not table.maybe_nul


def test_a_nul_in_the_header_is_not_text(make_csv):
    with pytest.raises(InputFileError, match="not a text"):
        read(make_csv, "account_id,na\x00me,amount_due\n" + rows(1))


# -- memory: real limits, files of tens of megabytes, a separate process measured ---------

MEASURE = textwrap.dedent("""
    import resource, subprocess, sys
    done = subprocess.run([sys.executable, "-m", "collectctl", "--db", sys.argv[1],
                           "--now", "2026-12-04T09:00:00+08:00", "import", "accounts",
                           sys.argv[2], "--format", "json"], capture_output=True, text=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    print(done.returncode, peak, repr(done.stderr.strip()), done.stdout.count('"line"'))
""")


def _import_measured(tmp_path, path) -> tuple[int, int, str, int]:
    """(exit code, peak memory in MB, stderr, rejections) of an import of ``path``, into a
    database made before (stderr is the file's, not "created a new database")."""
    from collectctl.storage import open_store

    open_store(tmp_path / "m.db").close()
    out = subprocess.run([sys.executable, "-c", MEASURE, str(tmp_path / "m.db"), str(path)],
                         capture_output=True, text=True, check=True).stdout.split(" ", 2)
    code, peak, rest = out
    stderr, _sep, count = rest.rpartition(" ")
    return int(code), int(peak), eval(stderr), int(count)  # noqa: S307 - our repr


@pytest.mark.sqlite_only("the reader is the same on both engines")
def test_a_huge_header_takes_little_memory(tmp_path):
    path = tmp_path / "header.csv"
    with open(path, "w", encoding="utf-8") as out:
        out.write("account_id,amount_due")
        for block in range(600):
            out.write("".join(f",column{block}_{n}" for n in range(5000)))
        out.write("\n")
    assert path.stat().st_size > 40 * 2**20
    code, peak, stderr, _count = _import_measured(tmp_path, path)
    assert code == 2
    assert stderr == "collectctl: error: header.csv:1: the header is longer than 65536 characters"
    assert peak < 150, f"{peak} MB"


@pytest.mark.sqlite_only("the reader is the same on both engines")
def test_a_quote_never_closed_in_a_big_file_takes_little_memory(tmp_path):
    path = tmp_path / "quote.csv"
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEADER + 'Q0,"Ann,5\n' + rows(300))
        out.write("Q-long," + "x" * (40 * 2**20) + ",1\n")
    code, peak, _stderr, rejected = _import_measured(tmp_path, path)
    assert (code, rejected) == (1, 2)  # the line with the quote and the line too long
    assert peak < 150, f"{peak} MB"
