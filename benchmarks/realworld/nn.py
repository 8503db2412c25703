"""Neural networks and guides: ``numpyro.module`` with stax networks, ``numpyro.param`` sites.

Modelled on NumPyro's examples (vae, prodlda, bnn, stein_dmm's deep Markov model) and tutorials
(SVI part I's hand-written guides).
"""

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
from jax.example_libraries import stax
from numpyro.contrib.control_flow import scan
from numpyro.distributions import constraints


def _encoder(hidden_dim, z_dim):
    return stax.serial(
        stax.Dense(hidden_dim, W_init=stax.randn()), stax.Softplus,
        stax.FanOut(2),
        stax.parallel(stax.Dense(z_dim, W_init=stax.randn()),
                      stax.serial(stax.Dense(z_dim, W_init=stax.randn()), stax.Exp)),
    )


def _decoder(hidden_dim, out_dim):
    return stax.serial(
        stax.Dense(hidden_dim, W_init=stax.randn()), stax.Softplus,
        stax.Dense(out_dim, W_init=stax.randn()), stax.Sigmoid,
    )


def vae_model(batch, hidden_dim=16, z_dim=4):
    batch = jnp.reshape(batch, (batch.shape[0], -1))
    batch_dim, out_dim = jnp.shape(batch)
    decode = numpyro.module("decoder", _decoder(hidden_dim, out_dim), (batch_dim, z_dim))
    with numpyro.plate("batch", batch_dim):
        z = numpyro.sample("z", dist.Normal(0, 1).expand([z_dim]).to_event(1))
        img_loc = decode(z)
        return numpyro.sample("obs", dist.Bernoulli(img_loc).to_event(1), obs=batch)


def vae_guide(batch, hidden_dim=16, z_dim=4):
    batch = jnp.reshape(batch, (batch.shape[0], -1))
    batch_dim, out_dim = jnp.shape(batch)
    encode = numpyro.module("encoder", _encoder(hidden_dim, z_dim), (batch_dim, out_dim))
    z_loc, z_std = encode(batch)
    with numpyro.plate("batch", batch_dim):
        return numpyro.sample("z", dist.Normal(z_loc, z_std).to_event(1))


def prodlda_model(docs, num_topics=4):
    vocab_size = docs.shape[1]
    decoder = numpyro.module(
        "decoder", stax.serial(stax.Dense(vocab_size, W_init=stax.randn())),
        (1, num_topics))
    with numpyro.plate("documents", docs.shape[0]):
        theta = numpyro.sample("theta", dist.Dirichlet(jnp.ones(num_topics)))
        logits = decoder(theta)
        total_count = docs.sum(-1)
        numpyro.sample("obs", dist.Multinomial(total_count, logits=logits), obs=docs)


def prodlda_guide(docs, num_topics=4, hidden=16):
    vocab_size = docs.shape[1]
    encoder = numpyro.module(
        "encoder",
        stax.serial(stax.Dense(hidden), stax.Softplus, stax.Dense(num_topics), stax.Exp),
        (1, vocab_size))
    with numpyro.plate("documents", docs.shape[0]):
        numpyro.sample("theta", dist.Dirichlet(encoder(docs)))


def deep_markov_model(seqs, z_dim=3, hidden=8):
    """A DMM-like model: a gated transition network and an emitter network inside ``scan``."""
    _t, data_dim = seqs.shape
    trans = numpyro.module(
        "transition", stax.serial(stax.Dense(hidden), stax.Relu,
                                  stax.FanOut(2),
                                  stax.parallel(stax.Dense(z_dim),
                                                stax.serial(stax.Dense(z_dim), stax.Softplus))),
        (1, z_dim))
    emit = numpyro.module("emitter", stax.serial(stax.Dense(hidden), stax.Relu,
                                                 stax.Dense(data_dim), stax.Sigmoid),
                          (1, z_dim))
    z0 = numpyro.param("z_0", jnp.zeros(z_dim))

    def step(z_prev, x_t):
        z_loc, z_scale = trans(z_prev)
        z = numpyro.sample("z", dist.Normal(z_loc, z_scale).to_event(1))
        numpyro.sample("x", dist.Bernoulli(emit(z)).to_event(1), obs=x_t)
        return z, None

    scan(step, z0, seqs)


