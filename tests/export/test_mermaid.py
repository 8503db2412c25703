"""Mermaid output: the flowchart's text, and Mermaid's own parser (npm ``mermaid`` under Node,
installed by ``make`` into build/mermaid from ci/mermaid/) reading every gallery model and any
site or plate name back."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import ROOT, gallery_ids, graph_of, load_example

import plategraph
from plategraph.layout.drawn import drawn_graph
from plategraph.layout.options import DrawOptions
from plategraph.tracing.records import Edge, Plate, Site

MERMAID_DIR = ROOT / "build" / "mermaid"
PARSER = ROOT / "ci" / "mermaid" / "parse.mjs"

pytestmark = pytest.mark.mermaid


def mermaid_parse(texts: list[str], tmp_path: Path) -> list[dict]:
    """What Mermaid's parser reads from each text (ci/mermaid/parse.mjs)."""
    if shutil.which("node") is None or not (MERMAID_DIR / ".installed").exists():
        pytest.fail("Mermaid's parser is not installed: run `make mermaid` (needs Node and npm)")
    source = tmp_path / "texts.json"
    source.write_text(json.dumps(texts), encoding="utf-8")
    run = subprocess.run(["node", "--input-type=module", "-e", PARSER.read_text(), str(source)],
                         cwd=MERMAID_DIR, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def gallery_graph(ident: str):
    model, args, kwargs = load_example(ident)
    return plategraph.model_graph(model, *args, **kwargs)


# -- the text ---------------------------------------------------------------------------------


def crossed_graph(**names: str):
    users, items = names.get("users", "users"), names.get("items", "items")
    return graph_of(
        [Site("mu", "latent"), Site("a", "latent", (users,)), Site("b", "latent", (items,)),
         Site("y", "observed", (users, items)),
         Site("flag", "latent"), Site("g", "deterministic", (), gated_by=("flag",))],
        [Edge("mu", "a"), Edge("a", "y"), Edge("b", "y"), Edge("flag", "g", "control")],
        [Plate(users, 50), Plate(items, 20)], name="crossed")


def test_crossed_plates_are_each_plate_and_a_combined_box():
    text = plategraph.to_mermaid(crossed_graph())
    assert text == """\
%% plate diagram of crossed, drawn by plategraph
flowchart TB
  n0(["mu"])
  n4(["flag"])
  n5((("g")))
  subgraph p0["users = 50"]
    n1(["a"])
  end
  subgraph p1["items = 20"]
    n2(["b"])
  end
  subgraph p2["users = 50 × items = 20"]
    n3(["y"])
  end
  n0 --> n1
  n1 --> n3
  n2 --> n3
  n4 -.-> n5
  classDef latent fill:#ffffff,stroke:#222222,color:#000000
  classDef observed fill:#c8c8c8,stroke:#222222,color:#000000
  classDef deterministic fill:#ffffff,stroke:#222222,color:#000000
  classDef gated stroke-dasharray:5 3
  class n0,n1,n2,n4 latent
  class n3 observed
  class n5 deterministic
  class n5 gated
"""


def test_options_are_draws():
    graph = gallery_graph("eight_schools:centered")
    text = plategraph.to_mermaid(graph, theme="paper", rankdir="LR", labels="math")
    assert 'flowchart LR' in text and 'n0(("μ"))' in text and 'n1(("τ"))' in text
    with_dists = plategraph.to_mermaid(graph, distributions=True)
    assert 'n0(["mu ~ Normal(0, 5)"])' in with_dists
    with pytest.raises(plategraph.OptionError, match="rankdir"):
        plategraph.to_mermaid(graph, rankdir="up")


def test_same_graph_same_text():
    graph = gallery_graph("lda:model")
    assert plategraph.to_mermaid(graph) == plategraph.to_mermaid(gallery_graph("lda:model"))


def test_diagram_saves_mmd(tmp_path):
    graph = gallery_graph("eight_schools:centered")
    diagram = plategraph.draw(graph, data=True)
    path = diagram.save(tmp_path / "model.mmd")
    assert path.read_text() == plategraph.to_mermaid(graph, data=True)
    assert diagram.pipe("mermaid") == path.read_bytes()


# -- Mermaid's parser -------------------------------------------------------------------------


OPTION_SETS = [{}, {"theme": "paper", "distributions": True, "params": True, "data": True},
               {"labels": "math", "distributions": True, "rankdir": "LR", "collapse": False}]


@pytest.mark.slow
def test_every_gallery_model_parses(tmp_path):
    cases = []
    for ident in gallery_ids():
        graph = gallery_graph(ident)
        for options in OPTION_SETS:
            drawn = drawn_graph(graph, DrawOptions(**options))
            cases.append((ident, options, drawn, plategraph.to_mermaid(graph, **options)))
    results = mermaid_parse([text for *_, text in cases], tmp_path)
    for (ident, options, drawn, text), read in zip(cases, results, strict=True):
        assert "error" not in read, f"{ident} {options}: {read.get('error')}\n{text}"
        assert sorted(v["id"] for v in read["vertices"]) == sorted(
            f"n{i}" for i in range(len(drawn))), ident
        assert len(read["edges"]) == drawn.number_of_edges(), ident
        kinds = [kind for *_, kind in drawn.edges(data="kind")]
        assert [e["stroke"] for e in read["edges"]] == [
            "dotted" if kind in ("control", "gate") else "normal" for kind in kinds], ident
        # every site in one subgraph at most, and in the one of its plates
        placed = [n for sub in read["subgraphs"] for n in sub["nodes"] if n.startswith("n")]
        assert len(placed) == len(set(placed)), ident
        in_plates = [f"n{i}" for i, (_, p) in enumerate(drawn.nodes(data="plates")) if p]
        assert sorted(placed) == sorted(in_plates), ident


names = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)


