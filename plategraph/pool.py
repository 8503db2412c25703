"""A process pool whose workers can be killed one by one: a task that hangs past its time limit
is stopped (its worker replaced) instead of blocking the pool, as ProcessPoolExecutor would."""

from __future__ import annotations

import multiprocessing
import pickle
import threading
import time
import traceback
from collections import deque
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

__all__ = ["IsolatedPool", "RemoteError", "TaskTimeout", "WorkerDied"]


class TaskTimeout(TimeoutError):
    """The task ran past the pool's time limit; its worker was killed."""


class RemoteError(Exception):
    """An exception raised in a worker that cannot be rebuilt here (its class is defined in a
    module only the worker imported); ``type_name`` is its class's name."""

    def __init__(self, type_name: str, message: str) -> None:
        super().__init__(message)
        self.type_name = type_name


def _rebuild(pickled: bytes | None, type_name: str, message: str) -> BaseException:
    if pickled is not None:
        try:
            return pickle.loads(pickled)
        except Exception:  # noqa: BLE001  e.g. a class from a module the parent never imported
            pass
    return RemoteError(type_name, message)


class WorkerDied(RuntimeError):
    """The worker process running the task exited (crashed, killed by the OS, ``os._exit``)."""


def _serve(conn: Connection) -> None:
    while True:
        task = conn.recv()
        if task is None:
            return
        fn, args, kwargs = task
        try:
            conn.send(("ok", fn(*args, **kwargs)))
        except BaseException as err:  # noqa: BLE001  reported to the parent, not swallowed
            detail = "".join(traceback.format_exception(err))
            try:
                pickled = pickle.dumps(err)
            except Exception:  # noqa: BLE001  the exception itself does not pickle
                pickled = None
            conn.send(("error", pickled, type(err).__name__, str(err), detail))


@dataclass
class _Worker:
    process: Any
    conn: Connection
    future: Future | None = None
    started: float = 0.0


@dataclass
class _State:
    queue: deque = field(default_factory=deque)
    shutdown: bool = False


class IsolatedPool(Executor):
    """``max_workers`` spawned processes; a task running longer than ``timeout`` seconds fails with
    ``TaskTimeout`` and its worker is replaced. Worker processes are reused between tasks."""

    def __init__(self, max_workers: int, *, timeout: float | None = None) -> None:
        self._ctx = multiprocessing.get_context("spawn")
        self._max = max(1, max_workers)
        self._timeout = timeout
        self._workers: list[_Worker] = []
        self._state = _State()
        self._lock = threading.Lock()
        self._wake_r, self._wake_w = self._ctx.Pipe(duplex=False)
        self._thread = threading.Thread(target=self._run, name="plategraph-pool", daemon=True)
        self._thread.start()

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        with self._lock:
            if self._state.shutdown:
                raise RuntimeError("cannot submit to a pool that was shut down")
            self._state.queue.append((future, fn, args, kwargs))
        self._wake_w.send(None)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._state.shutdown = True
            if cancel_futures:
                while self._state.queue:
                    self._state.queue.popleft()[0].cancel()
        self._wake_w.send(None)
        if wait:
            self._thread.join()

    # -- the manager thread ------------------------------------------------------------------
    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=_serve, args=(child,), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def _retire(self, worker: _Worker, *, kill: bool) -> None:
        if kill:
            worker.process.kill()
        else:
            try:
                worker.conn.send(None)
            except OSError:
                pass
        worker.process.join(timeout=5)
        worker.conn.close()
        self._workers.remove(worker)

    def _dispatch(self) -> None:
        with self._lock:
            while self._state.queue:
                idle = next((w for w in self._workers if w.future is None), None)
                if idle is None and len(self._workers) < self._max:
                    idle = self._spawn()
                    self._workers.append(idle)
                if idle is None:
                    return
                future, fn, args, kwargs = self._state.queue.popleft()
                if not future.set_running_or_notify_cancel():
                    continue
                idle.future, idle.started = future, time.monotonic()
                idle.conn.send((fn, args, kwargs))

    def _run(self) -> None:
        while True:
            self._dispatch()
            busy = [w for w in self._workers if w.future is not None]
            with self._lock:
                done = self._state.shutdown and not self._state.queue
            if done and not busy:
                for worker in list(self._workers):
                    self._retire(worker, kill=False)
                return
            ready = wait([self._wake_r, *(w.conn for w in busy),
                          *(w.process.sentinel for w in busy)], timeout=0.2)
            if self._wake_r in ready:
                while self._wake_r.poll():
                    self._wake_r.recv()
            now = time.monotonic()
            for worker in busy:
                future = worker.future
                assert future is not None
                if worker.conn in ready or worker.conn.poll():
                    try:
                        message = worker.conn.recv()
                    except (EOFError, OSError):
                        message = None
                    if message is not None:
                        worker.future = None
                        if message[0] == "ok":
                            future.set_result(message[1])
                        else:
                            err = _rebuild(*message[1:4])
                            err.__plategraph_traceback__ = message[4]  # type: ignore[attr-defined]
                            future.set_exception(err)
                        continue
                if not worker.process.is_alive():
                    self._retire(worker, kill=True)
                    future.set_exception(WorkerDied(
                        f"the worker process exited with code {worker.process.exitcode}"))
                elif self._timeout is not None and now - worker.started > self._timeout:
                    self._retire(worker, kill=True)
                    future.set_exception(TaskTimeout(
                        f"did not finish within {self._timeout:g} s (stopped)"))
