"""The ``plategraph`` command line: ``render``, ``inspect``, ``spec`` and ``gallery``, thin over
the library.

Exit status: 0 done; 1 an error (a model that raises, a broken file or reference, a gallery with
failed models); 2 a usage error. Errors are one line on stderr; ``--debug`` adds the traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import traceback
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..exceptions import FormatError, OptionError, PlategraphError
from ..layout.options import EXPRESSIONS, FORMATS, OBSERVED_STYLES, RANKDIRS, DrawOptions

__all__ = ["main"]

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT, 128 + SIGTERM
BINARY = ("png", "pdf")  # formats not written to a terminal


# -- text from models and users, shown as text ----------------------------------------------------


def visible(text: object) -> str:
    """``text`` with control characters (escape sequences, carriage returns, …) shown as
    ``\\x1b``-style escapes, so a name cannot move the cursor or recolour the terminal."""
    out = []
    for char in str(text):
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") and char not in "\n\t":
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def _rich_text(text: object) -> Any:
    """A rich ``Text`` (never parsed as markup) of ``text`` made visible."""
    from rich.text import Text

    return Text(visible(text))


# -- options shared by render and gallery -------------------------------------------------------


def _add_drawing_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("drawing options")
    group.add_argument("--math", action="store_true",
                       help="math labels: sigma_a → σₐ, Greek names as letters")
    group.add_argument("--distributions", action="store_true",
                       help="show each site's distribution: a ~ Normal(mu, 1)")
    group.add_argument("--expressions", choices=EXPRESSIONS, default="auto",
                       help="with --distributions, write computed parameters out: the short "
                            "ones (auto, default), always, or never (f(a, b))")
    group.add_argument("--params", action="store_true", help="show numpyro.param sites")
    group.add_argument("--data", action="store_true",
                       help="draw the model's arguments that feed sites as data nodes")
    group.add_argument("--hide-deterministic", action="store_true",
                       help="leave out deterministic sites (their parents point to their children)")
    group.add_argument("--theme", default="notebook", metavar="NAME|FILE.json",
                       help="notebook (default), paper, or a JSON file of graphviz attributes "
                            "per node kind, e.g. {\"latent\": {\"fillcolor\": \"lightyellow\"}}")
    group.add_argument("--rankdir", default="TB", choices=RANKDIRS,
                       help="direction of the arrows (default TB)")
    group.add_argument("--var-names", type=_names_arg, metavar="A,B,…",
                       help="draw only these sites and what they depend on")
    group.add_argument("--no-ancestors", action="store_true",
                       help="with --var-names: draw the named sites only")
    group.add_argument("--legend", action="store_true",
                       help="a key of the node and edge kinds drawn (SVG, paper figure, TikZ)")
    group.add_argument("--observed-style", default="shaded", choices=OBSERVED_STYLES,
                       help="a second cue for observed nodes besides their fill (default shaded)")
    group.add_argument("--no-collapse", action="store_true",
                       help="draw sites made in a Python loop one by one, "
                            "not as one node in a plate")
    group.add_argument("--width", metavar="LENGTH",
                       help="paper theme: the most the figure may be wide (3.3in, 8cm, 240pt)")
    group.add_argument("--dpi", type=int, help="paper theme: PNG resolution (default 300)")
    group.add_argument("--font", help="paper theme: a font family or .ttf file (default Liberation "
                        "Serif; STIX for the one matplotlib bundles)")


def _names_arg(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


def _theme(value: str) -> str | dict[str, Any]:
    if not value.endswith(".json"):
        return value
    path = Path(value)
    try:
        theme = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise OptionError(f"{value}: cannot read the theme file ({err.strerror})") from err
    except ValueError as err:
        raise OptionError(f"{value}: the theme file is not valid JSON ({err})") from err
    if not isinstance(theme, dict):
        raise OptionError(f"{value}: a theme file holds a JSON object of "
                          "{kind: {attribute: value}}")
    return theme


class UsageError(PlategraphError):
    """A bad value on the command line: exit status 2, the message in the command line's words."""


