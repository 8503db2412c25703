"""Pure: how plates nest and cross, and the boxes that draw them (never a cloned plate)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import networkx as nx

__all__ = ["Cluster", "plate_nesting", "plate_tree"]


@dataclass
class Cluster:
    """One plate box: a level of plates (several when crossed), its nodes and inner boxes."""

    plates: tuple[str, ...]
    nodes: list[str] = field(default_factory=list)
    children: dict[tuple[str, ...], Cluster] = field(default_factory=dict)


def plate_nesting(graph: nx.DiGraph) -> tuple[list[str], dict[str, set[str]],
                                               Callable[[str, str], bool]]:
    """The plates that hold sites, in order of appearance; each plate's sites; and
    ``nested(q, p)``: plate ``q`` is drawn inside ``p`` (every site of ``q`` is in ``p``;
    plates with the same sites nest in order of appearance)."""
    order = list(graph.graph.get("plates", {}))
    members: dict[str, set[str]] = {}
    for node, plates in graph.nodes(data="plates"):
        for p in plates or ():
            members.setdefault(p, set()).add(node)
            if p not in order:
                order.append(p)
    order = [p for p in order if p in members]
    rank = {p: i for i, p in enumerate(order)}

    def nested(q: str, p: str) -> bool:
        if q == p or not members[q] <= members[p]:
            return False
        return members[q] != members[p] or rank[p] < rank[q]

    return order, members, nested


def plate_tree(graph: nx.DiGraph) -> Cluster:
    """Nest plate boxes as the sites nest, never cloning one and never nesting a crossed one.

    Plate ``q`` is nested in plate ``p`` when every site in ``q`` is also in ``p`` (plates with
    the same sites nest in order of appearance). A site's plates are drawn as levels, outermost
    first: a level starts with the plates left that are nested in no other, and takes in every
    plate left that is not nested in all of them; the plates of one level share one box
    (``users × items``). So a box is inside another only when each of its plates is nested in
    each plate of the outer box, and each combination of plates has exactly one box.
    """
    order, _, inside = plate_nesting(graph)
    rank = {p: i for i, p in enumerate(order)}
    root = Cluster(())
    for node, plates in graph.nodes(data="plates"):
        rest = sorted(dict.fromkeys(plates or ()), key=rank.__getitem__)
        cluster = root
        while rest:
            level = [p for p in rest if not any(inside(p, q) for q in rest)]
            grown = True
            while grown:
                extra = [p for p in rest
                         if p not in level and not all(inside(p, q) for q in level)]
                level.extend(extra)
                grown = bool(extra)
            key = tuple(p for p in rest if p in level)
            cluster = cluster.children.setdefault(key, Cluster(key))
            rest = [p for p in rest if p not in level]
        cluster.nodes.append(node)
    return root
