"""A chain of deterministic transformations.

``log_rate`` is a linear function of a latent ``mu``; ``rate`` its exponential; the counts
depend on ``rate`` only. Flow stops at deterministic sites: the edges run
``mu → log_rate → rate → counts``.

Reference: NumPyro's ``deterministic`` primitive documentation; McElreath, Statistical Rethinking
(2020), ch. 11.
"""

import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist


def model(exposure, counts=None):
    mu = numpyro.sample("mu", dist.Normal(0.0, 1.0))
    log_rate = numpyro.deterministic("log_rate", mu + jnp.log(exposure))
    rate = numpyro.deterministic("rate", jnp.exp(log_rate))
    with numpyro.plate("N", exposure.shape[0]):
        numpyro.sample("counts", dist.Poisson(rate), obs=counts)


def examples():
    return {"model": ((jnp.array([1.0, 2.0, 0.5, 3.0]),), {"counts": jnp.array([1, 3, 0, 4])})}
