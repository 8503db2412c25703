"""Missing observations handled with a mask.

Observations that are missing (NaN) are masked out of the likelihood with ``.mask(...)``; the
mask is data, so it adds no edge.

Reference: Little & Rubin, Statistical Analysis with Missing Data (2019); NumPyro's
``Distribution.mask`` documentation.
"""

import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist


def model(y):
    mu = numpyro.sample("mu", dist.Normal(0.0, 10.0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(5.0))
    observed = ~jnp.isnan(y)
    with numpyro.plate("N", y.shape[0]):
        numpyro.sample("y", dist.Normal(mu, sigma).mask(observed),
                       obs=jnp.where(observed, y, 0.0))


def examples():
    return {"model": ((jnp.array([1.0, jnp.nan, 2.5, 0.3, jnp.nan, 1.7]),), {})}
