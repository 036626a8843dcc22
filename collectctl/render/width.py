"""Padding text to a width in terminal columns, measured as rich measures it.

A CJK character takes two columns, a combining accent or a zero-width space none, an emoji
(with its variation selector or joined sequence) what rich says: the widths come from
``rich.cells``, so a table padded here lines up with the tables rich draws itself.

Plain printable ASCII is measured without rich: ``rich.cells`` costs a few milliseconds to
import, and the commands a collector runs all day (``log``) print English or ASCII ids.
"""

from __future__ import annotations


def _plain(text: str) -> bool:
    """Printable ASCII: one column a character, no need for the Unicode tables."""
    return text.isascii() and text.isprintable()


def wide(char: str) -> bool:
    """Whether ``char`` takes two terminal columns (wide and full-width characters)."""
    if char.isascii():
        return False
    from rich.cells import get_character_cell_size

    return get_character_cell_size(char) == 2


def columns(text: str) -> int:
    """How many terminal columns ``text`` takes."""
    if _plain(text):
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def pad(text: str, width: int) -> str:
    """``text`` with spaces after it to fill ``width`` columns."""
    return text + " " * max(width - columns(text), 0)


def rjust(text: str, width: int) -> str:
    """``text`` with spaces before it to fill ``width`` columns."""
    return " " * max(width - columns(text), 0) + text


def table_lines(head: list[str], rows: list[list[str]], left: int = 1,
                indent: str = "") -> list[str]:
    """A plain-text table: the first ``left`` columns left-aligned, the rest right-aligned,
    two spaces apart, each as wide as its widest cell in terminal columns."""
    widths = [max(columns(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    return [(indent + "  ".join(pad(str(c), w) if i < left else rjust(str(c), w)
                                for i, (c, w) in enumerate(zip(r, widths, strict=True)))
             ).rstrip() for r in [head, *rows]]


def fill_parts(parts: list[str], width: int, gap: str = "  ") -> list[str]:
    """``parts`` joined by ``gap`` on as few lines of at most ``width`` terminal columns as
    they take, in order, none split: a part wider than ``width`` has a line of its own
    (the caller's renderer wraps it)."""
    lines: list[str] = []
    for part in parts:
        if lines and columns(lines[-1]) + columns(gap) + columns(part) <= width:
            lines[-1] += gap + part
        else:
            lines.append(part)
    return lines


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` terminal columns, ending in ``…`` when it had to be
    cut (a wide character that would straddle the edge is left out whole)."""
    if columns(text) <= width:
        return text
    if width <= 0:
        return ""
    kept: list[str] = []
    used = 0
    for char in text:
        size = columns(char)
        if used + size > width - 1:
            break
        kept.append(char)
        used += size
    return "".join(kept).rstrip() + "…"


def fitted_lines(head: list[str], rows: list[list[str]], widths: list[int],
                 right: frozenset[int] = frozenset()) -> list[str]:
    """A plain-text table whose columns are ``widths`` wide, two spaces apart: a cell
    longer than its column is cut with ``…`` (:func:`cut`), the columns in ``right``
    right-aligned, the rest left-aligned. Whatever the widths add up to: a table wider
    than the screen is printed whole, never cut by the terminal's renderer."""
    def line(cells: list[str]) -> str:
        return "  ".join((rjust if i in right else pad)(cut(str(c), w), w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    return [line(head)] + [line(row) for row in rows]


def fit(widths: list[int], total: int, cuts: list[tuple[int, int]]) -> tuple[list[int], int]:
    """Column widths that fit ``total`` cells, and how many cells they still overrun it
    by (0 when they fit): ``widths`` are the columns' natural widths, two cells apart;
    ``cuts`` the columns that may be cut, in order, each down to its minimum before the
    next one is cut."""
    fitted = list(widths)
    over = sum(widths) + 2 * (len(widths) - 1) - total
    for index, least in cuts:
        if over <= 0:
            break
        step = min(over, max(fitted[index] - least, 0))
        fitted[index] -= step
        over -= step
    return fitted, max(over, 0)
