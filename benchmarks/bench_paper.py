"""Figures for papers: layout + paper PDF + TikZ for every gallery model, beside NumPyro's own
PDF (``numpyro.render_model(...).pipe('pdf')``) in the same process, and the paper figure of the
big models (a chain of 300 latents, a model unrolled to 1,000 sites) end to end in a fresh
process beside NumPyro's the same way, and each stage of it (imports, trace, layout, matplotlib's
import, the figure, the PDF) in a fresh process of its own.

Targets: the paper figure of the 300-chain and the 1,000-site loop under 2 s each, end to
end (trace + layout + PDF); drawn site by site (``collapse=False``, as NumPyro draws them), the
loop's no slower than NumPyro's PDF of it (ratio at least 1×).

    python benchmarks/bench_paper.py            # or: python benchmarks/run.py paper
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpyro

# the big models and the fresh-process runner are the drawing benchmark's
from bench_draw import NUMPYRO_TIMEOUT, _row, fresh_seconds

import plategraph
from plategraph.app.loading import gallery_models
from plategraph.export.paper import figure_spec, render_figure
from plategraph.export.tikz import tikz_picture

HERE = Path(__file__).resolve().parent

TARGET = 2.0
BIG = ["chain 300 → plate", "unrolled J=1000"]


def _timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def gallery_rows() -> list[tuple[str, float, float, float, float | str]]:
    """Per model: layout, paper PDF from it, TikZ from it, and NumPyro's PDF (or its error)."""
    rows = []
    for ident, model, args, kwargs in gallery_models(HERE.parent / "gallery"):
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


PAPER_PDF = ("plategraph.draw(plategraph.model_graph(model, *args), theme='paper', "
             "width='3.3in', distributions=True{extra}).pipe('pdf')")
NUMPYRO_PDF = ("numpyro.render_model(model, model_args=args, render_distributions=True)"
               ".pipe('pdf')")

# each stage on its own in a fresh interpreter: where the end-to-end time goes, in seconds and
# in CPU seconds (the machine may be shared: CPU seconds are what another job cannot add to)
STAGES = """
import os, sys, time
def now():
    return time.perf_counter(), time.process_time()
start = now()
sys.path.insert(0, {here!r})
import numpyro, plategraph
from bench_draw import CASES
model, args = CASES[{case!r}]
marks = [("imports", now())]
g = plategraph.model_graph(model, *args)
marks.append(("trace", now()))
lay = plategraph.layout(g, theme="paper", labels="math", distributions=True{extra})
marks.append(("layout (labels written)", now()))
import matplotlib.backends.backend_pdf
marks.append(("matplotlib import", now()))
from plategraph.export.paper import figure_spec, render_figure
spec = figure_spec(lay, width="3.3in")
marks.append(("figure (text measured)", now()))
render_figure(spec, "pdf")
marks.append(("PDF (drawn, fonts subset)", now()))
last = start
for name, t in marks:
    print(f"{{name}}={{t[0] - last[0]:.2f}} s ({{t[1] - last[1]:.2f}} CPU)")
    last = t
print(f"after the imports={{t[0] - marks[0][1][0]:.2f}} s ({{t[1] - marks[0][1][1]:.2f}} CPU)")
"""


def fresh_stages(case: str, extra: str) -> str:
    """Seconds of each stage of the paper PDF in a fresh interpreter (imports included)."""
    run = subprocess.run([sys.executable, "-c", STAGES.format(here=str(HERE), case=case,
                                                              extra=extra)],
                         capture_output=True, text=True, timeout=300,
                         env={**os.environ, "JAX_PLATFORMS": "cpu"})
    if run.returncode != 0:
        return f"failed: {run.stderr.strip().splitlines()[-1]}"
    return ", ".join(f"{k} {v}" for k, v in (line.split("=") for line in run.stdout.splitlines()))


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def big_models(timeout: float) -> None:
    """The paper PDF of the big models end to end in a fresh process (trace + draw + PDF;
    imports of plategraph and numpyro excluded, matplotlib's import and JAX's compiling
    included), beside numpyro.render_model(...).pipe('pdf') the same way, with the load
    average of the machine when each was measured; then each stage on its own."""
    widths = [34, 9, 5, 16, 5, 6, 6]
    print(_row(["case", "paper PDF", "load", "numpyro PDF", "load", "ratio", "target"], widths))
    print(_row(["-" * w for w in widths], widths))
    stages = []
    for case in BIG:
        for extra in ("", ", collapse=False"):
            ours = fresh_seconds(case, PAPER_PDF.format(extra=extra), timeout)
            ours_load = _load()
            theirs = fresh_seconds(case, NUMPYRO_PDF, timeout)
            theirs_load = _load()
            fast = ours[0].isdigit()
            ratio = (f"{float(theirs) / float(ours):.1f}×" if fast and theirs[0].isdigit()
                     else "-")
            if not extra:
                ok = "ok" if fast and float(ours) < TARGET else "SLOW"
            else:  # drawn as NumPyro draws it: the loop no slower than NumPyro's
                ok = "" if "chain" in case or ratio == "-" else (
                    "ok" if float(theirs) >= float(ours) else "SLOW")
            print(_row([case + extra, ours, ours_load, theirs, theirs_load, ratio, ok], widths),
                  flush=True)
            stages.append(f"{case + extra} (load {_load()}): {fresh_stages(case, extra)}")
    print("stages, each in a fresh process (imports of plategraph and numpyro included):")
    for line in stages:
        print(line, flush=True)


def main(timeout: float = NUMPYRO_TIMEOUT) -> None:
    print("## papers: layout + paper PDF (3.3in, distributions) + TikZ, every gallery model")
    rows = gallery_rows()
    drawable = [r for r in rows if not isinstance(r[4], str)]
    ours = sum(r[1] + r[2] for r in drawable)
    theirs = sum(r[4] for r in drawable)  # type: ignore[misc]
    worst = max(rows, key=lambda r: r[1] + r[2] + r[3])
    print(f"{len(rows)} models: layout {sum(r[1] for r in rows):.2f} s, paper PDF "
          f"{sum(r[2] for r in rows):.2f} s, TikZ {sum(r[3] for r in rows):.3f} s in all; "
          f"slowest {worst[0]} {worst[1] + worst[2] + worst[3]:.2f} s (load {_load()})")
    print(f"the {len(drawable)} NumPyro can draw: layout + paper PDF {ours:.2f} s, "
          f"numpyro.render_model(...).pipe('pdf') {theirs:.2f} s ({ours / theirs:.2f}×)")
    print("\nbig models, seconds end to end in a fresh process (trace + layout + PDF; imports of "
          "plategraph and\nnumpyro excluded, matplotlib's included); numpyro: "
          f"render_model(...).pipe('pdf'), stopped after {timeout:.0f} s;\n"
          "ratio: numpyro's time / plategraph's; load: the machine's load average then; target "
          f"< {TARGET:.0f} s for\nthe default drawing; collapse=False (every site of a family "
          "its own node, as numpyro draws it):\nthe loop no slower than numpyro's")
    big_models(timeout)


if __name__ == "__main__":
    main()
