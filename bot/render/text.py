"""Small pieces of text shared by everything people read: embeds, DMs, the CLI."""

from __future__ import annotations

# How much of a value someone typed (or a file held) an error message quotes: enough
# to recognise it, never enough to push a Discord reply past its 2,000 characters or a
# command-line error past one line.
QUOTED_CHARACTERS = 40


def plural(count: int, word: str, many: str | None = None) -> str:
    """The count and its noun in agreement: ``1 day``, ``2 days``, ``1,204 replies``."""
    noun = word if count == 1 else (many if many is not None else f"{word}s")
    return f"{count:,} {noun}"


def quoted(value: object, limit: int = QUOTED_CHARACTERS) -> str:
    """A bad value as an error message quotes it: Python's ``repr`` (control characters
    and lone surrogates escaped), cut to about ``limit`` characters with ``…`` and the
    length of the whole when it is longer: ``'aaaa…' (5,000 characters)``."""
    if isinstance(value, str):
        shown = repr(value)
        if len(shown) <= limit + 2:
            return shown
        # Escapes make a repr longer than its text: take characters while they fit.
        prefix = ""
        for char in value[:limit]:
            if len(repr(prefix + char)) > limit + 2:
                break
            prefix += char
        cut = repr(prefix)
        return f"{cut[:-1]}…{cut[-1]} ({plural(len(value), 'character')})"
    try:
        shown = repr(value)
    except ValueError:  # an integer with more digits than Python will print
        return "a number too long to show"
    return shown if len(shown) <= limit else f"{shown[:limit]}… ({type(value).__name__})"
