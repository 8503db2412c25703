"""``plategraph.compat``: the NumPyro drop-ins (``plategraph.app.compat``)."""

from .app.compat import (
    PlateDigraph,
    get_model_relations,
    numpyro_plates,
    relations_from_graph,
    render_model,
)

__all__ = ["PlateDigraph", "get_model_relations", "numpyro_plates", "relations_from_graph",
           "render_model"]
