"""Repeated measurements: plates at dims -2 and -1.

Subjects (a plate at dim -2) each have an intercept ``alpha``; every subject is measured at the
same times (a plate at dim -1, nested in subjects) and a time effect ``gamma`` is shared by all.

Reference: Gelman & Hill, Data Analysis Using Regression and Multilevel/Hierarchical Models
(2007), ch. 13; NumPyro's plate documentation (the ``dim`` argument).
"""

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist


def model(y):
    n_subjects, n_times = y.shape
    sigma_alpha = numpyro.sample("sigma_alpha", dist.HalfNormal(1.0))
    with numpyro.plate("subjects", n_subjects, dim=-2):
        alpha = numpyro.sample("alpha", dist.Normal(0.0, sigma_alpha))
        with numpyro.plate("times", n_times, dim=-1):
            numpyro.sample("y", dist.Normal(alpha, 1.0), obs=y)


def examples():
    rng = np.random.default_rng(8)
    return {"model": ((jnp.asarray(rng.normal(size=(5, 4)), dtype=jnp.float32),), {})}
