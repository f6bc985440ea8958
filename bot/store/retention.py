"""Erasing message content past its retention period (the metadata stays)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.store import Store


class RetentionQueries:
    """The retention job's one statement."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def erase_content_before(self, cutoff: str) -> int:
        """Erase the text of messages posted before ``cutoff``; returns how many."""
        await self._store.flush()
        async with self._store.transaction() as db:
            cursor = await db.execute(
                "UPDATE messages SET content = NULL WHERE created_at < ? AND content IS NOT NULL",
                (cutoff,),
            )
            return cursor.rowcount
