"""The Sphinx extension: a small Sphinx project of its own, built to HTML and to LaTeX (compiled
with pdflatex), with a reStructuredText page, a MyST page and a model that fails."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

pytest.importorskip("sphinx")
pytest.importorskip("myst_parser")

from sphinx.application import Sphinx  # noqa: E402

MODELS = '''\
"""Models for the directive's tests."""
import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist


def radon(county, n_counties, log_radon=None):
    mu_a = numpyro.sample("mu_a", dist.Normal(0, 1))
    sigma_a = numpyro.sample("sigma_a", dist.HalfNormal(1))
    with numpyro.plate("counties", n_counties):
        a = numpyro.sample("a", dist.Normal(mu_a, sigma_a))
    with numpyro.plate("houses", county.shape[0]):
        numpyro.sample("log_radon", dist.Normal(a[county], 1), obs=log_radon)


def coin():
    numpyro.sample("heads", dist.Beta(1, 1))


def broken():
    raise ValueError("this model is broken on purpose")


def examples():
    county = jnp.array([0, 1, 1, 2])
    return {"radon": ((county, 3), {"log_radon": jnp.zeros(4)})}
'''

INDEX = """\
Models
======

.. plategraph:: models.py:radon
   :math:
   :caption: Radon, a county's houses.
   :alt: the radon model

.. toctree::

   myst
   sub/page
"""

MYST = """\
# From MyST

```{plategraph} models.py:coin
:distributions:
:caption: A coin in MyST.
```
"""

# a page in a subfolder names the model relative to the source folder
SUB = """\
Broken
======

Before the broken model.

.. plategraph:: models.py:broken

After the broken model.
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "conf.py").write_text('project = "t"\nextensions = ["plategraph.sphinx", '
                                 '"myst_parser"]\nlatex_documents = [("index", "t.tex", "T", '
                                 '"A", "manual")]\n')
    (src / "models.py").write_text(MODELS)
    (src / "index.rst").write_text(INDEX)
    (src / "myst.md").write_text(MYST)
    (src / "sub" / "page.rst").write_text(SUB)
    return src


def build(src: Path, builder: str) -> tuple[Path, str]:
    out = src.parent / "out" / builder
    warnings = io.StringIO()
    app = Sphinx(str(src), str(src), str(out), str(src.parent / "doctrees" / builder), builder,
                 status=None, warning=warnings, freshenv=True)
    app.build()
    return out, warnings.getvalue()


@pytest.mark.dot
def test_html_embeds_the_svg_inline_with_caption_and_site_names_as_text(project):
    out, warnings = build(project, "html")
    index = (out / "index.html").read_text()
    assert '<svg role="img" aria-label="the radon model"' in index
    assert "<?xml" not in index.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "Radon, a county’s houses." in index or "Radon, a county's houses." in index
    assert ">houses" in index  # the plate's label, as text of the page
    myst = (out / "myst.html").read_text()
    assert "<svg" in myst and "A coin in MyST." in myst
    assert "Beta" in myst  # :distributions:
    assert "models.py:radon" not in warnings and "models.py:coin" not in warnings


@pytest.mark.dot
def test_a_failing_model_is_a_warning_naming_model_and_file_and_the_build_goes_on(project):
    out, warnings = build(project, "html")
    line = next(w for w in warnings.splitlines() if "models.py:broken" in w)
    assert str(project / "models.py") in line
    assert "this model is broken on purpose" in line
    assert "sub/page.rst" in line  # where the directive is
    page = (out / "sub" / "page.html").read_text()
    assert "Before the broken model." in page and "After the broken model." in page
    assert "<svg" in (out / "index.html").read_text()


@pytest.mark.dot
def test_the_page_is_read_again_when_the_model_changes(project):
    build(project, "html")
    app = Sphinx(str(project), str(project), str(project.parent / "out" / "html"),
                 str(project.parent / "doctrees" / "html"), "html", status=None,
                 warning=io.StringIO())
    assert app.env.get_outdated_files(False)[1] == set()  # nothing changed: nothing to read
    models = project / "models.py"
    models.write_text(models.read_text() + "\n")
    added, changed, removed = app.env.get_outdated_files(False)
    assert {"index", "myst"} <= changed


@pytest.mark.dot
@pytest.mark.latex
def test_latex_includes_the_paper_pdf_and_compiles(project):
    out, warnings = build(project, "latex")
    tex = (out / "t.tex").read_text()
    names = [line.split("{{")[1].split("}")[0] for line in tex.splitlines()
             if "\\sphinxincludegraphics{{plategraph-" in line]
    assert len(names) == 2
    for name in names:
        assert (out / f"{name}.pdf").read_bytes().startswith(b"%PDF")
    assert "Radon, a county" in tex
    if shutil.which("pdflatex") is None or subprocess.run(
            ["kpsewhich", "wrapfig.sty"], capture_output=True).returncode != 0:
        pytest.skip("pdflatex with texlive-latex-extra is not installed (make system-deps)")
    for _ in range(2):  # twice: the table of contents
        run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                              "t.tex"], cwd=out, capture_output=True, text=True, timeout=240)
        assert run.returncode == 0, run.stdout[-3000:]
    assert (out / "t.pdf").read_bytes().startswith(b"%PDF")


WIDE = '''\
"""A model wider than any page: twenty priors side by side."""
import numpyro
import numpyro.distributions as dist


def wide():
    total = 0.0
    for i in range(20):
        total = total + numpyro.sample(f"effect_{chr(97 + i)}", dist.Normal(0, 1))
    numpyro.sample("y", dist.Normal(total, 1), obs=0.0)
'''


@pytest.mark.dot
@pytest.mark.browser
@pytest.mark.parametrize("width", [1400, 390])
def test_a_wide_diagram_keeps_its_size_scrolls_and_opens_full_size(tmp_path, width):
    from playwright.sync_api import sync_playwright

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('project = "t"\nextensions = ["plategraph.sphinx", '
                                 '"myst_parser"]\n')
    (src / "models.py").write_text(WIDE)
    (src / "index.md").write_text("# Wide\n\n```{plategraph} models.py:wide\n:alt: wide one\n"
                                  "```\n")
    out, warnings = build(src, "html")
    assert "models.py:wide" not in warnings
    assert (out / "_static" / "plategraph-viewer.js").is_file()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True,
                                    args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": width, "height": 900})
        problems: list[str] = []
        page.on("pageerror", lambda err: problems.append(str(err)))
        page.goto((out / "index.html").as_uri())
        page.wait_for_load_state("load")
        svg = page.locator('svg[aria-label="wide one"]')
        natural = svg.evaluate("s => s.width.baseVal.value")
        assert natural > 1400  # wider than the page: drawn at its size, scrolled sideways
        drawn = svg.evaluate("s => s.getBoundingClientRect().width")
        assert drawn == pytest.approx(natural, abs=1)
        assert svg.evaluate("s => s.parentElement.scrollWidth > s.parentElement.clientWidth")
        page.locator("button.pg-full-size").click()
        assert page.locator("dialog#pg-viewer").is_visible()
        assert page.locator("#pg-viewer-title").inner_text() == "wide one"
        shown = page.locator("#pg-viewer .pg-viewer-content")
        opened = shown.evaluate("s => s.getBoundingClientRect().width")
        assert opened == pytest.approx(natural, abs=1)
        page.locator("#pg-viewer button[data-zoom=fit]").click()
        fitted = shown.evaluate("s => s.getBoundingClientRect().width")
        assert fitted < natural and fitted <= width
        page.screenshot(path=str(tmp_path / f"wide-{width}.png"))
        browser.close()
    assert problems == []
