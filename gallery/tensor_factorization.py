"""Ratings over users × items × time (three crossed plates).

Ratings ``r`` of each user for each item at each time step: the product of a user factor ``u``
and an item factor ``v``, plus a user bias ``b`` and an item popularity ``c`` that drift over
time. ``b`` sits in users and time, ``c`` in items and time, ``r`` in all three: three plates
crossing pairwise, drawn as three overlapping rectangles.

Reference: Xiong et al., "Temporal collaborative filtering with Bayesian probabilistic tensor
factorization", SDM (2010).
"""

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist


def model(ratings, rank=2):
    n_users, n_items, n_times = ratings.shape
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    tau = numpyro.sample("tau", dist.HalfNormal(1.0))
    with numpyro.plate("users", n_users, dim=-3):
        u = numpyro.sample("u", dist.Normal(jnp.zeros(rank), 1.0).to_event(1))
    with numpyro.plate("items", n_items, dim=-2):
        v = numpyro.sample("v", dist.Normal(jnp.zeros(rank), 1.0).to_event(1))
    with numpyro.plate("users", n_users, dim=-3), numpyro.plate("time", n_times, dim=-1):
        b = numpyro.sample("b", dist.Normal(0.0, tau))
    with numpyro.plate("items", n_items, dim=-2), numpyro.plate("time", n_times, dim=-1):
        c = numpyro.sample("c", dist.Normal(0.0, tau))
    with (numpyro.plate("users", n_users, dim=-3), numpyro.plate("items", n_items, dim=-2),
          numpyro.plate("time", n_times, dim=-1)):
        mean = (u * v).sum(-1) + b + c
        numpyro.sample("r", dist.Normal(mean, sigma), obs=ratings)


def examples():
    rng = np.random.default_rng(11)
    return {"model": ((jnp.asarray(rng.normal(size=(5, 4, 3)), dtype=jnp.float32),), {})}
