"""A regime switch written with ``jax.lax.cond`` inside a model.

A latent ``signal`` picks one of two branches: one scales ``a``, the other shifts ``b``. The
outcome depends on the predicate and on both branches' inputs, whichever branch ran.

Reference: JAX's ``lax.cond`` documentation; NumPyro's notes on JAX control flow in models.
"""

import jax
import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist


def model(y=None):
    signal = numpyro.sample("signal", dist.Normal(0.0, 1.0))
    a = numpyro.sample("a", dist.Normal(0.0, 1.0))
    b = numpyro.sample("b", dist.Normal(0.0, 1.0))
    level = jax.lax.cond(signal > 0, lambda p, q: 2.0 * p, lambda p, q: q + 1.0, a, b)
    numpyro.sample("y", dist.Normal(level, 1.0), obs=y)


def examples():
    return {"model": ((), {"y": jnp.array(0.5)})}
