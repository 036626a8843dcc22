"""``collectctl import accounts|payments|calls`` of workbooks (.xlsx, .xls, .ods), end to
end: the values a person reads in the cells, the sheet's row numbers in every rejection,
and everything else as for a CSV (rejects file, --strict, --dry-run, re-import)."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.ingest.workbooks import ods, xls, xlsx

TITLE = ["Overdue accounts, Bank of Example, 2026-12-01"]
HEADER = ["account_id", "name", "amount_due", "days_past_due", "due_date", "mobile",
          "work_start", "assigned_to", "notes"]
ROWS = [
    # a phone stored as a number (its leading 0 lost), a float amount, a date cell
    ["TW-1", "王小明", 12345.6, 30, None, 912345678, time(8, 30), "alice", None],
    # 0.1+0.2 in a formula cell's cached value is 0.30000000000000004
    ["TW-2", "林美玲", 0.1 + 0.2, None, date(2026, 11, 1), "0922-333-444", "9:00", "alice",
     "call after 6"],
    ["BAD-1", "Zero", 0, 5, None, 912000111, None, "bob", None],
    ["BAD-2", "Err", "#N/A", 5, None, 912000222, None, "bob", None],
]


def book(tmp_path, name="accounts.xlsx", rows=None, **options):
    sheets = {"Summary": [["Accounts", 4], ["Total", "12,345.90"]],
              "Accounts": [TITLE, [], HEADER, *(ROWS if rows is None else rows)]}
    return xlsx(tmp_path / name, sheets, merged={"Accounts": ["A1:I1"]}, **options)


def test_a_workbook_imports_as_its_cells_read(cli, tmp_path):
    result, summary = cli.json("import", "accounts", book(tmp_path))
    assert result.exit_code == 1
    assert (summary["inserted"], summary["rows"]) == (2, 4)
    assert (summary["format"], summary["sheet"]) == ("xlsx", "Accounts")
    assert summary["encoding"] is None and summary["delimiter"] is None
    # The sheet's row numbers, as Excel shows them (a title and a blank row above the
    # header); an error cell is refused naming its column, not read as blank.
    assert [(r["line"], r["account_id"], r["reason"], r["column"])
            for r in summary["rejected"]] == [(6, "BAD-1", "not_positive", "amount_due"),
                                              (7, "BAD-2", "not_a_number", "amount_due")]
    _, one = cli.json("show", "TW-1")
    assert one["amount_due"] == "12345.60" and one["days_past_due"] == 30
    assert one["phones"][0]["number"] == "+886912345678"  # 912345678 was 0912345678
    assert one["work_start"] == "08:30"
    _, two = cli.json("show", "TW-2")
    assert two["amount_due"] == "0.30" and two["due_date"] == "2026-11-01"


def test_the_summary_names_the_sheet_and_rows_in_both_languages(cli, tmp_path, monkeypatch):
    path = book(tmp_path)
    result = cli("import", "accounts", path, "--dry-run")
    lines = result.stdout.splitlines()
    assert lines[0] == "sheet 'Accounts' of accounts.xlsx: 2 inserted, 0 updated, 0 unchanged, " \
                       "2 rejected"
    assert lines[1] == "  row 6: BAD-1: amount_due: must be more than zero"
    monkeypatch.setenv("COLLECTCTL_LANG", "zh_TW")
    chinese = cli("import", "accounts", path, "--dry-run").stdout.splitlines()
    assert chinese[0].startswith("accounts.xlsx 的工作表「Accounts」：")
    assert chinese[1].startswith("  第 6 列：BAD-1：")


def test_the_rejects_file_is_csv_with_the_sheets_row_numbers(cli, tmp_path):
    fixme = tmp_path / "fixme.csv"
    result = cli("import", "accounts", book(tmp_path), "--rejects", fixme)
    assert result.exit_code == 1
    with open(fixme, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [*HEADER, "reason"]
    assert rows[1][:3] == ["BAD-1", "Zero", "0"]
    assert rows[1][-1] == "row 6: amount_due: must be more than zero"
    assert rows[2][2] == "#N/A" and rows[2][-1] == "row 7: amount_due: not a number"


def test_rejects_raw_is_refused_for_a_workbook_before_anything_is_read(cli, tmp_path,
                                                                       make_csv):
    cli("import", "accounts", make_csv("a.csv", "account_id,amount_due\nA-1,5\n"))
    result = cli("import", "accounts", book(tmp_path), "--rejects", tmp_path / "r.csv",
                 "--rejects-raw")
    assert result.exit_code == 2
    assert result.stderr == ("collectctl: error: accounts.xlsx: --rejects-raw copies the "
                             "rows of a text file; for a workbook use --rejects alone "
                             "(written as CSV); nothing was imported\n")
    assert not (tmp_path / "r.csv").exists() and cli.count("accounts") == 1


def test_encoding_is_ignored_with_a_note(cli, tmp_path):
    rows = [r for r in ROWS if not r[0].startswith("BAD")]
    result = cli("import", "accounts", book(tmp_path, rows=rows), "--encoding", "big5")
    assert result.exit_code == 0
    assert result.stderr == ("collectctl: note: accounts.xlsx is a workbook (xlsx): "
                             "--encoding is ignored\n")


def test_strict_and_dry_run_roll_a_workbook_back(cli, tmp_path):
    path = book(tmp_path)
    _, strict = cli.json("import", "accounts", path, "--strict")
    assert strict["strict_aborted"] and strict["batch"] is None
    _, dry = cli.json("import", "accounts", path, "--dry-run")
    assert dry["inserted"] == 2 and dry["batch"] is None
    assert cli.count("accounts") == 0


def test_the_same_workbook_again_is_unchanged_without_parsing(cli, tmp_path, monkeypatch):
    from collectctl.app import imports as importer

    path = book(tmp_path)
    cli("import", "accounts", path)
    parses = {"n": 0}
    real = importer.normalize_account

    def counting(*args):
        parses["n"] += 1
        return real(*args)

    monkeypatch.setattr(importer, "normalize_account", counting)
    result = cli("import", "accounts", path)
    assert result.stdout.splitlines()[0].endswith("0 inserted, 0 updated, 2 unchanged, "
                                                  "2 rejected")
    assert parses["n"] == 2  # only the rejected rows are read again
    # Saved again by another program, the same cells: unchanged too.
    again = book(tmp_path, name="copy.xlsx")
    _, summary = cli.json("import", "accounts", again)
    assert (summary["unchanged"], summary["updated"]) == (2, 0)


def test_the_same_list_as_csv_and_as_a_workbook_reads_the_same(cli, tmp_path, make_csv):
    text = ("account_id,name,amount_due,days_past_due,due_date,mobile,work_start,assigned_to,"
            "notes\nTW-1,王小明,12345.6,30,,0912345678,08:30,alice,\n"
            "TW-2,林美玲,0.30,,2026-11-01,0922-333-444,9:00,alice,call after 6\n")
    cli("import", "accounts", make_csv("a.csv", text))
    rows = [r for r in ROWS if not r[0].startswith("BAD")]
    _, summary = cli.json("import", "accounts", book(tmp_path, rows=rows))
    assert (summary["inserted"], summary["updated"], summary["unchanged"]) == (0, 0, 2)


def test_a_gb_mobile_that_lost_its_zero(cli, tmp_path):
    config = tmp_path / "gb.yaml"
    config.write_text("phone_region: GB\ntimezone: Europe/London\ncurrency: GBP\n")
    path = xlsx(tmp_path / "uk.xlsx", {"List": [["account_id", "amount_due", "mobile"],
                                                ["UK-1", 980.5, 7911123456]]})
    result = cli("--config", config, "import", "accounts", path)
    assert result.exit_code == 0, result.output
    shown = json.loads(cli("--config", config, "show", "UK-1", "--format", "json").stdout)
    assert shown["phones"][0]["number"] == "+447911123456"
    assert shown["amount_due"] == "980.50" and shown["currency"] == "GBP"


def test_sheet_by_name_and_number(cli, tmp_path):
    path = xlsx(tmp_path / "two.xlsx", {
        "Old": [["account_id", "amount_due"], ["OLD-1", 100]],
        "New": [["account_id", "amount_due"], ["NEW-1", 200]],
    })
    _, auto = cli.json("import", "accounts", path, "--dry-run")
    assert auto["sheet"] == "Old"
    _, named = cli.json("import", "accounts", path, "--sheet", "New")
    assert named["sheet"] == "New" and named["inserted"] == 1
    _, numbered = cli.json("import", "accounts", path, "--sheet", "1")
    assert numbered["sheet"] == "Old" and numbered["inserted"] == 1
    result = cli("import", "accounts", path, "--sheet", "Paid")
    assert result.exit_code == 2
    assert result.stderr == ("collectctl: error: two.xlsx: no sheet 'Paid'; its sheets: "
                             "1 'Old', 2 'New'\n")


def test_no_sheet_with_a_header_lists_the_sheets(cli, tmp_path):
    path = xlsx(tmp_path / "notes.xlsx", {"Notes\u202e": [["remark"], ["call back"]]})
    result = cli("import", "accounts", path)
    assert result.exit_code == 2 and cli.count("accounts") == 0
    # The sheet's name cannot drive the terminal.
    assert result.stderr == (
        "collectctl: error: notes.xlsx: no sheet has a header row with account id, amount "
        "due in its first 20 rows; its sheets: 1 'Notes\\u202e' (choose one with --sheet "
        "NAME, or name the columns in --mapping FILE)\n")


def test_a_chosen_sheet_without_the_columns_says_which_it_lacks(cli, tmp_path):
    path = xlsx(tmp_path / "notes.xlsx", {"Notes": [["account", "remark"], ["A-1", "x"]]})
    result = cli("import", "accounts", path, "--sheet", "Notes")
    assert result.exit_code == 2
    assert "notes.xlsx, sheet 'Notes': no column for amount due" in result.stderr


def test_a_chosen_sheet_of_data_only_quotes_none_of_its_cells(cli, tmp_path):
    """--sheet on a sheet whose first row is a debtor's (no header at all): the error
    names the columns it needs, never the row's cells."""
    path = xlsx(tmp_path / "data.xlsx", {"Data": [["A-1", "王小明", "0912-345-678", 1000]]})
    result = cli("import", "accounts", path, "--sheet", "Data")
    assert result.exit_code == 2
    assert result.stderr == ("collectctl: error: data.xlsx, sheet 'Data': none of its first "
                             "20 rows names the columns account id, amount due (name them "
                             "in --mapping FILE or import.aliases)\n")


