"""Property test: a random model's traced graph is exactly the structure it was built from."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import plategraph

KINDS = ("latent", "observed", "deterministic")
COMBINERS = ("sum", "where", "jit", "cond", "softplus")


@jax.jit
def _jit_sum(values):
    return sum(values)


def combine(how: str, values: list) -> jnp.ndarray:
    """Mix the parents' values so that each of them really flows into the result."""
    if not values:
        return jnp.array(0.0)
    total = sum(values)
    if how == "where":
        return jnp.where(values[0] > 0, total, total * 2.0)
    if how == "jit":
        return _jit_sum(tuple(values))
    if how == "cond":
        first, rest = values[0], total
        pred = jnp.sum(first) > 0  # lax.cond wants a scalar predicate
        return jax.lax.cond(pred, lambda a, b: a + b, lambda a, b: b - a, first, rest)
    if how == "softplus":
        return jax.nn.softplus(total)
    return total


@st.composite
def model_specs(draw):
    n = draw(st.integers(2, 7))
    sites = []
    for i in range(n):
        parents = draw(st.lists(st.sampled_from(range(i)), unique=True, max_size=3)) if i else []
        sites.append({
            "name": f"s{i}",
            "kind": "latent" if i == 0 else draw(st.sampled_from(KINDS)),
            "parents": sorted(parents),
            "in_plate": draw(st.booleans()),
            "how": draw(st.sampled_from(COMBINERS)),
        })
    return sites


def build(spec):
    def model():
        values = {}
        for site in spec:
            args = []
            for p in site["parents"]:
                v = values[p]
                # a plated value reaches an unplated site through a reduction
                args.append(v if site["in_plate"] else jnp.sum(v))
            loc = combine(site["how"], args)
            plate = numpyro.plate("N", 3) if site["in_plate"] else None
            if plate is not None:
                plate.__enter__()
            try:
                if site["kind"] == "deterministic":
                    val = numpyro.deterministic(site["name"], loc * 1.5)
                else:
                    obs = jnp.zeros(3) if site["kind"] == "observed" and site["in_plate"] else (
                        jnp.array(0.0) if site["kind"] == "observed" else None)
                    val = numpyro.sample(site["name"], dist.Normal(loc, 1.0), obs=obs)
            finally:
                if plate is not None:
                    plate.__exit__(None, None, None)
            values[spec.index(site)] = val

    return model


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model_specs())
def test_traced_structure_is_the_generated_structure(spec):
    g = plategraph.model_graph(build(spec))
    assert list(g.nodes) == [s["name"] for s in spec]
    expected_edges = {(f"s{p}", s["name"]) for s in spec for p in s["parents"]}
    assert set(g.edges) == expected_edges
    for site in spec:
        node = g.nodes[site["name"]]
        assert node["kind"] == site["kind"]
        assert node["plates"] == (("N",) if site["in_plate"] else ())
        assert node["gated_by"] == ()
    # invariants of the contract
    order = {n: i for i, n in enumerate(g.nodes)}
    for a, b, data in g.edges(data=True):
        assert order[a] < order[b]
        assert data["kind"] == "data" and data["params"]
    for _, plates in g.nodes(data="plates"):
        assert set(plates) <= set(g.graph["plates"])
