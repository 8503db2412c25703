"""Conditional model: spike and slab on a Bernoulli switch (seed article, example 3).

``z`` decides in Python whether the mean and scale of the observation are sampled (the slab) or
fixed at 0 and 1 (the spike). Both branches show: ``mu`` and ``sigma`` are gated by ``z`` and
``z`` has a control edge to ``obs``. NumPyro's own ``render_model`` cannot trace this model.

Reference: "Why is numpyro.render_model unavailable?" (2025), example 3; Mitchell & Beauchamp,
"Bayesian variable selection in linear regression", JASA (1988).
"""

import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist


def model(x, y=None):
    z = numpyro.sample("z", dist.Bernoulli(0.5))
    if z:
        mu = numpyro.sample("mu", dist.Normal(0.0, 1.0))
        sigma = numpyro.sample("sigma", dist.HalfCauchy(5.0))
    else:
        mu, sigma = 0.0, 1.0
    numpyro.sample("obs", dist.Normal(mu, sigma), obs=y)


def examples():
    return {"model": ((jnp.array([1.0]), jnp.array([2.0])), {})}
