"""plategraph.layout: the one layout every output is drawn from, read back from real `dot` runs."""

from __future__ import annotations

import importlib
import math
import subprocess
import warnings
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from support import gallery_ids, graph_of, load_example, node_statements
from test_dot import CASES as DRAWING_CASES

import plategraph
from plategraph.graph.plates import plate_tree
from plategraph.layout.engine import crosses, edge_path
from plategraph.layout.geometry import Box, Layout
from plategraph.tracing.records import Edge, Plate, Site

pytestmark = pytest.mark.dot

IDS = gallery_ids()
FULL = {"labels": "math", "distributions": True, "params": True}


def gallery_graph(ident: str):
    model, args, kwargs = load_example(ident)
    return plategraph.model_graph(model, *args, **kwargs)


def near_box(point, box: Box, tolerance: float = 2.0) -> bool:
    return box.expanded(tolerance).contains(Box(*point, *point))


def test_edge_path_ends_at_the_arrow_tip():
    path = edge_path("e,10,0 10,30 10,20 10,10 10,5")
    assert path[0] == (10.0, 30.0) and path[-1] == (10.0, 0.0)
    assert (len(path) - 1) % 3 == 0
    # the added segment to the tip is straight: its control points lie on the line
    assert all(x == 10.0 for x, _ in path[-4:])


def test_edge_path_with_a_start_arrow_starts_at_its_tip():
    path = edge_path("s,0,0 0,5 0,10 0,15 0,20")
    assert path[0] == (0.0, 0.0) and path[-1] == (0.0, 20.0) and (len(path) - 1) % 3 == 0


@pytest.mark.parametrize("ident", ["eight_schools:centered", "lda:model", "radon:model",
                                   "hmm:with_scan"])
@pytest.mark.parametrize("options", [{}, FULL, {"rankdir": "LR"}], ids=["plain", "full", "LR"])
def test_layout_of_a_gallery_model(ident, options):
    graph = gallery_graph(ident)
    lay = plategraph.layout(graph, **options)
    drawn = plategraph.draw(graph, **options).graph
    assert isinstance(lay, Layout)
    assert list(lay.graph.nodes) == list(drawn.nodes) == list(lay.nodes)
    assert list(lay.edges) == list(drawn.edges)
    assert set(lay.plates) == set(drawn.graph["plates"])
    assert set(lay.plate_labels) == set(lay.plates)
    for node, box in lay.nodes.items():
        assert 0 <= box.x0 < box.x1 <= lay.width and 0 <= box.y0 < box.y1 <= lay.height, node
        for plate in lay.graph.nodes[node]["plates"]:
            assert lay.plates[plate].contains(box), (node, plate)
    for (parent, child), path in lay.edges.items():
        assert (len(path) - 1) % 3 == 0 and len(path) >= 4
        assert near_box(path[0], lay.nodes[parent]) and near_box(path[-1], lay.nodes[child])
    assert lay.options.label_mode == options.get("labels", "plain")


def test_an_arrow_ends_on_the_childs_outline():
    lay = plategraph.layout(gallery_graph("eight_schools:centered"))
    box = lay.nodes["obs"]
    x, y = lay.edges[("theta", "obs")][-1]
    # an ellipse: the tip lies on it, not at the end of graphviz's spline (the arrow's base)
    cx, cy = box.center
    assert math.isclose(((x - cx) / (box.width / 2)) ** 2 + ((y - cy) / (box.height / 2)) ** 2,
                        1.0, abs_tol=0.1)


def test_options_are_draws_and_hidden_kinds_are_gone(make_graph):
    g = make_graph([Site("w", "param"), Site("m", "deterministic"),
                    Site("y", "observed", plates=("N",))],
                   [Edge("w", "m", "data", ("value",)), Edge("m", "y", "data", ("loc",))],
                   plates=[Plate("N", 3)])
    lay = plategraph.layout(g, deterministic=False)
    assert list(lay.nodes) == ["y"] and lay.edges == {}
    lay = plategraph.layout(g, params=True)
    assert list(lay.nodes) == ["w", "m", "y"] and list(lay.edges) == [("w", "m"), ("m", "y")]
    with pytest.raises(plategraph.OptionError, match="rankdir"):
        plategraph.layout(g, rankdir="sideways")


