"""Batch rendering of a model gallery: parallel, isolated, incremental; index.html + manifest.json.

>>> report = build_gallery("gallery", "build/gallery", jobs=2)
>>> [row.ident for row in report.results], report.failed
(['coin_flips:model'], [])
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, as_completed
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from ..exceptions import GalleryError, OutputError
from ..layout.options import FORMATS, DrawOptions, check_format, check_timeout
from .files import check_output, write_atomic
from .loading import gallery_modules, load_module, module_info, user_code
from .page import index_html, model_facts, valid_facts
from .pool import RemoteError, TaskTimeout, WorkerPool

__all__ = ["DEFAULT_FORMATS", "GalleryReport", "ModelResult", "build_gallery",
           "check_gallery_output", "index_html", "inspect_job", "manifest_json", "open_executor",
           "output_names", "render_job"]

DEFAULT_FORMATS = ("svg", "png")
# the paper figure of each model, beside the notebook one: its SVG (shown), PDF and TikZ
PAPER_OUTPUTS = ("paper.svg", "paper.pdf", "tex")
PAPER_OPTIONS = {"theme": "paper", "width": "3.3in", "distributions": True}
EXECUTORS = ("process", "dask")
MANIFEST = "manifest.json"
INDEX = "index.html"
STATUSES = ("ok", "cached", "error", "timeout")
RENDERED = ("ok", "cached")  # the statuses of a model whose files are in the output folder
FAILED = ("error", "timeout")
_KILL_GRACE = 10.0  # seconds the pool waits past --timeout before killing a stuck worker
_REFIRE = 0.5  # seconds between repeats of a time limit's exception


@dataclass
class ModelResult:
    """One model's row of the manifest."""

    ident: str
    module: str
    function: str
    status: str  # "ok", "cached", "error" or "timeout"
    title: str = ""
    doc: str = ""
    source: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    key: str = ""
    facts: dict[str, Any] = field(default_factory=dict)  # page.model_facts: names, spec

    @property
    def rendered(self) -> bool:
        """Whether the model's files are in the output folder (rendered now or before)."""
        return self.status in RENDERED

    @property
    def failed(self) -> bool:
        """Whether the model raised, could not be imported or ran past its time limit."""
        return self.status in FAILED


@dataclass
class GalleryReport:
    """What ``build_gallery`` did."""

    out_dir: Path
    results: list[ModelResult]
    seconds: float
    formats: tuple[str, ...] = DEFAULT_FORMATS
    options: dict[str, Any] = field(default_factory=dict)
    versions: str = ""  # plategraph, numpyro and jax versions the models were drawn with

    @property
    def failed(self) -> list[ModelResult]:
        """The rows of the models that failed."""
        return [r for r in self.results if r.failed]

    @property
    def counts(self) -> dict[str, int]:
        """How many models ended with each status, statuses in the order first met."""
        counts: dict[str, int] = {}
        for row in self.results:
            counts[row.status] = counts.get(row.status, 0) + 1
        return counts


# -- jobs (run in worker processes) ------------------------------------------------------------


class _LimitReached(TimeoutError):
    """Raised in the model's code at the time limit (see ``_time_limit``)."""


@contextlib.contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Raise TaskTimeout in the model's own code after ``seconds``, and again every
    ``_REFIRE`` seconds until the block ends, so code that catches exceptions (as the tracer
    does when a variant value fails) cannot swallow the limit. The model code may wrap the
    exception (model_graph does); whatever comes out after the limit is a TaskTimeout.

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
        with (_alarm_signal if main else _alarm_thread)(seconds, fired):
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
    with _time_limit(timeout):
        module = load_module(path)
        return [asdict(info) for info in module_info(module, Path(path).stem, path)]


