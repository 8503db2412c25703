"""Distribution labels that write a computed parameter out from the model's specification:
the paper figure (pdftotext), the TikZ (pdflatex), the notebook SVG, the length limit, the
options that force either way, and SymPy imported only when asked."""

from __future__ import annotations

import re
import subprocess
import sys

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import pytest
from support import load_example

import plategraph
from plategraph.exceptions import OptionError
from plategraph.layout.options import DrawOptions
from plategraph.spec.labels import EXPRESSION_LIMIT, expression_labels


def radon() -> object:
    model, args, kwargs = load_example("radon:model")
    return plategraph.model_graph(model, *args, **kwargs)


def long_one(x):
    a = numpyro.sample("a", dist.Normal(0.0, 1.0))
    b = numpyro.sample("b", dist.Normal(0.0, 1.0))
    with numpyro.plate("n", x.shape[0]):
        numpyro.sample("y", dist.Normal(a * x + b * x ** 2 + jnp.exp(a) * jnp.tanh(x), 1.0))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(pdf) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.dot
def test_radons_paper_figure_lists_the_intercept_by_county(tmp_path):
    pdf = plategraph.draw(radon(), theme="paper", distributions=True).save(tmp_path / "r.pdf")
    text = squeeze(pdf_text(pdf))
    # b · floor with subscript h, plus a with subscript county_h: subscripts read back inline
    assert "log_radon∼Normal(b⋅floorh+acountyh,σy)" in text
    assert "f(" not in text


@pytest.mark.dot
@pytest.mark.latex
def test_radons_tikz_compiles_with_the_expression(tmp_path):
    tex = plategraph.to_tikz(radon(), standalone=True, distributions=True)
    assert r"\mathrm{Normal}(b \cdot \mathrm{floor}_{h} + a_{\mathrm{county}_{h}}" in tex
    (tmp_path / "r.tex").write_text(tex)
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "r.tex"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]
    text = squeeze(pdf_text(tmp_path / "r.pdf"))
    # pdftotext reads the second-level subscript h apart from the line, if at all
    assert "log_radon∼Normal(b·floorh+acounty" in text and "f(" not in text


@pytest.mark.dot
def test_the_notebook_label_writes_it_and_never_forces_f():
    g = radon()
    svg = plategraph.draw(g, distributions=True).pipe("svg").decode()
    assert "log_radon ~ Normal(b*floor[h] + a[county[h]], sigma_y)" in svg
    never = plategraph.draw(g, distributions=True, expressions="never").source
    assert "Normal(f(a, b, county, floor), sigma_y)" in never
    math = plategraph.draw(g, distributions=True, labels="math").source
    assert "Normal(b*floor[h&#93; + a[county[h&#93;&#93;, σ" in math


def test_a_long_expression_is_f_unless_always():
    x = np.linspace(0, 1, 5, dtype=np.float32)
    g = plategraph.model_graph(long_one, x)
    printed = plategraph.model_spec(g).to_text()
    assert "tanh" in printed and len(printed.split("~ Normal(")[-1]) > EXPRESSION_LIMIT
    assert "Normal(f(a, b, x), 1)" in plategraph.draw(g, distributions=True).source
    always = plategraph.draw(g, distributions=True, expressions="always").source
    assert "tanh(x[n&#93;)" in always and "f(" not in always
    assert "loc" not in expression_labels(g)["y"]  # the limit, not the drawing, leaves it out


def test_a_parameter_mathtext_or_plain_latex_cannot_set_is_f_there():
    from plategraph.spec.labels import _parses, _plain_latex

    # the TikZ needs only tikz: no amsmath (a where's cases), logit upright as \mathrm
    assert _plain_latex(r"\operatorname{logit}\left(x_{n}\right)") == \
        r"\mathrm{logit}(x_{n})"
    assert _plain_latex(r"\begin{cases} a & \text{for}\: x > 0 \end{cases}") is None
    # a superscript or a sum's limits would be below 7 pt in a paper's list
    assert _plain_latex(r"e^{b}") is None and _plain_latex(r"\sum_{k=1}^{3} x_{k}") is None
    assert _plain_latex(r"\beta_{p_{i}, c_{j}}") is None  # c's j: two sizes down, alone
    kept = r"a_{\mathrm{county}_{h}} + X_{n, k}"
    assert _plain_latex(kept) == kept

    assert _parses(r"\operatorname{logit}^{-1}\left(\alpha + \sum_{k=1}^{3} X_{n, k}\right)")
    assert not _parses(r"\begin{cases} a \end{cases}")


def test_expressions_is_checked_and_named():
    with pytest.raises(OptionError, match="expressions must be one of auto, always, never"):
        DrawOptions(expressions="sometimes")


def test_draw_imports_sympy_only_when_it_writes_expressions():
    script = ("import sys, plategraph\n"
              "sys.path.insert(0, 'gallery')\n"
              "import radon\n"
              "args, kwargs = radon.examples()['model']\n"
              "g = plategraph.model_graph(radon.model, *args, **kwargs)\n"
              "plategraph.draw(g).source\n"
              "plategraph.draw(g, distributions=False, expressions='always').source\n"
              "plategraph.draw(g, distributions=True, expressions='never').source\n"
              "print('sympy' in sys.modules)\n"
              "plategraph.draw(g, distributions=True).source\n"
              "print('sympy' in sys.modules)\n")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=180, check=True)
    assert run.stdout.split() == ["False", "True"]