def test_loop_families_collapse_as_in_draw():
    lay = plategraph.layout(gallery_graph("hmm:python_loop"))
    assert {"z_j", "y_j"} <= set(lay.nodes) and "j" in lay.plates
    assert ("z_j", "z_j") in lay.edges


def test_layout_is_deterministic():
    graph = gallery_graph("lda:model")
    a, b = plategraph.layout(graph, **FULL), plategraph.layout(graph, **FULL)
    assert (a.nodes, a.plates, a.plate_labels, a.edges, a.width, a.height) == (
        b.nodes, b.plates, b.plate_labels, b.edges, b.width, b.height)
    assert list(a.edges) == list(a.graph.edges)


# -- the geometric rules of every layout: no edge through a label, plates hold their sites ------

TOUCH = 0.5  # points: closer than this counts as touching


def _members(lay: Layout) -> dict[str, list[str]]:
    """Plate box → the nodes it must hold: for overlapping rectangles every site of the plate;
    for one box per combination (``combined``) the sites of its subtree in ``plate_tree``."""
    if not lay.combined:
        return {key: [n for n, ps in lay.graph.nodes(data="plates") if key in (ps or ())]
                for key in lay.plates}
    out: dict[str, list[str]] = {}

    def walk(cluster) -> list[str]:
        held = list(cluster.nodes)
        for child in cluster.children.values():
            inner = walk(child)
            out[" × ".join(child.plates)] = inner
            held += inner
        return held

    walk(plate_tree(lay.graph))
    return out


def _sides_coincide(a: Box, b: Box) -> bool:
    def along(p0, p1, q0, q1):
        return min(p1, q1) - max(p0, q0) > TOUCH

    vertical = any(abs(x - u) < TOUCH for x in (a.x0, a.x1) for u in (b.x0, b.x1))
    horizontal = any(abs(y - v) < TOUCH for y in (a.y0, a.y1) for v in (b.y0, b.y1))
    return ((vertical and along(a.y0, a.y1, b.y0, b.y1))
            or (horizontal and along(a.x0, a.x1, b.x0, b.x1)))


def layout_problems(lay: Layout) -> list[str]:
    """Every way the layout breaks the rules: [] when it keeps them all."""
    found = []
    nodes = list(lay.nodes.items())
    for i, (a, box_a) in enumerate(nodes):
        for b, box_b in nodes[i + 1:]:
            if box_a.overlaps(box_b):
                found.append(f"nodes {a} and {b} overlap")
    for (parent, child), path in lay.edges.items():
        for key, label in lay.plate_labels.items():
            if crosses(path, label):
                found.append(f"edge {parent} -> {child} crosses the label of {key}")
    labels = list(lay.plate_labels.items())
    for i, (key, label) in enumerate(labels):
        if not lay.plates[key].expanded(-1).contains(label):
            found.append(f"the label of {key} overflows its plate")
        for node, box in nodes:
            if label.overlaps(box):
                found.append(f"the label of {key} covers node {node}")
        for other, box in labels[i + 1:]:
            if label.overlaps(box):
                found.append(f"the labels of {key} and {other} overlap")
    members = _members(lay)
    for key, rect in lay.plates.items():
        for node, box in nodes:
            if node in members[key]:
                if not rect.contains(box):
                    found.append(f"plate {key} does not hold its node {node}")
            elif rect.overlaps(box.expanded(TOUCH)):
                found.append(f"plate {key} touches the foreign node {node}")
    keys = list(lay.plates)
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            ma, mb = set(members[a]), set(members[b])
            if mb <= ma and not lay.plates[a].contains(lay.plates[b]) and not lay.combined:
                found.append(f"plate {b} is not nested in {a}")
            if ma <= mb and mb != ma and not lay.plates[b].contains(lay.plates[a]) \
                    and not lay.combined:
                found.append(f"plate {a} is not nested in {b}")
            if _sides_coincide(lay.plates[a], lay.plates[b]):
                found.append(f"sides of plates {a} and {b} coincide")
    return found


