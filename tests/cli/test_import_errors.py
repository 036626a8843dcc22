"""What an import says about the rows it refuses: the line, the column and what was
expected, never the value read (names and phones land anywhere when a column shifts);
``--show-values`` quotes the cell, cut to 40 characters and escaped. A NUL character
refuses its row the same way on both engines; a quote never closed refuses its line only.
"""

from __future__ import annotations

import csv
import json

import pytest

ACCOUNTS = "account_id,name,amount_due,mobile,due_date\n"
#: An unquoted comma in a name shifts every later cell one column right.
SHIFTED = ("A-1,Ann Lee,1000,0912345678,2026-01-01\n"
           "A-2,Distinct, Xavier,2000,0933444555,2026-01-01\n"
           "A-3,Bob,0933-444-555,2026-01-01,\n")
PERSONAL = ("Xavier", "Distinct", "0933444555", "0933-444-555", "Bob")


def test_rejections_name_the_column_never_the_value(cli, make_csv, tmp_path):
    path = make_csv("shifted.csv", ACCOUNTS + SHIFTED)
    rejects = tmp_path / "rejects.csv"
    text = cli("import", "accounts", path, "--rejects", rejects, "--dry-run")
    assert text.exit_code == 1
    assert "  line 3: A-2: amount_due: not a number" in text.stdout.splitlines()
    assert "  line 4: A-3: amount_due: not a number" in text.stdout.splitlines()
    _result, summary = cli.json("import", "accounts", path, "--dry-run")
    reasons = [row["text"] for row in summary["rejected"]]
    assert reasons == ["amount_due: not a number"] * 2
    assert all("value" not in row for row in summary["rejected"])
    with open(rejects, encoding="utf-8-sig", newline="") as written:
        reason_column = [row[-1] for row in csv.reader(written)][1:]
    assert reason_column == ["line 3: amount_due: not a number",
                             "line 4: amount_due: not a number"]
    for shown in (text.stdout + text.stderr, json.dumps(reasons), "".join(reason_column)):
        assert not any(word in shown for word in PERSONAL), shown


def test_show_values_quotes_the_cell(cli, make_csv, tmp_path):
    path = make_csv("shifted.csv", ACCOUNTS + SHIFTED)
    rejects = tmp_path / "rejects.csv"
    text = cli("import", "accounts", path, "--show-values", "--rejects", rejects,
               "--dry-run")
    assert "  line 3: A-2: amount_due: not a number (found ' Xavier')" in text.stdout
    assert "  line 4: A-3: amount_due: not a number (found '0933-444-555')" in text.stdout
    _result, summary = cli.json("import", "accounts", path, "--show-values", "--dry-run")
    assert [(r["value"], r["text"]) for r in summary["rejected"]] == [
        (" Xavier", "amount_due: not a number (found ' Xavier')"),
        ("0933-444-555", "amount_due: not a number (found '0933-444-555')")]
    with open(rejects, encoding="utf-8-sig", newline="") as written:
        assert [row[-1] for row in csv.reader(written)][1:] == [
            "line 3: amount_due: not a number (found ' Xavier')",
            "line 4: amount_due: not a number (found '0933-444-555')"]


def test_shown_values_are_cut_and_escaped(cli, make_csv):
    long_name = "N" * 100
    path = make_csv("odd.csv", ACCOUNTS + f"B-1,x,{long_name},0912345678,\n"
                    "B-2,x,\x1b[2J\x1b]0;owned\x07\u202e,0912345678,\n")
    text = cli("import", "accounts", path, "--show-values", "--dry-run")
    lines = text.stdout.splitlines()
    assert f"  line 2: B-1: amount_due: not a number (found '{'N' * 40}\u2026')" in lines
    assert ("  line 3: B-2: amount_due: not a number (found "
            "'\\x1b[2J\\x1b]0;owned\\x07\\u202e')") in lines
    assert "\x1b" not in text.stdout and "\u202e" not in text.stdout
    _result, summary = cli.json("import", "accounts", path, "--show-values", "--dry-run")
    assert summary["rejected"][0]["value"] == "N" * 40 + "\u2026"


