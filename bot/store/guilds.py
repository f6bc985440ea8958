"""What the store knows about a guild as a whole: whether it was seen, its time zone, since when."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.analysis.days import local_day
from bot.clock import from_db_time
from bot.store.connection import fetch_one

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
