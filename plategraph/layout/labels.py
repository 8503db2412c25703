"""Pure: site names, plates and distributions → display text, one dialect per output.

Every output writes the same label in its own markup: ``html`` (graphviz HTML-like labels),
``latex`` (TikZ: LaTeX math, ``$\\sigma_{a}$``) and ``mathtext`` (matplotlib's TeX-like math
for the paper figures). What a label says is decided once (``symbol_parts``,
``distribution_parts``); the dialects only write it, each escaping for its own format here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx

from .latex import GREEK, TEX_GREEK, TEX_OF_LETTER, latex_text
from .quoting import html_text

if TYPE_CHECKING:  # labels come before the layout: geometry needs the options, which need these
    from .geometry import Layout

__all__ = ["GREEK", "DIALECTS", "MAX_NAME", "combined_plate_label", "distribution_label",
           "distribution_parts", "latex_text", "name_label", "plate_box_label", "plate_label",
           "plural", "previous_label", "shown_name", "symbol_parts", "value_parts"]

DIALECTS = ("html", "latex", "mathtext")

# the one length a name is shown at: longer names are cut with "…" (the graph keeps them whole)
MAX_NAME = 40
SUB_POINT_SIZE = 9  # graphviz sets <SUB> at the full size; notebook text is 12 pt
_ALNUM = re.compile(r"[A-Za-z0-9]+")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def shown_name(name: str) -> str:
    """A name as every output shows it: composed (NFC: ``cafe\u0301`` is ``café``, the same
    text, which fonts without combining accents draw too) and whole up to ``MAX_NAME``
    characters, else cut with ``…`` (a figure cannot hold a paragraph, nor LaTeX a box that
    long)."""
    name = unicodedata.normalize("NFC", name)
    return name if len(name) <= MAX_NAME else name[:MAX_NAME - 1] + "…"


def _is_symbol(word: str) -> bool:
    """A word that reads as a math symbol: a Greek letter or its name, or a Latin letter."""
    return word in GREEK or word in TEX_OF_LETTER or (
        len(word) == 1 and word.isascii() and word.isalpha())


def _is_index(word: str) -> bool:
    """A word a subscript can hold: a Greek letter's name or ASCII letters and digits."""
    return word in GREEK or _ALNUM.fullmatch(word) is not None


def symbol_parts(name: str) -> tuple[str, tuple[str, ...]] | None:
    """How a name reads in math: ``(head, subscript parts)``, or None for a word.

    The one rule of every label in every output: a name is a symbol when it is a Greek letter
    (``sigma``, ``σ``) or a single Latin letter, and ``head_tail`` is ``head`` with subscript
    ``tail`` when ``head`` is such a symbol and each ``_``-separated part of ``tail`` is a Greek
    letter's name or letters and digits (``sigma_obs``, ``x_0``, ``theta_mu_k``). Every other
    name is a word, set as written (``obs_j``, ``split_r``, ``log_sigma``). In math a
    one-letter part is italic and a longer one upright, as in LaTeX: σ with subscripts j and obs.
    """
    if _is_symbol(name):
        return name, ()
    head, _, tail = name.partition("_")
    parts = tuple(tail.split("_"))
    if not tail or not _is_symbol(head) or not all(_is_index(part) for part in parts):
        return None
    return head, parts


# -- html (graphviz) --------------------------------------------------------------------------


def _html_word(word: str) -> str:
    return html_text(GREEK.get(word, word))


def _html_sub(parts: tuple[str, ...]) -> str:
    text = ",".join(GREEK.get(part, part) for part in parts)
    return f'<SUB><FONT POINT-SIZE="{SUB_POINT_SIZE}">{html_text(text)}</FONT></SUB>'


def _html_name(name: str, math: bool) -> str:
    name = shown_name(name)
    found = symbol_parts(name) if math else None
    if found is None:
        return html_text(name)
    head, parts = found
    return _html_word(head) + (_html_sub(parts) if parts else "")


# -- latex (TikZ) -----------------------------------------------------------------------------

