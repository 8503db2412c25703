"""Escaping: every site name reaches DOT through quoting.py and comes out of `dot` intact."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import plategraph
from plategraph.layout.quoting import attr_list, html_text, quote
from plategraph.tracing.records import Edge, Site

SVG = "{http://www.w3.org/2000/svg}"
XLINK_TITLE = "{http://www.w3.org/1999/xlink}title"


@pytest.mark.parametrize(("value", "attribute", "expected"), [
    ("n0", None, "n0"),
    ("_x1", None, "_x1"),
    ("-1.5", None, "-1.5"),
    ("a b", None, '"a b"'),
    ("graph", None, '"graph"'),
    ("Node", None, '"Node"'),
    ("1a", None, '"1a"'),
    ('say "hi"', None, '"say \\"hi\\""'),
    ('say "hi"\\', None, '"say \\"hi\\"\\\\"'),
    ("a\\b", None, '"a\\\\b"'),
    ("a\\b", "label", '"a\\\\b"'),
    ("a&amp;b", None, '"a&amp;amp;b"'),
    ("a&b", "tooltip", '"a&amp;b"'),
    ("a&b", "fontname", '"a&b"'),
    ("a\\N", "tooltip", '"a\\\\\\\\N"'),
    ("ends\\", "tooltip", '"ends\\\\\\\\"'),
    ("two\nlines\r\nthree\rfour", None, '"two\\nlines\\nthree\\nfour"'),
    ("nul\x00bell\x07", None, '"nul\ufffdbell\ufffd"'),
    ("σ → ∞", None, '"σ → ∞"'),
])
def test_quote(value, attribute, expected):
    assert quote(value, attribute=attribute) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("plain", "plain"),
    ('<b>&"x"\'</b>', "&lt;b&gt;&amp;&quot;x&quot;&#39;&lt;/b&gt;"),
    ('<b>&"x"</b>', "&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;"),
    ("&amp;", "&amp;amp;"),
    ("a\nb", "a<BR/>b"),
    ("a\nb\r\nc", "a<BR/>b<BR/>c"),
    ("a\\Nb", "a\\\\Nb"),
    ("]x[", "&#93;x["),
    ("tab\there", "tab here"),
    ("a   b", "a &#160; b"),
    ("bad\x01\udc80", "bad\ufffd\ufffd"),
])
def test_html_text(text, expected):
    assert html_text(text) == expected


def test_attr_list_keeps_order_drops_none_and_passes_html_labels_through():
    attrs = {"shape": "ellipse", "color": None, "fillcolor": "#c8c8c8", "label": "<x<SUB>1</SUB>>",
             "xlabel": "not html", "tooltip": 'a "b"'}
    assert attr_list(attrs) == ('[shape=ellipse fillcolor="#c8c8c8" label=<x<SUB>1</SUB>> '
                                'xlabel="not html" tooltip="a \\"b\\""]')
    assert attr_list({}) == ""
    assert attr_list({"label": None}) == ""


def _svg_strings(svg: bytes) -> tuple[list[str], list[str]]:
    """The texts and the link titles (tooltips) of an SVG; parsing it proves nothing leaked."""
    root = ET.fromstring(svg)
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    titles = [a.get(XLINK_TITLE, "") for a in root.iter(f"{SVG}a")]
    return texts, titles


def _spaces(text: str) -> str:
    # graphviz writes runs of spaces as no-break spaces after the first
    return text.replace("\xa0", " ")


NAME_CHARS = (
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
    | st.sampled_from(list('"\\<>&:;{}[]=#\'-/|*^%$@!?`~') + ["\n", "\\N", "\\G", "\\n", "\\l",
                                                              "->", "--", "<BR/>", "&amp;",
                                                              "]]>", "<!--", "\u2028"])
)
NAMES = st.lists(NAME_CHARS, min_size=1, max_size=10).map("".join).filter(
    lambda s: any(line.strip() for line in s.split("\n")))


@pytest.mark.dot
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(NAMES, min_size=1, max_size=3, unique=True))
def test_any_site_name_renders_intact_through_real_dot(make_graph, names):
    sites = [Site(n, "latent", distribution="Normal") for n in names]
    edges = [Edge(names[0], n, "data", ("loc",)) for n in names[1:]]
    graph = make_graph(sites, edges, name=names[0])  # the graph's name is escaped too
    svg = plategraph.draw(graph, collapse=False).pipe("svg")
    texts, titles = _svg_strings(svg)
    shown = [_spaces(t) for t in texts]
    for name in names:
        # each line of the name is in a text line of the label (graphviz trims spaces at the ends)
        for line in name.split("\n"):
            if line.strip(" "):
                assert any(_spaces(line).strip(" ") in t for t in shown)
        # the tooltip names the site exactly
        assert f"{name}: latent Normal" in titles


@pytest.mark.dot
def test_control_characters_and_markup_cannot_break_the_svg(make_graph):
    names = ["nul\x00", "esc\x1b[0m", "</text><script>x</script>", "a\\", 'q"', "]]>"]
    graph = make_graph([Site(n, "observed", plates=("P",)) for n in names], name='m"\\<x>')
    svg = plategraph.draw(graph, collapse=False, labels="math").pipe("svg")
    texts, titles = _svg_strings(svg)
    assert "nul\ufffd" in texts and "</text><script>x</script>" in texts
    assert "a\\" in texts and 'q"' in texts and "]]>" in texts
    assert "a\\: observed" in titles
    assert b"<script>" not in svg
