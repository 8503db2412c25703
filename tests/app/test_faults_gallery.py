"""Faults in the gallery (docs/reliability.md): models that fork, patch NumPyro,
exit, start processes or spin with signals blocked; killed builds; a tampered manifest; hostile
file and site names. Real worker processes and signals; every wait bounded; only the processes a
test started are touched."""

from __future__ import annotations

import html.parser
import json
import signal
import subprocess
import urllib.parse
from pathlib import Path

import pytest
from support import GALLERY, make_gallery
from support.faults import PLATEGRAPH, alive, reaped, wait_for

from plategraph.app.cli import main
from plategraph.app.gallery import build_gallery

pytestmark = pytest.mark.dot


def module(site: str, body: str = "", top: str = "") -> str:
    """A gallery module with one model sampling ``site``, then running ``body``."""
    lines = "".join(f"    {line}\n" for line in body.splitlines())
    return f'''"""A test module."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpyro
import numpyro.distributions as dist

{top}


def model():
    numpyro.sample("{site}", dist.Normal(0.0, 1.0))
{lines}

def examples():
    return {{"model": ((), {{}})}}
'''


def rows_of(report) -> dict:
    return {row.ident: row for row in report.results}


# -- a model that forks, a module that patches NumPyro ---------------------------------------------


def test_forks_and_patches_do_not_reach_other_models(tmp_path):
    folder = tmp_path / "gallery"
    folder.mkdir()
    # each forked child would go on as a second worker on the same pipe
    (folder / "aa_forker.py").write_text(module("forker_site", "os.fork()", top="os.fork()"))
    (folder / "aa_patcher.py").write_text(module(
        "patched_site", top="dist.Normal = dist.Cauchy  # at import, in its worker"))
    (folder / "ok_a.py").write_text(module("alpha_site"))
    (folder / "ok_b.py").write_text(module("beta_site"))
    (folder / "zz_victim.py").write_text(module("victim_site"))
    out = tmp_path / "out"
    report = build_gallery(folder, out, jobs=1, timeout=60, formats=("svg",))
    rows = rows_of(report)
    assert {ident: row.status for ident, row in rows.items()} == {
        "aa_forker:model": "ok", "aa_patcher:model": "ok", "ok_a:model": "ok",
        "ok_b:model": "ok", "zz_victim:model": "ok"}
    sites = {"aa_forker": "forker_site", "aa_patcher": "patched_site", "ok_a": "alpha_site",
             "ok_b": "beta_site", "zz_victim": "victim_site"}
    for stem, site in sites.items():
        svg = (out / f"{stem}__model.svg").read_text()
        assert [s for s in sites.values() if s in svg] == [site], stem  # its own diagram
    assert "latent Cauchy" in (out / "aa_patcher__model.svg").read_text()
    victim = (out / "zz_victim__model.svg").read_text()
    assert "latent Normal" in victim and "Cauchy" not in victim
    again = build_gallery(folder, out, jobs=1, timeout=60, formats=("svg",))
    assert {row.status for row in again.results} == {"cached"}
    assert [row.outputs for row in again.results] == [row.outputs for row in report.results]


# -- workers die with the build; what models start does not outlive it -----------------------------

SPINNER = module("spin_site", """\
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGTERM, signal.SIGINT})
child = subprocess.Popen(["sleep", "600.75"])
Path(__file__).with_suffix(".pids").write_text(f"{os.getpid()} {child.pid}")
while True:
    pass""")


