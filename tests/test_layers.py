"""The floors of the house: no import runs back up (CONTRIBUTING.md lists the rules)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Folder -> modules it must never import directly (a prefix covers its submodules).
FORBIDDEN = {
    "bot/store": ("discord", "bot.settings", "bot.app", "bot.cli", "cogs"),
    "bot/analysis": ("discord", "aiosqlite", "bot.store", "bot.app", "bot.cli", "cogs"),
    "bot/render": ("aiosqlite", "bot.app", "bot.cli", "cogs"),
    "bot": ("cogs",),
}


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, absolute names only (the project uses no others)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_no_import_runs_back_up(folder: str) -> None:
    forbidden = FORBIDDEN[folder]
    breaches = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sorted((ROOT / folder).rglob("*.py"))
        for module in sorted(imported_modules(path))
        if any(module == banned or module.startswith(banned + ".") for banned in forbidden)
    ]

    assert breaches == []


def test_the_rules_see_imports() -> None:
    assert "bot.store" in imported_modules(ROOT / "bot" / "app.py")
    assert "discord" in imported_modules(ROOT / "bot" / "app.py")
