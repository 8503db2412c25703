"""Expected structure of every gallery model, written out as a statistician would on paper.

Each entry: ``nodes`` ("name:kind" or "name:kind@plate,plate", trace order), ``edges`` ("a -> b"
for data, "a ~> b" for control), ``plates`` (name → size, or (size, subsample size)) and
``gated`` (site → gating sites). What counts as an edge is in docs/design.md (§4, "What an
edge means"); the comments say why where it is subtle.
"""

from __future__ import annotations

EXPECTED: dict[str, dict] = {
    "linear_regression:model": {
        "nodes": ["w:latent", "b:latent", "obs:observed@N"],
        "edges": ["w -> obs", "b -> obs"],
        "plates": {"N": 3},
    },
    "seed_hierarchical:model": {
        "nodes": ["mu_a:latent", "sigma_a:latent", "a:latent",
                  *[f"obs_{j}:observed" for j in range(5)]],
        # the graph keeps every loop site; collapsing obs_0 … obs_4 is a drawing option
        "edges": ["mu_a -> a", "sigma_a -> a", *[f"a -> obs_{j}" for j in range(5)]],
        "plates": {},
    },
    "seed_conditional:model": {
        # the spike-and-slab of docs/design.md: the slab's sites are gated by z, z decides obs's
        # parameters (control), and z is not a parent of mu or sigma
        "nodes": ["z:latent", "mu:latent", "sigma:latent", "obs:observed"],
        "edges": ["mu -> obs", "sigma -> obs", "z ~> obs"],
        "plates": {},
        "gated": {"mu": ("z",), "sigma": ("z",)},
    },
    "logistic_regression:model": {
        "nodes": ["beta:latent", "alpha:latent", "y:observed@N"],
        "edges": ["beta -> y", "alpha -> y"],
        "plates": {"N": 60},
    },
    "radon:model": {
        "nodes": ["mu_a:latent", "sigma_a:latent", "a:latent@county", "b:latent",
                  "sigma_y:latent", "log_radon:observed@house"],
        # a[county]: integer indexing by data still carries a into every house
        "edges": ["mu_a -> a", "sigma_a -> a", "a -> log_radon", "b -> log_radon",
                  "sigma_y -> log_radon"],
        "plates": {"county": 8, "house": 80},
    },
    "eight_schools:centered": {
        "nodes": ["mu:latent", "tau:latent", "theta:latent@J", "obs:observed@J"],
        "edges": ["mu -> theta", "tau -> theta", "theta -> obs"],
        "plates": {"J": 8},
    },
    "eight_schools:non_centered": {
        "nodes": ["mu:latent", "tau:latent", "theta_raw:latent@J", "theta:deterministic@J",
                  "obs:observed@J"],
        # flow stops at the deterministic theta: no mu -> obs
        "edges": ["mu -> theta", "tau -> theta", "theta_raw -> theta", "theta -> obs"],
        "plates": {"J": 8},
    },
    "eight_schools_reparam:model": {
        "nodes": ["mu:latent", "tau:latent", "theta_decentered:latent@J",
                  "theta:deterministic@J", "obs:observed@J"],
        # LocScaleReparam(0): theta = mu + tau * theta_decentered, a deterministic site
        "edges": ["mu -> theta", "tau -> theta", "theta_decentered -> theta", "theta -> obs"],
        "plates": {"J": 8},
    },
    "gaussian_mixture:model": {
        "nodes": ["weights:latent", "scale:latent", "locs:latent@components",
                  "assignment:latent@data", "obs:observed@data"],
        "edges": ["weights -> assignment", "scale -> obs", "locs -> obs", "assignment -> obs"],
        "plates": {"components": 3, "data": 60},
    },
    "lda:model": {
        "nodes": ["phi:latent@topics", "theta:latent@documents",
                  "z:latent@documents,words", "w:observed@documents,words"],
        "edges": ["theta -> z", "phi -> w", "z -> w"],
        "plates": {"topics": 3, "documents": 6, "words": 10},
    },
    "hmm:python_loop": {
        "nodes": ["trans:latent", "locs:latent",
                  *[n for t in range(6) for n in (f"z_{t}:latent", f"y_{t}:observed")]],
        # z_0 is drawn from trans[0] (a constant index); each later state indexes trans by the
        # previous state: z_{t-1} -> z_t is data flow through indexing
        "edges": [*[f"trans -> z_{t}" for t in range(6)], *[f"locs -> y_{t}" for t in range(6)],
                  *[f"z_{t} -> y_{t}" for t in range(6)],
                  *[f"z_{t - 1} -> z_{t}" for t in range(1, 6)]],
        "plates": {},
    },
    "hmm:with_scan": {
        "nodes": ["trans:latent", "locs:latent", "z:latent@time", "y:observed@time"],
        # carried state: z -> z; the observed y feeds nothing (numpyro invents y -> z)
        "edges": ["trans -> z", "z -> z", "locs -> y", "z -> y"],
        "plates": {"time": 6},
    },
    "ar1:model": {
        "nodes": ["rho:latent", "sigma:latent", "y:observed@time"],
        # the observed value is the carried state: y -> y
        "edges": ["rho -> y", "sigma -> y", "y -> y"],
        "plates": {"time": 40},
    },
    "gaussian_random_walk:model": {
        "nodes": ["sigma_level:latent", "sigma_obs:latent", "level:latent", "y:observed"],
        "edges": ["sigma_level -> level", "level -> y", "sigma_obs -> y"],
        "plates": {},
    },
    "matrix_factorization:model": {
        "nodes": ["sigma:latent", "u:latent@users", "v:latent@items",
                  "r:observed@users,items"],
        "edges": ["u -> r", "v -> r", "sigma -> r"],
        "plates": {"users": 6, "items": 5},
    },
    "tensor_factorization:model": {
        "nodes": ["sigma:latent", "tau:latent", "u:latent@users", "v:latent@items",
                  "b:latent@users,time", "c:latent@items,time",
                  "r:observed@users,items,time"],
        # three plates crossing pairwise: b and c drift over time, r is in all three
        "edges": ["tau -> b", "tau -> c", "u -> r", "v -> r", "b -> r", "c -> r",
                  "sigma -> r"],
        "plates": {"users": 5, "items": 4, "time": 3},
    },
    "crossed_random_effects:model": {
        "nodes": ["mu:latent", "sigma_s:latent", "sigma_i:latent", "sigma_y:latent",
                  "a:latent@subjects", "b:latent@items",
                  "y:observed@subjects,items,replicates"],
        "edges": ["sigma_s -> a", "sigma_i -> b", "mu -> y", "a -> y", "b -> y",
                  "sigma_y -> y"],
        "plates": {"subjects": 6, "items": 4, "replicates": 3},
    },
    "lda_topic_weights:model": {
        "nodes": ["phi:latent@topics", "theta:latent@topics,documents",
                  "z:latent@documents,words", "w:observed@documents,words"],
        # the weights are theta normalised: theta -> z; phi[z] carries phi and z into w
        "edges": ["theta -> z", "phi -> w", "z -> w"],
        "plates": {"topics": 3, "documents": 6, "words": 10},
    },
    "crossed_in_outer:model": {
        "nodes": ["tau:latent", "mu_r:latent@regions", "s:latent@regions,stores",
                  "p:latent@regions,products", "sales:observed@regions,stores,products"],
        "edges": ["tau -> mu_r", "mu_r -> s", "s -> sales", "p -> sales"],
        "plates": {"regions": 3, "stores": 4, "products": 5},
    },
    "plates_dims:model": {
        "nodes": ["sigma_alpha:latent", "alpha:latent@subjects", "y:observed@subjects,times"],
        "edges": ["sigma_alpha -> alpha", "alpha -> y"],
        "plates": {"subjects": 5, "times": 4},
    },
    "subsampled_regression:model": {
        "nodes": ["slope:latent", "intercept:latent", "y:observed@N"],
        "edges": ["slope -> y", "intercept -> y"],
        "plates": {"N": (1000, 100)},
    },
    "masked_observations:model": {
        # the mask is data (which values are missing), not a site
        "nodes": ["mu:latent", "sigma:latent", "y:observed@N"],
        "edges": ["mu -> y", "sigma -> y"],
        "plates": {"N": 6},
    },
    "factor_prior:model": {
        "nodes": ["effects:latent@groups", "sum_to_zero:factor", "y:observed@N"],
        "edges": ["effects -> sum_to_zero", "effects -> y"],
        "plates": {"groups": 4, "N": 8},
    },
    "deterministic_chain:model": {
        "nodes": ["mu:latent", "log_rate:deterministic", "rate:deterministic",
                  "counts:observed@N"],
        "edges": ["mu -> log_rate", "log_rate -> rate", "rate -> counts"],
        "plates": {"N": 4},
    },
    "transformed_distributions:model": {
        "nodes": ["scale:latent", "growth:latent", "y:observed@N"],
        "edges": ["growth -> y", "scale -> y"],
        "plates": {"N": 10},
    },
    "param_weights:model": {
        "nodes": ["w:param", "noise:param", "bias:latent", "y:observed@N"],
        "edges": ["w -> y", "noise -> y", "bias -> y"],
        "plates": {"N": 20},
    },
    "lkj_mvn:model": {
        "nodes": ["mu:latent", "sigma:latent", "L_omega:latent", "y:observed@N"],
        "edges": ["mu -> y", "sigma -> y", "L_omega -> y"],
        "plates": {"N": 25},
    },
    "zero_inflated_poisson:model": {
        "nodes": ["gate:latent", "rate:latent", "counts:observed@N"],
        "edges": ["gate -> counts", "rate -> counts"],
        "plates": {"N": 10},
    },
    "ordinal_regression:model": {
        "nodes": ["beta:latent", "cutpoints:latent", "y:observed@N"],
        "edges": ["beta -> y", "cutpoints -> y"],
        "plates": {"N": 30},
    },
    "changepoint:with_where": {
        "nodes": ["switch:latent", "early_rate:latent", "late_rate:latent",
                  "counts:observed@years"],
        # jnp.where is data flow: the switch and both rates reach every count
        "edges": ["switch -> counts", "early_rate -> counts", "late_rate -> counts"],
        "plates": {"years": 16},
    },
    "changepoint:with_if": {
        "nodes": ["switch:latent", "early_rate:latent", "late_rate:latent",
                  *[f"count_{t}:observed" for t in range(6)]],
        # switch ∈ {0..5}: `t < switch` can flip for t = 0..4 (control edges, both rates feed
        # them); for t = 5 it is never true, so count_5 only ever uses late_rate
        "edges": [*[f"switch ~> count_{t}" for t in range(5)],
                  *[f"early_rate -> count_{t}" for t in range(5)],
                  *[f"late_rate -> count_{t}" for t in range(6)]],
        "plates": {},
    },
    "lax_cond:model": {
        "nodes": ["signal:latent", "a:latent", "b:latent", "y:observed"],
        # one output, two branches: the predicate and both branches' inputs count
        "edges": ["signal -> y", "a -> y", "b -> y"],
        "plates": {},
    },
    "while_loop:model": {
        "nodes": ["growth:latent", "threshold:latent", "y:observed"],
        # the predicate (threshold) decides how often the body runs: it reaches the carry
        "edges": ["growth -> y", "threshold -> y"],
        "plates": {},
    },
    "jit_helper:model": {
        "nodes": ["a:latent", "b:latent", "x:observed", "y:observed"],
        "edges": ["a -> x", "b -> y"],
        "plates": {},
    },
    "poisson_glm:model": {
        "nodes": ["alpha:latent", "beta:latent", "counts:observed@N"],
        "edges": ["alpha -> counts", "beta -> counts"],
        "plates": {"N": 25},
    },
    "beta_binomial:model": {
        "nodes": ["phi:latent", "kappa:latent", "theta:latent@experiments",
                  "tumours:observed@experiments"],
        "edges": ["phi -> theta", "kappa -> theta", "theta -> tumours"],
        "plates": {"experiments": 8},
    },
    "stochastic_volatility:model": {
        "nodes": ["mu:latent", "phi:latent", "sigma:latent", "h:latent@time",
                  "returns:observed@time"],
        # mu is both the initial carry and in the mean: mu -> h; h is carried: h -> h
        "edges": ["mu -> h", "phi -> h", "sigma -> h", "h -> h", "h -> returns"],
        "plates": {"time": 30},
    },
    "robust_regression:model": {
        "nodes": ["alpha:latent", "beta:latent", "sigma:latent", "nu:latent", "y:observed@N"],
        "edges": ["alpha -> y", "beta -> y", "sigma -> y", "nu -> y"],
        "plates": {"N": 30},
    },
    "coin_flips:model": {
        "nodes": ["p:latent", "flip:observed@flips"],
        "edges": ["p -> flip"],
        "plates": {"flips": 8},
    },
    "random_count:model": {
        # n_bumps ∈ {0, 1, 2}: height_0 always exists, height_1 and height_2 only for some
        # values (gated); how many heights add up to total's mean is n_bumps's decision
        "nodes": ["n_bumps:latent", "height_0:latent", "height_1:latent", "height_2:latent",
                  "total:observed"],
        "edges": ["height_0 -> total", "height_1 -> total", "height_2 -> total",
                  "n_bumps ~> total"],
        "plates": {},
        "gated": {"height_1": ("n_bumps",), "height_2": ("n_bumps",)},
    },
    "bayesian_cart:model": {
        # seed 0 grows split_r = 1, split_rL = 1, split_rR = 1; the other runs add level_r,
        # level_rL, level_rR. A site below a split exists only where that split exists: every
        # gate above it is a gate of its own (level_rL: split_r and split_rL)
        "nodes": ["split_r:latent", "level_r:latent", "cut_r:latent", "split_rL:latent",
                  "level_rL:latent", "cut_rL:latent", "level_rLL:latent", "level_rLR:latent",
                  "split_rR:latent", "cut_rR:latent", "level_rRL:latent", "level_rRR:latent",
                  "level_rR:latent", "sigma:latent", "y:observed@N"],
        "edges": ["cut_r -> y", "cut_rL -> y", "cut_rR -> y", "sigma -> y",
                  *[f"level_{p} -> y" for p in ("r", "rL", "rLL", "rLR", "rR", "rRL", "rRR")],
                  "split_r ~> y", "split_rL ~> y", "split_rR ~> y"],
        "plates": {"N": 20},
        "gated": {"level_r": ("split_r",), "cut_r": ("split_r",), "split_rL": ("split_r",),
                  "split_rR": ("split_r",),
                  **{name: ("split_r", "split_rL")
                     for name in ("level_rL", "cut_rL", "level_rLL", "level_rLR")},
                  **{name: ("split_r", "split_rR")
                     for name in ("level_rR", "cut_rR", "level_rRL", "level_rRR")}},
    },
    "vae:model": {
        # numpyro.module reads its param site, then creates it: one param node, the weights,
        # a parent of the probabilities the network computes
        "nodes": ["decoder$params:param", "z:latent@N", "obs:observed@N"],
        "edges": ["decoder$params -> obs", "z -> obs"],
        "plates": {"N": 12},
    },
    "vae:guide": {
        "nodes": ["encoder$params:param", "z:latent@N"],
        "edges": ["encoder$params -> z"],
        "plates": {"N": 12},
    },
    "imputation:model": {
        "nodes": ["mu:latent", "sigma:latent", "x_impute:latent", "alpha:latent",
                  "beta:latent", "noise:latent", "x:observed@N", "y:observed@N"],
        # x_impute is written into the data with .at[].set: a parent of y's mean; an observed
        # value is not a distribution parameter, so it is no parent of x
        "edges": ["mu -> x_impute", "sigma -> x_impute", "mu -> x", "sigma -> x",
                  "alpha -> y", "beta -> y", "noise -> y", "x_impute -> y"],
        "plates": {"N": 15},
    },
}


