"""Imported by the gallery's fork server (``pool.PRELOAD``) after the modules it preloads: warms
the server with a representative render, so each fresh worker forked from it starts where a
warm process would be instead of paying again for every first time (about 0.5–1 s of CPU a
model, several times a model's own work).

What a worker's first model costs that its second does not, and what is done here once:

- matplotlib: the paper figure's fonts, mathtext parser and PDF/SVG writers (``paper.warm_up``,
  in the paper theme's settings), and mathtext's fonts in matplotlib's default settings, which
  the figure's distribution labels are checked in (a dozen font look-ups, a few ms each);
- the notebook and paper diagrams, their TikZ and the card's facts of a small model with a
  plate, drawn through every step the gallery's workers take (graphviz's run included);
- the specification's named constants (SymPy evaluates a few hundred once per process);
- JAX's and NumPyro's tracing of common distributions and operations, staged only
  (``jax.make_jaxpr`` of abstract values), and JAX's search for backend plugins, which it
  otherwise repeats in each worker before starting the backend (60 ms).

Nothing here starts JAX's XLA backend: it starts threads, and a process forked from one that
has threads may deadlock (``tests/app/test_pool.py`` checks it stays off). The server runs no
model code; everything here is plategraph's own. ``gc.freeze`` at the end moves what the server
holds out of the collector's reach, so a worker's collections do not touch (and copy) its pages.
"""

from __future__ import annotations

import gc
import warnings


def _notebook_and_paper() -> None:
    """A hand-made model graph (no trace: that would start the XLA backend) drawn as the
    gallery's workers draw a model: notebook SVG and PNG, paper SVG, PDF and TikZ, facts."""
    import networkx as nx

    from ..layout.options import DrawOptions
    from .diagram import Diagram
    from .jobs import paper_options
    from .page import model_facts

    graph = nx.DiGraph(name="warm_up", plates={"J": {"size": 8, "subsample_size": None,
                                                     "dim": -1}})
    site = {"shape": (), "event_shape": (), "discrete": False, "gated_by": (), "source": "",
            "infer": {}, "constraint": None, "param_sources": {}, "data_args": {},
            "base_distribution": None, "transforms": (), "sized_by": None}
    graph.add_node("mu", **site, kind="latent", plates=(), distribution="Normal",
                   distribution_class="Normal", dist_args=(("loc", "0"), ("scale", "5")))
    graph.add_node("tau", **site, kind="latent", plates=(), distribution="HalfCauchy",
                   distribution_class="HalfCauchy", dist_args=(("scale", "5"),))
    graph.add_node("theta", **{**site, "shape": (8,), "param_sources": {
        "loc": "mu", "scale": "tau"}}, kind="latent", plates=("J",), distribution="Normal",
        distribution_class="Normal", dist_args=(("loc", None), ("scale", None)))
    graph.add_node("obs", **{**site, "shape": (8,), "data_args": {"obs": ("y",)}},
                   kind="observed", plates=("J",), distribution="Normal",
                   distribution_class="Normal", dist_args=(("loc", None), ("scale", "1")))
    graph.add_edge("mu", "theta", kind="data", params=("loc",))
    graph.add_edge("tau", "theta", kind="data", params=("scale",))
    graph.add_edge("theta", "obs", kind="data", params=("loc",))
    Diagram.of(graph, DrawOptions()).pipe_many(["svg", "png"])
    Diagram.of(graph, paper_options(DrawOptions())).pipe_many(["svg", "pdf", "tex"])
    model_facts(graph)


def _mathtext() -> None:
    """mathtext's default fonts (the labels' check that matplotlib reads their math)."""
    from matplotlib.mathtext import MathTextParser

    parser = MathTextParser("path")
    for text in (r"$\mu_{j} + \tau \cdot \theta_{j}$", r"$\sigma^{2}$",
                 r"$\mathrm{Normal}(\alpha, \beta)$", r"$\exp(a_{c_{h}}) / \sqrt{x}$"):
        parser.parse(text)


def _spec_constants() -> None:
    from ..spec.numbers import number

    number(0.5)  # fills the table of named constants


def _staged_model() -> None:
    """NumPyro's sampling and common distributions traced to a jaxpr, nothing computed."""
    import jax
    import jax.numpy as jnp
    import numpy as np
    import numpyro
    import numpyro.distributions as dist
    from numpyro import handlers

    def model(x: jax.Array, y: jax.Array) -> None:
        mu = numpyro.sample("mu", dist.Normal(0.0, 5.0))
        tau = numpyro.sample("tau", dist.HalfCauchy(5.0))
        p = numpyro.sample("p", dist.Beta(2.0, 2.0))
        with numpyro.plate("J", x.shape[0]):
            theta = numpyro.sample("theta", dist.Normal(mu, tau))
            k = numpyro.sample("k", dist.Bernoulli(p))
            numpyro.deterministic("eta", jnp.where(k > 0, theta * x, jnp.exp(theta)))
            numpyro.sample("obs", dist.Normal(theta * x, 1.0), obs=y)

    def run(key: jax.Array, x: jax.Array, y: jax.Array) -> jax.Array:
        trace = handlers.trace(handlers.seed(model, key)).get_trace(x, y)
        return sum(site["fn"].log_prob(site["value"]).sum() for site in trace.values()
                   if site["type"] == "sample")

    abstract = jax.ShapeDtypeStruct((8,), np.float32)
    jax.make_jaxpr(run)(jax.ShapeDtypeStruct((2,), np.uint32), abstract, abstract)


def _jax_plugins() -> None:
    from ..tracing._jax import register_backend_plugins

    register_backend_plugins()


def warm() -> list[str]:
    """Every warm-up step; the names of those that failed (skipped: the worker's own render
    reports any error where it happens)."""
    from ..export import paper

    failed = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # said by the worker that draws, not here
        # paper.warm_up last: it forgets whether the default font is installed, so that each
        # worker decides (and warns) for itself
        for step in (_mathtext, _notebook_and_paper, _spec_constants, _staged_model,
                     _jax_plugins, paper.warm_up):
            try:
                step()
            except Exception:  # noqa: BLE001 - a warm-up only
                failed.append(step.__name__)
    gc.collect()
    gc.freeze()
    return failed


FAILED = warm()  # tests/app/test_pool.py checks that none did