def _draw_options(args: argparse.Namespace) -> DrawOptions:
    """The drawing options of the command line, checked before any model runs (by
    ``DrawOptions``, the one check); a bad value is a UsageError worded as the options are
    written."""
    try:
        theme = _theme(args.theme)
    except OptionError as err:
        raise UsageError(f"--theme {err}") from err
    try:
        return DrawOptions(theme=theme, rankdir=args.rankdir, params=args.params,
                           deterministic=not args.hide_deterministic,
                           distributions=args.distributions, expressions=args.expressions,
                           labels="math" if args.math else None, collapse=not args.no_collapse,
                           data=args.data, width=args.width, dpi=args.dpi, font=args.font,
                           var_names=args.var_names, ancestors=not args.no_ancestors,
                           legend=args.legend, observed_style=args.observed_style)
    except OptionError as err:
        raise UsageError(_option_message(err, args, theme)) from err


def _option_message(err: OptionError, args: argparse.Namespace, theme: object) -> str:
    """An OptionError of ``DrawOptions`` in the command line's words, by the options it names."""
    from ..layout.themes import THEMES

    flags = [f"--{name.replace('_', '-')}" for name in err.options if name != "theme"]
    if "theme" in err.options and flags:  # options of the paper figure without its theme
        example = f"--theme paper --width {args.width}" if args.width else "--theme paper"
        return (f"{', '.join(flags)}: only for the paper figure; add --theme paper "
                f"(e.g. {example})")
    if "theme" in err.options:
        if isinstance(theme, str):
            return (f"--theme {theme}: unknown theme; choose {', '.join(THEMES)}, or a "
                    "FILE.json of graphviz attributes per node kind")
        return f"--theme {args.theme}: {err}"
    if len(flags) == 1 and err.expected:
        return f"{flags[0]} {getattr(args, err.options[0])}: give {err.expected}"
    return str(err)


# -- render ---------------------------------------------------------------------------------


def _render_command(args: argparse.Namespace) -> int:
    from ..graph.build import model_graph
    from ..layout.options import check_format, format_for_path
    from .diagram import Diagram, plural
    from .files import check_output
    from .loading import load_model, split_reference, user_code

    options = _draw_options(args)
    _, function = split_reference(args.model)
    output = args.output or f"{function}.{args.format or 'svg'}"
    to_stdout = output == "-"
    try:
        fmt = check_format(args.format) if args.format else (
            "svg" if to_stdout else format_for_path(output))
    except FormatError as err:
        suffixes = ", ".join(f".{s}" for s in (*FORMATS[:-1], "mmd"))
        raise UsageError(f"-o {output}: cannot tell the format from its suffix; write one of "
                         f"{suffixes}, or give -f") from err
    # what can be checked before the model runs
    if to_stdout and fmt in BINARY and sys.stdout.isatty():
        raise OptionError(f"not writing {fmt} to a terminal: redirect standard output "
                          f"(-o - > model.{fmt}) or write a file (-o model.{fmt})")
    if not to_stdout:
        check_output(output)
    model, model_args, model_kwargs, _ = load_model(args.model)
    with user_code(f"model {function!r}"):
        graph = model_graph(model, *model_args, **model_kwargs)
    diagram = Diagram.of(graph, options)
    if to_stdout:
        sys.stdout.buffer.write(diagram.pipe(fmt, timeout=args.timeout))
        sys.stdout.flush()
        return EXIT_OK
    path = diagram.save(output, format=fmt, timeout=args.timeout)
    print(f"wrote {path} ({plural(graph.number_of_nodes(), 'site')}, "
          f"{plural(graph.number_of_edges(), 'edge')})")
    return EXIT_OK


# -- inspect --------------------------------------------------------------------------------


def site_rows(graph: Any) -> list[dict[str, Any]]:
    """One row per site: what ``plategraph inspect`` shows."""
    order = {n: i for i, n in enumerate(graph.nodes)}
    rows = []
    for node, data in graph.nodes(data=True):
        parents = []
        for parent in sorted(graph.predecessors(node), key=order.__getitem__):
            kind = graph.edges[parent, node].get("kind")
            parents.append(f"{parent} (control)" if kind == "control" else str(parent))
        parents.extend(f"{g} (gate)" for g in data.get("gated_by", ()))
        rows.append({"name": str(node), "kind": data.get("kind"),
                     "distribution": data.get("distribution"),
                     "plates": list(data.get("plates", ())), "parents": parents,
                     "source": data.get("source")})
    return rows


