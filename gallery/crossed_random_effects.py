"""Crossed random effects with replicates (a plate nested in the overlap of two).

Every subject answers every item several times: a subject effect ``a`` and an item effect ``b``
(crossed, not nested) and replicated responses ``y`` in the ``replicates`` plate, which lies
inside both the subjects and the items plate, in their overlap.

Reference: Baayen, Davidson & Bates, "Mixed-effects modeling with crossed random effects for
subjects and items", Journal of Memory and Language (2008).
"""

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist


def model(y):
    n_subjects, n_items, n_replicates = y.shape
    mu = numpyro.sample("mu", dist.Normal(0.0, 5.0))
    sigma_s = numpyro.sample("sigma_s", dist.HalfNormal(1.0))
    sigma_i = numpyro.sample("sigma_i", dist.HalfNormal(1.0))
    sigma_y = numpyro.sample("sigma_y", dist.HalfNormal(1.0))
    with numpyro.plate("subjects", n_subjects, dim=-3):
        a = numpyro.sample("a", dist.Normal(0.0, sigma_s))
    with numpyro.plate("items", n_items, dim=-2):
        b = numpyro.sample("b", dist.Normal(0.0, sigma_i))
    with (numpyro.plate("subjects", n_subjects, dim=-3), numpyro.plate("items", n_items, dim=-2),
          numpyro.plate("replicates", n_replicates, dim=-1)):
        numpyro.sample("y", dist.Normal(mu + a + b, sigma_y), obs=y)


def examples():
    rng = np.random.default_rng(5)
    return {"model": ((jnp.asarray(rng.normal(size=(6, 4, 3)), dtype=jnp.float32),), {})}
