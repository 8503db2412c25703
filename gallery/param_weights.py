"""A regression with ``numpyro.param`` weights (maximum-likelihood parts of a model).

The weights ``w`` and the positive noise scale ``noise`` are parameters, not random variables;
they show with ``params=True``.

Reference: NumPyro's ``param`` primitive and SVI documentation.
"""

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist


def model(X, y=None):
    w = numpyro.param("w", jnp.zeros(X.shape[1]))
    noise = numpyro.param("noise", 1.0, constraint=dist.constraints.positive)
    bias = numpyro.sample("bias", dist.Normal(0.0, 1.0))
    with numpyro.plate("N", X.shape[0]):
        numpyro.sample("y", dist.Normal(X @ w + bias, noise), obs=y)


def examples():
    rng = np.random.default_rng(10)
    X = jnp.asarray(rng.normal(size=(20, 3)), dtype=jnp.float32)
    return {"model": ((X,), {"y": X.sum(-1)})}
