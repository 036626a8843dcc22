"""Reading workbooks (``ingest/workbook.py``): which file is a workbook, the sheet and its
header row, each kind of cell as text, and the limits checked before python-calamine
holds a sheet. The workbooks are made here (``tests/ingest/workbooks.py``)."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collectctl.core import reasons as r
from collectctl.errors import InputFileError
from collectctl.ingest import fields as f
from collectctl.ingest import workbook
from collectctl.ingest.headers import ACCOUNTS, CALLS, PAYMENTS, HeaderMatcher
from collectctl.ingest.reader import RecordProblem, open_table
from collectctl.ingest.workbook import WorkbookLimits, cell_text, number_text
from tests.ingest.workbooks import (
    OdsError,
    OdsRepeat,
    ods,
    patch_xlsx,
    prefix_xlsx,
    sheet_xml,
    xls,
    xlsx,
)

ACCOUNTS_HEADER = ["account_id", "amount_due", "mobile", "due_date", "notes"]
accounts = HeaderMatcher(kind=ACCOUNTS)


def read(path, matcher=accounts, sheet=None):
    """(sheet, header row, header, records) of a workbook."""
    with open_table(path, matcher.score, None, sheet, matcher) as table:
        records = [(n, c.code if isinstance(c, RecordProblem) else c)
                   for n, c in table.records()]
        return table.sheet, table.header_row, table.header, records


def refused(path, matcher=accounts, sheet=None) -> str:
    with pytest.raises(InputFileError) as caught:
        read(path, matcher, sheet)
    message = str(caught.value)
    assert "\n" not in message
    return message


# -- cells as text -------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "text"), [
    (912345678.0, "912345678"),  # a phone that lost its leading 0
    (7447000000.0, "7447000000"),
    (12345.6, "12345.6"),
    (0.1 + 0.2, "0.3"),  # 0.30000000000000004: Excel shows 15 significant digits
    (1234567.891, "1234567.89"),  # to the cent, as Excel shows it with two decimals
    (5095.8904109589, "5095.89"),  # a computed amount Excel shows as 5,095.89
    (0.125, "0.13"),  # half away from zero
    (2.675, "2.68"),  # the float is just below 2.675; Excel rounds its 15 digits
    (-2.675, "-2.68"),
    (-0.001, "0.00"),
    (4311951234567891.0, "4311951234567891"),  # a 16-digit card number stored as a number
    (4311951234567892.0, "4311951234567892"),  # ... and the next one: no collision
    (2.0**53, "9007199254740992"),
    (-12.5, "-12.5"),
    (-0.0, "0"),
    (1e16, "10000000000000000"),
    (12345678901234567.0, "12345678901234600"),  # past 15 digits, as Excel shows it
    (1e-7, "0.00"),  # never an exponent
    (float("nan"), "nan"),
    (42, "42"),
    (True, "TRUE"),
    (False, "FALSE"),
    (date(2026, 12, 1), "2026-12-01"),
    (datetime(2026, 12, 1), "2026-12-01"),  # a date cell read as a datetime (.ods)
    (datetime(2026, 12, 1, 9, 15), "2026-12-01 09:15"),
    (datetime(2026, 12, 1, 9, 15, 30), "2026-12-01 09:15:30"),
    (datetime(2026, 12, 1, 9, 14, 59, 999_999), "2026-12-01 09:15"),  # a float's noise
    (datetime(9999, 12, 31, 23, 59, 59, 900_000), "9999-12-31 23:59:59"),
    (time(9, 30), "09:30"),
    (time(9, 30, 15), "09:30:15"),
    (timedelta(hours=5, minutes=3), "05:03"),  # a duration cell ([h]:mm)
    ("", ""),
    ("  text ", "  text "),
])
def test_each_kind_of_cell_reads_as_a_person_reads_it(value, text):
    assert cell_text(value) == text


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999999999.99"),
                   places=2, allow_nan=False, allow_infinity=False))
def test_a_float_amount_is_its_decimal_value_to_the_cent(amount):
    """An amount cell holds the float nearest to the decimal a person typed; its text
    (15 significant digits) reads back as exactly that decimal."""
    assert f.parse_amount(number_text(float(amount)))[0] == amount


@given(st.decimals(min_value=Decimal("-99999999999.9999"),
                   max_value=Decimal("99999999999.9999"), places=4, allow_nan=False,
                   allow_infinity=False))
def test_a_float_of_more_decimals_is_read_to_the_cent_as_excel_shows_it(number):
    """A number of 15 significant digits or fewer and more than two decimals reads as
    that decimal rounded half away from zero to the cent, whichever way its float
    falls."""
    expected = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert Decimal(number_text(float(number))) == expected


@given(st.integers(min_value=-(2**53), max_value=2**53))
def test_an_integral_float_is_its_digits(number):
    assert number_text(float(number)) == str(number)


# -- which file is a workbook ----------------------------------------------------------------


def test_a_workbook_is_known_by_its_bytes_not_its_name(tmp_path):
    book = xlsx(tmp_path / "list.csv", {"Accounts": [ACCOUNTS_HEADER, ["A-1", 100]]})
    assert workbook.workbook_format(book) == "xlsx"
    sheet, _row, _header, records = read(book)
    assert sheet == "Accounts" and records == [(2, ["A-1", "100"])]
    text = tmp_path / "list.xlsx"
    text.write_text("account_id,amount_due\nA-1,100\n")
    assert workbook.workbook_format(text) is None
    with open_table(text, accounts.score, None, None, accounts) as table:
        assert table.format == "csv" and table.sheet is None


def test_a_zip_that_is_no_workbook_is_called_a_zip(tmp_path):
    path = tmp_path / "list.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("accounts.csv", "account_id,amount_due\nA-1,100\n")
    assert workbook.workbook_format(path) == "zip"
    assert refused(path) == "list.xlsx: a zip archive, not a workbook or CSV file"


@pytest.mark.parametrize("damage", [
    lambda data: data[: len(data) // 2],  # cut short
    lambda data: data.replace(b"sheetData", b"sheetDat"),  # XML that does not close
])
def test_a_damaged_workbook_is_one_line(tmp_path, damage):
    path = xlsx(tmp_path / "b.xlsx", {"Accounts": [ACCOUNTS_HEADER, ["A-1", 100]]})
    if damage(b"sheetData") == b"sheetDat":
        patch_xlsx(path, "xl/worksheets/sheet1.xml", b"</sheetData>", b"</sheetDat>")
    else:
        path.write_bytes(damage(path.read_bytes()))
    assert "b.xlsx: the workbook is damaged" in refused(path)


def test_a_password_protected_workbook_is_one_line(tmp_path):
    path = ods(tmp_path / "secret.ods", {"Accounts": [ACCOUNTS_HEADER]}, encrypted=True)
    assert "secret.ods: the workbook is password-protected" in refused(path)


def test_an_excel_file_saved_with_a_password_is_one_line(tmp_path):
    """Excel saves an .xlsx with a password as an OLE file holding EncryptedPackage."""
    path = tmp_path / "secret.xlsx"
    name = "EncryptedPackage".encode("utf-16-le")
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000 + name + b"\x00" * 100)
    assert "secret.xlsx: the workbook is password-protected" in refused(path)


def test_sheet_is_refused_for_a_text_file(make_csv):
    path = make_csv("a.csv", "account_id,amount_due\nA-1,100\n")
    assert "--sheet is for workbooks" in refused(path, sheet="Accounts")


# -- the sheet and its header ----------------------------------------------------------------


def test_the_first_sheet_with_the_required_columns_is_read(tmp_path):
    path = xlsx(tmp_path / "b.xlsx", {
        "Summary": [["Total due", 300], ["Accounts", 2]],
        "Hidden": [ACCOUNTS_HEADER, ["H-1", 1]],
        "Accounts": [ACCOUNTS_HEADER, ["A-1", 100], ["A-2", 200]],
    }, hidden=("Hidden",))
    sheet, row, _header, records = read(path)
    assert sheet == "Accounts" and row == 1
    assert [n for n, _c in records] == [2, 3]
    # --sheet by name, by number, and a hidden sheet when asked for
    assert read(path, sheet="accounts")[0] == "Accounts"
    assert read(path, sheet="3")[0] == "Accounts"
    assert read(path, sheet="Hidden")[3] == [(2, ["H-1", "1"])]


def test_a_sheet_named_like_a_number_is_found_by_its_name(tmp_path):
    path = xlsx(tmp_path / "b.xlsx", {"2": [ACCOUNTS_HEADER, ["A-1", 100]],
                                      "1": [ACCOUNTS_HEADER, ["B-1", 100]]})
    assert read(path, sheet="1")[3] == [(2, ["B-1", "100"])]
    assert read(path, sheet="2")[3] == [(2, ["A-1", "100"])]


def test_a_sheet_that_does_not_exist_lists_the_sheets(tmp_path):
    path = xlsx(tmp_path / "b.xlsx", {"Summary": [["x"]], "Data\u202e": [["y"]]},
                hidden=("Summary",))
    message = refused(path, sheet="Accounts")
    assert message == ("b.xlsx: no sheet 'Accounts'; its sheets: 1 'Summary' (hidden), "
                       "2 'Data\u202e'")  # escaped where printed (cli/root.py)
    assert "no sheet '9'" in refused(path, sheet="9")


def test_no_sheet_with_a_header_lists_the_sheets_and_the_columns(tmp_path):
    path = xlsx(tmp_path / "b.xlsx", {"Summary": [["Total", 3]],
                                      "Notes": [["account", "remark"], ["A-1", "x"]]})
    assert refused(path) == (
        "b.xlsx: no sheet has a header row with account id, amount due in its first 20 "
        "rows; its sheets: 1 'Summary', 2 'Notes' (choose one with --sheet NAME, or name "
        "the columns in --mapping FILE)")
    payments = HeaderMatcher(kind=PAYMENTS)
    assert "with account id, amount, payment date in" in refused(path, payments)


def test_a_chosen_sheet_without_the_columns_is_read_from_its_first_row(tmp_path):
    """So that the import says which columns it lacks, as for a CSV."""
    path = xlsx(tmp_path / "b.xlsx", {"Notes": [[], ["account", "remark"], ["A-1", "x"]]})
    _sheet, row, header, records = read(path, sheet="Notes")
    assert (row, header, records) == (2, ["account", "remark"], [(3, ["A-1", "x"])])


def test_an_empty_sheet(tmp_path):
    path = xlsx(tmp_path / "b.xlsx", {"Empty": [], "Accounts": [ACCOUNTS_HEADER]})
    assert refused(path, sheet="Empty") == "b.xlsx: sheet 'Empty' is empty"
    assert read(path) == ("Accounts", 1, ACCOUNTS_HEADER, [])


def test_a_title_and_a_blank_row_above_the_header_are_skipped(tmp_path):
    rows = [["Overdue accounts, 2026-12-01"], [], ACCOUNTS_HEADER, ["A-1", 100], [],
            ["A-2", 200]]
    path = xlsx(tmp_path / "b.xlsx", {"Report": rows}, merged={"Report": ["A1:E1"]})
    _sheet, row, header, records = read(path)
    # Row numbers are the sheet's, blank rows skipped as blank lines are.
    assert (row, header) == (3, ACCOUNTS_HEADER)
    assert records == [(4, ["A-1", "100"]), (6, ["A-2", "200"])]


def test_a_header_below_the_first_20_rows_is_not_looked_for(tmp_path):
    rows = [[f"note {n}"] for n in range(20)] + [ACCOUNTS_HEADER, ["A-1", 100]]
    path = xlsx(tmp_path / "b.xlsx", {"Report": rows})
    assert "no sheet has a header row" in refused(path)
    rows = [[f"note {n}"] for n in range(19)] + [ACCOUNTS_HEADER, ["A-1", 100]]
    assert read(xlsx(tmp_path / "c.xlsx", {"Report": rows}))[1] == 20


def test_merged_header_cells_keep_their_value_in_the_first(tmp_path):
    """A header merged across two columns (the amount over a currency column) names
    the first; the second reads blank, and its values are ignored."""
    rows = [["account_id", "amount_due", None, "mobile"], ["A-1", 1200.5, "TWD", 912345678]]
    path = xlsx(tmp_path / "b.xlsx", {"S": rows}, merged={"S": ["B1:C1"]})
    _sheet, _row, header, records = read(path)
    assert header == ["account_id", "amount_due", "", "mobile"]
    assert records == [(2, ["A-1", "1200.5", "TWD", "912345678"])]


def test_data_that_starts_right_and_below_keeps_the_sheets_numbers(tmp_path):
    rows = [[], [], [None, None, *ACCOUNTS_HEADER], [None, None, "A-1", 100]]
    _sheet, row, header, records = read(xlsx(tmp_path / "b.xlsx", {"S": rows}))
    assert row == 3 and header[:2] == ["account_id", "amount_due"]
    assert records == [(4, ["A-1", "100"])]


# -- cells in each format ------------------------------------------------------------------

TYPED = [["account_id", "amount_due", "mobile", "due_date", "called", "work_start", "flag",
          "notes", "dpd"],
         ["A-1", 12345.6, 912345678, date(2026, 11, 1), datetime(2026, 12, 1, 9, 15),
          time(9, 30), True, None, 30],
         ["A-2", 0.1 + 0.2, 912345678.0, datetime(2026, 11, 2), datetime(2026, 12, 1, 0, 0),
          time(18, 0), False, "text", 0]]
EXPECTED = [(2, ["A-1", "12345.6", "912345678", "2026-11-01", "2026-12-01 09:15", "09:30",
                 "TRUE", "", "30"]),
            (3, ["A-2", "0.3", "912345678", "2026-11-02", "2026-12-01", "18:00", "FALSE",
                 "text", "0"])]


def test_xlsx_cells(tmp_path):
    assert read(xlsx(tmp_path / "b.xlsx", {"S": TYPED}))[3] == EXPECTED


def test_xls_cells(tmp_path):
    assert read(xls(tmp_path / "b.xls", {"S": TYPED}))[3] == EXPECTED


def test_ods_cells(tmp_path):
    assert read(ods(tmp_path / "b.ods", {"S": TYPED}))[3] == EXPECTED


def test_ods_hidden_sheets_and_sheet_choice(tmp_path):
    path = ods(tmp_path / "b.ods", {"Old": [ACCOUNTS_HEADER, ["O-1", 5]],
                                    "Summary": [["x"]],
                                    "New": [ACCOUNTS_HEADER, ["N-1", 7]]}, hidden=("Old",))
    assert read(path)[0] == "New"
    assert read(path, sheet="1")[3] == [(2, ["O-1", "5"])]


def test_ods_repeated_rows_and_cells_keep_their_numbers(tmp_path):
    rows = [ACCOUNTS_HEADER, ["A-1", 100], [None], ["A-2", OdsRepeat(5, 2)]]
    path = ods(tmp_path / "b.ods", {"S": rows}, repeated_rows={("S", 2): 3, ("S", 1): 2})
    assert read(path)[3] == [(2, ["A-1", "100"]), (3, ["A-1", "100"]), (7, ["A-2", "5", "5"])]


def test_a_formula_cell_is_its_cached_value(tmp_path):
    """Excel saves a formula with its value; openpyxl saves none (it computes nothing),
    and such a cell reads blank: the row is then refused as any blank amount is."""
    path = xlsx(tmp_path / "b.xlsx", {"S": [ACCOUNTS_HEADER, ["A-1", "=0.1+0.2"],
                                            ["A-2", "=1+1"]]})
    assert b"<f>0.1+0.2</f><v></v>" in sheet_xml(path) or b"<f>0.1+0.2</f><v />" in \
        sheet_xml(path)
    assert read(path)[3] == [(2, ["A-1"]), (3, ["A-2"])]
    cached = b"<f>0.1+0.2</f><v>0.30000000000000004</v>"
    patch_xlsx(path, "xl/worksheets/sheet1.xml", b"<f>0.1+0.2</f><v />", cached)
    assert read(path)[3] == [(2, ["A-1", "0.3"]), (3, ["A-2"])]


def test_error_cells_read_as_their_text(tmp_path):
    """python-calamine reads an error cell as blank; the reader finds it in the sheet's
    XML so that the row is refused naming the column (``#N/A`` is no amount)."""
    path = xlsx(tmp_path / "b.xlsx", {"S": [ACCOUNTS_HEADER, ["A-1", "#N/A", "#DIV/0!"],
                                            ["A-2", 5, None, None, "#REF!"]]})
    assert b't="e"' in sheet_xml(path)  # openpyxl writes these strings as error cells
    patch_xlsx(path, "xl/worksheets/sheet1.xml", b'<c r="B2" t="e"><v>#N/A</v></c>',
               b'<c r="B2" t="e"><f>VLOOKUP(A2,X!A:B,2,0)</f><v>#N/A</v></c>')
    assert read(path)[3] == [(2, ["A-1", "#N/A", "#DIV/0!"]),
                             (3, ["A-2", "5", "", "", "#REF!"])]
    odf = ods(tmp_path / "b.ods", {"S": [ACCOUNTS_HEADER, ["A-1", OdsError("#DIV/0!")],
                                         [None], ["A-2", 1, OdsError("#N/A")]]})
    assert read(odf)[3] == [(2, ["A-1", "#DIV/0!"]), (4, ["A-2", "1", "#N/A"])]


def test_error_cells_beside_data_that_starts_right(tmp_path):
    rows = [[None, *ACCOUNTS_HEADER], [None, "A-1", "#N/A"]]
    assert read(xlsx(tmp_path / "b.xlsx", {"S": rows}))[3] == [(2, ["A-1", "#N/A"])]


def test_a_nul_in_an_xlsx_string_is_said_to_be_possible(tmp_path):
    path = xlsx(tmp_path / "b.xlsx", {"S": [ACCOUNTS_HEADER, ["PLACEHOLDER", 5]]})
    with open_table(path, accounts.score, None, None, accounts) as table:
        assert not table.maybe_nul and not table.maybe_undecodable
    patch_xlsx(path, "xl/worksheets/sheet1.xml", b">PLACEHOLDER<", b">A_x0000_1<")
    with open_table(path, accounts.score, None, None, accounts) as table:
        assert list(table.records()) == [(2, ["A\x001", "5"])]
        assert table.maybe_nul


def test_control_and_bidi_characters_come_through_as_text(tmp_path):
    """Checked and escaped downstream exactly as a CSV cell's."""
    path = xlsx(tmp_path / "b.xlsx", {"S": [ACCOUNTS_HEADER, ["A-1", 5, None, None,
                                                              "\u202eevil"]]})
    assert read(path)[3] == [(2, ["A-1", "5", "", "", "\u202eevil"])]


def test_payments_and_calls_headers_find_their_sheets(tmp_path):
    path = xlsx(tmp_path / "b.xlsx", {
        "Accounts": [ACCOUNTS_HEADER],
        "Payments": [["account_id", "amount", "paid_on"], ["A-1", 50, date(2026, 12, 1)]],
        "Calls": [["account_id", "called_at", "outcome"],
                  ["A-1", datetime(2026, 12, 1, 9, 15), "na"]],
    })
    assert read(path, HeaderMatcher(kind=PAYMENTS))[3] == [(2, ["A-1", "50", "2026-12-01"])]
    assert read(path, HeaderMatcher(kind=CALLS))[3] == [(2, ["A-1", "2026-12-01 09:15",
                                                             "na"])]


def test_a_row_of_too_many_cells_is_refused_as_in_a_csv(tmp_path, monkeypatch):
    from collectctl.ingest import reader

    monkeypatch.setattr(reader, "LIMITS", reader.Limits(cells=6))
    rows = [ACCOUNTS_HEADER, ["A-1", 5, *range(10)], ["A-2", 5, None, None, None, None, None]]
    assert read(xlsx(tmp_path / "b.xlsx", {"S": rows}))[3] == [(2, r.TOO_MANY_CELLS),
                                                                (3, ["A-2", "5"])]
    wide = [[*ACCOUNTS_HEADER, "a", "b"], ["A-1", 5]]
    assert "the header has more than 6 columns" in refused(xlsx(tmp_path / "c.xlsx",
                                                                {"S": wide}))


# -- limits ----------------------------------------------------------------------------------


@pytest.fixture
def small(monkeypatch):
    def lower(**limits) -> WorkbookLimits:
        lowered = WorkbookLimits(**limits)
        monkeypatch.setattr(workbook, "LIMITS", lowered)
        return lowered

    return lower


def test_a_sheet_too_big_to_hold_is_refused_before_it_is_read(tmp_path, small, monkeypatch):
    rows = [ACCOUNTS_HEADER, *[[f"A-{n}", n + 1, "0912345678"] for n in range(200)]]
    path = xlsx(tmp_path / "b.xlsx", {"S": rows})
    size = len(sheet_xml(path))
    small(sheet_bytes=size - 1)
    loaded: list[int] = []
    load = workbook._load

    class Spy:
        def __init__(self, book) -> None:
            self.book = book

        def __getattr__(self, name):
            return getattr(self.book, name)

        def get_sheet_by_index(self, index):
            loaded.append(index)
            return self.book.get_sheet_by_index(index)

    monkeypatch.setattr(workbook, "_load", lambda p: Spy(load(p)))
    message = refused(path)
    assert message.startswith("b.xlsx: the sheet is larger than 0.0 MB uncompressed")
    assert "save it as CSV" in message and loaded == []
    small(sheet_bytes=size)
    assert len(read(path)[3]) == 200 and loaded == [0]


def _lie_about_size(path, member: str, size: int) -> None:
    """Make the zip's headers (local and central) say ``member`` inflates to ``size``."""
    import struct

    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        while at >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] == name:
                data[at + offset:at + offset + 4] = struct.pack("<I", size)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


