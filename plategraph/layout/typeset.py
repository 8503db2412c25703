"""The paper figure's text: label markup set as runs of plain text, measured in the font files
that draw them.

The paper figure's labels are matplotlib mathtext (``labels``' ``mathtext`` dialect), but a
label only needs a few things of math: italic letters, Greek letters, a smaller lowered
subscript, a few spaces and symbols. ``typeset`` sets such a label as runs of plain text (each
one font file, size and rise) and measures it from the fonts' own metrics, kerning included,
which is what matplotlib's plain-text path draws: a label is never parsed by mathtext, and
every character is a real character of a Unicode font, so that the PDF's text copies as
written (σ, not the code of TeX's cmmi10 glyph). A label with more math than that (an
expression such as ``\\frac{a}{b}``) gets None, and is drawn by mathtext.

The layout measures labels here too (``label_width``), so nodes and plates are sized by the
font that will draw them, not by graphviz's Times estimate.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .latex import GREEK

__all__ = ["PAPER_FAMILIES", "SUB_RISE", "SUB_SCALE", "Line", "Run", "Typeface", "face_of",
           "find_family", "label_extent", "label_width", "paper_face", "run_font", "sets_math",
           "typeface", "typeset"]

SUB_SCALE = 0.7  # a subscript's size, in its label's (TeX's script size, mathtext's shrink)
SUB_RISE = -0.2  # a subscript's baseline, in its label's size below the label's
THICK = 5 / 18  # ``\;``: TeX's thick space, in ems
_UNIT = 100.0  # points: the size fonts are measured at (metrics scale with the size)


@dataclass(frozen=True)
class Typeface:
    """The font files a paper figure's text is set in: ``regular`` and ``italic`` (math
    letters), ``fallback`` for characters they lack (its ``fallback_italic`` for italic ones),
    and ``symbols``: a character → (file, character) drawn from a font of its own where the
    text font lacks it (TeX's cmsy10 ∼ beside CMU Serif)."""

    regular: str
    italic: str
    fallback: str
    fallback_italic: str
    symbols: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class Run:
    """Plain text in one font file (its characters that font lacks from ``fallback``):
    starting ``x`` and baseline ``rise`` in ems of its label's size, drawn at ``scale`` times
    that size."""

    text: str
    file: str
    x: float
    rise: float = 0.0
    scale: float = 1.0
    fallback: str | None = None


@dataclass(frozen=True)
class Line:
    """A label set as runs, its ``width`` (advances), ``ascent`` above the baseline and
    ``descent`` below it, all in ems of its size."""

    runs: tuple[Run, ...]
    width: float
    ascent: float
    descent: float


def typeface(regular: str, italic: str, fallback: str, fallback_italic: str) -> Typeface:
    """A typeface of these files, with TeX's symbol glyphs (from matplotlib's bundled
    Computer Modern) for the symbols the text fonts lack, where the text font is Computer
    Modern (CMU Serif), else the fallback's."""
    symbols: list[tuple[str, str, str]] = []
    if _family(regular).startswith("CMU"):
        for char in ("\u223c", "\u2113"):  # ∼ and ℓ: not in CMU Serif
            found = _bakoma(char)
            if found and not _has(regular, char):
                symbols.append((char, *found))
    return Typeface(regular, italic, fallback, fallback_italic, tuple(symbols))


# the font families of the paper figure's named fonts (``font=``; None: the default)
PAPER_FAMILIES = {None: "Liberation Serif", "Liberation Serif": "Liberation Serif",
                  "Computer Modern": "CMU Serif", "STIX": "STIXGeneral"}
_FONT_FILE = (".ttf", ".otf", ".ttc")


# what matplotlib and fontTools log of a font and no user can act on: CMU Serif's regular face
# registered at weight 500, its "TeX " table dropped when the PDF subsets it, its dates
_FONT_LOGS = ("matplotlib.font_manager", "fontTools")


@contextmanager
def quiet_font_logs() -> Iterator[None]:
    """Silence what matplotlib and fontTools log of a font while drawing or measuring."""
    loggers = [logging.getLogger(name) for name in _FONT_LOGS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


@functools.cache
def paper_face(font: str | None) -> Typeface:
    """The typeface a paper figure in ``font`` (its ``font=`` option, checked) sets its text
    in, for the layout to measure labels by: the default Liberation Serif (matplotlib's
    bundled STIX where it is missing), ``"Computer Modern"`` (CMU Serif), a family or a font
    file."""
    from matplotlib import font_manager

    if font is not None and os.path.splitext(font)[1].lower() in _FONT_FILE \
            and os.path.isfile(font):
        font_manager.fontManager.addfont(font)
        return face_of(font, font_manager.FontProperties(fname=font).get_name())
    family = PAPER_FAMILIES.get(font, font)
    with quiet_font_logs():
        regular = find_family(family)
        if regular is None:
            family = "STIXGeneral"
            regular = str(font_manager.findfont(font_manager.FontProperties(family=family)))
    return face_of(regular, family)


def find_family(family: str) -> str | None:
    """The regular file of ``family``, made known to matplotlib first where it was installed
    after matplotlib listed the fonts; None where it is not installed."""
    from matplotlib import font_manager

    def find() -> str | None:
        try:
            return str(font_manager.findfont(font_manager.FontProperties(family=family),
                                             fallback_to_default=False))
        except ValueError:
            return None

    found = find()
    if found is None:
        for path in sorted(font_manager.findSystemFonts()):
            try:
                name = font_manager.get_font(path).family_name
            except (OSError, RuntimeError):
                continue
            if name == family:
                font_manager.fontManager.addfont(path)
        found = find()
    return found


@functools.cache
def face_of(regular: str, family: str) -> Typeface:
    """The typeface of a text font file of ``family``: its italic (the family's italic of the
    same weight; the file itself for a family without one), matplotlib's bundled STIX for
    the characters it lacks."""
    from matplotlib import font_manager

    entries = [f for f in font_manager.fontManager.ttflist if f.name == family]
    weight = next((f.weight for f in entries if f.fname == regular), None)
    italics = sorted((f.weight != weight, f.style != "italic", f.fname) for f in entries
                     if f.style in ("italic", "oblique"))
    italic = italics[0][2] if italics else regular
    stix = {style: font_manager.findfont(font_manager.FontProperties(family="STIXGeneral",
                                                                     style=style))
            for style in ("normal", "italic")}
    return typeface(regular, italic, str(stix["normal"]), str(stix["italic"]))


def _bakoma(char: str) -> tuple[str, str] | None:
    """The bundled TeX font file and character code holding ``char``'s glyph."""
    import os

    import matplotlib
    from matplotlib._mathtext_data import latex_to_bakoma, tex2uni

    for command, code in tex2uni.items():
        if code == ord(char) and f"\\{command}" in latex_to_bakoma:
            name, index = latex_to_bakoma[f"\\{command}"]
            return (os.path.join(matplotlib.get_data_path(), "fonts", "ttf", f"{name}.ttf"),
                    chr(index))
    return None


@functools.cache
def _font(file: str):  # noqa: ANN202  (matplotlib's FT2Font, imported when first needed)
    from matplotlib.ft2font import FT2Font

    font = FT2Font(file)
    font.set_size(_UNIT, 72)
    return font


@functools.cache
def _family(file: str) -> str:
    return str(_font(file).family_name)


@functools.cache
def _has(file: str, char: str) -> bool:
    return bool(_font(file).get_char_index(ord(char)))


@functools.cache
def _glyph(file: str, char: str) -> tuple[int, float, float, float]:
    """A character's glyph index, advance, ascent and descent in ``file``, in ems."""
    from matplotlib.ft2font import LoadFlags

    font = _font(file)
    index = font.get_char_index(ord(char))  # 0, the missing glyph's box, for none
    glyph = font.load_glyph(index, flags=LoadFlags.NO_HINTING)
    return (index, glyph.linearHoriAdvance / 65536 / _UNIT,
            glyph.horiBearingY / 64 / _UNIT, (glyph.height - glyph.horiBearingY) / 64 / _UNIT)


@functools.cache
def _kerning(file: str, left: int, right: int) -> float:
    from matplotlib.ft2font import Kerning

    return _font(file).get_kerning(left, right, Kerning.UNFITTED) / 64 / _UNIT


@functools.lru_cache(maxsize=8192)
def _measure_run(text: str, file: str, fallback: str | None = None
                 ) -> tuple[float, float, float]:
    """Advance width, ascent and descent of plain ``text`` in ``file`` (the characters it
    lacks in ``fallback``), in ems, as matplotlib's plain-text path draws it: the glyphs'
    advances and the pairs' kerning (each glyph and pair measured once: laying a string out
    through matplotlib costs as much as drawing it)."""
    width = ascent = descent = 0.0
    previous = None
    for char in text:
        source = fallback if fallback and not _has(file, char) and _has(fallback, char) \
            else file
        index, advance, up, down = _glyph(source, char)
        if previous is not None and previous[0] == source:
            width += _kerning(source, previous[1], index)
        width += advance
        ascent, descent = max(ascent, up), max(descent, down)
        previous = (source, index)
    return width, ascent, descent


def _entry(file: str):  # noqa: ANN202  (matplotlib's FontEntry, or None)
    from matplotlib import font_manager

    return next((f for f in font_manager.fontManager.ttflist if f.fname == file), None)


@functools.cache
def _mergeable(file: str, fallback: str) -> bool:
    """Whether matplotlib finds ``file`` and ``fallback`` again by their families, so that
    one text can be drawn in the first with the second as its fallback (``run_font``)."""
    from matplotlib import font_manager

    entries = [_entry(file), _entry(fallback)]
    if None in entries:
        return False
    return all(str(font_manager.findfont(font_manager.FontProperties(
        family=e.name, style=e.style, weight=e.weight), fallback_to_default=False)) == e.fname
        for e in entries)


def run_font(run: Run, size: float):  # noqa: ANN201  (a matplotlib FontProperties)
    """The matplotlib font that draws ``run`` at ``size`` points: its file, with its
    fallback after it where it has one."""
    from matplotlib.font_manager import FontProperties

    if run.fallback is None:
        return FontProperties(fname=run.file, size=size)
    main, extra = _entry(run.file), _entry(run.fallback)
    return FontProperties(family=[main.name, extra.name], style=main.style,
                          weight=main.weight, size=size)


# the math of the labels' mathtext dialect, a token at a time
_TOKEN = re.compile(r"\\mathrm\{([A-Za-z0-9]+)\}|\\backslash\{\}|\\([A-Za-z]+)|\\;|_\{|\}|"
                    r"([A-Za-z])|([0-9().,\[\]+=/|:!?'*<>-])|(\s)")
_GREEK_COMMANDS = {name: letter for name, letter in GREEK.items() if name != "lam"}
# TeX's letters of these names (\phi is ϕ, \epsilon ϵ), or their variants where a font lacks
# them; the other var-letters of TeX
_TEX_LETTERS = {"phi": "\u03d5\u03c6", "epsilon": "\u03f5\u03b5", "varphi": "\u03c6",
                "varepsilon": "\u03b5", "vartheta": "\u03d1", "varsigma": "\u03c2",
                "ell": "\u2113", "sim": "\u223c", "times": "\u00d7", "ldots": "\u2026"}
_RELATIONS = {"sim", "times"}


def _math_tokens(math: str) -> list[tuple[str, bool, int]] | None:
    """(characters, italic, depth: 0 or 1 for a subscript) of a mathtext math segment, or
    None when it has math that plain text cannot set; ``" "`` a thick space."""
    out: list[tuple[str, bool, int]] = []
    depth = pos = 0
    while pos < len(math):
        match = _TOKEN.match(math, pos)
        if match is None:
            return None
        pos = match.end()
        word, command, letter, other, _ = match.groups()
        token = match.group(0)
        if word is not None:
            out.append((word, False, depth))
        elif token == r"\backslash{}":
            out.append(("\\", False, depth))
        elif token == r"\;":
            out.append((" ", False, depth))
        elif token == "_{":
            if depth:
                return None
            depth = 1
        elif token == "}":
            if not depth:
                return None
            depth = 0
        elif command is not None:
            letters = _TEX_LETTERS.get(command) or _GREEK_COMMANDS.get(command)
            if letters is None:
                return None
            upright = command in _RELATIONS or command == "ldots" or letters[0].isupper()
            out.append((letters, not upright, depth))
        elif letter is not None:
            out.append((letter, True, depth))
        elif other is not None:
            out.append(("\u2212" if other == "-" else other, False, depth))
    return None if depth else out


def sets_math(math: str) -> bool:
    """Whether ``typeset`` sets this math (without dollars) itself, without mathtext."""
    return _math_tokens(math) is not None


# the segments of a matplotlib string: math between dollars no backslash escapes
_MATH = re.compile(r"(?<!\\)\$(.*?)(?<!\\)\$")


@functools.lru_cache(maxsize=8192)
def typeset(markup: str, face: Typeface) -> Line | None:
    """A label's markup (the ``mathtext`` dialect) as runs of plain text in ``face``, or None
    when it has math beyond letters, subscripts and the labels' few symbols."""
    pieces: list[tuple[str, bool, int]] = []
    pos = 0
    for match in _MATH.finditer(markup):
        text = markup[pos:match.start()].replace(r"\$", "$")
        pieces.extend([(text, False, -1)] if text else [])
        math = _math_tokens(match.group(1))
        if math is None:
            return None
        pieces.extend(math)
        pos = match.end()
    if pos == 0 and markup.count("$") - markup.count(r"\$") >= 2:
        return None  # dollars that are not the dialect's math: mathtext says what they are
    tail = markup[pos:].replace(r"\$", "$")
    pieces.extend([(tail, False, -1)] if tail else [])
    return _set(pieces, face)


def _file(char: str, italic: bool, face: Typeface) -> tuple[str, str]:
    """The font file that draws ``char`` (and the character to draw there)."""
    for symbol, file, code in face.symbols:
        if symbol == char:
            return file, code
    file = face.italic if italic else face.regular
    fallback = face.fallback_italic if italic else face.fallback
    if _has(file, char) or char.isspace() or not _has(fallback, char):
        return file, char  # a character no font has is its font's box
    return fallback, char


def _set(pieces: list[tuple[str, bool, int]], face: Typeface) -> Line:
    """Runs of the pieces, one after another; math's subscripts (depth 1) smaller, lowered.
    A run holds what one font draws, its fallback's characters included, so that a label is
    few texts (each one costs matplotlib a layout)."""
    runs: list[Run] = []
    x = ascent = descent = 0.0
    floor_ascent, floor_descent = _measure_run("lp", face.regular)[1:]
    current: list[str] = []
    key: tuple[str, float, float] | None = None
    fallback: str | None = None
    texts = {face.regular, face.italic}

    def flush() -> None:
        nonlocal x, ascent, descent, current, fallback
        if key is None or not current:
            return
        file, scale, rise = key
        text = "".join(current)
        width, up, down = _measure_run(text, file, fallback)
        runs.append(Run(text, file, x, rise, scale, fallback))
        x += width * scale
        ascent = max(ascent, rise + up * scale)
        descent = max(descent, down * scale - rise)
        current, fallback = [], None

    for text, italic, depth in pieces:
        scale, rise = (SUB_SCALE, SUB_RISE) if depth == 1 else (1.0, 0.0)
        if depth >= 0 and text == " ":
            if key is not None and key[0] in texts and key[1:] == (scale, rise):
                current.append(" ")  # TeX's thick space about a text font's space
            else:
                flush()
                x += THICK
            continue
        for char in _choose(text, italic, face):
            file, drawn = _file(char, italic, face)
            primary = face.italic if italic else face.regular
            if file != primary and drawn == char and _mergeable(primary, file):
                if (primary, scale, rise) != key or fallback not in (None, file):
                    flush()
                    key = (primary, scale, rise)
                fallback = file
            elif (file, scale, rise) != key:
                flush()
                key = (file, scale, rise)
            current.append(drawn)
    flush()
    return Line(tuple(runs), x, max(ascent, floor_ascent), max(descent, floor_descent))


def _choose(text: str, italic: bool, face: Typeface) -> str:
    """A TeX letter with variants (``\\phi``: ϕ, else φ) as the first the font has."""
    if len(text) == 2 and text[0] in "\u03d5\u03f5":
        file = face.italic if italic else face.regular
        return text[0] if _has(file, text[0]) else text[1]
    return text


def label_width(markup: str, face: Typeface, size: float) -> float | None:
    """The width in points of a label (the ``mathtext`` dialect) at ``size`` points, or None
    when it is more math than ``typeset`` sets."""
    line = typeset(markup, face)
    return None if line is None else line.width * size


def label_extent(line: Line, size: float) -> tuple[float, float, float]:
    """Width, height and descent in points of a set label at ``size`` points (matplotlib's
    convention: the height includes the descent)."""
    return line.width * size, (line.ascent + line.descent) * size, line.descent * size
