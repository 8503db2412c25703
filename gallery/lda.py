"""Latent Dirichlet allocation (nested plates).

Topic-word distributions ``phi`` in a plate of topics; per document topic weights ``theta``; per
word a topic ``z`` and the observed word ``w``, in a plate of words nested in the documents.

Reference: Blei, Ng & Jordan, "Latent Dirichlet allocation", JMLR (2003).
"""

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist


def model(docs, n_topics=3, vocab_size=12):
    n_words, n_docs = docs.shape
    with numpyro.plate("topics", n_topics):
        phi = numpyro.sample("phi", dist.Dirichlet(0.5 * jnp.ones(vocab_size)))
    with numpyro.plate("documents", n_docs):
        theta = numpyro.sample("theta", dist.Dirichlet(0.5 * jnp.ones(n_topics)))
        with numpyro.plate("words", n_words, dim=-2):
            z = numpyro.sample("z", dist.Categorical(theta))
            numpyro.sample("w", dist.Categorical(phi[z]), obs=docs)


def examples():
    rng = np.random.default_rng(3)
    return {"model": ((jnp.asarray(rng.integers(0, 12, size=(10, 6))),), {})}
