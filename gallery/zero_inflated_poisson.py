"""Zero-inflated Poisson counts.

A probability ``gate`` of a structural zero and a Poisson ``rate`` for the rest.

Reference: Lambert, "Zero-inflated Poisson regression", Technometrics (1992).
"""

import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist


def model(counts):
    gate = numpyro.sample("gate", dist.Beta(1.0, 1.0))
    rate = numpyro.sample("rate", dist.Gamma(2.0, 0.5))
    with numpyro.plate("N", counts.shape[0]):
        numpyro.sample("counts", dist.ZeroInflatedPoisson(gate, rate), obs=counts)


def examples():
    return {"model": ((jnp.array([0, 0, 3, 5, 0, 2, 4, 0, 0, 6]),), {})}
