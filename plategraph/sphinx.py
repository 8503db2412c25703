"""``plategraph.sphinx``: the Sphinx extension with the ``plategraph`` directive
(``plategraph.app.sphinx``); ``extensions = ["plategraph.sphinx"]`` in ``conf.py``."""

from .app.sphinx import PlategraphDirective, plategraph_diagram, setup

__all__ = ["PlategraphDirective", "plategraph_diagram", "setup"]
