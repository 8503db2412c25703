"""Figures for papers: layout + paper PDF + TikZ for every gallery model, beside NumPyro's own
PDF (``numpyro.render_model(...).pipe('pdf')``) in the same process, and the paper figure of the
big models (a chain of 300 latents, a model unrolled to 1,000 sites) end to end in a fresh
process.

Target (issue 8): the paper figure of the 300-chain and the 1,000-site loop under 2 s each, end to
end (trace + layout + PDF).

    python benchmarks/bench_paper.py            # or: python benchmarks/run.py paper
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpyro

import plategraph
from plategraph.paper import figure_spec, render_figure
from plategraph.tikz import tikz_picture

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
from _gallery import iter_gallery_models  # noqa: E402

TARGET = 2.0
BIG = ["chain 300 → plate", "unrolled J=1000"]


def _timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def gallery_rows() -> list[tuple[str, float, float, float, float | str]]:
    """Per model: layout, paper PDF from it, TikZ from it, and NumPyro's PDF (or its error)."""
    rows = []
    for ident, model, args, kwargs in iter_gallery_models():
        graph = plategraph.model_graph(model, *args, **kwargs)
        t_layout, lay = _timed(lambda g=graph: plategraph.layout(
            plategraph.collapse_families(g), theme="paper", labels="math", distributions=True,
            collapse=False))
        t_pdf, _ = _timed(lambda lay=lay: render_figure(figure_spec(lay, width="3.3in"), "pdf"))
        t_tex, _ = _timed(lambda lay=lay: tikz_picture(lay))
        try:
            t_np, _ = _timed(lambda m=model, a=args, k=kwargs: numpyro.render_model(
                m, model_args=a, model_kwargs=k, render_distributions=True).pipe(format="pdf"))
        except Exception as err:  # noqa: BLE001  numpyro cannot draw some models at all
            t_np = type(err).__name__
        rows.append((ident, t_layout, t_pdf, t_tex, t_np))
    return rows


def fresh_paper_seconds(case: str) -> str:
    """Trace + paper PDF of a bench_draw case in a fresh interpreter, timed inside it (imports
    of plategraph and numpyro excluded; matplotlib's import and JAX's compiling included)."""
    script = (
        "import sys, time\n"
        f"sys.path.insert(0, {str(HERE)!r})\n"
        "import numpyro, plategraph\n"
        "from bench_draw import CASES\n"
        f"model, args = CASES[{case!r}]\n"
        "start = time.perf_counter()\n"
        "g = plategraph.model_graph(model, *args)\n"
        "plategraph.draw(g, theme='paper', width='3.3in', distributions=True).pipe('pdf')\n"
        "print(time.perf_counter() - start)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env={**os.environ, "JAX_PLATFORMS": "cpu"}, timeout=300)
    if run.returncode != 0:
        return f"failed: {run.stderr.strip().splitlines()[-1]}"
    return f"{float(run.stdout.strip().splitlines()[-1]):.2f}"


def main() -> None:
    print("## papers: layout + paper PDF (3.3in, distributions) + TikZ, every gallery model")
    rows = gallery_rows()
    drawable = [r for r in rows if not isinstance(r[4], str)]
    ours = sum(r[1] + r[2] for r in drawable)
    theirs = sum(r[4] for r in drawable)  # type: ignore[misc]
    worst = max(rows, key=lambda r: r[1] + r[2] + r[3])
    print(f"{len(rows)} models: layout {sum(r[1] for r in rows):.2f} s, paper PDF "
          f"{sum(r[2] for r in rows):.2f} s, TikZ {sum(r[3] for r in rows):.3f} s in all; "
          f"slowest {worst[0]} {worst[1] + worst[2] + worst[3]:.2f} s")
    print(f"the {len(drawable)} NumPyro can draw: layout + paper PDF {ours:.2f} s, "
          f"numpyro.render_model(...).pipe('pdf') {theirs:.2f} s ({ours / theirs:.2f}×)")
    print(f"{'case':20s} {'paper PDF, fresh process (s)':>30s} {'target':>7s}")
    for case in BIG:
        seconds = fresh_paper_seconds(case)
        ok = "ok" if seconds[0].isdigit() and float(seconds) < TARGET else "SLOW"
        print(f"{case:20s} {seconds:>30s} {ok:>7s}", flush=True)


if __name__ == "__main__":
    main()