def test_the_rules_catch_a_broken_layout():
    lay = plategraph.layout(gallery_graph("matrix_factorization:model"))
    u, r = lay.nodes["u"], lay.nodes["r"]
    broken = replace(lay, nodes={**lay.nodes, "u": r},
                     plate_labels={**lay.plate_labels, "users": lay.nodes["sigma"]},
                     plates={**lay.plates, "items": replace(lay.plates["items"],
                                                            x0=lay.plates["users"].x0)})
    problems = layout_problems(broken)
    assert "nodes u and r overlap" in problems
    assert "the label of users overflows its plate" in problems
    assert "the label of users covers node sigma" in problems
    assert "plate items touches the foreign node u" in problems or \
        "sides of plates users and items coincide" in problems
    assert layout_problems(lay) == [] and u != r


GALLERY_OPTIONS = {"plain": {}, "full": FULL, "LR": {"rankdir": "LR", "labels": "math"},
                   "paper": {"theme": "paper", **FULL},
                   "paper LR": {"theme": "paper", "rankdir": "LR", "labels": "math"}}
# gallery models whose crossed plates admit no overlapping rectangles (docs/layout.md): none;
# a model added here must say why
IMPOSSIBLE: set[str] = set()


@pytest.mark.parametrize("options", GALLERY_OPTIONS.values(), ids=GALLERY_OPTIONS)
@pytest.mark.parametrize("ident", IDS)
def test_every_gallery_layout_keeps_the_rules(ident, options):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lay = plategraph.layout(gallery_graph(ident), **options)
    assert layout_problems(lay) == []
    if ident not in IMPOSSIBLE:
        # crossed plates are overlapping rectangles in every theme, never combined boxes
        assert lay.combined == {} and [str(w.message) for w in caught] == []
        assert set(lay.plates) == set(lay.graph.graph["plates"]) & {
            p for _, ps in lay.graph.nodes(data="plates") for p in ps or ()}


@pytest.mark.parametrize("case", DRAWING_CASES)
def test_every_drawing_case_keeps_the_rules(make_graph, case):
    build, options = DRAWING_CASES[case]
    assert layout_problems(plategraph.layout(build(make_graph), **options)) == []


CROSSED = ["matrix_factorization:model", "tensor_factorization:model",
           "crossed_random_effects:model", "lda_topic_weights:model", "crossed_in_outer:model"]


@pytest.mark.parametrize("ident", CROSSED)
def test_crossed_plates_are_overlapping_rectangles(ident):
    graph = gallery_graph(ident)
    lay = plategraph.layout(graph, labels="math")
    assert lay.combined == {} and set(lay.plates) == set(graph.graph["plates"])
    for node, plates in lay.graph.nodes(data="plates"):
        # a site in several crossing plates sits where their rectangles overlap
        for p in plates:
            assert lay.plates[p].contains(lay.nodes[node])
    crossing = [(a, b) for a in lay.plates for b in lay.plates if a < b
                and lay.plates[a].overlaps(lay.plates[b])
                and not lay.plates[a].contains(lay.plates[b])
                and not lay.plates[b].contains(lay.plates[a])]
    assert crossing, "no two rectangles overlap"


def test_matrix_factorisation_is_the_pmf_figure():
    lay = plategraph.layout(gallery_graph("matrix_factorization:model"))
    users, items = lay.plates["users"], lay.plates["items"]
    overlap = Box(max(users.x0, items.x0), max(users.y0, items.y0),
                  min(users.x1, items.x1), min(users.y1, items.y1))
    assert overlap.contains(lay.nodes["r"])
    assert not items.overlaps(lay.nodes["u"]) and not users.overlaps(lay.nodes["v"])
    assert not users.overlaps(lay.nodes["sigma"]) and not items.overlaps(lay.nodes["sigma"])


