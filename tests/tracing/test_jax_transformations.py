"""JAX transformations whose private form differs between JAX releases (closed jaxprs, scan's
operands, call primitives): each carries provenance per output, on every supported JAX (these
tests run in each JAX test environment, see ci/jax-tests.txt)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist
import pytest

import plategraph


def two_latents():
    return numpyro.sample("a", dist.Normal()), numpyro.sample("b", dist.Normal())


def vector_and_latent():
    a = numpyro.sample("a", dist.Normal(jnp.zeros(3), 1).to_event(1))
    return a, numpyro.sample("b", dist.Normal())


def checkpoint():
    u, v = jax.checkpoint(lambda a, b: (jnp.sin(a), b * 2))(*two_latents())
    numpyro.sample("x", dist.Normal(u, 1))
    numpyro.sample("y", dist.Normal(v, 1))


def switch():
    k = numpyro.sample("k", dist.Categorical(jnp.ones(3) / 3))
    u = jax.lax.switch(k, [lambda a, b: a, lambda a, b: b, lambda a, b: 0.0], *two_latents())
    numpyro.sample("x", dist.Normal(u, 1))


def fori_loop():
    u, v = jax.lax.fori_loop(0, 3, lambda i, c: (c[0] * 2, c[1] + 1.0), two_latents())
    numpyro.sample("x", dist.Normal(u, 1))
    numpyro.sample("y", dist.Normal(v, 1))


def lax_map():
    a, b = vector_and_latent()
    numpyro.sample("x", dist.Normal(jax.lax.map(lambda v: v * b, a), 1).to_event(1))


def linear_solve():
    a, b = vector_and_latent()
    x = jnp.linalg.solve(jnp.eye(3) * (2.0 + b**2), a)
    numpyro.sample("x", dist.Normal(x, 1).to_event(1))


def cumsum_and_sort():
    a, b = vector_and_latent()
    numpyro.sample("x", dist.Normal(jnp.cumsum(a), 1).to_event(1))
    numpyro.sample("y", dist.Normal(jnp.sort(a * b)[0], 1))


def vmap_of_cond():
    a, b = vector_and_latent()
    x = jax.vmap(lambda v: jax.lax.cond(v > 0, lambda: v, lambda: b))(a)
    numpyro.sample("x", dist.Normal(x, 1).to_event(1))


@jax.custom_vjp
def _double_first(x, y):
    return x * 2, y


_double_first.defvjp(lambda x, y: (_double_first(x, y), None), lambda _, g: g)


def custom_vjp_two_outputs():
    u, v = _double_first(*two_latents())
    numpyro.sample("x", dist.Normal(u, 1))
    numpyro.sample("y", dist.Normal(v, 1))


def pure_callback():
    a, _ = two_latents()
    u = jax.pure_callback(lambda x: x * 2, jax.ShapeDtypeStruct((), jnp.float32), a)
    numpyro.sample("x", dist.Normal(u, 1))


@jax.jit
def _scan_in_jit(a, b):
    return jax.lax.scan(lambda c, x: (c + x, c * b), a, jnp.arange(3.0))


def scan_inside_jit():
    c, ys = _scan_in_jit(*two_latents())
    numpyro.sample("x", dist.Normal(c, 1))
    numpyro.sample("y", dist.Normal(ys, 1).to_event(1))


CASES = {
    checkpoint: "a -> x, b -> y",
    switch: "a -> x, b -> x, k -> x",  # every branch counts, and the index chose
    fori_loop: "a -> x, b -> y",
    lax_map: "a -> x, b -> x",
    linear_solve: "a -> x, b -> x",
    cumsum_and_sort: "a -> x, a -> y, b -> y",
    vmap_of_cond: "a -> x, b -> x",
    custom_vjp_two_outputs: "a -> x, b -> y",
    pure_callback: "a -> x",
    scan_inside_jit: "a -> x, a -> y, b -> y",  # ys read the carry, which starts at a
}


@pytest.mark.parametrize("model", CASES, ids=lambda model: model.__name__)
def test_each_output_depends_on_exactly_its_inputs(model):
    g = plategraph.model_graph(model)
    expected = {tuple(edge.split(" -> ")) for edge in CASES[model].split(", ")}
    assert {(a, b) for a, b in g.edges} == expected
    assert {d["kind"] for _, _, d in g.edges(data=True)} == {"data"}