def test_a_mapping_names_a_workbooks_columns(cli, tmp_path):
    mapping = tmp_path / "bank.yaml"
    mapping.write_text("Cust Ref: account_id\nOwed: amount_due\n")
    path = xlsx(tmp_path / "bank.xlsx", {"Export": [["Bank export"], ["Cust Ref", "Owed"],
                                                    ["C-1", 99.9]]})
    _, summary = cli.json("import", "accounts", path, "--mapping", mapping)
    assert summary["inserted"] == 1 and cli.json("show", "C-1")[1]["amount_due"] == "99.90"


@pytest.mark.parametrize("make", [xls, ods], ids=["xls", "ods"])
def test_xls_and_ods_import_the_same(cli, tmp_path, make):
    sheets = {"Accounts": [TITLE, [], HEADER, *ROWS[:3]]}
    path = make(tmp_path / f"list.{make.__name__}", sheets)
    result, summary = cli.json("import", "accounts", path)
    assert summary["format"] == make.__name__ and summary["sheet"] == "Accounts"
    assert summary["inserted"] == 2
    assert [(r["line"], r["reason"]) for r in summary["rejected"]] == [(6, "not_positive")]
    _, one = cli.json("show", "TW-1")
    assert one["amount_due"] == "12345.60" and one["phones"][0]["number"] == "+886912345678"
    assert cli.json("show", "TW-2")[1]["due_date"] == "2026-11-01"


