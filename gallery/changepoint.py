"""Coal-mining disasters: a change point, written with ``jnp.where`` and with a Python ``if``.

Yearly counts are Poisson with rate ``early_rate`` before a change year ``switch`` and
``late_rate`` after. With ``jnp.where`` the switch is data flow into every count; with a Python
``if`` on the sampled integer it is control flow: ``switch`` has control edges to the counts whose
rate it chooses, and both rates feed them.

Reference: Carlin, Gelfand & Smith, "Hierarchical Bayesian analysis of changepoint problems",
JRSS C (1992); PyMC's coal-mining example.
"""

import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist

DISASTERS = jnp.array([4, 5, 4, 0, 1, 4, 3, 4, 0, 6, 3, 3, 4, 0, 2, 6])


def with_where(counts):
    """Coal-mining disasters, switch by ``jnp.where``.

    The change year picks each year's rate in array code: data flow into every count.
    """
    T = counts.shape[0]
    switch = numpyro.sample("switch", dist.DiscreteUniform(0, T - 1))
    early_rate = numpyro.sample("early_rate", dist.Exponential(1.0))
    late_rate = numpyro.sample("late_rate", dist.Exponential(1.0))
    rate = jnp.where(jnp.arange(T) < switch, early_rate, late_rate)
    with numpyro.plate("years", T):
        numpyro.sample("counts", dist.Poisson(rate), obs=counts)


def with_if(counts):
    """Coal-mining disasters, switch by a Python ``if``.

    A loop over the years compares each with the sampled change year: ``switch`` has control
    edges to the counts whose rate it chooses, and both rates feed them.
    """
    T = counts.shape[0]
    switch = numpyro.sample("switch", dist.DiscreteUniform(0, T - 1))
    early_rate = numpyro.sample("early_rate", dist.Exponential(1.0))
    late_rate = numpyro.sample("late_rate", dist.Exponential(1.0))
    for t in range(T):
        rate = early_rate if t < int(switch) else late_rate
        numpyro.sample(f"count_{t}", dist.Poisson(rate), obs=counts[t])


def examples():
    return {"with_where": ((DISASTERS,), {}), "with_if": ((DISASTERS[:6],), {})}
