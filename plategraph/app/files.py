"""Output files as users ask for them: checked before the work, written atomically."""

from __future__ import annotations

import itertools
import os
import stat
import tempfile
from pathlib import Path

from ..exceptions import OutputError

__all__ = ["check_output", "write_atomic", "write_output"]


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
