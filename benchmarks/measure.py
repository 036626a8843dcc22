"""One whole process measured: its wall time and the resident memory of its process tree.

An import parses in a worker process beside the writer, and ``plan --all`` plans in one
per core, so the memory a user needs is that of the process *and all its descendants* at
the same moment. ``ru_maxrss`` is one process's own peak and misses the workers
(at 300,000 rows 106 MB, where the tree peaked at 151 MB). Here a thread reads
``/proc/<pid>/status`` of every process in the tree every few milliseconds (about 40 µs a
read, where ``smaps_rollup`` costs 2 ms for a 150 MB process) and keeps the largest sum.

The sum of ``VmRSS`` counts a page a forked worker still shares with its parent once in
each process, so it errs high, never low, except for a peak shorter than the interval;
``hwm_mb``, the sum of each process's own peak (``VmHWM``), bounds that from above.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

#: Seconds between two samples of the process tree.
INTERVAL = 0.005


@dataclass(frozen=True)
class Measured:
    """A finished process: ``seconds`` of wall time; memory in MB (2**20 bytes)."""

    seconds: float
    own_mb: float  # the process's own peak (ru_maxrss), what the suite reported before
    tree_mb: float | None  # the sampled peak of the whole tree; None when not sampled
    hwm_mb: float | None  # each process's own peak, summed: an upper bound of tree_mb
    code: int
    stderr: str
    cpu_seconds: float = 0.0  # user + system, its reaped descendants included


def _children_of(pid: int) -> list[int]:
    """The direct children of ``pid``, from every one of its threads (a child belongs to
    the thread that forked it: a pool's processes may come from its manager thread)."""
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                found.extend(int(c) for c in f.read().split())
        except OSError:
            continue
    return found


def _children_by_scan(pid: int) -> list[int]:
    """The same from every process's parent id, for kernels without ``children`` files."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # the command name, in parentheses, may itself hold spaces and parentheses
        if int(stat[stat.rindex(")") + 2:].split()[1]) == pid:
            found.append(int(entry))
    return found


_CHILDREN_FILES = os.path.exists(f"/proc/self/task/{threading.get_native_id()}/children")


def tree(root: int) -> list[int]:
    """``root`` and all its living descendants."""
    children = _children_of if _CHILDREN_FILES else _children_by_scan
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(children(pid))
    return pids


def resident_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of one process in kB; zeros once it has exited."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except OSError:
        pass
    return rss, hwm


class TreeSampler(threading.Thread):
    """Samples the process tree under ``root`` until ``stop()``: ``peak_kb`` is the largest
    sum of VmRSS seen at one moment, ``hwm_kb`` the last VmHWM seen of each process."""

    def __init__(self, root: int, interval: float = INTERVAL):
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.peak_kb = 0
        self.hwm_kb: dict[int, int] = {}
        self._done = threading.Event()

    def sample(self) -> None:
        total = 0
        for pid in tree(self.root):
            rss, hwm = resident_kb(pid)
            total += rss
            if hwm:
                self.hwm_kb[pid] = max(hwm, self.hwm_kb.get(pid, 0))
        self.peak_kb = max(self.peak_kb, total)

    def run(self) -> None:
        while not self._done.is_set():
            self.sample()
            self._done.wait(self.interval)

    def stop(self) -> None:
        self._done.set()
        self.join()


def available() -> bool:
    """Whether this system has the /proc files the sampler reads (Linux)."""
    return os.path.exists(f"/proc/{os.getpid()}/status")


def measure(args: list[str], env: dict | None = None, cwd: Path | None = None,
            sample: bool = False) -> Measured:
    """Run ``args`` to its end, output discarded (stderr kept); with ``sample``, the tree's
    memory is sampled as it runs."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    sampler = TreeSampler(proc.pid) if sample and available() else None
    if sampler:
        sampler.start()
    # stderr drained beside the wait, so a chatty process never blocks on a full pipe
    chunks: list[bytes] = []
    drain = threading.Thread(target=lambda: chunks.append(proc.stderr.read()), daemon=True)
    drain.start()
    # Wait for the exit without reaping, so the sampler never reads a pid reused meanwhile.
    os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
    elapsed = time.perf_counter() - started
    if sampler:
        sampler.stop()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    drain.join()
    proc.stderr.close()
    tree_mb = hwm_mb = None
    if sampler:
        tree_mb = max(sampler.peak_kb, usage.ru_maxrss) / 1024
        hwm_mb = max(sum(sampler.hwm_kb.values()), usage.ru_maxrss) / 1024
    return Measured(elapsed, usage.ru_maxrss / 1024, tree_mb, hwm_mb, proc.returncode,
                    b"".join(chunks).decode(errors="replace"),
                    usage.ru_utime + usage.ru_stime)
