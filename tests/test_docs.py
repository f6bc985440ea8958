"""The documents that code comments point to are in the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("bot", "cogs", "tests", "benchmarks")
DOCUMENT = re.compile(r"[\w./-]+\.md\b")


def named_documents() -> dict[str, set[str]]:
    """Every ``*.md`` path named in the code, with the files that name it."""
    found: dict[str, set[str]] = {}
    for folder in FOLDERS:
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".sql"):
                for name in DOCUMENT.findall(path.read_text(encoding="utf-8")):
                    found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_document_the_code_names_exists() -> None:
    documents = named_documents()

    missing = {
        name: sorted(where)
        for name, where in documents.items()
        if not (ROOT / name).is_file() and not (ROOT / "docs" / name).is_file()
    }

    assert "docs/metrics.md" in documents
    assert missing == {}