def test_payments_from_a_workbook(cli, tmp_path, make_csv):
    cli("import", "accounts", make_csv("a.csv", "account_id,amount_due\nA-1,10000\n"
                                                "A-2,5000\n"))
    path = xlsx(tmp_path / "feed.xlsx", {"Payments": [
        ["Payments received"], ["帳號", "入帳日", "繳款金額", "交易序號"],
        ["A-1", datetime(2026, 12, 4), 1500.5, 90001],  # a reference stored as a number
        ["A-2", date(2026, 12, 4), 5000.01, 90002],
        ["A-2", date(2026, 12, 4), 100, "90003"],
    ]})
    result, summary = cli.json("import", "payments", path)
    assert (summary["inserted"], summary["sheet"]) == (2, "Payments")
    assert [(r["line"], r["reason"]) for r in summary["rejected"]] == [(4, "over_balance")]
    _, a1 = cli.json("show", "A-1")
    assert a1["balance"] == "8499.50"
    assert a1["payments"][0]["reference"] == "90001"
    assert a1["payments"][0]["paid_on"] == "2026-12-04"
    _, again = cli.json("import", "payments", path)
    assert (again["inserted"], again["unchanged"]) == (0, 2)


def test_calls_from_a_workbook(cli, tmp_path, make_csv, monkeypatch):
    monkeypatch.setenv("COLLECTCTL_COLLECTOR", "alice")
    cli("import", "accounts", make_csv("a.csv", "account_id,amount_due,mobile\n"
                                                "A-1,10000,0912345678\n"))
    path = xlsx(tmp_path / "dialer.xlsx", {"Calls": [
        ["account", "time", "result", "amount", "date"],
        ["A-1", datetime(2026, 12, 4, 8, 15), "na", None, None],
        ["A-1", datetime(2026, 12, 4, 8, 20), "ptp", 3000, date(2026, 12, 10)],
        ["A-1", date(2026, 12, 4), "na", None, None],  # a date cell: midnight
        ["A-1", "2026-12-04", "busy", None, None],
    ]})
    result, summary = cli.json("import", "calls", path)
    assert summary["inserted"] == 4, summary
    _, shown = cli.json("show", "A-1")
    assert sorted((c["called_at"], c["outcome"]) for c in shown["calls"]) == [
        ("2026-12-03T16:00:00+00:00", "busy"), ("2026-12-03T16:00:00+00:00", "no-answer"),
        ("2026-12-04T00:15:00+00:00", "no-answer"), ("2026-12-04T00:20:00+00:00", "ptp")]
    assert shown["promises"][0]["amount"] == "3000.00"
    assert shown["promises"][0]["due"] == "2026-12-10"