def test_the_paper_layout_is_the_one_draw_shows():
    graph = gallery_graph("lda_topic_weights:model")
    lay, shown = plategraph.layout(graph, theme="paper"), plategraph.draw(graph, theme="paper")
    assert lay.options.label_mode == "math"  # draw's default in the paper theme
    assert (lay.nodes, lay.plates, lay.plate_labels) == (shown.layout.nodes, shown.layout.plates,
                                                   shown.layout.plate_labels)


def test_topics_beside_documents_in_the_paper_theme():
    # fixed-size circles left the topics column narrower than its label, whose every corner
    # then crossed the side of documents: the gap before the shared column makes room
    lay = plategraph.layout(gallery_graph("lda_topic_weights:model"), theme="paper",
                            labels="math")
    topics, documents = lay.plates["topics"], lay.plates["documents"]
    assert topics.contains(lay.nodes["theta"]) and documents.contains(lay.nodes["theta"])
    assert not documents.overlaps(lay.nodes["phi"]) and not topics.overlaps(lay.nodes["z"])
    assert topics.x0 < documents.x0 < topics.x1 < documents.x1
    # each label in the part of its plate the other does not cover
    labels = lay.plate_labels
    assert labels["topics"].x1 < documents.x0 and topics.x1 < labels["documents"].x0


def crossed_pair(make_graph, a: str, b: str):
    """Matrix factorisation with plates ``a`` (users) and ``b`` (items)."""
    return make_graph([Site("u", "latent", plates=(a,)), Site("v", "latent", plates=(b,)),
                       Site("r", "observed", plates=(a, b))],
                      [Edge("u", "r", "data", ("loc",)), Edge("v", "r", "data", ("loc",))],
                      plates=[Plate(a, 6), Plate(b, 5)])


@pytest.mark.parametrize("theme", ["notebook", "paper"])
@pytest.mark.parametrize("rankdir", ["TB", "LR"])
@pytest.mark.parametrize("names", [("respondents_in_the_survey", "items"),
                                   ("u", "questionnaire_items_asked"),
                                   ("respondents_in_the_survey", "questionnaire_items_asked")])
def test_labels_wider_than_their_columns_still_overlap(make_graph, names, theme, rankdir):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lay = plategraph.layout(crossed_pair(make_graph, *names), theme=theme, rankdir=rankdir)
    assert caught == [] and lay.combined == {}
    assert layout_problems(lay) == []
    a, b = (lay.plates[n] for n in names)
    assert a.overlaps(b) and a.contains(lay.nodes["r"]) and b.contains(lay.nodes["r"])


def test_a_crossed_pair_in_an_outer_plate_left_to_right_in_the_paper_theme():
    # the outer plate's sides are drawn around the inner ones: no obstacle to their labels
    lay = plategraph.layout(gallery_graph("crossed_in_outer:model"), theme="paper",
                            labels="math", rankdir="LR")
    assert lay.combined == {}
    for inner in ("stores", "products"):
        assert lay.plates["regions"].contains(lay.plates[inner])
        assert lay.plates["regions"].contains(lay.plate_labels[inner])


def test_crossed_random_effects_nest_the_replicates_in_the_overlap():
    lay = plategraph.layout(gallery_graph("crossed_random_effects:model"))
    for outer in ("subjects", "items"):
        assert lay.plates[outer].contains(lay.plates["replicates"])


def test_crossed_pair_inside_an_outer_plate():
    lay = plategraph.layout(gallery_graph("crossed_in_outer:model"))
    for inner in ("stores", "products"):
        assert lay.plates["regions"].contains(lay.plates[inner])
    assert not lay.plates["regions"].overlaps(lay.nodes["tau"])


