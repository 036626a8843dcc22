"""The use cases: one module per command group, named like its ``cli/`` module.

Each reads and writes the store, calls the pure core, and returns a result object (its
types live beside it) that one renderer in ``render/`` turns into the requested format.
Use cases never format output and never import ``render`` (work mode, an interactive
screen, is the one exception and says so).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    """A plain confirmation line (``init``, ``demo``)."""

    text: str
