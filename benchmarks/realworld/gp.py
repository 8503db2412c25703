"""Gaussian processes: exact GPs with a MultivariateNormal, and Hilbert-space approximations.

Modelled on NumPyro's examples (gp, hsgp's birthdays model) and tutorials
(hsgp_example, gaussian-process classification).
"""

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
from numpyro.contrib.control_flow import scan


def _rbf(x, z, var, length, noise, jitter=1.0e-6, include_noise=True):
    deltaxsq = jnp.power((x[:, None] - z) / length, 2.0)
    k = var * jnp.exp(-0.5 * deltaxsq)
    if include_noise:
        k += (noise + jitter) * jnp.eye(x.shape[0])
    return k


def exact_gp(x, y):
    var = numpyro.sample("kernel_var", dist.LogNormal(0.0, 10.0))
    noise = numpyro.sample("kernel_noise", dist.LogNormal(0.0, 10.0))
    length = numpyro.sample("kernel_length", dist.LogNormal(0.0, 10.0))
    k = _rbf(x, x, var, length, noise)
    numpyro.sample("y", dist.MultivariateNormal(loc=jnp.zeros(x.shape[0]),
                                                covariance_matrix=k), obs=y)


def gp_classification(x, y=None):
    var = numpyro.sample("kernel_var", dist.HalfNormal(1.0))
    length = numpyro.sample("kernel_length", dist.InverseGamma(5.0, 5.0))
    k = _rbf(x, x, var, length, 0.0)
    f = numpyro.sample("f", dist.MultivariateNormal(jnp.zeros(x.shape[0]),
                                                    scale_tril=jnp.linalg.cholesky(k)))
    with numpyro.plate("data", x.shape[0]):
        numpyro.sample("y", dist.Bernoulli(logits=f), obs=y)


def _spectral_density(w, alpha, length):
    c = alpha * jnp.sqrt(2 * jnp.pi) * length
    return c * jnp.exp(-0.5 * (length**2) * (w**2))


def _eigenfunctions(x, ell, m):
    m1 = (jnp.pi / (2 * ell)) * jnp.tile(ell + x[:, None], m)
    m2 = jnp.diag(jnp.linspace(1, m, num=m))
    return jnp.sin(m1 @ m2) / jnp.sqrt(ell)


def _approx_se_ncp(prefix, x, alpha, length, ell, m):
    phi = _eigenfunctions(x, ell, m)
    sqrt_eig = jnp.arange(1, 1 + m) * jnp.pi / 2 / ell
    spd = jnp.sqrt(_spectral_density(sqrt_eig, alpha, length))
    with numpyro.plate(f"{prefix}basis", m):
        beta = numpyro.sample(f"{prefix}beta", dist.Normal(0.0, 1.0))
    return numpyro.deterministic(f"{prefix}f", phi @ (spd * beta))


def _periodic(prefix, x, alpha, length, w0, m):
    a = length ** (-2)
    j = jnp.arange(0, m)
    c = jnp.where(j > 0, 2, 1)
    q2 = c * alpha**2 / jnp.exp(a) * jnp.exp(-a) * (1.0 + a * j)  # a smooth stand-in for I_j
    mw0x = jnp.tile(w0 * x[:, None], m) @ jnp.diag(jnp.arange(m, dtype=jnp.float32))
    with numpyro.plate(f"{prefix}cos_basis", m):
        beta_cos = numpyro.sample(f"{prefix}beta_cos", dist.Normal(0.0, 1.0))
    with numpyro.plate(f"{prefix}sin_basis", m - 1):
        beta_sin = numpyro.sample(f"{prefix}beta_sin", dist.Normal(0.0, 1.0))
    beta_sin = jnp.concatenate((jnp.zeros(1), beta_sin))
    return numpyro.deterministic(f"{prefix}f", jnp.cos(mw0x) @ (q2 * beta_cos)
                                 + jnp.sin(mw0x) @ (q2 * beta_sin))


