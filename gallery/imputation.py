"""Regression with missing covariates imputed in the model.

Missing values of the covariate ``x`` are latent sites (``x_impute``, masked out of the
log-density) written into the data with ``.at[].set``, the idiom of NumPyro's imputation
example: the observed covariates and the imputed ones share a normal model, and the outcome's
mean depends on the imputed values.

Reference: NumPyro's "Bayesian imputation" example; Gelman and Hill, "Data analysis using
regression and multilevel/hierarchical models", ch. 25 (2007).
"""

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist


def model(x, y=None):
    missing = np.nonzero(np.isnan(x))[0]
    mu = numpyro.sample("mu", dist.Normal(0.0, 2.0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    x_impute = numpyro.sample(
        "x_impute", dist.Normal(mu, sigma).expand([len(missing)]).mask(False))
    x = jnp.asarray(x).at[missing].set(x_impute)
    alpha = numpyro.sample("alpha", dist.Normal(0.0, 5.0))
    beta = numpyro.sample("beta", dist.Normal(0.0, 1.0))
    noise = numpyro.sample("noise", dist.HalfNormal(1.0))
    with numpyro.plate("N", x.shape[0]):
        numpyro.sample("x", dist.Normal(mu, sigma), obs=x)
        numpyro.sample("y", dist.Normal(alpha + beta * x, noise), obs=y)


def examples():
    rng = np.random.default_rng(8)
    x = rng.normal(size=15).astype(np.float32)
    y = (1.0 + 0.5 * x + 0.3 * rng.normal(size=15)).astype(np.float32)
    x[[2, 7, 11]] = np.nan
    return {"model": ((x,), {"y": y})}
