"""Display text: site names plain and mathematical, plate labels, distributions with parents."""

from __future__ import annotations

import pytest
from support import load_example

import plategraph
from plategraph.layout.computed import computed_params, reads_expressions
from plategraph.layout.labels import (
    combined_plate_label,
    distribution_label,
    name_label,
    plate_label,
    previous_label,
)
from plategraph.tracing.records import Edge, Site


def sub(text: str) -> str:
    """A subscript in graphviz's HTML-like labels: smaller and lowered, whatever its letters."""
    return f'<SUB><FONT POINT-SIZE="9">{text}</FONT></SUB>'


@pytest.mark.parametrize(("name", "expected"), [
    ("sigma_a", "σ" + sub("a")),
    ("mu", "μ"),
    ("Sigma", "Σ"),
    ("lambda", "λ"),
    ("theta_mu", 'θ<SUB><FONT POINT-SIZE="9">μ</FONT></SUB>'),
    ("mu_a_b", 'μ<SUB><FONT POINT-SIZE="9">a,b</FONT></SUB>'),
    ("beta_income", 'β<SUB><FONT POINT-SIZE="9">income</FONT></SUB>'),
    ("x_0", "x" + sub("0")),
    ("y_12", "y" + sub("12")),
    ("σ_level", "σ" + sub("level")),
    ("σ_student", "σ" + sub("student")),
    # words stay words: a subscript needs a symbol (a letter) before it, whatever follows
    ("obs_j", "obs_j"),
    ("split_r", "split_r"),
    ("split_rL", "split_rL"),
    ("src_np", "src_np"),
    ("src_jax", "src_jax"),
    ("x__a", "x__a"),
    ("sum_to_zero", "sum_to_zero"),
    ("log_sigma", "log_sigma"),
    ("early_rate", "early_rate"),
    ("alphabet", "alphabet"),
    ("_private", "_private"),
    ("a_", "a_"),
    # markup in names is text
    ("x<1>", "x&lt;1&gt;"),
    ("mu_<b>", "mu_&lt;b&gt;"),
])
def test_math_names(name, expected):
    assert name_label(name, math=True) == expected


@pytest.mark.parametrize("name", ["sigma_a", "mu", "x_0", "a<b>&c"])
def test_plain_names_are_the_names(name):
    assert name_label(name, math=False) == name.replace("&", "&amp;").replace("<", "&lt;") \
        .replace(">", "&gt;")


@pytest.mark.parametrize(("name", "record", "expected"), [
    ("N", {"size": 1000, "subsample_size": None, "dim": -1}, "N = 1000"),
    ("N", {"size": 1000, "subsample_size": 100, "dim": -1}, "N = 1000 (batch 100)"),
    ("N", {"size": 50, "subsample_size": 50, "dim": -1}, "N = 50"),
    ("time", {"size": 12, "subsample_size": None, "dim": None}, "time = 12"),
    ("a<b", {"size": 2}, "a&lt;b = 2"),
])
def test_plate_labels(name, record, expected):
    assert plate_label(name, record) == expected


def test_crossed_plates_are_labelled_with_both():
    assert combined_plate_label(["users", "items"], [{"size": 50}, {"size": 20}]) == (
        "users = 50 × items = 20")


def hierarchical(make_graph):
    return make_graph(
        [Site("mu_a", "latent", distribution="Normal", dist_args=(("loc", "0"), ("scale", "10"))),
         Site("sigma_a", "latent", distribution="HalfCauchy", dist_args=(("scale", "5"),)),
         Site("a", "latent", distribution="Normal", dist_args=(("loc", None), ("scale", None))),
         Site("u", "latent", distribution="Normal"),
         Site("y", "observed", distribution="Normal",
              dist_args=(("loc", None), ("scale", "1.5"))),
         Site("m", "deterministic"),
         Site("orphan", "latent", distribution="Gamma",
              dist_args=(("concentration", None), ("rate", "<2>")))],
        [Edge("mu_a", "a", "data", ("loc",)), Edge("sigma_a", "a", "data", ("scale",)),
         Edge("a", "y", "data", ("loc",)), Edge("u", "y", "data", ("loc",)),
         Edge("mu_a", "m", "data", ("value",))],
    )


