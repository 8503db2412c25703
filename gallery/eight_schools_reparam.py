"""Eight schools, non-centered by NumPyro's ``LocScaleReparam``.

The centered model under ``handlers.reparam``: NumPyro replaces ``theta`` by a latent
``theta_decentered`` and a deterministic ``theta``.

Reference: Gorinova, Moore & Hoffman, "Automatic reparameterisation of probabilistic programs",
ICML (2020); NumPyro's reparameterization docs.
"""

import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist
from numpyro.infer.reparam import LocScaleReparam


def model(J, sigma, y=None):
    mu = numpyro.sample("mu", dist.Normal(0.0, 5.0))
    tau = numpyro.sample("tau", dist.HalfCauchy(5.0))
    with numpyro.plate("J", J):
        with numpyro.handlers.reparam(config={"theta": LocScaleReparam(centered=0)}):
            theta = numpyro.sample("theta", dist.Normal(mu, tau))
        numpyro.sample("obs", dist.Normal(theta, sigma), obs=y)


def examples():
    y = jnp.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
    sigma = jnp.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])
    return {"model": ((8, sigma), {"y": y})}
