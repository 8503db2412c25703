"""Logistic regression.

Coefficients and an intercept with normal priors; Bernoulli outcomes through the logit link.

Reference: Gelman et al., Bayesian Data Analysis, 3rd ed. (2013), ch. 16.
"""

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist


def model(X, y=None):
    beta = numpyro.sample("beta", dist.Normal(0.0, 2.5).expand([X.shape[1]]).to_event(1))
    alpha = numpyro.sample("alpha", dist.Normal(0.0, 5.0))
    with numpyro.plate("N", X.shape[0]):
        numpyro.sample("y", dist.Bernoulli(logits=alpha + X @ beta), obs=y)


def examples():
    rng = np.random.default_rng(0)
    X = jnp.asarray(rng.normal(size=(60, 3)), dtype=jnp.float32)
    y = jnp.asarray(rng.integers(0, 2, size=60), dtype=jnp.float32)
    return {"model": ((X, y), {})}
