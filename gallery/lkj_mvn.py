"""Correlated multivariate normal with an LKJ prior.

A Cholesky factor of a correlation matrix ``L_omega`` (LKJ), per-dimension scales ``sigma`` and
means ``mu``; observations are multivariate normal with ``scale_tril = diag(sigma) L_omega``.

Reference: Lewandowski, Kurowicka & Joe, "Generating random correlation matrices based on vines
and extended onion method", JMVA (2009); Stan User's Guide, "Multivariate priors".
"""

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist


def model(y):
    d = y.shape[1]
    mu = numpyro.sample("mu", dist.Normal(0.0, 5.0).expand([d]).to_event(1))
    sigma = numpyro.sample("sigma", dist.HalfNormal(2.0).expand([d]).to_event(1))
    L_omega = numpyro.sample("L_omega", dist.LKJCholesky(d, concentration=2.0))
    with numpyro.plate("N", y.shape[0]):
        numpyro.sample("y", dist.MultivariateNormal(mu, scale_tril=sigma[..., None] * L_omega),
                       obs=y)


def examples():
    rng = np.random.default_rng(11)
    return {"model": ((jnp.asarray(rng.normal(size=(25, 3)), dtype=jnp.float32),), {})}
