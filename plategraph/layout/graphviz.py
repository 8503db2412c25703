"""The only code that starts graphviz: DOT text → SVG/PNG/PDF bytes or a JSON layout, run with
a time limit in a session of its own and killed with everything it started."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..exceptions import DotNotFoundError, FormatError, RenderError
from .options import DEFAULT_TIMEOUT, check_format, check_timeout

__all__ = ["graphviz_json", "json_and", "outputs", "pipe", "run"]

GRAPHVIZ_FORMATS = ("svg", "png", "pdf")
INSTALL_HINT = (
    "graphviz's `dot` program is not installed (or not on PATH); install it with your package "
    "manager, e.g. `apt-get install graphviz`, `brew install graphviz` or "
    "`conda install graphviz`. DOT text (`.source`, format 'dot') works without it."
)


def _kill_group(process: subprocess.Popen) -> None:
    """Kill ``dot`` and anything it started (it leads its own session), then reap it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.kill()
    process.communicate()


def _graphviz(command: list[str], source: str, what: str, timeout: float | None) -> bytes:
    """Run a graphviz command on DOT text in its own session, killed (with anything it
    started) when it runs past ``timeout`` seconds; its stdout."""
    timeout = check_timeout(timeout)
    try:
        # its own session: a time-out or Ctrl-C kills it and whatever it started
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, start_new_session=True)
    except FileNotFoundError as err:
        raise DotNotFoundError(INSTALL_HINT) from err
    except PermissionError as err:
        raise RenderError(f"cannot run {command[0]}: {err}") from err
    try:
        out, err_out = process.communicate(source.encode("utf-8"), timeout=timeout)
    except subprocess.TimeoutExpired as err:
        _kill_group(process)
        raise RenderError(f"{command[0]} did not render {what} within {timeout:g} s (stopped); "
                          "pass a longer timeout= (render --timeout)") from err
    except BaseException:
        _kill_group(process)
        raise
    if process.returncode != 0:
        stderr = err_out.decode("utf-8", "replace").strip()
        how = (f"exited with status {process.returncode}" if process.returncode > 0 else
               f"was killed by signal {-process.returncode}")
        raise RenderError(f"{command[0]} failed to render {what}: {stderr or how}")
    return out


def pipe(source: str, fmt: str, *, engine: str = "dot",
         timeout: float | None = DEFAULT_TIMEOUT) -> bytes:
    """Lay out and render DOT text with ``dot`` (or draw it pinned with ``neato -n2``); ``fmt``
    'dot' returns the text itself.

    The graphviz process is killed when it runs past ``timeout`` seconds (None: no limit), and
    a RenderError says so.
    """
    fmt = check_format(fmt)
    if fmt == "dot":
        return source.encode("utf-8")
    if fmt not in GRAPHVIZ_FORMATS:
        raise FormatError(f"graphviz does not write {fmt!r}; Diagram.pipe({fmt!r}) does")
    return run(source, fmt, engine=engine, timeout=timeout)


def _command(engine: str) -> list[str]:
    return ["neato", "-n2"] if engine == "neato" else ["dot", "-Kdot"]


def run(source: str, fmt: str, *, engine: str = "dot",
        timeout: float | None = DEFAULT_TIMEOUT) -> bytes:
    """Run ``dot``, or ``neato -n2`` (every node pinned at its ``pos``, edges with a ``pos``
    kept, the others routed), on DOT text; ``fmt`` is any graphviz output format (``json0``)."""
    return _graphviz([*_command(engine), f"-T{fmt}"], source, fmt, timeout)


def outputs(source: str, formats: Sequence[str], *, engine: str = "dot",
            timeout: float | None = DEFAULT_TIMEOUT) -> dict[str, bytes]:
    """One run of ``dot`` (or ``neato -n2``) that lays the DOT text out once and writes it in
    every format of ``formats``: ``{format: bytes}``."""
    with tempfile.TemporaryDirectory(prefix="plategraph-") as tmp:
        files = {fmt: Path(tmp, f"out.{fmt}") for fmt in dict.fromkeys(formats)}
        command = [*_command(engine)]
        for fmt, file in files.items():
            command += [f"-T{fmt}", "-o", str(file)]
        what = "/".join(fmt for fmt in files if fmt != "json0") or "json0"
        _graphviz(command, source, what, timeout)
        return {fmt: file.read_bytes() for fmt, file in files.items()}


def json_and(source: str, formats: Sequence[str], *, engine: str = "dot",
             timeout: float | None = DEFAULT_TIMEOUT) -> tuple[dict[str, Any], dict[str, bytes]]:
    """One run of ``dot`` (or ``neato -n2``) that writes both its layout (``json0``, parsed)
    and the ``formats``' bytes."""
    rendered = outputs(source, ("json0", *formats), engine=engine, timeout=timeout)
    return json.loads(rendered.pop("json0")), rendered


def graphviz_json(source: str, *, engine: str = "dot",
                  timeout: float | None = DEFAULT_TIMEOUT) -> dict[str, Any]:
    """The layout graphviz computes for DOT text: its ``json0`` output, parsed (points, y up)."""
    return json.loads(run(source, "json0", engine=engine, timeout=timeout))
