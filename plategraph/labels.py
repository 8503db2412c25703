"""Pure: site names, plates and distributions → display text (HTML-like label fragments)."""

from __future__ import annotations

import networkx as nx

from .quoting import html_text

__all__ = ["GREEK", "combined_plate_label", "distribution_label", "name_label", "plate_label",
           "previous_label"]

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


def previous_label(name: str, index: str, *, math: bool) -> str:
    """A site's value one step earlier (markup): ``h[t-1]``, or h with subscript t−1 in math."""
    if name.endswith(f"_{index}") and len(name) > len(index) + 1:
        name = name[: -len(index) - 1]  # a loop family ``z_j``: its previous member is z[j-1]
    if not math:
        return html_text(f"{name}[{index}-1]")
    text = name_label(name, math=True)
    step = f"{_math_word(index)}−1"
    if text.endswith("</SUB>"):
        return f"{text[:-len('</SUB>')]},{step}</SUB>"
    return f"{text}<SUB>{step}</SUB>"


def _step_index(data: dict) -> str:
    """The index a site's steps run over: a loop family's plate (``j``), else scan time ``t``."""
    plates = data.get("plates") or ()
    return str(plates[-1]) if data.get("members") and plates else "t"


def _distribution_text(data: dict, args: list[str]) -> str:
    """``Normal(μ, σ)``; a TransformedDistribution as its transforms applied to the distribution
    it transforms, ``Ordered(Normal(0, 3))``."""
    base = data.get("base_distribution")
    text = html_text(base or data["distribution"])
    if args:
        text += f"({', '.join(args)})"
    if base:
        for transform in data.get("transforms", ()):
            text = f"{html_text(transform)}({text})"
    return text


def distribution_label(graph: nx.DiGraph, node: str, *, math: bool) -> str | None:
    """``a ~ Normal(μ, σ)``: the distribution with each parameter shown as the parent site or
    model argument whose value it is, ``f(u, v)`` when it is computed from parents (``f(h)`` for
    ``exp(h / 2)``), or its constant value (markup); a site's own name means its previous step
    (``h[t-1]``). Just ``a ~ Normal`` when the parameters are not known, None for nodes without a
    distribution. Graphs without ``param_sources`` (built by hand) show a lone parent by name."""
    data = graph.nodes[node]
    if data.get("distribution") is None:
        return None
    feeding: dict[str, list[str]] = {}
    for parent, _, edge in graph.in_edges(node, data=True):
        if graph.nodes[parent].get("kind") == "data":
            continue  # drawn data nodes: the node's own ``data_args`` name them
        for param in edge.get("params", ()):
            feeding.setdefault(param, []).append(parent)
    sources = data.get("param_sources")
    data_args = data.get("data_args") or {}

    def show(name: str) -> str:
        if name == node:
            return previous_label(str(node), _step_index(data), math=math)
        return name_label(str(name), math=math)

    args = []
    for param, constant in data.get("dist_args", ()):
        if constant is not None:
            args.append(html_text(constant))
            continue
        if sources is not None and param in sources:
            args.append(show(sources[param]))
            continue
        names = [show(p) for p in dict.fromkeys([*feeding.get(param, []),
                                                 *data_args.get(param, ())])]
        if len(names) == 1 and sources is None:
            args.append(names[0])
        elif names:
            args.append("f(" + ", ".join(names) + ")")
        else:
            args.append("…")
    return f"{name_label(node, math=math)} ~ {_distribution_text(data, args)}"
