"""Per-guild settings chosen by managers: for now, the channels excluded from logging."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.store import Store

# What a channel (and the threads in it) leaves behind when it is excluded: nothing.
_COUNT_MESSAGES = """
SELECT count(*) FROM messages
WHERE guild_id = :guild_id AND (channel_id = :channel_id OR thread_id = :channel_id)
  AND kind = 'message'
"""
_DELETE_CHANNEL_DATA = (
    """DELETE FROM interactions WHERE message_id IN (SELECT message_id FROM messages
           WHERE guild_id = :guild_id AND (channel_id = :channel_id OR thread_id = :channel_id))""",
    """DELETE FROM reactions WHERE message_id IN (SELECT message_id FROM messages
           WHERE guild_id = :guild_id AND (channel_id = :channel_id OR thread_id = :channel_id))""",
    """DELETE FROM messages
       WHERE guild_id = :guild_id AND (channel_id = :channel_id OR thread_id = :channel_id)""",
)


class GuildConfigQueries:
    """Reads and changes what managers configured for their guild."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def excluded_channels(self) -> dict[int, set[int]]:
        """Every guild's excluded channels, for the in-memory policy."""
        found: dict[int, set[int]] = {}
        sql = "SELECT guild_id, channel_id FROM excluded_channels"
        async with self._store.db.execute(sql) as cursor:
            for guild_id, channel_id in await cursor.fetchall():
                found.setdefault(int(guild_id), set()).add(int(channel_id))
        return found

    async def exclude_channel(self, guild_id: int, channel_id: int, at: str) -> int:
        """Exclude a channel and delete what was stored from it; returns the messages deleted."""
        await self._store.flush()
        params = {"guild_id": guild_id, "channel_id": channel_id, "at": at}
        async with self._store.transaction() as db:
            await db.execute(
                """INSERT OR IGNORE INTO excluded_channels (guild_id, channel_id, excluded_at)
                   VALUES (:guild_id, :channel_id, :at)""",
                params,
            )
            async with db.execute(_COUNT_MESSAGES, params) as cursor:
                row = await cursor.fetchone()
            for statement in _DELETE_CHANNEL_DATA:
                await db.execute(statement, params)
            return int(row[0]) if row else 0

    async def include_channel(self, guild_id: int, channel_id: int) -> bool:
        """Log a channel again from now on; False if it was not excluded."""
        async with self._store.transaction() as db:
            cursor = await db.execute(
                "DELETE FROM excluded_channels WHERE guild_id = ? AND channel_id = ?",
                (guild_id, channel_id),
            )
            return cursor.rowcount > 0
