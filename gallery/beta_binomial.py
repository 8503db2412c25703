"""Hierarchical beta-binomial: rat tumour rates.

Each experiment's tumour probability ``theta`` is Beta with mean ``phi`` and concentration
``kappa``; tumour counts are binomial out of the rats in the experiment.

Reference: Gelman et al., Bayesian Data Analysis, 3rd ed. (2013), section 5.3.
"""

import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist


def model(n_rats, tumours=None):
    phi = numpyro.sample("phi", dist.Beta(1.0, 1.0))
    kappa = numpyro.sample("kappa", dist.Pareto(1.0, 1.5))
    with numpyro.plate("experiments", n_rats.shape[0]):
        theta = numpyro.sample("theta", dist.Beta(phi * kappa, (1.0 - phi) * kappa))
        numpyro.sample("tumours", dist.Binomial(n_rats, probs=theta), obs=tumours)


def examples():
    n_rats = jnp.array([20, 20, 19, 18, 25, 24, 23, 20])
    tumours = jnp.array([0, 1, 2, 1, 4, 3, 5, 2])
    return {"model": ((n_rats,), {"tumours": tumours})}
