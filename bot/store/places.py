"""What the store knows of threads that Discord's cache no longer holds: whether each is
private and who opened it. discord.py forgets a thread once it is archived, yet an inbox
item or an alert may come from one; who may read it depends on this."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.store.connection import fetch_all

if TYPE_CHECKING:
    from bot.store.connection import Access

# The ids come as one JSON array, so the statement stays the same whatever their number.
_THREADS = """
SELECT channel_id, kind, owner_id FROM channels
WHERE guild_id = ? AND channel_id IN (SELECT value FROM json_each(?))
  AND kind IN ('public_thread', 'private_thread', 'news_thread')
"""


@dataclass(frozen=True, slots=True)
class StoredThread:
    """A thread as last seen: private or not, and who opened it (None if not known)."""

    thread_id: int
    private: bool
    owner_id: int | None


class PlaceQueries:
    """Reads what the store knows of a guild's threads."""

    def __init__(self, reading: Access) -> None:
        self._reading = reading

    async def threads(self, guild_id: int, thread_ids: Collection[int]) -> dict[int, StoredThread]:
        """The threads among ``thread_ids`` that the store knows, by id."""
        if not thread_ids:
            return {}
        async with self._reading() as db:
            rows = await fetch_all(db, _THREADS, (guild_id, json.dumps(sorted(thread_ids))))
        return {
            int(thread_id): StoredThread(
                int(thread_id), kind == "private_thread", None if owner is None else int(owner)
            )
            for thread_id, kind, owner in rows
        }
