"""Coin flips: the beta-Bernoulli model.

One coin's bias ``p`` with a Beta prior, and a plate of observed flips.

Reference: Kruschke, Doing Bayesian Data Analysis (2015), ch. 6.
"""

import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist


def model(flips):
    p = numpyro.sample("p", dist.Beta(2.0, 2.0))
    with numpyro.plate("flips", flips.shape[0]):
        numpyro.sample("flip", dist.Bernoulli(p), obs=flips)


def examples():
    return {"model": ((jnp.array([1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0]),), {})}
