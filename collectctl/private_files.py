"""Output files that hold personal data: created readable by their owner only (0600),
written to a temporary file beside the target and renamed, so a failure never leaves
half a file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def private_output(path: str | Path, encoding: str = "utf-8", **open_args) -> Iterator:
    """``with private_output(path) as out: out.write(...)``; the file appears whole or not."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding=encoding, **open_args) as out:
            yield out
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
