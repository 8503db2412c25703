"""Helpers for the fault tests: real processes, `dot` shims, bounded waits, clean-up of only the
processes a test started."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

PLATEGRAPH = Path(sys.executable).with_name("plategraph")


def alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def wait_for(predicate: Callable[[], object], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds:g} s for {what}")
        time.sleep(0.05)


def pids_with(marker: str) -> list[int]:
    """Processes whose command line contains ``marker`` (a test's own unique argument)."""
    return [int(p) for p in os.listdir("/proc")
            if p.isdigit() and int(p) != os.getpid() and marker in cmdline(int(p))
            and alive(int(p))]


@contextlib.contextmanager
def reaped(*markers: str, pid_files: tuple[Path, ...] = ()) -> Iterator[None]:
    """On leaving, SIGKILL what a test started and may have left behind: processes whose
    command line holds one of ``markers``, and the live processes named in ``pid_files``."""
    try:
        yield
    finally:
        pids = [pid for marker in markers for pid in pids_with(marker)]
        for path in pid_files:
            with contextlib.suppress(OSError, ValueError):
                pids.extend(int(x) for x in path.read_text().split())
        for pid in pids:
            if alive(pid):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)


def dot_shim(folder: Path, body: str) -> str:
    """A folder holding a fake `dot` (a shell script with ``body``); returns a PATH with it
    first."""
    folder.mkdir(parents=True, exist_ok=True)
    shim = folder / "dot"
    shim.write_text("#!/bin/sh\n" + body + "\n")
    shim.chmod(0o755)
    return f"{folder}{os.pathsep}{os.environ['PATH']}"


def cli(*argv: str, timeout: float = 240, **kwargs) -> subprocess.CompletedProcess:
    """The installed ``plategraph`` command, run to its end (bounded)."""
    return subprocess.run([str(PLATEGRAPH), *argv], capture_output=True, timeout=timeout,
                          check=False, **kwargs)
