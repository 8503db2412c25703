"""A random number of components: ``range`` over a sampled integer.

How many bumps ``n_bumps`` a signal has is itself random; each bump's height ``height_k`` exists
only when there are enough bumps, so those sites are gated by ``n_bumps``, and the total's mean
depends on how many were added up (a control edge).

Reference: Green, "Reversible jump Markov chain Monte Carlo computation and Bayesian model
determination", Biometrika (1995) (the model class); this is a small illustration.
"""

import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist


def model(total=None):
    n_bumps = numpyro.sample("n_bumps", dist.Categorical(jnp.ones(3) / 3.0))
    signal = 0.0
    for k in range(int(n_bumps) + 1):
        signal = signal + numpyro.sample(f"height_{k}", dist.HalfNormal(1.0))
    numpyro.sample("total", dist.Normal(signal, 0.5), obs=total)


def examples():
    return {"model": ((), {"total": jnp.array(1.5)})}
