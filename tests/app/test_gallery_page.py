"""The gallery page's HTML (plategraph.app.page): per-model titles, escaping, links, search data,
the specification and highlighted source, from reports made here (no build needed)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from support import GALLERY, graph_of, load_example

import plategraph
from plategraph.app.gallery import GalleryReport, ModelResult, output_names
from plategraph.app.loading import load_module, module_info
from plategraph.app.page import index_html, model_facts, prose_html, valid_facts
from plategraph.tracing.records import Plate, Site

FORMATS = ("svg", "png", "paper.svg", "paper.pdf", "tex")
NASTY = '<script>alert("x")</script> & <b>'


def row(ident="m:model", *, status="ok", title="A model", doc="", source="", facts=None,
        error=None):
    module, function = ident.split(":")
    outputs = output_names(module, function, FORMATS) if status in ("ok", "cached") else {}
    return ModelResult(ident, module, function, status, title=title, doc=doc, source=source,
                       outputs=outputs, timings={"trace": 0.1, "draw": 0.2}, error=error,
                       facts=facts or {})


def page(*rows, out_dir=Path("out")):
    return index_html(GalleryReport(out_dir, list(rows), 1.0, FORMATS, {}, "plategraph test"))


def cards(text):
    return re.findall(r"<article\b.*?</article>", text, re.DOTALL)


def test_the_models_of_one_module_have_their_own_titles_and_text():
    infos = module_info(load_module(GALLERY / "eight_schools.py"), "eight_schools",
                        "eight_schools.py")
    assert [(i.ident, i.title) for i in infos] == [
        ("eight_schools:centered", "Eight schools, centered."),
        ("eight_schools:non_centered", "Eight schools, non-centered.")]
    assert "deterministic site" in infos[1].doc and "deterministic" not in infos[0].doc
    # the module's reference stays with each model
    assert all(i.doc.endswith("section 5.5.") for i in infos)
    text = page(*(row(i.ident, title=i.title, doc=i.doc, source=i.source) for i in infos))
    titles = re.findall(r"<h2>(.*?)</h2>", text)
    assert titles == ["Eight schools, centered.", "Eight schools, non-centered."]


def test_a_model_without_a_docstring_has_its_module_title(tmp_path):
    path = tmp_path / "two.py"
    path.write_text('"""Two models.\n\nShared text.\n"""\n\n\ndef a():\n    pass\n\n\n'
                    'def b():\n    """B alone."""\n\n\ndef examples():\n'
                    '    return {"a": ((), {}), "b": ((), {})}\n')
    infos = module_info(load_module(path), "two", str(path))
    assert [(i.title, i.doc) for i in infos] == [("Two models.", "Shared text."),
                                                 ("B alone.", "Shared text.")]


def test_everything_a_card_shows_is_escaped():
    facts = {"sites": [NASTY], "distributions": ["<i>Normal</i>"], "plates": ['"><p>'],
             "spec": NASTY}
    text = page(row(title=NASTY, doc=f"{NASTY}\n\n``{NASTY}``", source=f"x = '{NASTY}'\n",
                    facts=facts),
                row("bad:model", status="error", title=NASTY, error=NASTY))
    assert text.count("<script>") == 1  # the page's own
    assert "<script>alert" not in text and "<b>" not in text and "<i>Normal" not in text
    assert '"><p>' not in text
    assert text.count("&lt;script&gt;alert(") >= 6  # title, text, code, spec, source, error
    # the docstring's literals are code, escaped inside
    assert "<code>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;</code>" in text


def test_files_are_linked_percent_encoded_and_only_the_models_own():
    odd = ModelResult("m:model", "m", "model", "ok", outputs={
        "svg": "m__model.svg", "png": "javascript:alert(1).png"})
    text = page(odd, row("a#b?c:model"))
    assert 'src="m__model.svg"' in text and "javascript:" not in text
    assert 'href="a%23b%3Fc__model.paper.pdf"' in text
    assert '<a href="a%23b%3Fc__model.tex">TikZ</a>' in text


def test_a_card_holds_what_search_looks_through():
    facts = {"sites": ["theta_raw"], "distributions": ["HalfCauchy"], "plates": ["schools"],
             "spec": "θ ~ Normal(0, 1)"}
    text = page(row("eight:model", title="Eight", doc="Text", source="def model():\n    pass\n",
                    facts=facts))
    search = html.unescape(re.search(r'data-search="([^"]*)"', text)[1])
    for word in ("eight:model", "theta_raw", "halfcauchy", "schools", "def model():", "text"):
        assert word in search
    assert '<span class="tag">HalfCauchy</span>' in text
    assert '<span class="tag">schools</span>' in text
    assert "<pre>θ ~ Normal(0, 1)</pre>" in text
    assert '<p id="no-match" hidden>' in text  # shown by the page's script when nothing matches


def test_the_source_is_highlighted_and_a_model_without_spec_has_no_spec_section():
    text = page(row(source="def model():\n    return 1\n"))
    assert '<div class="highlight">' in text and '<span class="k">def</span>' in text
    assert ".highlight .k {" in text  # Pygments' style, in the page itself (works offline)
    assert 'class="spec"' not in text
    assert "http://" not in text and "https://" not in text  # nothing fetched from elsewhere


def test_a_wide_diagram_makes_a_wide_card(tmp_path):
    for name, width in (("wide__model.svg", 900), ("narrow__model.svg", 200)):
        (tmp_path / name).write_text(f'<?xml version="1.0"?>\n<svg width="{width}pt" '
                                     f'height="100pt" viewBox="0 0 {width} 100"></svg>')
    text = page(row("wide:model"), row("narrow:model"), out_dir=tmp_path)
    wide, narrow = cards(text)
    assert 'class="card ok wide"' in wide and 'width="1200" height="133"' in wide
    assert 'class="card ok"' in narrow and 'width="267" height="133"' in narrow


def test_model_facts_name_the_sites_distributions_plates_and_spec():
    fn, args, kwargs = load_example("eight_schools:non_centered")
    facts = model_facts(plategraph.model_graph(fn, *args, **kwargs))
    assert facts["sites"] == ["mu", "tau", "theta_raw", "theta", "obs"]
    assert facts["distributions"] == ["Normal", "HalfCauchy"]
    assert facts["plates"] == ["J"]
    assert "θ_raw[j] ~ Normal(0, 1),  j = 1, …, 8" in facts["spec"]
    assert valid_facts(facts)


def test_a_graph_the_spec_cannot_write_has_facts_without_spec():
    graph = graph_of([Site("x", "latent", plates=("N",), distribution="Normal")],
                     plates=[Plate("N", 3)])
    facts = model_facts(graph)  # no model to run again: model_spec raises
    assert facts == {"sites": ["x"], "distributions": ["Normal"], "plates": ["N"], "spec": ""}


def test_facts_from_the_manifest_are_checked():
    assert valid_facts({"sites": ["a"], "distributions": [], "plates": ["N"], "spec": "a ~ N"})
    assert valid_facts({})
    assert not valid_facts({"sites": "a"})
    assert not valid_facts({"spec": 3})
    assert not valid_facts({"sites": [1]})
    assert not valid_facts({"other": []})
    assert not valid_facts(["sites"])


def test_docstring_literals_show_as_code_and_everything_else_as_text():
    assert prose_html("flow ``mu -> y`` and `x<0` & <b>") == (
        "flow <code>mu -&gt; y</code> and <code>x&lt;0</code> &amp; &lt;b&gt;")
