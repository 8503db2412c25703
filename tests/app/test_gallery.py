"""The gallery build: every model rendered or reported, the page, the manifest, incremental runs."""

from __future__ import annotations

import json
import shutil
from concurrent.futures import Executor
from pathlib import Path

import pytest
from support import make_gallery, outputs_in_fresh_processes

import plategraph
from plategraph.app.gallery import build_gallery, open_executor

pytestmark = pytest.mark.dot

MIXED = ("aa_regression.py", "bad_import.py", "eight_schools.py", "no_examples.py", "raises.py",
         "sleeps.py")
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The mixed gallery built once with two workers and a 10 s limit per model (each model
    runs in a fresh worker, whose first JAX operations compile within the limit: 3 s was too
    tight on a loaded machine)."""
    root = tmp_path_factory.mktemp("mixed")
    folder = make_gallery(root / "gallery", MIXED)
    progress = []
    report = build_gallery(folder, root / "out", jobs=2, timeout=10,
                           on_progress=lambda row, done, total: progress.append(
                               (row.ident, row.status, done, total)))
    return report, root / "out", progress


def by_ident(report):
    return {row.ident: row for row in report.results}


def test_every_model_is_rendered_or_reported_with_its_error(built):
    report, out, _ = built
    rows = by_ident(report)
    assert list(rows) == ["aa_regression:model", "aa_regression:prior_only", "bad_import:*",
                          "eight_schools:centered", "eight_schools:non_centered",
                          "no_examples:*", "raises:model", "sleeps:model"]
    status = {ident: row.status for ident, row in rows.items()}
    assert status == {
        "aa_regression:model": "ok", "aa_regression:prior_only": "ok", "bad_import:*": "error",
        "eight_schools:centered": "ok", "eight_schools:non_centered": "ok",
        "no_examples:*": "error", "raises:model": "error", "sleeps:model": "timeout"}
    assert "bad_import.py: importing it raised RuntimeError: this module cannot be imported" \
        in rows["bad_import:*"].error
    assert ("no_examples.py: defines no examples() and no model function without arguments"
            in rows["no_examples:*"].error)
    raised = rows["raises:model"].error
    assert raised.startswith("ModelError: model 'model' raised Boom")
    assert "raises.py:12" in raised and "the model failed on purpose" in raised
    assert rows["sleeps:model"].error == "did not finish within 10 s (stopped)"
    assert sorted(r.ident for r in report.failed) == [
        "bad_import:*", "no_examples:*", "raises:model", "sleeps:model"]


def test_rendered_models_have_real_files_and_failed_ones_none(built):
    report, out, _ = built
    rows = by_ident(report)
    for ident in ("aa_regression:model", "eight_schools:centered"):
        row = rows[ident]
        assert set(row.outputs) == {"svg", "png", "paper.svg", "paper.pdf", "tex"}
        assert (out / row.outputs["svg"]).read_bytes().startswith(b"<?xml")
        assert (out / row.outputs["png"]).read_bytes().startswith(PNG)
        # the paper figure beside it: matplotlib's SVG and PDF, and TikZ
        assert b"<svg" in (out / row.outputs["paper.svg"]).read_bytes()
        assert (out / row.outputs["paper.pdf"]).read_bytes().startswith(b"%PDF-")
        assert "\\begin{tikzpicture}" in (out / row.outputs["tex"]).read_text()
        assert row.timings["trace"] > 0 and row.timings["draw"] > 0
    assert rows["aa_regression:model"].outputs["svg"] == "aa_regression__model.svg"
    assert not list(out.glob("raises*")) and not list(out.glob("sleeps*"))
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]


def test_the_manifest_has_status_timings_outputs_and_errors(built):
    report, out, _ = built
    data = json.loads((out / "manifest.json").read_text())
    assert data["formats"] == ["svg", "png", "paper.svg", "paper.pdf", "tex"]
    assert data["summary"] == {"ok": 4, "error": 3, "timeout": 1}
    models = {m["ident"]: m for m in data["models"]}
    assert models["eight_schools:centered"]["outputs"] == {
        "svg": "eight_schools__centered.svg", "png": "eight_schools__centered.png",
        "paper.svg": "eight_schools__centered.paper.svg",
        "paper.pdf": "eight_schools__centered.paper.pdf", "tex": "eight_schools__centered.tex"}
    assert set(models["eight_schools:centered"]["timings"]) == {"trace", "draw"}
    assert models["raises:model"]["status"] == "error"
    assert "the model failed on purpose" in models["raises:model"]["error"]
    assert models["aa_regression:model"]["title"] == "Regression <b>&amp; friends</b>"


def test_the_page_has_a_card_per_model_and_escapes_what_it_shows(built):
    report, out, _ = built
    page = (out / "index.html").read_text()
    assert page.count('<article class="card') == len(report.results) == 8
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#34;x&#34;)" in page
    assert "<b>&amp;" not in page and "Regression &lt;b&gt;&amp;amp; friends&lt;/b&gt;" in page
    assert '<img src="eight_schools__centered.svg"' in page
    assert '<a href="eight_schools__centered.png">PNG</a>' in page
    # the paper figure beside the notebook diagram, its PDF and TikZ linked
    assert '<img src="eight_schools__centered.paper.svg"' in page
    assert '<a href="eight_schools__centered.paper.pdf">paper PDF</a>' in page
    assert '<a href="eight_schools__centered.tex">TikZ</a>' in page
    assert 'numpyro.sample(&#34;theta&#34;' in page  # the model's source code, searched
    assert "the model failed on purpose" in page
    assert 'id="filter"' in page


def test_progress_is_reported_once_per_model(built):
    report, _, progress = built
    assert sorted(ident for ident, *_ in progress) == sorted(r.ident for r in report.results)
    assert [done for _, _, done, _ in progress] == list(range(1, 9))
    assert progress[-1][3] == 8


@pytest.fixture(scope="module")
def pool():
    """One worker for the tests that build several times (each build would start its own)."""
    with open_executor("process", jobs=1, timeout=60) as executor:
        yield executor


class Counting(Executor):
    """An executor that records what is submitted to the one it wraps."""

    def __init__(self, inner: Executor) -> None:
        self.inner = inner
        self.submitted: list[str] = []

    def submit(self, fn, /, *args, **kwargs):
        self.submitted.append(fn.__name__)
        return self.inner.submit(fn, *args, **kwargs)


def test_an_unchanged_gallery_is_not_rendered_again(tmp_path, pool):
    folder = make_gallery(tmp_path / "gallery", ["aa_regression.py", "coin_flips.py"])
    first = build_gallery(folder, tmp_path / "out", executor=pool)
    assert [r.status for r in first.results] == ["ok", "ok", "ok"]
    svg = tmp_path / "out" / "coin_flips__model.svg"
    stamp = svg.stat().st_mtime_ns

    counting = Counting(pool)
    again = build_gallery(folder, tmp_path / "out", executor=counting)
    assert [r.status for r in again.results] == ["cached", "cached", "cached"]
    assert [r.outputs for r in again.results] == [r.outputs for r in first.results]
    assert svg.stat().st_mtime_ns == stamp
    assert counting.submitted == []  # nothing imported, traced or drawn again

    # an edited module renders again, the other stays cached
    path = folder / "aa_regression.py"
    path.write_text(path.read_text() + "\n# edited\n")
    counting = Counting(pool)
    edited = build_gallery(folder, tmp_path / "out", executor=counting)
    assert [(r.ident, r.status) for r in edited.results] == [
        ("aa_regression:model", "ok"), ("aa_regression:prior_only", "ok"),
        ("coin_flips:model", "cached")]
    # its module's worker lists its models and renders the first; the second gets its own
    assert counting.submitted == ["module_job", "render_job"]

    # a missing output, other options or --force render again
    svg.unlink()
    assert [r.status for r in build_gallery(folder, tmp_path / "out", executor=pool).results] == [
        "cached", "cached", "ok"]
    other = build_gallery(folder, tmp_path / "out", executor=pool, options={"labels": "math"})
    assert {r.status for r in other.results} == {"ok"}
    forced = build_gallery(folder, tmp_path / "out", executor=pool, options={"labels": "math"},
                           force=True)
    assert {r.status for r in forced.results} == {"ok"}


def test_a_failed_model_is_tried_again(tmp_path, pool):
    folder = make_gallery(tmp_path / "gallery", ["raises.py"])
    assert build_gallery(folder, tmp_path / "out", executor=pool).results[0].status == "error"
    shutil.copy(Path(plategraph.__file__).parent.parent / "gallery" / "coin_flips.py",
                folder / "raises.py")  # fixed: now a working module
    fixed = build_gallery(folder, tmp_path / "out", executor=pool)
    assert [(r.ident, r.status) for r in fixed.results] == [("raises:model", "ok")]


def test_pdf_and_dot_by_option(tmp_path, pool):
    folder = make_gallery(tmp_path / "gallery", ["coin_flips.py"])
    report = build_gallery(folder, tmp_path / "out", executor=pool, formats=("svg", "pdf", "dot"),
                           paper=False)
    outputs = report.results[0].outputs
    assert outputs == {"svg": "coin_flips__model.svg", "pdf": "coin_flips__model.pdf",
                       "dot": "coin_flips__model.dot"}
    assert (tmp_path / "out" / outputs["pdf"]).read_bytes().startswith(b"%PDF-")
    assert (tmp_path / "out" / outputs["dot"]).read_text().startswith("digraph")


def test_bad_arguments_are_gallery_errors(tmp_path):
    with pytest.raises(plategraph.GalleryError, match="no such gallery folder"):
        build_gallery(tmp_path / "missing", tmp_path / "out")
    (tmp_path / "empty").mkdir()
    with pytest.raises(plategraph.GalleryError, match=r"empty: no gallery modules"):
        build_gallery(tmp_path / "empty", tmp_path / "out")
    with pytest.raises(plategraph.FormatError, match="svg, png, pdf, dot"):
        build_gallery(tmp_path / "empty", tmp_path / "out", formats=("jpg",))
    with pytest.raises(plategraph.GalleryError, match="unknown executor 'threads'"):
        with open_executor("threads"):
            pass


def test_a_broken_previous_manifest_is_ignored(tmp_path, pool):
    folder = make_gallery(tmp_path / "gallery", ["coin_flips.py"])
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "manifest.json").write_text("{not json")
    assert build_gallery(folder, tmp_path / "out", executor=pool).results[0].status == "ok"


def test_the_dask_executor_renders_reports_and_stops_a_spinning_model(tmp_path):
    folder = make_gallery(tmp_path / "gallery", ["aa_regression.py", "raises.py", "spins.py"])
    with open_executor("dask", jobs=1) as executor:
        # 10 s: on a loaded machine a model's first JAX operations can take 3 s
        report = build_gallery(folder, tmp_path / "out", executor=executor, timeout=10)
    status = {r.ident: r.status for r in report.results}
    assert status == {"aa_regression:model": "ok", "aa_regression:prior_only": "ok",
                      "raises:model": "error", "spins:model": "timeout"}
    assert (tmp_path / "out" / "aa_regression__model.svg").read_bytes().startswith(b"<?xml")
    assert "the model failed on purpose" in by_ident(report)["raises:model"].error


def test_helpers_in_underscore_modules_are_importable_and_part_of_the_key(tmp_path, pool):
    folder = tmp_path / "gallery"
    folder.mkdir()
    (folder / "_common.py").write_text("SCALE = 2.0\n")
    (folder / "uses_helper.py").write_text('''"""Uses a helper.

