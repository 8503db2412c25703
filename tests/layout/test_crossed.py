"""Crossed plates beyond columns: every plate structure with a drawing of overlapping rectangles
gets one (cells on a grid, ``layout/arrangement.py``), and only the others warn."""

from __future__ import annotations

import contextlib
import itertools
import warnings

import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpyro.contrib.control_flow import scan
from support import graph_of
from test_layout import layout_problems

import plategraph
from plategraph.layout.arrangement import column_orders, grid_of, holds_exactly
from plategraph.tracing.records import Edge, Plate, Site

pytestmark = pytest.mark.dot


def minimal():
    """``z`` in S × K, ``y`` in S × K × V, one site in each plate alone: no order of columns
    keeps V's columns adjacent (y's column is already between S's and K's own)."""
    with numpyro.plate("V", 3, dim=-3):
        c = numpyro.sample("c", dist.Normal(0, 1))
    with numpyro.plate("S", 4, dim=-2):
        a = numpyro.sample("a", dist.Normal(0, 1))
    with numpyro.plate("K", 5, dim=-1):
        b = numpyro.sample("b", dist.Normal(0, 1))
    with numpyro.plate("S", 4, dim=-2), numpyro.plate("K", 5, dim=-1):
        z = numpyro.sample("z", dist.Normal(a + b, 1))
        with numpyro.plate("V", 3, dim=-3):
            numpyro.sample("y", dist.Normal(z + c, 1))


def factorial5():
    """A 5-way factorial: a main effect per factor, the response in all five plates."""
    names, sizes = "ABCDE", (2, 3, 4, 5, 6)
    total = 0.0
    for i, (name, size) in enumerate(zip(names, sizes)):
        with numpyro.plate(name, size, dim=i - 5):
            total = total + numpyro.sample(f"effect_{name}", dist.Normal(0, 1))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1))
    with contextlib.ExitStack() as stack:
        for i, (name, size) in enumerate(zip(names, sizes)):
            stack.enter_context(numpyro.plate(name, size, dim=i - 5))
        numpyro.sample("y", dist.Normal(total, sigma))


def crossed_nested_scan():
    """Users × items crossed, sessions nested in users, and a scan whose time plate crosses
    both: three plates crossing pairwise in a cycle, which no order of columns holds."""
    with numpyro.plate("users", 3, dim=-2):
        skill = numpyro.sample("skill", dist.Normal(0, 1))
        with numpyro.plate("sessions", 2, dim=-1):
            numpyro.sample("session", dist.Normal(skill, 1))
    with numpyro.plate("items", 4, dim=-1):
        ease = numpyro.sample("ease", dist.Normal(0, 1))
    with numpyro.plate("users", 3, dim=-2), numpyro.plate("items", 4, dim=-1):
        numpyro.sample("rating", dist.Normal(skill + ease, 1))

    def step(carry, t):
        drift = numpyro.sample("drift", dist.Normal(carry, 1))
        with numpyro.plate("users", 3, dim=-1):
            numpyro.sample("activity", dist.Normal(drift + skill[:, 0], 1))
        with numpyro.plate("items", 4, dim=-1):
            numpyro.sample("demand", dist.Normal(drift + ease, 1))
        return drift, None

    scan(step, 0.0, jnp.arange(5))


def users_time():
    """A plate crossing a scan's time plate: per-user, per-step and per-user-step sites."""
    mu = numpyro.sample("mu", dist.Normal(0, 1))
    with numpyro.plate("users", 3):
        skill = numpyro.sample("skill", dist.Normal(mu, 1))

    def step(carry, t):
        drift = numpyro.sample("drift", dist.Normal(0, 1))
        with numpyro.plate("users", 3):
            x = numpyro.sample("x", dist.Normal(carry + drift + skill, 1))
            numpyro.sample("obs", dist.Normal(x, 1))
        return x, None

    scan(step, jnp.zeros(3), jnp.arange(6))


def three_plates_25_sites():
    """25 sites over three crossing plates, every combination of them holding some."""
    combos = ["A", "B", "C", "AB", "AC", "BC", "ABC"]
    dims, sizes = {"A": -3, "B": -2, "C": -1}, {"A": 2, "B": 3, "C": 4}
    previous = numpyro.sample("root", dist.Normal(0, 1))
    for i in range(24):
        combo = combos[i % len(combos)]
        with contextlib.ExitStack() as stack:
            for p in combo:
                stack.enter_context(numpyro.plate(p, sizes[p], dim=dims[p]))
            previous = numpyro.sample(f"s{i}_{combo}", dist.Normal(jnp.mean(previous), 1))


