"""Eight schools, centered and non-centered.

Treatment effects ``theta`` of eight schools share a normal prior with mean ``mu`` and scale
``tau``; the non-centered form samples standard-normal ``theta_raw`` and makes ``theta`` a
deterministic site, so ``mu`` and ``tau`` reach the data only through it.

Reference: Rubin, "Estimation in parallel randomized experiments", JEBS (1981); Gelman et al.,
Bayesian Data Analysis, 3rd ed. (2013), section 5.5.
"""

import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist


def centered(J, sigma, y=None):
    """Eight schools, centered.

    Each school's effect ``theta`` is drawn from ``Normal(mu, tau)`` itself.
    """
    mu = numpyro.sample("mu", dist.Normal(0.0, 5.0))
    tau = numpyro.sample("tau", dist.HalfCauchy(5.0))
    with numpyro.plate("J", J):
        theta = numpyro.sample("theta", dist.Normal(mu, tau))
        numpyro.sample("obs", dist.Normal(theta, sigma), obs=y)


def non_centered(J, sigma, y=None):
    """Eight schools, non-centered.

    Each school's effect is ``theta = mu + tau * theta_raw``, a deterministic site over a
    standard-normal ``theta_raw``: ``mu`` and ``tau`` reach the data only through it.
    """
    mu = numpyro.sample("mu", dist.Normal(0.0, 5.0))
    tau = numpyro.sample("tau", dist.HalfCauchy(5.0))
    with numpyro.plate("J", J):
        theta_raw = numpyro.sample("theta_raw", dist.Normal(0.0, 1.0))
        theta = numpyro.deterministic("theta", mu + tau * theta_raw)
        numpyro.sample("obs", dist.Normal(theta, sigma), obs=y)


def examples():
    y = jnp.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
    sigma = jnp.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])
    return {"centered": ((8, sigma), {"y": y}), "non_centered": ((8, sigma), {"y": y})}
