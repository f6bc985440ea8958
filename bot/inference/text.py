"""Words and names in a message's text: what word overlap and naming features read."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from functools import lru_cache

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")  # noqa: RUF001 (a typographic apostrophe)
# A message that opens on a name followed by ":" or "," (or "@name") addresses that person.
_OPENING = re.compile(r"\s*@?([^\s:,]+)\s*([:,>]?)")
_NOT_ALNUM = re.compile(r"[\W_]+")
# A prefix shorter than this is too likely to be an ordinary word ("hi", "ok").
MIN_PREFIX = 3


def words(text: str) -> list[str]:
    """The lower-case words of a text, in order (letters and digits; no punctuation)."""
    return WORD.findall(text.lower())


def name_key(name: str) -> str:
    """A name as people type it: lower case, letters and digits only ("Bob_" -> "bob")."""
    return _NOT_ALNUM.sub("", name.lower())


def name_variants(name: str) -> set[str]:
    """The ways a name is written: whole, and its first word when it has several."""
    return set(_variants(name))


@lru_cache(maxsize=16384)
def _variants(name: str) -> frozenset[str]:
    # Every stream indexes its authors' names again: the same few thousand names.
    variants = {name_key(name)}
    parts = [name_key(part) for part in name.split()]
    if len(parts) > 1 and len(parts[0]) >= MIN_PREFIX:
        variants.add(parts[0])
    variants.discard("")
    return frozenset(variants)


class NameIndex:
    """Finds the people a text names: whole names anywhere, a clear prefix when opening."""

    def __init__(self, names_by_author: Iterable[tuple[int, Iterable[str]]]) -> None:
        self._whole: dict[str, set[int]] = {}
        for author, names in names_by_author:
            for name in names:
                for variant in _variants(name):
                    self._whole.setdefault(variant, set()).add(author)
        # The whole names in order: those a prefix begins sit together from where the
        # prefix would be (a search, rather than a table of every prefix built per use).
        self._sorted = sorted(self._whole)

    def opening(self, text: str) -> set[int]:
        """Whom a text addresses by opening on a name ("bob: ...", "bob, ...", "@bob")."""
        match = _OPENING.match(text)
        if match is None:
            return set()
        word = match.group(1)
        found = self._whole.get(word)  # most names are typed as they are known
        if found:
            return found
        key = name_key(word)
        found = self._whole.get(key)
        if found:
            return found
        # A shortened name ("act:" for ActionParsnip) counts only with its separator.
        if match.group(2) and len(key) >= MIN_PREFIX:
            return self._prefixed(key)
        return set()

    def _prefixed(self, prefix: str) -> set[int]:
        """The people with a name that ``prefix`` begins and is shorter than."""
        found: set[int] = set()
        names = self._sorted
        for at in range(bisect_left(names, prefix), len(names)):
            name = names[at]
            if not name.startswith(prefix):
                break
            if len(name) > len(prefix):
                found |= self._whole[name]
        return found

    def named(self, text_words: set[str]) -> set[int]:
        """Whom a text names anywhere by a whole name ("thanks bob"), from its set of words."""
        # Words (see ``words``) are name keys unless they hold an apostrophe ("o'neil"):
        # the caller keys those again. The intersection runs in C.
        found: set[int] = set()
        for word in text_words & self._whole.keys():
            found |= self._whole[word]
        return found
