"""Finding the cogs to load: every module of ``cogs`` that has a ``setup()``."""

from __future__ import annotations

import importlib
import pkgutil


def discover(package: str = "cogs") -> list[str]:
    """Extension names under ``package``; modules whose name starts with ``_`` are helpers."""
    root = importlib.import_module(package)
    found = []
    for info in sorted(pkgutil.iter_modules(root.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        name = f"{package}.{info.name}"
        if hasattr(importlib.import_module(name), "setup"):
            found.append(name)
    return found
