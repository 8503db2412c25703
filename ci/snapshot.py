"""Every output plategraph makes of the gallery and the real-world collection, written to a folder.

A refactor that should change no output is checked by snapshotting before and after and comparing
the two folders byte for byte::

    .venv/bin/python ci/snapshot.py build/snapshot-before     # on the old tree
    .venv/bin/python ci/snapshot.py build/snapshot-after      # on the new tree
    diff -r build/snapshot-before build/snapshot-after

Per model: the graph (JSON), the notebook diagram's DOT and SVG in four option sets, the paper
figure's PDF, SVG and TikZ in two, and ``to_tikz``. Only public API is used, so the script runs
on any version of the package.
"""

from __future__ import annotations

import importlib.util
import sys
import warnings
from pathlib import Path

import plategraph
from plategraph import json_graph

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = {
    "default": {},
    "math": {"labels": "math", "distributions": True},
    "lr_data": {"rankdir": "LR", "data": True, "params": True},
    "uncollapsed": {"collapse": False, "deterministic": False},
}
PAPER = {
    "paper": {"theme": "paper", "width": "3.3in", "distributions": True},
    "paper_plain": {"theme": "paper", "labels": "plain"},
}


def gallery_models():
    for path in sorted((ROOT / "gallery").glob("*.py")):
        if path.name.startswith("_"):
            continue
        spec = importlib.util.spec_from_file_location(f"snapshot_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        sys.path.insert(0, str(path.parent))
        spec.loader.exec_module(module)
        for name, (args, kwargs) in module.examples().items():
            yield f"{path.stem}__{name}", getattr(module, name), args, kwargs


def realworld_models():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import realworld

    for ident, fn, args, kwargs in realworld.iter_models():
        yield "realworld_" + ident.replace(":", "__"), fn, args, kwargs


def snapshot(out: Path, ident: str, model, args, kwargs, *, figures: bool) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        graph = plategraph.model_graph(model, *args, **kwargs)
        files = {"graph.json": json_graph.to_json(graph).encode()}
        for name, options in NOTEBOOK.items():
            diagram = plategraph.draw(graph, **options)
            files[f"{name}.dot"] = diagram.pipe("dot")
            if figures:
                files[f"{name}.svg"] = diagram.pipe("svg")
        if figures:
            for name, options in PAPER.items():
                diagram = plategraph.draw(graph, **options)
                for fmt in ("pdf", "svg", "tex"):
                    files[f"{name}.{fmt}"] = diagram.pipe(fmt)
            files["to_tikz.tex"] = plategraph.to_tikz(graph).encode()
    files["warnings.txt"] = "".join(f"{w.category.__name__}: {w.message}\n"
                                    for w in caught).encode()
    folder = out / ident
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)


def main(argv: list[str]) -> int:
    out = Path(argv[1])
    for ident, model, args, kwargs in gallery_models():
        snapshot(out, ident, model, args, kwargs, figures=True)
    for ident, model, args, kwargs in realworld_models():
        snapshot(out, ident, model, args, kwargs, figures=False)
    print(f"{sum(1 for _ in out.rglob('*.*'))} files in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