def bnn(x, y=None, d_h=5):
    """NumPyro's bnn example: a two-layer network with Normal priors on its weights."""
    d_x, d_y = x.shape[1], 1
    w1 = numpyro.sample("w1", dist.Normal(jnp.zeros((d_x, d_h)), jnp.ones((d_x, d_h))))
    z1 = jnp.tanh(jnp.matmul(x, w1))
    w2 = numpyro.sample("w2", dist.Normal(jnp.zeros((d_h, d_h)), jnp.ones((d_h, d_h))))
    z2 = jnp.tanh(jnp.matmul(z1, w2))
    w3 = numpyro.sample("w3", dist.Normal(jnp.zeros((d_h, d_y)), jnp.ones((d_h, d_y))))
    z3 = jnp.matmul(z2, w3)
    prec_obs = numpyro.sample("prec_obs", dist.Gamma(3.0, 1.0))
    sigma_obs = 1.0 / jnp.sqrt(prec_obs)
    with numpyro.plate("data", x.shape[0]):
        numpyro.sample("Y", dist.Normal(z3, sigma_obs).to_event(1), obs=y)


def two_param_guide(data):
    """SVI part I: a Beta guide for a coin's fairness, two constrained parameters."""
    alpha_q = numpyro.param("alpha_q", 15.0, constraint=constraints.positive)
    beta_q = numpyro.param("beta_q", 15.0, constraint=constraints.positive)
    numpyro.sample("latent_fairness", dist.Beta(alpha_q, beta_q))


def eight_schools_guide(sigma, y=None):
    """A mean-field guide for eight schools written by hand."""
    mu_loc = numpyro.param("mu_loc", 0.0)
    mu_scale = numpyro.param("mu_scale", 1.0, constraint=constraints.positive)
    tau_loc = numpyro.param("tau_loc", 0.0)
    tau_scale = numpyro.param("tau_scale", 1.0, constraint=constraints.positive)
    numpyro.sample("mu", dist.Normal(mu_loc, mu_scale))
    numpyro.sample("tau", dist.LogNormal(tau_loc, tau_scale))
    theta_loc = numpyro.param("theta_loc", jnp.zeros(sigma.shape[0]))
    theta_scale = numpyro.param("theta_scale", jnp.ones(sigma.shape[0]),
                                constraint=constraints.positive)
    with numpyro.plate("J", sigma.shape[0]):
        numpyro.sample("theta", dist.Normal(theta_loc, theta_scale))


def mle_regression(x, y=None):
    """Point estimates as parameters: weights and noise are ``numpyro.param`` sites."""
    w = numpyro.param("w", jnp.zeros(x.shape[1]))
    b = numpyro.param("b", 0.0)
    sigma = numpyro.param("sigma", 1.0, constraint=constraints.positive)
    with numpyro.plate("data", x.shape[0]):
        numpyro.sample("y", dist.Normal(x @ w + b, sigma), obs=y)


def amortised_regression_guide(x, y=None):
    """A guide whose local scales come from a small network of ``param`` weights."""
    w_loc = numpyro.param("w_loc", jnp.zeros(x.shape[1]))
    w_scale = numpyro.param("w_scale", 0.1 * jnp.ones(x.shape[1]),
                            constraint=constraints.positive)
    numpyro.sample("w", dist.Normal(w_loc, w_scale).to_event(1))
    hidden = numpyro.param("hidden", 0.1 * jnp.ones((x.shape[1], 4)))
    out = numpyro.param("out", 0.1 * jnp.ones(4))
    with numpyro.plate("data", x.shape[0]):
        local_scale = jax.nn.softplus(jnp.tanh(x @ hidden) @ out)
        numpyro.sample("eps", dist.Normal(0.0, local_scale))


def examples():
    rng = np.random.default_rng(5)
    images = jnp.asarray(rng.random((8, 6, 6)) > 0.5, dtype=jnp.float32)
    docs = jnp.asarray(rng.poisson(1.0, size=(10, 12)), dtype=jnp.float32)
    seqs = jnp.asarray(rng.random((6, 5)) > 0.5, dtype=jnp.float32)
    x = jnp.asarray(rng.normal(size=(20, 3)), dtype=jnp.float32)
    y = jnp.asarray(rng.normal(size=20), dtype=jnp.float32)
    sigma = jnp.asarray([15.0, 10, 16, 11, 9, 11, 10, 18])
    return {
        "vae_model": ((images,), {}),
        "vae_guide": ((images,), {}),
        "prodlda_model": ((docs,), {}),
        "prodlda_guide": ((docs,), {}),
        "deep_markov_model": ((seqs,), {}),
        "bnn": ((x,), {"y": y[:, None]}),
        "two_param_guide": ((jnp.ones(10),), {}),
        "eight_schools_guide": ((sigma,), {}),
        "mle_regression": ((x,), {"y": y}),
        "amortised_regression_guide": ((x,), {"y": y}),
    }
