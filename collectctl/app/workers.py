"""Worker processes that never outlive the process that started them.

A big import parses rows in worker processes. Killed (SIGKILL, SIGTERM, ``timeout``
under cron), the importing process must not leave them behind, holding the database and
the input open. Three things end a worker once its parent is gone, each enough alone:

- on Linux the kernel kills it (``prctl(PR_SET_PDEATHSIG, SIGKILL)``);
- a watchdog thread in it sees its parent change (every platform);
- each worker holds only its own ends of its two pipes, so a parent's death is the end
  of its task pipe (EOF), and a worker's death is the end of its result pipe for the
  parent (an error, not a hang).

Workers get everything as arguments (the function, its fixed state, the pipes), so they
behave the same under every start method (fork, spawn, forkserver).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

#: linux/prctl.h
PR_SET_PDEATHSIG = 1
#: How often the watchdog looks at the parent (seconds).
WATCH_SECONDS = 0.25


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process now has the number
        return False
    return True


def die_with_parent(origin: int) -> None:
    """Make this process end when its parent does (``origin``: the pid of the process
    that asked for it, the parent itself unless a fork server stands between)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watchdog below still stands
    parent = os.getppid()
    if parent != origin and not _alive(origin):
        os._exit(1)  # the parent ended before the kernel was told to follow it
    threading.Thread(target=_watch, args=(parent, origin), daemon=True,
                     name="collectctl-watch-parent").start()


def _watch(parent: int, origin: int) -> None:
    while True:
        time.sleep(WATCH_SECONDS)
        if os.getppid() != parent or not _alive(origin):
            os._exit(1)


def _serve(function: Callable[[Any, Any], Any], state: Any, tasks, results,
           inherited: list, origin: int) -> None:
    """A worker's life: ``function(state, task)`` for each task until the task pipe ends."""
    for connection in inherited:  # the parent's ends of this and earlier workers' pipes
        connection.close()
    die_with_parent(origin)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent to handle
    while True:
        try:
            task = tasks.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            answer: tuple[bool, Any] = (True, function(state, task))
        except Exception as error:  # handed to the parent, raised there
            answer = (False, error)
        try:
            results.send(answer)
        except (BrokenPipeError, OSError):
            return


class WorkerDied(RuntimeError):
    """A worker ended before answering (killed, out of memory)."""


class Pending:
    """The answer a worker owes for one task, received when asked for."""

    def __init__(self, connection) -> None:
        self._connection = connection
        self._answer: tuple[bool, Any] | None = None

    def receive(self) -> None:
        if self._answer is None:
            try:
                self._answer = self._connection.recv()
            except (EOFError, OSError):
                raise WorkerDied("a parse worker ended before answering") from None

    def answered(self) -> bool:
        """Whether the answer is in (or waiting in the pipe): :meth:`result` will not
        wait."""
        return self._answer is not None or self._connection.poll()

    def result(self) -> Any:
        self.receive()
        assert self._answer is not None
        ok, value = self._answer
        if not ok:
            raise value
        return value


class Workers:
    """``count`` processes running ``function(state, task)``; tasks go round-robin and
    each worker holds at most one (so neither side ever blocks writing to the other)."""

    def __init__(self, count: int, function: Callable[[Any, Any], Any], state: Any,
                 start_method: str | None = None) -> None:
        import multiprocessing

        context = multiprocessing.get_context(start_method)
        self._tasks: list = []
        self._results: list = []
        self._processes: list = []
        self._owed: list[Pending | None] = []
        self._next = 0
        try:
            for _n in range(count):
                task_read, task_write = context.Pipe(duplex=False)
                result_read, result_write = context.Pipe(duplex=False)
                inherited = [*self._tasks, *self._results, task_write, result_read]
                process = context.Process(  # type: ignore[attr-defined]
                    target=_serve, daemon=True, name="collectctl-parse",
                    args=(function, state, task_read, result_write, inherited, os.getpid()))
                process.start()
                task_read.close()  # the worker's ends: the parent keeps only its own
                result_write.close()
                self._tasks.append(task_write)
                self._results.append(result_read)
                self._processes.append(process)
                self._owed.append(None)
        except BaseException:
            self.close()
            raise

    def submit(self, task: Any) -> Pending:
        """Hand ``task`` to the next worker (first taking in what it still owes)."""
        n = self._next
        self._next = (n + 1) % len(self._tasks)
        owed = self._owed[n]
        if owed is not None:
            owed.receive()
        try:
            self._tasks[n].send(task)
        except (BrokenPipeError, OSError):
            raise WorkerDied("a parse worker ended before taking its task") from None
        pending = self._owed[n] = Pending(self._results[n])
        return pending

    def idle(self) -> bool:
        """Whether the worker :meth:`submit` would hand the next task to owes nothing it
        has not answered yet (so handing it a task would not wait)."""
        owed = self._owed[self._next]
        return owed is None or owed.answered()

    def close(self) -> None:
        """End the workers (their task pipes close) and wait a little for them."""
        for connection in self._tasks:
            connection.close()
        for process in self._processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()
        for connection in self._results:
            connection.close()
        self._tasks, self._results, self._processes, self._owed = [], [], [], []


def pool(workers: int, context):
    """A ``concurrent.futures`` process pool (``plan --all``) whose processes end with the
    one that made it, as :class:`Workers`' do: each runs :func:`die_with_parent` first."""
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(workers, mp_context=context, initializer=die_with_parent,
                               initargs=(os.getpid(),))
