"""Load models by reference: ``path/to/file.py:model`` or ``package.module:model``, with examples.

A gallery module follows the convention in ``gallery/README.md``: a docstring (title line, text,
``Reference:`` line), model functions, and ``examples()`` returning ``{name: (args, kwargs)}``.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import importlib
import importlib.util
import inspect
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from ..exceptions import GalleryError, ModelError, PlategraphError

__all__ = ["ModelInfo", "Terminated", "docstring_parts", "examples_of", "gallery_models",
           "gallery_modules", "load_model", "load_module", "model_examples", "model_names",
           "module_info", "split_reference", "user_code"]


class Terminated(KeyboardInterrupt):
    """The process got SIGTERM (the command line raises this): stop as on Ctrl-C."""


@contextlib.contextmanager
def user_code(what: str, error: type[PlategraphError] = ModelError) -> Iterator[None]:
    """Run user code (a module's import, ``examples()``, a model): a ``SystemExit`` or a
    ``KeyboardInterrupt`` it raises itself becomes ``error`` naming ``what``, like any error of
    the model. A real Ctrl-C (SIGINT) still stops the program."""
    real_interrupt = False
    previous = None
    if threading.current_thread() is threading.main_thread():
        current = signal.getsignal(signal.SIGINT)
        if current is signal.default_int_handler:
            def on_sigint(signum: int, frame: object) -> None:
                nonlocal real_interrupt
                real_interrupt = True
                raise KeyboardInterrupt

            previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    except SystemExit as err:
        raise error(f"{what} called sys.exit({err.code!r})") from err
    except KeyboardInterrupt as err:
        if real_interrupt or isinstance(err, Terminated):
            raise
        raise error(f"{what} raised KeyboardInterrupt") from err
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def _module_code(what: str) -> Iterator[None]:
    """Run a module's own code (its import, its ``examples()``): whatever it raises becomes a
    GalleryError naming ``what``."""
    try:
        with user_code(what, GalleryError):
            yield
    except GalleryError:
        raise
    except Exception as err:
        raise GalleryError(f"{what} raised {type(err).__name__}: {err}") from err


@dataclass(frozen=True)
class ModelInfo:
    """What the gallery page shows of one model."""

    ident: str  # "module:function"
    module: str
    function: str
    title: str
    doc: str
    source: str


def split_reference(ref: str) -> tuple[str, str]:
    """``"gallery/eight_schools.py:centered"`` → ``("gallery/eight_schools.py", "centered")``;
    a file without a function is an error listing the file's models."""
    target, sep, name = ref.rpartition(":")
    if not sep and ref.endswith(".py") and Path(ref).is_file():
        names = model_names(load_module(ref))
        listed = ", ".join(f"{ref}:{n}" for n in names) or "none found"
        raise GalleryError(f"{ref}: name the model to draw: {listed}")
    if not sep or not target or not name.isidentifier():
        raise GalleryError(f"{ref!r} is not a model reference: write path/to/file.py:function "
                           "or package.module:function")
    return target, name


def load_module(target: str | Path) -> ModuleType:
    """Import a module from a ``.py`` path or a dotted name; errors name the file."""
    text = str(target)
    if text.endswith(".py") or "/" in text or "\\" in text:
        path = Path(text).resolve()
        if not path.is_file():
            raise GalleryError(f"{text}: no such file")
        name = "plategraph_user_" + hashlib.sha1(str(path).encode()).hexdigest()[:12]
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise GalleryError(f"{text}: cannot be imported as a Python module")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        # as when Python runs a script: its own folder is importable (a gallery's _helpers.py)
        sys.path.insert(0, str(path.parent))
        try:
            with _module_code(f"{text}: importing it"):
                spec.loader.exec_module(module)
        except Exception:
            sys.modules.pop(name, None)
            raise
        finally:
            sys.path.remove(str(path.parent))
        return module
    with _module_code(f"{text}: importing it"):
        module = importlib.import_module(text)
    return module


def examples_of(module: ModuleType, where: str) -> dict[str, tuple[tuple, dict]]:
    """``examples()`` of a module, checked; errors name ``where`` (the module's file)."""
    examples = getattr(module, "examples", None)
    if not callable(examples):
        raise GalleryError(f"{where}: defines no examples(); add examples() returning "
                           "{model_name: (args, kwargs)} (see gallery/README.md)")
    from ..tracing.trace import data_of

    with _module_code(f"{where}: examples()"):
        found = data_of(examples)
    if not isinstance(found, dict):
        raise GalleryError(f"{where}: examples() must return a dict, not {type(found).__name__}")
    for name, value in found.items():
        if not (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], tuple)
                and isinstance(value[1], dict)):
            raise GalleryError(f"{where}: examples()[{name!r}] must be (args_tuple, kwargs_dict)")
    return found


