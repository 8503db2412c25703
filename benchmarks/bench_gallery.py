"""The whole gallery: its work in one warm process against the cold build, the incremental
re-run, each model drawn by plategraph and numpyro.render_model, and a generated gallery of many
models built on a dask LocalCluster of 1 and 2 workers.

- the work: every gallery model as the build renders it (``render_job``: the module's import
  and examples, ``model_graph``, the notebook SVG and PNG, the paper SVG and PDF, the TikZ, the
  files written), one after another in this process, once to warm it and once measured;
- the cold build: ``plategraph gallery gallery -o NEW --jobs 2`` in a fresh process (Python's
  start, the imports, the fork server and every worker included), against the work divided by
  the two jobs; the load average is printed beside it (other jobs on the machine slow both);
- scaling: ``--models N`` (400) models, copies of the gallery's modules under new names, built
  with ``--executor dask`` on a LocalCluster of 1 and of 2 worker processes.

    python benchmarks/bench_gallery.py [--models N] [--jobs 2]   # or: benchmarks/run.py gallery
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpyro

import plategraph
from plategraph.app import gallery
from plategraph.app.gallery import DEFAULT_FORMATS, PAPER_OUTPUTS, build_gallery, render_job
from plategraph.app.loading import gallery_models, gallery_modules, load_module, model_names
from plategraph.layout.options import DrawOptions

ROOT = Path(__file__).resolve().parent.parent
GALLERY = ROOT / "gallery"
FORMATS = ("svg", "png")


def load() -> str:
    """The 1-minute load average, as printed beside a time."""
    return f"load {os.getloadavg()[0]:.2f}"


def cpu_seconds(*who: int) -> float:
    """User + system CPU seconds of ``who`` (``resource.RUSAGE_SELF``, ``RUSAGE_CHILDREN``)."""
    return sum(resource.getrusage(w).ru_utime + resource.getrusage(w).ru_stime for w in who)


def work(folder: Path, out: Path) -> tuple[float, float, int]:
    """Seconds to render every model of ``folder`` in this process as the build's workers do
    (``render_job``, every file of it written), its CPU seconds (graphviz's runs included),
    and the number of models."""
    formats = (*DEFAULT_FORMATS, *PAPER_OUTPUTS)
    models = [(str(path), function) for path in gallery_modules(folder)
              for function in model_names(load_module(path))]
    start = time.perf_counter()
    cpu = cpu_seconds(resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    for path, function in models:
        render_job(path, function, str(out), formats, DrawOptions(), None)
    return (time.perf_counter() - start,
            cpu_seconds(resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN) - cpu, len(models))


def cold_build(folder: Path, out: Path, jobs: int, *extra: str) -> tuple[float, float | None]:
    """Wall seconds of ``plategraph gallery FOLDER -o OUT --jobs JOBS`` in a fresh process,
    and the CPU seconds of every process it started (Linux: the fork server and the workers
    it forks are not the command's children, so this process adopts them as a subreaper to
    count them; None elsewhere)."""
    command = [sys.executable, "-m", "plategraph", "gallery", str(folder), "-o", str(out),
               "--jobs", str(jobs), "--force", "-q", *extra]
    adopted = _subreaper(True)
    cpu = cpu_seconds(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT,
                   env={**os.environ, "PYTHONPATH": os.pathsep.join(
                       [str(ROOT), os.environ.get("PYTHONPATH", "")])})
    seconds = time.perf_counter() - start
    if not adopted:
        return seconds, None
    deadline = time.monotonic() + 30  # the fork server and keepers end soon after the build
    while time.monotonic() < deadline:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                time.sleep(0.05)
        except ChildProcessError:
            break
    _subreaper(False)
    return seconds, cpu_seconds(resource.RUSAGE_CHILDREN) - cpu


def _subreaper(on: bool) -> bool:
    """Adopt (or stop adopting) the orphaned descendants of this process; whether it could."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(36, int(on), 0, 0, 0) == 0
    except (OSError, AttributeError):  # 36: PR_SET_CHILD_SUBREAPER, Linux only
        return False


def one_by_one() -> tuple[dict[str, float], dict[str, float], dict[str, float | str]]:
    """Seconds per model for plategraph, its drop-in render_model and numpyro (or numpyro's
    error), SVG and PNG each."""
    ours: dict[str, float] = {}
    drop_in: dict[str, float] = {}
    theirs: dict[str, float | str] = {}
    for ident, model, args, kwargs in gallery_models(GALLERY):
        start = time.perf_counter()
        diagram = plategraph.draw(plategraph.model_graph(model, *args, **kwargs))
        for fmt in FORMATS:
            diagram.pipe(fmt)
        ours[ident] = time.perf_counter() - start
        start = time.perf_counter()
        ours_digraph = plategraph.render_model(model, model_args=args, model_kwargs=kwargs)
        for fmt in FORMATS:
            ours_digraph.pipe(format=fmt)
        drop_in[ident] = time.perf_counter() - start
        start = time.perf_counter()
        try:
            digraph = numpyro.render_model(model, model_args=args, model_kwargs=kwargs)
            for fmt in FORMATS:
                digraph.pipe(format=fmt)
        except Exception as err:  # noqa: BLE001  numpyro cannot draw some models at all
            theirs[ident] = type(err).__name__
        else:
            theirs[ident] = time.perf_counter() - start
    return ours, drop_in, theirs


def generated_gallery(folder: Path, models: int) -> int:
    """A gallery of about ``models`` models in ``folder``: the gallery's modules copied under
    new names (``eight_schools_007.py``), in turn, with its ``_*.py`` helpers; the number of
    models it holds."""
    folder.mkdir(parents=True, exist_ok=True)
    for helper in GALLERY.glob("_*.py"):
        shutil.copy(helper, folder / helper.name)
    sources = [(path, len(model_names(load_module(path)))) for path in gallery_modules(GALLERY)]
    count = copy = 0
    while count < models:
        path, found = sources[copy % len(sources)]
        shutil.copy(path, folder / f"{path.stem}_{copy:03d}.py")
        count += found
        copy += 1
    return count


def dask_build(folder: Path, out: Path, workers: int) -> tuple[float, float, int]:
    """Seconds to start a LocalCluster of ``workers`` processes, seconds to build ``folder``
    on it (everything rendered anew), and the models that rendered."""
    start = time.perf_counter()
    with gallery.open_executor("dask", jobs=workers, timeout=120) as executor:
        started = time.perf_counter() - start
        report = build_gallery(folder, out, executor=executor, force=True, timeout=120)
    failed = [row.ident for row in report.failed]
    assert not failed, failed
    return started, report.seconds, len(report.results)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=400,
                        help="models of the generated gallery built on dask (0: skip it)")
    parser.add_argument("--jobs", type=int, default=2, help="--jobs of the cold build")
    options = parser.parse_args(argv if argv is not None else [])
    print("## Gallery: its work in one process against the cold build")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp, "out")
        before = load()
        cold, cold_cpu = cold_build(GALLERY, out, options.jobs)
        after = load()
        again = build_gallery(GALLERY, out, jobs=options.jobs)
        assert {r.status for r in again.results} == {"cached"}
        first, first_cpu, _ = work(GALLERY, Path(tmp, "work"))
        warm, warm_cpu, count = work(GALLERY, Path(tmp, "work"))
        warm_load = load()
    share = warm / options.jobs
    print(f"{'run':62s} {'models':>6s} {'seconds':>8s} {'CPU s':>7s}")
    print(f"{'the work, one model after another in this process (first pass)':62s} {count:6d} "
          f"{first:8.2f} {first_cpu:7.2f}")
    print(f"{'the work, warm (second pass)':62s} {count:6d} {warm:8.2f} {warm_cpu:7.2f}   "
          f"({warm_load})")
    cpu_text = "" if cold_cpu is None else f"{cold_cpu:7.2f}"
    print(f"{f'plategraph gallery --jobs {options.jobs}, cold, in a fresh process':62s} "
          f"{count:6d} {cold:8.2f} {cpu_text:>7s}   ({before} before, {after} after)")
    print(f"{'plategraph gallery, again with nothing changed':62s} {count:6d} "
          f"{again.seconds:8.2f}")
    print(f"cold build / (warm work / {options.jobs} jobs) = {cold:.2f} / {share:.2f} = "
          f"{cold / share:.2f}")
    if cold_cpu is not None:  # what the load does not change: CPU the build spent on the work
        print(f"the build's CPU / the work's CPU = {cold_cpu:.2f} / {warm_cpu:.2f} = "
              f"{cold_cpu / warm_cpu:.2f}")

    print("\n## Gallery one model at a time: plategraph and numpyro.render_model, SVG + PNG")
    ours, drop_in, theirs = one_by_one()
    drawable = [k for k, v in theirs.items() if not isinstance(v, str)]
    ours_drawable = sum(ours[k] for k in drawable)
    drop_in_drawable = sum(drop_in[k] for k in drawable)
    theirs_total = sum(theirs[k] for k in drawable)  # type: ignore[misc]
    print(f"{'plategraph, one by one in one process':58s} {len(ours):6d} "
          f"{sum(ours.values()):8.2f}")
    print(f"{'plategraph, one by one, the models numpyro can draw':58s} {len(drawable):6d} "
          f"{ours_drawable:8.2f}")
    print(f"{'plategraph.render_model drop-in, the models numpyro draws':58s} "
          f"{len(drawable):6d} {drop_in_drawable:8.2f}   "
          f"({theirs_total / drop_in_drawable:.1f}x numpyro's speed)")
    print(f"{'numpyro.render_model, one by one, the models it can draw':58s} {len(drawable):6d} "
          f"{theirs_total:8.2f}   (plategraph {theirs_total / ours_drawable:.1f}x faster)")
    failed = {k: v for k, v in theirs.items() if isinstance(v, str)}
    print(f"numpyro.render_model cannot draw {len(failed)}: "
          + ", ".join(f"{k} ({v})" for k, v in failed.items()))

    if options.models:
        scaling(options.models)


def scaling(models: int) -> None:
    """The generated gallery built with --executor dask on 1 and 2 workers."""
    print(f"\n## A generated gallery of {models} models on a dask LocalCluster")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp, "gallery")
        count = generated_gallery(folder, models)
        rows = []
        for workers in (1, 2):
            before = load()
            started, seconds, rendered = dask_build(folder, Path(tmp, f"out{workers}"), workers)
            rows.append(seconds)
            print(f"{workers} worker{'s' if workers > 1 else ' '}: cluster started in "
                  f"{started:5.2f} s, {rendered} models built in {seconds:7.2f} s "
                  f"({seconds / count * 1e3:.0f} ms a model; {before} before, {load()} after)")
        print(f"speed-up from 1 to 2 workers: {rows[0] / rows[1]:.2f}x")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main(sys.argv[1:])
