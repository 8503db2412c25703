"""The extra JAX test environments seen from the tests, and the graphs a test run records.

Each supported JAX release besides the default environment's has a virtual environment
(``.venv-jax011`` for JAX 0.11, …) pinned by ``ci/jax-0.11.txt``, in which ``make test`` runs the
tests listed in ``ci/jax-tests.txt`` with ``--record-graphs FILE``: every graph those tests trace
(through ``trace_model``: ``model_graph``, the NumPyro drop-ins, …) is written to FILE as
node-link JSON under ``"<test id> #<n-th trace of the test>"``. The default environment records
the same way in memory in every session; ``tests/tracing/test_jax_versions.py``, run last, compares.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
JAX_TESTS: tuple[str, ...] = tuple((ROOT / "ci" / "jax-tests.txt").read_text().split())
GRAPHS_DIR = ROOT / "build" / "jax-graphs"
# compares what the session recorded: runs after the rest
LAST = "tests/tracing/test_jax_versions.py"


@dataclass(frozen=True)
class JaxEnv:
    """One extra test environment: ``minor`` is its JAX minor release, e.g. ``"0.11"``."""

    minor: str

    @property
    def name(self) -> str:
        return "jax" + self.minor.replace(".", "")

    @property
    def python(self) -> Path:
        return ROOT / f".venv-{self.name}" / "bin" / "python"

    @property
    def graphs(self) -> Path:
        """Where its ``make test`` run records its graphs (the Makefile's ``$(GRAPHS)``)."""
        return GRAPHS_DIR / f"{self.name}.json"


def extra_envs() -> list[JaxEnv]:
    """One per ``ci/jax-X.Y.txt``, oldest JAX first."""
    minors = [m.group(1) for p in (ROOT / "ci").glob("jax-*.txt")
              if (m := re.fullmatch(r"jax-(\d+\.\d+)\.txt", p.name))]
    return [JaxEnv(m) for m in sorted(minors, key=lambda m: tuple(map(int, m.split("."))))]


def fingerprint() -> str:
    """A hash of everything a recording depends on: a recording with another one is stale."""
    digest = hashlib.sha256()
    paths = [*ROOT.glob("plategraph/**/*.py"), *ROOT.glob("tests/**/*.py"),
             *ROOT.glob("gallery/**/*.py"), *ROOT.glob("ci/*.txt")]
    for path in sorted(paths):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def record_in(python: Path, out: Path) -> dict[str, Any]:
    """The graphs the tests of ``ci/jax-tests.txt`` trace under ``python``: the recording in
    ``out`` when it is of this source tree and interpreter, else one made now (failing the
    calling test, with pytest's output, if a test fails)."""
    if out.exists():
        recording = json.loads(out.read_text())
        if (recording.get("fingerprint"), recording.get("interpreter")) == (fingerprint(),
                                                                          str(python)):
            return recording
    out.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "--record-graphs",
         str(out), *JAX_TESTS], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"the JAX tests failed under {python}:\n{done.stdout[-4000:]}"
                    f"{done.stderr[-2000:]}")
    return json.loads(out.read_text())


def recording_of(env: JaxEnv) -> dict[str, Any]:
    """The graphs ``env``'s run of the tests records (its ``make test`` run's, when fresh).
    Without the environment: a failure in CI, a skip elsewhere."""
    if not env.python.exists():
        message = (f"no JAX {env.minor} test environment ({env.python.parent.parent.name}): "
                   "`make jax-envs` creates it")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return record_in(env.python, env.graphs)


class GraphRecorder:
    """A pytest plugin: records the graph of every model the tests of ``ci/jax-tests.txt``
    trace, and writes them to ``--record-graphs FILE`` at the end of the session."""

    def __init__(self, out: str | None) -> None:
        self.out = Path(out) if out else None
        self.graphs: dict[str, str] = {}
        self.ran: set[str] = set()
        self._test: str | None = None
        self._count = 0

    def _record(self, record: Any) -> None:
        from plategraph.graph.build import build_graph
        from plategraph.json_graph import to_json

        if self._test is not None:
            self.graphs[f"{self._test} #{self._count}"] = to_json(build_graph(record), indent=None)
            self._count += 1

    def pytest_configure(self, config: pytest.Config) -> None:
        import plategraph.tracing

        original = plategraph.tracing.trace_model

        @functools.wraps(original)
        def trace_model(*args: Any, **kwargs: Any) -> Any:
            record = original(*args, **kwargs)
            self._record(record)
            return record

        # every module that imported it by name (model_graph's, the package's), bar the one
        # that defines it
        for name, module in list(sys.modules.items()):
            if (name.startswith("plategraph") and name != original.__module__
                    and getattr(module, "trace_model", None) is original):
                module.trace_model = trace_model  # type: ignore[attr-defined]

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        items.sort(key=lambda item: item.nodeid.startswith(LAST))  # stable: the rest keep order

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Any:
        hypothesis = getattr(getattr(item, "obj", None), "is_hypothesis_test", False)
        # hypothesis draws other models on another Python: those tests check themselves
        if item.nodeid.split("::")[0] in JAX_TESTS and not hypothesis:
            self._test, self._count = item.nodeid, 0
            self.ran.add(item.nodeid)
        try:
            return (yield)
        finally:
            self._test = None

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.out is None or session.exitstatus != 0:  # a failed run records nothing
            return
        import jax

        recording = {"fingerprint": fingerprint(), "interpreter": sys.executable,
                     "python": sys.version.split()[0],
                     "jax": jax.__version__, "ran": sorted(self.ran), "graphs": self.graphs}
        self.out.parent.mkdir(parents=True, exist_ok=True)
        partial = self.out.with_name(self.out.name + ".partial")
        partial.write_text(json.dumps(recording, indent=1) + "\n")
        partial.replace(self.out)
