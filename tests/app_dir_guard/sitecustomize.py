"""The guard of the user's own app directory, in every Python process of a test run.

The test run's conftest installs :func:`watch` in its own process and puts this
directory on PYTHONPATH, so each Python process a test starts imports this module at
start-up (as ``sitecustomize``) and, told by $TESTS_REAL_APP_DIR where the directory is,
watches too, appending what it saw to the file $TESTS_REAL_APP_DIR_LOG names. Watching
is an audit hook: no change to the product, and a touch is seen whatever the HOME a
process was given.
"""

from __future__ import annotations

import os
import sys

#: Audit events whose arguments include the path acted on.
EVENTS = frozenset({"open", "os.mkdir", "os.remove", "os.rename", "os.rmdir", "os.chmod",
                    "os.listdir", "os.scandir", "os.truncate", "os.symlink", "os.link",
                    "sqlite3.connect", "shutil.copyfile", "shutil.rmtree"})


def watch(directory: str, report) -> None:
    """Call ``report(line)`` for every event that names a path in ``directory``."""
    prefix = os.path.realpath(directory)
    inside = prefix + os.sep

    def audit(event: str, args: tuple) -> None:
        if event not in EVENTS:
            return
        for arg in args:
            if isinstance(arg, (str, bytes, os.PathLike)):
                path = os.path.abspath(os.fsdecode(arg))
                if path == prefix or path.startswith(inside):
                    report(f"{event} {path}")

    sys.addaudithook(audit)


def _to_log(path: str):
    def report(line: str) -> None:
        with open(path, "a", encoding="utf-8") as log:
            log.write(f"{line} (process {os.getpid()}: {' '.join(sys.argv)[:200]})\n")

    return report


if os.environ.get("TESTS_REAL_APP_DIR") and os.environ.get("TESTS_REAL_APP_DIR_LOG"):
    watch(os.environ["TESTS_REAL_APP_DIR"], _to_log(os.environ["TESTS_REAL_APP_DIR_LOG"]))