def dims_out_of_order():
    """The minimal case with plates declared first and their dims out of order."""
    k = numpyro.plate("K", 5, dim=-1)
    s = numpyro.plate("S", 4, dim=-2)
    v = numpyro.plate("V", 3, dim=-3)
    with v:
        c = numpyro.sample("c", dist.Normal(0, 1))
    with s:
        a = numpyro.sample("a", dist.Normal(0, 1))
    with k:
        b = numpyro.sample("b", dist.Normal(0, 1))
    with k, s:
        z = numpyro.sample("z", dist.Normal(a + b, 1))
    with v, s, k:
        numpyro.sample("y", dist.Normal(z + c, 1))


MODELS = [minimal, factorial5, crossed_nested_scan, users_time, three_plates_25_sites,
          dims_out_of_order]
OPTIONS = {"plain": {}, "LR": {"rankdir": "LR"}, "paper": {"theme": "paper"},
           "math": {"labels": "math", "distributions": True}, "BT": {"rankdir": "BT"},
           "paper RL": {"theme": "paper", "rankdir": "RL"}}


def rectangles_hold_exactly(lay) -> None:
    """Each plate is one rectangle holding exactly its sites (``layout_problems`` checks the
    rest: labels inside, no edge through a label, no foreign node)."""
    assert lay.combined == {}
    used = {p for _, ps in lay.graph.nodes(data="plates") for p in ps or ()}
    assert set(lay.plates) == used
    for plate, rect in lay.plates.items():
        for node, plates in lay.graph.nodes(data="plates"):
            assert rect.contains(lay.nodes[node]) == (plate in (plates or ())), (plate, node)
            assert rect.contains(lay.plate_labels[plate])


@pytest.mark.parametrize("options", OPTIONS.values(), ids=OPTIONS)
@pytest.mark.parametrize("model", MODELS, ids=[m.__name__ for m in MODELS])
def test_crossed_models_are_drawn_as_overlapping_rectangles(model, options):
    graph = plategraph.model_graph(model)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no CrossedPlatesWarning, no other warning
        lay = plategraph.layout(graph, **options)
    rectangles_hold_exactly(lay)
    assert layout_problems(lay) == []


def test_the_minimal_case_crosses_v_into_the_overlap_of_s_and_k():
    lay = plategraph.layout(plategraph.model_graph(minimal))
    s, k, v = (lay.plates[p] for p in "SKV")
    both = [r for r in (s, k) if r.overlaps(v)]
    assert len(both) == 2 and v.contains(lay.nodes["y"]) and not v.contains(lay.nodes["z"])


