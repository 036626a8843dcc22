"""Reading workbooks (.xlsx, .xls, .ods): the sheet a list is on, its rows as text.

python-calamine reads the three formats; it holds the chosen sheet's cells in memory
(it has no streaming reader: tafia/calamine#27), so rows go to Python one at a time
(``iter_rows``), only the chosen sheet is loaded and, before it is, a sheet whose cells
would not fit :class:`WorkbookLimits` is refused: its XML is measured straight from the
zip, and read once, fast, for the rows and columns its cells span (python-calamine holds
every cell of that area). An .ods is read whole when opened, so all of content.xml is
measured first. An .xls is held to a file size; its format holds 65,536 rows of 256
columns at most (a file crafted past that is not measured before it is read).

Cells come as a person reads them, as text the importers already parse
(:func:`cell_text`): ``912345678.0`` is ``912345678`` (an integral number exactly, to
2**53), ``12345.6`` is ``12345.6``, ``0.1+0.2`` is ``0.3`` (15 significant digits, as
Excel keeps a number), a computed ``5095.8904109589`` is ``5095.89`` (a number is read as
Excel shows it with two decimals, half away from zero), a date cell is
``2026-12-01``, a date and time ``2026-12-01 09:15``, a time ``09:30``, TRUE/FALSE, an
error cell (``#N/A``) its text, so the row is refused naming the column instead of
reading blank.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import re
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Protocol
from xml.etree import ElementTree

from collectctl.core import reasons as r
from collectctl.errors import InputFileError
from collectctl.i18n import _
from collectctl.ingest.records import OLE_MAGIC, RecordProblem, sniff

#: The formats, by what a file's first bytes and members say it is.
XLSX, XLS, ODS = "xlsx", "xls", "ods"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
#: The header is the first row among a sheet's first rows that names the required columns
#: (a bank's export puts a title and a blank row above it).
HEADER_ROWS = 20


@dataclass(frozen=True)
class WorkbookLimits:
    """What a workbook may make the reader hold, checked before python-calamine loads it.

    Measured with python-calamine 0.9 on an .xlsx of 20 columns (numbers, phones, names):
    about 85 bytes of memory per cell, 1.7 KB per row, and 46 bytes of sheet XML per cell
    (inline strings; shared strings take less). The defaults let 1,000,000 rows of 20
    columns through (about 920 MB of XML, 1.8 GB of memory at the peak); beyond them,
    CSV is read a row at a time."""

    #: The chosen sheet's XML and the shared strings (.xlsx), or content.xml, every sheet
    #: of it (.ods, which is read whole), uncompressed.
    sheet_bytes: int = 1 << 30
    #: Rows times columns of the area a sheet's cells span (the reader holds every cell of
    #: it, blank or not); for .ods the sum over its sheets.
    cells: int = 25_000_000
    #: Every member of the zip, uncompressed: more is a zip bomb, not a list.
    zip_bytes: int = 4 << 30
    #: The small members read to find the sheets (workbook.xml, its relations, the
    #: ODF manifest).
    part_bytes: int = 16 << 20
    #: Error cells (#N/A) kept to show as such (more: the file is refused).
    error_cells: int = 1_000_000
    #: An .xls file (read whole by python-calamine).
    xls_bytes: int = 512 << 20


#: The limits :func:`open_workbook` reads with (tests lower them).
LIMITS = WorkbookLimits()


class HeaderTest(Protocol):
    """What the reader needs of the import's header matcher."""

    def has_required(self, header: Sequence[str]) -> bool: ...

    def score(self, header: list[str]) -> int: ...

    def required_labels(self) -> str: ...


# -- cells as text ---------------------------------------------------------------------------

#: Integral numbers up to this are written as integers (a phone number stored as a number,
#: an id, a card number): a float holds every integer to 2**53 exactly.
_INTEGRAL_UP_TO = 2**53
#: A non-integral number is read to the cent, as a person sees it in Excel.
_CENTS = Decimal("0.01")


def number_text(value: float) -> str:
    """A number cell as Excel shows it, without an exponent: an integral value to 2**53
    as its digits (``912345678.0`` -> ``912345678``, a 16-digit card number exactly), a
    larger one to 15 significant digits, any other as the 15 significant digits Excel
    keeps (``0.30000000000000004`` -> ``0.3``, ``12345.6`` -> ``12345.6``) rounded, when
    they have more than two decimals, to two, half away from zero (a computed
    ``5095.8904109589`` that Excel shows as 5,095.89 is ``5095.89``, ``2.675`` is
    ``2.68``): a workbook's numbers are read as Excel shows them with two decimals, and
    no field of a list takes more (amounts are to the cent)."""
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)  # nan, inf: no number the importers read
    if value.is_integer() and -_INTEGRAL_UP_TO <= value <= _INTEGRAL_UP_TO:
        return str(int(value))
    # The 15-digit decimal is rounded, not the binary float (2.675 is stored just below).
    shown = Decimal(f"{value:.15g}")
    exponent = shown.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        shown = shown.quantize(_CENTS, rounding=ROUND_HALF_UP)
        if not shown:
            shown = abs(shown)  # -0.001 is 0.00
    return format(shown, "f")


