"""Workbooks made in the test (no binary fixtures): .xlsx by openpyxl, .xls by xlwt, .ods
written here as the three members an ODF spreadsheet needs, and an .xlsx's sheet XML
patched where openpyxl cannot write what Excel writes (a formula's cached value)."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr


def xlsx(path: Path, sheets: dict[str, list[list]], hidden: tuple[str, ...] = (),
         merged: dict[str, list[str]] | None = None) -> Path:
    """An .xlsx with one sheet per entry (rows of Python values; a str starting with
    ``=`` is a formula, which openpyxl saves without a value), ``hidden`` sheets hidden
    and ``merged`` ranges (``A1:D1``) merged."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for cells in (merged or {}).get(name, []):
            sheet.merge_cells(cells)
        if name in hidden:
            sheet.sheet_state = "hidden"
    book.save(path)
    return path


def patch_xlsx(path: Path, member: str, old: bytes, new: bytes) -> Path:
    """Replace ``old`` by ``new`` in a member of the .xlsx at ``path`` (in place)."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == member:
                assert old in data, data[:2000]
                data = data.replace(old, new)
            target.writestr(info, data)
    path.write_bytes(out.getvalue())
    return path


def sheet_xml(path: Path, index: int = 1) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(f"xl/worksheets/sheet{index}.xml")


def xls(path: Path, sheets: dict[str, list[list]]) -> Path:
    """An .xls (BIFF8) by xlwt: dates, datetimes and times with their number formats."""
    import xlwt

    styles = {date: xlwt.easyxf(num_format_str="yyyy-mm-dd"),
              datetime: xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm"),
              time: xlwt.easyxf(num_format_str="hh:mm")}
    book = xlwt.Workbook()
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, Decimal):
                    value = float(value)
                style = styles.get(type(value))
                if style is not None:
                    sheet.write(r, c, value, style)
                else:
                    sheet.write(r, c, value)
    book.save(str(path))
    return path


class OdsError:
    """An error cell of an .ods, as LibreOffice writes one (a formula whose result is an
    error: ``#DIV/0!``)."""

    def __init__(self, text: str) -> None:
        self.text = text


class OdsRepeat:
    """A cell repeated ``times`` across (``table:number-columns-repeated``)."""

    def __init__(self, value, times: int) -> None:
        self.value, self.times = value, times


_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
       'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" '
       'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"')


def _ods_cell(value, extra: str = "") -> str:
    if isinstance(value, OdsRepeat):
        return _ods_cell(value.value, f' table:number-columns-repeated="{value.times}"')
    if value is None:
        return f"<table:table-cell{extra}/>"
    if isinstance(value, OdsError):
        return (f'<table:table-cell{extra} table:formula="of:=1/0" office:value-type="string" '
                f'office:string-value="" calcext:value-type="error">'
                f"<text:p>{escape(value.text)}</text:p></table:table-cell>")
    if isinstance(value, bool):
        word = "true" if value else "false"
        return (f'<table:table-cell{extra} office:value-type="boolean" '
                f'office:boolean-value="{word}"><text:p>{word.upper()}</text:p>'
                "</table:table-cell>")
    if isinstance(value, int | float | Decimal):
        return (f'<table:table-cell{extra} office:value-type="float" office:value="{value!r}'
                f'"><text:p>{value}</text:p></table:table-cell>'
                if not isinstance(value, Decimal) else
                f'<table:table-cell{extra} office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    if isinstance(value, datetime):
        return (f'<table:table-cell{extra} office:value-type="date" '
                f'office:date-value="{value.isoformat()}"><text:p>{value}</text:p>'
                "</table:table-cell>")
    if isinstance(value, date):
        return (f'<table:table-cell{extra} office:value-type="date" '
                f'office:date-value="{value.isoformat()}"><text:p>{value}</text:p>'
                "</table:table-cell>")
    if isinstance(value, time):
        return (f'<table:table-cell{extra} office:value-type="time" '
                f'office:time-value="PT{value.hour:02d}H{value.minute:02d}M{value.second:02d}S">'
                f"<text:p>{value}</text:p></table:table-cell>")
    return (f'<table:table-cell{extra} office:value-type="string"><text:p>{escape(str(value))}'
            "</text:p></table:table-cell>")


def ods_bytes(sheets: dict[str, list[list]], hidden: tuple[str, ...] = (),
              encrypted: bool = False, repeated_rows: dict[tuple[str, int], int] | None = None
              ) -> bytes:
    """An .ods: ``mimetype`` (stored, first), ``content.xml`` and the manifest (with an
    ``encryption-data`` entry when ``encrypted``, as a password-protected file has).
    ``repeated_rows``: (sheet, row index) -> how many times that row repeats."""
    tables = []
    for name, rows in sheets.items():
        style = ' table:style-name="hidden"' if name in hidden else ""
        body = []
        for index, row in enumerate(rows):
            repeat = (repeated_rows or {}).get((name, index))
            attribute = f' table:number-rows-repeated="{repeat}"' if repeat else ""
            cells = "".join(map(_ods_cell, row)) or "<table:table-cell/>"
            body.append(f"<table:table-row{attribute}>{cells}</table:table-row>")
        tables.append(f"<table:table table:name={quoteattr(name)}{style}>"
                      f"{''.join(body)}</table:table>")
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS} '
        'office:version="1.2"><office:automatic-styles><style:style style:name="hidden" '
        'style:family="table"><style:table-properties table:display="false"/></style:style>'
        "</office:automatic-styles><office:body><office:spreadsheet>"
        f"{''.join(tables)}</office:spreadsheet></office:body></office:document-content>")
    secret = ('<manifest:encryption-data manifest:checksum-type="SHA1/1K" '
              'manifest:checksum="AAAA"/>') if encrypted else ""
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        f"{secret}</manifest:file-entry></manifest:manifest>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"),
                         "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def ods(path: Path, sheets: dict[str, list[list]], **options) -> Path:
    path.write_bytes(ods_bytes(sheets, **options))
    return path


def prefix_xlsx(path: Path, prefix: str = "x", member: str = "xl/worksheets/sheet1.xml"
                ) -> Path:
    """Rewrite a member of the .xlsx at ``path`` with every element of its namespace
    under ``prefix`` (``<x:worksheet xmlns:x="..."><x:sheetData><x:row>``), as the .NET
    OpenXML SDK writes a sheet."""
    import re

    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    tag = prefix.encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == member:
                data = re.sub(rb"<(/?)([A-Za-z]+)(?=[\s/>])", rb"<\1" + tag + rb":\2", data)
                data = data.replace(b' xmlns="', b" xmlns:" + tag + b'="', 1)
            target.writestr(info, data)
    path.write_bytes(out.getvalue())
    return path
