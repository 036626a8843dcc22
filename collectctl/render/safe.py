"""Debtor text on a screen and in a file: shown as it is, never obeyed.

Names, notes, account ids, collector names, phone labels and payment references come from
files anyone may have written, from collectors and from the database. Printed as they
are, a name ``"\\x1b[2J"`` clears the collector's screen, an unterminated OSC swallows the
rest of the row, U+202E turns the row's text around, and a cell ``=HYPERLINK(...)`` runs
in the spreadsheet the clerk opens. Every renderer that writes text for a person passes
such values through this module; the database keeps them byte for byte, and JSON
(:func:`json_text`) stays exact.

Pure functions of strings; nothing here imports rich (``log`` and ``import`` print
without it).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

#: The bidi controls: marks, embeddings, overrides and isolates. They make text read
#: otherwise than it is stored (an id that looks like another, a row turned around).
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def _escape(code: int) -> str:
    """``\\x1b`` for a code below 256, ``\\u202e`` above, ``\\r`` and ``\\n`` for the line
    ends: the forms Python writes."""
    if code in (0x0A, 0x0D):
        return "\\n" if code == 0x0A else "\\r"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _table(*, newline: bool) -> dict[int, str]:
    unsafe = [*range(0x00, 0x20), *range(0x7F, 0xA0),  # C0, DEL, C1
              *map(ord, BIDI_CONTROLS),
              0x2028, 0x2029,  # line and paragraph separators: a line break to some readers
              *range(0xD800, 0xE000)]  # lone surrogates: bytes no encoding could decode
    keep = {ord("\t")} | ({ord("\n")} if newline else set())
    return {code: _escape(code) for code in unsafe if code not in keep}


_ONE_LINE = _table(newline=False)
_LINES = _table(newline=True)


def terminal_text(value: Any, *, multiline: bool = False) -> str:
    """``value`` as text that cannot drive a terminal: each C0 and C1 control character
    and DEL becomes its escape in visible characters (ESC is shown as ``\\x1b``, U+009B
    as ``\\x9b``, CR and LF as ``\\r`` and ``\\n``), each bidi control, line or paragraph
    separator and lone surrogate its ``\\uXXXX``; tab is kept, and newline where
    ``multiline`` (a view's own line breaks). Printable text comes back unchanged; None
    becomes ``""``."""
    text = "" if value is None else str(value)
    if text.isprintable():  # every character escaped above is one isprintable refuses
        return text
    return text.translate(_LINES if multiline else _ONE_LINE)


def one_line(value: Any) -> str:
    """:func:`terminal_text` on one line with no control character at all, tab
    included (a tab becomes a space): calendar titles."""
    return terminal_text(value).replace("\t", " ")


# -- spreadsheets --------------------------------------------------------------------------

#: First characters that make a spreadsheet evaluate a cell as a formula (Excel and
#: LibreOffice; an IME's full-width forms too, which Excel reads as their ASCII twins).
FORMULA_LEADS = "=+-@\uff1d\uff0b\uff0d\uff20\ufe62\ufe63\ufe66"
#: A number as collectctl writes one (``-12.50``, ``1,234``, ``1e-05``): no formula.
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9][0-9,]*(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


def formula_safe(value: Any) -> str:
    """A text cell as a spreadsheet may open it: prefixed with ``'`` when it starts with
    ``= + - @``, their full-width forms, tab or carriage return, or with whitespace
    before one of those (``  =1``), so the spreadsheet shows it instead of running it."""
    text = "" if value is None else str(value)
    lead = text.lstrip()[:1]
    if text[:1] in ("\t", "\r") or (lead and lead in FORMULA_LEADS):
        return "'" + text
    return text


def number_cell(value: Any) -> str:
    """A cell of a numeric column: a plain number (``-12.50``) as it is, so the
    spreadsheet keeps it a number; anything else as :func:`formula_safe` writes it."""
    text = "" if value is None else str(value)
    return text if _PLAIN_NUMBER.fullmatch(text) else formula_safe(text)


def csv_cell(value: Any) -> str:
    """A cell of a CSV file collectctl writes (which also lands on terminals): a number
    (int, float, Decimal: collectctl's own) as it is; text with no control character but
    tab and newline (CSV quotes those), and formula-safe."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return number_cell(value)
    return formula_safe(terminal_text(value, multiline=True))


def raw_cell(value: Any) -> str:
    """A cell for a machine (a dialer's import, ``plan --format csv --raw``): the value as
    it is, with no formula guard (``+886912345678``, not ``'+886912345678``), so a file
    unsafe to open in a spreadsheet; control characters are still escaped as
    :func:`terminal_text` does (the file may be shown on a terminal)."""
    return terminal_text(value, multiline=True)


# -- markdown ------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\|`*_\[\]])")


def markdown_text(value: Any) -> str:
    """Debtor text in a markdown table cell: one line, HTML escaped (``<`` ``>`` ``&``), the
    pipe and the characters of links, code and emphasis backslash-escaped, and
    formula-safe (a table pasted into a spreadsheet)."""
    text = terminal_text(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return formula_safe(_MARKDOWN_SPECIAL.sub(r"\\\1", text))


# -- JSON ----------------------------------------------------------------------------------

#: What ``json.dumps(ensure_ascii=False)`` leaves raw: DEL, C1, the bidi controls, the
#: separators and lone surrogates (it escapes C0 itself).
_JSON_RAW = re.compile("[\x7f-\x9f" + BIDI_CONTROLS + "\u2028\u2029\ud800-\udfff]")


def json_text(dumped: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with the characters it
    leaves raw written as ``\\uXXXX`` escapes: the same document to any JSON reader,
    exact to the byte once read, and nothing a terminal obeys on the way. Such
    characters only occur inside strings, where the escape means the character."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)
