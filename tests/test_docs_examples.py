"""Every ```python example of the documentation (docs/*.md and README.md) runs: each file's
examples in order, in one namespace, in a fresh folder. A reference page's examples may use the
names the pages introduce (a graph ``g`` of eight schools, a regression ``model`` with data
``x`` and ``y``); the getting-started examples make everything they use."""

from __future__ import annotations

import re
from pathlib import Path

import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist
import pytest
from support import ROOT, load_example

import plategraph

pytestmark = pytest.mark.dot

FENCE = re.compile(r"^```python[^\n]*\n(.*?)^```\s*$", re.DOTALL | re.MULTILINE)
PAGES = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
# pages whose examples stand alone: they must not lean on the names given below
STANDALONE = {"getting-started.md", "README.md"}


def examples(page: Path) -> list[tuple[int, str]]:
    """The page's ```python blocks with the line each starts on."""
    text = page.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start(1)) + 1, m[1]) for m in FENCE.finditer(text)]


def regression(x, y=None):
    w = numpyro.sample("w", dist.Normal(0.0, 1.0))
    with numpyro.plate("N", x.shape[0]):
        numpyro.sample("obs", dist.Normal(w * x, 1.0), obs=y)


def names() -> dict[str, object]:
    """What a reference page's examples may use without making it."""
    eight_schools, (J, sigma), kwargs = load_example("eight_schools:centered")
    return {"plategraph": plategraph, "Path": Path, "numpyro": numpyro, "dist": dist,
            "eight_schools": eight_schools, "J": J, "sigma": sigma, "y": kwargs["y"],
            "x": jnp.arange(8.0), "model": regression,
            "g": plategraph.model_graph(eight_schools, J, sigma, **kwargs)}


def test_the_pages_have_examples():
    counted = {page.name: len(examples(page)) for page in PAGES}
    assert counted["getting-started.md"] >= 1 and counted["tracing.md"] >= 3
    assert sum(counted.values()) >= 15


@pytest.mark.parametrize("page", [p for p in PAGES if examples(p)], ids=lambda p: p.name)
def test_every_example_of_the_page_runs(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {} if page.name in STANDALONE else names()
    for line, code in examples(page):
        exec(compile("\n" * (line - 1) + code, str(page), "exec"), namespace)  # noqa: S102