def test_values_a_row_error_would_say_are_left_out(cli, make_csv):
    """A date in the future or the past is a value read: said only with --show-values."""
    assert cli("import", "accounts", make_csv("a.csv", ACCOUNTS + "P-1,x,5000,0912345678,"
                                              "\n")).exit_code == 0
    feed = make_csv("p.csv", "account_id,amount,paid_on\nP-1,10,2027-03-01\n")
    plain = cli("import", "payments", feed, "--dry-run")
    assert plain.stdout.splitlines()[1] == "  line 2: P-1: paid_on: in the future"
    shown = cli("import", "payments", feed, "--dry-run", "--show-values")
    assert shown.stdout.splitlines()[1] == ("  line 2: P-1: paid_on: 2027-03-01 is in the "
                                            "future (found '2027-03-01')")


def _padding(rows: int) -> str:
    return "".join(f"P-{n},Name {n},{100 + n},0912{n:06d},\n" for n in range(rows))


@pytest.mark.parametrize("where", ["first rows", "past the sample"])
def test_a_nul_refuses_its_row_on_every_engine(cli, make_csv, where):
    padding = _padding(3 if where == "first rows" else 2500)
    assert len(padding) > 64 * 1024 or where == "first rows"
    path = make_csv("nul.csv", ACCOUNTS + padding + "N-1,An\x00n,500,0912000001,\n"
                    "N-2,Bo,600,0912000002,\n")
    result, summary = cli.json("import", "accounts", path)
    assert result.exit_code == 1
    line = padding.count("\n") + 2
    assert [(r["line"], r["reason"], r["column"], r["text"]) for r in summary["rejected"]] == [
        (line, "nul_byte", "name", "name: a NUL character (\\0), which the database cannot "
                                   "store")]
    assert summary["inserted"] == padding.count("\n") + 1
    assert cli.sql("SELECT COUNT(*) FROM accounts WHERE account_id = 'N-2'")[0][0] == 1


def test_a_nul_in_payments_and_calls(cli, make_csv):
    assert cli("import", "accounts", make_csv("a.csv", ACCOUNTS + "C-1,x,5000,0912345678,"
                                              "\n")).exit_code == 0
    payments = make_csv("p.csv", "account_id,amount,paid_on,reference\n"
                        "C-1,10,2026-12-01,R\x001\nC-1,20,2026-12-01,R2\n")
    result, summary = cli.json("import", "payments", payments)
    assert [(r["line"], r["reason"], r["column"]) for r in summary["rejected"]] == [
        (2, "nul_byte", "reference")]
    assert summary["inserted"] == 1
    calls = make_csv("c.csv", "account_id,called_at,outcome,note\n"
                     "C-1,2026-12-03 10:00,na,hello\x00\nC-1,2026-12-03 11:00,na,fine\n")
    result, summary = cli.json("import", "calls", calls, "--collector", "alice")
    assert [(r["line"], r["reason"], r["column"]) for r in summary["rejected"]] == [
        (2, "nul_byte", "note")]
    assert summary["inserted"] == 1


def test_a_quote_never_closed_refuses_one_line(cli, make_csv):
    path = make_csv("quote.csv", ACCOUNTS + 'Q-0,"Ann,100,0912345678,\n' + _padding(300))
    result, summary = cli.json("import", "accounts", path)
    assert result.exit_code == 1
    assert [(r["line"], r["account_id"], r["reason"], r["text"])
            for r in summary["rejected"]] == [
        (2, "Q-0", "unclosed_quote", "a quote opened on this line is not closed within 100 "
                                     "lines; the lines after it are read as rows")]
    assert summary["inserted"] == 300


@pytest.mark.sqlite_only("the order comes from the parse workers, the same on both engines")
def test_rejections_come_in_file_order_from_parallel_parsing(cli, make_csv, monkeypatch):
    from collectctl.app import imports as importer

    monkeypatch.setattr(importer, "CHUNK_ROWS", 7)
    monkeypatch.setattr(importer, "PARALLEL_BYTES", 0)
    rows = []
    for n in range(120):
        kind = n % 5
        rows.append(f"R-{n},x,{'bad' if kind == 0 else 100 + n},0912345678,"
                    if kind != 1 else f"R-{n - 1},dup,100,0912345678,")  # a duplicate
        if n % 17 == 0:
            rows.append(f"R-nul{n},a\x00b,5,0912345678,")
    path = make_csv("order.csv", ACCOUNTS + "\n".join(rows) + "\n")
    result, summary = cli.json("import", "accounts", path)
    lines = [r["line"] for r in summary["rejected"]]
    assert lines == sorted(lines)
    assert {r["reason"] for r in summary["rejected"]} == {"not_a_number", "duplicate_id",
                                                          "nul_byte"}