def _spinning_build(tmp_path: Path) -> tuple[subprocess.Popen, Path, Path, int, int]:
    folder = make_gallery(tmp_path / "gallery", ["coin_flips.py"])
    (folder / "spins.py").write_text(SPINNER)
    out = tmp_path / "out"
    process = subprocess.Popen([str(PLATEGRAPH), "gallery", str(folder), "-o", str(out),
                                "--jobs", "1", "--timeout", "300", "-q", "--no-paper"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    pids = folder / "spins.pids"
    wait_for(lambda: pids.exists() and pids.read_text().strip()
             and (out / "coin_flips__model.svg").exists(), 180, "both models to start")
    worker, sleeper = (int(x) for x in pids.read_text().split())
    return process, out, pids, worker, sleeper


def test_sigkill_of_the_build_takes_its_spinning_worker_along(tmp_path):
    with reaped("600.75", pid_files=(tmp_path / "gallery" / "spins.pids",)):
        process, _, _, worker, sleeper = _spinning_build(tmp_path)
        try:
            process.kill()
            process.wait(timeout=60)
            wait_for(lambda: not alive(worker) and not alive(sleeper), 30,
                     f"worker {worker} and what its model started to die with the build")
        finally:
            process.kill()
            process.wait(timeout=60)
            process.stdout.close()  # not read: a process it started might still hold them
            process.stderr.close()


def test_sigterm_ends_the_build_cleanly(tmp_path):
    with reaped("600.75", pid_files=(tmp_path / "gallery" / "spins.pids",)):
        process, out, _, worker, sleeper = _spinning_build(tmp_path)
        try:
            process.terminate()
            stdout, stderr = process.communicate(timeout=90)
        finally:
            process.kill()
            process.wait(timeout=60)
        assert process.returncode == 143
        assert stderr.decode() == "plategraph: terminated\n"  # no traceback
        wait_for(lambda: not alive(worker) and not alive(sleeper), 30,
                 "the worker and the process its model started to end")
    manifest = json.loads((out / "manifest.json").read_text())
    assert [(m["ident"], m["status"], m["outputs"]) for m in manifest["models"]] == [
        ("coin_flips:model", "ok", {"svg": "coin_flips__model.svg",
                                    "png": "coin_flips__model.png"})]
    for name in manifest["models"][0]["outputs"].values():
        assert (out / name).stat().st_size > 0
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]


# -- SystemExit and KeyboardInterrupt from user code, and models that start processes --------------


def test_exits_interrupts_and_dead_workers_are_model_errors(capsys, tmp_path):
    folder = make_gallery(tmp_path / "gallery", ["coin_flips.py"])
    (folder / "exits_at_import.py").write_text(module("a", top="sys.exit(4)"))
    (folder / "exits_in_model.py").write_text(module("a", "sys.exit(0)"))
    (folder / "interrupts.py").write_text(module("a", "raise KeyboardInterrupt"))
    (folder / "dies.py").write_text(module("a", "os._exit(3)"))
    (folder / "markup.py").write_text(module("a", 'raise RuntimeError("[/bold]\\x1b[31m")'))
    (folder / "starts_sleep.py").write_text(module("a", """\
child = subprocess.Popen(["sleep", "600.5"])
Path(__file__).with_suffix(".pid").write_text(str(child.pid))"""))
    out = tmp_path / "out"
    with reaped("600.5"):
        code = main(["gallery", str(folder), "-o", str(out), "--jobs", "2", "--timeout", "60"])
        stdout, stderr = capsys.readouterr()
        sleeper = int((folder / "starts_sleep.pid").read_text())
        assert not alive(sleeper)  # ended with its model's task
    assert (code, stderr) == (1, "")
    manifest = {m["ident"]: m for m in json.loads((out / "manifest.json").read_text())["models"]}
    assert {ident: m["status"] for ident, m in manifest.items()} == {
        "coin_flips:model": "ok", "dies:model": "error", "exits_at_import:*": "error",
        "exits_in_model:model": "error", "interrupts:model": "error", "markup:model": "error",
        "starts_sleep:model": "ok"}
    assert manifest["exits_at_import:*"]["error"].endswith(
        "exits_at_import.py: importing it called sys.exit(4)")
    assert manifest["exits_in_model:model"]["error"] == (
        "ModelError: model 'model' called sys.exit(0)")
    assert manifest["interrupts:model"]["error"] == (
        "ModelError: model 'model' raised KeyboardInterrupt")
    assert manifest["dies:model"]["error"] == (
        "WorkerDied: the worker process exited with code 3")
    assert (out / "index.html").exists()
    # the summary shows the error as text: markup kept, the escape sequence made visible
    assert "[/bold]\\x1b[31m" in "".join(stdout.split())  # folded in its column
    assert "\x1b" not in stdout


def test_render_and_inspect_of_a_module_that_exits(capsys, tmp_path):
    (tmp_path / "exits.py").write_text(module("a", top="sys.exit(0)"))
    (tmp_path / "exits_late.py").write_text(module("a", "sys.exit(3)"))
    for command in (["render", "-o", "-"], ["inspect"]):
        code = main([command[0], f"{tmp_path / 'exits.py'}:model", *command[1:]])
        assert (code, *capsys.readouterr()) == (
            1, "", f"plategraph: error: {tmp_path / 'exits.py'}: importing it called "
                   "sys.exit(0)\n")
        code = main([command[0], f"{tmp_path / 'exits_late.py'}:model", *command[1:]])
        assert (code, *capsys.readouterr()) == (
            1, "", "plategraph: error: model 'model' called sys.exit(3)\n")


def test_a_real_ctrl_c_still_stops_render(tmp_path):
    (tmp_path / "slow.py").write_text(module("a", """\
Path(__file__).with_suffix(".started").touch()
time.sleep(600)"""))
    process = subprocess.Popen([str(PLATEGRAPH), "render", f"{tmp_path / 'slow.py'}:model",
                                "-o", str(tmp_path / "slow.svg")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for((tmp_path / "slow.started").exists, 120, "the model to start")
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
        process.wait(timeout=60)
    assert (process.returncode, err.decode()) == (130, "plategraph: interrupted\n")


# -- manifest rows validated; links percent-encoded ------------------------------------------------


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.links.extend(value for name, value in attrs if name in ("href", "src"))


def page_links(out: Path) -> list[str]:
    parser = _Links()
    parser.feed((out / "index.html").read_text())
    return parser.links


def test_links_are_relative_encoded_paths_and_the_manifest_is_checked(tmp_path):
    folder = make_gallery(tmp_path / "gallery", ["coin_flips.py"])
    coin = (GALLERY / "coin_flips.py").read_text()
    (folder / "javascript:alert(1);.py").write_text(coin)
    (folder / "a#b?c.py").write_text(coin)
    out = tmp_path / "out"
    first = build_gallery(folder, out, jobs=2, timeout=60)
    assert {row.status for row in first.results} == {"ok"}
    links = page_links(out)
    # per model: the diagram, its link and its "full size" link, the same of the paper figure,
    # SVG, PNG, paper SVG, paper PDF and TikZ
    assert len(links) == 3 * 11
    for link in links:
        parts = urllib.parse.urlsplit(link)
        assert (parts.scheme, parts.netloc, parts.query, parts.fragment) == ("", "", "", ""), link
        assert (out / urllib.parse.unquote(parts.path)).is_file(), link
    assert "javascript%3Aalert%281%29%3B__model.svg" in links
    assert "a%23b%3Fc__model.png" in links
    assert "javascript%3Aalert%281%29%3B__model.tex" in links

    # a tampered manifest: wrong types in one row, outputs outside the folder in another
    (tmp_path / "secret.svg").write_text("<svg/>")
    data = json.loads((out / "manifest.json").read_text())
    models = {m["ident"]: m for m in data["models"]}
    models["javascript:alert(1);:model"]["timings"] = "fast"
    models["javascript:alert(1);:model"]["status"] = 5
    models["a#b?c:model"]["outputs"] = {"svg": "../secret.svg", "png": "/etc/passwd"}
    (out / "manifest.json").write_text(json.dumps(data))
    again = build_gallery(folder, out, jobs=2, timeout=60)
    assert {row.ident: row.status for row in again.results} == {
        "a#b?c:model": "ok", "coin_flips:model": "cached", "javascript:alert(1);:model": "ok"}
    assert not [link for link in page_links(out) if "secret" in link or "passwd" in link]
    assert all("/" not in urllib.parse.unquote(link) for link in page_links(out))


# -- names and errors are text, never terminal markup ----------------------------------------------


def test_inspect_prints_markup_and_escape_sequences_as_text(capsys, tmp_path):
    (tmp_path / "names.py").write_text(f'''"""Hostile names."""
import numpyro
import numpyro.distributions as dist


def model():
    a = numpyro.sample("[/bold]", dist.Normal(0.0, 1.0))
    b = numpyro.sample("[red]x[/red]", dist.Normal(a, 1.0))
    numpyro.sample("{chr(27)}[31mred", dist.Normal(b, 1.0))
''')
    code = main(["inspect", f"{tmp_path / 'names.py'}:model"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert "[/bold]" in out and "[red]x[/red]" in out and "\\x1b[31mred" in out
    assert "\x1b" not in out

