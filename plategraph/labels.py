"""Pure: site names, plates and distributions → display text (HTML-like label fragments)."""

from __future__ import annotations

import networkx as nx

from .quoting import html_text

__all__ = ["GREEK", "combined_plate_label", "distribution_label", "name_label", "plate_label"]

GREEK = {
    name: chr(code) for name, code in (
        ("alpha", 0x3B1), ("beta", 0x3B2), ("gamma", 0x3B3), ("delta", 0x3B4),
        ("epsilon", 0x3B5), ("zeta", 0x3B6), ("eta", 0x3B7), ("theta", 0x3B8), ("iota", 0x3B9),
        ("kappa", 0x3BA), ("lambda", 0x3BB), ("lam", 0x3BB), ("mu", 0x3BC), ("nu", 0x3BD),
        ("xi", 0x3BE), ("omicron", 0x3BF), ("pi", 0x3C0), ("rho", 0x3C1), ("sigma", 0x3C3),
        ("tau", 0x3C4), ("upsilon", 0x3C5), ("phi", 0x3C6), ("chi", 0x3C7), ("psi", 0x3C8),
        ("omega", 0x3C9), ("Gamma", 0x393), ("Delta", 0x394), ("Theta", 0x398),
        ("Lambda", 0x39B), ("Xi", 0x39E), ("Pi", 0x3A0), ("Sigma", 0x3A3), ("Phi", 0x3A6),
        ("Psi", 0x3A8), ("Omega", 0x3A9),
    )
}


def _math_word(word: str) -> str:
    return html_text(GREEK.get(word, word))


def _is_symbol(word: str) -> bool:
    """A word that reads as a math symbol: a Greek letter name or a single letter."""
    return word in GREEK or (len(word) == 1 and word.isalpha())


def name_label(name: str, *, math: bool) -> str:
    """A site name as label markup: plain (escaped) or math (``sigma_a`` → σ with subscript a).

    In math mode a Greek letter name becomes the letter, and ``head_tail`` becomes ``head`` with
    subscript ``tail`` when it reads as a symbol with an index: ``head`` is a Greek name or a
    single letter (``sigma_obs``, ``x_0``, ``theta_mu_k``), or ``tail`` is one short part
    (``obs_j``, ``y_12``). Other names are words and stay as they are (``sum_to_zero``,
    ``log_sigma``). Greek names in a subscript become letters too (``theta_mu`` → θ with
    subscript μ); several subscript parts are joined by commas.
    """
    if not math:
        return html_text(name)
    head, _, tail = name.partition("_")
    parts = [part for part in tail.split("_") if part]
    if not head or not parts:
        return _math_word(name)
    short_index = len(parts) == 1 and len(parts[0]) <= 2
    if not (_is_symbol(head) or short_index):
        return html_text(name)
    sub = ",".join(_math_word(part) for part in parts)
    return f"{_math_word(head)}<SUB>{sub}</SUB>"


def plate_label(name: str, record: dict) -> str:
    """``N = 1000``, or ``N = 1000 (batch 100)`` for a subsampled plate (markup)."""
    text = f"{name} = {record.get('size')}"
    if record.get("subsample_size") not in (None, record.get("size")):
        text += f" (batch {record['subsample_size']})"
    return html_text(text)


def combined_plate_label(names: list[str], records: list[dict]) -> str:
    """Crossed plates drawn as one box: ``users = 50 × items = 20``."""
    return " × ".join(plate_label(n, r) for n, r in zip(names, records))


def distribution_label(graph: nx.DiGraph, node: str, *, math: bool) -> str | None:
    """``a ~ Normal(μ, σ)``: the distribution with each parameter shown as its parent site (a
    function ``f(u, v)`` of several), or its constant value (markup); just ``a ~ Normal`` when the
    parameters are not known, None for nodes without a distribution."""
    data = graph.nodes[node]
    if data.get("distribution") is None:
        return None
    feeding: dict[str, list[str]] = {}
    for parent, _, edge in graph.in_edges(node, data=True):
        for param in edge.get("params", ()):
            feeding.setdefault(param, []).append(parent)
    args = []
    for param, constant in data.get("dist_args", ()):
        if constant is not None:
            args.append(html_text(constant))
            continue
        names = [name_label(p, math=math) for p in feeding.get(param, [])]
        if len(names) == 1:
            args.append(names[0])
        elif names:
            args.append("f(" + ", ".join(names) + ")")
        else:
            args.append("…")
    text = f"{name_label(node, math=math)} ~ {html_text(data['distribution'])}"
    return f"{text}({', '.join(args)})" if args else text