def test_the_size_is_measured_whatever_the_zip_says(tmp_path, small):
    """A member whose headers understate its size is not handed to python-calamine: it
    inflates to more than they say, which the reader sees as it reads it."""
    rows = [ACCOUNTS_HEADER, *[[f"A-{n}", n + 1] for n in range(5000)]]
    path = xlsx(tmp_path / "b.xlsx", {"S": rows})
    _lie_about_size(path, "xl/worksheets/sheet1.xml", 10)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == 10
    small(sheet_bytes=100_000)
    assert "b.xlsx: the workbook is damaged" in refused(path)


def test_cells_far_apart_are_refused_before_they_are_held(tmp_path, small):
    """Two cells at A1 and ZZ5000 would be held as 5000 x 702 cells."""
    path = xlsx(tmp_path / "b.xlsx", {"S": [ACCOUNTS_HEADER, ["A-1", 5]]})
    patch_xlsx(path, "xl/worksheets/sheet1.xml", b"</sheetData>",
               b'<row r="5000"><c r="ZZ5000" t="n"><v>1</v></c></row></sheetData>')
    small(cells=1_000_000)
    assert refused(path).startswith("b.xlsx: the sheet's cells span 3,510,000 cells")
    small(cells=4_000_000)
    assert read(path)[3][0] == (2, ["A-1", "5"])


