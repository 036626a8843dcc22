"""Every file collectctl writes on request: ``report -o``, ``import --rejects``,
``db backup FILE``, ``db copy --to FILE``, ``init``'s config. They hold personal data, so
one way for all of them:

- :func:`check_target` first, before anything is written: a file that exists is refused
  unless ``force``; the open database (and its ``-wal``/``-shm``/``-journal``) and the files
  being read (an import's input, its mapping) are refused always, ``--force`` or not,
  compared with :func:`os.path.samefile`, so a symlink or a hard link is caught too; a
  missing directory or a directory named as the file is refused.
- :class:`PendingFile` then writes a temporary file beside the target, created 0600, and
  renames it into place once whole: the target ends 0600 even where it replaced a 0644
  file, and a failure (a full disk half way) leaves the target as it was.
- Every refusal and every operating-system error is an :class:`OutputFileError`: one line
  naming the file, exit 2 (a full disk, ENOSPC or EDQUOT, says so).
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from collectctl.errors import OutputFileError
from collectctl.i18n import _

#: The files SQLite keeps beside a database while it is open (or after a crash).
SQLITE_SIBLINGS = ("-wal", "-shm", "-journal")
#: What a full disk or an exhausted quota raise.
DISK_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))


def database_files(database: str | Path | None) -> list[Path]:
    """An SQLite database file and the names of its siblings (a URL has none), beside the
    name given and beside the file it names (SQLite follows a symlink to the database and
    keeps its ``-wal`` by the real file)."""
    if database is None or "://" in str(database):
        return []
    names = dict.fromkeys([Path(database), Path(os.path.realpath(database))])
    return [*names, *(Path(str(name) + suffix) for name in names for suffix in SQLITE_SIBLINGS)]


def _same(a: Path, b: Path) -> bool:
    """Whether two names are one file: the same inode (through symlinks and hard links)
    when both exist, else the same resolved name (a sibling SQLite may create later)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def check_target(path: str | Path, force: bool = False, database: str | Path | None = None,
                 inputs: Iterable[str | Path | None] = ()) -> Path:
    """``path`` if collectctl may write it, else :class:`OutputFileError` (see the module
    docstring). ``database`` is the open store's target, ``inputs`` the files being read."""
    path = Path(path)
    for protected in database_files(database):
        if _same(path, protected):
            raise OutputFileError(_("{file} is the database collectctl is using; write to "
                                    "another file").format(file=path))
    for source in inputs:
        if source is not None and _same(path, Path(source)):
            raise OutputFileError(_("{file} is a file this command reads; write to another "
                                    "file").format(file=path))
    if path.is_dir():
        raise OutputFileError(_("{file} is a directory; name a file to write").format(
            file=path))
    parent = path.parent
    if not parent.is_dir():
        raise OutputFileError(_("{dir}: no such directory").format(dir=parent))
    if (path.exists() or path.is_symlink()) and not force:
        raise OutputFileError(_("{file} exists; --force to replace it").format(file=path))
    return path


def refuse_live_sqlite(path: Path) -> None:
    """Refuse to replace an SQLite database some process has open or left after a crash
    (a ``-wal`` or ``-journal`` beside it): the new file would be read with the old one's
    journal."""
    for suffix in ("-wal", "-journal"):
        sibling = Path(str(path) + suffix)
        if sibling.exists():
            raise OutputFileError(_("{file} is in use by SQLite ({sibling} beside it); not "
                                    "replaced").format(file=path, sibling=sibling.name))


def disk_full(path: str | Path) -> OutputFileError:
    """A full disk (or quota) while writing ``path``."""
    return os_error(path, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))


def os_error(path: str | Path, error: OSError) -> OutputFileError:
    """The one line an operating-system error while writing ``path`` prints."""
    if error.errno in DISK_FULL:
        problem = _("{file}: the disk is full").format(file=path)
    elif error.errno in (errno.EACCES, errno.EPERM):
        problem = _("{file}: permission denied").format(file=path)
    elif error.errno == errno.EROFS:
        problem = _("{file}: the file system is read-only").format(file=path)
    elif error.errno == errno.ENOENT:
        problem = _("{dir}: no such directory").format(dir=Path(path).parent)
    elif error.errno == errno.EISDIR:
        problem = _("{file} is a directory; name a file to write").format(file=path)
    else:
        problem = _("{file}: cannot write: {reason}").format(
            file=path, reason=error.strerror or type(error).__name__)
    return OutputFileError(_("{problem}; nothing was written").format(problem=problem),
                           problem)


class PendingFile:
    """A file being written: a temporary file beside ``path``, created 0600 when this is
    made (so a directory that cannot be written fails before any work is done);
    :meth:`commit` renames it into place, :meth:`discard` removes it (and any SQLite
    siblings of it). Use it as a context manager to discard whatever was not committed."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.committed = False
        try:
            fd, name = tempfile.mkstemp(prefix=f".{self.path.name}-", dir=self.path.parent)
        except OSError as error:
            raise os_error(self.path, error) from None
        os.close(fd)  # mkstemp made it 0600, whatever the umask
        self.tmp = Path(name)

    def __enter__(self) -> PendingFile:
        return self

    def __exit__(self, *exc) -> None:
        self.discard()

    @contextmanager
    def writing(self, encoding: str = "utf-8", **open_args) -> Iterator[IO[str]]:
        """The temporary file, emptied, open for text; flushed to the disk on leaving, so a
        full disk is found here, not after the rename."""
        try:
            with open(self.tmp, "w", encoding=encoding, **open_args) as out:
                yield out
                out.flush()
                os.fsync(out.fileno())
        except OSError as error:
            raise os_error(self.path, error) from None

    def write_bytes(self, data: bytes) -> None:
        """The temporary file's whole content: ``data`` (a workbook), flushed to the disk."""
        try:
            with open(self.tmp, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
        except OSError as error:
            raise os_error(self.path, error) from None

    def commit(self) -> Path:
        """Put the whole file in place (one rename: readers see the old file or the new)."""
        try:
            os.chmod(self.tmp, 0o600)
            os.replace(self.tmp, self.path)
        except OSError as error:
            raise os_error(self.path, error) from None
        self.committed = True
        return self.path

    def discard(self) -> None:
        """Remove what was written and not committed (nothing when committed)."""
        names = [] if self.committed else [self.tmp]
        names += [Path(str(self.tmp) + suffix) for suffix in SQLITE_SIBLINGS]
        for name in names:
            with suppress(FileNotFoundError):
                name.unlink()


@contextmanager
def private_output(path: str | Path, encoding: str = "utf-8", *, force: bool = False,
                   database: str | Path | None = None,
                   inputs: Iterable[str | Path | None] = (), **open_args) -> Iterator[IO[str]]:
    """``with private_output(path) as out: out.write(...)``: checked by
    :func:`check_target`, 0600, and the file appears whole or not at all."""
    with PendingFile(check_target(path, force, database, inputs)) as pending:
        with pending.writing(encoding, **open_args) as out:
            yield out
        pending.commit()
