"""Erasing message content past its retention period (the metadata stays)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.store.connection import Access


class RetentionQueries:
    """The retention job's one statement."""

    def __init__(self, writing: Access) -> None:
        self._writing = writing

    async def erase_content_before(self, cutoff: str) -> int:
        """Erase the text of messages posted before ``cutoff``; returns how many."""
        async with self._writing() as db:
            cursor = await db.execute(
                "UPDATE messages SET content = NULL WHERE created_at < ? AND content IS NOT NULL",
                (cutoff,),
            )
            return cursor.rowcount
