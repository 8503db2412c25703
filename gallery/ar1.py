"""Autoregressive AR(1) time series with ``scan``.

Each observation ``y`` depends on the previous one through ``rho``, with noise scale ``sigma``;
the previous value is carried by the scan, so ``y`` has a self-edge.

Reference: Hamilton, Time Series Analysis (1994), ch. 3; NumPyro's time-series examples.
"""

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
from numpyro.contrib.control_flow import scan


def model(y):
    rho = numpyro.sample("rho", dist.Uniform(-1.0, 1.0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))

    def step(y_prev, y_t):
        y_now = numpyro.sample("y", dist.Normal(rho * y_prev, sigma), obs=y_t)
        return y_now, None

    scan(step, 0.0, y)


def examples():
    rng = np.random.default_rng(5)
    return {"model": ((jnp.asarray(rng.normal(size=40), dtype=jnp.float32),), {})}
