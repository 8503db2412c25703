"""The gallery's pool (pebble underneath): replies paired with their tasks, a fresh worker per
task, errors of every kind as the task's error, time limits that kill what the task started."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from support.faults import alive, pids_with, reaped, wait_for

from plategraph.app.pool import RemoteError, TaskTimeout, WorkerDied, WorkerPool


@pytest.fixture(scope="module")
def pool():
    with WorkerPool(2, timeout=60) as executor:
        yield executor


def test_each_reply_goes_to_its_task_and_each_task_gets_a_fresh_worker(pool):
    futures = [pool.submit(pow, 2, k) for k in range(8)]
    assert [f.result(timeout=120) for f in futures] == [2 ** k for k in range(8)]
    pids = [pool.submit(os.getpid).result(timeout=120) for _ in range(3)]
    assert len(set(pids)) == 3 and os.getpid() not in pids


def test_exits_and_deaths_are_the_tasks_error(pool):
    with pytest.raises(RemoteError, match="^4$") as info:
        pool.submit(sys.exit, 4).result(timeout=120)
    assert info.value.type_name == "SystemExit"
    with pytest.raises(WorkerDied, match="exited with code 3"):
        pool.submit(os._exit, 3).result(timeout=120)
    with pytest.raises(ZeroDivisionError):  # an exception the parent can rebuild is itself
        pool.submit(divmod, 1, 0).result(timeout=120)
    assert pool.submit(pow, 3, 2).result(timeout=120) == 9  # the pool still works


def test_a_task_past_its_limit_is_killed_with_what_it_started():
    with reaped("600.125"), WorkerPool(1, timeout=2) as pool:
        started = time.monotonic()
        future = pool.submit(subprocess.call, ["sleep", "600.125"])
        wait_for(lambda: pids_with("600.125"), 60, "the task to start its program")
        sleeper = pids_with("600.125")[0]
        with pytest.raises(TaskTimeout, match=r"did not finish within 2 s \(stopped\)"):
            future.result(timeout=120)
        assert time.monotonic() - started < 120
        wait_for(lambda: not alive(sleeper), 30, "the program the task started to end")


def test_no_more_tasks_run_at_once_than_workers_asked(pool, tmp_path):
    # the pool keeps a fresh worker waiting beside the two that run: it must stay idle
    log = tmp_path / "log"
    step = f"echo start >> {log}; sleep 0.3; echo end >> {log}"
    futures = [pool.submit(subprocess.call, ["sh", "-c", step]) for _ in range(6)]
    assert [f.result(timeout=120) for f in futures] == [0] * 6
    running, most = 0, 0
    for line in log.read_text().split():
        running += 1 if line == "start" else -1
        most = max(most, running)
    assert most == 2


def test_the_fork_servers_warm_up_starts_no_thread_and_fails_nowhere():
    # a process with threads (JAX's XLA backend starts a dozen) cannot be forked safely
    code = ("import importlib, os\n"
            "from plategraph.app.pool import PRELOAD\n"
            "for name in PRELOAD[:-1]: importlib.import_module(name)\n"
            "before = len(os.listdir('/proc/self/task'))\n"
            "server = importlib.import_module(PRELOAD[-1])\n"
            "print(before, len(os.listdir('/proc/self/task')), server.FAILED)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=600).stdout.split(maxsplit=2)
    assert out[0] == out[1] and out[2].strip() == "[]"
