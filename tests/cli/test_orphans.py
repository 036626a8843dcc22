"""Nothing outlives a killed import: its parse workers end with it.

Real ``python -m collectctl import accounts`` processes on a file big enough to be parsed
in worker processes are killed (SIGKILL and SIGTERM) at random moments once a worker is
running; then no process of theirs may be left. Each mechanism that ends a worker is also
tested alone: the kernel's parent-death signal, the watchdog (what other platforms have),
and the end of the task pipe.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import NOW

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository's benchmarks/
from benchmarks import crash  # noqa: E402

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
    pytest.mark.sqlite_only("worker processes are the same on both engines"),
]

#: Processes are found by a tag in their environment, as the crash benchmark finds them.
TAG, tagged, left_after = crash.TAG, crash.tagged, crash.orphans


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    """An account list just past the size parsed in worker processes."""
    from collectctl.app.imports import PARALLEL_BYTES

    path = tmp_path_factory.mktemp("orphans") / "big.csv"
    note = "a long note " * 16
    with open(path, "w", encoding="utf-8") as out:
        out.write("account_id,name,amount_due,mobile,notes\n")
        n = 0
        while out.tell() < PARALLEL_BYTES + 2**20:
            out.write("".join(f"O{k},Name {k},{100 + k % 900},0912{k % 10**6:06d},{note}\n"
                              for k in range(n, n + 5000)))
            n += 5000
    return path


def test_killed_imports_leave_no_worker_behind(big_csv, tmp_path):
    rng = random.Random(19)
    env = {**os.environ, "COLLECTCTL_DB": str(tmp_path / "orphans.db"),
           "COLLECTCTL_NOW": NOW}
    signals = [signal.SIGKILL, signal.SIGTERM, signal.SIGKILL, signal.SIGTERM,
               signal.SIGKILL]
    left, with_worker = [], 0
    for number, sig in enumerate(signals):
        tag = f"{uuid.uuid4().hex}-{number}"
        proc = subprocess.Popen([sys.executable, "-m", "collectctl", "import", "accounts",
                                 str(big_csv)], env={**env, TAG: tag},
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while len(tagged(tag)) < 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        with_worker += len(tagged(tag)) >= 2
        time.sleep(rng.uniform(0, 0.8))  # a random moment of the worker's life
        proc.send_signal(sig)
        proc.wait()
        left.extend(left_after(tag))
    assert with_worker == len(signals)  # each kill came while a worker was running
    assert left == []


def _script(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "parent.py"
    script.write_text(textwrap.dedent(body), encoding="utf-8")
    return script


def _kill_parent_of_one_worker(script: Path, *args: str) -> list[int]:
    """Run ``script`` (it starts one worker and prints its pid), SIGKILL it, and return
    the tagged processes left."""
    tag = uuid.uuid4().hex
    proc = subprocess.Popen([sys.executable, str(script), *args],
                            env={**os.environ, TAG: tag}, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    worker = int(proc.stdout.readline())
    assert worker in tagged(tag)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return left_after(tag, 2.0)


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_workers_of_every_start_method_end_with_their_parent(tmp_path, method):
    script = _script(tmp_path, """
        import sys, time
        from collectctl.app.workers import Workers

        def echo(state, task):
            return task

        if __name__ == "__main__":
            workers = Workers(2, echo, None, sys.argv[1])
            assert workers.submit("ping").result() == "ping"
            print(workers._processes[0].pid, flush=True)
            time.sleep(60)
        """)
    assert _kill_parent_of_one_worker(script, method) == []


@pytest.mark.parametrize("mechanism", ["pdeathsig", "watchdog"])
def test_each_way_of_dying_with_the_parent_works_alone(tmp_path, mechanism):
    """A child that only sleeps (no pipe to see end) still ends with its parent: by the
    kernel's signal alone (no watchdog), or by the watchdog alone (no prctl, as on other
    platforms)."""
    script = _script(tmp_path, """
        import multiprocessing, os, sys, time
        from collectctl.app import workers

        def child(origin, mechanism, ready):
            if mechanism == "watchdog":
                workers.sys.platform = "other"
            else:
                workers.threading.Thread.start = lambda self: None
            workers.die_with_parent(origin)
            ready.set()
            time.sleep(60)

        if __name__ == "__main__":
            context = multiprocessing.get_context("fork")
            ready = context.Event()
            process = context.Process(target=child, args=(os.getpid(), sys.argv[1], ready))
            process.start()
            assert ready.wait(10)
            print(process.pid, flush=True)
            time.sleep(60)
        """)
    assert _kill_parent_of_one_worker(script, mechanism) == []


def test_a_worker_killed_is_an_error_not_a_hang():
    from collectctl.app.workers import WorkerDied, Workers

    workers = Workers(1, _sleep, None, "fork")
    try:
        pending = workers.submit(30)
        os.kill(workers._processes[0].pid, signal.SIGKILL)
        started = time.monotonic()
        with pytest.raises(WorkerDied):
            pending.result()
        assert time.monotonic() - started < 5
    finally:
        workers.close()


def test_an_error_in_a_worker_is_raised_in_the_parent():
    from collectctl.app.workers import Workers

    workers = Workers(1, _fail, None, "fork")
    try:
        with pytest.raises(ValueError, match="bad chunk"):
            workers.submit("x").result()
    finally:
        workers.close()


def _sleep(_state, seconds):
    time.sleep(seconds)


def _fail(_state, _task):
    raise ValueError("bad chunk")


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_plan_alls_pool_ends_with_its_parent(tmp_path, method):
    """``plan --all``'s process pool: its workers end with the process that made it."""
    script = _script(tmp_path, """
        import multiprocessing, os, sys, time
        from collectctl.app.workers import pool

        if __name__ == "__main__":
            with pool(1, multiprocessing.get_context(sys.argv[1])) as workers:
                print(workers.submit(os.getpid).result(), flush=True)
                time.sleep(60)
        """)
    assert _kill_parent_of_one_worker(script, method) == []
