"""Stochastic volatility with a ``scan`` over log-volatility.

Log-volatility ``h`` follows an AR(1) process around ``mu`` with persistence ``phi`` and scale
``sigma``; returns are normal with scale ``exp(h / 2)``.

Reference: Kim, Shephard & Chib, "Stochastic volatility: likelihood inference and comparison
with ARCH models", Rev. Econ. Stud. (1998); Stan User's Guide, "Stochastic volatility models".
"""

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
from numpyro.contrib.control_flow import scan


def model(returns):
    mu = numpyro.sample("mu", dist.Normal(0.0, 5.0))
    phi = numpyro.sample("phi", dist.Uniform(-1.0, 1.0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))

    def step(h_prev, r_t):
        h = numpyro.sample("h", dist.Normal(mu + phi * (h_prev - mu), sigma))
        numpyro.sample("returns", dist.Normal(0.0, jnp.exp(h / 2.0)), obs=r_t)
        return h, None

    scan(step, mu, returns)


def examples():
    rng = np.random.default_rng(14)
    return {"model": ((jnp.asarray(rng.normal(0, 0.1, size=30), dtype=jnp.float32),), {})}
