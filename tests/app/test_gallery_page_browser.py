"""The gallery page in a real headless Chromium: images load, search finds models by name,
distribution, plate and source and says when nothing matches, wide models stay readable and open
full size, no console errors."""

from __future__ import annotations

import shutil
import urllib.parse

import pytest
from support import make_gallery

from plategraph.app.gallery import build_gallery

pytestmark = [pytest.mark.browser, pytest.mark.dot]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

# a model whose plate and distribution names are made at run time: its source does not hold
# them, so only the names the build recorded from its trace can find it
RUNTIME_NAMES = '''"""Names made at run time."""
import numpyro
import numpyro.distributions as dist

PLATE = "".join(["class", "rooms"])
FAMILY = getattr(dist, "Student" + "T")


def model():
    with numpyro.plate(PLATE, 3):
        numpyro.sample("score", FAMILY(3.0, 0.0, 1.0))
'''
IDENTS = ["aa_regression:model", "aa_regression:prior_only", "bayesian_cart:model",
          "eight_schools:centered", "eight_schools:non_centered", "raises:model",
          "runtime_names:model"]


@pytest.fixture(scope="module")
def page_path(tmp_path_factory):
    root = tmp_path_factory.mktemp("page")
    folder = make_gallery(root / "gallery", ["aa_regression.py", "bayesian_cart.py",
                                             "eight_schools.py", "raises.py"])
    (folder / "runtime_names.py").write_text(RUNTIME_NAMES)
    report = build_gallery(folder, root / "out", jobs=2)
    assert [r.ident for r in report.results] == IDENTS
    assert [r.status for r in report.results].count("ok") == 6
    return root / "out" / "index.html"


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.fail("headless Chromium is missing: `make install` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox"])
        yield browser
        browser.close()


def open_page(browser, page_path, width, problems, query=None):
    page = browser.new_page(viewport={"width": width, "height": 1000})
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda err: problems.append(str(err)))
    page.on("requestfailed", lambda r: problems.append(f"failed to load {r.url}"))
    address = page_path.as_uri()
    if query is not None:
        address += "#search=" + urllib.parse.quote(query)
    page.goto(address)
    page.wait_for_load_state("load")
    return page


def shown(page):
    return [c.get_attribute("id") for c in page.locator("article.card").all() if c.is_visible()]


def test_the_page_loads_its_images_and_has_no_console_errors(browser, page_path, tmp_path):
    problems: list[str] = []
    page = open_page(browser, page_path, 1400, problems)
    assert shown(page) == IDENTS
    images = page.locator("article.card img")
    # the notebook diagram and the paper figure of every card but the failed model's
    assert images.count() == 12
    assert page.locator("article.card img[src$=\".paper.svg\"]").count() == 6
    for i in range(images.count()):
        images.nth(i).scroll_into_view_if_needed()
        assert images.nth(i).evaluate(
            "img => img.complete ? img.naturalWidth : new Promise(ok => "
            "img.addEventListener('load', () => ok(img.naturalWidth)))") > 0
    failed = page.locator("article.card.error")
    assert failed.count() == 1 and "the model failed on purpose" in failed.inner_text()
    # the docstring's markup is shown as text, not run
    assert "<script>alert" in page.locator("article.card").first.inner_text()
    # each model of a module has its own title
    titles = {c.get_attribute("id"): c.locator("h2").inner_text()
              for c in page.locator("article.card").all()}
    assert titles["eight_schools:centered"] == "Eight schools, centered."
    assert titles["eight_schools:non_centered"] == "Eight schools, non-centered."
    # the source is highlighted: keywords in Pygments' spans
    source = page.locator('article[id="eight_schools:centered"] details.source')
    source.locator("summary").click()
    assert source.locator(".highlight span.k", has_text="def").count() >= 1
    assert "numpyro.sample(\"theta\"" in source.inner_text()
    spec = page.locator('article[id="eight_schools:centered"] details.spec pre')
    assert "θ[j] ~ Normal(μ, τ),  j = 1, …, 8" in spec.inner_text()
    page.screenshot(path=str(tmp_path / "gallery-1400.png"), full_page=True)
    assert problems == []


