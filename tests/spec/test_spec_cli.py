"""``plategraph spec FILE.py:MODEL``: the specification on standard output, in three styles."""

from __future__ import annotations

import pytest
from support import GALLERY

from plategraph.app.cli import main

EIGHT = str(GALLERY / "eight_schools.py") + ":non_centered"


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_text_is_one_line_a_site(capsys):
    code, out = run(capsys, "spec", EIGHT, "--text")
    assert code == 0
    assert out == ("μ ~ Normal(0, 5)\n"
                   "τ ~ HalfCauchy(5)\n"
                   "θ_raw[j] ~ Normal(0, 1),  j = 1, …, 8\n"
                   "θ[j] = μ + τ*θ_raw[j],  j = 1, …, 8\n"
                   "obs[j] ~ Normal(θ[j], σ[j]),  j = 1, …, 8  (observed)\n")


@pytest.mark.parametrize(("flag", "start"), [((), "\\begin{align*}"), (("--latex",),
                                             "\\begin{align*}"), (("--markdown",), "$$\n")])
def test_latex_by_default_and_markdown_on_request(capsys, flag, start):
    code, out = run(capsys, "spec", EIGHT, *flag)
    assert code == 0 and out.startswith(start)
    assert r"\theta_{j} &= \mu + \tau {\theta_{\mathrm{raw}}}_{j}, & j &= 1, \dots, 8" in out


def test_styles_exclude_each_other(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["spec", EIGHT, "--text", "--latex"])
    assert exit_.value.code == 2