def render_job(path: str, function: str, out_dir: str, formats: tuple[str, ...],
               options: DrawOptions, timeout: float | None) -> dict[str, Any]:
    """Run in a worker: trace one model of the module at ``path``, draw it in ``formats``
    into ``out_dir``; returns ``{"outputs": output_names(...), "timings": {...},
    "facts": model_facts(graph)}``."""
    from ..graph.build import model_graph
    from .diagram import Diagram
    from .loading import model_examples

    timings: dict[str, float] = {}
    with _time_limit(timeout):
        module = load_module(path)
        args, kwargs = model_examples(module, path)[function]
        start = time.perf_counter()
        with user_code(f"model {function!r}"):
            graph = model_graph(getattr(module, function), *args, **kwargs)
        timings["trace"] = time.perf_counter() - start
        start = time.perf_counter()
        diagram = Diagram.of(graph, options)
        notebook = [fmt for fmt in formats if fmt not in PAPER_OUTPUTS]
        rendered = {fmt: diagram.pipe(fmt, timeout=timeout) for fmt in notebook}  # all or none
        if any(fmt in PAPER_OUTPUTS for fmt in formats):
            paper = Diagram.of(graph, paper_options(options))
            for fmt in formats:
                if fmt in PAPER_OUTPUTS:
                    rendered[fmt] = paper.pipe(fmt.removeprefix("paper."), timeout=timeout)
        timings["draw"] = time.perf_counter() - start
        facts = model_facts(graph)
    outputs = output_names(Path(path).stem, function, formats)
    for fmt, data in rendered.items():
        write_atomic(Path(out_dir) / outputs[fmt], data)
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


def _own_files(module: str, function: str, outputs: dict[str, str]) -> dict[str, str]:
    """The entries of ``outputs`` that name the model's own files (``output_names``)."""
    own = output_names(module, function, tuple(outputs))
    return {fmt: name for fmt, name in outputs.items() if name == own[fmt]}


# -- the build ---------------------------------------------------------------------------------


@contextlib.contextmanager
def open_executor(kind: str = "process", *, jobs: int | None = None,
                  timeout: float | None = None) -> Iterator[Executor]:
    """An executor for ``build_gallery``, closed (and its workers stopped) on leaving.

    ``process``: plategraph's pool of ``jobs`` processes, which kills a worker stuck past
    ``timeout``; ``dask``: a ``dask.distributed`` LocalCluster of ``jobs`` worker processes (the
    optional extra: ``pip install 'plategraph[dask]'``). To use an existing cluster, pass
    ``Client(address).get_executor()`` to ``build_gallery`` yourself.
    """
    jobs = jobs or os.cpu_count() or 1
    timeout = _checked_limit(timeout)
    if kind == "process":
        pool = WorkerPool(jobs, timeout=None if timeout is None else timeout + _KILL_GRACE)
        try:
            yield pool
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return
    if kind != "dask":
        raise GalleryError(f"unknown executor {kind!r}; choose one of {', '.join(EXECUTORS)}")
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as err:
        raise GalleryError("--executor dask needs dask.distributed: "
                           "pip install 'plategraph[dask]'") from err
    with LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        yield client.get_executor(pure=False)


def _checked_limit(timeout: float | None) -> float | None:
    """A time limit in seconds, checked; 0 or None: no limit."""
    return check_timeout(timeout or None)


def _versions() -> str:
    import jax
    import numpyro

    from .. import __version__

    return f"plategraph {__version__}, numpyro {numpyro.__version__}, jax {jax.__version__}"


def _valid_row(data: object) -> ModelResult | None:
    """A manifest row as a ModelResult, or None when any field has the wrong type or value
    (the manifest is a file anyone can edit: its rows decide what is linked from the page)."""
    if not isinstance(data, dict) or set(data) != {f.name for f in fields(ModelResult)}:
        return None
    text = ("ident", "module", "function", "status", "title", "doc", "source", "key")
    if not all(isinstance(data[name], str) for name in text):
        return None
    if data["status"] not in STATUSES or not (data["error"] is None
                                              or isinstance(data["error"], str)):
        return None
    outputs, timings = data["outputs"], data["timings"]
    if not (isinstance(outputs, dict) and isinstance(timings, dict)):
        return None
    if any(fmt not in FORMATS and fmt not in PAPER_OUTPUTS for fmt in outputs):
        return None
    # a model's files carry its own name, and nothing else is ever linked
    if _own_files(data["module"], data["function"], outputs) != outputs:
        return None
    if not all(isinstance(k, str) and isinstance(v, (int, float)) and not isinstance(v, bool)
               for k, v in timings.items()) or not valid_facts(data["facts"]):
        return None
    return ModelResult(**data)


