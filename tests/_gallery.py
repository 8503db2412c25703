"""Loading the gallery for tests and benchmarks: every (module, function) with its example."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

GALLERY = Path(__file__).resolve().parent.parent / "gallery"


def load_module(path: Path) -> ModuleType:
    name = f"plategraph_gallery_{path.stem}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def gallery_ids(gallery: Path = GALLERY) -> list[str]:
    ids = []
    for path in sorted(gallery.glob("*.py")):
        ids.extend(f"{path.stem}:{fn}" for fn in load_module(path).examples())
    return ids


def load_example(ident: str, gallery: Path = GALLERY) -> tuple[Any, tuple, dict]:
    stem, _, fn = ident.partition(":")
    module = load_module(gallery / f"{stem}.py")
    args, kwargs = module.examples()[fn]
    return getattr(module, fn), args, kwargs


def iter_gallery_models(gallery: Path = GALLERY) -> Iterator[tuple[str, Any, tuple, dict]]:
    for ident in gallery_ids(gallery):
        yield (ident, *load_example(ident, gallery))