def _tex_word(word: str) -> str:
    """A word in math mode: upright, ``\\mathrm{Normal}``; other characters in text mode, as
    written (``\\textrm{log_radon}``, its specials escaped)."""
    math = _mt_word(word)  # a symbol or alphanumeric word is written alike in both dialects
    if math is not None:
        return math
    return f"\\textrm{{{latex_text(word)}}}"


def _tex_name(name: str, math: bool) -> str:
    name = shown_name(name)
    found = symbol_parts(name) if math else None
    if found is None:
        if not math and _ALNUM.fullmatch(name):  # plain names are set upright, as written
            return f"\\mathrm{{{name}}}"
        return _tex_word(name)
    head, parts = found
    if not parts:
        return _tex_word(head)
    return _tex_word(head) + "_{" + ",".join(_tex_word(p) for p in parts) + "}"


def _tex_constant(text: str) -> str:
    if _NUMBER.fullmatch(text):
        return text  # in math mode: a true minus sign
    if text == "…":
        return r"\ldots"
    return f"\\textrm{{{latex_text(text)}}}"


# -- mathtext (matplotlib) --------------------------------------------------------------------


def _mt_word(word: str) -> str | None:
    """A symbol or alphanumeric word as mathtext (and LaTeX math), or None when it must stay
    text."""
    if word in GREEK:
        return TEX_GREEK[word]
    if word in TEX_OF_LETTER:
        return TEX_OF_LETTER[word]
    if _ALNUM.fullmatch(word):
        return word if _is_symbol(word) or word.isdigit() else f"\\mathrm{{{word}}}"
    return None


def _mt_name(name: str, math: bool) -> list[tuple[bool, str]]:
    name = shown_name(name)
    found = symbol_parts(name) if math else None
    if found is not None:
        head, parts = found
        words = [_mt_word(head), *(_mt_word(p) for p in parts)]
        if all(w is not None for w in words):
            body = str(words[0]) + ("_{" + ",".join(map(str, words[1:])) + "}" if parts else "")
            return [(True, body)]
    return [(False, name)]


def _mt_join(segments: list[tuple[bool, str]]) -> str:
    """Text and math segments as one matplotlib string: math in ``$…$`` (adjacent math
    merged), every literal ``$`` escaped, so that text is never read as math: matplotlib draws
    a string without unescaped dollars as plain text, reading ``\\$`` as ``$``, and in a
    string with math it reads a text segment as written but for ``\\$``. A backslash that
    would escape the ``$`` opening math goes into the math (``\\backslash``)."""
    merged: list[tuple[bool, str]] = []
    for is_math, text in segments:
        if is_math and merged and merged[-1][0]:
            merged[-1] = (True, merged[-1][1] + text)
        elif text or is_math:
            merged.append((is_math, text))
    out: list[str] = []
    for i, (is_math, text) in enumerate(merged):
        if is_math:
            out.append(f"${text}$")
            continue
        text = text.replace("$", r"\$")
        if text.endswith("\\") and i + 1 < len(merged):
            text = text[:-1]
            merged[i + 1] = (True, r"\backslash{}" + merged[i + 1][1])
        out.append(text)
    return "".join(out)


def _mt_constant(text: str) -> str:
    return text.replace("-", "\u2212") if _NUMBER.fullmatch(text) else text


# -- the labels -------------------------------------------------------------------------------


def _check(dialect: str) -> None:
    if dialect not in DIALECTS:
        raise ValueError(f"unknown label dialect {dialect!r}; one of {', '.join(DIALECTS)}")


def name_label(name: str, *, math: bool, dialect: str = "html") -> str:
    """A site name as label markup: plain (escaped) or math (``sigma_a`` → σ with subscript a).

    ``html``: σ with ``<SUB>a</SUB>`` (Unicode subscript letters where they all exist: σₐ);
    ``latex``: ``$\\sigma_{a}$``; ``mathtext``: matplotlib's ``$\\sigma_{a}$``. See
    ``symbol_parts`` for which names read as symbols; several subscript parts are joined by
    commas, Greek names in a subscript become letters too.
    """
    _check(dialect)
    if dialect == "html":
        return _html_name(name, math)
    if dialect == "latex":
        return f"${_tex_name(name, math)}$"
    return _mt_join(_mt_name(name, math))


