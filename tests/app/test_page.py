"""The gallery page in a real browser: images load, the filter hides cards, no console errors."""

from __future__ import annotations

import shutil

import pytest
from support import make_gallery

from plategraph.app.gallery import build_gallery

pytestmark = [pytest.mark.browser, pytest.mark.dot]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def page_path(tmp_path_factory):
    root = tmp_path_factory.mktemp("page")
    folder = make_gallery(root / "gallery", ["aa_regression.py", "eight_schools.py", "lda.py",
                                             "raises.py", "matrix_factorization.py"])
    report = build_gallery(folder, root / "out", jobs=2)
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


def test_the_page_loads_its_images_filters_and_has_no_console_errors(browser, page_path,
                                                                      tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda err: problems.append(str(err)))
    page.on("requestfailed", lambda r: problems.append(f"failed to load {r.url}"))
    page.goto(page_path.as_uri())
    page.wait_for_load_state("load")

    cards = page.locator("article.card")
    assert cards.count() == 7
    images = page.locator("article.card img")
    # the notebook diagram and the paper figure of every card but the failed model's
    assert images.count() == 12
    assert page.locator("article.card img[src$=\".paper.svg\"]").count() == 6
    for i in range(images.count()):
        images.nth(i).scroll_into_view_if_needed()
        assert images.nth(i).evaluate(
            "img => img.complete ? img.naturalWidth : new Promise(ok => "
            "img.addEventListener('load', () => ok(img.naturalWidth)))") > 0
    assert page.locator("article.card.error").count() == 1
    assert "the model failed on purpose" in page.locator("article.card.error").inner_text()
    # the docstring's markup is shown as text, not run
    assert "<script>alert" in page.locator("article.card").first.inner_text()
    page.screenshot(path=str(tmp_path / "gallery.png"), full_page=True)

    page.fill("#filter", "schools")
    visible = [c for c in cards.all() if c.is_visible()]
    assert [c.locator("code").first.inner_text() for c in visible] == [
        "eight_schools:centered", "eight_schools:non_centered"]
    page.fill("#filter", "latent dirichlet")
    assert [c.locator("code").first.inner_text() for c in cards.all() if c.is_visible()] == [
        "lda:model"]
    page.fill("#filter", "no such model at all")
    assert not [c for c in cards.all() if c.is_visible()]
    page.fill("#filter", "")
    assert len([c for c in cards.all() if c.is_visible()]) == 7
    page.screenshot(path=str(tmp_path / "filtered.png"))
    assert problems == []
    assert (tmp_path / "gallery.png").stat().st_size > 10_000
