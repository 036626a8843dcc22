"""Padding text to a width in terminal columns: a CJK character takes two."""

from __future__ import annotations

import unicodedata


def wide(char: str) -> bool:
    """Whether ``char`` takes two terminal columns (wide and full-width characters)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def columns(text: str) -> int:
    """How many terminal columns ``text`` takes."""
    return sum(2 if wide(c) else 1 for c in text)


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
