"""A soft sum-to-zero constraint with ``numpyro.factor``.

Group effects ``effects`` get an extra log-density term through a factor site ``sum_to_zero``,
drawn as a small black square (it is not observed data).

Reference: Stan User's Guide, "Soft sum-to-zero constraints"; NumPyro's ``factor`` primitive.
"""

import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist


def model(group, y=None):
    n_groups = 4
    with numpyro.plate("groups", n_groups):
        effects = numpyro.sample("effects", dist.Normal(0.0, 1.0))
    numpyro.factor("sum_to_zero", dist.Normal(0.0, 0.01).log_prob(effects.sum()))
    with numpyro.plate("N", group.shape[0]):
        numpyro.sample("y", dist.Normal(effects[group], 1.0), obs=y)


def examples():
    group = jnp.array([0, 1, 2, 3, 0, 1, 2, 3])
    return {"model": ((group,), {"y": jnp.linspace(-1.0, 1.0, 8)})}
