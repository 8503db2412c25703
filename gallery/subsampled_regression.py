"""Regression on a subsampled plate (minibatches).

A plate of 1,000 observations of which 100 are used per step (``subsample_size``), as in
stochastic variational inference.

Reference: Hoffman et al., "Stochastic variational inference", JMLR (2013); NumPyro's plate
documentation (subsampling).
"""

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist


def model(x, y=None):
    slope = numpyro.sample("slope", dist.Normal(0.0, 1.0))
    intercept = numpyro.sample("intercept", dist.Normal(0.0, 1.0))
    with numpyro.plate("N", x.shape[0], subsample_size=100) as idx:
        numpyro.sample("y", dist.Normal(intercept + slope * x[idx], 1.0),
                       obs=None if y is None else y[idx])


def examples():
    rng = np.random.default_rng(9)
    x = jnp.asarray(rng.normal(size=1000), dtype=jnp.float32)
    return {"model": ((x,), {"y": 2 * x + 1})}