def test_distributions_show_parents_and_constants(make_graph):
    g = hierarchical(make_graph)
    assert distribution_label(g, "a", math=True) == f"a ~ Normal(μ{sub('a')}, σ{sub('a')})"
    assert distribution_label(g, "a", math=False) == "a ~ Normal(mu_a, sigma_a)"
    assert distribution_label(g, "mu_a", math=True) == f"μ{sub('a')} ~ Normal(0, 10)"
    assert distribution_label(g, "mu_a", math=False) == "mu_a ~ Normal(0, 10)"
    # two parents into one parameter: a function of both; constants as written
    assert distribution_label(g, "y", math=False) == "y ~ Normal(f(a, u), 1.5)"
    # a parameter from parents nobody recorded (… is kept for constants that differ across a
    # loop family), and a constant that needs escaping
    assert distribution_label(g, "orphan", math=False) == "orphan ~ Gamma(?, &lt;2&gt;)"
    # a deterministic site: a function of its parents
    assert distribution_label(g, "m", math=False) == "m = f(mu_a)"
    assert distribution_label(g, "m", math=True, dialect="latex") == "$m = f(\\mu_{a})$"
    # parameters unknown: the distribution alone
    assert distribution_label(g, "u", math=False) == "u ~ Normal"


def traced_like(make_graph):
    """Records as the tracer makes them: ``param_sources`` and ``data_args`` are known."""
    return make_graph(
        [Site("h", "latent", plates=("time",), distribution="Normal",
              dist_args=(("loc", None), ("scale", None)), param_sources=(("scale", "sigma"),)),
         Site("x", "latent", plates=("time",), distribution="Normal",
              dist_args=(("loc", None), ("scale", "1")), param_sources=(("loc", "x"),)),
         Site("r", "observed", plates=("time",), distribution="Normal",
              dist_args=(("loc", "0"), ("scale", None)), param_sources=(),
              data_args=(("obs", ("returns",)),)),
         Site("obs", "observed", distribution="Normal",
              dist_args=(("loc", None), ("scale", None)),
              param_sources=(("loc", "theta"), ("scale", "sigma_y")),
              data_args=(("scale", ("sigma_y",)),)),
         Site("y", "observed", distribution="Normal",
              dist_args=(("loc", None), ("scale", "1")), param_sources=(),
              data_args=(("loc", ("X",)),)),
         Site("c", "latent", distribution="TransformedDistribution", base_distribution="Normal",
              transforms=("Affine", "Exp"), dist_args=(("loc", "0"), ("scale", "3")),
              param_sources=())],
        [Edge("mu", "h", "data", ("loc",)), Edge("h", "h", "data", ("loc",)),
         Edge("sigma", "h", "data", ("scale",)), Edge("x", "x", "data", ("loc",)),
         Edge("h", "r", "data", ("scale",)), Edge("theta", "obs", "data", ("loc",)),
         Edge("w", "y", "data", ("loc",))],
    )


def test_a_parameter_computed_from_one_parent_is_a_function_of_it(make_graph):
    g = traced_like(make_graph)
    assert distribution_label(g, "r", math=False) == "r ~ Normal(0, f(h))"
    # a site's own value one step earlier, among other parents and alone
    assert distribution_label(g, "h", math=False) == "h ~ Normal(f(mu, h[t-1&#93;), sigma)"
    assert distribution_label(g, "h", math=True) == f"h ~ Normal(f(μ, h{sub('t−1')}), σ)"
    assert distribution_label(g, "x", math=False) == "x ~ Normal(x[t-1&#93;, 1)"


