"""Distribution labels that write a computed parameter out from the model's specification:
the paper figure (pdftotext), the TikZ (pdflatex), the notebook SVG, the length limit, the
options that force either way, and SymPy imported only when asked."""

from __future__ import annotations

import re
import subprocess

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import pytest
from support import load_example, outputs_in_fresh_processes

import plategraph
from plategraph.exceptions import OptionError
from plategraph.export.paper import figure_spec
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


def poisson(x, counts=None):
    alpha = numpyro.sample("alpha", dist.Normal(0.0, 2.0))
    beta = numpyro.sample("beta", dist.Normal(0.0, 1.0))
    with numpyro.plate("N", x.shape[0]):
        numpyro.sample("counts", dist.Poisson(jnp.exp(alpha + beta * x)), obs=counts)


def crossed(X, student, item, y=None):
    mu = numpyro.sample("mu", dist.Normal(0.0, 2.5))
    sigma_a = numpyro.sample("sigma_a", dist.HalfNormal(1.0))
    with numpyro.plate("features", X.shape[1]):
        beta = numpyro.sample("beta", dist.Normal(0.0, 1.0))
    with numpyro.plate("students", 5):
        a = numpyro.sample("a", dist.Normal(0.0, sigma_a))
    with numpyro.plate("items", 4):
        b = numpyro.sample("b", dist.Normal(0.0, 1.0))
    with numpyro.plate("responses", X.shape[0]):
        numpyro.sample("y", dist.Bernoulli(logits=mu + X @ beta + a[student] + b[item]), obs=y)


def poisson_graph():
    x = np.linspace(-1, 1, 6, dtype=np.float32)
    return plategraph.model_graph(poisson, x, counts=np.arange(6))


def gallery_graph(ident: str):
    model, args, kwargs = load_example(ident)
    return plategraph.model_graph(model, *args, **kwargs)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(pdf) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.dot
def test_radons_paper_figure_lists_the_intercept_by_county(tmp_path):
    pdf = plategraph.draw(radon(), theme="paper", distributions=True).save(tmp_path / "r.pdf")
    text = squeeze(pdf_text(pdf))
    # a with subscript county_h, plus b · floor with subscript h: subscripts read back inline
    assert "log_radon∼Normal(acountyh+b⋅floorh,σy)" in text
    assert "f(" not in text


@pytest.mark.dot
@pytest.mark.latex
def test_radons_tikz_compiles_with_the_expression(tmp_path):
    tex = plategraph.to_tikz(radon(), standalone=True, distributions=True)
    assert r"\mathrm{Normal}(a_{\mathrm{county}_{h}} + b \cdot \mathrm{floor}_{h}" in tex
    (tmp_path / "r.tex").write_text(tex)
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "r.tex"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]
    text = squeeze(pdf_text(tmp_path / "r.pdf"))
    # pdftotext reads the second-level subscript h apart from the line, if at all
    assert "log_radon∼Normal(acounty" in text and "b·floorh,σy)" in text
    assert "f(" not in text


@pytest.mark.dot
def test_the_notebook_label_writes_it_and_never_forces_f():
    g = radon()
    svg = plategraph.draw(g, distributions=True).pipe("svg").decode()
    assert "log_radon ~ Normal(a[county[h]] + b*floor[h], sigma_y)" in svg
    never = plategraph.draw(g, distributions=True, expressions="never").source
    assert "Normal(f(a, b, county, floor), sigma_y)" in never


SUB = '<SUB><FONT POINT-SIZE="9">{}</FONT></SUB>'


@pytest.mark.parametrize(("graph", "site", "plain", "math"), [
    # an index as a subscript, an index of an index in brackets on its line (α_{j[i]})
    (radon, "log_radon", "a[county[h&#93;&#93; + b*floor[h&#93;",
     "a" + SUB.format("county[h&#93;") + " + b·floor" + SUB.format("h")),
    # sigma_y, theta_raw: the figure's one subscript rule, an index joining the name's own
    (lambda: gallery_graph("eight_schools:non_centered"), "theta", "mu + tau*theta_raw[j&#93;",
     "μ + τ·θ" + SUB.format("raw,j")),
    (lambda: gallery_graph("logistic_regression:model"), "y",
     "logit⁻¹(alpha + Σ_k X[n, k&#93;*beta[k&#93;)",
     "logit⁻¹(α + Σ" + SUB.format("k") + " X" + SUB.format("n,k") + "·β" + SUB.format("k")
     + ")"),
], ids=["radon", "eight_schools", "logistic_regression"])
def test_a_notebook_label_writes_its_expression_as_it_writes_names(graph, site, plain, math):
    g = graph()
    plain_label = plategraph.draw(g, distributions=True).source
    math_label = plategraph.draw(g, distributions=True, labels="math").source
    assert plain in plain_label and math in math_label
    # the rest of the label in the same style: as written, or Greek with subscripts
    assert "σ" not in plain_label and "<SUB>" not in plain_label
    labels = " ".join(re.findall(r"label=<(.*?)> tooltip", math_label))
    assert "~" in labels and "[" not in labels.replace("county[h&#93;", "")


