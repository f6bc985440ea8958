"""Daily rollups: the source of the daily totals, the broadcaster list and the network size.

``member_days`` holds, for one guild's local day, each active member's counted
messages, listening messages and reaction interactions; ``activity_days`` the day
itself and the network's size at its end. They are a cache that triggers keep honest
(see ``0003_activity_days.sql``): :meth:`ActivityDays.ensure` computes the days that
are missing, in day order, and any change at a time T drops every day ending after T.

The bot's flush rolls up a day as soon as it has ended (:func:`roll_up_ended_day`), so
the next morning's summary and the week before it find their days stored; the flush
computes it with the same statements as :meth:`ActivityDays.ensure`, from the same rows,
and keeps the day's connection and conversation figures with it (bot/store/day_figures.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.analysis.days import day_bounds
from bot.store import day_figures, firsts

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


# The guild's latest rolled-up day and its time zone (the primary key's last entry).
_LATEST_DAY = """
SELECT day, timezone FROM activity_days WHERE guild_id = :guild_id ORDER BY day DESC LIMIT 1
"""


async def roll_up_day(db: aiosqlite.Connection, guild_id: int, day: date, timezone: str) -> None:
    """Store one day that is not stored: its header, then its members' rollup."""
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


async def roll_up_ended_day(db: aiosqlite.Connection, guild_id: int, newest: str) -> bool:
    """At a flush's end, after its writes and the days they made stale: store the day
    after the guild's latest stored one, in its time zone, if it ended by ``newest``
    (the newest message the flush wrote); returns whether it did.

    One day per flush at most (a guild back from days offline catches up a day per
    flush, or its summary computes them). A guild with no day stored has none rolled
    up: its first summary computes its week. A message dated in the day, written
    later, makes it stale as any other cached day, and its summary computes it again.
    """
    async with db.execute(_LATEST_DAY, {"guild_id": guild_id}) as cursor:
        latest = await cursor.fetchone()
    if latest is None:
        return False
    day = date.fromisoformat(latest[0]) + timedelta(days=1)
    if newest < day_bounds(day, latest[1])[1]:
        return False
    await roll_up_day(db, guild_id, day, latest[1])
    # The day's connections, conversations and broadcasters too (bot/store/day_figures.py):
    # the morning's summary reads them instead of the day's interactions and replies.
    start, end = day_bounds(day, latest[1])
    week_first = day - timedelta(days=day_figures.WEEK_DAYS - 1)
    params = {"guild_id": guild_id, "day": day.isoformat(), "week_first": week_first.isoformat()}
    await day_figures.keep_ended_day(db, params | {"start": start, "end": end})
    return True


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
                    await roll_up_day(db, guild_id, day, timezone)
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
