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
