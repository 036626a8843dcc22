"""Reading tabular files: the only file I/O of the importers.

Opens a CSV (or tab/semicolon separated) export, detects its encoding and
delimiter from a sample, and streams ``(line_number, cells)`` records without
reading the file whole. Bytes that do not decode are kept as surrogate escapes
so that only their row is rejected, never the file. What it holds at once is bounded
whatever the file (:class:`Limits`): a record beyond them comes as a
:class:`RecordProblem`, a header beyond them refuses the file.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import os
import re
import sys
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from collectctl.core import reasons as r
from collectctl.errors import InputFileError
from collectctl.i18n import _
from collectctl.ingest.records import RecordProblem as RecordProblem
from collectctl.ingest.records import sniff

if TYPE_CHECKING:
    from collectctl.ingest.workbook import HeaderTest, WorkbookTable

SAMPLE_BYTES = 64 * 1024
#: Candidates tried in order when no encoding is forced and there is no BOM.
CANDIDATE_ENCODINGS = ("utf-8", "cp950", "gb18030")
DELIMITERS = (",", ";", "\t")
ENCODING_NAMES = {"big5": "cp950", "utf8": "utf-8", "gbk": "gb18030", "gb2312": "gb18030"}

csv.field_size_limit(16 * 1024 * 1024)


class _HashingReader(io.RawIOBase):
    """A raw stream that hashes (sha256) and counts the bytes read through it."""

    def __init__(self, raw) -> None:
        self._raw = raw
        self.sha256 = hashlib.sha256()
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._raw.readinto(buffer)
        if n:
            self.sha256.update(memoryview(buffer)[:n])
            self.bytes_read += n
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


class _EscapeCounter:
    """A decoding error handler of one open file: ``surrogateescape`` (the row is
    rejected, not the file), counting each use, so the reader can tell whether any row
    can hold undecodable bytes without searching every row for them. Each file registers
    its own (codecs knows handlers by name only), so files read at once, in threads or
    in a worker process, never see each other's count."""

    _names = itertools.count()

    def __init__(self) -> None:
        self.hits = 0
        self.name = f"collectctl-escape-{os.getpid()}-{next(self._names)}"
        codecs.register_error(self.name, self)

    def __call__(self, error: UnicodeError) -> tuple[str | bytes, int]:
        self.hits += 1
        return codecs.lookup_error("surrogateescape")(error)


def _check_is_text(sample: bytes, path: Path) -> None:
    """Refuse binary files with advice instead of garbage headers (workbooks are read by
    :mod:`collectctl.ingest.workbook` before this is asked)."""
    utf16 = sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    # A NUL in a row refuses that row (the importers say so); in the header, or one byte
    # in a hundred of them, it is not text at all.
    first_line = sample.split(b"\n", 1)[0].split(b"\r", 1)[0]
    nuls = sample.count(b"\x00")
    if not utf16 and (b"\x00" in first_line or (nuls > 16 and nuls * 100 > len(sample))):
        raise InputFileError(_("{path}: not a text (CSV) file").format(path=path.name))


def _decode_sample(sample: bytes, encoding: str) -> tuple[str, bool]:
    """Decode ``sample`` (which may end mid-character); also say if it decoded cleanly."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        return decoder.decode(sample, final=False), True
    except UnicodeDecodeError:
        decoder = codecs.getincrementaldecoder(encoding)("replace")
        return decoder.decode(sample, final=False), False


def _first_record(text: str, delimiter: str) -> list[str]:
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        if any(cell.strip() for cell in row):
            return row
    return []


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first non-empty line into the most cells (comma on ties)."""
    line = next((ln for ln in text.splitlines() if ln.strip()), "")
    return max(DELIMITERS, key=lambda d: (line.count(d), -DELIMITERS.index(d)))