def hsgp_birthdays(x, day_of_week, day_of_year, memorial, ell=1.5, m1=10, m2=10, m3=5,
                   w0=0.5, y=None):
    """The birthdays model of NumPyro's hsgp example, its components with prefixed names."""
    intercept = numpyro.sample("intercept", dist.Normal(0.0, 1.0))
    alpha1 = numpyro.sample("trend/alpha", dist.HalfNormal(1.0))
    length1 = numpyro.sample("trend/length", dist.InverseGamma(10.0, 2.0))
    f1 = _approx_se_ncp("trend/", x, alpha1, length1, ell, m1)
    alpha2 = numpyro.sample("year/alpha", dist.HalfNormal(1.0))
    length2 = numpyro.sample("year/length", dist.HalfNormal(0.2))
    f2 = _periodic("year/", x, alpha2, length2, w0, m2)
    alpha3 = numpyro.sample("week-trend/alpha", dist.HalfNormal(1.0))
    length3 = numpyro.sample("week-trend/length", dist.InverseGamma(10.0, 2.0))
    g3 = _approx_se_ncp("week-trend/", x, alpha3, length3, ell, m3)
    with numpyro.plate("plate_day_of_week", 6):
        weekday = numpyro.sample("week/_beta", dist.Normal(0.0, 1.0))
    monday = jnp.array([-jnp.sum(weekday)])
    beta_week = numpyro.deterministic("week/beta", jnp.concatenate((monday, weekday)))
    tau = numpyro.sample("day/tau", dist.HalfNormal(0.2))
    c_aux = numpyro.sample("day/c_aux", dist.InverseGamma(25.0, 25.0))
    c = 2 * jnp.sqrt(c_aux)
    with numpyro.plate("plate_day_of_year", 366):
        lam = numpyro.sample("day/lam", dist.HalfCauchy(scale=1.0))
        lam_tilde = jnp.sqrt(c) * lam / jnp.sqrt(c + (tau * lam) ** 2)
        beta_day = numpyro.sample("day/beta", dist.Normal(0.0, tau * lam_tilde))
    beta_memorial = numpyro.sample("memorial/beta", dist.Normal(0.0, 1.0))
    day = beta_day[day_of_year] + beta_memorial * memorial
    f = numpyro.deterministic(
        "f", intercept + f1 + f2 + jnp.exp(g3) * beta_week[day_of_week] + day)
    sigma = numpyro.sample("sigma", dist.HalfNormal(0.5))
    with numpyro.plate("obs", x.shape[0]):
        numpyro.sample("y", dist.Normal(f, sigma), obs=y)


def hsgp_regression(x, y=None, ell=2.0, m=20):
    alpha = numpyro.sample("alpha", dist.HalfNormal(1.0))
    length = numpyro.sample("length", dist.InverseGamma(5.0, 5.0))
    f = _approx_se_ncp("", x, alpha, length, ell, m)
    noise = numpyro.sample("noise", dist.HalfNormal(1.0))
    with numpyro.plate("data", x.shape[0]):
        numpyro.sample("y", dist.Normal(f, noise), obs=y)


def multi_output_gp(x, y):
    """Two outputs sharing one kernel, correlated through an LKJ prior (an ICM-style GP)."""
    length = numpyro.sample("length", dist.LogNormal(0.0, 1.0))
    l_omega = numpyro.sample("L_omega", dist.LKJCholesky(2, 2.0))
    sigma_out = numpyro.sample("sigma_out", dist.HalfNormal(1.0).expand([2]).to_event(1))
    k = _rbf(x, x, 1.0, length, 0.0) + 1e-4 * jnp.eye(x.shape[0])
    lk = jnp.linalg.cholesky(k)
    with numpyro.plate("outputs", 2, dim=-2):
        with numpyro.plate("points", x.shape[0], dim=-1):
            z = numpyro.sample("z", dist.Normal(0.0, 1.0))
    b = sigma_out[:, None] * l_omega
    f = numpyro.deterministic("f", b @ z @ lk.T)
    noise = numpyro.sample("noise", dist.HalfNormal(0.5))
    with numpyro.plate("outputs", 2, dim=-2), numpyro.plate("points", x.shape[0], dim=-1):
        numpyro.sample("y", dist.Normal(f, noise), obs=y)


def gp_random_walk_trend(y):
    """A slowly varying trend with a scan-built random walk beside a seasonal GP term."""
    sigma_trend = numpyro.sample("sigma_trend", dist.HalfNormal(0.2))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))

    def step(level, y_t):
        level = numpyro.sample("level", dist.Normal(level, sigma_trend))
        numpyro.sample("y", dist.Normal(level, sigma), obs=y_t)
        return level, None

    scan(step, 0.0, y)


def examples():
    rng = np.random.default_rng(3)
    n = 25
    x = jnp.asarray(np.linspace(-2, 2, n), dtype=jnp.float32)
    y = jnp.asarray(np.sin(2 * np.asarray(x)) + rng.normal(scale=0.2, size=n),
                    dtype=jnp.float32)
    binary = jnp.asarray((np.asarray(y) > 0).astype(np.float32))
    days = 60
    xb = jnp.asarray(np.linspace(-1.7, 1.7, days), dtype=jnp.float32)
    yb = jnp.asarray(rng.normal(size=days), dtype=jnp.float32)
    return {
        "exact_gp": ((x, y), {}),
        "gp_classification": ((x,), {"y": binary}),
        "hsgp_birthdays": ((xb, jnp.asarray(np.arange(days) % 7),
                            jnp.asarray(np.arange(days) % 366),
                            jnp.asarray((np.arange(days) == 30).astype(np.float32))),
                           {"y": yb}),
        "hsgp_regression": ((x,), {"y": y}),
        "multi_output_gp": ((x, jnp.stack([y, -y])), {}),
        "gp_random_walk_trend": ((y,), {}),
    }
