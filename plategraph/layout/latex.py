"""The only place where text becomes LaTeX: any string as text that pdflatex compiles.

A name is printed as written and reads back from the PDF (``pdftotext``): TeX's specials are
escaped, those the classic text fonts (OT1) have no glyph for (``_ ^ ~ \\ { } "``) come from
the typewriter font, which has them at their ASCII places in every encoding; accented letters
(composed or not) are TeX accents, Greek letters and a few symbols (``ℓ``, ``µ``, ``²``,
``₀``) are math. Everything else compiles too, as its code point (``[U+4E2D]``).
"""

from __future__ import annotations

import unicodedata

__all__ = ["GREEK", "TEX_OF_LETTER", "latex_text"]

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
# the TeX command of each Greek letter name (omicron has none: it is an italic o)
TEX_GREEK = {name: ("o" if name == "omicron" else "\\lambda" if name == "lam" else "\\" + name)
             for name in GREEK}
# each Greek letter (and ℓ, µ) as math: capitals without a command of their own are Latin
TEX_OF_LETTER = {letter: TEX_GREEK[name] for name, letter in GREEK.items() if name != "lam"}
TEX_OF_LETTER.update({chr(c): chr(c - 0x391 + ord("A")) for c in (0x391, 0x392, 0x395, 0x396,
                                                                  0x397, 0x399, 0x39A, 0x39C,
                                                                  0x39D, 0x39F, 0x3A1, 0x3A4,
                                                                  0x3A5, 0x3A7)}
                     | {"\u039f": "O", "\u0397": "H", "\u03a7": "X"})
TEX_OF_LETTER.update({"\u03c2": "\\varsigma", "\u03d1": "\\vartheta", "\u03d5": "\\phi",
                      "\u03f5": "\\epsilon", "\u2113": "\\ell", "\u00b5": "\\mu"})

_TT = "{{\\ttfamily\\char{}}}"  # a typewriter glyph by its (ASCII) code
_TEX_SPECIAL = {
    "\\": _TT.format(92), "{": _TT.format(123), "}": _TT.format(125), "_": _TT.format(95),
    "^": _TT.format(94), "~": _TT.format(126), '"': _TT.format(34),
    "$": r"\$", "&": r"\&", "#": r"\#", "%": r"\%", "<": r"\textless{}",
    ">": r"\textgreater{}", "|": r"\textbar{}", " ": r"\ ",
    # ligatures of the text fonts (-- ``  !` ?`) are broken up
    "-": "-{}", "`": "`{}", "'": "'{}", "!": "!{}", "?": "?{}",
    "…": r"\ldots{}", "×": r"\ensuremath{\times}", "−": r"\ensuremath{-}",
    "±": r"\ensuremath{\pm}", "·": r"\ensuremath{\cdot}", "°": r"\ensuremath{^\circ}",
    "∞": r"\ensuremath{\infty}", "\u00a0": "~",
}
# combining accents as TeX's text accents and math accents
_TEX_ACCENTS = {"\u0300": ("`", "grave"), "\u0301": ("'", "acute"), "\u0302": ("^", "hat"),
                "\u0303": ("~", "tilde"), "\u0308": ('"', "ddot"), "\u0304": ("=", "bar"),
                "\u0307": (".", "dot"), "\u0306": ("u", "breve"), "\u030c": ("v", "check"),
                "\u030b": ("H", None), "\u0327": ("c", None), "\u030a": ("r", None),
                "\u0328": ("k", None)}
_TEX_LETTERS = {"ß": r"\ss{}", "æ": r"\ae{}", "Æ": r"\AE{}", "ø": r"\o{}", "Ø": r"\O{}",
                "œ": r"\oe{}", "Œ": r"\OE{}", "å": r"\aa{}", "Å": r"\AA{}", "ı": r"\i{}",
                "ł": r"\l{}", "Ł": r"\L{}"}
# Unicode's superscript and subscript forms, raised and lowered in math
_SCRIPTS = {**{ch: ("^", base) for ch, base in zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ", "0123456789+-=()ni")},
            **{ch: ("_", base) for ch, base in zip("₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜ",
                                                   "0123456789+-=()aeoxhklmnpst")}}


def _tex_char(ch: str) -> str:
    if ch in _TEX_SPECIAL:
        return _TEX_SPECIAL[ch]
    if " " < ch < "\x7f":
        return ch
    if ch in _TEX_LETTERS:
        return _TEX_LETTERS[ch]
    if ch in TEX_OF_LETTER:
        return f"\\ensuremath{{{TEX_OF_LETTER[ch]}}}"
    if ch in _SCRIPTS:
        script, base = _SCRIPTS[ch]
        return f"\\ensuremath{{{script}{{\\mathrm{{{base}}}}}}}"
    decomposed = unicodedata.normalize("NFD", ch)
    if len(decomposed) > 1 and all(mark in _TEX_ACCENTS for mark in decomposed[1:]):
        return _accented(decomposed[0], decomposed[1:])
    # anything else (other scripts, symbols, control characters) by its code point, so any
    # name compiles with any LaTeX set-up
    return f"[U+{ord(ch):04X}]"


def _accented(base: str, marks: str) -> str:
    """A letter with combining accents: TeX's text accents on a Latin letter, math accents on
    a Greek one; anything else by code points."""
    if base.isascii() and base.isalpha():
        text = r"\i" if base == "i" else r"\j" if base == "j" else base
        for mark in marks:
            text = f"\\{_TEX_ACCENTS[mark][0]}{{{text}}}"
        return text
    if base in TEX_OF_LETTER and all(_TEX_ACCENTS[m][1] for m in marks):
        math = TEX_OF_LETTER[base]
        for mark in marks:
            math = f"\\{_TEX_ACCENTS[mark][1]}{{{math}}}"
        return f"\\ensuremath{{{math}}}"
    return _tex_char(base) + "".join(f"[U+{ord(m):04X}]" for m in marks)


def latex_text(text: str) -> str:
    """``text`` for LaTeX's text mode, to be printed as written: compiles in any LaTeX
    document (pdflatex with any font encoding, LuaLaTeX, XeLaTeX) and reads back from its PDF.

    >>> latex_text("log_radon 50%")
    'log{\\\\ttfamily\\\\char95}radon\\\\ 50\\\\%'
    """
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    i = 0
    while i < len(text):
        j = i + 1
        while j < len(text) and text[j] in _TEX_ACCENTS:  # the marks NFC could not compose
            j += 1
        out.append(_accented(text[i], text[i + 1:j]) if j > i + 1 else _tex_char(text[i]))
        i = j
    return "".join(out)
