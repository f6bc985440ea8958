"""What the sources of a guild's messages recorded: imported history may lack replies,
mention lists or who reacted (``channel_sources``, migration 0006)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.analysis.missing_data import MissingData
from bot.clock import to_db_time
from bot.store.connection import fetch_all, fetch_one

if TYPE_CHECKING:
    from bot.store.connection import Access

# Whether any stretch of imported history that lacks something meets [start, end):
# the live bot's days answer here, from the guild's few rows, without reading messages.
_ANY_GAP = """
SELECT 1 FROM channel_sources
WHERE guild_id = :guild_id AND first_at < :end AND last_at >= :start
  AND (reply_data = 0 OR mention_data = 0 OR reaction_data = 0)
LIMIT 1
"""

# The messages that count in [start, end), and how many of them lie in a stretch of
# their channel's (or thread's) imported history whose export lacked each kind of data.
_MESSAGES_IN_GAPS = """
WITH day AS (
    SELECT coalesce(thread_id, channel_id) AS where_id, created_at
    FROM messages
    WHERE guild_id = :guild_id AND created_at >= :start AND created_at < :end
      AND kind = 'message' AND deleted = 0
),
sourced AS (
    SELECT
        EXISTS (SELECT 1 FROM channel_sources s
                WHERE s.guild_id = :guild_id AND s.channel_id = day.where_id
                  AND day.created_at BETWEEN s.first_at AND s.last_at
                  AND s.reply_data = 0) AS no_replies,
        EXISTS (SELECT 1 FROM channel_sources s
                WHERE s.guild_id = :guild_id AND s.channel_id = day.where_id
                  AND day.created_at BETWEEN s.first_at AND s.last_at
                  AND s.mention_data = 0) AS no_mentions,
        EXISTS (SELECT 1 FROM channel_sources s
                WHERE s.guild_id = :guild_id AND s.channel_id = day.where_id
                  AND day.created_at BETWEEN s.first_at AND s.last_at
                  AND s.reaction_data = 0) AS no_reactions
    FROM day
)
SELECT count(*), coalesce(sum(no_replies), 0), coalesce(sum(no_mentions), 0),
       coalesce(sum(no_reactions), 0)
FROM sourced
"""


# The channels (or threads) with a stretch of imported history whose export recorded no
# replies, meeting [start, end) and holding a message there, by name.
_WITHOUT_REPLIES = """
SELECT s.channel_id, min(c.name) FROM channel_sources s
LEFT JOIN channels c ON c.channel_id = s.channel_id
WHERE s.guild_id = :guild_id AND s.reply_data = 0 AND s.first_at < :end AND s.last_at >= :start
  AND EXISTS (SELECT 1 FROM messages m
              WHERE m.guild_id = :guild_id AND m.created_at >= max(s.first_at, :start)
                AND m.created_at <= s.last_at AND m.created_at < :end
                AND coalesce(m.thread_id, m.channel_id) = s.channel_id)
GROUP BY s.channel_id
ORDER BY min(c.name), s.channel_id
"""


class SourceQueries:
    """Reads what the sources of stored messages recorded."""

    def __init__(self, reading: Access) -> None:
        self._reading = reading

    async def missing_data(self, guild_id: int, start: datetime, end: datetime) -> MissingData:
        """For the guild's messages that count in ``[start, end)`` (UTC): whether they
        all come from exports without reply data, without mention lists, without the
        users of reactions. All False when there is no such message, or when one of them
        came from a source that recorded it (the live bot records everything)."""
        params = {"guild_id": guild_id, "start": to_db_time(start), "end": to_db_time(end)}
        async with self._reading() as db:
            if await fetch_one(db, _ANY_GAP, params) is None:
                return MissingData()
            row = await fetch_one(db, _MESSAGES_IN_GAPS, params)
        total, no_replies, no_mentions, no_reactions = (int(v) for v in row or (0, 0, 0, 0))
        if total == 0:
            return MissingData()
        return MissingData(
            replies=no_replies == total,
            mentions=no_mentions == total,
            reactions=no_reactions == total,
        )

    async def without_replies(
        self, guild_id: int, start: datetime, end: datetime
    ) -> list[tuple[int, str | None]]:
        """The channels (or threads) with messages in ``[start, end)`` imported from an
        export that recorded no replies, as (id, name or None), by name."""
        params = {"guild_id": guild_id, "start": to_db_time(start), "end": to_db_time(end)}
        async with self._reading() as db:
            rows = await fetch_all(db, _WITHOUT_REPLIES, params)
        return [(int(channel_id), name) for channel_id, name in rows]
