"""Pure graph → graph: collapse families of sites made in a Python loop into one plated node."""

from __future__ import annotations

import re
from collections import defaultdict

import networkx as nx

__all__ = ["collapse_families"]

_INDEXED = re.compile(r"^(?P<stem>.*?[^\d_])_?(?P<index>\d+)$")
_INDEX_NAMES = ("j", "k", "l", "m", "n", "t", "u", "v")
MIN_FAMILY = 3


def _split(name: str) -> tuple[str, int] | None:
    match = _INDEXED.match(name)
    return (match["stem"], int(match["index"])) if match else None


def collapse_families(graph: nx.DiGraph, *, min_size: int = MIN_FAMILY) -> nx.DiGraph:
    """A new graph in which each family ``obs_0 … obs_999`` is one node ``obs_j`` in a plate ``j``.

    A family is at least ``min_size`` sites whose names are one stem plus an integer index and
    which share kind, distribution and plates. Families with the same set of indices share one
    index plate (``z_t`` and ``y_t`` of a Python-loop HMM both go in ``j``); a member feeding a
    later member (``z_3 → z_4``) becomes a self-edge, as for a scan. A collapsed node keeps the
    first member's attributes, with the index plate added innermost and ``family`` set to the
    number of members; edges merge (a data edge wins over a control edge of the same pair).
    The input is not changed.

    >>> collapse_families(g).nodes["obs_j"]["plates"]
    ('j',)
    """
    groups: dict[tuple, list[tuple[int, str]]] = defaultdict(list)
    for node, data in graph.nodes(data=True):
        split = _split(str(node))
        if split is None or data.get("kind") == "param":
            continue
        stem, index = split
        key = (stem, data.get("kind"), data.get("distribution"), tuple(data.get("plates", ())))
        groups[key].append((index, node))

    families = {key: sorted(members) for key, members in groups.items()
                if len(members) >= min_size and f"{key[0]}_j" not in graph}
    if not families:
        return graph.copy()

    plates = dict(graph.graph.get("plates", {}))
    index_plate: dict[tuple[int, ...], str] = {}
    rename: dict[str, str] = {}
    member_plate: dict[str, str] = {}
    family_size: dict[str, int] = {}
    order = {n: i for i, n in enumerate(graph.nodes)}
    for key, members in sorted(families.items(), key=lambda kv: min(order[n] for _, n in kv[1])):
        indices = tuple(i for i, _ in members)
        if indices not in index_plate:
            free = [n for n in _INDEX_NAMES if n not in plates and n not in index_plate.values()]
            name = free[0] if free else f"i{len(index_plate)}"
            index_plate[indices] = name
            plates[name] = {"size": len(indices), "subsample_size": None, "dim": None}
        plate = index_plate[indices]
        for _, node in members:
            rename[node] = f"{key[0]}_{plate}"
            member_plate[node] = plate
        family_size[f"{key[0]}_{plate}"] = len(members)

    out = nx.DiGraph()
    out.graph.update(graph.graph)
    out.graph["plates"] = plates
    for node, data in graph.nodes(data=True):
        target = rename.get(node, node)
        if target in out:
            merged = out.nodes[target]
            merged["gated_by"] = tuple(dict.fromkeys(
                (*merged["gated_by"], *(rename.get(g, g) for g in data.get("gated_by", ())))))
            continue
        attrs = dict(data)
        if node in rename:
            attrs["plates"] = (*data.get("plates", ()), member_plate[node])
            attrs["family"] = family_size[target]
        attrs["gated_by"] = tuple(dict.fromkeys(rename.get(g, g)
                                                for g in data.get("gated_by", ())))
        out.add_node(target, **attrs)
    for parent, child, data in graph.edges(data=True):
        a, b = rename.get(parent, parent), rename.get(child, child)
        if out.has_edge(a, b):
            edge = out.edges[a, b]
            edge["params"] = tuple(dict.fromkeys((*edge["params"], *data.get("params", ()))))
            if data.get("kind") == "data":
                edge["kind"] = "data"
        else:
            out.add_edge(a, b, kind=data.get("kind", "data"),
                         params=tuple(data.get("params", ())))
    return out
