"""Padding text to a width in terminal columns: a CJK character takes two."""

from __future__ import annotations

import unicodedata


def columns(text: str) -> int:
    """How many terminal columns ``text`` takes (wide and full-width characters: 2)."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def pad(text: str, width: int) -> str:
    """``text`` with spaces after it to fill ``width`` columns."""
    return text + " " * max(width - columns(text), 0)