def _clock(value: time) -> str:
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def cell_text(value: object) -> str:
    """A cell python-calamine read, as the text a CSV export would hold: see the module."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        moment = value
        if moment.microsecond:  # a float's noise: 09:14:59.999999 is 09:15
            with contextlib.suppress(OverflowError):  # 9999-12-31 23:59:59.9: kept
                moment = moment + timedelta(microseconds=500_000)
            moment = moment.replace(microsecond=0)
        if moment.time() == time(0, 0):
            return moment.date().isoformat()
        return f"{moment.date().isoformat()} {_clock(moment.time())}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return _clock(value)
    if isinstance(value, timedelta):  # a duration cell ([h]:mm): hours and minutes
        seconds = round(value.total_seconds())
        sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
        hours, rest = divmod(seconds, 3600)
        minutes, secs = divmod(rest, 60)
        return f"{sign}{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")
    return str(value)


# -- what kind of file ---------------------------------------------------------------------

def workbook_format(path: Path) -> str | None:
    """``xlsx``, ``xls`` or ``ods`` for a workbook (by its bytes, not its name), ``zip``
    for any other zip archive, None for anything else (a CSV, a missing file)."""
    try:
        with open(path, "rb") as raw:
            kind = sniff(raw.read(8))
    except OSError:
        return None
    if kind == "ole":
        return XLS
    if kind == "zip":
        try:
            with zipfile.ZipFile(path) as archive:
                return _zip_format(archive)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error,
                NotImplementedError, RuntimeError):
            return "zip"
    return None


def _zip_format(archive: zipfile.ZipFile) -> str:
    names = set(archive.namelist())
    if "xl/workbook.xml" in names:
        return XLSX
    if "mimetype" in names:
        info = archive.getinfo("mimetype")
        if info.file_size <= 256 and archive.read(info).strip() == ODS_MIMETYPE:
            return ODS
    if "xl/workbook.bin" in names:
        return "xlsb"
    return "zip"


# -- the workbook as a table -----------------------------------------------------------------


@dataclass
class WorkbookTable:
    """A workbook's chosen sheet, open for reading records: what the importers use of
    :class:`~collectctl.ingest.reader.TableFile`. ``encoding`` and ``delimiter`` are None
    (cells are text already); row numbers are the sheet's, 1-based, as Excel shows them."""

    path: Path
    format: str
    sheet: str
    header: list[str]
    size: int
    header_row: int
    _records: Iterator[tuple[int, list[str] | RecordProblem]]
    _book: object | None
    _progress: list[int] = field(default_factory=lambda: [0, 1])
    _nul: bool = True
    _sha256: str | None = None
    encoding: str | None = None
    delimiter: str | None = None

    @property
    def label(self) -> str:
        """The file and sheet, as errors name them."""
        return _("{file}, sheet {sheet}").format(file=self.path.name, sheet=quoted(self.sheet))

    def records(self) -> Iterator[tuple[int, list[str] | RecordProblem]]:
        """``(row, cells)`` for each non-blank row after the header; ``row`` is the sheet's
        row number (1-based)."""
        return self._records

    @property
    def maybe_nul(self) -> bool:
        """Whether a cell may hold a NUL character (an .xlsx string can, as ``_x0000_``);
        False when the sheet's XML holds none."""
        return self._nul

    @property
    def maybe_undecodable(self) -> bool:
        """Cells are decoded text: never bytes an encoding could not decode."""
        return False

    @property
    def bytes_read(self) -> int:
        """How far through the sheet, in the file's bytes (its rows read of its rows)."""
        done, total = self._progress
        return self.size * min(done, total) // max(total, 1)

    def sha256(self) -> str:
        """The sha256 of the file's bytes (read once more, when asked)."""
        if self._sha256 is None:
            digest = hashlib.sha256()
            with open(self.path, "rb") as raw:
                while chunk := raw.read(1 << 20):
                    digest.update(chunk)
            self._sha256 = digest.hexdigest()
        return self._sha256

    def close(self) -> None:
        book, self._book = self._book, None
        self._records = iter(())
        if book is not None:
            _close(book)

    def __enter__(self) -> WorkbookTable:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def quoted(name: str, width: int = 40) -> str:
    """A sheet's name as messages show it: quoted, cut to ``width`` characters."""
    return "'" + (name if len(name) <= width else name[:width] + "...") + "'"


# -- measuring a zip before it is read ---------------------------------------------------------


@dataclass
class _Scan:
    """What one pass over a sheet's XML found: the area its cells span (from row and
    column 0: at least what python-calamine holds), its error cells (by 0-based row and
    column), whether any text of it may hold a NUL."""

    rows: int = 0
    columns: int = 0
    errors: dict[int, dict[int, str]] = field(default_factory=dict)
    nul: bool = False

    @property
    def cells(self) -> int:
        return self.rows * self.columns


#: How much of a member is inflated at a time.
_CHUNK = 4 << 20
#: One row of a sheet's XML may be this long before the file is refused (16,384 cells of
#: long text fit).
_ROW_BYTES = 64 << 20


def _column_number(letters: bytes) -> int:
    """``A`` -> 0, ``Z`` -> 25, ``AA`` -> 26 ..."""
    number = 0
    for byte in letters:
        number = number * 26 + byte - 64
    return number - 1


def _pieces(archive: zipfile.ZipFile, info: zipfile.ZipInfo, end: bytes, path: Path,
            limits: WorkbookLimits) -> Iterator[bytes]:
    """A member's bytes in pieces that each end just after an ``end`` tag (whole rows),
    its size held to ``limits.sheet_bytes`` as it inflates, whatever its header says."""
    seen = 0
    tail = b""
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            seen += len(chunk)
            if seen > limits.sheet_bytes:
                raise _too_big(path, limits)
            data = tail + chunk if tail else chunk
            cut = data.rfind(end)
            if cut < 0:
                if len(data) > _ROW_BYTES:
                    raise InputFileError(_("{path}: a row of the workbook is longer than "
                                           "{limit}").format(path=path.name,
                                                             limit=_size(_ROW_BYTES)))
                tail = data
                continue
            cut += len(end)
            tail = data[cut:]
            yield data[:cut]
    if tail:
        yield tail


