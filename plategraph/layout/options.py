"""Every drawing option's allowed values and its check, done once where options come in."""

from __future__ import annotations

import math
import os
from pathlib import Path

from ..exceptions import FormatError, OptionError

__all__ = ["DEFAULT_TIMEOUT", "FORMATS", "MAX_TIMEOUT", "check_format", "check_timeout",
           "format_for_path"]

FORMATS = ("svg", "png", "pdf", "dot", "tex")
DEFAULT_TIMEOUT = 60.0  # seconds `dot` may take for one diagram
MAX_TIMEOUT = 1e6  # about eleven days: longer limits are mistakes (and overflow timers)


def check_format(fmt: str) -> str:
    """``fmt`` lower-cased, or a FormatError listing what plategraph writes."""
    norm = fmt.lower().lstrip(".")
    if norm not in FORMATS:
        raise FormatError(f"unsupported format {fmt!r}; plategraph writes {', '.join(FORMATS)}")
    return norm


def format_for_path(path: str | os.PathLike[str]) -> str:
    """The output format a file name asks for by its suffix."""
    suffix = Path(path).suffix
    if not suffix:
        raise FormatError(f"cannot tell the format of {os.fspath(path)!r}: give it a suffix "
                          f"({', '.join('.' + f for f in FORMATS)})")
    try:
        return check_format(suffix)
    except FormatError as err:
        raise FormatError(f"{os.fspath(path)}: {err}") from err


def check_timeout(seconds: float | None, *, what: str = "timeout") -> float | None:
    """``seconds`` as a time limit: a number above 0 and at most ``MAX_TIMEOUT``, or None for
    no limit; anything else (0, negative, inf, nan) is an OptionError naming ``what``."""
    if seconds is None:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise OptionError(f"{what} must be a number of seconds or None; got {seconds!r}")
    if not (math.isfinite(seconds) and 0 < seconds <= MAX_TIMEOUT):
        raise OptionError(f"{what} must be above 0 and at most {MAX_TIMEOUT:g} seconds; "
                          f"got {seconds!r}")
    return float(seconds)