def test_data_is_named_by_its_argument(make_graph):
    g = traced_like(make_graph)
    assert distribution_label(g, "obs", math=True) == (
        'obs ~ Normal(θ, σ<SUB><FONT POINT-SIZE="9">y</FONT></SUB>)')
    assert distribution_label(g, "y", math=False) == "y ~ Normal(f(w, X), 1)"


def test_a_transformed_distribution_is_its_transforms_of_its_base(make_graph):
    g = traced_like(make_graph)
    assert distribution_label(g, "c", math=False) == "c ~ Exp(Affine(Normal(0, 3)))"


@pytest.mark.parametrize(("name", "index", "math", "expected"), [
    ("h", "t", False, "h[t-1&#93;"),
    ("h", "t", True, "h" + sub("t−1")),
    ("sigma_a", "t", True, 'σ<SUB><FONT POINT-SIZE="9">a,t−1</FONT></SUB>'),
    ("z_j", "j", True, "z" + sub("j−1")),  # a loop family: the previous member
    ("loc", "t", True, "loc" + sub("t−1")),  # a word steps back in a subscript too
    ("log_h", "t", True, "log_h[t-1&#93;"),  # … when a subscript can follow it
    ("h", "time step", True, "h[time step-1&#93;"),  # no subscript holds that index
    ("z_j", "j", False, "z[j-1&#93;"),
])
def test_previous_step_labels(name, index, math, expected):
    assert previous_label(name, index, math=math) == expected


@pytest.mark.parametrize(("name", "latex", "mathtext"), [
    ("sigma_a", "$\\sigma_{a}$", "$\\sigma_{a}$"),
    ("mu", "$\\mu$", "$\\mu$"),
    ("x_0", "$x_{0}$", "$x_{0}$"),
    ("theta_mu_k", "$\\theta_{\\mu,k}$", "$\\theta_{\\mu,k}$"),
    ("sigma_obs", "$\\sigma_{\\mathrm{obs}}$", "$\\sigma_{\\mathrm{obs}}$"),
    ("obs_j", "$\\textrm{obs{\\ttfamily\\char95}j}$", "obs_j"),
    # an underscore the classic text fonts lack: the typewriter's, which every font encoding has
    ("log_radon", "$\\textrm{log{\\ttfamily\\char95}radon}$", "log_radon"),
    # a dollar is always escaped: matplotlib draws "\\$" as "$" in text without math
    ("a b$", "$\\textrm{a\\ b\\$}$", "a b\\$"),
    ("a$b$c", "$\\textrm{a\\$b\\$c}$", "a\\$b\\$c"),
    ("100%", "$\\textrm{100\\%}$", "100%"),
    ("é", "$\\textrm{\\'{e}}$", "é"),
    ("中", "$\\textrm{[U+4E2D]}$", "中"),
])
def test_latex_and_mathtext_names(name, latex, mathtext):
    assert name_label(name, math=True, dialect="latex") == latex
    assert name_label(name, math=True, dialect="mathtext") == mathtext


def test_mathtext_text_cannot_open_or_escape_math(make_graph):
    g = make_graph([Site("a$b\\", "latent", distribution="Normal", dist_args=(("loc", "-1"),))])
    text = distribution_label(g, "a$b\\", math=True, dialect="mathtext")
    # every literal $ escaped, the backslash before math in the math: exactly two unescaped
    # dollars remain
    assert text == "a\\$b$\\backslash{}\\;\\sim\\;$Normal(\u22121)"
    assert text.replace("\\$", "").count("$") == 2
    assert distribution_label(g, "a$b\\", math=True, dialect="latex") == (
        "$\\textrm{a\\$b{\\ttfamily\\char92}} \\sim \\mathrm{Normal}(-1)$")


def test_the_generative_list_names_hidden_params_and_lists_deterministic_sites():
    model, args, kwargs = load_example("param_weights:model")
    lay = plategraph.layout(plategraph.model_graph(model, *args, **kwargs))
    assert "param" not in dict(lay.graph.nodes(data="kind")).values()  # hidden
    assert distribution_label(lay.graph, "y", math=False) == "y ~ Normal(f(bias, X, w), noise)"
    model, args, kwargs = load_example("eight_schools:non_centered")
    lay = plategraph.layout(plategraph.model_graph(model, *args, **kwargs))
    rows = [distribution_label(lay.graph, n, math=False) for n in lay.graph]
    assert "theta = f(mu, tau, theta_raw)" in rows