def three_way(make_graph):
    """Three plates crossing pairwise with every combination used: no order of columns holds
    them, rectangles do (A wide, B tall across it, C over their common corner)."""
    combos = ["A", "B", "C", "AB", "AC", "BC", "ABC"]
    return make_graph([Site(f"s_{c}", "latent", plates=tuple(c)) for c in combos],
                      [Edge(f"s_{c}", "s_ABC", "data", ("loc",)) for c in combos[:-1]],
                      plates=[Plate(p, 2) for p in "ABC"])


def test_every_combination_of_three_crossing_plates_is_drawn_as_rectangles(make_graph):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lay = plategraph.layout(three_way(make_graph))
    assert lay.combined == {} and set(lay.plates) == set("ABC")
    assert layout_problems(lay) == []
    for node, plates in lay.graph.nodes(data="plates"):
        for p in "ABC":
            assert lay.plates[p].contains(lay.nodes[node]) == (p in plates), (node, p)


PLATE_SETS = st.lists(st.sets(st.sampled_from("ABCD"), max_size=3), min_size=2, max_size=6)


@settings(max_examples=25, deadline=None)
@given(PLATE_SETS, st.sampled_from(["TB", "LR"]), st.sampled_from(["notebook", "paper"]))
# two plates nested side by side in a plate that crosses another: dot set them edge to edge
@example([{"A"}, {"C", "D"}, {"B", "C"}, {"A", "C"}, {"C", "D"}], "TB", "notebook")
def test_random_plate_structures_keep_the_rules_or_warn(plate_sets, rankdir, theme):
    sites = [Site(f"s{i}", "latent", plates=tuple(sorted(ps))) for i, ps in enumerate(plate_sets)]
    edges = [Edge(f"s{i}", f"s{i + 1}", "data", ("loc",)) for i in range(len(sites) - 1)]
    graph = graph_of(sites, edges, [Plate(p, 2) for p in "ABCD"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lay = plategraph.layout(graph, rankdir=rankdir, theme=theme)
    assert bool(caught) == bool(lay.combined)
    assert layout_problems(lay) == []


# -- the diagram is drawn from the layout ----------------------------------------------------


def test_a_crossed_diagram_is_the_pinned_layout():
    graph = gallery_graph("matrix_factorization:model")
    d = plategraph.draw(graph)
    lay = plategraph.layout(graph)
    assert d.engine == "neato" and d.layout.nodes == lay.nodes
    for node, box in lay.nodes.items():
        x, y = box.center
        assert f'pos="{x:.2f},{y:.2f}"' in node_statements(d.source)[node]
    svg = ET.fromstring(d.pipe("svg"))
    tips = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}title")]
    assert "users × items" not in d.source and tips.count("r") == 1  # r drawn once
    assert d.pipe("png").startswith(b"\x89PNG") and d.pipe("pdf").startswith(b"%PDF")


def test_a_diagram_without_crossings_is_dots_own_in_one_run(monkeypatch):
    d = plategraph.draw(gallery_graph("eight_schools:centered"))
    calls = []
    render = importlib.import_module("plategraph.layout.graphviz")
    popen = subprocess.Popen  # every graphviz run starts one process (render._graphviz)
    monkeypatch.setattr(render.subprocess, "Popen",
                        lambda *a, **k: calls.append(a) or popen(*a, **k))
    svg = d.pipe("svg")
    assert svg.startswith(b"<?xml") and len(calls) == 1 and d.engine == "dot"
    assert d.source == plategraph.to_dot(d.graph)
    assert d.pipe("svg") == svg and len(calls) == 1  # the notebook display reuses it


def test_an_edge_dot_ran_through_a_label_goes_around_it():
    d = plategraph.draw(gallery_graph("radon:model"), **FULL)
    lay = d.layout
    assert d.engine == "neato"
    assert not crosses(lay.edges[("a", "log_radon")], lay.plate_labels["county"])
