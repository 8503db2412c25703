"""Latent Dirichlet allocation with per-document topic weights (topics beside documents).

LDA written with unnormalised Gamma topic weights ``theta`` for every document and topic (a
Dirichlet draw, normalised): ``theta`` lies in the documents plate and in the topics plate, so
the topics plate, which also holds the topic-word distributions ``phi``, stands beside the
documents plate and overlaps it; the words plate nests in documents.

Reference: Blei, Ng & Jordan, "Latent Dirichlet allocation", JMLR (2003); the Gamma form of the
Dirichlet as in Zhou & Carin, "Negative binomial process count and mixture modeling", IEEE TPAMI
(2015).
"""

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist


def model(docs, n_topics=3, vocab_size=12):
    n_words, n_docs = docs.shape
    with numpyro.plate("topics", n_topics, dim=-2):
        phi = numpyro.sample("phi", dist.Dirichlet(0.5 * jnp.ones(vocab_size)))
    with numpyro.plate("topics", n_topics, dim=-2), numpyro.plate("documents", n_docs, dim=-1):
        theta = numpyro.sample("theta", dist.Gamma(0.5, 1.0))
    with numpyro.plate("documents", n_docs, dim=-1):
        weights = (theta / theta.sum(0)).T
        with numpyro.plate("words", n_words, dim=-2):
            z = numpyro.sample("z", dist.Categorical(weights))
            numpyro.sample("w", dist.Categorical(phi[:, 0][z]), obs=docs)


def examples():
    rng = np.random.default_rng(3)
    return {"model": ((jnp.asarray(rng.integers(0, 12, size=(10, 6))),), {})}