def _previous_rows(out_dir: Path) -> dict[str, list[ModelResult]]:
    """The valid rows of the last manifest in ``out_dir``, by module; none if it is unreadable."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text())
        rows = data["models"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    by_module: dict[str, list[ModelResult]] = {}
    for row in rows if isinstance(rows, list) else ():
        valid = _valid_row(row)
        if valid is not None:
            by_module.setdefault(valid.module, []).append(valid)
    return by_module


def _reusable(rows: list[ModelResult] | None, key: str, out_dir: Path,
              formats: tuple[str, ...]) -> bool:
    return bool(rows) and all(
        r.key == key and r.rendered
        and r.outputs == output_names(r.module, r.function, formats)
        and all((out_dir / name).is_file() for name in r.outputs.values())
        for r in rows or ()
    )


def check_gallery_output(out_dir: str | os.PathLike[str]) -> Path:
    """Fail early, with an OutputError, when the gallery cannot be written to ``out_dir``:
    it is a file, cannot be created or written, or its manifest or page is not a file."""
    target = check_output(out_dir, folder=True)
    for name in (MANIFEST, INDEX):
        if (target / name).exists() and not (target / name).is_file():
            raise OutputError(f"{target / name}: is not a file; the gallery writes its "
                              f"{'manifest' if name == MANIFEST else 'page'} there")
    return target


def _status_and_error(err: BaseException) -> tuple[str, str]:
    """A failed job's row status and its error line."""
    if isinstance(err, TaskTimeout):
        return "timeout", str(err)
    name = err.type_name if isinstance(err, RemoteError) else type(err).__name__
    return "error", f"{name}: {err}"


def build_gallery(gallery_dir: str | os.PathLike[str], out_dir: str | os.PathLike[str], *,
                  formats: tuple[str, ...] = DEFAULT_FORMATS, jobs: int | None = None,
                  executor: Executor | None = None, timeout: float | None = 120.0,
                  force: bool = False, options: DrawOptions | dict[str, Any] | None = None,
                  paper: bool = True,
                  on_progress: Callable[[ModelResult, int, int], None] | None = None,
                  ) -> GalleryReport:
    """Render every model of ``gallery_dir`` into ``out_dir`` with ``index.html``/``manifest.json``.

    Each model runs in a worker (``executor``; by default a killable pool of ``jobs`` processes);
    one that raises, cannot be imported or runs past ``timeout`` seconds is reported and the rest
    still render. Modules whose source, options and versions match the last manifest and whose
    files exist are not rendered again (``force`` renders everything). With ``paper`` each model
    also gets its paper figure (``draw(theme="paper", width="3.3in", distributions=True)``) as
    ``.paper.svg``, ``.paper.pdf`` and TikZ ``.tex``, shown beside the notebook diagram.
    """
    started = time.perf_counter()
    source_dir, target = Path(gallery_dir), Path(out_dir)
    if not source_dir.is_dir():
        raise GalleryError(f"{source_dir}: no such gallery folder")
    formats = _build_formats(formats, paper=paper)
    timeout = _checked_limit(timeout)
    if not isinstance(options, DrawOptions):
        options = DrawOptions(**(options or {}))  # checked before any worker starts
    paths = gallery_modules(source_dir)
    if not paths:
        raise GalleryError(f"{source_dir}: no gallery modules (*.py) in it")
    check_gallery_output(target)
    previous = {} if force else _previous_rows(target)
    build = _Build(paths, target, formats, options, timeout, _versions(), started, on_progress)
    with contextlib.ExitStack() as stack:
        stack.push(build.finish_if_interrupted)  # runs after the pool below is shut down
        pool = executor or stack.enter_context(open_executor("process", jobs=jobs,
                                                             timeout=timeout))
        keys = _module_keys(source_dir, build)
        inspections = build.reuse_or_inspect(pool, previous, keys)
        renders = build.render_inspected(pool, inspections, keys)
        build.collect_renders(renders)
    return build.finish()


def _build_formats(formats: tuple[str, ...], *, paper: bool) -> tuple[str, ...]:
    """The checked formats without repeats, and with ``paper`` the paper outputs after them."""
    formats = tuple(dict.fromkeys(check_format(f) for f in formats))
    if paper:
        formats += tuple(f for f in PAPER_OUTPUTS if f not in formats)
    return formats


