"""Hidden Markov model, as a Python loop and as ``scan``.

A two-state chain of hidden states ``z`` with a transition matrix ``trans`` and Gaussian emissions
``y`` with state means ``locs``. The Python loop makes one site per step (drawn collapsed as a
plate); the ``scan`` version makes one site per body site in a ``time`` plate, the carried state
giving the self-edge ``z → z``.

Reference: Rabiner, "A tutorial on hidden Markov models", Proc. IEEE (1989); NumPyro's HMM
examples.
"""

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
from numpyro.contrib.control_flow import scan


def python_loop(y):
    """Hidden Markov model as a Python loop.

    One site per step (``z_0``, ``y_0``, …), drawn collapsed as a plate.
    """
    trans = numpyro.sample("trans", dist.Dirichlet(jnp.ones((2, 2))).to_event(1))
    locs = numpyro.sample("locs", dist.Normal(jnp.array([-1.0, 1.0]), 1.0).to_event(1))
    z = 0
    for t in range(y.shape[0]):
        z = numpyro.sample(f"z_{t}", dist.Categorical(trans[z]))
        numpyro.sample(f"y_{t}", dist.Normal(locs[z], 0.5), obs=y[t])


def with_scan(y):
    """Hidden Markov model with ``scan``.

    One site per body site in a ``time`` plate; the carried state gives the self-edge
    ``z → z``.
    """
    trans = numpyro.sample("trans", dist.Dirichlet(jnp.ones((2, 2))).to_event(1))
    locs = numpyro.sample("locs", dist.Normal(jnp.array([-1.0, 1.0]), 1.0).to_event(1))

    def step(z_prev, y_t):
        z = numpyro.sample("z", dist.Categorical(trans[z_prev]))
        numpyro.sample("y", dist.Normal(locs[z], 0.5), obs=y_t)
        return z, None

    scan(step, 0, y)


def examples():
    rng = np.random.default_rng(4)
    y = jnp.asarray(rng.normal(size=6), dtype=jnp.float32)
    return {"python_loop": ((y,), {}), "with_scan": ((y,), {})}
