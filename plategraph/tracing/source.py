"""Where in the user's code a site or an error comes from: ``file.py:LINE``."""

from __future__ import annotations

import contextlib
import os
import traceback
from collections.abc import Iterable
from types import FrameType

import jax
import numpyro

__all__ = ["LIBRARY_DIRS", "error_source", "user_frame", "user_source"]

# the code that is not the user's: NumPyro, JAX, plategraph itself and the standard library
LIBRARY_DIRS = tuple(
    os.path.dirname(m.__file__) + os.sep for m in (numpyro, jax, contextlib) if m.__file__
) + (os.path.dirname(os.path.dirname(__file__)) + os.sep, os.path.dirname(os.__file__) + os.sep)


def user_frame(frames: Iterable[tuple[FrameType, int]]) -> tuple[FrameType, int] | None:
    """The first of ``frames`` (``(frame, line)``, innermost first) in the user's code,
    outside ``LIBRARY_DIRS``; None when all of them are library code."""
    for frame, lineno in frames:
        filename = frame.f_code.co_filename
        if not filename.startswith(LIBRARY_DIRS) and not filename.startswith("<frozen"):
            return frame, lineno
    return None


def user_source(frames: Iterable[tuple[FrameType, int]]) -> str | None:
    """``file.py:LINE`` of the first of ``frames`` (innermost first) in the user's code."""
    found = user_frame(frames)
    if found is None:
        return None
    return f"{os.path.basename(found[0].f_code.co_filename)}:{found[1]}"


def error_source(err: BaseException) -> str | None:
    """The line of the user's code, innermost, that ``err`` was raised through."""
    return user_source(reversed(list(traceback.walk_tb(err.__traceback__))))