@dataclass
class _Build:
    """One run of ``build_gallery``: what it renders with, and the rows it has so far."""

    paths: list[Path]
    target: Path
    formats: tuple[str, ...]
    options: DrawOptions
    timeout: float | None
    versions: str
    started: float
    on_progress: Callable[[ModelResult, int, int], None] | None
    rows: dict[str, list[ModelResult]] = field(default_factory=dict)  # by module
    total: int = 0
    done: int = 0

    def finish(self) -> GalleryReport:
        """Write the manifest and the page of the finished rows, and return the report."""
        # only finished rows: a model still pending when the build is stopped is left out
        ordered = [row for path in self.paths for row in self.rows.get(path.stem, [])
                   if row.status in STATUSES]
        report = GalleryReport(self.target, ordered, time.perf_counter() - self.started,
                               self.formats, self.options.asked(), self.versions)
        write_atomic(self.target / MANIFEST, manifest_json(report).encode())
        write_atomic(self.target / INDEX, index_html(report).encode())
        return report

    def finish_if_interrupted(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is not None and issubclass(kind, KeyboardInterrupt):
            self.finish()  # Ctrl-C or SIGTERM: the manifest and page list what was done

    def report(self, row: ModelResult) -> None:
        self.done += 1
        if self.on_progress is not None:
            self.on_progress(row, self.done, self.total)

    def reuse_or_inspect(self, pool: Executor, previous: dict[str, list[ModelResult]],
                         keys: dict[str, str]) -> dict[Future, Path]:
        """Take the rows of unchanged modules from the last manifest as cached; send every
        other module to be inspected (the futures of its models' infos)."""
        inspections: dict[Future, Path] = {}
        for path in self.paths:
            if _reusable(previous.get(path.stem), keys[path.stem], self.target, self.formats):
                self.rows[path.stem] = [ModelResult(**{**asdict(r), "status": "cached"})
                                        for r in previous[path.stem]]
            else:
                inspections[pool.submit(inspect_job, str(path), self.timeout)] = path
        self.total = sum(len(rows) for rows in self.rows.values()) + len(inspections)
        for rows in self.rows.values():
            for row in rows:
                self.report(row)
        return inspections

    def render_inspected(self, pool: Executor, inspections: dict[Future, Path],
                         keys: dict[str, str]) -> dict[Future, ModelResult]:
        """As each module's inspection ends, send its models to be rendered; a module that
        failed is one row."""
        renders: dict[Future, ModelResult] = {}
        for future in as_completed(inspections):
            path = inspections[future]
            try:
                infos = future.result()
            except Exception as err:  # noqa: BLE001  a broken module is a row, not a crash
                status, message = _status_and_error(err)
                row = ModelResult(f"{path.stem}:*", path.stem, "*", status,
                                  title=path.stem, error=message, key=keys[path.stem])
                self.rows[path.stem] = [row]
                self.report(row)
                continue
            self.total += len(infos) - 1
            self.rows[path.stem] = []
            for info in infos:
                row = ModelResult(**info, status="pending", key=keys[path.stem])
                self.rows[path.stem].append(row)
                renders[pool.submit(render_job, str(path), info["function"], str(self.target),
                                    self.formats, self.options, self.timeout)] = row
        return renders

    def collect_renders(self, renders: dict[Future, ModelResult]) -> None:
        """Fill in each model's row as its render ends."""
        for future in as_completed(renders):
            row = renders[future]
            try:
                out = future.result()
            except Exception as err:  # noqa: BLE001  reported on the card and in the manifest
                row.status, row.error = _status_and_error(err)
            else:
                expected = output_names(row.module, row.function, self.formats)
                if out.get("outputs") != expected:  # never another model's files
                    row.status, row.error = "error", (
                        f"WorkerError: the worker answered with {out.get('outputs')!r}, "
                        f"not the files of {row.ident}")
                else:
                    row.status, row.outputs, row.timings = "ok", expected, out["timings"]
                    row.facts = out.get("facts", {})
            self.report(row)


def _module_keys(source_dir: Path, build: _Build) -> dict[str, str]:
    """The content hash of each module's renders: its file (its code and the example data it
    makes) and what every module's renders depend on alike: the folder's ``_*.py`` helpers
    (modules may import them), the formats, options and versions."""
    shared = b"".join(p.name.encode() + b"\0" + p.read_bytes()
                      for p in sorted(source_dir.glob("_*.py")))
    shared += json.dumps({"formats": build.formats, "options": build.options.asked(),
                          "versions": build.versions}, sort_keys=True, default=str).encode()
    return {p.stem: hashlib.sha256(p.read_bytes() + shared).hexdigest()[:20]
            for p in build.paths}


def manifest_json(report: GalleryReport) -> str:
    """The manifest: per model its status, timings, output paths and error."""
    data = {
        "versions": report.versions,
        "formats": list(report.formats),
        "options": report.options,
        "seconds": round(report.seconds, 3),
        "summary": report.counts,
        "models": [asdict(row) for row in report.results],
    }
    return json.dumps(data, indent=2, sort_keys=False, default=str) + "\n"