def test_a_cell_misplaced_far_below_its_row_counts(tmp_path, small):
    path = xlsx(tmp_path / "b.xlsx", {"S": [ACCOUNTS_HEADER, ["A-1", 5]]})
    patch_xlsx(path, "xl/worksheets/sheet1.xml", b'<c r="A2"', b'<c r="A900000"')
    small(cells=1_000_000)
    assert "cells span 4,500,000 cells" in refused(path)


def test_cells_without_references_are_counted_by_their_rows(tmp_path, small):
    path = xlsx(tmp_path / "b.xlsx", {"S": [ACCOUNTS_HEADER, ["A-1", 5]]})
    data = sheet_xml(path)
    import re

    patch_xlsx(path, "xl/worksheets/sheet1.xml", data[data.index(b"<sheetData>"):
                                                      data.index(b"</sheetData>")],
               re.sub(rb' r="[A-Z]+[0-9]+"', b"", data[data.index(b"<sheetData>"):
                                                         data.index(b"</sheetData>")]))
    assert read(path)[3] == [(2, ["A-1", "5"])]
    small(cells=9)
    assert "cells span 10 cells" in refused(path)


def test_a_reference_after_other_attributes_counts_too(tmp_path, small):
    """The usual sheet has each cell's reference first (``<c r="B2" ...``); one written
    otherwise is read reference by reference."""
    path = xlsx(tmp_path / "b.xlsx", {"S": [ACCOUNTS_HEADER, ["A-1", 5]]})
    patch_xlsx(path, "xl/worksheets/sheet1.xml", b'<c r="B2"', b'<c s="0" r="ZZ2"')
    small(cells=1000)
    assert "cells span 1,404 cells" in refused(path)  # 2 rows of 702 columns
    small(cells=1404)
    assert read(path)[3] == [(2, ["A-1", *[""] * 700, "5"])]