def test_a_plain_zip_and_a_corrupt_workbook_are_one_line(cli, tmp_path):
    import zipfile

    plain = tmp_path / "export.xlsx"
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("accounts.csv", "account_id,amount_due\n")
    result = cli("import", "accounts", plain)
    assert result.exit_code == 2
    assert result.stderr == ("collectctl: error: export.xlsx: a zip archive, not a "
                             "workbook or CSV file\n")
    broken = book(tmp_path)
    broken.write_bytes(broken.read_bytes()[:3000])
    result = cli("import", "accounts", broken)
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
    assert "accounts.xlsx: the workbook is damaged" in result.stderr


def test_the_size_limit_refuses_before_anything_is_written(cli, tmp_path, monkeypatch):
    from collectctl.ingest import workbook

    monkeypatch.setattr(workbook, "LIMITS", workbook.WorkbookLimits(sheet_bytes=1000))
    result = cli("import", "accounts", book(tmp_path))
    assert result.exit_code == 2 and cli.count("import_batches") == 0
    assert result.stderr.startswith("collectctl: error: accounts.xlsx: the sheet is larger "
                                    "than 0.0 MB uncompressed")


def test_a_big_workbook_parsed_by_workers_imports_as_inline(cli, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from collectctl.app import imports as importer
    from collectctl.cli import app

    rows = [[f"B-{n % 450}", f"Name {n}", 0 if n % 97 == 0 else 1000 + n + 0.5, n % 90,
             None, 912000000 + n, None, f"c{n % 3}", None] for n in range(500)]
    path = xlsx(tmp_path / "big.xlsx", {"S": [HEADER, *rows]})
    monkeypatch.setattr(importer, "CHUNK_ROWS", 100)
    runner = CliRunner()
    args = ["--now", cli.now, "import", "accounts", str(path), "--format", "json"]
    inline = runner.invoke(app, ["--db", str(tmp_path / "inline.db"), *args])
    monkeypatch.setattr(importer, "PARALLEL_BYTES", 0)
    parallel = cli("import", "accounts", path, "--format", "json")
    assert parallel.exit_code == inline.exit_code == 1
    assert json.loads(parallel.stdout) == json.loads(inline.stdout)
    assert json.loads(parallel.stdout)["inserted"] == 450 - 5


@pytest.mark.parametrize("args", [["--help"], ["import", "accounts", "--help"],
                                  ["plan", "--collector", "alice", "--format", "json"]])
def test_help_and_plan_never_load_the_workbook_reader(cli, tmp_path, make_csv, args):
    """python-calamine is imported by the workbook reader alone, when a workbook is read."""
    import subprocess
    import sys

    cli("import", "accounts", make_csv("a.csv", "account_id,amount_due,mobile,assigned_to\n"
                                                "A-1,5,0912345678,alice\n"))
    code = (
        "import sys\n"
        f"sys.argv = ['collectctl', '--db', {str(cli.db)!r}, '--now', {cli.now!r}, "
        f"*{args!r}]\n"
        "from collectctl.cli import main\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "print('LOADED', [m for m in ('python_calamine', 'collectctl.ingest.workbook')"
        " if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "LOADED []" in out


_XML_ILLEGAL = {*range(0, 9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF}
_cell = st.one_of(
    st.none(), st.booleans(), st.integers(-10**16, 10**16),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
    st.times(), st.sampled_from(["#N/A", "#DIV/0!", "=1+1", "0912-345-678", "NT$8,800",
                                 "113/05/01", "2026-02-30", "\u202eevil", "王小明", ""]),
    st.text(st.characters(blacklist_categories=("Cs",),
                          blacklist_characters=[chr(c) for c in _XML_ILLEGAL]), max_size=12),
)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=st.lists(st.lists(_cell, max_size=10), max_size=8))
def test_any_cells_are_imported_or_rejected_with_a_reason(cli, tmp_path, rows):
    """Whatever the cells, every row read is inserted, updated, unchanged or rejected
    with a reason, and the command ends with 0 or 1: never a traceback."""
    path = xlsx(tmp_path / "any.xlsx", {"S": [HEADER, *rows]})
    result = cli("import", "accounts", path, "--format", "json")
    assert result.exit_code in (0, 1), (result.output, result.exception)
    summary = json.loads(result.stdout)
    assert summary["rows"] == (summary["inserted"] + summary["updated"]
                               + summary["unchanged"] + len(summary["rejected"]))
    assert all(r["reason"] for r in summary["rejected"])
