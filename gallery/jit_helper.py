"""A jitted helper returning two values that depend on different inputs.

``helper(a, b)`` returns ``2a`` and ``exp(b)``; ``x`` uses the first, ``y`` the second. Each
output of the jitted call has its own dependencies: ``a → x`` and ``b → y`` only.

Reference: JAX's ``jax.jit`` documentation.
"""

import jax
import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist


@jax.jit
def helper(a, b):
    return 2.0 * a, jnp.exp(b)


def model(x=None, y=None):
    a = numpyro.sample("a", dist.Normal(0.0, 1.0))
    b = numpyro.sample("b", dist.Normal(0.0, 1.0))
    u, v = helper(a, b)
    numpyro.sample("x", dist.Normal(u, 1.0), obs=x)
    numpyro.sample("y", dist.Normal(v, 1.0), obs=y)


def examples():
    return {"model": ((), {"x": jnp.array(1.0), "y": jnp.array(2.0)})}
