"""What a reader yields besides cells, shared by the CSV reader (:mod:`.reader`) and the
workbook reader (:mod:`.workbook`), and how a file's first bytes say which reads it."""

from __future__ import annotations

from dataclasses import dataclass

#: A zip archive (.xlsx, .ods) and an OLE compound file (.xls) begin with these bytes.
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def sniff(head: bytes) -> str | None:
    """``zip`` or ``ole`` for a file whose first bytes are those formats', else None."""
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    return None


@dataclass(frozen=True)
class RecordProblem:
    """A record the reader refuses (in place of its cells): a reason code
    (``core.reasons``), its parameters and what of the record is kept (its first line's
    cells for an unclosed quote, nothing for a line too long)."""

    code: str
    detail: dict
    raw: tuple[str, ...] = ()
