"""Renderers: each turns a command's result object into one output format.

Commands never format their own output; they hand a result to :func:`emit`.
"""

from __future__ import annotations

import sys
from typing import Any

FORMATS = ("table", "text", "json", "csv")


def emit(result: Any, fmt: str, out=None) -> None:
    """Write ``result`` to ``out`` (stdout) in format ``fmt``."""
    out = out or sys.stdout
    if fmt == "json":
        from collectctl.render.jsonfmt import render
    elif fmt == "csv":
        from collectctl.render.csvfmt import render
    else:
        from collectctl.render.text import render
    render(result, out)
