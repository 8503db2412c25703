"""Crossed plates beyond columns: every plate structure with a drawing of overlapping rectangles
gets one (cells on a grid, ``layout/arrangement.py``), and only the others warn."""

from __future__ import annotations

import contextlib
import importlib
import itertools
import warnings
from unittest import mock

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

arrangement = importlib.import_module("plategraph.layout.arrangement")
gridsat = importlib.import_module("plategraph.layout.gridsat")

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


def interactions(k: int) -> tuple[list[tuple[str, ...]], list[str]]:
    """The cells of ``k`` plates with a main effect each, every two-way interaction and the
    response, and the plates."""
    names = [f"P{i}" for i in range(k)]
    cells = [(p,) for p in names] + list(itertools.combinations(names, 2)) + [tuple(names)]
    return cells, names


def interactions_graph(make_graph, k: int):
    cells, names = interactions(k)
    sites = [Site("y" if len(c) == k else "_".join(c), "latent", plates=c) for c in cells]
    edges = [Edge(s.name, "y", "data", ("loc",)) for s in sites[:-1]]
    return make_graph(sites, edges, plates=[Plate(p, 2) for p in names])


def has_grid_on_coordinates(cells, key) -> bool:
    """The grid question asked another way, for another solver: each cell gets a column and a
    row in 0..n-1 (order encoding: ``x >= v`` literals), each plate a range of columns and rows
    that holds its cells, and each cell outside a plate lies strictly outside one of its four
    ranges. No orders, no transitivity, no symmetry breaking; solved by CaDiCaL."""
    from pysat.solvers import Cadical195

    n, clauses, count = len(cells), [], itertools.count(1)

    def number():
        at_least = [True] + [next(count) for _ in range(n - 1)] + [False]
        clauses.extend([-at_least[v + 1], at_least[v]] for v in range(1, n - 1))
        return at_least

    def at_most(a, b, strict, when=()):  # when -> a + strict <= b
        for v in range(n + 1):
            high = a[v] if v < n else False
            low = b[v + strict] if v + strict <= n else False
            if high is False or low is True:
                continue
            clauses.append([-w for w in when] + ([] if high is True else [-high])
                           + ([] if low is False else [low]))

    x = [[number() for _ in range(n)] for _ in (0, 1)]
    lo = [{p: number() for p in key} for _ in (0, 1)]
    hi = [{p: number() for p in key} for _ in (0, 1)]
    for p in key:
        for c, k in enumerate(cells):
            if p in k:
                for a in (0, 1):
                    at_most(lo[a][p], x[a][c], 0)
                    at_most(x[a][c], hi[a][p], 0)
                continue
            sides = [next(count) for _ in range(4)]
            for a in (0, 1):
                at_most(x[a][c], lo[a][p], 1, [sides[2 * a]])
                at_most(hi[a][p], x[a][c], 1, [sides[2 * a + 1]])
            clauses.append(sides)
    with Cadical195(bootstrap_with=clauses) as solver:
        return solver.solve()


def test_the_coordinate_check_agrees_on_structures_with_and_without_a_drawing():
    # the independent check itself: it finds the grids of drawable structures
    assert has_grid_on_coordinates(*interactions(4))
    assert has_grid_on_coordinates([("A",), ("A", "B"), ("B",), ("A", "B", "C"), ("C",)], "ABC")
    pairs = [tuple(f"P{min(i, j)}{max(i, j)}" for j in range(5) if j != i) for i in range(5)]
    assert not has_grid_on_coordinates(pairs, sorted({p for k in pairs for p in k}))


@pytest.mark.parametrize("k", [5, 6])
def test_all_two_way_interactions_of_five_and_six_plates_have_no_grid(k):
    cells, key = interactions(k)
    assert grid_of(cells, key, [(i, -i) for i in range(len(cells))]) is None
    assert not has_grid_on_coordinates(cells, key)  # the same answer, found independently


@pytest.mark.parametrize("k", [5, 6])
def test_all_two_way_interactions_warn_that_they_cannot_be_drawn(make_graph, k):
    graph = interactions_graph(make_graph, k)
    with pytest.warns(plategraph.CrossedPlatesWarning, match="one box per combination") as got:
        lay = plategraph.layout(graph)
    message = str(got[0].message)
    assert "cannot be drawn as overlapping rectangles" in message and "undecided" not in message
    assert all(f"P{i}" in message for i in range(k))
    assert lay.combined and layout_problems(lay) == []


def test_the_sat_solver_finds_the_grid_of_every_drawn_structure_the_search_leaves_to_it():
    # with no search steps at all, every structure goes to the solver
    @settings(max_examples=150, deadline=None)
    @given(drawn_structures())
    def check(structure):
        _, sets = structure
        key = sorted({p for s in sets for p in s})
        grid = grid_of(sets, key, [(i, -i) for i in range(len(sets))])
        assert grid is not None and holds_exactly(grid, sets, key)
        assert has_grid_on_coordinates(sets, key)

    with mock.patch.object(arrangement, "STEPS", 0):
        check()


def test_the_sat_solver_says_no_grid_where_the_search_does():
    pairs = [tuple(f"P{min(i, j)}{max(i, j)}" for j in range(5) if j != i) for i in range(5)]
    key = sorted({p for k in pairs for p in k})
    where = [(i, -i) for i in range(5)]
    with mock.patch.object(arrangement, "STEPS", 10**5):
        assert grid_of(pairs, key, where) is None  # the search alone, every choice tried
    with mock.patch.object(arrangement, "STEPS", 0):
        assert grid_of(pairs, key, where) is None  # the solver alone


def test_a_solver_that_stops_undecided_says_so(make_graph):
    graph = interactions_graph(make_graph, 5)
    with mock.patch.object(gridsat, "CONFLICTS", 1), \
            pytest.warns(plategraph.CrossedPlatesWarning,
                         match=r"not drawn \(undecided: the SAT solver stopped after 1 conflicts"):
        lay = plategraph.layout(graph)
    assert lay.combined and layout_problems(lay) == []


def test_plates_set_edge_to_edge_are_pulled_apart_keeping_what_they_hold():
    from plategraph.layout.geometry import Box
    from plategraph.layout.placement import APART, apart

    plates = {"left": Box(0, 0, 50, 60), "right": Box(50, 10, 90, 30),
              "below": Box(0, 60, 50, 80), "around": Box(-10, -10, 100, 90)}
    assert apart(plates) == {"left": Box(0, 0, 50 - APART, 60 - APART),
                             "right": Box(50 + APART, 10, 90, 30),
                             "below": Box(0, 60 + APART, 50, 80),
                             "around": Box(-10, -10, 100, 90)}  # holds the others