def shown(name: str) -> str:
    """A name as Mermaid's renderer shows it: control characters as U+FFFD, line breaks as
    ``<br>`` (the text of the parsed label, before HTML), an empty name as nothing."""
    lines = re.split("\r\n|\r|\n", name)
    return "<br>".join(re.sub("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]", "\ufffd", line)
                       for line in lines)


def test_any_site_and_plate_name_parses_and_reads_back(tmp_path):
    cases = []

    @settings(max_examples=300, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(names, min_size=3, max_size=3, unique=True), names, names)
    def collect(sites, plate, model_name):
        a, b, c = sites
        graph = graph_of([Site(a, "latent"), Site(b, "observed", (plate,)),
                          Site(c, "deterministic", (plate,), gated_by=(a,))],
                         [Edge(a, b), Edge(a, c, "control")], [Plate(plate, 3)],
                         name=model_name)
        cases.append((sites, plate, plategraph.to_mermaid(graph, collapse=False)))

    collect()
    cases.extend([(["a b", 'say "hi"', "x[0]"], "# (N)", None),
                  (["", "end", "é σ 漢 🙂"], "subgraph", None),
                  (["<b>bold</b>", "a\\b", "`md`"], "-->", None)])
    texts = []
    for sites, plate, text in cases:
        if text is None:
            graph = graph_of([Site(sites[0], "latent"), Site(sites[1], "observed", (plate,)),
                              Site(sites[2], "deterministic", (plate,))],
                             [Edge(sites[0], sites[1])], [Plate(plate, 3)])
            text = plategraph.to_mermaid(graph, collapse=False)
        texts.append(text)
    for (sites, plate, text), read in zip(cases, mermaid_parse(texts, tmp_path), strict=True):
        assert "error" not in read, f"{sites!r} {plate!r}: {read.get('error')}\n{text}"
        assert [v["text"] for v in read["vertices"]] == [shown(s) for s in sites], text
        assert [s["title"] for s in read["subgraphs"]] == [f"{shown(plate)} = 3"], text


def test_a_broken_text_is_an_error(tmp_path):
    """The parser does refuse what Mermaid cannot read (the check above checks something)."""
    [read] = mermaid_parse(['flowchart TB\n  n0[""] --> ]\n'], tmp_path)
    assert "error" in read
