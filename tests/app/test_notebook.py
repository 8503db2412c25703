"""A real Jupyter kernel displays a diagram as SVG."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

CELL = """
import jax.numpy as jnp, numpyro, numpyro.distributions as dist
import plategraph

def model(x, y=None):
    w = numpyro.sample("w", dist.Normal(0, 1))
    with numpyro.plate("N", x.shape[0]):
        numpyro.sample("obs", dist.Normal(w * x, 1), obs=y)

plategraph.draw(plategraph.model_graph(model, jnp.ones(5), y=jnp.zeros(5)), labels="math")
"""


@pytest.fixture
def kernel_name(tmp_path, monkeypatch):
    """A kernelspec for this interpreter (the project's venv), in a private Jupyter path."""
    kernels = tmp_path / "jupyter" / "kernels" / "plategraph-test"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "plategraph test", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    assert "plategraph-test" in KernelSpecManager().find_kernel_specs()
    return "plategraph-test"


@pytest.mark.dot
@pytest.mark.notebook
def test_a_diagram_displays_itself_as_svg_in_a_real_kernel(kernel_name, tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CELL)])
    NotebookClient(nb, kernel_name=kernel_name, timeout=300,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = nb.cells[0].outputs
    assert not [o for o in outputs if o["output_type"] == "error"]
    results = [o for o in outputs if o["output_type"] == "execute_result"]
    assert len(results) == 1, [o.get("text") for o in outputs]
    svg = results[0]["data"]["image/svg+xml"]
    assert "<svg" in svg and "obs" in svg and "N = 5" in svg
    Path(tmp_path / "executed.ipynb").write_text(nbformat.writes(nb))