@pytest.fixture
def unloaded(monkeypatch):
    """The sheets python-calamine was asked to load (none, for a file refused first)."""
    loaded: list[int] = []
    load = workbook._load

    class Spy:
        def __init__(self, book) -> None:
            self.book = book

        def __getattr__(self, name):
            return getattr(self.book, name)

        def get_sheet_by_index(self, index):
            loaded.append(index)
            return self.book.get_sheet_by_index(index)

    monkeypatch.setattr(workbook, "_load", lambda p: Spy(load(p)))
    return loaded


@pytest.mark.parametrize("ref", [
    b'r="ZZZZZ99999999"',  # python-calamine aborts the process on this one
    b'r="A10000000"',  # 8 digits: 10,000,000 rows, past Excel's grid
    b'r="A1048577"', b'r="XFE2"', b'r="xfe2"', b'r="A0"',
    b'r="A' + b"9" * 5000 + b'"',
    b"r = 'ZZZZ2'",  # quoted otherwise, spaces around =
    b's="0" r="AAAA2"',
])
def test_a_reference_beyond_excels_grid_refuses_the_file_before_it_is_read(
        tmp_path, unloaded, ref):
    path = xlsx(tmp_path / "b.xlsx", {"S": [ACCOUNTS_HEADER, ["A-1", "S3CRET-VALUE"]]})
    patch_xlsx(path, "xl/worksheets/sheet1.xml", b'<c r="B2"', b"<c " + ref)
    message = refused(path)
    assert message.startswith("b.xlsx: a cell or row of the sheet lies beyond Excel's")
    assert "save it as CSV" in message and "S3CRET" not in message
    assert unloaded == []


