"""Transformed distributions: a log-normal scale and an affine-exp prior.

``scale`` is ``LogNormal``; ``growth`` is a ``TransformedDistribution`` of a normal through an
affine and an exponential transform.

Reference: NumPyro's ``TransformedDistribution`` and transforms documentation.
"""

import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist
from numpyro.distributions import transforms


def model(t, y=None):
    scale = numpyro.sample("scale", dist.LogNormal(0.0, 0.5))
    growth = numpyro.sample(
        "growth",
        dist.TransformedDistribution(
            dist.Normal(0.0, 1.0),
            [transforms.AffineTransform(-1.0, 0.5), transforms.ExpTransform()],
        ),
    )
    with numpyro.plate("N", t.shape[0]):
        numpyro.sample("y", dist.Normal(growth * t, scale), obs=y)


def examples():
    t = jnp.linspace(0.0, 1.0, 10)
    return {"model": ((t,), {"y": 0.4 * t})}
