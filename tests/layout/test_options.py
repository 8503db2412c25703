"""Drawing options: output formats, and ``DrawOptions`` checked once where options come in."""

from __future__ import annotations

import dataclasses
import re

import pytest

import plategraph
from plategraph.layout import options
from plategraph.layout.dot import dot_source
from plategraph.layout.drawn import drawn_graph
from plategraph.layout.options import DrawOptions
from plategraph.tracing.records import Edge, Plate, Site


@pytest.mark.parametrize(("given", "expected"), [
    ("svg", "svg"), ("SVG", "svg"), (".png", "png"), ("pdf", "pdf"), ("dot", "dot")])
def test_check_format(given, expected):
    assert options.check_format(given) == expected


@pytest.mark.parametrize("bad", ["jpg", "gv", "", "svgz"])
def test_unknown_formats_list_the_supported_ones(bad):
    with pytest.raises(plategraph.FormatError, match="plategraph writes svg, png, pdf, dot"):
        options.check_format(bad)


def test_format_for_path(tmp_path):
    assert options.format_for_path(tmp_path / "a.b" / "model.PDF") == "pdf"
    with pytest.raises(plategraph.FormatError, match=r"model\.jpeg.*svg, png, pdf, dot"):
        options.format_for_path("out/model.jpeg")
    with pytest.raises(plategraph.FormatError, match=r"give it a suffix \(\.svg, \.png"):
        options.format_for_path("model")


# -- DrawOptions -------------------------------------------------------------------------------


def small(make_graph):
    """Every kind, a Python-loop family, a gated site and a model argument: all options show."""
    return make_graph(
        [Site("w", "param"),
         Site("z", "latent", distribution="Bernoulli", dist_args=(("probs", "0.5"),)),
         Site("mu", "latent", distribution="Normal", gated_by=("z",),
              dist_args=(("loc", "0"), ("scale", "1"))),
         Site("m", "deterministic"),
         *(Site(f"obs_{j}", "observed", plates=("N",), distribution="Normal",
                dist_args=(("loc", None), ("scale", "1")),
                data_args=(("scale", ("sigma_obs",)),)) for j in range(3)),
         Site("pen", "factor")],
        [Edge("w", "m", "data", ("value",)), Edge("mu", "m", "data", ("value",)),
         *(Edge("m", f"obs_{j}", "data", ("loc",)) for j in range(3)),
         *(Edge("z", f"obs_{j}", "control") for j in range(3)),
         Edge("mu", "pen", "data", ("log_factor",))],
        plates=[Plate("N", 10, None, -1)],
        name="small",
    )


PAPER = {"theme": "paper"}
# (options, the message naming what is allowed)
BAD = {
    "labels": ({"labels": "fancy"}, "labels must be one of plain, math; got 'fancy'"),
    "rankdir": ({"rankdir": "sideways"}, "rankdir must be one of TB, LR, BT, RL; got 'sideways'"),
    "theme name": ({"theme": "neon"}, "unknown theme 'neon'; choose one of notebook, paper"),
    "theme base": ({"theme": {"base": "neon"}}, "unknown theme 'neon'; choose one of notebook"),
    "theme type": ({"theme": 3}, "theme must be a name or a dict; got int"),
    "theme key": ({"theme": {"latnet": {"color": "red"}}},
                  "unknown theme key 'latnet'; keys are latent, observed, deterministic"),
    "theme value": ({"theme": {"latent": "red"}},
                    "theme key 'latent' must map graphviz attributes to values"),
    "distributions": ({"distributions": "left"},
                      "distributions must be True, False or one of auto, beside, below; "
                      "got 'left'"),
    "width unit": ({**PAPER, "width": "3 furlongs"},
                   "width must be a length such as '3.3in', '8cm', '84mm' or '240pt'"),
    "width sign": ({**PAPER, "width": -2}, "width must be positive; got -2"),
    "dpi zero": ({**PAPER, "dpi": 0}, "dpi must be a positive number; got 0"),
    "dpi bool": ({**PAPER, "dpi": True}, "dpi must be a positive number; got True"),
    "dpi text": ({**PAPER, "dpi": "300"}, "dpi must be a positive number; got '300'"),
    "width without paper": ({"width": "3.3in"}, "width, dpi, font and fontsize are options"),
    "dpi without paper": ({"dpi": 300}, "width, dpi, font and fontsize are options"),
    "font without paper": ({"theme": {"latent": {"color": "red"}}, "font": "Times"},
                           "width, dpi, font and fontsize are options"),
    "fontsize without paper": ({"fontsize": 9}, "width, dpi, font and fontsize are options"),
    "fontsize big": ({**PAPER, "fontsize": 12},
                     "fontsize must be a number of points from 7 to 10 (a paper's figures"),
    "fontsize small": ({**PAPER, "fontsize": 5.5}, "from 7 to 10"),
    "fontsize text": ({**PAPER, "fontsize": "9pt"}, "fontsize must be a number of points"),
    "observed_style": ({"observed_style": "grey"},
                       "observed_style must be one of shaded, double, square; got 'grey'"),
    "var_names string": ({"var_names": "mu"}, "var_names must be a list of site names"),
    "legend": ({"legend": "yes"}, "legend must be True or False; got 'yes'"),
    "ancestors": ({"ancestors": None}, "ancestors must be True or False; got None"),
}


