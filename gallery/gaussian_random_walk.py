"""Local level model with a Gaussian random walk.

A latent level ``level`` follows ``GaussianRandomWalk`` with innovation scale ``sigma_level``;
observations scatter around it with scale ``sigma_obs``.

Reference: Durbin & Koopman, Time Series Analysis by State Space Methods (2012), ch. 2.
"""

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist


def model(y):
    sigma_level = numpyro.sample("sigma_level", dist.HalfNormal(1.0))
    sigma_obs = numpyro.sample("sigma_obs", dist.HalfNormal(1.0))
    level = numpyro.sample("level", dist.GaussianRandomWalk(sigma_level, num_steps=y.shape[0]))
    numpyro.sample("y", dist.Normal(level, sigma_obs).to_event(1), obs=y)


def examples():
    rng = np.random.default_rng(6)
    return {"model": ((jnp.asarray(np.cumsum(rng.normal(size=30)), dtype=jnp.float32),), {})}
