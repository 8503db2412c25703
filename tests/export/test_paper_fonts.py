"""The paper figure's fonts: ``font="Computer Modern"`` read back with pdffonts and pdftotext,
and fonts that cannot set the names refused before anything is drawn."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from support import load_example

import plategraph
from plategraph.export import paper
from plategraph.tracing.records import Edge, Site

pytestmark = [pytest.mark.dot, pytest.mark.latex]

# TeX's fonts as matplotlib bundles them (math) and CMU Serif (text): Computer Modern all
CM_FONTS = {"CMUSerif-Roman", "CMUSerif-Italic", "CMUSerif-Bold", "Cmr10", "Cmmi10", "Cmsy10",
            "Cmex10"}


def pdf_fonts(path: Path) -> list[tuple[str, str]]:
    """(font name without its subset tag, the rest of pdffonts' line) for each font."""
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    return [(line.split()[0].split("+")[-1], line) for line in lines]


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_computer_modern_sets_every_glyph_in_embedded_computer_modern(tmp_path):
    model, args, kwargs = load_example("radon:model")
    graph = plategraph.model_graph(model, *args, **kwargs)
    path = plategraph.draw(graph, theme="paper", distributions=True,
                           font="Computer Modern").save(tmp_path / "radon.pdf")
    fonts = pdf_fonts(path)
    names = {name for name, _ in fonts}
    # letters (Greek too) in CMU Serif, upright and italic; TeX's cmsy10 only for the ∼ that
    # CMU Serif lacks
    assert names <= CM_FONTS and {"CMUSerif-Roman", "CMUSerif-Italic"} <= names
    assert not names & {"Cmmi10", "Cmr10"}
    # embedded and subsetted, as TrueType
    assert all(" yes yes " in line and "CID TrueType" in line for _, line in fonts)
    text = pdf_text(path)
    # the name with a real underscore (cmr10 would set a dot accent there), the plate labels
    # and the distributions' words as written
    assert "log_radon" in text and "˙" not in text
    assert "county = 8" in text and "house = 80" in text
    assert "Normal(0, 10)" in text and "HalfNormal(5)" in text
    # Greek letters and their subscripts copy as written (cmmi10's σ copies as "¾")
    assert "μa" in text and "σa" in text and "σy" in text and "¾" not in text


def test_computer_modern_reads_back_names_with_specials_and_letters(make_graph, tmp_path):
    names = ["log_radon", "a$b$c", "x^2~y", "{50%}#1", "back\\slash", "café", "σ_level",
             "μ₀"]
    g = make_graph([Site(n, "latent") for n in names],
                   [Edge(a, b, "data", ("loc",)) for a, b in zip(names, names[1:])])
    path = plategraph.draw(g, theme="paper", labels="plain",
                           font="Computer Modern").save(tmp_path / "names.pdf")
    assert {name for name, _ in pdf_fonts(path)} == {"CMUSerif-Roman"}
    lines = pdf_text(path).split()
    assert all(name in lines for name in names)


@pytest.mark.parametrize(("font", "message"), [
    # TeX's own cmr10 has other glyphs at ASCII places: "_" is a dot accent there
    ("cmr10", r"font 'cmr10' has no glyph for .*_.*font='Computer Modern'"),
    ("No Such Font Family", r"not installed.*installed choices: .*'Computer Modern'.*'STIX'"),
    ("", "font must be a font's name"),
])
def test_fonts_that_cannot_set_the_names_are_refused_before_drawing(make_graph, font,
                                                                     message):
    g = make_graph([Site("log_radon", "latent")])
    with pytest.raises(plategraph.OptionError, match=message):
        plategraph.draw(g, theme="paper", font=font)


def test_computer_modern_without_its_package_names_the_package(monkeypatch):
    monkeypatch.setattr(paper, "font_installed", lambda family: False)
    with pytest.raises(plategraph.OptionError, match="CMU Serif.*fonts-cmu.*'STIX'"):
        paper.font_settings("Computer Modern")


def test_computer_modern_logs_nothing_a_user_cannot_act_on(caplog):
    """matplotlib registers CMU Serif's regular face at weight 500 and says so on every new
    lookup, and fontTools drops the font's private "TeX " table when the PDF subsets it: none
    of it reaches the user's log."""
    import logging

    from matplotlib import font_manager

    from plategraph.layout.typeset import paper_face

    font_manager.FontManager._findfont_cached.cache_clear()
    paper_face.cache_clear()
    model, args, kwargs = load_example("radon:model")
    graph = plategraph.model_graph(model, *args, **kwargs)
    with caplog.at_level(logging.INFO):
        plategraph.draw(graph, theme="paper", font="Computer Modern",
                        distributions=True).pipe("pdf")
    logged = [r.getMessage() for r in caplog.records
              if r.name.startswith(("matplotlib", "fontTools")) and r.levelno >= logging.WARNING]
    assert logged == []