def test_all_fifteen_combinations_of_four_plates_are_rectangles(make_graph):
    combos = ["".join(c) for r in range(1, 5) for c in itertools.combinations("ABCD", r)]
    sites = [Site(f"s_{c}", "latent", plates=tuple(c)) for c in combos]
    edges = [Edge(f"s_{c}", "s_ABCD", "data", ("loc",)) for c in "ABCD"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lay = plategraph.layout(make_graph(sites, edges, plates=[Plate(p, 2) for p in "ABCD"]))
    rectangles_hold_exactly(lay)
    assert layout_problems(lay) == []


# -- random plate structures built from rectangles that draw them ---------------------------

GRID = 6


@st.composite
def drawn_structures(draw):
    """Plate membership sets read off up to 6 random rectangles on a grid: each chosen grid
    point is a site in the rectangles around it, so the structure has a drawing."""
    count = draw(st.integers(2, 6))
    rects = []
    for _ in range(count):
        x0, x1 = sorted(draw(st.lists(st.integers(0, GRID - 1), min_size=2, max_size=2)))
        y0, y1 = sorted(draw(st.lists(st.integers(0, GRID - 1), min_size=2, max_size=2)))
        rects.append((x0, x1, y0, y1))
    points = draw(st.sets(st.tuples(st.integers(0, GRID - 1), st.integers(0, GRID - 1)),
                          min_size=2, max_size=14))
    sets: list[tuple[str, ...]] = []
    for x, y in sorted(points):
        inside = tuple(f"P{i}" for i, (x0, x1, y0, y1) in enumerate(rects)
                       if x0 <= x <= x1 and y0 <= y <= y1)
        if inside not in sets:
            sets.append(inside)
    return count, sets


@settings(max_examples=30, deadline=None)
@given(drawn_structures(), st.sampled_from(["TB", "LR"]), st.sampled_from(["notebook", "paper"]))
def test_structures_with_a_drawing_get_one(structure, rankdir, theme):
    count, sets = structure
    sites = [Site(f"s{i}", "latent", plates=ps) for i, ps in enumerate(sets)]
    edges = [Edge(f"s{i}", f"s{i + 1}", "data", ("loc",)) for i in range(len(sites) - 1)]
    graph = graph_of(sites, edges, [Plate(f"P{i}", 2) for i in range(count)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lay = plategraph.layout(graph, rankdir=rankdir, theme=theme)
    rectangles_hold_exactly(lay)
    assert layout_problems(lay) == []


@settings(max_examples=200, deadline=None)
@given(drawn_structures())
def test_the_grid_search_finds_a_grid_for_every_drawn_structure(structure):
    _, sets = structure
    key = sorted({p for s in sets for p in s})
    grid = grid_of(sets, key, [(i, -i) for i in range(len(sets))])
    assert grid is not None and holds_exactly(grid, sets, key)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sets(st.sampled_from("ABCD")), min_size=1, max_size=7, unique_by=frozenset))
def test_column_orders_are_the_permutations_that_keep_each_plate_adjacent(sets):
    keys = [tuple(sorted(s)) for s in sets]
    n = len(keys)

    def adjacent(order):
        for p in "ABCD":
            where = [i for i, c in enumerate(order) if p in keys[c]]
            if where and where[-1] - where[0] + 1 != len(where):
                return False
        return True

    expected = [o for o in itertools.permutations(range(n))
                if (n < 2 or o[0] < o[-1]) and adjacent(o)]
    assert list(column_orders(keys)) == expected


# -- a structure with no drawing ------------------------------------------------------------

def pairs_of_five(make_graph):
    """Five sites and one plate for each pair of them, holding exactly that pair.

    No drawing exists. Take any five points (the sites' centres), sorted by x. By
    Erdős–Szekeres, the five y values have a monotone (non-strict) subsequence of three, so
    three sites p, q, r have q between p and r in both x and y. The rectangle of plate {p, r}
    holds p and r, hence the whole box they span, hence q: a site it must not hold."""
    sites = [Site(f"s{i}", "latent", plates=tuple(f"P{min(i, j)}{max(i, j)}"
                                                  for j in range(5) if j != i))
             for i in range(5)]
    edges = [Edge(f"s{i}", f"s{i + 1}", "data", ("loc",)) for i in range(4)]
    plates = [Plate(f"P{i}{j}", 2) for i, j in itertools.combinations(range(5), 2)]
    return make_graph(sites, edges, plates=plates)


def test_a_structure_without_a_drawing_warns_naming_its_plates(make_graph):
    graph = pairs_of_five(make_graph)
    with pytest.warns(plategraph.CrossedPlatesWarning, match="one box per combination") as got:
        lay = plategraph.layout(graph)
    message = str(got[0].message)
    assert all(f"P{i}{j}" in message for i, j in itertools.combinations(range(5), 2))
    assert "cannot be drawn as overlapping rectangles" in message  # proven, not given up
    assert lay.combined and layout_problems(lay) == []


def test_a_search_that_stops_undecided_says_so(make_graph):
    # five plates with a main effect each, every two-way interaction and the response: the grid
    # search stops at its step bound without a grid (whether one exists is not known)
    names = "ABCDE"
    sites = [Site(f"m_{p}", "latent", plates=(p,)) for p in names]
    sites += [Site(f"i_{a}{b}", "latent", plates=(a, b))
              for a, b in itertools.combinations(names, 2)]
    sites.append(Site("y", "observed", plates=tuple(names)))
    edges = [Edge(s.name, "y", "data", ("loc",)) for s in sites[:-1]]
    graph = make_graph(sites, edges, plates=[Plate(p, 2) for p in names])
    with pytest.warns(plategraph.CrossedPlatesWarning, match="the search stopped after 2000"):
        lay = plategraph.layout(graph)
    assert lay.combined and layout_problems(lay) == []
