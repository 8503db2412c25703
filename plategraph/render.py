"""The only code that runs graphviz's ``dot``: DOT text → SVG/PNG/PDF bytes, with a time limit;
output files written atomically."""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import os
import signal
import stat
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from .exceptions import DotNotFoundError, FormatError, OptionError, OutputError, RenderError

__all__ = ["DEFAULT_TIMEOUT", "FORMATS", "MAX_TIMEOUT", "check_format", "check_output",
           "check_timeout", "format_for_path", "graphviz_json", "json_and", "pipe", "run",
           "write_atomic", "write_output"]

FORMATS = ("svg", "png", "pdf", "dot", "tex")
GRAPHVIZ_FORMATS = ("svg", "png", "pdf")
DEFAULT_TIMEOUT = 60.0  # seconds `dot` may take for one diagram
MAX_TIMEOUT = 1e6  # about eleven days: longer limits are mistakes (and overflow timers)
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


def json_and(source: str, fmt: str, *, engine: str = "dot",
             timeout: float | None = DEFAULT_TIMEOUT) -> tuple[dict[str, Any], bytes]:
    """One run of ``dot`` (or ``neato -n2``) that writes both its layout (``json0``, parsed)
    and ``fmt`` bytes."""
    with tempfile.TemporaryDirectory(prefix="plategraph-") as tmp:
        layout_file, out_file = Path(tmp, "layout.json"), Path(tmp, f"out.{fmt}")
        _graphviz([*_command(engine), "-Tjson0", "-o", str(layout_file), f"-T{fmt}", "-o",
                   str(out_file)], source, fmt, timeout)
        return json.loads(layout_file.read_bytes()), out_file.read_bytes()


def graphviz_json(source: str, *, engine: str = "dot",
                  timeout: float | None = DEFAULT_TIMEOUT) -> dict[str, Any]:
    """The layout graphviz computes for DOT text: its ``json0`` output, parsed (points, y up)."""
    return json.loads(run(source, "json0", engine=engine, timeout=timeout))


def check_output(path: str | os.PathLike[str], *, folder: bool = False) -> Path:
    """Fail early, with an OutputError naming ``path``, when a file (or, with ``folder``, the
    files of a folder) cannot be written there; creates nothing but missing folders."""
    target = Path(path)
    if folder:
        if target.exists() and not target.is_dir():
            raise OutputError(f"{path}: exists and is not a folder; give a folder for the output")
        where = target
    else:
        if target.is_dir():
            raise OutputError(f"{path}: is a folder; give a file name "
                              f"(e.g. {Path(path) / 'model.svg'})")
        if target.exists() and not stat.S_ISREG(target.stat().st_mode):
            return target  # a FIFO or a device: written in place
        where = Path(os.path.realpath(target)).parent
    try:
        where.mkdir(parents=True, exist_ok=True)
        # the real check: can a file be made there (the temporary of an atomic write)?
        with tempfile.NamedTemporaryFile(dir=where, prefix=".plategraph-check-"):
            pass
    except OSError as err:
        raise OutputError(f"{path}: cannot write there ({_reason(err)})") from err
    return target


def _reason(err: OSError) -> str:
    where = f": {err.filename}" if err.filename else ""
    return f"{err.strerror or err}{where}"


def write_output(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` as a user asked: a symbolic link is followed to the file it
    names (which is replaced atomically, the link kept); an existing FIFO, device or terminal
    (``/dev/stdout``, ``/proc/self/fd/1``) is written in place; a folder is refused. Errors are
    OutputError naming ``path``."""
    target = Path(path)
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as err:
        raise OutputError(f"{path}: cannot write there ({_reason(err)})") from err
    try:
        if info is not None and stat.S_ISDIR(info.st_mode):
            raise OutputError(f"{path}: is a folder; give a file name")
        if info is not None and not stat.S_ISREG(info.st_mode):
            with open(target, "wb") as handle:  # no rename: a FIFO or device stays what it is
                handle.write(data)
            return target
        real = Path(os.path.realpath(target)) if target.is_symlink() else target
        write_atomic(real, data)
    except OutputError:
        raise
    except OSError as err:
        raise OutputError(f"{path}: cannot write there ({_reason(err)})") from err
    return target


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
