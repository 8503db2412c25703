"""Batch rendering of a model gallery: parallel, isolated, incremental; index.html + manifest.json.

>>> report = build_gallery("gallery", "build/gallery", jobs=2)
>>> [row.ident for row in report.results], report.failed
(['coin_flips:model'], [])
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from ..exceptions import GalleryError, OutputError
from ..layout.options import FORMATS, DrawOptions, check_format, check_timeout
from .files import check_output, write_atomic
from .jobs import PAPER_OUTPUTS, inspect_job, module_job, output_names, render_job
from .loading import gallery_modules
from .page import index_html, valid_facts
from .pool import RemoteError, TaskTimeout, WorkerPool, released

__all__ = ["DEFAULT_FORMATS", "GalleryReport", "ModelResult", "build_gallery",
           "check_gallery_output", "index_html", "inspect_job", "manifest_json", "module_job",
           "open_executor", "output_names", "render_job"]

DEFAULT_FORMATS = ("svg", "png")
EXECUTORS = ("process", "dask")
MANIFEST = "manifest.json"
INDEX = "index.html"
STATUSES = ("ok", "cached", "error", "timeout")
RENDERED = ("ok", "cached")  # the statuses of a model whose files are in the output folder
FAILED = ("error", "timeout")
_KILL_GRACE = 10.0  # seconds the pool waits past --timeout before killing a stuck worker


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
    """The versions a build's files depend on, read from the installed packages' metadata: the
    build's own process never imports JAX (its workers do, forked from a server that starts
    at once)."""
    from importlib.metadata import version

    from .. import __version__

    return f"plategraph {__version__}, numpyro {version('numpyro')}, jax {version('jax')}"


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
    also gets its paper figure (``draw(theme="paper", distributions=True)``, a column wide) as
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
        build.render(pool, build.reuse_or_inspect(pool, previous, keys), keys)
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
        other module to its worker (``module_job``: inspected, its first model rendered)."""
        jobs: dict[Future, Path] = {}
        for path in self.paths:
            if _reusable(previous.get(path.stem), keys[path.stem], self.target, self.formats):
                self.rows[path.stem] = [ModelResult(**{**asdict(r), "status": "cached"})
                                        for r in previous[path.stem]]
            else:
                jobs[pool.submit(module_job, str(path), str(self.target), self.formats,
                                 self.options, self.timeout)] = path
        self.total = sum(len(rows) for rows in self.rows.values()) + len(jobs)
        for rows in self.rows.values():
            for row in rows:
                self.report(row)
        return jobs

    def render(self, pool: Executor, jobs: dict[Future, Path], keys: dict[str, str]) -> None:
        """Fill in the rows as the jobs end: as each module's job ends, take its first model's
        render and send every other model to be rendered in a fresh worker of its own (a
        module that failed is one row); as each render ends, its model's row.

        A module job whose worker died or was killed (while inspecting or while rendering:
        it cannot tell) is inspected again alone (``inspect_job``): if that works, the first
        model was what failed, and its row gets the job's error."""
        modules: dict[Future, tuple[Path, Exception | None]] = {
            future: (path, None) for future, path in jobs.items()}
        renders: dict[Future, ModelResult] = {}
        while modules or renders:
            done, _ = wait([*modules, *renders], return_when=FIRST_COMPLETED)
            for future in done:
                if future in renders:
                    self._rendered(renders.pop(future), future)
                    continue
                path, lost = modules.pop(future)
                try:
                    answer = future.result()
                except Exception as err:  # noqa: BLE001  the worker died or was killed
                    if lost is None:
                        modules[pool.submit(inspect_job, str(path), self.timeout)] = (path, err)
                    else:
                        self._failed_module(path, err, keys[path.stem])
                    continue
                first: Future = Future()
                if lost is None:
                    try:
                        infos = released(answer["infos"])
                    except Exception as err:  # noqa: BLE001  a broken module is a row
                        self._failed_module(path, err, keys[path.stem])
                        continue
                    if answer["first"] is not None:
                        _settle(first, answer["first"])
                else:
                    infos = answer
                    first.set_exception(lost)
                self.total += len(infos) - 1
                self.rows[path.stem] = []
                for i, info in enumerate(infos):
                    row = ModelResult(**info, status="pending", key=keys[path.stem])
                    self.rows[path.stem].append(row)
                    if i == 0:
                        renders[first] = row
                    else:
                        renders[pool.submit(render_job, str(path), info["function"],
                                            str(self.target), self.formats, self.options,
                                            self.timeout)] = row

    def _failed_module(self, path: Path, err: Exception, key: str) -> None:
        """The one row of a module that could not be inspected."""
        status, message = _status_and_error(err)
        row = ModelResult(f"{path.stem}:*", path.stem, "*", status, title=path.stem,
                          error=message, key=key)
        self.rows[path.stem] = [row]
        self.report(row)

    def _rendered(self, row: ModelResult, future: Future) -> None:
        """Fill in a model's row from its ended render."""
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


def _settle(future: Future, outcome: tuple[str, Any]) -> None:
    """Finish ``future`` with a ``captured`` call's value or error."""
    try:
        future.set_result(released(outcome))
    except Exception as err:  # noqa: BLE001  the model's error, as its row shows it
        future.set_exception(err)


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
