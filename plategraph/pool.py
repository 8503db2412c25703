"""The gallery's process pool: pebble's ``ProcessPool`` as a ``concurrent.futures.Executor``.

Every task runs in a fresh worker (``max_tasks=1``), so one module cannot change what another
draws (a module that patches ``numpyro.distributions`` at import patches only its own worker).
Workers are forked from a server that has already imported JAX, NumPyro and plategraph, which
keeps a fresh worker cheap. pebble pairs each reply with its task by id, kills and replaces a
worker whose task runs past the time limit, and reports a worker that died as that task's error.

Around that, plategraph makes sure nothing a model does outlives the build:

- a worker dies with its parent (``PR_SET_PDEATHSIG``, and a check that the parent is there);
- a process forked by model code in a worker exits at once (``os.register_at_fork``), so it can
  never answer on the worker's pipe;
- each worker leads its own session; the processes a model starts (``subprocess.Popen(["sleep",
  "600"])``) are killed when its task ends, when its worker is stopped, and when the pool shuts
  down;
- exceptions from model code, ``SystemExit`` and ``KeyboardInterrupt`` included, come back as
  ``RemoteError`` (or the original exception when it can be rebuilt here), never as a broken pool.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

import pebble

__all__ = ["RemoteError", "TaskTimeout", "WorkerDied", "WorkerPool"]

# imported once by the fork server, so that a fresh worker does not import them again
PRELOAD = ["jax", "numpyro", "numpyro.distributions", "plategraph.gallery",
           "plategraph.tracing", "plategraph.diagram"]
_PR_SET_PDEATHSIG = 1
_FORKED_CHILD_EXIT = 70  # exit status of a process forked by model code in a worker


class TaskTimeout(TimeoutError):
    """The task ran past the pool's time limit; its worker was killed."""


class WorkerDied(RuntimeError):
    """The worker process running the task exited (crashed, killed by the OS, ``os._exit``)."""


class RemoteError(Exception):
    """An exception raised in a worker that cannot be rebuilt here (its class is defined in a
    module only the worker imported, or it is a ``SystemExit``); ``type_name`` is its class's
    name."""

    def __init__(self, type_name: str, message: str) -> None:
        super().__init__(message)
        self.type_name = type_name


# -- in the worker -----------------------------------------------------------------------------


def _die_with(parent: int) -> None:
    """Have the kernel kill this process when its parent exits (Linux), and exit now if the
    parent is already gone."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the pool still stops its workers itself
        pass
    if os.getppid() != parent:
        os._exit(1)


def _exit_forked_child() -> None:
    os._exit(_FORKED_CHILD_EXIT)


def _start_worker(pids: Any, owner: int) -> None:
    """pebble's initializer, run once in each fresh worker; ``owner`` is the pool's process."""
    _die_with(os.getppid())
    if not _alive(owner):  # it died before the line above took effect
        os._exit(1)
    os.setsid()  # the processes model code starts share this session and process group
    pids.put(os.getpid())
    # a child forked by model code would run on, with this worker's pipe: end it at birth
    # (subprocess does not run these hooks, so a model can still run programs)
    os.register_at_fork(after_in_child=_exit_forked_child)


def _group_members(groups: set[int], *, skip: int | None = None) -> list[int]:
    """Processes whose process group is one of ``groups`` (from /proc; [] elsewhere)."""
    found = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit() or int(entry) == skip:
            continue
        try:
            stat = Path("/proc", entry, "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses
        fields = stat.rpartition(")")[2].split()
        if len(fields) > 2 and int(fields[2]) in groups:
            found.append(int(entry))
    return found


def _kill_groups(groups: set[int], *, skip: int | None = None) -> None:
    for pid in _group_members(groups, skip=skip):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def _run(fn: Callable[..., Any], args: tuple, kwargs: dict) -> tuple[str, Any]:
    """Run one task; everything it raises comes back as data pebble can always unpickle."""
    try:
        return "ok", fn(*args, **kwargs)
    except BaseException as err:  # noqa: BLE001  SystemExit from model code is an error too
        detail = "".join(traceback.format_exception(err))
        try:
            pickled: bytes | None = pickle.dumps(err)
        except Exception:  # noqa: BLE001  the exception itself does not pickle
            pickled = None
        return "error", (pickled, type(err).__name__, str(err), detail)
    finally:
        # what the model started ends with its task (the worker leads the group)
        _kill_groups({os.getpid()}, skip=os.getpid())
        sys.stdout.flush()


# -- in the parent -----------------------------------------------------------------------------


def _rebuild(pickled: bytes | None, type_name: str, message: str) -> BaseException:
    if pickled is not None:
        try:
            err = pickle.loads(pickled)
        except Exception:  # noqa: BLE001  e.g. a class from a module the parent never imported
            pass
        else:
            if isinstance(err, Exception):  # never a SystemExit or KeyboardInterrupt here
                return err
    return RemoteError(type_name, message)


class WorkerPool(Executor):
    """``max_workers`` processes, a fresh one per task; a task running longer than ``timeout``
    seconds fails with ``TaskTimeout`` and its worker (with everything it started) is killed.

    >>> with WorkerPool(2, timeout=60) as pool:
    ...     pool.submit(pow, 2, 10).result()
    1024
    """

    def __init__(self, max_workers: int, *, timeout: float | None = None) -> None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        self._timeout = timeout
        self._pids = context.SimpleQueue()
        self._groups: set[int] = set()
        self._lock = threading.Lock()
        self._pool = pebble.ProcessPool(max_workers=max(1, max_workers), max_tasks=1,
                                        initializer=_start_worker,
                                        initargs=(self._pids, os.getpid()), context=context)
        self._closed = False

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot submit to a pool that was shut down")
            inner = self._pool.schedule(_run, args=(fn, args, kwargs), timeout=self._timeout)
        outer: Future = Future()
        inner.add_done_callback(lambda done: self._settle(done, outer))
        return outer

    def _settle(self, inner: Future, outer: Future) -> None:
        if inner.cancelled():
            outer.cancel()
            return
        if not outer.set_running_or_notify_cancel():
            return
        err = inner.exception()
        if err is None:
            status, value = inner.result()
            if status == "ok":
                outer.set_result(value)
            else:
                pickled, type_name, message, detail = value
                rebuilt = _rebuild(pickled, type_name, message)
                rebuilt.__plategraph_traceback__ = detail  # type: ignore[attr-defined]
                outer.set_exception(rebuilt)
            return
        self._reap()  # the worker was killed: what its model started goes too
        if isinstance(err, TimeoutError):
            outer.set_exception(TaskTimeout(f"did not finish within {self._timeout:g} s "
                                            "(stopped)"))
        elif isinstance(err, pebble.ProcessExpired):
            outer.set_exception(WorkerDied(
                f"the worker process exited with code {err.exitcode}"))
        else:
            outer.set_exception(err)

    def _reap(self) -> None:
        """Kill what is left in the sessions of workers that ended (not running workers)."""
        with self._lock:
            while not self._pids.empty():
                self._groups.add(self._pids.get())
            gone = {pid for pid in self._groups if not _alive(pid)}
        _kill_groups(gone)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        if cancel_futures or not wait:
            self._pool.stop()
        else:
            self._pool.close()
        self._pool.join()
        with self._lock:
            while not self._pids.empty():
                self._groups.add(self._pids.get())
            groups = set(self._groups)
        _kill_groups(groups)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie (exited, not yet waited for) counts as gone
    try:
        return Path("/proc", str(pid), "stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return True
