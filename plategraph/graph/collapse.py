"""Pure graph → graph: collapse families of sites made in a Python loop into one plated node."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import networkx as nx

from ..tracing.records import merged_data_args
from .views import merge_edge

__all__ = ["collapse_families"]

_INDEXED = re.compile(r"^(?P<stem>.*?[^\d_])_?(?P<index>\d+)$")
_INDEX_NAMES = ("j", "k", "l", "m", "n", "t", "u", "v")
MIN_FAMILY = 3
# shown for a constant parameter whose value differs between the members of a family
VARIES = "…"


def _split(name: object) -> tuple[str, int] | None:
    match = _INDEXED.match(str(name)) if isinstance(name, str) else None
    return (match["stem"], int(match["index"])) if match else None


def _families(graph: nx.DiGraph, min_size: int) -> dict[tuple, list[str]]:
    """Family key → its members in index order; only families that collapse.

    Candidates share stem, kind, distribution and plates. A member's *parent pattern* is the set
    of its (parent, edge kind, params), with parents in a family replaced by that family and the
    candidates of its own family left out (``x_3 → x_4`` is the family feeding itself; so is
    ``x_0 → x_1`` when ``x_0``, the chain's first state, is left out for a prior of its own, so
    one member that differs does not break the whole chain). A family keeps the members of its
    most common pattern; shrinking one family can change the patterns of another, so this
    repeats until nothing changes.
    """
    candidates: dict[tuple, list[tuple[int, str]]] = {}
    for node, data in graph.nodes(data=True):
        split = _split(node)
        if split is None or data.get("kind") == "param":
            continue
        stem, index = split
        key = (stem, data.get("kind"), data.get("distribution"), tuple(data.get("plates", ())))
        candidates.setdefault(key, []).append((index, node))
    families = {key: [n for _, n in sorted(members)]
                for key, members in candidates.items() if len(members) >= min_size}
    candidate_of = {n: key for key, members in families.items() for n in members}
    while True:
        family_of = {n: key for key, members in families.items() for n in members}
        changed = False
        for key in list(families):
            by_pattern: dict[frozenset, list[str]] = {}
            for node in families[key]:
                pattern = frozenset(
                    (family_of.get(parent, ("site", parent)), edge.get("kind"),
                     tuple(edge.get("params", ())))
                    for parent, _, edge in graph.in_edges(node, data=True)
                    if candidate_of.get(parent) != key)
                by_pattern.setdefault(pattern, []).append(node)
            keep = max(by_pattern.values(), key=len)  # max keeps the first of equal sizes
            if len(keep) < min_size:
                del families[key]
                changed = True
            elif len(keep) < len(families[key]):
                families[key] = keep
                changed = True
        if not changed:
            return families


def _merged_dist_args(graph: nx.DiGraph, members: list[str]) -> tuple:
    """The members' shared ``dist_args``, with constants that differ between them shown as …."""
    first = tuple(graph.nodes[members[0]].get("dist_args", ()))
    merged = list(first)
    for node in members[1:]:
        other = tuple(graph.nodes[node].get("dist_args", ()))
        if len(other) != len(first):
            return first
        for i, ((param, value), (_, theirs)) in enumerate(zip(merged, other)):
            if value is not None and value != theirs:
                merged[i] = (param, VARIES)
    return tuple(merged)


def _merged_sources(graph: nx.DiGraph, members: list[str], rename: dict[str, str]) -> dict:
    """The parameters that are the same site's value in every member, named as drawn (a member
    that is its predecessor's value, ``x_4 = x_3``, becomes the family's own previous step)."""
    per_member = [{param: rename.get(source, source)
                   for param, source in (graph.nodes[m].get("param_sources") or {}).items()}
                  for m in members]
    first = per_member[0]
    return {param: source for param, source in first.items()
            if all(other.get(param) == source for other in per_member[1:])}


