"""Files bundled with collectctl: the example data and the example config.

In an installed wheel they live in ``collectctl/_bundled``; in a source checkout
they are read from the repository's ``examples/`` and ``config.example.yaml``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """Path of a bundled file, e.g. ``examples/accounts.csv`` or ``config.example.yaml``."""
    for root in (_PACKAGE / "_bundled", _PACKAGE.parent):
        candidate = root / name
        if candidate.exists():
            return candidate
    raise FileNotFoundError(name)
