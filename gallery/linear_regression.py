"""Linear regression (seed article, example 1).

Weights ``w`` with a standard normal prior, an intercept ``b`` and Gaussian observations, written
for NumPyro: the observations are in a plate (the article traced it with ``pyro.poutine``).

Reference: "Why is numpyro.render_model unavailable?" (2025), example 1; Gelman et al.,
Regression and Other Stories (2020), ch. 6.
"""

import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist


def model(X, y=None):
    d = X.shape[1]
    w = numpyro.sample("w", dist.Normal(jnp.zeros(d), jnp.ones(d)).to_event(1))
    b = numpyro.sample("b", dist.Normal(0.0, 10.0))
    mu = jnp.dot(X, w) + b
    with numpyro.plate("N", X.shape[0]):
        numpyro.sample("obs", dist.Normal(mu, 1.0), obs=y)


def examples():
    X = jnp.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    y = jnp.array([7.0, 8.0, 9.0])
    return {"model": ((X, y), {})}
