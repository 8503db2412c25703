"""The only code that runs graphviz's ``dot``: DOT text → SVG/PNG/PDF bytes; atomic file writes."""

from __future__ import annotations

import itertools
import json
import os
import stat
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import graphviz

from .exceptions import DotNotFoundError, FormatError, RenderError

__all__ = ["FORMATS", "check_format", "format_for_path", "graphviz_json", "json_and", "pipe",
           "run", "write_atomic"]

FORMATS = ("svg", "png", "pdf", "dot", "tex")
GRAPHVIZ_FORMATS = ("svg", "png", "pdf")
INSTALL_HINT = (
    "graphviz's `dot` program is not installed (or not on PATH); install it with your package "
    "manager, e.g. `apt-get install graphviz`, `brew install graphviz` or "
    "`conda install graphviz`. DOT text (`.source`, format 'dot') works without it."
)


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


def pipe(source: str, fmt: str, *, engine: str = "dot") -> bytes:
    """Lay out and render DOT text with ``dot`` (or draw it pinned with ``neato -n2``); ``fmt``
    'dot' returns the text itself."""
    fmt = check_format(fmt)
    if fmt == "dot":
        return source.encode("utf-8")
    if fmt not in GRAPHVIZ_FORMATS:
        raise FormatError(f"graphviz does not write {fmt!r}; Diagram.pipe({fmt!r}) does")
    return run(source, fmt, engine=engine)


def run(source: str, fmt: str, *, engine: str = "dot") -> bytes:
    """Run ``dot``, or ``neato -n2`` (every node pinned at its ``pos``, edges with a ``pos``
    kept, the others routed), on DOT text; ``fmt`` is any graphviz output format (``json0``)."""
    no_op = 2 if engine == "neato" else None
    try:
        return graphviz.pipe(engine, fmt, source.encode("utf-8"), quiet=True,
                             neato_no_op=no_op)
    except graphviz.ExecutableNotFound as err:
        raise DotNotFoundError(INSTALL_HINT) from err
    except subprocess.CalledProcessError as err:
        stderr = (err.stderr or b"").decode("utf-8", "replace").strip()
        raise RenderError(f"{engine} failed to render {fmt}: {stderr or err}") from err


def json_and(source: str, fmt: str, *, engine: str = "dot") -> tuple[dict[str, Any], bytes]:
    """One run of ``dot`` (or ``neato -n2``) that writes both its layout (``json0``, parsed)
    and ``fmt`` bytes."""
    with tempfile.TemporaryDirectory(prefix="plategraph-") as tmp:
        layout_file, out_file = Path(tmp, "layout.json"), Path(tmp, f"out.{fmt}")
        command = [engine, *(["-n2"] if engine == "neato" else []), "-Tjson0", "-o",
                   str(layout_file), f"-T{fmt}", "-o", str(out_file)]
        try:
            subprocess.run(command, input=source.encode("utf-8"), capture_output=True,
                           check=True)
        except FileNotFoundError as err:
            raise DotNotFoundError(INSTALL_HINT) from err
        except subprocess.CalledProcessError as err:
            stderr = (err.stderr or b"").decode("utf-8", "replace").strip()
            raise RenderError(f"{engine} failed to render {fmt}: {stderr or err}") from err
        return json.loads(layout_file.read_bytes()), out_file.read_bytes()


def graphviz_json(source: str, *, engine: str = "dot") -> dict[str, Any]:
    """The layout graphviz computes for DOT text: its ``json0`` output, parsed (points, y up)."""
    return json.loads(run(source, "json0", engine=engine))


def write_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file and a rename: never half a file.

    A new file gets the usual mode (0666 less the umask); a replaced file keeps its mode.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None
    for attempt in itertools.count():
        tmp = target.with_name(f".{target.name}.{os.getpid()}.{attempt}.tmp")
        try:
            # opened like any new file, so the umask applies (mkstemp would make it 0600)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        break
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
