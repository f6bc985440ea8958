"""The digest set-up of each guild, and the record that each digest was posted once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bot.store.connection import fetch_all, fetch_one

if TYPE_CHECKING:
    from bot.store.connection import Access


@dataclass(frozen=True, slots=True)
class DigestSettings:
    """Where and when a guild's daily digest goes."""

    guild_id: int
    channel_id: int
    post_time: str
    timezone: str
    show_people: bool
    enabled: bool


class DigestQueries:
    """Reads and changes digest settings and posts."""

    def __init__(self, reading: Access, writing: Access) -> None:
        self._reading = reading
        self._writing = writing

    async def settings(self, guild_id: int) -> DigestSettings | None:
        """The guild's digest set-up, enabled or not; None if never set up."""
        async with self._reading() as db:
            row = await fetch_one(
                db,
                """SELECT guild_id, channel_id, post_time, timezone, show_people, enabled
                   FROM digest_settings WHERE guild_id = ?""",
                (guild_id,),
            )
        if row is None:
            return None
        return DigestSettings(row[0], row[1], row[2], row[3], bool(row[4]), bool(row[5]))

    async def configure(
        self,
        guild_id: int,
        channel_id: int,
        post_time: str,
        timezone: str,
        *,
        show_people: bool = False,
    ) -> None:
        """Turn the digest on, or move it to another channel, time or time zone."""
        async with self._writing() as db:
            await db.execute(
                """INSERT INTO digest_settings
                       (guild_id, channel_id, post_time, timezone, show_people, enabled)
                   VALUES (:guild_id, :channel_id, :post_time, :timezone, :show_people, 1)
                   ON CONFLICT (guild_id) DO UPDATE SET
                       channel_id = excluded.channel_id, post_time = excluded.post_time,
                       timezone = excluded.timezone, show_people = excluded.show_people,
                       enabled = 1""",
                {
                    "guild_id": guild_id,
                    "channel_id": channel_id,
                    "post_time": post_time,
                    "timezone": timezone,
                    "show_people": int(show_people),
                },
            )

    async def disable(self, guild_id: int) -> bool:
        """Turn the digest off; False if it was not on."""
        async with self._writing() as db:
            cursor = await db.execute(
                "UPDATE digest_settings SET enabled = 0 WHERE guild_id = ? AND enabled = 1",
                (guild_id,),
            )
            return cursor.rowcount > 0

    async def last_posted(self, guild_id: int) -> date | None:
        """The latest day whose digest was claimed for posting."""
        async with self._reading() as db:
            row = await fetch_one(
                db, "SELECT max(day) FROM digest_posts WHERE guild_id = ?", (guild_id,)
            )
        return date.fromisoformat(row[0]) if row and row[0] else None

    async def claim(self, guild_id: int, day: date, at: str) -> bool:
        """Reserve the digest of a day before posting it; False if it was already claimed.

        Claiming first makes a digest go out at most once, even across a crash.
        """
        async with self._writing() as db:
            cursor = await db.execute(
                """INSERT OR IGNORE INTO digest_posts (guild_id, day, claimed_at)
                   VALUES (?, ?, ?)""",
                (guild_id, day.isoformat(), at),
            )
            return cursor.rowcount > 0

    async def posted(self, guild_id: int, day: date, channel_id: int, message_id: int) -> None:
        """Record the message a claimed digest was posted as."""
        async with self._writing() as db:
            await db.execute(
                """UPDATE digest_posts SET channel_id = ?, message_id = ?
                   WHERE guild_id = ? AND day = ?""",
                (channel_id, message_id, guild_id, day.isoformat()),
            )

    async def enabled_guilds(self) -> list[int]:
        """Guilds with the digest on."""
        async with self._reading() as db:
            rows = await fetch_all(
                db, "SELECT guild_id FROM digest_settings WHERE enabled = 1 ORDER BY guild_id"
            )
        return [int(row[0]) for row in rows]