@pytest.mark.parametrize("case", BAD)
def test_each_bad_value_is_an_option_error_naming_the_allowed_values(case):
    given, message = BAD[case]
    with pytest.raises(plategraph.OptionError, match=re.escape(message)):
        DrawOptions(**given)


def entry_points(make_graph):
    """Every public function that takes drawing options, with the options each one accepts."""
    g = small(make_graph)
    return {
        "draw": (lambda **o: plategraph.draw(g, **o), set(BAD)),
        "layout": (lambda **o: plategraph.layout(g, **o),
                   {c for c in BAD if not c.startswith(("width", "dpi", "font"))}),
        "to_dot": (lambda **o: plategraph.to_dot(g, **o),
                   {c for c in BAD if not c.startswith(("width", "dpi", "font"))}),
        "to_tikz": (lambda **o: plategraph.to_tikz(g, **o),
                    {c for c in BAD if not c.startswith(("width", "dpi", "font"))}),
    }


@pytest.mark.parametrize("entry", ["draw", "layout", "to_dot", "to_tikz"])
def test_options_are_validated_with_the_allowed_values(make_graph, entry):
    # checked where options come in, before anything is laid out or drawn (no `dot` needed)
    call, accepted = entry_points(make_graph)[entry]
    for case in sorted(accepted):
        given, message = BAD[case]
        with pytest.raises(plategraph.OptionError, match=re.escape(message)):
            call(**given)


@pytest.mark.parametrize(("given", "paper", "label_mode"), [
    ({}, False, "plain"),
    ({"theme": "paper"}, True, "math"),
    ({"theme": {"base": "paper", "observed": {"fillcolor": "gray60"}}}, True, "math"),
    ({"theme": {"latent": {"fillcolor": "lightyellow"}}}, False, "plain"),
    ({"labels": "math"}, False, "math"),
    ({"theme": "paper", "labels": "plain"}, True, "plain"),
])
def test_labels_default_to_math_in_the_paper_theme_and_plain_otherwise(given, paper, label_mode):
    opts = DrawOptions(**given)
    assert opts.paper is paper
    assert opts.label_mode == label_mode and opts.math is (label_mode == "math")
    assert opts.labels == given.get("labels")  # kept as asked


def test_draw_options_are_frozen():
    opts = DrawOptions(theme="paper", width="3.3in")
    with pytest.raises(dataclasses.FrozenInstanceError):
        opts.rankdir = "LR"  # type: ignore[misc]
    assert opts.rankdir == "TB"
    assert DrawOptions() == DrawOptions() and hash(DrawOptions()) == hash(DrawOptions())


def test_replace_checks_again():
    opts = DrawOptions(theme="paper", width="3.3in", dpi=300)
    lr = opts.replace(rankdir="LR")
    assert (lr.rankdir, lr.width, lr.dpi, opts.rankdir) == ("LR", "3.3in", 300, "TB")
    assert DrawOptions().replace(theme="paper").math
    with pytest.raises(plategraph.OptionError, match=re.escape(BAD["rankdir"][1])):
        opts.replace(rankdir="sideways")
    with pytest.raises(plategraph.OptionError, match="options of the paper figure"):
        opts.replace(theme="notebook")  # width and dpi are the paper's only
    with pytest.raises(plategraph.OptionError, match="one of notebook, paper"):
        DrawOptions().replace(theme="neon")


@pytest.mark.parametrize("given", [
    {},
    {"collapse": False},
    {"params": True, "deterministic": False, "labels": "math", "rankdir": "LR"},
    {"data": True, "distributions": True},
    {"theme": {"latent": {"fillcolor": "lightyellow"}}, "distributions": True},
    {"theme": "paper", "distributions": "below", "width": "3.3in"},
], ids=str)
def test_draw_draws_the_drawn_graph(make_graph, given):
    g = small(make_graph)
    opts = DrawOptions(**given)
    assert plategraph.draw(g, **given).source == dot_source(drawn_graph(g, opts), opts)


def test_a_theme_dict_based_on_paper_is_applied_or_refused():
    opts = DrawOptions(theme={"base": "paper", "latent": {"fillcolor": "lightyellow"}})
    assert opts.paper and opts.styles["latent"]["fillcolor"] == "lightyellow"
    with pytest.raises(plategraph.OptionError, match=re.escape(
            "take only fillcolor of latent, observed, deterministic, data; got plate.style")):
        DrawOptions(theme={"base": "paper", "plate": {"style": "dashed"}})
    with pytest.raises(plategraph.OptionError, match="unknown colour 'nocolour'"):
        DrawOptions(theme={"base": "paper", "observed": {"fillcolor": "nocolour"}})


@pytest.mark.parametrize(("style", "cue"), [("shaded", {}), ("double", {"peripheries": "2"}),
                                            ("square", {"shape": "square"})])
def test_observed_style_is_a_second_cue_for_observed_nodes(style, cue):
    observed = DrawOptions(observed_style=style).styles["observed"]
    assert observed["fillcolor"] == "#c8c8c8"
    assert {k: observed[k] for k in cue} == cue
    assert "peripheries" not in DrawOptions(observed_style=style).styles["latent"]
