"""Robust regression with Student-t errors.

Heavy-tailed noise with degrees of freedom ``nu`` down-weights outliers.

Reference: Lange, Little & Taylor, "Robust statistical modeling using the t distribution", JASA
(1989); Kruschke, Doing Bayesian Data Analysis (2015), ch. 17.
"""

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist


def model(x, y=None):
    alpha = numpyro.sample("alpha", dist.Normal(0.0, 10.0))
    beta = numpyro.sample("beta", dist.Normal(0.0, 10.0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(5.0))
    nu = numpyro.sample("nu", dist.Gamma(2.0, 0.1))
    with numpyro.plate("N", x.shape[0]):
        numpyro.sample("y", dist.StudentT(nu, alpha + beta * x, sigma), obs=y)


def examples():
    rng = np.random.default_rng(15)
    x = jnp.asarray(rng.normal(size=30), dtype=jnp.float32)
    return {"model": ((x,), {"y": 1.0 + 2.0 * x})}
