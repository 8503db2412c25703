"""The gallery's process pool: pebble's ``ProcessPool`` as a ``concurrent.futures.Executor``.

Every task runs in a fresh worker (``max_tasks=1``), so one module cannot change what another
draws (a module that patches ``numpyro.distributions`` at import patches only its own worker).
Workers are forked from a server that has already imported JAX, NumPyro and plategraph and
drawn a built-in model with them (``_fork_server``), which keeps a fresh worker cheap and warm;
one more worker than may run is kept forked and waiting, so a task starts as soon as a slot
frees. pebble pairs each reply with its task by id, kills and replaces a worker whose task runs
past the time limit, and reports a worker that died as that task's error.

Around that, plategraph makes sure nothing a model does outlives its task:

- each worker leads its own process group, and a keeper process kills that group when the worker
  is gone, however it ended, or when the pool's process is gone (even killed by SIGKILL): the
  worker and the processes its model started (``subprocess.Popen(["sleep", "600"])``) go;
- a worker also dies with its parent, the fork server (``PR_SET_PDEATHSIG``);
- a process forked by model code in a worker exits at once (``os.register_at_fork``), so it can
  never answer on the worker's pipe;
- exceptions from model code, ``SystemExit`` and ``KeyboardInterrupt`` included, come back as the
  task's error (``RemoteError`` when they cannot be rebuilt here), never as a broken pool.
"""

from __future__ import annotations

import collections
import ctypes
import multiprocessing
import os
import pickle
import select
import signal
import threading
import traceback
import weakref
from collections.abc import Callable
from concurrent.futures import Executor, Future
from concurrent.futures import wait as wait_for
from typing import Any

import pebble

__all__ = ["RemoteError", "TaskTimeout", "WorkerDied", "WorkerPool", "captured", "released"]

# imported once by the fork server, so that a fresh worker does not import them again
PRELOAD = ["jax", "numpyro", "numpyro.distributions", "plategraph.app.gallery",
           "plategraph.tracing", "plategraph.app.diagram", "plategraph.export.tikz",
           "plategraph.export.svg",
           # what JAX imports on its first computation (the examples' arrays): about 0.5 s a
           # worker; imported only, so no XLA backend (and none of its threads) is started
           "jaxlib.mlir.dialects.mhlo",
           # each card's specification (page.model_facts): SymPy is a second or more to import,
           # and its parts it imports on first use (by half the gallery's models) another 50 ms
           "sympy", "plategraph.spec.build", "sympy.tensor.tensor", "sympy.combinatorics",
           "sympy.assumptions.wrapper", "jaxlib.mlir.dialects.builtin",
           # the paper figures: imported once by the server, not by every fresh worker
           "matplotlib.figure", "matplotlib.patches", "matplotlib.textpath",
           # last, the warm-up: a built-in model drawn as a worker draws one, so that what a
           # process's first model costs and its second does not is paid once, here
           "plategraph.app._fork_server"]
_PR_SET_PDEATHSIG = 1
_FORKED_CHILD_EXIT = 70  # exit status of a process forked by model code in a worker
_KEEPER_PIPES: list[int] = []  # a worker's write end of its keeper's pipe, open while it lives


class TaskTimeout(TimeoutError):
    """The task ran past its time limit and was stopped (in the pool: its worker killed)."""

    @classmethod
    def after(cls, seconds: float) -> TaskTimeout:
        """The error of a task stopped at a limit of ``seconds``."""
        return cls(f"did not finish within {seconds:g} s (stopped)")


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