@pytest.mark.parametrize(("old", "new"), [
    (b'<row r="2"', b'<row r="2000000"'),
    (b'<row r="2"', b'<row r="99999999"'),
    (b'<row r="2"', b"<row spans='1:2' r='1048577'"),
])
def test_a_row_beyond_excels_grid_refuses_the_file(tmp_path, unloaded, old, new):
    path = xlsx(tmp_path / "b.xlsx", {"S": [ACCOUNTS_HEADER, ["A-1", 5]]})
    patch_xlsx(path, "xl/worksheets/sheet1.xml", old, new)
    assert "lies beyond Excel's last row (1,048,576)" in refused(path)
    assert unloaded == []


@pytest.mark.parametrize("ref", [b'r="zz5000"', b"r='ZZ5000'", b'r = "ZZ5000"',
                                 b'r="ZZ0005000"'])
def test_a_reference_written_otherwise_is_measured(tmp_path, small, ref):
    """References python-calamine reads (lower case, either quote, spaces around ``=``,
    leading zeros) count as the ones Excel writes."""
    path = xlsx(tmp_path / "b.xlsx", {"S": [ACCOUNTS_HEADER, ["A-1", 5]]})
    patch_xlsx(path, "xl/worksheets/sheet1.xml", b'<c r="B2"', b"<c " + ref)
    small(cells=1_000_000)
    assert "cells span 3,510,000 cells" in refused(path)  # 5000 rows of 702 columns


