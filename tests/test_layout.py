"""plategraph.layout: the one layout every output is drawn from, read back from real `dot` runs."""

from __future__ import annotations

import math

import pytest
from _gallery import gallery_ids, load_example

import plategraph
from plategraph.geometry import Box, Layout
from plategraph.layout import edge_path
from plategraph.records import Edge, Plate, Site

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
    assert set(lay.plates) == set(drawn.graph["plates"]) and set(lay.labels) == set(lay.plates)
    for node, box in lay.nodes.items():
        assert 0 <= box.x0 < box.x1 <= lay.width and 0 <= box.y0 < box.y1 <= lay.height, node
        for plate in lay.graph.nodes[node]["plates"]:
            assert lay.plates[plate].contains(box), (node, plate)
    for (parent, child), path in lay.edges.items():
        assert (len(path) - 1) % 3 == 0 and len(path) >= 4
        assert near_box(path[0], lay.nodes[parent]) and near_box(path[-1], lay.nodes[child])
    assert lay.options["labels"] == options.get("labels", "plain")


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
    assert (a.nodes, a.plates, a.labels, a.edges, a.width, a.height) == (
        b.nodes, b.plates, b.labels, b.edges, b.width, b.height)
    assert list(a.edges) == list(a.graph.edges)
