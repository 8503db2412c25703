"""Bayesian CART: a regression tree whose shape is random.

Each node of the tree decides by a coin flip (``split_*``) whether it splits; a node that splits
draws a cut point and grows two subtrees, one that does not draws its level. Which sites exist
depends on the flips above them, so every site below the root is gated, by its own split and by
every split above it; the cut points and levels reach the observations through ``jnp.where``.

Reference: Chipman, George and McCulloch, "Bayesian CART model search", JASA (1998).
"""

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist


def model(x, y=None, max_depth=2):
    def grow(path, depth):
        if depth < max_depth:
            split = numpyro.sample(f"split_{path}", dist.Bernoulli(0.5 / (1 + depth)))
            if split:
                cut = numpyro.sample(f"cut_{path}", dist.Uniform(0.0, 1.0))
                left, right = grow(path + "L", depth + 1), grow(path + "R", depth + 1)
                return jnp.where(x < cut, left, right)
        return numpyro.sample(f"level_{path}", dist.Normal(0.0, 2.0))

    mu = grow("r", 0)
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    with numpyro.plate("N", x.shape[0]):
        numpyro.sample("y", dist.Normal(mu, sigma), obs=y)


def examples():
    rng = np.random.default_rng(3)
    x = rng.uniform(size=20).astype(np.float32)
    y = np.where(x < 0.4, -1.0, 1.5).astype(np.float32) + 0.2 * rng.normal(size=20)
    return {"model": ((x,), {"y": y.astype(np.float32)})}