def test_a_malformed_reference_is_a_damaged_workbook(tmp_path, unloaded):
    path = xlsx(tmp_path / "b.xlsx", {"S": [ACCOUNTS_HEADER, ["A-1", 5]]})
    patch_xlsx(path, "xl/worksheets/sheet1.xml", b'<c r="B2"', b'<c r="$B$2"')
    assert "b.xlsx: the workbook is damaged" in refused(path)
    assert unloaded == []


def test_cells_without_references_below_a_numbered_row_count_from_it(tmp_path, small):
    """python-calamine puts a cell without a reference in its row's numbered place."""
    path = xlsx(tmp_path / "b.xlsx", {"S": [ACCOUNTS_HEADER, ["A-1", 5]]})
    patch_xlsx(path, "xl/worksheets/sheet1.xml", b'<row r="2"><c r="A2"',
               b'<row r="900000"><c')
    small(cells=1_000_000)
    assert "cells span 4,500,000 cells" in refused(path)  # 900,000 rows of 5


def test_a_sheet_written_with_a_namespace_prefix_reads_as_any(tmp_path, small):
    """The .NET OpenXML SDK writes ``<x:worksheet ...><x:sheetData><x:row r="1">``."""
    rows = [ACCOUNTS_HEADER, *[[f"A-{n}", n + 1, "0912345678"] for n in range(300)]]
    path = prefix_xlsx(xlsx(tmp_path / "b.xlsx", {"S": rows}))
    assert b"<x:row" in sheet_xml(path) and b"<row" not in sheet_xml(path)
    records = read(path)[3]
    assert len(records) == 300 and records[-1] == (301, ["A-299", "300", "0912345678"])
    small(cells=301 * 5 - 1)  # 301 rows of 5 columns (the header's)
    assert "cells span 1,505 cells" in refused(path)


