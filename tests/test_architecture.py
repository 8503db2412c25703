"""The package is its pipeline: the rules of docs/design.md ("Rules"), read from the source.

Stages in order: tracing → graph → layout → spec → export → app. A module imports only its own
stage, earlier stages and the shared foundations (``exceptions``); an exporter never imports
another exporter or the tracer; one module starts graphviz; one module touches JAX's private API.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import plategraph

PACKAGE = Path(plategraph.__file__).resolve().parent
STAGES = ("tracing", "graph", "layout", "spec", "export", "app")
FOUNDATIONS = ("exceptions",)  # any stage may import these
# the re-exports that keep users' import paths: they stand outside the stages
ENTRY_POINTS = ("__init__", "__main__", "json_graph", "compat", "sphinx")


def modules() -> dict[str, Path]:
    """Dotted name below the package (``layout.engine``) → file."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path) -> list[tuple[str, bool]]:
    """The package modules (dotted, below the package) that ``name`` imports, and whether
    each import is only for type annotations (inside ``if TYPE_CHECKING:``)."""
    tree = ast.parse(path.read_text())
    package = name.split(".")[:-1] if path.name != "__init__.py" else name.split(".")
    if path.name == "__init__.py" and name == "__init__":
        package = []
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and ast.unparse(node.test) == "TYPE_CHECKING" for n in ast.walk(node)}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - node.level + 1]
            target = ".".join([*base, node.module] if node.module else base)
            names = [target] if node.module else [f"{target}.{a.name}".strip(".")
                                                    for a in node.names]
            out.extend((n, id(node) in typing_only) for n in names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("plategraph."):
            out.append((node.module.removeprefix("plategraph."), id(node) in typing_only))
        elif isinstance(node, ast.Import):
            out.extend((a.name.removeprefix("plategraph."), id(node) in typing_only)
                       for a in node.names if a.name.startswith("plategraph."))
    return out


def stage(name: str) -> str:
    return name.split(".")[0]


def import_graph() -> list[tuple[str, str]]:
    """(importer, imported) module pairs within the package, run-time imports only."""
    known = modules()
    pairs = []
    for name, path in known.items():
        for target, typing_only in imports(name, path):
            for candidate in (target, f"{target}.__init__", target.rpartition(".")[0]):
                if candidate in known:
                    target = candidate
                    break
            if target in known and not typing_only and target != name:
                pairs.append((name, target))
    return pairs


def test_every_module_belongs_to_a_stage():
    loose = [n for n in modules() if "." not in n and n not in (*FOUNDATIONS, *ENTRY_POINTS)]
    assert loose == [], "modules outside the stage folders"


@pytest.mark.parametrize("importer,imported", import_graph())
def test_data_flows_one_way(importer, imported):
    a, b = stage(importer), stage(imported)
    if importer in ENTRY_POINTS or b in FOUNDATIONS or a == b:
        return
    assert a in STAGES and b in STAGES
    assert STAGES.index(b) < STAGES.index(a), f"{importer} imports {imported}, a later stage"


def test_no_exporter_imports_another_exporter_or_the_tracer():
    for importer, imported in import_graph():
        if stage(importer) == "export":
            assert stage(imported) != "tracing", (importer, imported)
            assert stage(imported) != "export" or imported == "export", (importer, imported)


def source_of(name: str) -> str:
    return modules()[name].read_text()


def test_only_the_graphviz_runner_starts_processes_of_graphviz():
    starts = [n for n in modules() if "subprocess" in source_of(n)
              and n.split(".")[0] in ("graph", "layout", "export")]
    assert starts == ["layout.graphviz"]
    assert '"dot"' in source_of("layout.graphviz")


def test_only_one_module_touches_jax_private_api():
    private = [n for n in modules() if "jax._src" in source_of(n)]
    assert private == ["tracing._jax"]