def test_only_a_label_writing_a_computed_parameter_reads_expressions(make_graph):
    g = make_graph(
        [Site("b", "latent", distribution="Normal", dist_args=(("loc", "0"), ("scale", "1"))),
         Site("z", "latent", distribution="Normal", dist_args=(("loc", None), ("scale", "1"))),
         Site("y", "observed", distribution="Normal", dist_args=(("loc", None), ("scale", "1")),
              data_args={"loc": ("x",)})],
        [Edge("b", "z", "data", ("loc",)), Edge("b", "y", "data", ("loc",))])
    assert [computed_params(g, n) for n in ("b", "z", "y")] == [[], [], ["loc"]]
    # what it says is what the label writes: a parent's value by name, a computed one f(…)
    assert distribution_label(g, "z", math=False) == "z ~ Normal(b, 1)"
    assert distribution_label(g, "y", math=False) == "y ~ Normal(f(b, x), 1)"
    assert reads_expressions(g, g)  # b, which y's loc reads, is drawn


def test_a_computed_parameter_reading_only_hidden_sites_needs_no_expression(make_graph):
    # y's loc sums a1 and a2, which the drawing shows as one family a_j: an expression
    # naming a hidden site is never written
    normal = (("loc", "0"), ("scale", "1"))
    g = make_graph(
        [Site("a1", "latent", distribution="Normal", dist_args=normal),
         Site("a2", "latent", distribution="Normal", dist_args=normal),
         Site("y", "observed", distribution="Normal", dist_args=(("loc", None), ("scale", "1")))],
        [Edge("a1", "y", "data", ("loc",)), Edge("a2", "y", "data", ("loc",))])
    # (a traced site knows which parameters are a parent's value: none of y's here)
    shown = make_graph(
        [Site("a_j", "latent", distribution="Normal", dist_args=normal),
         Site("y", "observed", distribution="Normal", dist_args=(("loc", None), ("scale", "1")),
              param_sources=())],
        [Edge("a_j", "y", "data", ("loc",))])
    assert computed_params(shown, "y") == ["loc"]
    assert not reads_expressions(g, shown)
    assert reads_expressions(g, g)


def test_a_parameter_computed_from_data_alone_may_be_written(make_graph):
    g = make_graph(
        [Site("y", "observed", distribution="Normal", dist_args=(("loc", None), ("scale", "1")),
              data_args={"loc": ("x", "w")})], [])
    assert computed_params(g, "y") == ["loc"]
    assert reads_expressions(g, g)


def test_a_computed_parameter_given_its_expression_writes_it_where_its_dialect_has_it(
        make_graph):
    g = make_graph(
        [Site("b", "latent", distribution="Normal", dist_args=(("loc", "0"), ("scale", "1"))),
         Site("y", "observed", distribution="Normal", dist_args=(("loc", None), ("scale", "1")),
              data_args={"loc": ("x",)})],
        [Edge("b", "y", "data", ("loc",))])
    assert distribution_label(g, "y", math=False) == "y ~ Normal(f(b, x), 1)"
    g.nodes["y"]["expression_labels"] = {"loc": {"html": "b*x", "latex": r"b \cdot x"}}
    assert distribution_label(g, "y", math=False) == "y ~ Normal(b*x, 1)"
    assert distribution_label(g, "y", math=True, dialect="latex") == \
        r"$y \sim \mathrm{Normal}(b \cdot x, 1)$"
    # no mathtext text (matplotlib could not read it): f(…) in the paper figure only
    assert distribution_label(g, "y", math=True, dialect="mathtext") == \
        r"$y\;\sim\;$Normal($f$($b$, $x$), 1)"
