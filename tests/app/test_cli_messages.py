"""The command line's formats, bad values, model references and counts, invoked as users
invoke it: exact exit codes and messages in the command line's own words."""

from __future__ import annotations

import networkx as nx
import pytest
from support import GALLERY, load_example, node_statements

import plategraph
from plategraph.app.cli import main

EIGHT = str(GALLERY / "eight_schools.py")
CROSSED = str(GALLERY / "crossed_random_effects.py")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_format_tex_and_mermaid(capsys):
    model, args, kwargs = load_example("eight_schools:centered")
    graph = plategraph.model_graph(model, *args, **kwargs)
    code, out, err = run(capsys, "render", f"{EIGHT}:centered", "-o", "-", "-f", "mermaid")
    assert (code, err) == (0, "") and out == plategraph.to_mermaid(graph)
    code, out, err = run(capsys, "render", f"{EIGHT}:centered", "-o", "-", "-f", "tex")
    assert (code, err) == (0, "") and out.startswith("% plate diagram of centered")


def test_mmd_suffix_writes_mermaid(capsys, tmp_path):
    target = tmp_path / "model.mmd"
    code, out, err = run(capsys, "render", f"{EIGHT}:centered", "-o", str(target))
    assert (code, out, err) == (0, f"wrote {target} (4 sites, 3 edges)\n", "")
    assert target.read_text().startswith("%% plate diagram of centered, drawn by plategraph\n"
                                         "flowchart TB\n")


@pytest.mark.parametrize(("options", "message"), [
    (["--theme", "dark"], "--theme dark: unknown theme; choose notebook, paper, or a FILE.json "
                          "of graphviz attributes per node kind"),
    (["--theme", "paper", "--width", "3.3"], "--width 3.3: give a length with its unit, such "
                                             "as 3.3in, 8cm, 84mm or 240pt"),
    (["--width", "3.3in"], "--width: only for the paper figure; add --theme paper "
                           "(e.g. --theme paper --width 3.3in)"),
    (["--dpi", "600", "--font", "STIX"], "--dpi, --font: only for the paper figure; add "
                                         "--theme paper (e.g. --theme paper)"),
    (["--theme", "paper", "--dpi", "0"], "--dpi 0: give a positive number"),
    (["--theme", "paper", "--width", "0in"], "--width 0in: give a length with its unit, such "
                                             "as 3.3in, 8cm, 84mm or 240pt"),
    (["--theme", "paper", "--observed-style", "square", "--legend", "--width", "8cm",
      "--dpi", "-3"], "--dpi -3: give a positive number"),
    (["-o", "x.jpg"], "-o x.jpg: cannot tell the format from its suffix; write one of .svg, "
                      ".png, .pdf, .dot, .tex, .mmd, or give -f"),
])
def test_bad_values_exit_2_in_the_command_lines_words(capsys, options, message):
    code, out, err = run(capsys, "render", f"{EIGHT}:centered", *options)
    assert (code, out, err) == (2, "", f"plategraph render: error: {message}\n")
    assert "draw(" not in err and "dict" not in err


def test_bad_values_exit_2_in_gallery_too(capsys, tmp_path):
    code, out, err = run(capsys, "gallery", str(GALLERY), "-o", str(tmp_path), "--theme", "dark")
    assert (code, out) == (2, "")
    assert err.startswith("plategraph gallery: error: --theme dark: unknown theme")


def test_a_typo_in_the_model_name_suggests_the_model(capsys):
    code, out, err = run(capsys, "render", f"{CROSSED}:modl")
    assert (code, out, err) == (
        1, "", f"plategraph: error: {CROSSED}: has no model function 'modl'; "
               "did you mean 'model'?\n")
    code, _, err = run(capsys, "render", f"{EIGHT}:centred")
    assert err == (f"plategraph: error: {EIGHT}: has no model function 'centred'; "
                   "did you mean 'centered' or 'non_centered'?\n")


