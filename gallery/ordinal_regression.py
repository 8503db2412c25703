"""Ordinal regression with ordered cutpoints.

A latent predictor ``beta * x`` and ordered ``cutpoints`` (a normal pushed through an ordered
transform) give ``OrderedLogistic`` outcomes.

Reference: McCullagh, "Regression models for ordinal data", JRSS B (1980); NumPyro's ordinal
regression example.
"""

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
from numpyro.distributions import transforms


def model(x, y=None, n_classes=4):
    beta = numpyro.sample("beta", dist.Normal(0.0, 2.0))
    cutpoints = numpyro.sample(
        "cutpoints",
        dist.TransformedDistribution(
            dist.Normal(0.0, 3.0).expand([n_classes - 1]).to_event(1),
            transforms.OrderedTransform(),
        ),
    )
    with numpyro.plate("N", x.shape[0]):
        numpyro.sample("y", dist.OrderedLogistic(beta * x, cutpoints), obs=y)


def examples():
    rng = np.random.default_rng(12)
    x = jnp.asarray(rng.normal(size=30), dtype=jnp.float32)
    y = jnp.asarray(rng.integers(0, 4, size=30))
    return {"model": ((x,), {"y": y})}
