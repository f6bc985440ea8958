"""What the digest shows beside the stored summaries: a week's distinct active members,
and the first message of each top conversation."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bot.store.connection import fetch_all, fetch_one

if TYPE_CHECKING:
    from bot.store.activity import ActivityDays
    from bot.store.connection import Access

# Active members (docs/metrics.md: a message that counts or a reaction given) over
# several days, each counted once: the daily rollup lists exactly them, per day.
_DISTINCT_ACTIVE = """
SELECT count(DISTINCT user_id) FROM member_days
WHERE guild_id = ? AND day >= ? AND day <= ?
"""

# The ids first (CROSS JOIN keeps that order): each message by its primary key, never
# a walk of the guild's messages. A member who opted out has nothing stored; the test
# of opted_out keeps it so even while an opt-out's deletion is under way.
_OPENERS = """
SELECT m.message_id, m.channel_id, m.thread_id, m.author_id, mb.display_name, m.content,
       m.created_at
FROM json_each(:ids) AS wanted
CROSS JOIN messages m ON m.message_id = wanted.value
LEFT JOIN members mb ON mb.guild_id = m.guild_id AND mb.user_id = m.author_id
WHERE m.guild_id = :guild_id AND m.deleted = 0 AND coalesce(mb.opted_out, 0) = 0
"""


@dataclass(frozen=True, slots=True)
class Opener:
    """The message a conversation starts from: where, by whom, its text if still kept,
    when (the store's time text)."""

    message_id: int
    channel_id: int  # a thread's parent
    thread_id: int | None
    author_id: int
    name: str | None
    content: str | None
    created_at: str

    @property
    def where_id(self) -> int:
        """The channel or thread it was posted in."""
        return self.thread_id if self.thread_id is not None else self.channel_id


async def read_openers(
    reading: Access, guild_id: int, message_ids: Iterable[int]
) -> dict[int, Opener]:
    """The stored messages among ``message_ids`` whose authors did not opt out, by id;
    deleted ones are left out (the digest's and the dashboard's top conversations)."""
    wanted = sorted(set(message_ids))
    if not wanted:
        return {}
    async with reading() as db:
        rows = await fetch_all(db, _OPENERS, {"guild_id": guild_id, "ids": json.dumps(wanted)})
    return {
        int(row[0]): Opener(
            int(row[0]), int(row[1]), row[2], int(row[3]), row[4], row[5], str(row[6])
        )
        for row in rows
    }


class DigestContextQueries:
    """Reads what the digest adds to the summaries."""

    def __init__(self, reading: Access, activity: ActivityDays) -> None:
        self._reading = reading
        self._activity = activity

    async def distinct_active(self, guild_id: int, first: date, last: date, timezone: str) -> int:
        """How many different members were active from ``first`` to ``last`` (local days)."""
        await self._activity.ensure(guild_id, first, last, timezone)
        async with self._reading() as db:
            row = await fetch_one(
                db, _DISTINCT_ACTIVE, (guild_id, first.isoformat(), last.isoformat())
            )
        return 0 if row is None else int(row[0])

    async def openers(self, guild_id: int, message_ids: Iterable[int]) -> dict[int, Opener]:
        """The top conversations' first messages (:func:`read_openers`)."""
        return await read_openers(self._reading, guild_id, message_ids)
