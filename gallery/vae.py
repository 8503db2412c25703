"""Variational autoencoder: a neural network inside the model.

Each observation's latent code ``z`` is decoded by a neural network (``numpyro.module`` with a
``jax.example_libraries.stax`` network) into Bernoulli probabilities; the guide encodes each
observation into the mean and scale of its code. The network's weights are one ``param`` site,
a parent of what the network computes.

Reference: Kingma and Welling, "Auto-encoding variational Bayes", ICLR (2014); NumPyro's VAE
example.
"""

import numpy as np
import numpyro
import numpyro.distributions as dist
from jax.example_libraries import stax

Z_DIM = 2


def _decoder(out_dim):
    return stax.serial(stax.Dense(8), stax.Softplus, stax.Dense(out_dim), stax.Sigmoid)


def _encoder():
    return stax.serial(stax.Dense(8), stax.Softplus, stax.FanOut(2),
                       stax.parallel(stax.Dense(Z_DIM), stax.serial(stax.Dense(Z_DIM), stax.Exp)))


def model(x):
    """Variational autoencoder, the model.

    A neural network (``numpyro.module``) decodes each latent code ``z`` into Bernoulli
    probabilities of the observation.
    """
    n, dim = x.shape
    decode = numpyro.module("decoder", _decoder(dim), (n, Z_DIM))
    with numpyro.plate("N", n):
        z = numpyro.sample("z", dist.Normal(0.0, 1.0).expand([Z_DIM]).to_event(1))
        numpyro.sample("obs", dist.Bernoulli(decode(z)).to_event(1), obs=x)


def guide(x):
    """Variational autoencoder, the guide.

    A neural network encodes each observation into the mean and scale of its code ``z``.
    """
    encode = numpyro.module("encoder", _encoder(), x.shape)
    with numpyro.plate("N", x.shape[0]):
        loc, scale = encode(x)
        numpyro.sample("z", dist.Normal(loc, scale).to_event(1))


def examples():
    x = (np.random.default_rng(5).uniform(size=(12, 6)) > 0.5).astype(np.float32)
    return {"model": ((x,), {}), "guide": ((x,), {})}
