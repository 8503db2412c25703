"""Time series: autoregressions, state-space models and HMMs written with ``scan``.

Modelled on NumPyro's examples (ar2, stochastic_volatility, holt_winters, hmm_enum,
predator-prey's ODE) and tutorials (time_series_forecasting's SGT, discrete_imputation).
"""

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
from jax.experimental.ode import odeint
from numpyro.contrib.control_flow import scan


def ar2_scan(y):
    alpha_1 = numpyro.sample("alpha_1", dist.Normal(0.0, 1.0))
    alpha_2 = numpyro.sample("alpha_2", dist.Normal(0.0, 1.0))
    const = numpyro.sample("const", dist.Normal(0.0, 1.0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))

    def transition(carry, _):
        y_prev, y_prev_prev = carry
        m_t = const + alpha_1 * y_prev + alpha_2 * y_prev_prev
        y_t = numpyro.sample("y", dist.Normal(m_t, sigma))
        return (y_t, y_prev), m_t

    timesteps = jnp.arange(y.shape[0] - 2)
    init = (y[1], y[0])
    with numpyro.handlers.condition(data={"y": y[2:]}):
        scan(transition, init, timesteps)


def ar1_vectorised(y):
    phi = numpyro.sample("phi", dist.Uniform(-1.0, 1.0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    with numpyro.plate("time", y.shape[0] - 1):
        numpyro.sample("y", dist.Normal(phi * y[:-1], sigma), obs=y[1:])


def stochastic_volatility(returns):
    step_size = numpyro.sample("sigma", dist.Exponential(50.0))
    s = numpyro.sample("s", dist.GaussianRandomWalk(scale=step_size,
                                                    num_steps=jnp.shape(returns)[0]))
    nu = numpyro.sample("nu", dist.Exponential(0.1))
    return numpyro.sample("r", dist.StudentT(df=nu, loc=0.0, scale=jnp.exp(s)), obs=returns)


def stochastic_volatility_scan(returns):
    mu = numpyro.sample("mu", dist.Normal(0.0, 1.0))
    phi = numpyro.sample("phi", dist.Uniform(-1.0, 1.0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(0.5))

    def step(h_prev, r_t):
        h = numpyro.sample("h", dist.Normal(mu + phi * (h_prev - mu), sigma))
        numpyro.sample("returns", dist.Normal(0.0, jnp.exp(h / 2)), obs=r_t)
        return h, None

    scan(step, mu, returns)


def holt_winters(y, n_seasons=4):
    level_sm = numpyro.sample("level_smoothing", dist.Beta(1, 1))
    trend_sm = numpyro.sample("trend_smoothing", dist.Beta(1, 1))
    season_sm = numpyro.sample("seasonality_smoothing", dist.Beta(1, 1))
    noise = numpyro.sample("noise", dist.HalfCauchy(1.0))
    level_init = numpyro.sample("level_init", dist.Normal(0.0, 1.0))
    trend_init = numpyro.sample("trend_init", dist.Normal(0.0, 1.0))
    with numpyro.plate("n_seasons", n_seasons):
        season_init = numpyro.sample("season_init", dist.Normal(0.0, 1.0))

    def step(carry, t):
        level, trend, season = carry
        exp_val = level + trend + season[0]
        y_t = numpyro.sample("y", dist.Normal(exp_val, noise))
        new_level = level_sm * (y_t - season[0]) + (1 - level_sm) * (level + trend)
        new_trend = trend_sm * (new_level - level) + (1 - trend_sm) * trend
        new_season = season_sm * (y_t - new_level) + (1 - season_sm) * season[0]
        season = jnp.concatenate([season[1:], new_season[None]])
        return (new_level, new_trend, season), exp_val

    with numpyro.handlers.condition(data={"y": y}):
        scan(step, (level_init, trend_init, season_init), jnp.arange(y.shape[0]))


def local_level(y):
    sigma_level = numpyro.sample("sigma_level", dist.HalfNormal(1.0))
    sigma_obs = numpyro.sample("sigma_obs", dist.HalfNormal(1.0))
    level_0 = numpyro.sample("level_0", dist.Normal(0.0, 5.0))

    def step(level, y_t):
        level = numpyro.sample("level", dist.Normal(level, sigma_level))
        numpyro.sample("y", dist.Normal(level, sigma_obs), obs=y_t)
        return level, level

    scan(step, level_0, y)


def hmm_enumerated(sequence, hidden_dim=3):
    """``model_1`` of NumPyro's hmm_enum: a discrete chain enumerated in parallel."""
    probs_x = numpyro.sample("probs_x", dist.Dirichlet(0.9 * jnp.eye(hidden_dim) + 0.1)
                             .to_event(1))
    locs = numpyro.sample("locs", dist.Normal(jnp.zeros(hidden_dim), 1.0).to_event(1))

    def transition(x_prev, y_t):
        x = numpyro.sample("x", dist.Categorical(probs_x[x_prev]),
                           infer={"enumerate": "parallel"})
        numpyro.sample("y", dist.Normal(locs[x], 1.0), obs=y_t)
        return x, None

    scan(transition, 0, sequence)


def hmm_forward_algorithm(y, hidden_dim=2):
    """An HMM marginalised by hand: the forward recursion with ``lax.scan`` and a factor."""
    trans = numpyro.sample("trans", dist.Dirichlet(jnp.ones((hidden_dim, hidden_dim)))
                           .to_event(1))
    locs = numpyro.sample("locs", dist.Normal(jnp.zeros(hidden_dim), 2.0).to_event(1))
    scale = numpyro.sample("scale", dist.HalfNormal(1.0))

    def forward(log_alpha, y_t):
        emit = dist.Normal(locs, scale).log_prob(y_t)
        log_alpha = jax.nn.logsumexp(log_alpha[:, None] + jnp.log(trans), axis=0) + emit
        return log_alpha, None

    init = jnp.log(jnp.ones(hidden_dim) / hidden_dim)
    log_alpha, _ = jax.lax.scan(forward, init, y)
    numpyro.factor("log_likelihood", jax.nn.logsumexp(log_alpha))


def dynamic_linear_model(y, x):
    sigma_beta = numpyro.sample("sigma_beta", dist.HalfNormal(0.5))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    beta_0 = numpyro.sample("beta_0", dist.Normal(0.0, 1.0))

    def step(beta_prev, inputs):
        x_t, y_t = inputs
        beta = numpyro.sample("beta", dist.Normal(beta_prev, sigma_beta))
        numpyro.sample("y", dist.Normal(beta * x_t, sigma), obs=y_t)
        return beta, None

    scan(step, beta_0, (x, y))


def _lotka_volterra(z, t, theta):
    u, v = z[0], z[1]
    alpha, beta, gamma, delta = theta[..., 0], theta[..., 1], theta[..., 2], theta[..., 3]
    return jnp.stack([(alpha - beta * v) * u, (-gamma + delta * u) * v])


def predator_prey(n_obs, y=None):
    z_init = numpyro.sample("z_init", dist.LogNormal(jnp.log(10.0), 1.0).expand([2]).to_event(1))
    ts = jnp.arange(float(n_obs))
    theta = numpyro.sample(
        "theta",
        dist.TruncatedNormal(low=0.0, loc=jnp.array([1.0, 0.05, 1.0, 0.05]),
                             scale=jnp.array([0.5, 0.05, 0.5, 0.05])).to_event(1))
    z = odeint(_lotka_volterra, z_init, ts, theta, rtol=1e-6, atol=1e-5, mxstep=1000)
    sigma = numpyro.sample("sigma", dist.LogNormal(-1.0, 1.0).expand([2]).to_event(1))
    numpyro.sample("y", dist.LogNormal(jnp.log(z), sigma).to_event(2), obs=y)


def sgt(y, seasonality, future=0):
    """The seasonal global trend model of NumPyro's time-series forecasting tutorial."""
    # heuristically, standard derivation of Cauchy prior depends on
    # the max value of data
    cauchy_sd = jnp.max(y) / 150

    # NB: priors' parameters are taken from
    # https://github.com/cbergmeir/Rlgt/blob/master/Rlgt/R/rlgtcontrol.R
    nu = numpyro.sample("nu", dist.Uniform(2, 20))
    powx = numpyro.sample("powx", dist.Uniform(0, 1))
    sigma = numpyro.sample("sigma", dist.HalfCauchy(cauchy_sd))
    offset_sigma = numpyro.sample(
        "offset_sigma", dist.TruncatedCauchy(low=1e-10, loc=1e-10, scale=cauchy_sd)
    )

    coef_trend = numpyro.sample("coef_trend", dist.Cauchy(0, cauchy_sd))
    pow_trend_beta = numpyro.sample("pow_trend_beta", dist.Beta(1, 1))
    # pow_trend takes values from -0.5 to 1
    pow_trend = 1.5 * pow_trend_beta - 0.5
    pow_season = numpyro.sample("pow_season", dist.Beta(1, 1))

    level_sm = numpyro.sample("level_sm", dist.Beta(1, 2))
    s_sm = numpyro.sample("s_sm", dist.Uniform(0, 1))
    init_s = numpyro.sample("init_s", dist.Cauchy(0, y[:seasonality] * 0.3))

    def transition_fn(carry, t):
        level, s, moving_sum = carry
        season = s[0] * level**pow_season
        exp_val = level + coef_trend * level**pow_trend + season
        exp_val = jnp.clip(exp_val, 0)
        # use expected vale when forecasting
        y_t = jnp.where(t >= N, exp_val, y[t])

        moving_sum = (
            moving_sum + y[t] - jnp.where(t >= seasonality, y[t - seasonality], 0.0)
        )
        level_p = jnp.where(t >= seasonality, moving_sum / seasonality, y_t - season)
        level = level_sm * level_p + (1 - level_sm) * level
        level = jnp.clip(level, 0)

        new_s = (s_sm * (y_t - level) / season + (1 - s_sm)) * s[0]
        # repeat s when forecasting
        new_s = jnp.where(t >= N, s[0], new_s)
        s = jnp.concatenate([s[1:], new_s[None]], axis=0)

        omega = sigma * exp_val**powx + offset_sigma
        y_ = numpyro.sample("y", dist.StudentT(nu, exp_val, omega))

        return (level, s, moving_sum), y_

    N = y.shape[0]
    level_init = y[0]
    s_init = jnp.concatenate([init_s[1:], init_s[:1]], axis=0)
    moving_sum = level_init
    with numpyro.handlers.condition(data={"y": y[1:]}):
        _, ys = scan(
            transition_fn, (level_init, s_init, moving_sum), jnp.arange(1, N + future)
        )
    if future > 0:
        numpyro.deterministic("y_forecast", ys[-future:])


def examples():
    rng = np.random.default_rng(1)
    t = 20
    y = jnp.asarray(np.cumsum(rng.normal(size=t)), dtype=jnp.float32)
    x = jnp.asarray(rng.normal(size=t), dtype=jnp.float32)
    returns = jnp.asarray(rng.normal(scale=0.1, size=t), dtype=jnp.float32)
    # 40 positive observations with a period of 10, as the tutorial's lynx counts have
    seasonal = 20.0 + 10.0 * np.sin(2 * np.pi * np.arange(40) / 10) + rng.normal(size=40)
    sgt_y = jnp.asarray(np.abs(seasonal), dtype=jnp.float32)
    lv = jnp.asarray(np.abs(rng.normal(10.0, 2.0, size=(8, 2))), dtype=jnp.float32)
    return {
        "ar2_scan": ((y,), {}),
        "ar1_vectorised": ((y,), {}),
        "stochastic_volatility": ((returns,), {}),
        "stochastic_volatility_scan": ((returns,), {}),
        "holt_winters": ((y,), {}),
        "local_level": ((y,), {}),
        "hmm_enumerated": ((y,), {}),
        "hmm_forward_algorithm": ((y,), {}),
        "dynamic_linear_model": ((y, x), {}),
        "predator_prey": ((8,), {"y": lv}),
        "sgt": ((sgt_y, 10), {}),
    }
