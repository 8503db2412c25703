"""Golden DOT text for every gallery model, and real `dot` renderings of each.

Regenerate after an intended change with ``pytest tests/layout/test_golden.py --update-golden``;
on a mismatch the new text is written beside the golden file as ``.actual`` for a diff.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from support import GOLDEN, gallery_ids, load_example

import plategraph

IDS = gallery_ids()
OPTIONS = {"labels": "math", "distributions": True, "params": True}


def diagram(ident: str) -> plategraph.Diagram:
    model, args, kwargs = load_example(ident)
    return plategraph.draw(plategraph.model_graph(model, *args, **kwargs), **OPTIONS)


@pytest.mark.parametrize("ident", IDS)
def test_dot_text_matches_golden(ident, update_golden):
    source = diagram(ident).source
    golden = GOLDEN / f"{ident.replace(':', '__')}.dot"
    actual = golden.with_suffix(".actual")
    if update_golden:
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(source)
        actual.unlink(missing_ok=True)
    assert golden.exists(), f"no golden file for {ident}: run pytest --update-golden"
    if source != golden.read_text():
        actual.write_text(source)
        pytest.fail(f"DOT of {ident} differs from {golden.name}; new text in {actual.name}")
    actual.unlink(missing_ok=True)


def test_no_stale_golden_files():
    expected = {f"{ident.replace(':', '__')}.dot" for ident in IDS}
    assert {p.name for p in GOLDEN.glob("*.dot")} == expected


@pytest.mark.dot
@pytest.mark.parametrize("ident", IDS)
def test_real_dot_renders_every_model(ident):
    d = diagram(ident)
    root = ET.fromstring(d.pipe("svg"))
    titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert str(next(iter(d.graph.nodes))) in titles  # node titles are the site names