def plate_label(name: str, record: dict, *, dialect: str = "html", math: bool = False) -> str:
    """``N = 1000``, or ``N = 1000 (batch 100)`` for a subsampled plate, or ``j = 1…k`` for a
    loop whose length depends on the site ``k`` (markup)."""
    _check(dialect)
    size = record.get("size")
    size_by = record.get("size_by")
    if size is None and size_by is not None:
        return _sized_label(name, str(size_by), dialect=dialect, math=math)
    batch = record.get("subsample_size")
    batch = None if batch in (None, size) else batch
    if dialect == "html":
        return html_text(f"{name} = {size}" + (f" (batch {batch})" if batch else ""))
    if dialect == "latex":
        text = f"{_tex_name(name, math)} = {size}"
        if batch:
            text += f"\\ (\\mathrm{{batch}}\\ {batch})"
        return f"${text}$"
    return _mt_join([*_mt_name(name, math), (False, f" = {size}"),
                     *([(False, f" (batch {batch})")] if batch else [])])


def _sized_label(name: str, size_by: str, *, dialect: str, math: bool) -> str:
    """``j = 1…k``: a plate as long as the value of site ``k``."""
    if dialect == "html":
        return html_text(f"{name} = 1…") + _html_name(size_by, math)
    if dialect == "latex":
        return f"${_tex_name(name, math)} = 1,\\ldots,{_tex_name(size_by, math)}$"
    return _mt_join([*_mt_name(name, math), (False, " = 1…"), *_mt_name(size_by, math)])


def combined_plate_label(names: list[str], records: list[dict], *, dialect: str = "html",
                         math: bool = False) -> str:
    """Crossed plates drawn as one box: ``users = 50 × items = 20``."""
    return " × ".join(plate_label(n, r, dialect=dialect, math=math)
                      for n, r in zip(names, records)).replace(
        "$ × $", " \\times " if dialect == "latex" else "$ × $")


def plate_box_label(lay: Layout, key: str, *, dialect: str, math: bool) -> str:
    """The label of the layout's plate box ``key``: one plate's (``plate_label``), or that of
    the crossed plates the box stands for (``combined_plate_label``)."""
    records = lay.graph.graph.get("plates", {})
    names = lay.combined.get(key)
    if names:
        return combined_plate_label(list(names), [records.get(p, {}) for p in names],
                                    dialect=dialect, math=math)
    return plate_label(key, records.get(key, {}), dialect=dialect, math=math)


def previous_label(name: str, index: str, *, math: bool, dialect: str = "html") -> str:
    """A site's value one step earlier: ``h[t-1]``, or in math h with subscript t−1 (after the
    name's own subscripts: ``x_{a,t-1}``). A loop family ``z_j`` steps back to ``z[j-1]``.
    In math, a name that is neither a symbol nor letters and digits, or an index that a
    subscript cannot hold, is written ``name[index-1]`` too, alike in every dialect."""
    _check(dialect)
    if name.endswith(f"_{index}") and len(name) > len(index) + 1:
        name = name[: -len(index) - 1]
    name = shown_name(name)
    found = symbol_parts(name) if math else None
    if math and found is None and _ALNUM.fullmatch(name):
        found = (name, ())  # a word: upright, with the step as its subscript
    if found is None or not _is_index(index):
        if dialect == "html":
            return html_text(f"{name}[{index}-1]")
        if dialect == "latex":
            return f"${_tex_word(name)}[{_tex_word(index)}-1]$"
        return _mt_join([(False, f"{name}[{index}-1]")])
    head, parts = found
    if dialect == "html":
        return _html_word(head) + _html_sub((*parts, f"{index}−1"))
    words = [str(_mt_word(word)) for word in (head, *parts, index)]  # latex's are alike
    subs = ",".join([*words[1:-1], f"{words[-1]}-1"])
    return f"${words[0]}_{{{subs}}}$"


