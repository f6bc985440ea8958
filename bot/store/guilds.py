"""What the store knows about a guild as a whole: whether it was seen, its time zone, since when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.analysis.days import local_day
from bot.clock import from_db_time
from bot.store.connection import fetch_all, fetch_one

if TYPE_CHECKING:
    from bot.store.connection import Access

# The bot's observations of a guild begin at its first sighting, or earlier when
# history was imported: whichever comes first. Both halves read one index row.
_FIRST_SEEN = """
SELECT min(at) FROM (
    SELECT first_seen_at AS at FROM guilds WHERE guild_id = :guild_id
    UNION ALL
    SELECT min(created_at) FROM messages WHERE guild_id = :guild_id
)
"""


class GuildQueries:
    """Reads guild-wide facts: known guilds, their time zone, their first observed day."""

    def __init__(self, reading: Access) -> None:
        self._reading = reading

    async def known(self, guild_id: int) -> bool:
        """Whether the bot ever saw this guild (it has a row in ``guilds``)."""
        async with self._reading() as db:
            row = await fetch_one(db, "SELECT 1 FROM guilds WHERE guild_id = ?", (guild_id,))
        return row is not None

    async def timezone(self, guild_id: int, default: str) -> str:
        """The guild's time zone from its digest set-up, else ``default``."""
        async with self._reading() as db:
            row = await fetch_one(
                db, "SELECT timezone FROM digest_settings WHERE guild_id = ?", (guild_id,)
            )
        return str(row[0]) if row is not None and row[0] else default

    async def first_seen(self, guild_id: int) -> datetime | None:
        """When the guild was first observed (first sighting or first message), if ever."""
        async with self._reading() as db:
            row = await fetch_one(db, _FIRST_SEEN, {"guild_id": guild_id})
        if row is None or row[0] is None:
            return None
        return from_db_time(str(row[0]))

    async def first_seen_day(self, guild_id: int, timezone: str) -> date | None:
        """The local day of the guild's first observation; None if never observed."""
        first = await self.first_seen(guild_id)
        return None if first is None else local_day(first, timezone)

    async def last_message_before(self, guild_id: int, end: str) -> datetime | None:
        """When the guild's latest counted message before ``end`` was posted, if any."""
        async with self._reading() as db:
            row = await fetch_one(db, _LAST_MESSAGE, (guild_id, end))
        return None if row is None or row[0] is None else from_db_time(str(row[0]))

    async def listed(self) -> list[tuple[int, str | None]]:
        """Every guild the store knows, as ``(id, name)`` in id order."""
        async with self._reading() as db:
            rows = await fetch_all(db, "SELECT guild_id, name FROM guilds ORDER BY guild_id")
        return [(int(row[0]), row[1]) for row in rows]

    async def overview(self) -> list[GuildOverview]:
        """Every guild the store knows with its messages and members, in id order."""
        async with self._reading() as db:
            rows = await fetch_all(db, _OVERVIEW)
        return [
            GuildOverview(
                guild_id=int(guild_id),
                name=name,
                first_message_at=None if first is None else from_db_time(str(first)),
                last_message_at=None if last is None else from_db_time(str(last)),
                messages=int(messages),
                members=int(members),
            )
            for guild_id, name, first, last, messages, members in rows
        ]


# Messages as the summaries count them (by a member, not deleted), latest first through
# the (guild_id, created_at) index.
_LAST_MESSAGE = """
SELECT max(created_at) FROM messages
WHERE guild_id = ? AND created_at < ? AND kind = 'message' AND deleted = 0
"""

# One pass over the messages and one over the members, whatever the number of guilds.
_OVERVIEW = """
WITH sent AS (
    SELECT guild_id, min(created_at) AS first, max(created_at) AS last, count(*) AS messages
    FROM messages WHERE kind = 'message' AND deleted = 0
    GROUP BY guild_id
),
known AS (SELECT guild_id, count(*) AS members FROM members GROUP BY guild_id)
SELECT g.guild_id, g.name, sent.first, sent.last, coalesce(sent.messages, 0),
       coalesce(known.members, 0)
FROM guilds g
LEFT JOIN sent ON sent.guild_id = g.guild_id
LEFT JOIN known ON known.guild_id = g.guild_id
ORDER BY g.guild_id
"""


@dataclass(frozen=True, slots=True)
class GuildOverview:
    """A guild the store knows: its name, when its messages span, how many of each."""

    guild_id: int
    name: str | None
    first_message_at: datetime | None
    last_message_at: datetime | None
    messages: int
    members: int
