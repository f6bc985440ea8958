"""Small pieces of text shared by everything people read: embeds, DMs, the CLI."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """The count and its noun in agreement: ``1 day``, ``2 days``, ``1,204 replies``."""
    noun = word if count == 1 else (many if many is not None else f"{word}s")
    return f"{count:,} {noun}"
