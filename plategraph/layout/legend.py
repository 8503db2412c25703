"""The key of a figure (``legend=True``): which node and edge kinds it draws, and where each
entry goes. Pure: every output draws the entries with its own shapes and text metrics."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx

from .themes import EDGE_KINDS, NODE_KINDS

__all__ = ["KEY_GAP", "KeyEntry", "KeyPlace", "key_entries", "place_key"]

KEY_GAP = 10.0  # points between the figure and its key, and between entries in a row


@dataclass(frozen=True)
class KeyEntry:
    """One entry of the key: a node kind (``what == "node"``; ``"gated"`` is a site that exists
    only for some values of its gate, drawn dashed) or an edge kind (``"edge"``), named as the
    graph contract names it."""

    what: str
    kind: str

    @property
    def label(self) -> str:
        return self.kind


@dataclass(frozen=True)
class KeyPlace:
    """Where an entry goes: its symbol centred at ``(x, y)`` (``symbol`` wide), its label
    starting at ``text_x``, baseline centred on ``y``."""

    entry: KeyEntry
    x: float
    y: float
    text_x: float


def key_entries(graph: nx.DiGraph) -> tuple[KeyEntry, ...]:
    """The kinds a drawn graph shows, in the contract's order: node kinds, ``gated`` when a
    site is drawn dashed, then edge kinds (``data``, ``control``, ``gate``).

    >>> [e.label for e in key_entries(plategraph.layout(g).graph)]
    ['latent', 'observed', 'data']
    """
    kinds = {kind for _, kind in graph.nodes(data="kind")}
    entries = [KeyEntry("node", k) for k in NODE_KINDS if k in kinds]
    if any(gates and kind not in ("factor", "param")
           for _, kind, gates in ((n, d.get("kind"), d.get("gated_by"))
                                  for n, d in graph.nodes(data=True))):
        entries.append(KeyEntry("node", "gated"))
    edge_kinds = {kind for _, _, kind in graph.edges(data="kind")}
    entries += [KeyEntry("edge", k) for k in EDGE_KINDS if k in edge_kinds]
    return tuple(entries)


def place_key(entries: tuple[KeyEntry, ...], *, left: float, top: float, width: float,
              symbol: float, row: float, text_width: Callable[[str], float]) -> list[KeyPlace]:
    """Entries in rows from ``(left, top)`` downwards (y up, as in a ``Layout``), each a
    ``symbol`` wide symbol and its label, a row ``row`` high, wrapped at ``width``."""
    places: list[KeyPlace] = []
    x, y = left, top - row / 2
    for entry in entries:
        span = symbol + 4 + text_width(entry.label)
        if x > left and x + span > left + width:
            x, y = left, y - row
        places.append(KeyPlace(entry, x + symbol / 2, y, x + symbol + 4))
        x += span + KEY_GAP
    return places
