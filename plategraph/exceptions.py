"""The exceptions plategraph raises.

    PlategraphError
     ├── ModelError            the model could not be traced (raised, bad arguments, no sites)
     │    └── NotCallableError  what was passed is not a model function
     ├── UnsupportedJaxError   the installed JAX is outside the range the tracer supports
     ├── FormatError           an output format or file suffix plategraph does not write
     ├── OptionError           a drawing option with a value plategraph does not know
     ├── RenderError           `dot` failed, ran past its time limit, or is missing
     │    └── DotNotFoundError  the graphviz `dot` binary is not installed
     ├── OutputError           an output file or folder cannot be written
     └── GalleryError          a gallery module or model reference is broken

    IncompleteTraceWarning     control flow had more values to try than the run budget allows
    CrossedPlatesWarning       crossed plates drawn as one box per combination, not overlapping
    FigureSizeWarning          a paper figure too wide for the column asked at its type size

Every message names the model, site or file it is about; the original exception is chained.
"""

from __future__ import annotations

__all__ = [
    "CrossedPlatesWarning",
    "DotNotFoundError",
    "FigureSizeWarning",
    "FormatError",
    "GalleryError",
    "IncompleteTraceWarning",
    "ModelError",
    "NotCallableError",
    "OptionError",
    "OutputError",
    "PlategraphError",
    "RenderError",
    "UnsupportedJaxError",
]


class PlategraphError(Exception):
    """Base class of every error plategraph raises on purpose."""


class ModelError(PlategraphError):
    """The model could not be traced.

    ``model`` is its name; ``site`` and ``source`` (``"file.py:LINE"``) say where, when known.
    """

    def __init__(self, message: str, *, model: str | None = None, site: str | None = None,
                 source: str | None = None) -> None:
        super().__init__(message)
        self.model = model
        self.site = site
        self.source = source


class NotCallableError(ModelError, TypeError):
    """What was passed as a model is not callable."""


class UnsupportedJaxError(PlategraphError, ImportError):
    """The installed JAX version is outside the range the tracer was written for."""


class FormatError(PlategraphError, ValueError):
    """An output format or file suffix that plategraph cannot write."""


class OptionError(PlategraphError, ValueError):
    """A drawing option (theme, labels, rankdir, …) with an unknown value.

    ``options`` names the options at fault as ``draw`` spells them (``("width",)``; an option
    of the paper figure without the paper theme: ``("dpi", "theme")``), and ``expected`` says
    what a single option takes, in words any front end can use (the command line words its
    errors from these two).

    >>> err = OptionError("dpi must be a number above 0; got 0", "dpi", expected="a number above 0")
    >>> err.options, err.expected
    (('dpi',), 'a number above 0')
    """

    def __init__(self, message: str, *options: str, expected: str | None = None) -> None:
        super().__init__(message)
        self.options = options
        self.expected = expected


class RenderError(PlategraphError):
    """Running graphviz's ``dot`` failed."""


class OutputError(PlategraphError):
    """An output file or folder cannot be written (read-only, a folder where a file goes, …)."""


class DotNotFoundError(RenderError):
    """The graphviz ``dot`` binary is not on PATH."""


class GalleryError(PlategraphError):
    """A gallery module, or a ``file.py:model`` reference, cannot be loaded."""


class IncompleteTraceWarning(UserWarning):
    """Python control flow on sampled values needed more re-runs than allowed; the graph may lack
    control edges or gated sites of the deciders named in the message."""


class CrossedPlatesWarning(UserWarning):
    """Crossed plates that cannot be drawn as overlapping rectangles, each holding exactly its
    sites (five plates crossing pairwise, each pair with a site of its own and no site in three
    of them, is such a structure), or that the search could not decide: they are drawn as one
    box per combination of plates instead, never as a cloned plate. The message says which."""


class FigureSizeWarning(UserWarning):
    """A paper figure that cannot fit the width asked (by default a 10 pt two-column
    article's column, 229.5 pt) with its text at the figure's type size: it is laid out for
    the full text width instead (a ``figure*``), or is wider than that too; the message names
    the model and its size."""
