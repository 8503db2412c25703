"""Stores × products within regions (a crossed pair inside an outer plate).

Each region has a mean level ``mu_r``; within a region, store effects ``s`` and product effects
``p`` cross, and the sales of each product in each store are counts in both. The crossed plates
overlap inside the regions plate that holds them all.

Reference: Gelman & Hill, Data Analysis Using Regression and Multilevel/Hierarchical Models
(2007), ch. 13 (non-nested models).
"""

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist


def model(sales):
    n_regions, n_stores, n_products = sales.shape
    tau = numpyro.sample("tau", dist.HalfNormal(1.0))
    with numpyro.plate("regions", n_regions, dim=-3):
        mu_r = numpyro.sample("mu_r", dist.Normal(0.0, tau))
        with numpyro.plate("stores", n_stores, dim=-2):
            s = numpyro.sample("s", dist.Normal(mu_r, 1.0))
        with numpyro.plate("products", n_products, dim=-1):
            p = numpyro.sample("p", dist.Normal(0.0, 1.0))
        with (numpyro.plate("stores", n_stores, dim=-2),
              numpyro.plate("products", n_products, dim=-1)):
            numpyro.sample("sales", dist.Poisson(jnp.exp(s + p)), obs=sales)


def examples():
    rng = np.random.default_rng(9)
    return {"model": ((jnp.asarray(rng.poisson(3.0, size=(3, 4, 5))),), {})}