def test_a_file_without_a_function_lists_its_models(capsys):
    code, out, err = run(capsys, "render", EIGHT)
    assert (code, out, err) == (
        1, "", f"plategraph: error: {EIGHT}: name the model to draw: {EIGHT}:centered, "
               f"{EIGHT}:non_centered\n")


def test_render_and_gallery_agree_on_a_module_without_examples(capsys, tmp_path):
    """A model that needs no arguments needs no examples(): render draws it, and so does the
    gallery; a module with no such model is an error in both."""
    folder = tmp_path / "g"
    folder.mkdir()
    (folder / "plain.py").write_text(
        "import numpyro\nimport numpyro.distributions as dist\n\n\n"
        "def model():\n    numpyro.sample('x', dist.Normal(0, 1))\n\n\n"
        "def needs(n):\n    numpyro.sample('y', dist.Normal(0, 1))\n")
    code, out, err = run(capsys, "render", f"{folder / 'plain.py'}:model", "-o", "-", "-f", "dot")
    assert (code, err) == (0, "") and out.startswith("digraph model")
    code, out, err = run(capsys, "gallery", str(folder), "-o", str(tmp_path / "site"), "-q",
                         "--formats", "dot,svg", "--jobs", "1", "--no-paper")
    assert (code, err) == (0, "") and out.startswith("1 model (1 ok) in ")
    assert (tmp_path / "site" / "plain__model.dot").read_text().startswith("digraph model")
    (folder / "plain.py").unlink()
    (folder / "no_examples.py").write_text("def helper(x):\n    return x\n")
    code, _, err = run(capsys, "render", f"{folder / 'no_examples.py'}:helper")
    assert code == 1 and "examples() has no arguments for 'helper'" in err
    code, out, _ = run(capsys, "gallery", str(folder), "-o", str(tmp_path / "site2"),
                       "--formats", "dot,svg", "--jobs", "1", "--no-paper")
    assert code == 1 and "defines no examples() and no model function without arguments" in out


def test_counts_are_singular_and_plural(capsys, tmp_path):
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "one.py").write_text(
        "import numpyro\nimport numpyro.distributions as dist\n\n\n"
        "def model():\n    a = numpyro.sample('a', dist.Normal(0, 1))\n"
        "    numpyro.sample('b', dist.Normal(a, 1))\n")
    code, out, _ = run(capsys, "render", f"{folder / 'one.py'}:model", "-o",
                       str(tmp_path / "m.dot"))
    assert (code, out) == (0, f"wrote {tmp_path / 'm.dot'} (2 sites, 1 edge)\n")
    graph = nx.DiGraph(name="m")
    graph.add_node("a", kind="latent", plates=())
    assert repr(plategraph.draw(graph)) == "<plategraph.Diagram of 'm': 1 node, 0 edges>"


def test_draw_given_the_model_function_says_to_trace_it_first():
    model, _, _ = load_example("eight_schools:centered")
    with pytest.raises(plategraph.PlategraphError) as raised:
        plategraph.draw(model)
    assert str(raised.value) == (
        "draw takes a graph, not the model function 'centered': trace it first with "
        "plategraph.draw(plategraph.model_graph(centered, *args, **kwargs))")
    with pytest.raises(plategraph.PlategraphError, match="not a dict"):
        plategraph.draw({})



def test_views_and_the_key_are_command_line_options(capsys):
    code, dot, err = run(capsys, "render", f"{EIGHT}:non_centered", "-o", "-", "-f", "dot",
                         "--var-names", "theta", "--legend", "--observed-style", "double")
    assert (code, err) == (0, "")
    # theta and what it depends on
    assert set(node_statements(dot)) == {"mu", "tau", "theta_raw", "theta"}
    code, dot, err = run(capsys, "render", f"{EIGHT}:non_centered", "-o", "-", "-f", "dot",
                         "--var-names", "theta", "--no-ancestors")
    assert (code, err) == (0, "") and set(node_statements(dot)) == {"theta"}
    code, out, err = run(capsys, "render", f"{EIGHT}:non_centered", "-o", "-", "-f", "dot",
                         "--var-names", "thetaa")
    assert code != 0 and "thetaa" in err
