"""Mixtures and discrete latents: enumerated assignments, mixture distributions, circular data.

Modelled on NumPyro's examples (annotation, ssbvm_mixture, capture_recapture's enumeration) and
tutorials (gmm, discrete_imputation, truncated_distributions, dirichlet-process mixtures).
"""

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
from numpyro import handlers
from numpyro.infer.reparam import CircularReparam


def gmm_enumerated(data, k=3):
    weights = numpyro.sample("weights", dist.Dirichlet(0.5 * jnp.ones(k)))
    scale = numpyro.sample("scale", dist.LogNormal(0.0, 2.0))
    with numpyro.plate("components", k):
        locs = numpyro.sample("locs", dist.Normal(0.0, 10.0))
    with numpyro.plate("data", data.shape[0]):
        assignment = numpyro.sample("assignment", dist.Categorical(weights),
                                    infer={"enumerate": "parallel"})
        numpyro.sample("obs", dist.Normal(locs[assignment], scale), obs=data)


def gmm_mixture_same_family(data, k=3):
    weights = numpyro.sample("weights", dist.Dirichlet(jnp.ones(k)))
    with numpyro.plate("components", k):
        locs = numpyro.sample("locs", dist.Normal(0.0, 10.0))
        scales = numpyro.sample("scales", dist.HalfNormal(2.0))
    mixture = dist.MixtureSameFamily(dist.Categorical(probs=weights), dist.Normal(locs, scales))
    with numpyro.plate("data", data.shape[0]):
        numpyro.sample("obs", mixture, obs=data)


def mixture_general(data):
    weights = numpyro.sample("weights", dist.Dirichlet(jnp.ones(2)))
    loc = numpyro.sample("loc", dist.Normal(0.0, 5.0))
    scale = numpyro.sample("scale", dist.HalfNormal(2.0))
    mixture = dist.MixtureGeneral(dist.Categorical(probs=weights),
                                  [dist.Normal(loc, 1.0), dist.StudentT(3.0, 0.0, scale)])
    with numpyro.plate("data", data.shape[0]):
        numpyro.sample("obs", mixture, obs=data)


def dawid_skene(positions, annotations, num_classes=3):
    """NumPyro's annotation example: annotator confusion matrices, true classes enumerated."""
    num_annotators = int(np.max(np.asarray(positions))) + 1
    with numpyro.plate("annotator", num_annotators, dim=-2):
        with numpyro.plate("class", num_classes):
            beta = numpyro.sample("beta", dist.Dirichlet(jnp.ones(num_classes)))
    pi = numpyro.sample("pi", dist.Dirichlet(jnp.ones(num_classes)))
    with numpyro.plate("item", annotations.shape[0], dim=-2):
        c = numpyro.sample("c", dist.Categorical(pi), infer={"enumerate": "parallel"})
        with numpyro.plate("position", annotations.shape[-1]):
            numpyro.sample("y", dist.Categorical(beta[positions, c, :]), obs=annotations)


@handlers.reparam(config={"phi_loc": CircularReparam(), "psi_loc": CircularReparam()})
def circular_mixture(phi, psi, num_mix_comp=2):
    """The sine-bivariate-von-Mises mixture of NumPyro's ssbvm example, with von Mises marginals."""
    mix_weights = numpyro.sample("mix_weights", dist.Dirichlet(jnp.ones(num_mix_comp)))
    with numpyro.plate("mix_comp", num_mix_comp):
        phi_loc = numpyro.sample("phi_loc", dist.VonMises(0.0, 1.0))
        psi_loc = numpyro.sample("psi_loc", dist.VonMises(0.0, 1.0))
        phi_conc = numpyro.sample("phi_conc", dist.Beta(2.0, 2.0))
        psi_conc = numpyro.sample("psi_conc", dist.Beta(2.0, 2.0))
    with numpyro.plate("obs_plate", phi.shape[0], dim=-1):
        assign = numpyro.sample("mix_comp_assign", dist.Categorical(mix_weights),
                                infer={"enumerate": "parallel"})
        numpyro.sample("phi", dist.VonMises(phi_loc[assign], 70 * phi_conc[assign]), obs=phi)
        numpyro.sample("psi", dist.VonMises(psi_loc[assign], 70 * psi_conc[assign]), obs=psi)