@pytest.mark.dot
def test_the_crossed_regressions_notebook_label_forced_writes_it_in_one_style():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(10, 2)).astype(np.float32)
    g = plategraph.model_graph(crossed, X, rng.integers(0, 5, 10), rng.integers(0, 4, 10),
                               y=rng.integers(0, 2, 10).astype(np.float32))
    assert "f(μ, β, a, b, X, student, item)" in plategraph.draw(
        g, distributions=True, labels="math").source  # too long for a node
    source = plategraph.draw(g, distributions=True, labels="math", expressions="always").source
    assert ("logit⁻¹(μ + a" + SUB.format("student[r&#93;") + " + b" + SUB.format("item[r&#93;")
            + " + Σ" + SUB.format("k") + " X" + SUB.format("r,k") + "·β" + SUB.format("k")
            + ")") in source
    svg = plategraph.draw(g, distributions=True, labels="math", expressions="always").pipe(
        "svg").decode()
    assert "student[r]" in svg and "baseline-shift" in svg


@pytest.mark.dot
@pytest.mark.latex
@pytest.mark.parametrize(("graph", "tex", "read"), [
    # exp(b) at the text's size, not e with a superscript set below 7 pt
    (poisson_graph, r"\mathrm{Poisson}(\exp(\alpha + \beta x_{n}))", "Poisson(exp(α+βxn))"),
    # logit⁻¹ as invlogit, the sum's index beside its sign
    (lambda: gallery_graph("logistic_regression:model"),
     r"\mathrm{Bernoulli}(\mathrm{invlogit}(\alpha + {\smash{\sum}}_{k} \, X_{n, k} \beta_{k}))",
     "Bernoulli(invlogit(α+"),
], ids=["exp", "sum"])
def test_exp_and_sums_are_written_out_in_the_paper_list_and_the_tikz(graph, tex, read,
                                                                     tmp_path):
    g = graph()
    pdf = plategraph.draw(g, theme="paper", distributions=True).save(tmp_path / "p.pdf")
    text = squeeze(pdf_text(pdf))
    assert read in text and "f(" not in text
    tikz = plategraph.to_tikz(g, standalone=True, distributions=True)
    assert tex in tikz
    (tmp_path / "t.tex").write_text(tikz)
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "t.tex"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]
    assert read in squeeze(pdf_text(tmp_path / "t.pdf"))


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
    assert _plain_latex(r"{\sum}_{k} x_{k}") == r"{\sum}_{k} x_{k}"  # its index beside it
    assert _plain_latex(r"\beta_{p_{i}, c_{j}}") is None  # c's j: two sizes down, alone
    kept = r"a_{\mathrm{county}_{h}} + X_{n, k}"
    assert _plain_latex(kept) == kept

    assert _parses(r"\operatorname{logit}^{-1}\left(\alpha + \sum_{k=1}^{3} X_{n, k}\right)")
    assert _parses(r"\mathrm{invlogit}(\exp(a) + {\sum}_{k} X_{n, k})")
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
    (out,) = outputs_in_fresh_processes(script, seeds=(0,))
    assert out.decode().split() == ["False", "True"]


def test_a_paper_figure_imports_sympy_only_when_a_label_may_write_a_computed_parameter():
    # every parameter of the unrolled model is a site or a constant; the sum over the collapsed
    # chain reads sites the figure hides, so it is f(x_j) whatever it sums: neither needs the
    # expressions, and SymPy stays out. Drawn site by site, the chain's sum is written out.
    script = ("import sys, warnings, plategraph\n"
              "warnings.simplefilter('ignore')\n"
              "from bench_draw import chain_into_plate, unrolled_hierarchical\n"
              "from plategraph.export.paper import figure_spec\n"
              "import jax.numpy as jnp\n"
              "g = plategraph.model_graph(unrolled_hierarchical, 20, jnp.zeros(20))\n"
              "for collapse in (True, False):\n"
              "    plategraph.draw(g, theme='paper', distributions=True, collapse=collapse)"
              ".pipe('pdf')\n"
              "g = plategraph.model_graph(chain_into_plate, 5, jnp.zeros(4))\n"
              "d = plategraph.draw(g, theme='paper', distributions=True)\n"
              "d.pipe('pdf')\n"
              "print('sympy' in sys.modules)\n"
              "print([t.text for t in figure_spec(d.layout).texts if t.text.startswith('obs$')])\n"
              "d = plategraph.draw(g, theme='paper', distributions=True, collapse=False)\n"
              "d.pipe('pdf')\n"
              "print('sympy' in sys.modules)\n"
              "print([t.text for t in figure_spec(d.layout).texts if t.text.startswith('obs$')])\n")
    (out,) = outputs_in_fresh_processes(script, seeds=(0,))
    assert out.decode().splitlines() == [
        "False", r"['obs$\\;\\sim\\;$Normal($f$($x_{j}$), 1)']",
        "True", r"['obs$\\;\\sim\\;$Normal($x_{0} + x_{1} + x_{2} + x_{3} + x_{4}$, 1)']"]


def doubled(x):
    with numpyro.plate("n", x.shape[0]):
        numpyro.sample("y", dist.Normal(2 * x, 1.0))


def test_a_parameter_computed_from_data_alone_is_written_in_the_paper_figure():
    g = plategraph.model_graph(doubled, jnp.arange(3.0))
    for collapse in (True, False):
        lay = plategraph.draw(g, theme="paper", distributions=True, collapse=collapse).layout
        assert [t.text for t in figure_spec(lay).texts if t.role == "distribution"] == \
            [r"$y\;\sim\;$Normal($2 x_{n}$, 1)"]