def _inspect_command(args: argparse.Namespace) -> int:
    from ..graph.build import model_graph
    from ..graph.json_graph import to_json
    from .loading import load_model, split_reference, user_code

    _, function = split_reference(args.model)
    model, model_args, model_kwargs, _ = load_model(args.model)
    with user_code(f"model {function!r}"):
        graph = model_graph(model, *model_args, **model_kwargs)
    if args.json:
        sys.stdout.write(to_json(graph))
        return EXIT_OK

    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, title=_rich_text(args.model), title_justify="left")
    for column in ("site", "kind", "distribution", "plates", "parents", "source"):
        table.add_column(column, overflow="fold")
    for row in site_rows(graph):
        table.add_row(*(_rich_text(cell) for cell in (
            row["name"], row["kind"], row["distribution"] or "", " × ".join(row["plates"]),
            ", ".join(row["parents"]), row["source"] or "")),
            style="dim" if row["kind"] == "param" else None)
    console = Console(width=None if sys.stdout.isatty() else 160, highlight=False)
    console.print(table)
    plates = graph.graph.get("plates", {})
    for name, plate in plates.items():
        batch = plate.get("subsample_size")
        size = f"{plate['size']}" + (f" (batch {batch})" if batch not in (None, plate["size"])
                                     else "")
        console.print(_rich_text(f"plate {name} = {size}"))
    return EXIT_OK


# -- spec -----------------------------------------------------------------------------------


def _spec(args: argparse.Namespace) -> int:
    from ..graph.build import model_graph
    from ..spec import model_spec
    from .loading import load_model, split_reference, user_code

    _, function = split_reference(args.model)
    model, model_args, model_kwargs, _ = load_model(args.model)
    with user_code(f"model {function!r}"):
        spec = model_spec(model_graph(model, *model_args, **model_kwargs))
    text = {"latex": lambda: spec.to_latex() + "\n", "markdown": spec.to_markdown,
            "text": spec.to_text}[args.style]()
    sys.stdout.write(visible(text))
    return EXIT_OK


# -- gallery --------------------------------------------------------------------------------


def _formats_arg(value: str) -> tuple[str, ...]:
    """--formats, checked as the command line is parsed (a bad value is a usage error)."""
    from ..exceptions import FormatError
    from ..layout.options import check_format

    try:
        formats = tuple(dict.fromkeys(check_format(f.strip()) for f in value.split(",")
                                      if f.strip()))
    except FormatError as err:
        raise argparse.ArgumentTypeError(str(err)) from err
    if not {"svg", "png"} & set(formats):
        raise argparse.ArgumentTypeError(f"{value!r}: the page needs svg or png among them")
    return formats


def _jobs_arg(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"{value!r}: give a whole number of at least 1")
    return jobs


def _time_limit_arg(*, zero_means_none: bool) -> Any:
    """An argparse type for a time limit: a number of seconds above 0 (``0``: no limit, where
    ``zero_means_none``), finite and at most plategraph's MAX_TIMEOUT."""
    from ..layout.options import MAX_TIMEOUT, check_timeout

    def parse(value: str) -> float | None:
        try:
            seconds = float(value)
        except ValueError:
            seconds = float("nan")
        if zero_means_none and seconds == 0:
            return None
        try:
            return check_timeout(seconds)
        except OptionError as err:
            none = " (0: no limit)" if zero_means_none else ""
            raise argparse.ArgumentTypeError(
                f"{value!r}: give seconds above 0 and at most {MAX_TIMEOUT:g}{none}") from err

    return parse