def collapse_families(graph: nx.DiGraph, *, min_size: int = MIN_FAMILY) -> nx.DiGraph:
    """A new graph in which each family ``obs_0 … obs_999`` is one node ``obs_j`` in a plate ``j``.

    A family is at least ``min_size`` sites whose names are one stem plus an integer index and
    which share kind, distribution, plates and parent pattern (the same parents feeding the same
    parameters, a member of another family counting as that family). Families with the same
    indices share one index plate (``z_t`` and ``y_t`` of a Python-loop HMM both go in ``j``);
    a member feeding a later member (``z_3 → z_4``) becomes a self-edge, as for a scan. A
    collapsed node keeps the first member's attributes, with the index plate added innermost,
    ``family`` set to the number of members and ``members`` to their names; edges merge (a data
    edge wins over a control edge of the same pair). The input is not changed.

    >>> collapsed = collapse_families(model_graph(python_loop, 5))
    >>> collapsed.nodes["obs_j"]["plates"], collapsed.nodes["obs_j"]["family"]
    (('j',), 5)
    """
    families = _families(graph, min_size)
    if not families:
        return graph.copy()
    plan = _plan(graph, families)
    out = nx.DiGraph()
    out.graph.update(graph.graph)
    out.graph["plates"] = plan.plates
    for node, data in graph.nodes(data=True):
        _add_collapsed(out, graph, node, data, plan)
    for parent, child, data in graph.edges(data=True):
        merge_edge(out, plan.rename.get(parent, parent), plan.rename.get(child, child),
                   kind=data.get("kind", "data"), params=tuple(data.get("params", ())))
    return out


@dataclass
class _Plan:
    """What collapsing does: the plates (index plates added), each member's new name and
    index plate, each collapsed node's members."""

    plates: dict[str, dict]
    rename: dict[str, str] = field(default_factory=dict)
    member_plate: dict[str, str] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=dict)


def _plan(graph: nx.DiGraph, families: dict[tuple, list[str]]) -> _Plan:
    """Name each family's node and index plate, families in trace order; families with the same
    indices share a plate, and a family whose name is taken stays as it is."""
    order = {n: i for i, n in enumerate(graph.nodes)}
    plan = _Plan(plates=dict(graph.graph.get("plates", {})))
    index_plate: dict[tuple[int, ...], str] = {}
    for key, members in sorted(families.items(), key=lambda kv: order[kv[1][0]]):
        indices = tuple(_split(n)[1] for n in members)  # type: ignore[index]
        plate = index_plate.get(indices)
        if plate is None:
            free = [n for n in _INDEX_NAMES if n not in plan.plates]
            plate = free[0] if free else f"i{len(index_plate)}"
        target = f"{key[0]}_{plate}"
        if target in graph or target in plan.members:
            continue  # a site already has that name: keep the members as they are
        if indices not in index_plate:
            index_plate[indices] = plate
            plan.plates[plate] = {"size": len(indices), "subsample_size": None, "dim": None}
        size_by = _sized_by(graph, members)
        if size_by is not None:
            plan.plates[plate] = {**plan.plates[plate], "size": None, "size_by": size_by}
        plan.members[target] = members
        for node in members:
            plan.rename[node] = target
            plan.member_plate[node] = plate
    return plan


def _sized_by(graph: nx.DiGraph, members: list[str]) -> str | None:
    """The site a family's length depends on (``for i in range(int(k))``), as the tracer found
    it (``sized_by``: the values tried gave the loop different lengths), or None."""
    sizes = {graph.nodes[m].get("sized_by") for m in members} - {None}
    return str(sizes.pop()) if len(sizes) == 1 else None


def _add_collapsed(out: nx.DiGraph, graph: nx.DiGraph, node: str, data: dict,
                   plan: _Plan) -> None:
    """Add ``node`` to ``out`` under its new name: a family's first member makes the family's
    node, the others only add their gates."""
    rename = plan.rename
    target = rename.get(node, node)
    gates = (rename.get(g, g) for g in data.get("gated_by", ()))
    if target in out:
        merged = out.nodes[target]
        merged["gated_by"] = tuple(dict.fromkeys((*merged["gated_by"], *gates)))
        return
    attrs = dict(data)
    attrs["gated_by"] = tuple(dict.fromkeys(gates))
    if node in rename:
        members = plan.members[target]
        attrs["plates"] = (*data.get("plates", ()), plan.member_plate[node])
        attrs["family"] = len(members)
        attrs["members"] = tuple(members)
        attrs["dist_args"] = _merged_dist_args(graph, members)
        if data.get("param_sources") is not None:
            attrs["param_sources"] = _merged_sources(graph, members, rename)
        if "data_args" in data:
            attrs["data_args"] = merged_data_args(graph.nodes[m].get("data_args") or {}
                                                   for m in members)
    out.add_node(target, **attrs)