Reference: none.
"""
import numpyro
import numpyro.distributions as dist
from _common import SCALE


def model():
    numpyro.sample("x", dist.Normal(0.0, SCALE))


def examples():
    return {"model": ((), {})}
''')
    first = build_gallery(folder, tmp_path / "out", executor=pool)
    assert [(r.ident, r.status) for r in first.results] == [("uses_helper:model", "ok")]
    assert build_gallery(folder, tmp_path / "out", executor=pool).results[0].status == "cached"
    (folder / "_common.py").write_text("SCALE = 3.0\n")
    assert build_gallery(folder, tmp_path / "out", executor=pool).results[0].status == "ok"


def test_the_command_starts_its_workers_without_importing_jax_itself(tmp_path):
    """``plategraph gallery`` in a fresh process: its workers import JAX (forked from a server
    that starts at once), the command's own process never does, so the seconds of that import
    are not spent before the first worker can start."""
    folder = make_gallery(tmp_path / "gallery", ["eight_schools.py"])
    script = (
        "import sys\n"
        "from plategraph.app.cli import main\n"
        f"status = main(['gallery', {str(folder)!r}, '-o', {str(tmp_path / 'out')!r},"
        " '--jobs', '1', '-q'])\n"
        "print(status, sorted(m for m in ('jax', 'numpyro', 'sympy', 'matplotlib')"
        " if m in sys.modules))\n")
    (out,) = outputs_in_fresh_processes(script, seeds=(0,))
    assert out.decode().splitlines()[-1] == "0 []"
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert {row["status"] for row in manifest["models"]} == {"ok"}


def test_the_package_imports_its_parts_when_first_used():
    """``import plategraph`` leaves JAX, NumPyro and SymPy unimported; each public name is
    there when used (and listed by ``dir``), the same object as in its own module."""
    script = (
        "import sys, plategraph\n"
        "heavy = [m for m in ('jax', 'numpyro', 'sympy') if m in sys.modules]\n"
        "from plategraph.graph.build import model_graph\n"
        "from plategraph.spec.build import model_spec\n"
        "from plategraph.layout.engine import layout\n"
        "missing = [n for n in plategraph.__all__ if n not in dir(plategraph)]\n"
        "print(heavy, missing, plategraph.model_graph is model_graph,"
        " plategraph.model_spec is model_spec, plategraph.layout is layout,"
        " callable(plategraph.draw), plategraph.compat.render_model is plategraph.render_model)\n")
    (out,) = outputs_in_fresh_processes(script, seeds=(0,))
    assert out.decode().strip() == "[] [] True True True True True"
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        plategraph.nothing  # noqa: B018
