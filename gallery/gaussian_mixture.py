"""Gaussian mixture with an enumerated discrete assignment.

Mixture weights ``weights``, component means ``locs`` in a plate of components, a shared scale,
and a per-observation assignment ``assignment`` marked for parallel enumeration.

Reference: Bishop, Pattern Recognition and Machine Learning (2006), section 9.2; Pyro's GMM
tutorial.
"""

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist


def model(data, K=3):
    weights = numpyro.sample("weights", dist.Dirichlet(0.5 * jnp.ones(K)))
    scale = numpyro.sample("scale", dist.LogNormal(0.0, 2.0))
    with numpyro.plate("components", K):
        locs = numpyro.sample("locs", dist.Normal(0.0, 10.0))
    with numpyro.plate("data", data.shape[0]):
        assignment = numpyro.sample(
            "assignment", dist.Categorical(weights), infer={"enumerate": "parallel"}
        )
        numpyro.sample("obs", dist.Normal(locs[assignment], scale), obs=data)


def examples():
    rng = np.random.default_rng(2)
    data = jnp.asarray(np.concatenate([rng.normal(-3, 1, 30), rng.normal(3, 1, 30)]),
                       dtype=jnp.float32)
    return {"model": ((data,), {"K": 3})}