def test_a_long_sheet_with_a_namespace_prefix_is_cut_at_its_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "_CHUNK", 4096)
    monkeypatch.setattr(workbook, "_ROW_BYTES", 20_000)
    rows = [ACCOUNTS_HEADER, *[[f"A-{n}", n + 1] for n in range(2000)]]
    path = prefix_xlsx(xlsx(tmp_path / "b.xlsx", {"S": rows}))
    assert len(read(path)[3]) == 2000


def test_a_far_cell_of_a_prefixed_sheet_is_refused(tmp_path, small, unloaded):
    path = xlsx(tmp_path / "b.xlsx", {"S": [ACCOUNTS_HEADER, ["A-1", 5]]})
    patch_xlsx(path, "xl/worksheets/sheet1.xml", b"</sheetData>",
               b'<row r="5000"><c r="ZZ5000" t="n"><v>1</v></c></row></sheetData>')
    prefix_xlsx(path)
    small(cells=1_000_000)
    assert refused(path).startswith("b.xlsx: the sheet's cells span 3,510,000 cells")
    assert unloaded == []


@pytest.mark.parametrize(("old", "new"), [
    (b'<c r="B2"', b'<y:c xmlns:y="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                   b'main" r="ZZZZZ99999999"'),
    (b"</row></sheetData>", b"</row><y:row r='99999999'/></sheetData>"),
])
def test_cells_of_another_namespace_prefix_are_refused(tmp_path, unloaded, old, new):
    path = xlsx(tmp_path / "b.xlsx", {"S": [ACCOUNTS_HEADER, ["A-1", 5]]})
    if old == b'<c r="B2"':
        patch_xlsx(path, "xl/worksheets/sheet1.xml", b"</c></row></sheetData>",
                   b"</y:c></row></sheetData>")
    patch_xlsx(path, "xl/worksheets/sheet1.xml", old, new)
    message = refused(path)
    assert message.startswith("b.xlsx: the sheet's cells are written with namespace")
    assert "save it as CSV" in message and unloaded == []


def test_prefixed_shared_strings_are_cut_at_their_strings(tmp_path, monkeypatch):
    """The shared strings are read for a NUL before the sheet, in pieces of whole
    strings (``</x:si>`` when they are written with a prefix)."""
    monkeypatch.setattr(workbook, "_CHUNK", 4096)
    monkeypatch.setattr(workbook, "_ROW_BYTES", 20_000)
    path = xlsx(tmp_path / "b.xlsx", {"S": [ACCOUNTS_HEADER, ["A-1", 5]]})
    strings = "".join(f"<x:si><x:t>text {n}</x:t></x:si>" for n in range(2000))
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/sharedStrings.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><x:sst xmlns:x="http://schemas.'
            f'openxmlformats.org/spreadsheetml/2006/main" count="2000">{strings}</x:sst>'))
    assert read(path)[3] == [(2, ["A-1", "5"])]


