"""The whole gallery: a cold `plategraph gallery --jobs 2`, the incremental re-run, and the same
models drawn one by one in this process by plategraph, by its drop-in plategraph.render_model and
by numpyro.render_model (SVG + PNG).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpyro

import plategraph
from plategraph.app.gallery import build_gallery
from plategraph.app.loading import gallery_models

ROOT = Path(__file__).resolve().parent.parent

FORMATS = ("svg", "png")


def one_by_one() -> tuple[dict[str, float], dict[str, float], dict[str, float | str]]:
    """Seconds per model for plategraph, its drop-in render_model and numpyro (or numpyro's
    error), SVG and PNG each."""
    ours: dict[str, float] = {}
    drop_in: dict[str, float] = {}
    theirs: dict[str, float | str] = {}
    for ident, model, args, kwargs in gallery_models(ROOT / "gallery"):
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


def main() -> None:
    print("## Gallery: every model of gallery/ to SVG + PNG")
    with tempfile.TemporaryDirectory() as out:
        cold = build_gallery(ROOT / "gallery", out, jobs=2, force=True)
        again = build_gallery(ROOT / "gallery", out, jobs=2)
    assert not cold.failed, [r.ident for r in cold.failed]
    assert {r.status for r in again.results} == {"cached"}
    ours, drop_in, theirs = one_by_one()
    drawable = [k for k, v in theirs.items() if not isinstance(v, str)]
    ours_drawable = sum(ours[k] for k in drawable)
    drop_in_drawable = sum(drop_in[k] for k in drawable)
    theirs_total = sum(theirs[k] for k in drawable)  # type: ignore[misc]
    n = len(cold.results)
    print(f"{'run':58s} {'models':>6s} {'seconds':>8s}")
    print(f"{'plategraph gallery --jobs 2, cold (worker start-up included)':58s} {n:6d} "
          f"{cold.seconds:8.2f}")
    print(f"{'plategraph gallery --jobs 2, again with nothing changed':58s} {n:6d} "
          f"{again.seconds:8.2f}   ({again.seconds / cold.seconds:.1%} of cold)")
    print(f"{'plategraph, one by one in one process':58s} {n:6d} {sum(ours.values()):8.2f}")
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
