"""Regression models: GLMs, hierarchical and crossed effects, imputation, survival, sparsity.

Modelled on NumPyro's examples (baseball, sparse_regression, horseshoe_regression, funnel,
proportion_test) and tutorials (bayesian_regression, bayesian_imputation, ordinal_regression,
bayesian_hierarchical_linear_regression).
"""

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
from numpyro import handlers
from numpyro.distributions import constraints
from numpyro.infer.reparam import LocScaleReparam, TransformReparam


def linear_regression(marriage, age, divorce=None):
    a = numpyro.sample("a", dist.Normal(0.0, 0.2))
    b_m = numpyro.sample("bM", dist.Normal(0.0, 0.5))
    b_a = numpyro.sample("bA", dist.Normal(0.0, 0.5))
    sigma = numpyro.sample("sigma", dist.Exponential(1.0))
    mu = numpyro.deterministic("mu", a + b_m * marriage + b_a * age)
    with numpyro.plate("states", marriage.shape[0]):
        numpyro.sample("obs", dist.Normal(mu, sigma), obs=divorce)


def logistic_regression(x, y=None):
    n, d = x.shape
    coefs = numpyro.sample("coefs", dist.Normal(jnp.zeros(d), jnp.ones(d)).to_event(1))
    intercept = numpyro.sample("intercept", dist.Normal(0.0, 10.0))
    logits = jnp.dot(x, coefs) + intercept
    with numpyro.plate("N", n):
        numpyro.sample("obs", dist.Bernoulli(logits=logits), obs=y)


def poisson_regression(x, exposure, counts=None):
    beta = numpyro.sample("beta", dist.Normal(0.0, 1.0).expand([x.shape[1]]).to_event(1))
    alpha = numpyro.sample("alpha", dist.Normal(0.0, 5.0))
    with numpyro.plate("obs_plate", x.shape[0]):
        rate = jnp.exp(alpha + x @ beta + jnp.log(exposure))
        numpyro.sample("counts", dist.Poisson(rate), obs=counts)


def negative_binomial_regression(x, counts=None):
    beta = numpyro.sample("beta", dist.Normal(0.0, 1.0).expand([x.shape[1]]).to_event(1))
    alpha = numpyro.sample("alpha", dist.Normal(0.0, 5.0))
    concentration = numpyro.sample("concentration", dist.Gamma(2.0, 0.1))
    with numpyro.plate("obs_plate", x.shape[0]):
        mean = jnp.exp(alpha + x @ beta)
        numpyro.sample("counts", dist.NegativeBinomial2(mean, concentration), obs=counts)