def _size(count: int) -> str:
    """A size for a message: ``1,024 MB``, ``0.1 MB``."""
    megabytes = count / 2**20
    return f"{megabytes:,.0f} MB" if megabytes >= 10 else f"{megabytes:,.1f} MB"


def _too_big(path: Path, limits: WorkbookLimits) -> InputFileError:
    return InputFileError(_(
        "{path}: the sheet is larger than {limit} uncompressed, more than a workbook is "
        "read whole for; save it as CSV (read a row at a time) and import that").format(
        path=path.name, limit=_size(limits.sheet_bytes)))


def _too_many_cells(path: Path, cells: int, limits: WorkbookLimits) -> InputFileError:
    return InputFileError(_(
        "{path}: the sheet's cells span {cells} cells (rows times columns), more than the "
        "{limit} a workbook is read whole for; delete the unused rows and columns, or save "
        "it as CSV and import that").format(path=path.name, cells=f"{cells:,}",
                                            limit=f"{limits.cells:,}"))


def _damaged(path: Path) -> InputFileError:
    return InputFileError(_("{path}: the workbook is damaged or not one collectctl can "
                            "read; open it in Excel and save it again, or save it as CSV"
                            ).format(path=path.name))


def _check_zip(archive: zipfile.ZipFile, path: Path, limits: WorkbookLimits) -> None:
    """Refuse a zip whose members add up to more than any workbook (a zip bomb)."""
    total = sum(info.file_size for info in archive.infolist())
    if total > limits.zip_bytes:
        raise InputFileError(_(
            "{path}: the archive unpacks to {size}, more than the {limit} of any workbook "
            "read (a zip bomb?)").format(path=path.name, size=_size(total),
                                         limit=_size(limits.zip_bytes)))


