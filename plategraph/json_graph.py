"""``plategraph.json_graph``: the graph as JSON and back (``plategraph.graph.json_graph``)."""

from .graph.json_graph import from_json, to_json

__all__ = ["from_json", "to_json"]
