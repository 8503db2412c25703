"""Poisson regression with an exposure offset.

Counts with a log link: ``log rate = alpha + beta * x + log exposure``.

Reference: McCullagh & Nelder, Generalized Linear Models (1989), ch. 6.
"""

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist


def model(x, exposure, counts=None):
    alpha = numpyro.sample("alpha", dist.Normal(0.0, 2.0))
    beta = numpyro.sample("beta", dist.Normal(0.0, 1.0))
    with numpyro.plate("N", x.shape[0]):
        numpyro.sample("counts", dist.Poisson(jnp.exp(alpha + beta * x) * exposure), obs=counts)


def examples():
    rng = np.random.default_rng(13)
    x = jnp.asarray(rng.normal(size=25), dtype=jnp.float32)
    exposure = jnp.asarray(rng.uniform(0.5, 2.0, size=25), dtype=jnp.float32)
    counts = jnp.asarray(rng.poisson(2.0, size=25))
    return {"model": ((x, exposure), {"counts": counts})}
