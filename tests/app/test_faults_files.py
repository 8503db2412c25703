"""Faults around files and `dot` (docs/reliability.md): real `dot` shims on PATH, symbolic
links, FIFOs, /proc/self/fd, a terminal; every wait bounded."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import time

import pytest
from support import GALLERY, graph_of, make_gallery
from support.faults import PLATEGRAPH, alive, cli, dot_shim, reaped, wait_for

import plategraph
from plategraph.app.cli import main
from plategraph.tracing.records import Plate, Site

COIN = f"{GALLERY / 'coin_flips.py'}:model"
DIAGRAM = plategraph.draw(graph_of([Site("mu", "latent", distribution="Normal")]))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- save follows links, writes FIFOs and devices in place -----------------------------------------


@pytest.mark.dot
def test_save_through_a_symlink_replaces_the_file_it_names_and_keeps_the_link(tmp_path):
    real = tmp_path / "real.svg"
    real.write_text("old")
    link = tmp_path / "link.svg"
    link.symlink_to(real)
    DIAGRAM.save(link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes().startswith(b"<?xml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.svg", "real.svg"]
    # a dangling link: the file it names is made
    dangling = tmp_path / "dangling.dot"
    dangling.symlink_to(tmp_path / "made.dot")
    DIAGRAM.save(dangling)
    assert dangling.is_symlink() and (tmp_path / "made.dot").read_text().startswith("digraph")


def test_save_into_a_fifo_writes_through_it(tmp_path):
    fifo = tmp_path / "pipe.dot"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    try:
        DIAGRAM.save(fifo)
        out, _ = reader.communicate(timeout=30)
    finally:
        reader.kill()
        reader.wait(timeout=30)
    assert out.decode().startswith("digraph")
    assert fifo.is_fifo()  # not replaced by a regular file


def test_save_into_a_character_device_writes_in_place(tmp_path):
    """A device node of the test's own (/dev/null's numbers), never /dev/null itself."""
    device = tmp_path / "null.dot"
    try:
        os.mknod(device, 0o666 | 0o020000, os.makedev(1, 3))
    except PermissionError:  # no CAP_MKNOD: the same check through /dev/null's own inode
        device.symlink_to("/dev/null")
    before = os.stat(device)
    DIAGRAM.save(device)
    after = os.stat(device)
    assert (after.st_ino, after.st_mode, after.st_rdev) == (before.st_ino, before.st_mode,
                                                            before.st_rdev)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null.dot"]


@pytest.mark.dot
def test_render_to_proc_self_fd_1_and_a_link_to_it_write_to_standard_output(tmp_path):
    link = tmp_path / "out.svg"
    link.symlink_to("/proc/self/fd/1")
    for target in ("/proc/self/fd/1", str(link)):
        done = cli("render", COIN, "-o", target, "-f", "svg", timeout=120)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(b"<?xml")
    assert link.is_symlink()


# -- a time limit on dot ---------------------------------------------------------------------------


def test_a_hanging_dot_is_killed_at_its_time_limit(tmp_path, monkeypatch):
    pids = tmp_path / "pids"
    monkeypatch.setenv("PATH", dot_shim(tmp_path / "bin", f"sleep 600 &\necho $$ $! > {pids}\n"
                                                          "wait"))
    target = tmp_path / "model.svg"
    target.write_text("precious")
    with reaped(pid_files=(pids,)):
        started = time.monotonic()
        with pytest.raises(plategraph.RenderError,
                           match=r"^dot did not render svg within 1 s \(stopped\)"):
            DIAGRAM.save(target, timeout=1)
        assert time.monotonic() - started < 60
        shell, sleeper = (int(x) for x in pids.read_text().split())
        wait_for(lambda: not alive(shell) and not alive(sleeper), 30, "dot and its child to end")
    assert target.read_text() == "precious"
    with pytest.raises(plategraph.OptionError, match="timeout must be above 0"):
        DIAGRAM.pipe("svg", timeout=float("inf"))


def test_a_crashing_dot_is_a_render_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", dot_shim(tmp_path / "bin", "kill -SEGV $$"))
    with pytest.raises(plategraph.RenderError, match="dot failed to render png: was killed by "
                                                     "signal 11"):
        DIAGRAM.pipe("png")


def test_render_timeout_on_the_command_line(tmp_path):
    path = dot_shim(tmp_path / "bin", "exec sleep 600.25")
    with reaped("600.25"):
        done = cli("render", COIN, "-o", str(tmp_path / "m.svg"), "--timeout", "1",
                   env={**os.environ, "PATH": path}, timeout=120)
    assert done.returncode == 1
    assert done.stderr.decode() == (
        "plategraph: error: dot did not render svg within 1 s (stopped); pass a longer "
        "timeout= (render --timeout)\n")
    assert not (tmp_path / "m.svg").exists()


# -- labels dot cannot take ------------------------------------------------------------------------


@pytest.mark.dot
def test_an_empty_name_and_a_huge_name_still_render():
    huge = "x" * 20000
    graph = graph_of([Site("", "latent", distribution="Normal"),
                      Site(huge, "observed", plates=(huge,), distribution="Normal")],
                     plates=[Plate(huge, 3)])
    for distributions in (False, True):
        svg = plategraph.draw(graph, distributions=distributions).pipe("svg").decode()
        assert "(empty name)" in svg
        # the label is shortened; the node's SVG <title> (the browser's tooltip) is the name
        texts = re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)
        assert any("x" * 900 + "…" in t for t in texts)
        assert not any("x" * 1001 in t for t in texts)
        assert f"<title>{huge}</title>" in svg


# -- user errors, found before the model runs ------------------------------------------------------

MARKED = '''"""Writes a marker when imported."""
from pathlib import Path

import numpyro
import numpyro.distributions as dist

Path(__file__).with_suffix(".imported").touch()


def model():
    numpyro.sample("a", dist.Normal(0.0, 1.0))


def examples():
    return {"model": ((), {})}
'''


@pytest.fixture
def marked(tmp_path):
    folder = tmp_path / "gallery"
    folder.mkdir()
    (folder / "marked.py").write_text(MARKED)
    return folder


def test_render_into_a_read_only_place_or_a_folder_is_one_line_before_the_model_runs(
        capsys, tmp_path, marked):
    ref = f"{marked / 'marked.py'}:model"
    code, out, err = run(capsys, "render", ref, "-o", "/sys/plategraph-test.svg")
    assert (code, out) == (1, "")
    assert err.startswith("plategraph: error: /sys/plategraph-test.svg: cannot write there (")
    assert len(err.splitlines()) == 1
    folder = tmp_path / "a folder.svg"
    folder.mkdir()
    code, _, err = run(capsys, "render", ref, "-o", str(folder))
    assert code == 1 and err.startswith(f"plategraph: error: {folder}: is a folder; give a file")
    assert not (marked / "marked.imported").exists()


def test_gallery_output_that_is_a_file_or_has_a_folder_for_manifest(capsys, tmp_path, marked):
    afile = tmp_path / "site"
    afile.write_text("")
    code, _, err = run(capsys, "gallery", str(marked), "-o", str(afile))
    assert (code, err) == (1, f"plategraph: error: {afile}: exists and is not a folder; give a "
                              "folder for the output\n")
    out = tmp_path / "out"
    (out / "manifest.json").mkdir(parents=True)
    code, _, err = run(capsys, "gallery", str(marked), "-o", str(out))
    assert (code, err) == (1, f"plategraph: error: {out / 'manifest.json'}: is not a file; the "
                              "gallery writes its manifest there\n")
    code, _, err = run(capsys, "gallery", str(marked), "-o", "/sys/plategraph-test")
    assert code == 1 and err.startswith("plategraph: error: /sys/plategraph-test: cannot write")
    assert not (marked / "marked.imported").exists()  # no model was imported


def test_a_theme_value_that_is_not_a_dict(capsys, tmp_path):
    theme = tmp_path / "theme.json"
    theme.write_text(json.dumps({"latent": "red"}))
    code, _, err = run(capsys, "render", COIN, "-o", "-", "-f", "dot", "--theme", str(theme))
    assert (code, err) == (2, f"plategraph render: error: --theme {theme}: theme key 'latent' "
                              "must map graphviz attributes to values, e.g. "
                              "{\"fillcolor\": \"red\"}; got str\n")


# -- options checked as they are parsed ------------------------------------------------------------


@pytest.mark.parametrize(("argv", "message"), [
    (["gallery", "g", "--jobs", "0"], "argument -j/--jobs: '0': give a whole number of at least 1"),
    (["gallery", "g", "--jobs", "-1"], "argument -j/--jobs: '-1': give a whole number"),
    (["gallery", "g", "--formats", "jpg"], "argument --formats: unsupported format 'jpg'"),
    (["gallery", "g", "--timeout", "inf"], "argument --timeout: 'inf': give seconds above 0"),
    (["gallery", "g", "--timeout", "1e300"], "argument --timeout: '1e300': give seconds"),
    (["gallery", "g", "--timeout", "-5"], "argument --timeout: '-5': give seconds above 0"),
    (["gallery", "g", "--timeout", "nan"], "argument --timeout: 'nan': give seconds"),
    (["render", "m.py:model", "--timeout", "0"], "argument --timeout: '0': give seconds above"),
])
def test_bad_option_values_are_usage_errors(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err.splitlines()[-1]


def test_library_time_limits_are_checked(tmp_path):
    from plategraph.app.gallery import build_gallery

    folder = make_gallery(tmp_path / "g", ["coin_flips.py"])
    for bad in (float("inf"), 1e300, -5.0):
        with pytest.raises(plategraph.OptionError, match="timeout must be above 0"):
            build_gallery(folder, tmp_path / "out", timeout=bad)
    assert not (tmp_path / "out").exists()


# -- binary output to a terminal -------------------------------------------------------------------


def _on_a_terminal(argv: list[str]) -> tuple[int, bytes]:
    """Run ``plategraph argv`` with standard output on a pty; its exit status and what the
    terminal received."""
    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen([str(PLATEGRAPH), *argv], stdout=terminal,
                                   stderr=subprocess.PIPE)
        os.close(terminal)
        seen = b""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(controller, 65536)
                except OSError:  # the terminal side is closed
                    break
                if not chunk:
                    break
                seen += chunk
            elif process.poll() is not None:
                break
        _, err = process.communicate(timeout=60)
    finally:
        os.close(controller)
    return process.returncode, seen + b"\n" + err


@pytest.mark.dot
def test_png_to_a_terminal_is_refused_and_to_a_pipe_written(tmp_path):
    code, seen = _on_a_terminal(["render", COIN, "-o", "-", "-f", "png"])
    assert code == 1 and b"PNG" not in seen
    assert b"plategraph: error: not writing png to a terminal: redirect standard output" in seen
    done = cli("render", COIN, "-o", "-", "-f", "png")
    assert done.returncode == 0 and done.stdout.startswith(b"\x89PNG")
    code, seen = _on_a_terminal(["render", COIN, "-o", "-", "-f", "svg"])  # text is fine
    assert code == 0 and b"<svg" in seen

