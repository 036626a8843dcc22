"""The rows an import refused, kept on disk past the first thousand.

A list of a million bad rows (a date format the whole export gets wrong) would hold every
row's cells in memory: about 700 bytes a row, 700 MB. Here the first :data:`KEEP` stay
in memory and the rest are pickled, a batch at a time, to an unnamed temporary file
(removed when closed, mode 0600), read back a batch at a time each time the list is
iterated: the summary, the JSON document and the ``--rejects`` file each stream them.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from typing import IO

from collectctl.core.models import RowError

#: Rejections kept in memory; the rest go to disk.
KEEP = 1000
#: Rejections pickled together.
BATCH = 1000


class Rejections(list):
    """A list of :class:`RowError` in file order, as the renderers read it (``len``,
    truth, iteration); only the first :data:`KEEP` are held (and indexable) in memory.
    Appending is the one way to add; no sorting (rows come in file order)."""

    def __init__(self) -> None:
        super().__init__()
        self._count = 0
        self._batch: list[RowError] = []
        self._spill: IO[bytes] | None = None
        #: (offset, length) of each batch in the spill file.
        self._spans: list[tuple[int, int]] = []
        self._end = 0

    def append(self, error: RowError) -> None:
        self._count += 1
        if self._count <= KEEP:
            super().append(error)
            return
        self._batch.append(error)
        if len(self._batch) >= BATCH:
            self._write()

    def _write(self) -> None:
        if not self._batch:
            return
        if self._spill is None:
            # closed by close(), or with the list
            self._spill = tempfile.TemporaryFile(prefix="collectctl-rejects-")  # noqa: SIM115
        data = pickle.dumps(self._batch, protocol=pickle.HIGHEST_PROTOCOL)
        self._spill.seek(self._end)
        self._spill.write(data)
        self._spans.append((self._end, len(data)))
        self._end += len(data)
        self._batch = []

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __iter__(self) -> Iterator[RowError]:
        yield from list.__iter__(self)
        for offset, length in list(self._spans):
            assert self._spill is not None
            self._spill.seek(offset)
            yield from pickle.loads(self._spill.read(length))
        yield from list(self._batch)

    def close(self) -> None:
        """Remove the spill file (done too when the list is collected)."""
        if self._spill is not None:
            self._spill.close()
            self._spill = None
            self._spans = []

    def sort(self, *args, **kwargs) -> None:
        raise TypeError("rejections come in file order and are not sorted")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, list) and len(other) == len(self) and \
            all(a == b for a, b in zip(self, other, strict=True))