def _die_with_parent(owner: int) -> None:
    """Have the kernel kill this process when its parent exits (Linux); exit now if the pool's
    process ``owner`` is already gone."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the pool still stops its workers itself
        pass
    if not _process_exists(owner):  # it died before the line above took effect
        os._exit(1)


def _start_group_keeper(owner: int) -> None:
    """Fork a keeper that kills this worker's process group once the worker or the pool's
    process ``owner`` is gone.

    The keeper waits on a pipe that only the worker holds open, and on ``owner``. However the
    worker ends (its task done, killed at its time limit) or the pool's process ends (even by
    SIGKILL), the keeper kills the group: the worker and what its model started.
    """
    read_end, write_end = os.pipe()  # close-on-exec: programs the model runs do not hold it
    if os.fork() == 0:  # the keeper: a plain loop, no model code
        try:
            os.close(write_end)
            try:
                owner_fd: int | None = os.pidfd_open(owner)  # readable once owner exits
            except (AttributeError, OSError):  # no pidfd (old Linux): poll owner instead
                owner_fd = None
            watched = [read_end] if owner_fd is None else [read_end, owner_fd]
            while True:
                ready, _, _ = select.select(watched, [], [], 0.5)
                if read_end in ready and not os.read(read_end, 1):
                    break  # the worker is gone
                if owner_fd in ready or (owner_fd is None and not _process_exists(owner)):
                    break  # the pool's process is gone
        finally:
            os.killpg(0, signal.SIGKILL)
    os.close(read_end)
    _KEEPER_PIPES.append(write_end)


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _exit_forked_child() -> None:
    os._exit(_FORKED_CHILD_EXIT)


def _start_worker(owner: int) -> None:
    """pebble's initializer, run once in each fresh worker; ``owner`` is the pool's process."""
    _die_with_parent(owner)
    os.setsid()  # the processes model code starts share this session and process group
    _start_group_keeper(owner)
    # a child forked by model code would run on, with this worker's pipe: end it at birth
    # (subprocess does not run these hooks, so a model can still run programs)
    os.register_at_fork(after_in_child=_exit_forked_child)


def _run_task(fn: Callable[..., Any], args: tuple, kwargs: dict) -> tuple[str, Any]:
    """Run one task; everything it raises comes back as data pebble can always unpickle."""
    return captured(fn, *args, **kwargs)


def captured(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> tuple[str, Any]:
    """``fn(*args, **kwargs)`` as data that always pickles: ``("ok", value)``, or
    ``("error", ...)`` for whatever it raised (``SystemExit`` from model code too); ``released``
    turns it back into the value or the exception."""
    try:
        return "ok", fn(*args, **kwargs)
    except BaseException as err:  # noqa: BLE001  SystemExit from model code is an error too
        detail = "".join(traceback.format_exception(err))
        try:
            pickled: bytes | None = pickle.dumps(err)
        except Exception:  # noqa: BLE001  the exception itself does not pickle
            pickled = None
        return "error", (pickled, type(err).__name__, str(err), detail)


# -- in the parent -----------------------------------------------------------------------------


def released(outcome: tuple[str, Any]) -> Any:
    """The value of a ``captured`` call, or the exception it raised (rebuilt here, or a
    ``RemoteError`` naming its class) raised again."""
    status, value = outcome
    if status == "ok":
        return value
    pickled, type_name, message, detail = value
    err = _rebuild_error(pickled, type_name, message)
    err.__plategraph_traceback__ = detail  # type: ignore[attr-defined]
    raise err


def _rebuild_error(pickled: bytes | None, type_name: str, message: str) -> BaseException:
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
    """At most ``max_workers`` tasks at once, each in a fresh process (one more waits, forked, for
    the next task); a task running longer than ``timeout`` seconds fails with ``TaskTimeout``
    and its worker (with everything it started) is killed.

    >>> with WorkerPool(2, timeout=60) as pool:
    ...     pool.submit(pow, 2, 10).result()
    1024
    """

    def __init__(self, max_workers: int, *, timeout: float | None = None) -> None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        self._timeout = timeout
        self._lock = threading.Lock()
        self._closed = False  # no more submissions
        self._stopping = False  # no more tasks started
        self._submitted: weakref.WeakSet[Future] = weakref.WeakSet()
        self._slots = max(1, max_workers)  # tasks that may run at once
        self._waiting: collections.deque[tuple[Callable, tuple, dict, Future]] = (
            collections.deque())
        # one worker more than tasks run at once: a fresh worker is always forked and waiting
        # when a task ends, so the next task starts at once instead of after pebble notices
        # the old worker's exit and forks its replacement (a tenth of a second or more)
        self._pool = pebble.ProcessPool(max_workers=self._slots + 1, max_tasks=1,
                                        initializer=_start_worker, initargs=(os.getpid(),),
                                        context=context)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        outer: Future = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot submit to a pool that was shut down")
            self._waiting.append((fn, args, kwargs, outer))
            self._submitted.add(outer)
        self._start_waiting()
        return outer

    def _start_waiting(self) -> None:
        """Hand waiting tasks to pebble while fewer than ``max_workers`` run."""
        while True:
            with self._lock:
                if self._stopping or not self._slots or not self._waiting:
                    return
                fn, args, kwargs, outer = self._waiting.popleft()
                if outer.cancelled():
                    continue
                try:
                    inner = self._pool.schedule(_run_task, args=(fn, args, kwargs),
                                                timeout=self._timeout)
                except Exception as err:  # noqa: BLE001  a broken pool: the task's error
                    if outer.set_running_or_notify_cancel():
                        outer.set_exception(err)
                    continue
                self._slots -= 1
            inner.add_done_callback(lambda done, outer=outer: self._ended(done, outer))

    def _ended(self, inner: Future, outer: Future) -> None:
        with self._lock:
            self._slots += 1
        self._settle(inner, outer)
        self._start_waiting()

    def _settle(self, inner: Future, outer: Future) -> None:
        if inner.cancelled() or not outer.set_running_or_notify_cancel():
            outer.cancel()
            return
        err = inner.exception()
        if err is None:
            try:
                outer.set_result(released(inner.result()))
                return
            except Exception as raised:  # noqa: BLE001  the task's own error, rebuilt
                err = raised
        elif isinstance(err, TimeoutError):
            err = TaskTimeout.after(self._timeout)
        elif isinstance(err, pebble.ProcessExpired):
            err = WorkerDied(f"the worker process exited with code {err.exitcode}")
        outer.set_exception(err)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True  # no more submissions; what waits still starts unless cancelled
            if cancel_futures or not wait:
                self._stopping = True
                waiting = [outer for *_, outer in self._waiting]
                self._waiting.clear()
            else:
                waiting = []
        for outer in waiting:  # never handed to a worker
            outer.cancel()
        if cancel_futures or not wait:
            self._pool.stop()  # running workers are killed, and their keepers kill the rest
        else:
            wait_for(list(self._submitted))  # every task submitted, run to its end
            self._pool.close()
        self._pool.join()