def _read_part(archive: zipfile.ZipFile, name: str, path: Path,
               limits: WorkbookLimits) -> ElementTree.Element | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > limits.part_bytes:
        raise _damaged(path)
    try:
        return ElementTree.fromstring(archive.read(info))
    except (ElementTree.ParseError, zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise _damaged(path) from None


_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _xlsx_sheet_parts(archive: zipfile.ZipFile, path: Path,
                      limits: WorkbookLimits) -> dict[str, str]:
    """Each sheet's name and the member holding its cells (from workbook.xml and its
    relations, as python-calamine finds them)."""
    book = _read_part(archive, "xl/workbook.xml", path, limits)
    rels = _read_part(archive, "xl/_rels/workbook.xml.rels", path, limits)
    if book is None or rels is None:
        raise _damaged(path)
    targets = {}
    for rel in rels.iter(f"{_NS_PKG}Relationship"):
        target = rel.get("Target", "")
        member = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id")] = _normalized(member)
    parts = {}
    for sheet in book.iter(f"{_NS_MAIN}sheet"):
        name, part = sheet.get("name"), targets.get(sheet.get(f"{_NS_REL}id"))
        if name is not None and part is not None:
            parts[name] = part
    return parts


def _normalized(member: str) -> str:
    """``xl/worksheets/../x.xml`` -> ``xl/x.xml``."""
    out: list[str] = []
    for piece in member.split("/"):
        if piece == "..":
            if out:
                out.pop()
        elif piece not in ("", "."):
            out.append(piece)
    return "/".join(out)


def _may_hold_nul(piece: bytes) -> bool:
    """A NUL in OOXML text: the byte itself, or the ``_x0000_`` escape python-calamine
    decodes."""
    return b"\x00" in piece or b"_x0000_" in piece or b"_X0000_" in piece


#: Excel's grid: 1,048,576 rows of 16,384 columns (A to XFD). A reference past it is no
#: sheet Excel wrote, and python-calamine would hold the area up to it.
_GRID_ROWS, _GRID_COLUMNS = 1_048_576, 16_384
#: The ways a cell's or a row's start tag begins (its name, then a space, ``>`` or ``/``).
_CELL_TAGS = (b"<c ", b"<c>", b"<c/", b"<c\t", b"<c\n", b"<c\r")
_ROW_TAGS = (b"<row ", b"<row>", b"<row/", b"<row\t", b"<row\n", b"<row\r")
#: Cell and row references written first thing (``<c r="B7"``, as every common writer
#: does), whatever their value.
_FIRST_REF_COLUMN = re.compile(rb'<c r="([A-Za-z]+)[0-9]')
_FIRST_REF_ROW = re.compile(rb'<c r="[A-Za-z]+([0-9]+)"')
_ODD_FIRST_REF = re.compile(rb'<c r="(?![A-Za-z]+[0-9]+")')
_FIRST_ROW = re.compile(rb'<row r="([^"]*)"')
#: Any start tag of a cell or a row (its attributes quoted as XML quotes them: a ``>``
#: may be in a value), a row's end, and each attribute of a tag.
_TAG = re.compile(rb'<(c|row)(?=[\s/>])((?:[^>"\']|"[^"]*"|\'[^\']*\')*)>|</row\s*>')
_ATTRIBUTE = re.compile(rb'([^\s=/]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_REFERENCE = re.compile(rb"([A-Za-z]+)([0-9]+)")
_ROW_REFERENCE = re.compile(rb"[A-Za-z]*([0-9]+)")
#: A cell or row of a namespace prefix other than the sheet's own (python-calamine reads
#: elements by their local name).
_PREFIXED = re.compile(rb"</?[^\s<>/:]+:(?:c|row)[\s/>]")
#: A sheet's first element, which names its prefix (``<x:worksheet``).
_FIRST_ELEMENT = re.compile(rb"<([^?!\s/>][^\s/>]*)")
_ERROR_CELL = re.compile(rb'<c\b([^>]*?\st="e"[^>]*?)(?<!/)>(.*?)</c>', re.DOTALL)
_ERROR_REF = re.compile(rb'\sr="([A-Z]{1,3})([0-9]{1,7})"')
_VALUE = re.compile(rb"<v>([^<]{1,32})</v>")


def _beyond_grid(path: Path) -> InputFileError:
    return InputFileError(_(
        "{path}: a cell or row of the sheet lies beyond Excel's last row (1,048,576) or "
        "column (XFD): the workbook is damaged or too big to read whole; save it as CSV "
        "and import that").format(path=path.name))


def _root_prefix(archive: zipfile.ZipFile, info: zipfile.ZipInfo, root: bytes) -> bytes:
    """The namespace prefix of a member's root element ``root`` (``x`` for
    ``<x:worksheet``, as the .NET OpenXML SDK writes it; empty for none)."""
    with archive.open(info) as stream:
        head = stream.read(1 << 16)
    found = _FIRST_ELEMENT.search(head)
    if found is not None and found[1].endswith(b":" + root):
        return found[1][:-len(root) - 1]
    return b""


def _row_number(path: Path, value: bytes) -> int:
    """A row's number (1-based) from its reference, held to Excel's grid."""
    found = _ROW_REFERENCE.fullmatch(value)
    if found is None:
        raise _damaged(path)
    digits = found[1].lstrip(b"0")
    if len(digits) > 7 or not 1 <= int(digits or b"0") <= _GRID_ROWS:
        raise _beyond_grid(path)
    return int(digits)


def _last_row(path: Path, rows: list[bytes]) -> int:
    """The greatest of rows' numbers (1-based), each held to Excel's grid."""
    numbers = set(rows)
    try:
        values = list(map(int, numbers))  # (python-calamine refuses "+5", " 5", "5_0")
    except ValueError:  # letters, or thousands of digits
        return max(_row_number(path, number) for number in numbers)
    if min(values) < 1 or max(values) > _GRID_ROWS:
        raise _beyond_grid(path)
    return max(values)


def _cell_position(path: Path, letters: bytes, digits: bytes) -> tuple[int, int]:
    """A cell's 0-based row and column from its reference, held to Excel's grid."""
    if len(letters) > 3:
        raise _beyond_grid(path)
    digits = digits.lstrip(b"0")
    if len(digits) > 7:
        raise _beyond_grid(path)
    column, row = _column_number(letters.upper()), int(digits or b"0")
    if not 1 <= row <= _GRID_ROWS or column >= _GRID_COLUMNS:
        raise _beyond_grid(path)
    return row - 1, column


@dataclass
class _Area:
    """The rows and columns a sheet's cells span so far (0-based, -1: none), and where
    python-calamine puts the next cell written without a reference."""

    last_row: int = -1
    last_column: int = -1
    row: int = 0
    column: int = 0

    def cell(self, row: int, column: int) -> None:
        self.last_row, self.last_column = max(self.last_row, row), max(self.last_column, column)


def _scan_xlsx_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path,
                     limits: WorkbookLimits) -> _Scan:
    """One pass over a sheet's XML, before python-calamine reads it: the rows and
    columns its cells span (python-calamine holds every cell of that area), its error
    cells, whether a NUL may be in it. A reference beyond Excel's grid refuses it.

    Cells are found by their references (``<c r="B7"``). Reading each would cost more
    than python-calamine's own reading, so a piece of the sheet whose every cell and row
    is referenced first, as ``[A-Z]{1,3}[0-9]{1,7}``, is only searched for a reference
    beyond the area found so far (the rows so far being those its ``<row>`` elements
    number), which finds nothing in the usual sheet, written row by row; the references
    of a piece where one is found are read one by one, and any other piece is read tag
    by tag, as python-calamine reads it. A sheet whose elements carry a namespace prefix
    (``<x:row>``) is read without it."""
    scan = _Scan()
    area = _Area()
    prefix = _root_prefix(archive, info, b"worksheet")
    end = b"</" + prefix + b":row>" if prefix else b"</row>"
    beyond: re.Pattern[bytes] | None = None
    for piece in _pieces(archive, info, end, path, limits):
        if prefix:
            piece = piece.replace(b"<" + prefix + b":", b"<").replace(
                b"</" + prefix + b":", b"</")
        if (b":c" in piece or b":row" in piece) and _PREFIXED.search(piece):
            raise InputFileError(_(
                "{path}: the sheet's cells are written with namespace prefixes collectctl "
                "does not measure; open it in Excel and save it again, or save it as CSV "
                "and import that").format(path=path.name))
        rows = _FIRST_ROW.findall(piece)
        if not _referenced_first(piece, len(rows)):
            _read_tags(piece, area, path)
            beyond = None
        else:
            if rows:
                row = _last_row(path, rows) - 1
                if row > area.last_row:
                    area.last_row, beyond = row, None
                area.row, area.column = _row_number(path, rows[-1]), 0
            else:
                area.row, area.column = area.row + piece.count(b"</row>"), 0
            if beyond is None:
                beyond = _beyond(area.last_row, area.last_column)
            if beyond.search(piece):
                _read_first_refs(piece, area, path)
                beyond = None
        _note_cells(piece, scan, path, limits)
    scan.rows, scan.columns = area.last_row + 1, area.last_column + 1
    return scan


def _referenced_first(piece: bytes, rows: int) -> bool:
    """Whether every cell and row tag of a piece starts with its reference (``<c r="``,
    ``<row r="``), of which it has ``rows``. (A tag of "c" or "row" is counted first,
    and only when that differs, as <cols> and <rowBreaks> do, each cell or row tag.)"""
    first = piece.count(b'<c r="')
    return ((piece.count(b"<c") == first or sum(map(piece.count, _CELL_TAGS)) == first)
            and (piece.count(b"<row") == rows or sum(map(piece.count, _ROW_TAGS)) == rows))


def _read_first_refs(piece: bytes, area: _Area, path: Path) -> None:
    """The area extended to a piece's cells, each referenced first (``<c r="..."``)."""
    if _ODD_FIRST_REF.search(piece):
        _read_tags(piece, area, path)
        return
    rows = set(_FIRST_REF_ROW.findall(piece))
    columns = set(_FIRST_REF_COLUMN.findall(piece))
    if any(not digits.strip(b"0") for digits in rows):
        raise _beyond_grid(path)  # row 0
    last_row, _ = _cell_position(path, b"A", max(rows, key=lambda d: (len(d.lstrip(b"0")),
                                                                      d.lstrip(b"0"))))
    longest = max(columns, key=lambda letters: (len(letters), letters.upper()))
    _, last_column = _cell_position(path, longest, b"1")
    area.cell(last_row, last_column)


def _read_tags(piece: bytes, area: _Area, path: Path) -> None:
    """The area extended to a piece's cells, read tag by tag as python-calamine places
    them: by their reference, or else after the row's cell before (a row's number, or
    the row after the row before)."""
    for tag in _TAG.finditer(piece):
        if tag[1] is None:  # a row ends
            area.row, area.column = area.row + 1, 0
            continue
        ref = None
        for attribute in _ATTRIBUTE.finditer(tag[2]):
            if attribute[1] == b"r":
                value = attribute[2] if attribute[2] is not None else attribute[3]
                ref = value if ref is None else max(ref, value, key=len)
        if tag[1] == b"row":
            if ref is not None:
                number = _row_number(path, ref) - 1
                if not tag[2].endswith(b"/"):  # python-calamine skips an empty row
                    area.row = number
            continue
        if ref is not None:
            found = _REFERENCE.fullmatch(ref)
            if found is None:
                raise _damaged(path)  # python-calamine refuses such a reference too
            row, area.column = _cell_position(path, found[1], found[2])
            area.cell(row, area.column)
        else:
            area.cell(area.row, area.column)
        area.column += 1


def _extend(last_row: int, last_column: int, rows, columns) -> tuple[int, int]:
    """The area extended to cells in ``rows`` (1-based, as text) and ``columns``
    (letters)."""
    if rows:
        last_row = max(last_row, max(map(int, rows)) - 1)
    if columns:
        last_column = max(last_column, max(map(_column_number, columns)))
    return last_row, last_column


def _letters(column: int) -> str:
    """0 -> ``A``, 25 -> ``Z``, 26 -> ``AA`` ..."""
    text = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        text = chr(65 + rest) + text
    return text


def _greater(text: str, first: str, last: str) -> str:
    """A regular expression for the strings as long as ``text``, of the characters
    ``first``-``last``, that sort after it (``M``: ``[N-Z]``; ``12``:
    ``1[3-9]|[2-9][0-9]``), and the longer ones."""
    choices = [f"[{first}-{last}]{{{len(text) + 1},}}"]
    for at, char in enumerate(text):
        if char < last:
            rest = len(text) - at - 1
            choices.append(re.escape(text[:at]) + f"[{chr(ord(char) + 1)}-{last}]"
                           + (f"[{first}-{last}]{{{rest}}}" if rest else ""))
    return "|".join(choices)


def _beyond(last_row: int, last_column: int) -> re.Pattern[bytes]:
    """A cell reference outside rows 0..``last_row`` and columns 0..``last_column``, or
    any but the strict kind (``[A-Z]{1,3}[1-9][0-9]{0,6}``), to be read as it is."""
    columns = "[A-Z]+" if last_column < 0 else _greater(_letters(last_column), "A", "Z")
    rows = "[0-9]+" if last_row < 0 else _greater(str(last_row + 1), "0", "9")
    return re.compile(f'<c r="(?:(?:{columns})[0-9]|[A-Z]+(?:{rows})"'
                      f'|(?![A-Z]{{1,3}}[1-9][0-9]{{0,6}}"))'.encode())


def _note_cells(piece: bytes, scan: _Scan, path: Path, limits: WorkbookLimits) -> None:
    """Note a piece's error cells, and whether it may hold a NUL."""
    if not scan.nul and _may_hold_nul(piece):
        scan.nul = True
    if b't="e"' in piece:
        for match in _ERROR_CELL.finditer(piece):
            ref, value = _ERROR_REF.search(match[1]), _VALUE.search(match[2])
            if ref is not None:  # else placed by count: blank, as calamine reads it
                _keep_error(scan.errors, int(ref[2]) - 1, _column_number(ref[1]),
                            value[1] if value else b"#ERROR", path, limits)


def _keep_error(errors: dict[int, dict[int, str]], row: int, column: int, text: bytes,
                path: Path, limits: WorkbookLimits) -> None:
    """Note an error cell (``#N/A``) to show as its text."""
    if sum(map(len, errors.values())) >= limits.error_cells:
        raise InputFileError(_(
            "{path}: more than {limit} error cells (#N/A, #DIV/0! ...); fix the formulas, "
            "or save the sheet as CSV and import that").format(
            path=path.name, limit=f"{limits.error_cells:,}"))
    errors.setdefault(row, {})[column] = sys.intern(text.decode("utf-8", "replace"))


_ODS_TOKEN = re.compile(
    rb"<table:table(?=[\s>])([^>]*?)(?<!/)>|</table:table>"
    rb"|<table:table-row(?=[\s>])([^>]*?)(?<!/)>(.*?)</table:table-row>"
    rb"|<table:table-row(?=[\s/])([^>]*?)/>", re.DOTALL)
_ODS_CELL = re.compile(rb"<table:(?:covered-)?table-cell(?=[\s>/])([^>]*?)(/?)>")
_ODS_NAME = re.compile(rb'\stable:name="([^"]*)"')
_ROWS_REPEATED = re.compile(rb'\stable:number-rows-repeated="([0-9]{1,9})"')
_COLUMNS_REPEATED = re.compile(rb'\stable:number-columns-repeated="([0-9]{1,9})"')
_ODS_TEXT = re.compile(rb"<text:p>([^<]{1,32})</text:p>")


@dataclass
class _OdsSheet:
    """A sheet of content.xml as it is read: its rows so far, the first and last with a
    value, its widest, its error cells."""

    row: int = 0
    first: int | None = None
    last: int = -1
    width: int = 0
    errors: dict[int, dict[int, str]] = field(default_factory=dict)

    @property
    def cells(self) -> int:
        return 0 if self.first is None else (self.last - self.first + 1) * self.width


def _scan_ods(archive: zipfile.ZipFile, path: Path, limits: WorkbookLimits
              ) -> tuple[dict[str, _Scan], bool]:
    """content.xml, every sheet of it (python-calamine reads them all when it opens the
    file), before it is read: each sheet's error cells, refusing the file when their
    areas add up to more cells than the limit (repeated rows and cells counted as
    python-calamine expands them); and whether a NUL may be in it."""
    try:
        info = archive.getinfo("content.xml")
    except KeyError:
        raise _damaged(path) from None
    sheets: dict[str, _Scan] = {}
    nul = False
    done = 0  # the cells of the sheets read
    name, sheet = "", _OdsSheet()
    for piece in _pieces(archive, info, b"</table:table-row>", path, limits):
        nul = nul or b"\x00" in piece
        for match in _ODS_TOKEN.finditer(piece):
            if match[1] is not None:  # a sheet begins
                found = _ODS_NAME.search(match[1])
                name = _xml_text(found[1]) if found else ""
                sheet = _OdsSheet()
            elif match[4] is not None:  # rows without cells (python-calamine counts them)
                sheet.row += _repeat(_ROWS_REPEATED.search(match[4]))
            elif match[2] is None:  # a sheet ends
                done += sheet.cells
                sheets[name] = _Scan(errors=sheet.errors)
                sheet = _OdsSheet()
            else:
                repeat = _repeat(_ROWS_REPEATED.search(match[2]))
                filled = _ods_row(match[3], sheet, path, limits)
                if filled >= 0:
                    sheet.first = sheet.row if sheet.first is None else sheet.first
                    sheet.last = sheet.row + repeat - 1
                    sheet.width = max(sheet.width, filled + 1)
                sheet.row += repeat
        if done + sheet.cells > limits.cells:
            raise _too_many_cells(path, done + sheet.cells, limits)
    return sheets, nul


def _xml_text(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def _repeat(match: re.Match[bytes] | None) -> int:
    return int(match[1]) if match else 1


def _ods_row(body: bytes, sheet: _OdsSheet, path: Path, limits: WorkbookLimits) -> int:
    """The 0-based column of a row's last cell with a value (-1: none; an upper bound
    for a row without repeated cells), its error cells noted."""
    if b"value-type" not in body and b"table:formula" not in body:
        return -1
    if b"repeated" not in body and b'value-type="error"' not in body:
        return body.count(b"<table:table-cell") + body.count(b"<table:covered-table-cell") - 1
    column = 0
    last = -1
    for cell in _ODS_CELL.finditer(body):
        attributes = cell[1]
        repeat = _repeat(_COLUMNS_REPEATED.search(attributes))
        if b"value-type" in attributes or b"table:formula" in attributes:
            last = column + repeat - 1
            if b'calcext:value-type="error"' in attributes and not cell[2]:
                end = body.find(b"</table:table-cell>", cell.end())
                text = _ODS_TEXT.search(body, cell.end(), end if end >= 0 else len(body))
                for n in range(min(repeat, 16_384)):
                    _keep_error(sheet.errors, sheet.row, column + n,
                                text[1] if text else b"#ERROR", path, limits)
        column += repeat
    return last


# -- opening ---------------------------------------------------------------------------------


class _Sheets:
    """How to measure a sheet of the open file before python-calamine loads it: what an
    .xlsx's XML says of it, or what the .ods scan found; nothing is known of an .xls."""

    def __init__(self, path: Path, fmt: str, archive: zipfile.ZipFile | None,
                 limits: WorkbookLimits) -> None:
        self.path, self.fmt, self.archive, self.limits = path, fmt, archive, limits
        self.parts: dict[str, str] = {}
        self.ods: dict[str, _Scan] = {}
        self.strings_nul = False
        self.strings_size = 0
        if archive is None:
            return
        if fmt == ODS:
            self.ods, self.strings_nul = _scan_ods(archive, path, limits)
            return
        self.parts = _xlsx_sheet_parts(archive, path, limits)
        try:
            strings = archive.getinfo("xl/sharedStrings.xml")
        except KeyError:
            return
        # The shared strings are held with whichever sheet is read: their size counts
        # toward its size, and a NUL among them may be in any of its cells.
        self.strings_size = strings.file_size
        prefix = _root_prefix(archive, strings, b"sst")
        end = b"</" + prefix + b":si>" if prefix else b"</si>"
        for piece in _pieces(archive, strings, end, path, limits):
            if _may_hold_nul(piece):
                self.strings_nul = True
                break

    def measure(self, name: str) -> _Scan | None:
        """The sheet's scan (None for an .xls: its cells are bounded by its format),
        refusing one beyond the limits before it is loaded."""
        if self.fmt == XLS:
            return None
        if self.fmt == ODS:
            found = self.ods.get(name)
            return _Scan(errors=found.errors if found else {}, nul=self.strings_nul)
        assert self.archive is not None
        part = self.parts.get(name)
        try:
            info = self.archive.getinfo(part) if part is not None else None
        except KeyError:
            info = None
        if info is None:  # no cells python-calamine reads (a chart sheet)
            return _Scan(nul=True)
        if info.file_size + self.strings_size > self.limits.sheet_bytes:
            raise _too_big(self.path, self.limits)
        scan = _scan_xlsx_sheet(self.archive, info, self.path, self.limits)
        if scan.cells > self.limits.cells:
            raise _too_many_cells(self.path, scan.cells, self.limits)
        scan.nul = scan.nul or self.strings_nul
        return scan


def open_workbook(path: Path, kind: str, header: HeaderTest, sheet: str | None,
                  cells_limit: int, check_header: Callable[[tuple[int, list[str] | RecordProblem]],
                                                           list[str]]) -> WorkbookTable:
    """Open the workbook ``path`` (``kind``: ``zip`` or ``ole``, as its first bytes say) at
    ``sheet`` (a name, or a 1-based number) or, without one, at the first visible sheet
    whose header names the required columns. Raise :class:`InputFileError` if it cannot
    be read, holds no such sheet, or would not fit :data:`LIMITS`. A row of more than
    ``cells_limit`` cells is refused (``too_many_cells``); ``check_header`` is the
    reader's check of a header's size."""
    limits = LIMITS
    size = path.stat().st_size
    archive = None
    if kind == "zip":
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
            raise _damaged(path) from None
    try:
        if archive is not None:
            _check_zip(archive, path, limits)
            fmt = _zip_format(archive)
            if fmt == "zip":
                raise InputFileError(_("{path}: a zip archive, not a workbook or CSV file"
                                       ).format(path=path.name))
            if fmt == "xlsb":
                raise InputFileError(_(
                    "{path}: an Excel binary workbook (.xlsb); in Excel save it as .xlsx "
                    "or CSV and import that").format(path=path.name))
        else:
            fmt = XLS
            if size > limits.xls_bytes:
                raise InputFileError(_(
                    "{path}: an .xls file larger than {limit}; save it as CSV and import "
                    "that").format(path=path.name, limit=_size(limits.xls_bytes)))
        sheets = _Sheets(path, fmt, archive, limits)
        book = _load(path)
        try:
            reading = _Reading(path, fmt, book, sheets, header, size, cells_limit,
                               check_header)
            return reading.choose(sheet)
        except BaseException:
            _close(book)
            raise
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error, NotImplementedError,
            RuntimeError):
        # A member that does not inflate (or inflates to more than its header says), one
        # compressed by a method zipfile lacks, one encrypted (zipfile's RuntimeError).
        raise _damaged(path) from None
    finally:
        if archive is not None:
            archive.close()


def _load(path: Path):
    import python_calamine

    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except BaseException as error:
        raise _unreadable(path, error) from None


def _unreadable(path: Path, error: BaseException) -> BaseException:
    """The one-line error for what python-calamine raised (never its words: they can
    quote a cell). Anything not of python-calamine (Ctrl-C) goes on as it was."""
    import python_calamine

    if isinstance(error, python_calamine.PasswordError) or _encrypted(path):
        return InputFileError(_("{path}: the workbook is password-protected; save a copy "
                                "without the password (or as CSV) and import that"
                                ).format(path=path.name))
    # PanicException (a Rust panic on a malformed file) derives from BaseException.
    if isinstance(error, Exception) or type(error).__name__ == "PanicException":
        return _damaged(path)
    return error


def _encrypted(path: Path) -> bool:
    """Whether ``path`` is an encrypted Office file: an OLE container holding an
    ``EncryptedPackage`` stream (how Excel saves an .xlsx with a password)."""
    marker = "EncryptedPackage".encode("utf-16-le")
    try:
        with open(path, "rb") as raw:
            if not raw.read(4).startswith(OLE_MAGIC):
                return False
            raw.seek(0)
            tail = b""
            while chunk := raw.read(1 << 20):
                if marker in tail + chunk:
                    return True
                tail = chunk[-len(marker):]
    except OSError:
        return False
    return False


def _close(book) -> None:
    with contextlib.suppress(Exception):  # closed already: nothing left to free
        book.close()


def _is_hidden(meta) -> bool:
    import python_calamine

    return meta.visible != python_calamine.SheetVisibleEnum.Visible


def _is_worksheet(meta) -> bool:
    import python_calamine

    return meta.typ == python_calamine.SheetTypeEnum.WorkSheet


def _sheet_list(metadata) -> str:
    """The sheets, numbered as ``--sheet N`` counts them, for an error line."""
    shown = [f"{number} {quoted(meta.name)}" + (_(" (hidden)") if _is_hidden(meta) else "")
             for number, meta in enumerate(metadata[:20], start=1)]
    more = len(metadata) - 20
    return ", ".join(shown) + (_(" and {n} more").format(n=more) if more > 0 else "")


class _Reading:
    """Choosing the sheet of an open workbook and opening it as a table."""

    def __init__(self, path: Path, fmt: str, book, sheets: _Sheets, header: HeaderTest,
                 size: int, cells_limit: int, check_header) -> None:
        self.path, self.fmt, self.book, self.sheets = path, fmt, book, sheets
        self.header, self.size, self.cells_limit = header, size, cells_limit
        self.check_header = check_header
        try:
            self.metadata = list(book.sheets_metadata)
        except BaseException as error:
            raise _unreadable(path, error) from None

    def choose(self, wanted: str | None) -> WorkbookTable:
        path, metadata = self.path, self.metadata
        if not metadata:
            raise InputFileError(_("{path}: the workbook has no sheets").format(
                path=path.name))
        if wanted is not None:
            index = self.pick(wanted)
            table = self.open(index, chosen=True)
            if table is None:
                raise InputFileError(_("{path}: sheet {sheet} is empty").format(
                    path=path.name, sheet=quoted(metadata[index].name)))
            return table
        for index, meta in enumerate(metadata):
            if _is_hidden(meta) or not _is_worksheet(meta):
                continue
            table = self.open(index, chosen=False)
            if table is not None:
                return table
        raise InputFileError(_(
            "{path}: no sheet has a header row with {columns} in its first {n} rows; its "
            "sheets: {sheets} (choose one with --sheet NAME, or name the columns in "
            "--mapping FILE)").format(path=path.name, columns=self.header.required_labels(),
                                      n=HEADER_ROWS, sheets=_sheet_list(metadata)))

    def pick(self, wanted: str) -> int:
        """The index of the sheet ``--sheet`` names: its name (exactly, else ignoring
        case when only one matches so), else its number."""
        metadata = self.metadata
        for index, meta in enumerate(metadata):
            if meta.name == wanted:
                return index
        folded = [index for index, meta in enumerate(metadata)
                  if meta.name.strip().casefold() == wanted.strip().casefold()]
        if len(folded) == 1:
            return folded[0]
        text = wanted.strip()
        if text.isdigit() and 1 <= int(text) <= len(metadata):
            return int(text) - 1
        raise InputFileError(_("{path}: no sheet {sheet}; its sheets: {sheets}").format(
            path=self.path.name, sheet=quoted(wanted), sheets=_sheet_list(metadata)))

    def open(self, index: int, chosen: bool) -> WorkbookTable | None:
        """The sheet as a table from its header row: the first of its first
        :data:`HEADER_ROWS` rows that names the required columns (``chosen``: else its
        first non-blank row, so that the import says which columns it lacks). None for
        an empty sheet, or one without such a header when not ``chosen``."""
        name = self.metadata[index].name
        scan = self.sheets.measure(name)
        try:
            sheet = self.book.get_sheet_by_index(index)
            start, height, width = sheet.start, sheet.height, sheet.width
        except BaseException as error:
            raise _unreadable(self.path, error) from None
        if start is None or height == 0:
            return None
        if self.fmt == XLS and height * width > LIMITS.cells:
            raise _too_many_cells(self.path, height * width, LIMITS)
        errors = _relative(scan.errors if scan else {}, start[1])
        progress = [0, start[0] + height]
        rows = _text_rows(sheet.iter_rows(), errors, progress)
        seen: list[tuple[int, list[str]]] = []
        found = None
        for number, cells in rows:
            if any(cell.strip() for cell in cells):
                if self.header.has_required([cell.strip() for cell in cells]):
                    found = (number, cells)
                    break
                seen.append((number, cells))
            if number >= HEADER_ROWS:
                break
        rest: Iterator[tuple[int, list[str]]] = rows
        if found is None:
            if not chosen:
                return None
            if seen:
                found, rest = seen[0], itertools.chain(seen[1:], rows)
            else:
                found = next(((n, c) for n, c in rows if any(x.strip() for x in c)), None)
                if found is None:
                    return None
            if not self.header.score([cell.strip() for cell in found[1]]):
                # No cell of it names a known column: a title or a data row, whose cells
                # (a debtor's name and number) an error line must not quote.
                raise InputFileError(_(
                    "{path}, sheet {sheet}: none of its first {n} rows names the columns "
                    "{fields} (name them in --mapping FILE or import.aliases)").format(
                    path=self.path.name, sheet=quoted(name), n=HEADER_ROWS,
                    fields=self.header.required_labels()))
        number, cells = found
        if len(cells) > self.cells_limit:
            self.check_header((number, _too_many(self.cells_limit)))
        header = self.check_header((number, cells))
        return WorkbookTable(self.path, self.fmt, name, header, self.size, number,
                             _records(rest, self.cells_limit),
                             self.book, progress, scan.nul if scan is not None else True)


def _relative(errors: dict[int, dict[int, str]], first_column: int
              ) -> dict[int, dict[int, str]]:
    """Error cells by the column of a row as python-calamine gives it (from the sheet's
    first column with a cell)."""
    if not first_column:
        return errors
    return {row: {column - first_column: text for column, text in found.items()
                  if column >= first_column}
            for row, found in errors.items()}


def _text_rows(rows: Iterator[list], errors: dict[int, dict[int, str]], progress: list[int]
               ) -> Iterator[tuple[int, list[str]]]:
    """``(row number, cells as text)`` for every row from the sheet's first (numbered from
    1, as Excel shows them: python-calamine gives the rows above its cells as blank
    ones), trailing blank cells dropped."""
    convert = cell_text
    for index, row in enumerate(rows):
        cells = [value if type(value) is str else convert(value) for value in row]
        if errors and index in errors:
            for column, text in errors[index].items():
                if column < len(cells):
                    cells[column] = text
        while cells and not cells[-1]:
            cells.pop()
        progress[0] = index + 1
        yield index + 1, cells


def _too_many(limit: int, raw: tuple[str, ...] = ()) -> RecordProblem:
    return RecordProblem(r.TOO_MANY_CELLS, {"limit": limit}, raw)


def _records(rows: Iterator[tuple[int, list[str]]], cells_limit: int
             ) -> Iterator[tuple[int, list[str] | RecordProblem]]:
    for number, cells in rows:
        if len(cells) > cells_limit:
            yield number, _too_many(cells_limit, tuple(cells[:cells_limit]))
        elif (cells and cells[0].strip()) or any(cell.strip() for cell in cells):
            yield number, cells