def model_names(module: ModuleType) -> list[str]:
    """The models of a module: its examples()' names when it has examples(), else the public
    functions it defines, in the file's order."""
    if callable(getattr(module, "examples", None)):
        return list(examples_of(module, getattr(module, "__file__", None) or module.__name__))
    return [name for name, value in vars(module).items()
            if inspect.isfunction(value) and value.__module__ == module.__name__
            and not name.startswith("_") and name != "examples"]


def model_examples(module: ModuleType, where: str) -> dict[str, tuple[tuple, dict]]:
    """The models of a module with their arguments, as ``render`` and ``gallery`` both draw
    them: ``examples()`` when the module has it; else each public function it defines that
    needs no arguments, called with none."""
    if callable(getattr(module, "examples", None)):
        return examples_of(module, where)
    found = {name: ((), {}) for name in model_names(module)
             if not _needs_arguments(getattr(module, name))}
    if not found:
        raise GalleryError(f"{where}: defines no examples() and no model function without "
                           "arguments; add examples() returning {model_name: (args, kwargs)} "
                           "(see gallery/README.md)")
    return found


def _needs_arguments(fn: Callable) -> bool:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD,
                                                   p.KEYWORD_ONLY) for p in params)


def load_model(ref: str) -> tuple[Callable, tuple, dict, ModuleType]:
    """The model function a reference names, with the arguments from its module's examples()."""
    target, name = split_reference(ref)
    module = load_module(target)
    fn = getattr(module, name, None)
    if not callable(fn):
        close = difflib.get_close_matches(name, model_names(module), n=3)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise GalleryError(f"{target}: has no model function {name!r}{hint}")
    if callable(getattr(module, "examples", None)):
        found = examples_of(module, target)
        if name in found:
            args, kwargs = found[name]
            return fn, args, kwargs, module
    if _needs_arguments(fn):
        raise GalleryError(f"{target}: examples() has no arguments for {name!r}; add "
                           f"{name!r}: (args, kwargs) to examples() (see gallery/README.md)")
    return fn, (), {}, module


def docstring_parts(obj: object) -> tuple[str, str]:
    """An object's docstring as ``(title, text)``: its first line and the rest; empty strings
    when it has none."""
    lines = (inspect.getdoc(obj) or "").strip().splitlines()
    return (lines[0].strip(), "\n".join(lines[1:]).strip()) if lines else ("", "")


def module_info(module: ModuleType, stem: str, where: str) -> list[ModelInfo]:
    """The gallery entries of one module, in the order of its examples(). A model's title and
    text are its function's docstring (first line, rest) where it has one, with the module's
    ``Reference:`` paragraph; else the module's title and text."""
    module_title, module_text = docstring_parts(module)
    references = [p for p in module_text.split("\n\n") if p.startswith("Reference:")]
    infos = []
    for name in model_examples(module, where):
        fn = getattr(module, name, None)
        if not callable(fn):
            raise GalleryError(f"{where}: examples() names {name!r}, which is not a function")
        try:
            source = inspect.getsource(fn)
        except (OSError, TypeError):
            source = ""
        title, text = docstring_parts(fn) if fn.__doc__ else ("", "")
        if text:  # the module's references still apply to each of its models
            text = "\n\n".join([text, *references])
        infos.append(ModelInfo(f"{stem}:{name}", stem, name, title or module_title or stem,
                               text or module_text, source))
    return infos


def gallery_modules(folder: str | Path) -> list[Path]:
    """The gallery modules of a folder, by name: every ``*.py`` but the ``_*.py`` helpers."""
    return sorted(p for p in Path(folder).glob("*.py") if not p.name.startswith("_"))


def gallery_models(folder: str | Path) -> Iterator[tuple[str, Callable, tuple, dict]]:
    """Every model of a gallery folder with its example: ``(module:function, function, args,
    kwargs)``, modules by name, models in the order of their examples()."""
    for path in gallery_modules(folder):
        module = load_module(path)
        for name, (args, kwargs) in model_examples(module, str(path)).items():
            yield f"{path.stem}:{name}", getattr(module, name), args, kwargs
