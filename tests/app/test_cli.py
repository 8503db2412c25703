"""The command line, invoked as users invoke it: exit codes, output lines and files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support import GALLERY, make_gallery

from plategraph.app.cli import main
from plategraph.json_graph import from_json

EIGHT = str(GALLERY / "eight_schools.py")
SPIKE = str(GALLERY / "seed_conditional.py")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.dot
def test_render_writes_the_file_its_suffix_names(capsys, tmp_path):
    target = tmp_path / "es.svg"
    code, out, err = run(capsys, "render", f"{EIGHT}:centered", "-o", str(target), "--math",
                         "--distributions", "--rankdir", "LR")
    assert (code, err) == (0, "")
    assert out == f"wrote {target} (4 sites, 3 edges)\n"
    svg = target.read_text()
    assert svg.startswith("<?xml") and "θ" in svg and "Normal" in svg and "J = 8" in svg


@pytest.mark.parametrize(("suffix", "magic"), [("png", b"\x89PNG"), ("pdf", b"%PDF-"),
                                               ("dot", b"digraph")])
@pytest.mark.dot
def test_render_every_format(capsys, tmp_path, suffix, magic):
    target = tmp_path / f"model.{suffix}"
    assert run(capsys, "render", f"{EIGHT}:non_centered", "-o", str(target))[0] == 0
    assert target.read_bytes().startswith(magic)


def test_render_to_stdout_and_a_package_reference(capsys, monkeypatch):
    monkeypatch.syspath_prepend(str(GALLERY))
    code, out, _ = run(capsys, "render", "eight_schools:centered", "-o", "-", "-f", "dot",
                       "--theme", "paper", "--no-collapse")
    assert code == 0 and out.startswith('digraph centered {') and "Times-Roman" in out


def test_render_default_output_name(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "render", f"{SPIKE}:model", "-f", "dot")
    assert code == 0 and out == "wrote model.dot (4 sites, 3 edges)\n"
    assert (tmp_path / "model.dot").read_text().startswith("digraph model {")


def test_render_data_draws_the_arguments_as_data_nodes(capsys):
    code, out, _ = run(capsys, "render", f"{EIGHT}:centered", "-o", "-", "-f", "dot", "--data",
                       "--distributions")
    assert code == 0 and 'tooltip="sigma: data"' in out and "obs ~ Normal(theta, sigma)" in out
    code, out, _ = run(capsys, "render", f"{EIGHT}:centered", "-o", "-", "-f", "dot")
    assert code == 0 and ": data\"" not in out


def test_a_theme_file(capsys, tmp_path):
    theme = tmp_path / "theme.json"
    theme.write_text(json.dumps({"latent": {"fillcolor": "lightyellow"}}))
    code, out, _ = run(capsys, "render", f"{EIGHT}:centered", "-o", "-", "-f", "dot",
                       "--theme", str(theme))
    assert code == 0 and "lightyellow" in out
    theme.write_text('{"lantent": {}}')
    code, _, err = run(capsys, "render", f"{EIGHT}:centered", "-o", "-", "--theme", str(theme))
    assert code == 2 and err.startswith(
        f"plategraph render: error: --theme {theme}: unknown theme key 'lantent'")
    code, _, err = run(capsys, "render", f"{EIGHT}:centered", "--theme", str(tmp_path / "x.json"))
    assert code == 2 and err.startswith("plategraph render: error: --theme ")
    assert "x.json: cannot read the theme file" in err


def test_inspect_lists_sites_parents_gates_and_plates(capsys):
    code, out, err = run(capsys, "inspect", f"{SPIKE}:model")
    assert (code, err) == (0, "")
    lines = [line.strip() for line in out.splitlines() if line.strip()]
    assert lines[0] == f"{SPIKE}:model"
    assert lines[1].split() == ["site", "kind", "distribution", "plates", "parents", "source"]
    rows = [line.split(None, 3) for line in lines[3:]]
    assert rows == [
        ["z", "latent", "Bernoulli", "seed_conditional.py:17"],
        ["mu", "latent", "Normal", "z (gate)                 seed_conditional.py:19"],
        ["sigma", "latent", "HalfCauchy", "z (gate)                 seed_conditional.py:20"],
        ["obs", "observed", "Normal", "z (control), mu, sigma   seed_conditional.py:23"],
    ]


def test_inspect_shows_plates_with_sizes(capsys):
    code, out, _ = run(capsys, "inspect", f"{GALLERY / 'subsampled_regression.py'}:model")
    assert code == 0
    assert [line for line in out.splitlines() if line.startswith("plate ")] == [
        "plate N = 1000 (batch 100)"]
    assert ["y", "observed", "Normal", "N", "slope,", "intercept", "subsampled_regression.py:20"
            ] in [line.split() for line in out.splitlines()]


def test_inspect_json_is_the_graph(capsys):
    code, out, _ = run(capsys, "inspect", f"{EIGHT}:centered", "--json")
    assert code == 0
    graph = from_json(out)
    assert list(graph.nodes) == ["mu", "tau", "theta", "obs"]
    assert graph.nodes["theta"]["plates"] == ("J",)
    assert graph.edges["mu", "theta"] == {"kind": "data", "params": ("loc",)}
    assert graph.graph["plates"]["J"]["size"] == 8


@pytest.mark.parametrize(("argv", "message"), [
    (["render", "gallery/nope.py:model"], "plategraph: error: gallery/nope.py: no such file"),
    (["render", f"{EIGHT}:missing"], f"plategraph: error: {EIGHT}: has no model function "
                                     "'missing'"),
    (["render", "eight_schools"], "plategraph: error: 'eight_schools' is not a model reference: "
                                  "write path/to/file.py:function or package.module:function"),
    (["inspect", "no_such_package_xyz:model"],
     "plategraph: error: no_such_package_xyz: importing it raised ModuleNotFoundError: "
     "No module named 'no_such_package_xyz'"),
])
def test_errors_are_one_line_and_exit_1(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert (code, out, err) == (1, "", message + "\n")


def test_a_model_that_raises_names_the_model_and_line(capsys, tmp_path):
    folder = make_gallery(tmp_path, ["raises.py"])
    code, _, err = run(capsys, "inspect", f"{folder / 'raises.py'}:model")
    assert code == 1 and len(err.splitlines()) == 1
    assert err.startswith("plategraph: error: model 'model' raised Boom (raises.py:12): "
                          "the model failed on purpose")
    code, _, err = run(capsys, "--debug", "inspect", f"{folder / 'raises.py'}:model")
    assert code == 1 and "Traceback (most recent call last)" in err
    assert err.splitlines()[-1].startswith("plategraph: error: model 'model' raised Boom")
    code, _, err = run(capsys, "inspect", f"{folder / 'raises.py'}:model", "--debug")
    assert code == 1 and "Traceback (most recent call last)" in err


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["render"])
    assert exit_.value.code == 2
    assert "the following arguments are required: FILE.py:MODEL" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["gallery", "gallery", "--rankdir", "up"])
    assert exit_.value.code == 2


@pytest.mark.parametrize("command", [[], ["render"], ["inspect"], ["gallery"]])
def test_help_everywhere(capsys, command):
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("usage: plategraph")


@pytest.mark.dot
def test_gallery_command_exit_status_summary_and_files(capsys, tmp_path):
    folder = make_gallery(tmp_path / "gallery", ["coin_flips.py", "raises.py"])
    out_dir = tmp_path / "site"
    code, out, err = run(capsys, "gallery", str(folder), "-o", str(out_dir), "--jobs", "1",
                         "--formats", "svg,dot", "--math")
    assert code == 1 and err == ""
    lines = out.splitlines()
    assert [line.split()[:2] for line in lines if "coin_flips:" in line or "raises:" in line] == [
        ["coin_flips:model", "ok"], ["raises:model", "error"]]
    assert lines[-1].startswith("2 models (1 error, 1 ok) in ")
    assert lines[-1].endswith(f"→ {out_dir / 'index.html'}")
    assert (out_dir / "coin_flips__model.dot").read_text().startswith("digraph")
    manifest = json.loads((out_dir / "manifest.json").read_text())
    assert manifest["options"]["labels"] == "math"

    (folder / "raises.py").unlink()
    code, out, _ = run(capsys, "gallery", str(folder), "-o", str(out_dir), "-q",
                       "--formats", "svg,dot", "--math")
    assert code == 0 and out.splitlines()[0].startswith("1 model (1 cached) in ")


def test_gallery_command_rejects_bad_options_before_rendering(capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_:
        main(["gallery", str(tmp_path), "--formats", "pdf"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "plategraph gallery: error: argument --formats: 'pdf': the page needs svg or png "
        "among them")
    with pytest.raises(SystemExit) as exit_:
        main(["gallery", str(tmp_path), "--jobs", "0"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "plategraph gallery: error: argument -j/--jobs: '0': give a whole number of at least 1")
    code, _, err = run(capsys, "gallery", str(tmp_path / "none"), "-o", str(tmp_path / "o"))
    assert (code, err) == (1, f"plategraph: error: {tmp_path / 'none'}: no such gallery folder\n")


def test_console_script_and_python_m(tmp_path):
    script = Path(sys.executable).with_name("plategraph")
    for argv in ([str(script), "--version"], [sys.executable, "-m", "plategraph", "--version"]):
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        assert (done.returncode, done.stdout.strip()) == (0, "plategraph 0.1.0")
    done = subprocess.run([str(script), "inspect", "x.py:model"], capture_output=True,
                          text=True, check=False, cwd=tmp_path)
    assert (done.returncode, done.stderr) == (1, "plategraph: error: x.py: no such file\n")


@pytest.mark.dot
def test_gallery_shows_a_progress_bar_on_a_terminal(tmp_path):
    import os
    import pty
    import threading

    folder = make_gallery(tmp_path / "gallery", ["coin_flips.py"])
    controller, terminal = pty.openpty()
    seen = bytearray()

    def drain() -> None:  # read while it runs: a full terminal buffer would block the bar
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal side is closed and drained
                return
            if not chunk:
                return
            seen.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    script = Path(sys.executable).with_name("plategraph")
    try:
        done = subprocess.run([str(script), "gallery", str(folder), "-o", str(tmp_path / "o"),
                               "--jobs", "1"], stderr=terminal, stdout=subprocess.PIPE,
                              text=True, check=False, timeout=240,
                              env={**os.environ, "COLUMNS": "100", "TERM": "xterm"})
        os.close(terminal)
        reader.join(timeout=30)
    finally:
        os.close(controller)
    assert done.returncode == 0
    text = bytes(seen).decode("utf-8", "replace")
    assert "coin_flips:model" in text and "1/1" in text  # the bar's model and count
    assert done.stdout.splitlines()[-1].startswith("1 model (1 ok) in ")


def test_render_expressions_writes_computed_parameters_out_or_not(capsys):
    radon = str(GALLERY / "radon.py")
    for flag, label in (("auto", "Normal(a[county[h&#93;&#93; + b*floor[h&#93;, sigma_y)"),
                        ("never", "Normal(f(a, b, county, floor), sigma_y)")):
        code, out, _ = run(capsys, "render", f"{radon}:model", "-o", "-", "-f", "dot",
                           "--distributions", "--expressions", flag)
        assert code == 0 and label in out
    with pytest.raises(SystemExit) as exit_:
        main(["render", f"{radon}:model", "--expressions", "sometimes"])
    assert exit_.value.code == 2 and "--expressions" in capsys.readouterr().err