def stick_breaking_mixture(data, t=6):
    """A truncated Dirichlet-process mixture: stick-breaking weights and a MixtureSameFamily."""
    alpha = numpyro.sample("alpha", dist.Gamma(1.0, 1.0))
    with numpyro.plate("sticks", t - 1):
        v = numpyro.sample("v", dist.Beta(1.0, alpha))
    v1 = jnp.concatenate([v, jnp.ones(1)])
    remaining = jnp.concatenate([jnp.ones(1), jnp.cumprod(1 - v)])
    weights = numpyro.deterministic("weights", v1 * remaining)
    with numpyro.plate("components", t):
        mu = numpyro.sample("mu", dist.Normal(0.0, 5.0))
    with numpyro.plate("data", data.shape[0]):
        numpyro.sample("obs", dist.MixtureSameFamily(dist.Categorical(weights),
                                                     dist.Normal(mu, 1.0)), obs=data)


def discrete_imputation(a, b, y=None):
    """A missing binary covariate enumerated out (NumPyro's discrete imputation tutorial)."""
    p_b = numpyro.sample("p_b", dist.Beta(1.0, 1.0))
    coef_a = numpyro.sample("coef_a", dist.Normal(0.0, 1.0))
    coef_b = numpyro.sample("coef_b", dist.Normal(0.0, 1.0))
    with numpyro.plate("obs", a.shape[0]):
        b_obs = jnp.nan_to_num(b)
        b_full = numpyro.sample("b", dist.Bernoulli(p_b).mask(jnp.isnan(b)),
                                infer={"enumerate": "parallel"})
        b_value = jnp.where(jnp.isnan(b), b_full, b_obs)
        numpyro.sample("b_obs", dist.Bernoulli(p_b).mask(~jnp.isnan(b)), obs=b_obs)
        numpyro.sample("y", dist.Bernoulli(logits=coef_a * a + coef_b * b_value), obs=y)


def zero_inflated_mixture(counts):
    gate = numpyro.sample("gate", dist.Beta(1.0, 1.0))
    rate = numpyro.sample("rate", dist.Gamma(2.0, 0.5))
    with numpyro.plate("obs", counts.shape[0]):
        zero = numpyro.sample("zero", dist.Bernoulli(gate), infer={"enumerate": "parallel"})
        numpyro.sample("counts", dist.Poisson(rate * (1 - zero) + 1e-3), obs=counts)


def examples():
    rng = np.random.default_rng(2)
    n = 30
    data = jnp.asarray(np.r_[rng.normal(-2, 1, 15), rng.normal(3, 1, 15)], dtype=jnp.float32)
    positions = jnp.asarray([0, 1, 2, 3])
    annotations = jnp.asarray(rng.integers(0, 3, size=(12, 4)))
    angles = jnp.asarray(rng.vonmises(0.5, 4.0, size=n), dtype=jnp.float32)
    angles2 = jnp.asarray(rng.vonmises(-1.0, 4.0, size=n), dtype=jnp.float32)
    b = rng.integers(0, 2, size=n).astype(np.float32)
    b[[2, 9, 17]] = np.nan
    return {
        "gmm_enumerated": ((data,), {}),
        "gmm_mixture_same_family": ((data,), {}),
        "mixture_general": ((data,), {}),
        "dawid_skene": ((positions, annotations), {}),
        "circular_mixture": ((angles, angles2), {}),
        "stick_breaking_mixture": ((data,), {}),
        "discrete_imputation": ((jnp.asarray(rng.normal(size=n), dtype=jnp.float32),
                                 jnp.asarray(b)),
                                {"y": jnp.asarray(rng.integers(0, 2, size=n),
                                                  dtype=jnp.float32)}),
        "zero_inflated_mixture": ((jnp.asarray(rng.poisson(2.0, size=n), dtype=jnp.float32),),
                                  {}),
    }
