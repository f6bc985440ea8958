"""Results of the dashboard's costliest reads, kept while the store is unchanged.

A range's members and network each read every interaction of the range (about 100,000
a week on a large server) and sort them into pairs: most of a second, however the
statement is written. The same page asked again, a sort, a search, the next page of a
table, the picture beside the page, reads the same rows.

A result is kept with the store's ``PRAGMA data_version`` read *before* it was computed,
and served only while the version is still the same. SQLite changes that version, on
the dashboard's own connection, whenever another connection (the bot, ``ascolto
import``) commits a write to the file: so a kept result is never older than the latest
committed write, and never shown once the store has changed. (Read before, so a write
committed while a result is computed makes it older than the version it would be kept
under only in the safe direction: the next request computes it again.)

A running bot writes every few seconds, so that version changes between most requests.
A result about a range that has ended (more than an hour ago) can be kept under a finer
version instead, the range's own (DashboardQueries.range_version): nothing the bot writes
live is dated in it, and every write dated in the past marks the range it changed. The
default week of the Members and Network pages is such a range.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import TypeVar, cast

T = TypeVar("T")

KEPT = 16  # results kept at most, the least recently used dropped first


class DataCache:
    """Results by key, each valid for one data version of the store."""

    def __init__(self, version: Callable[[], Awaitable[int]], kept: int = KEPT) -> None:
        self._version = version
        self._kept = kept
        self._entries: OrderedDict[Hashable, tuple[object, object]] = OrderedDict()

    async def get(
        self,
        key: Hashable,
        compute: Callable[[], Awaitable[T]],
        version: object = None,
    ) -> T:
        """The result kept for ``key`` if the store has not changed since it was
        computed; else ``compute()``, kept. With ``version`` (read before, as the data
        version is), the result is kept while that version is the same (``==``) instead:
        the range's own version, or the very values the result is made of."""
        if version is None:
            version = await self._version()
        found = self._entries.get(key)
        if found is not None and found[0] == version:
            self._entries.move_to_end(key)
            return cast(T, found[1])
        value = await compute()
        self._entries[key] = (version, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._kept:
            self._entries.popitem(last=False)
        return value
