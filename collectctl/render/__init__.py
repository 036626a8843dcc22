"""Renderers: each turns a command's result object into one output format.

Commands never format their own output; they hand a result to :func:`emit`, the one
output path. A family of results with views of its own (the plan's) is rendered by its
module; the others by one module per format (``text``, ``jsonfmt``, ``csvfmt``).
"""

from __future__ import annotations

import sys
from typing import Any

FORMATS = ("table", "text", "json", "csv")

#: Result types (by the module that defines them) -> the module that renders them.
_FAMILIES = {
    "collectctl.app.plan": "collectctl.render.plan",
    "collectctl.core.planning": "collectctl.render.plan",
    "collectctl.app.reports": "collectctl.render.report",
    "collectctl.app.audit": "collectctl.render.audit",
}


def emit(result: Any, fmt: str, out=None, *, redact: bool | None = None,
         **options: Any) -> None:
    """Write ``result`` to ``out`` (stdout) in format ``fmt`` (``redact``: mask debtors'
    names and phones, where the view shows them; None: the view's default, which masks
    them only in a calendar file). ``options`` go to a family's renderer (the plan's
    ``raw``)."""
    out = out or sys.stdout
    family = _FAMILIES.get(type(result).__module__)
    if family is not None:
        import importlib

        importlib.import_module(family).render(result, fmt, out, redact=redact, **options)
        return
    if fmt == "json":
        from collectctl.render.jsonfmt import render
    elif fmt == "csv":
        from collectctl.render.csvfmt import render
    else:
        from collectctl.render.text import render
    render(result, out)
