"""The gallery's jobs, run in its worker processes: list a module's models, render a model
(every file of it), or both for a module's first model; each within its time limit.

The build (``gallery.build_gallery``) sends them to its executor; each answers with plain data.
"""

from __future__ import annotations

import contextlib
import ctypes
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from types import ModuleType
from typing import Any

from ..layout.options import DrawOptions
from .files import write_atomic
from .loading import load_module, module_info, user_code
from .page import model_facts
from .pool import TaskTimeout, captured

__all__ = ["PAPER_OPTIONS", "PAPER_OUTPUTS", "inspect_job", "module_job", "output_names",
           "paper_options", "render_job"]

# the paper figure of each model, beside the notebook one: its SVG (shown), PDF and TikZ
PAPER_OUTPUTS = ("paper.svg", "paper.pdf", "tex")
PAPER_OPTIONS = {"theme": "paper", "distributions": True}  # the width: a column's
_REFIRE = 0.5  # seconds between repeats of a time limit's exception


class _LimitReached(TimeoutError):
    """Raised in the model's code at the time limit (see ``_time_limit``)."""


@contextlib.contextmanager
def _time_limit(seconds: float | None, *, left: float | None = None) -> Iterator[None]:
    """Raise TaskTimeout in the model's own code after ``seconds``, and again every
    ``_REFIRE`` seconds until the block ends, so code that catches exceptions (as the tracer
    does when a variant value fails) cannot swallow the limit. The model code may wrap the
    exception (model_graph does); whatever comes out after the limit is a TaskTimeout. With
    ``left``, the limit of ``seconds`` is reached after ``left`` seconds (what remains of it).

    In a process's main thread (plategraph's pool) a SIGALRM does it, which also wakes a
    ``time.sleep``; in a worker thread (dask) the exception is raised asynchronously in that
    thread, which takes effect at its next Python instruction. Code stuck in native calls is
    only stopped by the process pool, which kills the worker.
    """
    if not seconds:
        yield
        return
    fired = threading.Event()
    main = threading.current_thread() is threading.main_thread()
    try:
        with (_alarm_signal if main else _alarm_thread)(left or seconds, fired):
            yield
    except Exception as err:
        if fired.is_set():
            raise TaskTimeout.after(seconds) from err
        raise


@contextlib.contextmanager
def _alarm_signal(seconds: float, fired: threading.Event) -> Iterator[None]:
    def on_alarm(signum: int, frame: Any) -> None:
        fired.set()
        raise _LimitReached

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds, _REFIRE)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _alarm_thread(seconds: float, fired: threading.Event) -> Iterator[None]:
    ident = threading.get_ident()
    lock = threading.Lock()
    done = threading.Event()

    def interrupt() -> None:
        delay = seconds
        while not done.wait(delay):
            with lock:
                if done.is_set():
                    return
                fired.set()
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident),
                                                           ctypes.py_object(_LimitReached))
            delay = _REFIRE

    threading.Thread(target=interrupt, name="plategraph-time-limit", daemon=True).start()
    try:
        yield
    finally:
        with lock:
            done.set()
        # an exception sent just as the block ended must not hit the caller's code
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), None)


def inspect_job(path: str, timeout: float | None) -> list[dict[str, str]]:
    """Run in a worker: the gallery entries (``ModelInfo`` as dicts) of the module at ``path``."""
    return _inspect(path, timeout)[1]


def module_job(path: str, out_dir: str, formats: tuple[str, ...], options: DrawOptions,
               timeout: float | None) -> dict[str, Any]:
    """Run in a worker: inspect the module at ``path`` and render its first model in the same
    fresh process, just as ``render_job`` would (the module imported, its examples made, the
    model traced and drawn), so that the module is imported once. Returns ``{"infos":
    captured(inspect_job's answer), "first": captured(render_job's answer) or None}``: the
    errors of both come back as data. Both share ``timeout`` seconds, as in ``render_job``."""
    started = time.monotonic()
    inspection = captured(_inspect, path, timeout)
    if inspection[0] != "ok" or not inspection[1][1]:
        return {"infos": inspection if inspection[0] != "ok" else ("ok", []), "first": None}
    module, infos = inspection[1]
    left = None if timeout is None else max(timeout - (time.monotonic() - started), 1e-3)
    first = captured(_render, module, path, infos[0]["function"], out_dir, formats, options,
                     timeout, left=left)
    return {"infos": ("ok", infos), "first": first}


def _inspect(path: str, timeout: float | None) -> tuple[ModuleType, list[dict[str, str]]]:
    with _time_limit(timeout):
        module = load_module(path)
        return module, [asdict(info) for info in module_info(module, Path(path).stem, path)]


def render_job(path: str, function: str, out_dir: str, formats: tuple[str, ...],
               options: DrawOptions, timeout: float | None) -> dict[str, Any]:
    """Run in a worker: trace one model of the module at ``path``, draw it in ``formats``
    into ``out_dir``; returns ``{"outputs": output_names(...), "timings": {...},
    "facts": model_facts(graph)}``."""
    return _render(None, path, function, out_dir, formats, options, timeout)


def _render(module: ModuleType | None, path: str, function: str, out_dir: str,
            formats: tuple[str, ...], options: DrawOptions, timeout: float | None, *,
            left: float | None = None) -> dict[str, Any]:
    """``render_job``'s work, with the module at ``path`` imported now unless given: its
    examples made, the model traced and drawn, each theme's files from its one layout; stopped
    at its time limit, ``timeout``, or after the ``left`` seconds of it that remain."""
    from ..graph.build import model_graph
    from .diagram import Diagram
    from .loading import model_examples

    timings: dict[str, float] = {}
    with _time_limit(timeout, left=left):
        module = module or load_module(path)
        args, kwargs = model_examples(module, path)[function]
        start = time.perf_counter()
        with user_code(f"model {function!r}"):
            graph = model_graph(getattr(module, function), *args, **kwargs)
        timings["trace"] = time.perf_counter() - start
        start = time.perf_counter()
        notebook = [fmt for fmt in formats if fmt not in PAPER_OUTPUTS]
        rendered = Diagram.of(graph, options).pipe_many(notebook, timeout=timeout)  # all or none
        figure = [fmt for fmt in formats if fmt in PAPER_OUTPUTS]
        if figure:
            paper = Diagram.of(graph, paper_options(options)).pipe_many(
                [fmt.removeprefix("paper.") for fmt in figure], timeout=timeout)
            rendered.update((fmt, paper[fmt.removeprefix("paper.")]) for fmt in figure)
        timings["draw"] = time.perf_counter() - start
        facts = model_facts(graph)
    outputs = output_names(Path(path).stem, function, formats)
    for fmt in formats:
        write_atomic(Path(out_dir) / outputs[fmt], rendered[fmt])
    return {"outputs": outputs, "timings": timings, "facts": facts}


def paper_options(options: DrawOptions) -> DrawOptions:
    """The options of a model's paper figure in the gallery: the structure ``options`` ask for
    (direction, hidden kinds, families, data), drawn as the paper figure at column width with
    its distributions listed."""
    return DrawOptions(rankdir=options.rankdir, params=options.params,
                       deterministic=options.deterministic, collapse=options.collapse,
                       data=options.data, **PAPER_OPTIONS)


def output_names(module: str, function: str, formats: tuple[str, ...]) -> dict[str, str]:
    """The files of one model in the output folder: ``{"svg": "module__function.svg", …}``."""
    return {fmt: f"{module}__{function}.{fmt}" for fmt in formats}
