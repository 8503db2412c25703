"""Compound growth computed with ``jax.lax.while_loop``.

A value grows by a latent ``growth`` factor until it passes a latent ``threshold``; the number of
steps therefore depends on both, and the final value is observed.

Reference: JAX's ``lax.while_loop`` documentation.
"""

import jax
import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist


def model(y=None):
    growth = numpyro.sample("growth", dist.Uniform(1.1, 2.0))
    threshold = numpyro.sample("threshold", dist.Uniform(5.0, 10.0))

    def body(state):
        steps, value = state
        return steps + 1, value * growth

    steps, final = jax.lax.while_loop(lambda s: s[1] < threshold, body, (0, 1.0))
    numpyro.sample("y", dist.Normal(final, 1.0), obs=y)


def examples():
    return {"model": ((), {"y": jnp.array(8.0)})}
