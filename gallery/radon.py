"""Radon: varying intercepts by county (hierarchical, integer group indexing).

Each county has its own intercept drawn from a common normal; a house's log radon level depends on
its county's intercept (indexed by the county number), the floor it was measured on and a
shared noise scale.

Reference: Gelman & Hill, Data Analysis Using Regression and Multilevel/Hierarchical Models
(2007), ch. 12.
"""

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist


def model(county, floor, n_counties, log_radon=None):
    mu_a = numpyro.sample("mu_a", dist.Normal(0.0, 10.0))
    sigma_a = numpyro.sample("sigma_a", dist.HalfNormal(5.0))
    with numpyro.plate("county", n_counties):
        a = numpyro.sample("a", dist.Normal(mu_a, sigma_a))
    b = numpyro.sample("b", dist.Normal(0.0, 10.0))
    sigma_y = numpyro.sample("sigma_y", dist.HalfNormal(5.0))
    with numpyro.plate("house", county.shape[0]):
        numpyro.sample("log_radon", dist.Normal(a[county] + b * floor, sigma_y), obs=log_radon)


def examples():
    rng = np.random.default_rng(1)
    county = jnp.asarray(rng.integers(0, 8, size=80))
    floor = jnp.asarray(rng.integers(0, 2, size=80), dtype=jnp.float32)
    log_radon = jnp.asarray(rng.normal(1.0, 0.5, size=80), dtype=jnp.float32)
    return {"model": ((county, floor, 8), {"log_radon": log_radon})}