def _step_index(data: dict) -> str:
    """The index a site's steps run over: a loop family's plate (``j``), else scan time ``t``."""
    plates = data.get("plates") or ()
    return str(plates[-1]) if data.get("members") and plates else "t"


def distribution_parts(graph: nx.DiGraph, node: str
                       ) -> tuple[str, list[tuple], tuple[str, ...]] | None:
    """What a distribution label says: ``(distribution, args, transforms)``.

    Each argument is ``("site", name)`` when the parameter *is* that parent site's or model
    argument's value, ``("previous", name, index)`` for the node's own value one step earlier
    (``h[t-1]``), ``("f", (argument, …))`` when it is computed from those (``f(h)`` for
    ``exp(h / 2)``; hidden param sites included, ``hidden_params``), ``("expression", texts,
    (argument, …))`` for such a parameter whose expression the drawing was given (the node's
    ``expression_labels``: parameter → dialect → text, from the spec stage; drawn ``f(…)`` in
    a dialect it has no text for), ``("constant", text)``
    (``…`` for a constant that differs across a loop family) or ``("unknown",)`` (drawn
    ``?``). A TransformedDistribution is its base with the names of its transforms, innermost
    first (``Ordered(Normal(0, 3))``).
    Graphs without ``param_sources`` (built by hand) show a lone parent by name. None for nodes
    without a distribution.
    """
    data = graph.nodes[node]
    if data.get("distribution") is None:
        return None
    feeding = _feeding(graph, node)
    return str(data.get("base_distribution") or data["distribution"]), [
        _argument(graph, node, param, constant, feeding)
        for param, constant in data.get("dist_args", ())
    ], tuple(data.get("transforms", ())) if data.get("base_distribution") else ()


def value_parts(graph: nx.DiGraph, node: str) -> tuple | None:
    """What a deterministic site's value is, as ``distribution_parts`` says an argument:
    ``("site", name)`` when it is a parent's value, else ``("f", (argument, …))``; None for
    other nodes and for a value computed from constants alone."""
    data = graph.nodes[node]
    if data.get("kind") != "deterministic":
        return None
    sources = data.get("param_sources") or {}
    feeding = _feeding(graph, node)
    if "value" not in sources and not feeding.get("value") \
            and not (data.get("data_args") or {}).get("value") \
            and not (data.get("hidden_params") or {}).get("value"):
        return None
    found = _argument(graph, node, "value", None, feeding)
    if found[0] == "site" and "value" not in sources:
        return ("f", (found,))  # a lone parent of a graph built by hand: still a function
    return found


def _feeding(graph: nx.DiGraph, node: str) -> dict[str, list[str]]:
    feeding: dict[str, list[str]] = {}
    for parent, _, edge in graph.in_edges(node, data=True):
        if graph.nodes[parent].get("kind") == "data":
            continue  # drawn data nodes: the node's own ``data_args`` name them
        for param in edge.get("params", ()):
            feeding.setdefault(param, []).append(parent)
    return feeding


def _argument(graph: nx.DiGraph, node: str, param: str, constant: str | None,
              feeding: dict[str, list[str]]) -> tuple:
    """One argument of ``distribution_parts`` (``feeding``: the node's ``_feeding``)."""
    data = graph.nodes[node]
    sources = data.get("param_sources")
    data_args = data.get("data_args") or {}
    hidden = data.get("hidden_params") or {}

    def ref(name: object) -> tuple:
        if name == node:
            return ("previous", str(node), _step_index(data))
        return ("site", str(name))

    if constant is not None:
        return ("constant", str(constant))
    if sources is not None and param in sources:
        return ref(sources[param])
    names = list(dict.fromkeys([*feeding.get(param, []), *data_args.get(param, ()),
                                *hidden.get(param, ())]))
    if len(names) == 1 and sources is None:
        return ref(names[0])
    if names:
        texts = (data.get("expression_labels") or {}).get(param)
        computed = tuple(ref(n) for n in names)
        return ("expression", texts, computed) if texts else ("f", computed)
    return ("unknown",)


