"""Probabilistic matrix factorization (crossed plates).

User factors ``u`` in a plate of users, item factors ``v`` in a plate of items, and ratings ``r``
in both: the plates cross, and the diagram draws the ratings in one ``users × items`` box
instead of cloning a plate.

Reference: Salakhutdinov & Mnih, "Probabilistic matrix factorization", NeurIPS (2007).
"""

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist


def model(ratings, rank=2):
    n_users, n_items = ratings.shape
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    with numpyro.plate("users", n_users, dim=-2):
        u = numpyro.sample("u", dist.Normal(jnp.zeros(rank), 1.0).to_event(1))
    with numpyro.plate("items", n_items, dim=-1):
        v = numpyro.sample("v", dist.Normal(jnp.zeros(rank), 1.0).to_event(1))
    with numpyro.plate("users", n_users, dim=-2), numpyro.plate("items", n_items, dim=-1):
        numpyro.sample("r", dist.Normal((u * v).sum(-1), sigma), obs=ratings)


def examples():
    rng = np.random.default_rng(7)
    return {"model": ((jnp.asarray(rng.normal(size=(6, 5)), dtype=jnp.float32),), {})}