def robust_regression(x, y=None):
    alpha = numpyro.sample("alpha", dist.Normal(0.0, 10.0))
    beta = numpyro.sample("beta", dist.Normal(0.0, 10.0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(5.0))
    nu = numpyro.sample("nu", dist.Gamma(2.0, 0.1))
    with numpyro.plate("data", x.shape[0]):
        numpyro.sample("y", dist.StudentT(nu, alpha + beta * x, sigma), obs=y)


def horseshoe_regression(x, y=None):
    d = x.shape[1]
    tau = numpyro.sample("tau", dist.HalfCauchy(1.0))
    with numpyro.plate("features", d):
        lam = numpyro.sample("lambda", dist.HalfCauchy(1.0))
        unscaled = numpyro.sample("unscaled_betas", dist.Normal(0.0, 1.0))
        betas = numpyro.deterministic("betas", tau * lam * unscaled)
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    with numpyro.plate("data", x.shape[0]):
        numpyro.sample("y", dist.Normal(x @ betas, sigma), obs=y)


def hierarchical_glm(county, log_uranium, floor, log_radon=None):
    n_counties = int(np.max(np.asarray(county))) + 1
    g0 = numpyro.sample("gamma_0", dist.Normal(0.0, 10.0))
    g1 = numpyro.sample("gamma_1", dist.Normal(0.0, 10.0))
    sigma_a = numpyro.sample("sigma_a", dist.HalfCauchy(5.0))
    b = numpyro.sample("b", dist.Normal(0.0, 1.0))
    with numpyro.plate("counties", n_counties):
        mu_a = g0 + g1 * log_uranium
        a = numpyro.sample("a", dist.Normal(mu_a, sigma_a))
    sigma_y = numpyro.sample("sigma_y", dist.HalfCauchy(5.0))
    with numpyro.plate("houses", county.shape[0]):
        numpyro.sample("log_radon", dist.Normal(a[county] + b * floor, sigma_y), obs=log_radon)


def crossed_random_effects(subject, item, y=None):
    n_subjects = int(np.max(np.asarray(subject))) + 1
    n_items = int(np.max(np.asarray(item))) + 1
    mu = numpyro.sample("mu", dist.Normal(0.0, 5.0))
    sigma_s = numpyro.sample("sigma_subject", dist.HalfNormal(1.0))
    sigma_i = numpyro.sample("sigma_item", dist.HalfNormal(1.0))
    with numpyro.plate("subjects", n_subjects):
        u = numpyro.sample("u", dist.Normal(0.0, sigma_s))
    with numpyro.plate("items", n_items):
        w = numpyro.sample("w", dist.Normal(0.0, sigma_i))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    with numpyro.plate("trials", y.shape[0]):
        numpyro.sample("y", dist.Normal(mu + u[subject] + w[item], sigma), obs=y)


def varying_slopes_lkj(group, x, y=None):
    n_groups = int(np.max(np.asarray(group))) + 1
    mu = numpyro.sample("mu", dist.Normal(0.0, 5.0).expand([2]).to_event(1))
    tau = numpyro.sample("tau", dist.HalfCauchy(2.0).expand([2]).to_event(1))
    l_omega = numpyro.sample("L_omega", dist.LKJCholesky(2, concentration=2.0))
    scale_tril = tau[..., None] * l_omega
    with numpyro.plate("groups", n_groups):
        ab = numpyro.sample("ab", dist.MultivariateNormal(mu, scale_tril=scale_tril))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    with numpyro.plate("obs", x.shape[0]):
        mean = ab[group, 0] + ab[group, 1] * x
        numpyro.sample("y", dist.Normal(mean, sigma), obs=y)


def baseball_partial_pooling(at_bats, hits=None):
    m = numpyro.sample("m", dist.Uniform(0.0, 1.0))
    kappa = numpyro.sample("kappa", dist.Pareto(1.0, 1.5))
    with numpyro.plate("players", at_bats.shape[0]):
        phi = numpyro.sample("phi", dist.Beta(m * kappa, (1 - m) * kappa))
        numpyro.sample("obs", dist.Binomial(at_bats, probs=phi), obs=hits)


def baseball_logit_pooling(at_bats, hits=None):
    loc = numpyro.sample("loc", dist.Normal(-1.0, 1.0))
    scale = numpyro.sample("scale", dist.HalfCauchy(1.0))
    with numpyro.plate("players", at_bats.shape[0]):
        alpha = numpyro.sample("alpha", dist.Normal(loc, scale))
        numpyro.sample("obs", dist.Binomial(at_bats, logits=alpha), obs=hits)


def proportion_test(design, y=None):
    coefs = numpyro.sample("coefs", dist.Normal(jnp.zeros(3), jnp.ones(3)).to_event(1))
    logits = numpyro.deterministic("logits", design @ coefs)
    with numpyro.plate("patients", design.shape[0]):
        numpyro.sample("y", dist.Bernoulli(logits=logits), obs=y)


def ordinal_regression(x, y=None, n_classes=4):
    b_x = numpyro.sample("b_X_eta", dist.Normal(0.0, 5.0))
    cutpoints = numpyro.sample(
        "c_y",
        dist.ImproperUniform(support=constraints.ordered_vector, batch_shape=(),
                             event_shape=(n_classes - 1,)),
    )
    with numpyro.plate("obs", x.shape[0]):
        eta = x * b_x
        numpyro.sample("Y", dist.OrderedLogistic(eta, cutpoints), obs=y)


def ordinal_regression_induced_dirichlet(x, y=None, n_classes=4):
    b_x = numpyro.sample("b_X_eta", dist.Normal(0.0, 5.0))
    probs = numpyro.sample("probs", dist.Dirichlet(jnp.ones(n_classes)))
    cutpoints = numpyro.deterministic(
        "c_y", jnp.log(jnp.cumsum(probs)[:-1]) - jnp.log1p(-jnp.cumsum(probs)[:-1]))
    with numpyro.plate("obs", x.shape[0]):
        numpyro.sample("Y", dist.OrderedLogistic(x * b_x, cutpoints), obs=y)


def imputation(age, income, purchased=None):
    """Bayesian imputation: missing ages drawn from a prior and scattered in with ``.at[]``."""
    missing = np.isnan(np.asarray(age))
    missing_idx = np.nonzero(missing)[0]
    age_mu = numpyro.sample("age_mu", dist.Normal(0.0, 1.0))
    age_sigma = numpyro.sample("age_sigma", dist.HalfNormal(1.0))
    age_impute = numpyro.sample(
        "age_impute", dist.Normal(age_mu, age_sigma).expand([len(missing_idx)]).mask(False))
    age = jnp.asarray(age).at[missing_idx].set(age_impute)
    numpyro.sample("age", dist.Normal(age_mu, age_sigma), obs=age)
    a = numpyro.sample("a", dist.Normal(0.0, 1.0))
    b_age = numpyro.sample("b_age", dist.Normal(0.0, 1.0))
    b_income = numpyro.sample("b_income", dist.Normal(0.0, 1.0))
    logits = a + b_age * age + b_income * income
    numpyro.sample("purchased", dist.Bernoulli(logits=logits), obs=purchased)


def survival_weibull(x, time, censored):
    """Weibull survival with right censoring: observed times by density, censored by survival."""
    beta = numpyro.sample("beta", dist.Normal(0.0, 1.0).expand([x.shape[1]]).to_event(1))
    k = numpyro.sample("k", dist.Gamma(2.0, 1.0))
    with numpyro.plate("patients", x.shape[0]):
        scale = jnp.exp(x @ beta)
        weibull = dist.Weibull(scale, k)
        numpyro.sample("time", weibull.mask(~censored), obs=time)
        survival = jnp.exp(-((time / scale) ** k))
        numpyro.sample("censored_obs", dist.Bernoulli(survival).mask(censored),
                       obs=censored.astype(jnp.float32))


def change_point(counts):
    """The coal-mining disasters: two rates and a switch point."""
    n = counts.shape[0]
    early = numpyro.sample("early_rate", dist.Exponential(1.0))
    late = numpyro.sample("late_rate", dist.Exponential(1.0))
    switch = numpyro.sample("switch_point", dist.Uniform(0.0, n))
    rate = jnp.where(jnp.arange(n) < switch, early, late)
    with numpyro.plate("years", n):
        numpyro.sample("disasters", dist.Poisson(rate), obs=counts)


def zero_inflated_poisson(x, counts=None):
    gate_logit = numpyro.sample("gate_logit", dist.Normal(0.0, 1.0))
    beta = numpyro.sample("beta", dist.Normal(0.0, 1.0))
    with numpyro.plate("obs", x.shape[0]):
        rate = jnp.exp(beta * x)
        numpyro.sample("counts", dist.ZeroInflatedPoisson(jax_sigmoid(gate_logit), rate),
                       obs=counts)


def jax_sigmoid(z):
    return 1.0 / (1.0 + jnp.exp(-z))


@handlers.reparam(config={"theta": LocScaleReparam(centered=0)})
def eight_schools_noncentered(sigma, y=None):
    mu = numpyro.sample("mu", dist.Normal(0.0, 5.0))
    tau = numpyro.sample("tau", dist.HalfCauchy(5.0))
    with numpyro.plate("J", sigma.shape[0]):
        theta = numpyro.sample("theta", dist.Normal(mu, tau))
        numpyro.sample("obs", dist.Normal(theta, sigma), obs=y)


def funnel_reparam(dim=10):
    y = numpyro.sample("y", dist.Normal(0.0, 3.0))
    with handlers.reparam(config={"x": LocScaleReparam(0)}):
        numpyro.sample("x", dist.Normal(jnp.zeros(dim - 1), jnp.exp(y / 2)).to_event(1))


def lognormal_transform_reparam(y=None):
    loc = numpyro.sample("loc", dist.Normal(0.0, 1.0))
    scale = numpyro.sample("scale", dist.HalfNormal(1.0))
    with numpyro.plate("N", y.shape[0]), handlers.reparam(config={"z": TransformReparam()}):
        z = numpyro.sample("z", dist.TransformedDistribution(
            dist.Normal(0.0, 1.0), dist.transforms.AffineTransform(loc, scale)))
        numpyro.sample("y", dist.LogNormal(z, 0.1), obs=y)


def bayesian_lasso(x, y=None):
    lam = numpyro.sample("lambda", dist.Gamma(1.0, 1.0))
    with numpyro.plate("features", x.shape[1]):
        beta = numpyro.sample("beta", dist.Laplace(0.0, 1.0 / lam))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    with numpyro.plate("data", x.shape[0]):
        numpyro.sample("y", dist.Normal(x @ beta, sigma), obs=y)


def examples():
    rng = np.random.default_rng(0)
    n, d = 40, 3
    x = jnp.asarray(rng.normal(size=(n, d)), dtype=jnp.float32)
    x1 = jnp.asarray(rng.normal(size=n), dtype=jnp.float32)
    y = jnp.asarray(rng.normal(size=n), dtype=jnp.float32)
    binary = jnp.asarray(rng.integers(0, 2, size=n), dtype=jnp.float32)
    counts = jnp.asarray(rng.poisson(3.0, size=n), dtype=jnp.float32)
    county = jnp.asarray(np.arange(n) % 8)
    subject = jnp.asarray(np.arange(n) % 5)
    item = jnp.asarray(np.arange(n) % 4)
    at_bats = jnp.asarray(rng.integers(20, 60, size=12), dtype=jnp.float32)
    hits = jnp.asarray(np.floor(np.asarray(at_bats) * 0.25), dtype=jnp.float32)
    age = rng.normal(size=n).astype(np.float32)
    age[[3, 11, 27]] = np.nan
    time = jnp.asarray(rng.weibull(1.5, size=n), dtype=jnp.float32)
    censored = jnp.asarray(rng.random(n) < 0.3)
    ordinal = jnp.asarray(rng.integers(0, 4, size=n))
    design = jnp.asarray(np.c_[np.ones(n), rng.integers(0, 2, size=(n, 2))], dtype=jnp.float32)
    return {
        "linear_regression": ((x[:, 0], x[:, 1]), {"divorce": y}),
        "logistic_regression": ((x,), {"y": binary}),
        "poisson_regression": ((x, jnp.ones(n)), {"counts": counts}),
        "negative_binomial_regression": ((x,), {"counts": counts}),
        "robust_regression": ((x1,), {"y": y}),
        "horseshoe_regression": ((x,), {"y": y}),
        "hierarchical_glm": ((county, jnp.asarray(rng.normal(size=8), dtype=jnp.float32),
                              binary), {"log_radon": y}),
        "crossed_random_effects": ((subject, item), {"y": y}),
        "varying_slopes_lkj": ((county, x1), {"y": y}),
        "baseball_partial_pooling": ((at_bats,), {"hits": hits}),
        "baseball_logit_pooling": ((at_bats,), {"hits": hits}),
        "proportion_test": ((design,), {"y": binary}),
        "ordinal_regression": ((x1,), {"y": ordinal}),
        "ordinal_regression_induced_dirichlet": ((x1,), {"y": ordinal}),
        "imputation": ((age, x1), {"purchased": binary}),
        "survival_weibull": ((x, time, censored), {}),
        "change_point": ((counts,), {}),
        "zero_inflated_poisson": ((x1,), {"counts": counts}),
        "eight_schools_noncentered": ((jnp.asarray([15.0, 10, 16, 11, 9, 11, 10, 18]),),
                                      {"y": jnp.asarray([28.0, 8, -3, 7, -1, 1, 18, 12])}),
        "funnel_reparam": ((), {}),
        "lognormal_transform_reparam": ((), {"y": jnp.exp(y[:10])}),
        "bayesian_lasso": ((x,), {"y": y}),
    }
