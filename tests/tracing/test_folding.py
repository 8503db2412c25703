"""Concrete operations under the tracer are computed by NumPy rules: same values and types as
JAX's, and a first trace in a fresh process compiles nothing."""

from __future__ import annotations

import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from support import ROOT, outputs_in_fresh_processes

from plategraph.tracing import _jax

# model arguments are JAX arrays made outside the tracer, as in a user's notebook
X = jnp.asarray(np.linspace(-2.0, 3.0, 12, dtype=np.float32).reshape(3, 4))
IDX = jnp.asarray(np.array([0, 2, -1, 1]))
INTS = jnp.asarray(np.array([-7, 7, -8, 9]))
NANS = jnp.asarray([1.0, np.nan])

EXPRESSIONS = {
    "arithmetic": lambda: X * 2.0 + 1 - X / 3.0,
    "integer division": lambda: INTS // 2,
    "unary": lambda: jnp.exp(jnp.sin(X)) + jnp.sqrt(jnp.abs(X)),
    "softplus (custom_jvp in a jit)": lambda: jax.nn.softplus(X),
    "comparisons and where": lambda: jnp.where(X > 0, X, -1.0),
    "negative index normalised": lambda: X[:, IDX],
    "static indexing": lambda: X[1, 2],
    "arange and linspace": lambda: jnp.arange(5) + jnp.linspace(0.0, 1.0, 5),
    "zeros, ones, full": lambda: jnp.zeros(3) + jnp.ones((2, 3)) * jnp.full(3, 2.5),
    "matmul": lambda: X @ X.T,
    "tile, diag, concatenate": lambda: jnp.concatenate(
        [jnp.tile(jnp.arange(3.0), 2), jnp.diag(jnp.arange(2.0)).ravel()]),
    "reductions": lambda: jnp.stack([jnp.sum(X), jnp.max(X), jnp.mean(X)]),
    "cumulative and transpose": lambda: jnp.transpose(jnp.cumsum(X, axis=1)),
    "weak scalar stays weak": lambda: X[0, 0] * 3 + jnp.arange(2.0)[1],
    "isnan and nan_to_num": lambda: jnp.nan_to_num(NANS) + jnp.isnan(NANS),
    "scatter (.at[].set)": lambda: jnp.zeros(4).at[IDX[:2]].set(5.0),
    "NumPy data made JAX arrays": lambda: (jnp.asarray(np.linspace(0.0, 1.0, 4))
                                           + jnp.asarray(np.arange(4)) + jnp.asarray(2)),
}


@pytest.mark.parametrize("name", EXPRESSIONS)
def test_values_and_types_under_the_tracer_are_those_of_jax(name):
    expression = EXPRESSIONS[name]
    expected = expression()
    got, _trace = _jax.run_with_provenance(lambda trace: expression())
    assert isinstance(got, jax.Array)
    assert got.shape == expected.shape == np.asarray(got).shape
    assert got.dtype == expected.dtype
    assert got.weak_type == expected.weak_type
    np.testing.assert_allclose(np.asarray(got), np.asarray(expected), rtol=1e-6, atol=1e-6)


def test_an_operation_without_inputs_is_made_once_and_kept():
    # a plate's indices are the same array in every run: folded once, then handed out again
    first, _ = _jax.run_with_provenance(lambda trace: jax.lax.iota(np.int32, 7))
    again, _ = _jax.run_with_provenance(lambda trace: jax.lax.iota(np.int32, 7), abstract=True)
    assert again is first
    assert jax.typeof(first) == jax.typeof(jax.lax.iota(np.int32, 7))
    assert first.tolist() == list(range(7))


def test_rules_decline_what_numpy_would_get_wrong():
    # integer division by zero is XLA's business: the rule declines and JAX evaluates it
    got, _ = _jax.run_with_provenance(
        lambda trace: INTS // (INTS * 0))
    expected = INTS // (INTS * 0)
    np.testing.assert_array_equal(np.asarray(got), np.asarray(expected))


# a fresh process's XLA compilations, counted in ``compiled`` (a line of a test's script)
COUNTING = ("from jax._src import compiler; compiled = []; "
            "original = compiler.backend_compile_and_load; "
            "compiler.backend_compile_and_load = "
            "lambda *a, **k: compiled.append(1) or original(*a, **k)")


@pytest.mark.parametrize("ident", ["regression:hierarchical_glm", "gp:hsgp_birthdays",
                                   "timeseries:stochastic_volatility_scan",
                                   "nn:eight_schools_guide"])
def test_a_first_trace_in_a_fresh_process_compiles_nothing(ident):
    script = textwrap.dedent(f"""
        import jax.numpy as jnp
        from realworld import load
        model, args, kwargs = load({ident!r})
        import plategraph
        {COUNTING}
        graph = plategraph.model_graph(model, *args, **kwargs)
        print(len(graph), len(compiled))
    """)
    (out,) = outputs_in_fresh_processes(script, seeds=(0,))
    sites, compiled = map(int, out.split())
    assert sites > 0
    assert compiled == 0, f"{ident}: the first trace compiled {compiled} XLA programs"


@pytest.mark.parametrize("module", ["radon", "stochastic_volatility", "poisson_glm",
                                    "gaussian_mixture", "hmm"])
def test_a_gallery_modules_examples_compile_nothing_and_are_what_it_makes(module):
    """A module's ``examples()`` made as the gallery and ``render`` make them (``examples_of``)
    in a fresh process compile no XLA program, and give the arrays ``examples()`` gives when
    JAX evaluates it: the same values, dtypes and weak types."""
    script = textwrap.dedent(f"""
        import jax, numpy as np
        from pathlib import Path
        from plategraph.app.loading import examples_of, load_module
        {COUNTING}
        path = Path({str(ROOT / "gallery")!r}) / "{module}.py"
        module = load_module(path)
        folded = examples_of(module, str(path))
        count = len(compiled)
        plain = module.examples()
        def kind(x):
            return (type(x).__name__, getattr(x, "dtype", None), getattr(x, "weak_type", None),
                    np.asarray(x).tolist())
        same = jax.tree.map(kind, folded) == jax.tree.map(kind, plain)
        print(count, same, len(jax.tree.leaves(folded)))
    """)
    (out,) = outputs_in_fresh_processes(script, seeds=(0,), path=[ROOT])
    compiled, same, leaves = out.split()
    assert int(leaves) > 0
    assert same == b"True"
    assert int(compiled) == 0, f"{module}: its examples compiled {int(compiled)} XLA programs"
