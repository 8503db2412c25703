"""The application stage, thin over the others: the ``Diagram`` users hold, the NumPyro
drop-ins, the command line, the gallery build and its process pool."""