def detect_encoding(sample: bytes, score_header: Callable[[list[str]], int]) -> str:
    """Pick the encoding of a file from its first bytes.

    A BOM decides. Otherwise each candidate is scored by how many header cells
    it turns into known column names (the strongest signal between Big5 and
    GB18030, which decode each other's bytes), then by whether it decodes
    cleanly; earlier candidates win ties (UTF-8, then Big5/CP950).
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    best: tuple[tuple[int, bool, int], str] | None = None
    for index, encoding in enumerate(CANDIDATE_ENCODINGS):
        text, clean = _decode_sample(sample, encoding)
        header = _first_record(text, sniff_delimiter(text))
        key = (score_header(header), clean, -index)
        if best is None or key > best[0]:
            best = (key, encoding)
    return best[1] if best else "utf-8"


def normalize_encoding(name: str) -> str:
    """Check an encoding name given by the user; return the codec to use."""
    key = name.strip().lower().replace("_", "-")
    key = ENCODING_NAMES.get(key.replace("-", ""), key)
    try:
        return codecs.lookup(key).name if key not in ("cp950", "utf-8-sig") else key
    except LookupError:
        raise InputFileError(_("unknown encoding {name!r} (e.g. utf-8, big5, gb18030)").format(
            name=name)) from None


@dataclass
class TableFile:
    """An open tabular file: its header, encoding and delimiter, and a stream of records."""

    path: Path
    encoding: str
    delimiter: str
    header: list[str]
    size: int
    _stream: _HashingReader
    _records: Iterator[tuple[int, list[str] | RecordProblem]]
    _escapes: _EscapeCounter | None = None
    _lines: _Lines | None = None
    #: What the file is, and its sheet (a workbook's: :mod:`collectctl.ingest.workbook`).
    format: ClassVar[str] = "csv"
    sheet: ClassVar[str | None] = None

    @property
    def label(self) -> str:
        """The file, as errors name it."""
        return self.path.name

    def records(self) -> Iterator[tuple[int, list[str] | RecordProblem]]:
        """``(line, cells)`` for each non-blank record after the header; ``line`` is 1-based
        (the record's first line). A record beyond the :class:`Limits` comes as a
        :class:`RecordProblem` instead of its cells."""
        return self._records

    @property
    def maybe_nul(self) -> bool:
        """Whether any record read so far may hold a NUL character; False means none can."""
        return self._lines is not None and self._lines.nul

    @property
    def maybe_undecodable(self) -> bool:
        """Whether any record read so far may hold bytes the encoding could not decode
        (as lone surrogates); False means none can."""
        return self._escapes is not None and self._escapes.hits > 0

    @property
    def bytes_read(self) -> int:
        return self._stream.bytes_read

    def sha256(self) -> str:
        """The file's sha256; complete once the records have been read to the end."""
        return self._stream.sha256.hexdigest()

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> TableFile:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@dataclass(frozen=True)
class Limits:
    """How much of a file the reader holds at once, whatever the file (a header of 50 MB,
    a line without an end, a quote never closed): a record beyond them is refused, a
    header beyond them refuses the file. Characters are decoded characters."""

    #: One record, all its lines (a longer line is refused without being kept).
    record_chars: int = 1 << 20
    #: Lines one quoted field may run over before its quote counts as never closed.
    quoted_lines: int = 100
    #: Cells of one row, and columns of the header.
    cells: int = 1000
    #: The header record, and one header cell.
    header_chars: int = 64 * 1024
    header_cell_chars: int = 256


#: The limits :func:`open_table` reads with (tests lower them).
LIMITS = Limits()


class _TooLong(Exception):
    """A physical line longer than a record may be (its rest has been skipped)."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class _RunOn(Exception):
    """A record that has run over more lines (or characters) than a record may."""


class _Lines:
    """The physical lines of a text stream, one at a time, for ``csv.reader``: never more
    than ``limits.record_chars`` of a line in memory, and the lines of the record being
    read kept (bounded by the limits) so that a run-on record can be read again from its
    second line. Line numbers are 1-based and run on through lines read again."""

    def __init__(self, stream, limits: Limits) -> None:
        self._readline = stream.readline
        self.limits = limits
        self._limit = limits.record_chars
        #: The number of the last line handed out.
        self.number = 0
        #: Lines to hand out again before reading on (None: a line too long).
        self.replay: deque[str | None] = deque()
        #: The lines of the record being read, and the number of its first.
        self.record: list[str] = []
        self.start = 0
        #: Whether the stream ended inside the record being read.
        self.ended_in_record = False
        #: Whether any line read holds a NUL character.
        self.nul = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.replay:
            line = self.replay.popleft()
            self.number += 1
            if line is None:
                raise _TooLong(self.number)
        else:
            limit = self._limit
            line = self._readline(limit + 1)
            if not line:
                self.ended_in_record = bool(self.record)
                raise StopIteration
            self.number += 1
            if len(line) > limit and line[-1] not in "\r\n":
                while (rest := self._readline(limit)) and rest[-1] not in "\r\n":
                    pass
                raise _TooLong(self.number)
            if "\0" in line:
                self.nul = True
        record = self.record
        record.append(line)
        if len(record) == 1:
            self.start = self.number
        # One line is held to the length above; a record of several, to both limits.
        elif len(record) > self.limits.quoted_lines or \
                sum(map(len, record)) > self._limit:
            raise _RunOn()
        return line

    def take_record(self) -> list[str]:
        """The lines of the record just read; the next record starts empty."""
        lines, self.record = self.record, []
        self.ended_in_record = False
        return lines


def _unclosed(source: _Lines, lines: list[str], delimiter: str,
              too_long: bool = False) -> tuple[int, RecordProblem]:
    """Refuse the first line of a record whose quote never closed and read the lines after
    it again (then, with ``too_long``, the line too long that stopped it) as rows of their
    own."""
    first = source.start
    source.replay.extendleft(reversed([*lines[1:], *([None] if too_long else [])]))
    source.number = first  # the lines after it come again with their own numbers
    cells = next(csv.reader([lines[0].rstrip("\r\n")], delimiter=delimiter), [])
    # The lines it ran over: the limit, or fewer where the file ended first.
    ran = min(len(lines) + too_long, source.limits.quoted_lines)
    return first, RecordProblem(r.UNCLOSED_QUOTE, {"lines": ran}, tuple(cells))


def _iter_records(source: _Lines, delimiter: str, path: Path
                  ) -> Iterator[tuple[int, list[str] | RecordProblem]]:
    cells_limit = source.limits.cells
    while True:
        reader = csv.reader(source, delimiter=delimiter)
        try:
            for row in reader:
                record = source.record
                if len(record) > 1 and source.ended_in_record:
                    # the file ended inside a quoted field
                    yield _unclosed(source, source.take_record(), delimiter)
                    break
                start = source.start
                record.clear()
                if len(row) > cells_limit:
                    yield start, RecordProblem(r.TOO_MANY_CELLS, {"limit": cells_limit},
                                               tuple(row[:cells_limit]))
                # The first cell settles most rows without a generator.
                elif (row and row[0].strip()) or any(cell.strip() for cell in row):
                    yield start, row
            else:
                return
        except _RunOn:
            yield _unclosed(source, source.take_record(), delimiter)
        except _TooLong as error:
            lines = source.take_record()
            if lines:  # inside a quoted field: its quote never closed
                yield _unclosed(source, lines, delimiter, too_long=True)
            else:
                yield error.line, RecordProblem(r.LINE_TOO_LONG,
                                                {"limit": source.limits.record_chars})
        except csv.Error as error:
            raise InputFileError(_("{path}:{line}: cannot read the file: {reason}").format(
                path=path.name, line=source.number, reason=error)) from None
        except UnicodeError as error:  # e.g. UTF-16 cut in the middle of a character
            raise InputFileError(_("{path}:{line}: cannot decode: {reason}").format(
                path=path.name, line=source.number + 1, reason=error)) from None


def _check_header(first: tuple[int, list[str] | RecordProblem], path: Path,
                  limits: Limits) -> list[str]:
    """The header's cells, or an error naming the file and the limit it goes past."""
    line, cells = first
    if isinstance(cells, RecordProblem):
        if cells.code == r.UNCLOSED_QUOTE:
            raise InputFileError(_(
                "{path}:{line}: a quote in the header is not closed within {lines} lines"
            ).format(path=path.name, line=line, lines=limits.quoted_lines))
        if cells.code == r.TOO_MANY_CELLS:
            raise InputFileError(_("{path}:{line}: the header has more than {limit} "
                                   "columns").format(path=path.name, line=line,
                                                     limit=limits.cells))
        raise InputFileError(_("{path}:{line}: the header is longer than {limit} "
                               "characters").format(path=path.name, line=line,
                                                    limit=limits.header_chars))
    if sum(len(cell) for cell in cells) > limits.header_chars:
        raise InputFileError(_("{path}:{line}: the header is longer than {limit} "
                               "characters").format(path=path.name, line=line,
                                                    limit=limits.header_chars))
    for number, cell in enumerate(cells, start=1):
        if len(cell.strip()) > limits.header_cell_chars:
            raise InputFileError(_("{path}:{line}: header column {n} is longer than {limit} "
                                   "characters").format(path=path.name, line=line, n=number,
                                                        limit=limits.header_cell_chars))
    return [cell.strip() for cell in cells]


def open_table(
    path: Path, score_header: Callable[[list[str]], int], encoding: str | None = None,
    sheet: str | None = None, header_test: HeaderTest | None = None,
) -> TableFile | WorkbookTable:
    """Open ``path`` for reading records; raise :class:`InputFileError` if it cannot be.

    What the file is comes from its first bytes, not its name: a workbook (.xlsx, .ods:
    a zip; .xls: an OLE file) is read by :mod:`collectctl.ingest.workbook`, at ``sheet``
    or at the first sheet whose header ``header_test`` accepts (``encoding`` does not apply:
    its cells are text); anything else as CSV (``sheet`` is refused)."""
    try:
        raw = open(path, "rb", buffering=0)  # noqa: SIM115 - closed by TableFile.close
    except FileNotFoundError:
        raise InputFileError(_("{path}: no such file").format(path=path)) from None
    except IsADirectoryError:
        raise InputFileError(_("{path}: is a directory, not a file").format(path=path)) from None
    except OSError as error:
        raise InputFileError(_("{path}: cannot open: {reason}").format(
            path=path, reason=error.strerror)) from None
    try:
        size = path.stat().st_size
        sample = raw.read(SAMPLE_BYTES)
        raw.seek(0)
        kind = sniff(sample)
        if kind is not None:
            raw.close()
            return _open_workbook(path, kind, sheet, header_test)
        if sheet is not None:
            raise InputFileError(_("{path}: --sheet is for workbooks (.xlsx, .xls, .ods); "
                                   "this is a text (CSV) file").format(path=path.name))
        _check_is_text(sample, path)
        chosen = normalize_encoding(encoding) if encoding else detect_encoding(sample, score_header)
        if chosen == "utf-8" and sample.startswith(codecs.BOM_UTF8):
            chosen = "utf-8-sig"
        text, _clean = _decode_sample(sample, chosen)
        delimiter = sniff_delimiter(text.lstrip("\ufeff"))
        stream = _HashingReader(raw)
        escapes = _EscapeCounter()
        text_stream = io.TextIOWrapper(
            io.BufferedReader(stream, buffer_size=1 << 16),
            encoding=chosen,
            errors=escapes.name,
            newline="",
        )
        lines = _Lines(text_stream, LIMITS)
        records = _iter_records(lines, delimiter, path)
        try:
            first = next(records, None)
        except UnicodeError as error:
            raise InputFileError(_("{path}: cannot decode as {encoding}: {reason}").format(
                path=path.name, encoding=chosen, reason=error)) from None
        if first is None:
            raise InputFileError(_("{path}: the file is empty (no header line)").format(
                path=path.name))
        header = _check_header(first, path, LIMITS)
    except BaseException:
        raw.close()
        raise
    return TableFile(path, chosen, delimiter, header, size, stream, records, escapes, lines)


def _open_workbook(path: Path, kind: str, sheet: str | None,
                   header_test: HeaderTest | None) -> WorkbookTable:
    from collectctl.ingest.workbook import open_workbook

    if header_test is None:
        raise InputFileError(_("{path}: a workbook, not a CSV file").format(path=path.name))
    return open_workbook(path, kind, header_test, sheet, LIMITS.cells,
                         lambda first: _check_header(first, path, LIMITS))


#: Line ends as ``newline=""`` text streams split lines (and ``csv`` reads them).
_LONE_CR = re.compile(rb"(?<=\r)(?!\n)")


def _byte_lines(raw) -> Iterator[bytes]:
    """The physical lines of an ASCII-compatible file, each with its own line end (LF,
    CRLF or a lone CR), as a text stream with ``newline=""`` splits them."""
    for chunk in raw:  # split at LF; a chunk's lone CRs end lines of their own
        if b"\r" in chunk:
            yield from (piece for piece in _LONE_CR.split(chunk) if piece)
        else:
            yield chunk


def _ascii_compatible(encoding: str) -> bool:
    """Whether a line end is the same byte in ``encoding`` as in ASCII and no character
    holds those bytes (UTF-8, Big5, GB18030, the single-byte codes; not UTF-16 or 32)."""
    encoder = codecs.getincrementalencoder(encoding)()
    encoder.encode("a")  # a BOM, if the codec writes one, comes out first
    return encoder.encode("\r\n") == b"\r\n"


def raw_records(path: Path, encoding: str, delimiter: str, lines: set[int],
                single: frozenset[int] = frozenset()) -> Iterator[bytes]:
    """The bytes of ``path`` from its start through its header, then those of each record
    whose first line is in ``lines`` (numbered as :meth:`TableFile.records` numbers them),
    exactly as the file holds them: the rows an import refused, for ``--rejects-raw``.

    The file is read again, a line at a time; records are told apart by the same ``csv``
    reading the import did. A record starting on a line of ``single`` (a quote the import
    found never closed, ``unclosed_quote``) is its first line only, and the lines after it
    are read again as records, as the import read them. In UTF-16 and UTF-32 a line's
    bytes are its text encoded again (the BOM first), identical for any file those codecs
    read and write back."""
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as error:
        raise InputFileError(_("{path}: cannot open: {reason}").format(
            path=path, reason=error.strerror)) from None
    with raw:
        pieces: Iterator[tuple[bytes, str]]
        if _ascii_compatible(encoding):
            decoder = codecs.getincrementaldecoder(encoding)("surrogateescape")
            pieces = ((line, decoder.decode(line)) for line in _byte_lines(raw))
        else:
            pieces = _reencoded_lines(raw, encoding)
        again: deque[tuple[bytes, str]] = deque()  # lines to read again
        held: list[tuple[bytes, str]] = []
        read = 0  # physical lines taken into records so far

        def text_lines() -> Iterator[str]:
            while True:
                piece = again.popleft() if again else next(pieces, None)
                if piece is None:
                    return
                held.append(piece)
                yield piece[1]

        header_seen = False
        restart = True
        while restart:
            restart = False
            for row in csv.reader(text_lines(), delimiter=delimiter):
                start = read + 1
                if start in single and len(held) > 1:
                    again.extendleft(reversed(held[1:]))
                    del held[1:]
                read += len(held)
                wanted = not header_seen or start in lines
                if not any(cell.strip() for cell in row) and not header_seen:
                    continue  # blank lines before the header come with it
                if wanted:
                    yield b"".join(data for data, _text in held)
                header_seen = header_seen or any(cell.strip() for cell in row)
                held.clear()
                if again:  # the lines after a run-on quote, read as records again
                    restart = True
                    break


def _reencoded_lines(raw, encoding: str) -> Iterator[tuple[bytes, str]]:
    """``(bytes, text)`` of each line of a file in an encoding where a line end is not
    the ASCII byte (UTF-16, UTF-32): the text encoded again, in the byte order the file's
    BOM gave ``utf-16``/``utf-32`` (the BOM before the first line)."""
    codec = codecs.lookup(encoding).name
    bom = b""
    if codec in ("utf-16", "utf-32"):
        head = raw.read(4)
        raw.seek(0)
        marks = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be")) \
            if codec == "utf-32" else \
            ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
        # Without a BOM both codecs read the machine's own byte order.
        bom, codec = next(((m, c) for m, c in marks if head.startswith(m)),
                          (b"", codec + ("-le" if sys.byteorder == "little" else "-be")))
    text = io.TextIOWrapper(raw, encoding=encoding, errors="surrogateescape", newline="")
    for line in text:
        yield bom + line.encode(codec, errors="surrogateescape"), line
        bom = b""