def parse_nodes(spec: list[str]) -> list[tuple[str, str, tuple[str, ...]]]:
    """``"z:latent@docs,words"`` → ``("z", "latent", ("docs", "words"))``."""
    out = []
    for item in spec:
        name, _, rest = item.partition(":")
        kind, _, plates = rest.partition("@")
        out.append((name, kind, tuple(plates.split(",")) if plates else ()))
    return out


def parse_edges(spec: list[str]) -> set[tuple[str, str, str]]:
    """``"a -> b"`` → ``("a", "b", "data")``; ``"a ~> b"`` → ``("a", "b", "control")``."""
    out = set()
    for item in spec:
        arrow = "~>" if "~>" in item else "->"
        a, b = (part.strip() for part in item.split(arrow))
        out.add((a, b, "control" if arrow == "~>" else "data"))
    return out


def assert_nodes_and_edges(g, expected: dict) -> None:
    """The graph's nodes (in trace order, with kind, plates and gates) and its edges (with
    their kind) are exactly those ``expected`` writes out."""
    nodes = parse_nodes(expected["nodes"])
    assert list(g.nodes) == [n for n, _, _ in nodes]
    for name, kind, plates in nodes:
        assert g.nodes[name]["kind"] == kind, name
        assert g.nodes[name]["plates"] == plates, name
        assert g.nodes[name]["gated_by"] == tuple(expected.get("gated", {}).get(name, ())), name
    assert {(a, b, d["kind"]) for a, b, d in g.edges(data=True)} == parse_edges(
        expected["edges"])
