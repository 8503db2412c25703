"""Hierarchical model with a Python loop (seed article, example 2).

Group effects ``a`` share a normal prior with mean ``mu_a`` and scale ``sigma_a``; each group's
observation is its own site ``obs_j``, made in a Python loop exactly as the article wrote it.
Drawn collapsed, the family ``obs_0 … obs_4`` is one node in a plate ``j``.

Reference: "Why is numpyro.render_model unavailable?" (2025), example 2.
"""

import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist


def model(J, y=None):
    mu_a = numpyro.sample("mu_a", dist.Normal(0.0, 10.0))
    sigma_a = numpyro.sample("sigma_a", dist.HalfCauchy(5.0))
    a = numpyro.sample("a", dist.Normal(mu_a, sigma_a), sample_shape=(J,))
    for j in range(J):
        numpyro.sample(f"obs_{j}", dist.Normal(a[j], 1.0), obs=None if y is None else y[j])


def examples():
    return {"model": ((5, jnp.array([1.0, 2.0, 3.0, 4.0, 5.0])), {})}
