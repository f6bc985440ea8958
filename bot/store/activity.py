"""Daily rollups: the source of the daily totals, the broadcaster list and the network size.

``member_days`` holds, for one guild's local day, each active member's counted
messages, listening messages and reaction interactions; ``activity_days`` the day
itself and the network's size at its end. They are a cache that triggers keep honest
(see ``0003_activity_days.sql``): :meth:`ActivityDays.ensure` computes the days that
are missing, in day order, and any change at a time T drops every day ending after T.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.analysis.days import day_bounds
from bot.store import firsts

if TYPE_CHECKING:
    import aiosqlite

    from bot.store.connection import Access

# Listening messages are counted from their interactions: a counted message has at
# most one reply or thread-reply interaction, at its own time, and loses it when
# deleted or edited into a message that does not count. Mentions are not activity.
_ROLLUP = """
INSERT INTO member_days (guild_id, day, user_id, messages, replies, reactions)
SELECT :guild_id, :day, member, sum(messages), sum(replies), sum(reactions) FROM (
    SELECT author_id AS member, 1 AS messages, 0 AS replies, 0 AS reactions FROM messages
    WHERE guild_id = :guild_id AND created_at >= :start AND created_at < :end
      AND kind = 'message' AND deleted = 0
    UNION ALL
    SELECT source_id, 0, kind != 'reaction', kind = 'reaction' FROM interactions
    WHERE guild_id = :guild_id AND created_at >= :start AND created_at < :end
      AND kind != 'mention'
)
GROUP BY member
"""

# The network at the day's end: the day before's, when it is stored (and so still
# true), plus the day's new connections; else a count over the guild's connections.
_HEADER = """
INSERT INTO activity_days (guild_id, day, timezone, start_at, end_at, network_size)
VALUES (:guild_id, :day, :timezone, :start, :end, coalesce(
    (SELECT network_size FROM activity_days WHERE guild_id = :guild_id AND end_at = :start)
        + (SELECT count(*) FROM connections
           WHERE guild_id = :guild_id AND first_at >= :start AND first_at < :end),
    (SELECT count(*) FROM connections WHERE guild_id = :guild_id AND first_at < :end)))
"""


class ActivityDays:
    """Keeps the ``member_days`` rollup of the days a summary needs."""

    def __init__(self, writing: Access) -> None:
        self._writing = writing

    async def ensure(self, guild_id: int, first: date, last: date, timezone: str) -> int:
        """Roll up the days from ``first`` to ``last`` that are not stored yet; returns
        how many were computed.

        Days rolled up in another time zone are dropped first: each day's network
        size builds on the day before, which must end where it starts.
        """
        async with self._writing() as db:
            # Members marked since the last flush (bot/store/firsts.py): the summary then
            # reads their first messages stored. (Marked responses are computed by the
            # reader: computing and storing them here would make a summary after an
            # import write every question of its day.)
            await firsts.refresh(db)
            await db.execute(
                "DELETE FROM activity_days WHERE guild_id = ? AND timezone != ?",
                (guild_id, timezone),
            )
            stored = await _stored_days(db, guild_id, first, last)
            computed = 0
            day = first
            while day <= last:
                if day.isoformat() not in stored:
                    start, end = day_bounds(day, timezone)
                    params = {
                        "guild_id": guild_id,
                        "day": day.isoformat(),
                        "timezone": timezone,
                        "start": start,
                        "end": end,
                    }
                    await db.execute(_HEADER, params)
                    await db.execute(_ROLLUP, params)
                    computed += 1
                day += timedelta(days=1)
        return computed


async def _stored_days(
    db: aiosqlite.Connection, guild_id: int, first: date, last: date
) -> set[str]:
    async with db.execute(
        "SELECT day FROM activity_days WHERE guild_id = ? AND day >= ? AND day <= ?",
        (guild_id, first.isoformat(), last.isoformat()),
    ) as cursor:
        return {day for (day,) in await cursor.fetchall()}
