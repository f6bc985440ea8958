"""Per-guild settings chosen by managers: channels excluded from logging, quiet hours."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.analysis.digest_plan import parse_post_time
from bot.analysis.nudge_plan import QuietHours
from bot.store.connection import fetch_all, fetch_one

if TYPE_CHECKING:
    from bot.store.connection import Access, OnBusy, Writing

# What a channel (and the threads in it) leaves behind when it is excluded: nothing.
_COUNT_MESSAGES = """
SELECT count(*) FROM messages
WHERE guild_id = :guild_id AND (channel_id = :channel_id OR thread_id = :channel_id)
  AND kind = 'message'
"""
_DELETE_CHANNEL_DATA = (
    """DELETE FROM inferred_replies WHERE message_id IN (SELECT message_id FROM messages
           WHERE guild_id = :guild_id AND (channel_id = :channel_id OR thread_id = :channel_id))""",
    """DELETE FROM interactions WHERE message_id IN (SELECT message_id FROM messages
           WHERE guild_id = :guild_id AND (channel_id = :channel_id OR thread_id = :channel_id))""",
    """DELETE FROM reactions WHERE message_id IN (SELECT message_id FROM messages
           WHERE guild_id = :guild_id AND (channel_id = :channel_id OR thread_id = :channel_id))""",
    """DELETE FROM messages
       WHERE guild_id = :guild_id AND (channel_id = :channel_id OR thread_id = :channel_id)""",
)


class GuildConfigQueries:
    """Reads and changes what managers configured for their guild."""

    def __init__(self, reading: Access, writing: Writing) -> None:
        self._reading = reading
        self._writing = writing

    async def excluded_channels(self) -> dict[int, set[int]]:
        """Every guild's excluded channels, for the in-memory policy."""
        found: dict[int, set[int]] = {}
        async with self._reading() as db:
            rows = await fetch_all(db, "SELECT guild_id, channel_id FROM excluded_channels")
        for guild_id, channel_id in rows:
            found.setdefault(int(guild_id), set()).add(int(channel_id))
        return found

    async def exclude_channel(
        self, guild_id: int, channel_id: int, at: str, *, on_busy: OnBusy | None = None
    ) -> int:
        """Exclude a channel and delete what was stored from it; returns the messages
        deleted. Waits its turn however long an import holds the file."""
        params = {"guild_id": guild_id, "channel_id": channel_id, "at": at}
        async with self._writing(on_busy=on_busy) as db:
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

    async def include_channel(
        self, guild_id: int, channel_id: int, *, on_busy: OnBusy | None = None
    ) -> bool:
        """Log a channel again from now on; False if it was not excluded."""
        async with self._writing(on_busy=on_busy) as db:
            cursor = await db.execute(
                "DELETE FROM excluded_channels WHERE guild_id = ? AND channel_id = ?",
                (guild_id, channel_id),
            )
            return cursor.rowcount > 0

    async def quiet_hours(self, guild_id: int) -> QuietHours | None:
        """The guild's quiet hours (no DMs), if a manager set them."""
        async with self._reading() as db:
            row = await fetch_one(
                db, "SELECT starts, ends FROM quiet_hours WHERE guild_id = ?", (guild_id,)
            )
        if row is None:
            return None
        return QuietHours(parse_post_time(row[0]), parse_post_time(row[1]))

    async def set_quiet_hours(self, guild_id: int, quiet: QuietHours | None) -> None:
        """Set the guild's quiet hours, or clear them with None."""
        async with self._writing() as db:
            if quiet is None:
                await db.execute("DELETE FROM quiet_hours WHERE guild_id = ?", (guild_id,))
                return
            await db.execute(
                """INSERT INTO quiet_hours (guild_id, starts, ends) VALUES (?, ?, ?)
                   ON CONFLICT (guild_id) DO UPDATE SET
                       starts = excluded.starts, ends = excluded.ends""",
                (guild_id, quiet.starts.strftime("%H:%M"), quiet.ends.strftime("%H:%M")),
            )