def distribution_label(graph: nx.DiGraph, node: str, *, math: bool,
                       dialect: str = "html") -> str | None:
    """``a ~ Normal(μ, σ)``: each parameter as the parent site or model argument whose value it
    is, ``f(u, v)`` when computed from parents, or its constant value (see
    ``distribution_parts``); just ``a ~ Normal`` when the parameters are not known; a
    deterministic site as ``a = f(u, v)`` (``value_parts``); None for other nodes without a
    distribution."""
    _check(dialect)
    writer = _WRITERS[dialect]
    found = distribution_parts(graph, node)
    value = value_parts(graph, node) if found is None else None

    def ref(r: tuple) -> list[tuple[bool, str]]:
        if r[0] != "previous":
            return writer.name(r[1], math)
        text = previous_label(r[1], r[2], math=math, dialect=dialect)
        # latex's is always in $…$, mathtext's only in math
        if (dialect == "latex" or dialect == "mathtext" and math) and len(text) > 1 \
                and text[0] == text[-1] == "$":
            return [(True, text[1:-1])]
        return [(False, text)]

    def listed(items: list, write) -> list[tuple[bool, str]]:
        out: list[tuple[bool, str]] = [(False, "(")]
        for i, item in enumerate(items):
            out.extend([(False, ", ")] * bool(i) + write(item))
        return [*out, (False, ")")]

    def arg(a: tuple) -> list[tuple[bool, str]]:
        if a[0] == "constant":
            return [(False, writer.constant(a[1]))]
        if a[0] in ("site", "previous"):
            return ref(a)
        if a[0] == "expression" and dialect in a[1]:
            return [(dialect != "html", a[1][dialect])]
        if a[0] in ("f", "expression"):
            return [writer.f, *listed(list(a[-1]), ref)]
        return [(False, "?")]

    if value is not None:  # a deterministic site: a = f(u, v)
        return writer.join([*writer.name(str(node), math), writer.eq, *arg(value)])
    if found is None:
        return None
    dist, args, transforms = found
    body = [(False, writer.word(dist)), *(listed(list(args), arg) if args else [])]
    for transform in transforms:
        body = [(False, writer.word(transform) + "("), *body, (False, ")")]
    return writer.join([*writer.name(str(node), math), writer.sim, *body])


_Segment = tuple[bool, str]  # (is_math, text): only mathtext sets math apart


@dataclass(frozen=True)
class _Writer:
    """How one dialect writes the parts of a distribution label."""

    name: Callable[[str, bool], list[_Segment]]  # a site name (and math or not)
    constant: Callable[[str], str]  # a constant argument
    word: Callable[[str], str]  # a distribution's or transform's name
    ellipsis: str  # an unknown argument
    f: _Segment  # the f of f(u, v)
    sim: _Segment  # the ~
    eq: _Segment  # the = of a deterministic site
    join: Callable[[list[_Segment]], str]  # the segments as one label


def _plain_join(segments: list[_Segment]) -> str:
    return "".join(text for _, text in segments)


_WRITERS = {
    "html": _Writer(name=lambda n, math: [(False, _html_name(n, math))], constant=html_text,
                    word=html_text, ellipsis="…", f=(False, "f"), sim=(False, " ~ "),
                    eq=(False, " = "), join=_plain_join),
    "latex": _Writer(name=lambda n, math: [(True, _tex_name(n, math))], constant=_tex_constant,
                     word=_tex_word, ellipsis=r"\ldots", f=(True, "f"), sim=(True, r" \sim "),
                     eq=(True, " = "), join=lambda segments: f"${_plain_join(segments)}$"),
    "mathtext": _Writer(name=_mt_name, constant=_mt_constant, word=str, ellipsis="…",
                        f=(True, "f"), sim=(True, r"\;\sim\;"), eq=(True, r"\;=\;"),
                        join=_mt_join),
}


def plural(count: int, noun: str) -> str:
    """``1 edge``, ``2 edges``, ``0 edges``.

    >>> plural(1, "site"), plural(3, "site")
    ('1 site', '3 sites')
    """
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