@pytest.mark.parametrize(("query", "found"), [
    ("HalfCauchy", ["eight_schools:centered", "eight_schools:non_centered"]),  # distribution
    ("studentt", ["runtime_names:model"]),  # a distribution only the trace names
    ("classrooms", ["runtime_names:model"]),  # a plate only the trace names
    ("FAMILY(3.0", ["runtime_names:model"]),  # source text
    ("theta_raw", ["eight_schools:non_centered"]),  # a site name
    ("schools centered", ["eight_schools:centered", "eight_schools:non_centered"]),
])
def test_a_search_in_the_address_shows_the_models_it_finds(browser, page_path, query, found):
    problems: list[str] = []
    page = open_page(browser, page_path, 1400, problems, query)
    assert page.locator("#filter").input_value() == query
    assert shown(page) == found
    assert not page.locator("#no-match").is_visible()
    assert page.locator("#shown").inner_text() == f"{len(found)} of {len(IDENTS)} shown"
    assert problems == []


def test_typing_searches_and_nonsense_says_no_match(browser, page_path, tmp_path):
    problems: list[str] = []
    page = open_page(browser, page_path, 390, problems)
    page.fill("#filter", "zqxj nothing")
    assert shown(page) == []
    assert page.locator("#no-match").is_visible()
    assert page.locator("#no-match").inner_text() == "No model matches “zqxj nothing”."
    assert page.evaluate("location.hash") == "#search=zqxj%20nothing"
    page.screenshot(path=str(tmp_path / "no-match-390.png"))
    page.fill("#filter", "classrooms")
    assert shown(page) == ["runtime_names:model"] and not page.locator("#no-match").is_visible()
    page.fill("#filter", "")
    assert shown(page) == IDENTS and page.evaluate("location.hash") == ""
    assert problems == []


@pytest.mark.parametrize("width", [1400, 390])
def test_a_wide_model_is_drawn_at_its_own_size_and_opens_full_size(browser, page_path, width,
                                                                  tmp_path):
    problems: list[str] = []
    page = open_page(browser, page_path, width, problems)
    card = page.locator('article[id="bayesian_cart:model"]')
    assert "wide" in card.get_attribute("class")
    image = card.locator("figure img").first
    image.scroll_into_view_if_needed()
    natural, drawn = image.evaluate(
        "img => new Promise(ok => { const size = () => ok([img.naturalWidth, "
        "img.getBoundingClientRect().width]); img.complete ? size() : "
        "img.addEventListener('load', size); })")
    assert natural > 900 and drawn == pytest.approx(natural, abs=1)  # not shrunk to fit
    scroll = card.locator("figure .scroll").first
    if width < natural:  # the figure scrolls instead
        assert scroll.evaluate("box => box.scrollWidth > box.clientWidth")
    card.locator("figcaption a", has_text="full size").first.click()
    viewer = page.locator("dialog#pg-viewer")
    assert viewer.is_visible()
    assert page.locator("#pg-viewer-title").inner_text() == "diagram of bayesian_cart:model"
    big = page.locator("#pg-viewer .pg-viewer-content")
    assert big.evaluate("img => img.complete || new Promise(ok => img.onload = ok)")
    assert big.evaluate("img => img.getBoundingClientRect().width") == pytest.approx(natural,
                                                                                     abs=1)
    page.locator("#pg-viewer button[data-zoom=in]").click()
    assert page.locator("#pg-viewer-zoom").inner_text() == "125%"
    assert big.evaluate("img => img.getBoundingClientRect().width") == pytest.approx(
        natural * 1.25, abs=1)
    page.screenshot(path=str(tmp_path / f"viewer-{width}.png"))
    page.locator("#pg-viewer button[data-zoom=close]").click()
    assert not viewer.is_visible()
    assert problems == []