def _gallery_command(args: argparse.Namespace) -> int:
    from .gallery import build_gallery, check_gallery_output, open_executor

    options = _draw_options(args)
    check_gallery_output(args.output)  # before any worker starts
    with open_executor(args.executor, jobs=args.jobs, timeout=args.timeout) as executor, \
            _progress(enabled=sys.stderr.isatty() and not args.quiet) as on_progress:
        report = build_gallery(args.folder, args.output, formats=args.formats,
                               executor=executor, timeout=args.timeout, force=args.force,
                               options=options, on_progress=on_progress,
                               paper=not args.no_paper)
    _print_summary(report, quiet=args.quiet)
    return EXIT_ERROR if report.failed else EXIT_OK


@contextlib.contextmanager
def _progress(*, enabled: bool) -> Iterator[Any]:
    """A rich progress bar on stderr while the gallery renders (only on a terminal); yields
    the ``on_progress`` callback, or None."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress("[progress.description]{task.description}", BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(file=sys.stderr), transient=True) as bar:
        task = bar.add_task("rendering", total=None)
        # the description is markup: a module name like "[red]x" must not be read as such
        yield lambda row, done, total: bar.update(
            task, completed=done, total=total,
            description=escape(visible(f"{row.ident} {row.status}")))


def _print_summary(report: Any, *, quiet: bool) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from .diagram import plural

    console = Console(width=None if sys.stdout.isatty() else 120, highlight=False)
    if not quiet:
        table = Table(box=box.SIMPLE_HEAD)
        for column, justify in (("model", "left"), ("status", "left"), ("seconds", "right"),
                                ("error", "left")):
            table.add_column(column, justify=justify, overflow="fold")  # type: ignore[arg-type]
        for row in report.results:
            error = (row.error or "").splitlines()[0] if row.error else ""
            seconds = f"{sum(row.timings.values()):.2f}" if row.timings else ""
            table.add_row(*(_rich_text(cell) for cell in (row.ident, row.status, seconds, error)),
                          style="red" if row.failed else None)
        console.print(table)
    what = ", ".join(f"{n} {status}" for status, n in sorted(report.counts.items()))
    console.print(_rich_text(f"{plural(len(report.results), 'model')} ({what}) in "
                             f"{report.seconds:.1f} s → {report.out_dir / 'index.html'}"))


# -- the parser -----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="plategraph",
        description="Plate diagrams of NumPyro models, inferred by tracing them.",
        epilog="A model is named as path/to/file.py:function or package.module:function; its "
               "arguments come from the module's examples() (see gallery/README.md).")
    parser.add_argument("--debug", action="store_true",
                        help="on an error, show the whole traceback")
    parser.add_argument("--version", action="version", version=f"plategraph {__version__}")
    # --debug after the command too; SUPPRESS keeps a subcommand from resetting it to False
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="on an error, show the whole traceback")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_render_command(commands, common)
    _add_inspect_command(commands, common)
    _add_spec_command(commands, common)
    _add_gallery_command(commands, common)
    return parser


def _add_render_command(commands: Any, common: argparse.ArgumentParser) -> None:
    render = commands.add_parser(
        "render", parents=[common], help="draw one model to SVG, PNG, PDF, DOT, TikZ or Mermaid",
        description="Trace one model with its example arguments and draw its plate diagram.")
    render.add_argument("model", metavar="FILE.py:MODEL", help="the model to draw")
    render.add_argument("-o", "--output", metavar="PATH",
                        help="the file to write, format from its suffix (.svg, .png, .pdf, .dot, "
                             ".tex, .mmd; default MODEL.svg); "
                             "- writes to standard output")
    render.add_argument("-f", "--format", choices=FORMATS,
                        help="the format, when the suffix does not say it")
    render.add_argument("--timeout", type=_time_limit_arg(zero_means_none=False), default=60.0,
                        metavar="SECONDS", help="stop dot after this long (default 60)")
    _add_drawing_options(render)
    render.set_defaults(run=_render_command)


def _add_inspect_command(commands: Any, common: argparse.ArgumentParser) -> None:
    inspect = commands.add_parser(
        "inspect", parents=[common], help="list a model's sites, plates and parents",
        description="Trace one model and list its sites: kind, distribution, plates, parents "
                    "(control parents and gates marked) and the line that made each.")
    inspect.add_argument("model", metavar="FILE.py:MODEL", help="the model to inspect")
    inspect.add_argument("--json", action="store_true",
                         help="print the whole graph as JSON (node-link data) instead")
    inspect.set_defaults(run=_inspect_command)


def _add_spec_command(commands: Any, common: argparse.ArgumentParser) -> None:
    spec = commands.add_parser(
        "spec", parents=[common], help="write a model out: its equations with the expressions",
        description="Trace one model and print its specification: one line a site, each "
                    "parameter as the expression the model computes it by (f(…) where none "
                    "is exact).")
    spec.add_argument("model", metavar="FILE.py:MODEL", help="the model to write out")
    style = spec.add_mutually_exclusive_group()
    for flag, what in (("latex", "an align* block (default)"),
                       ("markdown", "the LaTeX between $$ lines"),
                       ("text", "Unicode text")):
        style.add_argument(f"--{flag}", dest="style", action="store_const", const=flag,
                           help=what)
    spec.set_defaults(run=_spec, style="latex")


def _add_gallery_command(commands: Any, common: argparse.ArgumentParser) -> None:
    gallery = commands.add_parser(
        "gallery", parents=[common], help="render every model of a gallery folder to a web page",
        description="Render every model of a folder of gallery modules (gallery/README.md) in "
                    "parallel, into index.html and manifest.json; unchanged models are not "
                    "rendered again.")
    gallery.add_argument("folder", help="the folder of gallery modules")
    gallery.add_argument("-o", "--output", default="build/gallery", metavar="DIR",
                         help="where the page and the diagrams go (default build/gallery)")
    gallery.add_argument("-j", "--jobs", type=_jobs_arg, metavar="N",
                         help=f"models rendered at once (default: the cores, {os.cpu_count()})")
    gallery.add_argument("--executor", choices=("process", "dask"), default="process",
                         help="process pool (default) or a local dask.distributed cluster")
    gallery.add_argument("--timeout", type=_time_limit_arg(zero_means_none=True), default=120.0,
                         metavar="SECONDS",
                         help="stop a model after this long (default 120; 0: no limit)")
    gallery.add_argument("--formats", type=_formats_arg, default=("svg", "png"), metavar="LIST",
                         help="comma-separated formats among svg,png,pdf,dot (default svg,png)")
    gallery.add_argument("--no-paper", action="store_true",
                         help="leave out each model's paper figure (SVG, PDF and TikZ shown "
                              "beside the notebook diagram)")
    gallery.add_argument("--force", action="store_true",
                         help="render every model, even those unchanged since the last run")
    gallery.add_argument("-q", "--quiet", action="store_true",
                         help="no progress bar and no table; only the closing line")
    _add_drawing_options(gallery)
    gallery.set_defaults(run=_gallery_command)


def _on_sigterm(signum: int, frame: Any) -> None:
    from .loading import Terminated

    raise Terminated


@contextlib.contextmanager
def _sigterm_stops() -> Iterator[None]:
    """SIGTERM raises Terminated in the main thread while the command runs."""
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread (main() called from a thread): leave it be
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with _sigterm_stops():
            return int(args.run(args))
    except UsageError as err:
        _fail(args, err, f"plategraph {args.command}: error: {_one_line(err)}")
        return EXIT_USAGE
    except PlategraphError as err:
        return _fail(args, err, f"plategraph: error: {_one_line(err)}")
    except KeyboardInterrupt as err:
        from .loading import Terminated

        if isinstance(err, Terminated):
            print("plategraph: terminated", file=sys.stderr)
            return EXIT_TERMINATED
        print("plategraph: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as err:  # noqa: BLE001  one line, not a bare traceback
        return _fail(args, err, f"plategraph: internal error: {type(err).__name__}: "
                                f"{_one_line(err)} (run with --debug for the traceback)")


def _one_line(err: BaseException) -> str:
    return visible(" ".join(str(err).split("\n")).strip())


def _fail(args: argparse.Namespace, err: BaseException, line: str) -> int:
    if args.debug:
        traceback.print_exception(err)
    print(line, file=sys.stderr)
    return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