@pytest.mark.parametrize(("last_row", "last_column", "inside", "outside"), [
    (0, 0, ['<c r="A1"'], ['<c r="B1"', '<c r="A2"', '<c r="AA1"', '<c r="A10"']),
    (99_999, 12, ['<c r="M100000"', '<c r="A99999"', '<c r="L1"'],
     ['<c r="N5"', '<c r="M100001"', '<c r="A1000000"', '<c r="AA1"', '<c r="A200000"']),
    (1_048_575, 16_383, ['<c r="XFD1048576"', '<c r="ZZ1"'],
     ['<c r="XFE1"', '<c r="A1048577"', '<c r="AAAA1"']),
])
def test_a_reference_beyond_the_area_is_found(last_row, last_column, inside, outside):
    pattern = workbook._beyond(last_row, last_column)
    assert [ref for ref in inside if pattern.search(ref.encode() + b'"')] == []
    assert [ref for ref in outside if not pattern.search(ref.encode() + b'"')] == []


def test_an_ods_whose_repeats_expand_past_the_limit_is_refused(tmp_path, small):
    """A row of one cell repeated 1,000 times, itself repeated 10,000 times, is ten
    million cells from a few hundred bytes of XML."""
    rows = [ACCOUNTS_HEADER, ["A-1", OdsRepeat(1, 1000)]]
    path = ods(tmp_path / "b.ods", {"S": rows}, repeated_rows={("S", 1): 10_000})
    assert path.stat().st_size < 2000
    small(cells=1_000_000)
    assert "cells span" in refused(path)


def test_a_zip_bomb_is_refused(tmp_path, small):
    path = xlsx(tmp_path / "b.xlsx", {"S": [ACCOUNTS_HEADER, ["A-1", 5]]})
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/media/padding.bin", b"\x00" * 2_000_000, zipfile.ZIP_DEFLATED)
    small(zip_bytes=1_000_000)
    assert "b.xlsx: the archive unpacks to 1.9 MB, more than the 1.0 MB of any" in \
        refused(path)


def test_too_many_error_cells_refuse_the_file(tmp_path, small):
    rows = [ACCOUNTS_HEADER, *[[f"A-{n}", "#N/A"] for n in range(20)]]
    path = xlsx(tmp_path / "b.xlsx", {"S": rows})
    small(error_cells=10)
    assert "more than 10 error cells" in refused(path)


def test_an_xls_too_big_is_refused(tmp_path, small):
    path = xls(tmp_path / "b.xls", {"S": [ACCOUNTS_HEADER, ["A-1", 5]]})
    small(xls_bytes=100)
    assert "b.xls: an .xls file larger than 0.0 MB" in refused(path)


def test_the_progress_and_the_hash_of_a_workbook(tmp_path):
    import hashlib

    rows = [ACCOUNTS_HEADER, *[[f"A-{n}", n + 1] for n in range(99)]]
    path = xlsx(tmp_path / "b.xlsx", {"S": rows})
    with open_table(path, accounts.score, None, None, accounts) as table:
        assert table.bytes_read < table.size // 10
        assert len(list(table.records())) == 99
        assert table.bytes_read == table.size
        assert table.sha256() == hashlib.sha256(path.read_bytes()).hexdigest()
        assert (table.encoding, table.delimiter, table.format) == (None, None, "xlsx")