def test_many_rejections_are_kept_on_disk_and_all_listed(cli, make_csv, monkeypatch,
                                                         tmp_path):
    """Past the first few (a thousand), rejections go to a temporary file: the JSON
    document and the rejects file still list every one, in order; the summary lists the
    first ones and says how many more."""
    from collectctl.app import rejections
    from collectctl.render import text

    monkeypatch.setattr(rejections, "KEEP", 3)
    monkeypatch.setattr(rejections, "BATCH", 2)
    monkeypatch.setattr(text, "SHOWN_REJECTIONS", 4)
    path = make_csv("bad.csv", ACCOUNTS + "".join(f"M-{n},x,bad,0912345678,\n"
                                                  for n in range(10)))
    rejects = tmp_path / "rejects.csv"
    summary_text = cli("import", "accounts", path, "--rejects", rejects).stdout.splitlines()
    assert summary_text[1:6] == [*(f"  line {n}: M-{n - 2}: amount_due: not a number"
                                   for n in range(2, 6)),
                                 "  ... and 6 more rejected rows (--format json or "
                                 "--rejects FILE lists every one)"]
    _result, summary = cli.json("import", "accounts", path)
    assert [r["line"] for r in summary["rejected"]] == list(range(2, 12))
    with open(rejects, encoding="utf-8-sig", newline="") as written:
        assert [row[0] for row in csv.reader(written)][1:] == [f"M-{n}" for n in range(10)]


def test_rejections_spill_in_order():
    from collectctl.app import rejections
    from collectctl.core.models import RowError

    kept = rejections.Rejections()
    errors = [RowError(n, f"A{n}", "empty", ("x" * n,)) for n in range(2500)]
    for error in errors:
        kept.append(error)
    assert len(kept) == 2500 and kept
    assert list(kept) == errors and list(kept) == errors  # read twice
    assert list.__len__(kept) == rejections.KEEP  # the rest are on disk
    assert not rejections.Rejections()
    kept.close()


def test_an_account_whose_row_the_reader_refused_is_not_closed_as_missing(cli, make_csv):
    first = make_csv("first.csv", ACCOUNTS + "K-1,a,100,0912345678,\nK-2,b,200,0912345679,\n"
                     "K-3,c,300,0912345670,\n")
    assert cli("import", "accounts", first).exit_code == 0
    newer = make_csv("newer.csv", ACCOUNTS + 'K-1,"a,150,0912345678,\n'
                     "K-2,b\x00,250,0912345679,\nK-4,d,400,0912345671,\n")
    result, summary = cli.json("import", "accounts", newer, "--close-missing")
    assert [(r["line"], r["reason"]) for r in summary["rejected"]] == [
        (2, "unclosed_quote"), (3, "nul_byte")]
    assert summary["closed"] == 1  # K-3 only: K-1's and K-2's rows were there, refused
    status = dict(cli.sql("SELECT account_id, status FROM accounts"))
    assert status == {"K-1": "open", "K-2": "open", "K-3": "closed", "K-4": "open"}


def test_a_nul_under_a_header_that_does_not_decode(cli, tmp_path):
    """The column named is the file's header, its undecodable bytes shown as U+FFFD (the
    fuzz run's file 715 of seed 1: an exit 70 writing the JSON)."""
    path = tmp_path / "odd.csv"
    path.write_bytes(b"account_id,amount_due,days\xffpast\n"
                     b"D-1,100,4\x005\nD-2,200,5\n")
    result, summary = cli.json("import", "accounts", path)
    assert result.exit_code == 1
    assert [(r["line"], r["reason"], r["column"]) for r in summary["rejected"]] == [
        (2, "nul_byte", "days\ufffdpast")]
