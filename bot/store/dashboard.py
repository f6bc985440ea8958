"""What the dashboard reads beyond the other query modules: each member's figures over a
range, names of members and channels, and the latest stored summary.

Read only (the dashboard's connection cannot write, bot/store/readonly.py). Members who
opted out are left out here, whatever else the store still holds about them; the
figures follow docs/metrics.md and the daily rollup's statements (bot/store/activity.py).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bot.store.connection import fetch_all, fetch_one
from bot.store.newcomers import first_message
from bot.store.responses import COUNTED_INFERRED

if TYPE_CHECKING:
    from bot.store.connection import Access

# Per member over [start, end): counted messages, listening messages and reactions given
# (as the daily rollup counts them), distinct members they interacted with either way,
# inferred replies that count, their join and their first counted message.
_MEMBERS = f"""
WITH acts AS (
    SELECT author_id AS member, 1 AS messages, 0 AS replies, 0 AS reactions FROM messages
    WHERE guild_id = :guild_id AND created_at >= :start AND created_at < :end
      AND kind = 'message' AND deleted = 0
    UNION ALL
    SELECT source_id, 0, kind != 'reaction', kind = 'reaction' FROM interactions
    WHERE guild_id = :guild_id AND created_at >= :start AND created_at < :end
      AND kind != 'mention'
),
totals AS (
    SELECT member, sum(messages) AS messages, sum(replies) AS replies,
           sum(reactions) AS reactions
    FROM acts GROUP BY member
),
partners AS (
    SELECT source_id AS member, target_id AS other FROM interactions
    WHERE guild_id = :guild_id AND created_at >= :start AND created_at < :end
    UNION
    SELECT target_id, source_id FROM interactions
    WHERE guild_id = :guild_id AND created_at >= :start AND created_at < :end
),
links AS (SELECT member, count(*) AS connections FROM partners GROUP BY member),
inferred AS (
    SELECT ir.source_id AS member, count(*) AS inferred_replies
    FROM inferred_replies ir JOIN messages r ON r.message_id = ir.message_id
    WHERE ir.guild_id = :guild_id AND ir.created_at >= :start AND ir.created_at < :end
      AND {COUNTED_INFERRED}
    GROUP BY ir.source_id
),
who AS (SELECT member FROM totals UNION SELECT member FROM links)
SELECT who.member, mb.display_name,
       coalesce(t.messages, 0), coalesce(t.replies, 0), coalesce(t.reactions, 0),
       coalesce(l.connections, 0), coalesce(i.inferred_replies, 0),
       mb.joined_at,
       (SELECT created_at FROM messages
        WHERE message_id = {first_message(":guild_id", "who.member")})
FROM who
JOIN members mb ON mb.guild_id = :guild_id AND mb.user_id = who.member AND mb.opted_out = 0
LEFT JOIN totals t ON t.member = who.member
LEFT JOIN links l ON l.member = who.member
LEFT JOIN inferred i ON i.member = who.member
"""  # noqa: S608 (composed from bot/store/responses.py and newcomers.py only)

# The ids come as one JSON array, so the statement stays the same whatever their number.
_NAMES = """
SELECT user_id, display_name FROM members
WHERE guild_id = ? AND opted_out = 0 AND user_id IN (SELECT value FROM json_each(?))
"""

_OPTED_OUT = "SELECT user_id FROM members WHERE guild_id = ? AND opted_out = 1"

_CHANNELS = """
SELECT channel_id, name FROM channels
WHERE guild_id = ? AND channel_id IN (SELECT value FROM json_each(?))
"""

# The first messages of conversations, by primary key, with their authors who did not
# opt out (CROSS JOIN keeps the ids first: never a walk of the guild's messages).
_OPENERS = """
SELECT m.message_id, m.channel_id, m.thread_id, m.author_id, mb.display_name, m.content,
       m.created_at
FROM json_each(:ids) AS wanted
CROSS JOIN messages m ON m.message_id = wanted.value
JOIN members mb ON mb.guild_id = m.guild_id AND mb.user_id = m.author_id AND mb.opted_out = 0
WHERE m.guild_id = :guild_id AND m.deleted = 0
"""

_LATEST_SUMMARY = "SELECT max(day) FROM daily_summaries WHERE guild_id = ?"

_LAST_MESSAGE = """
SELECT max(created_at) FROM messages WHERE guild_id = ? AND kind = 'message' AND deleted = 0
"""


@dataclass(frozen=True, slots=True)
class MemberRow:
    """A member's figures over a range, with when they joined and first posted (store
    times; None when unknown or never)."""

    user_id: int
    name: str | None
    messages: int
    replies: int
    reactions_given: int
    connections: int
    inferred_replies: int
    joined_at: str | None
    first_message_at: str | None


@dataclass(frozen=True, slots=True)
class Opener:
    """The first message of a conversation: where, by whom, its text if kept, when."""

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


class DashboardQueries:
    """Reads for the dashboard's pages."""

    def __init__(self, reading: Access) -> None:
        self._reading = reading

    async def members(self, guild_id: int, start: str, end: str) -> list[MemberRow]:
        """Every member who posted, reacted or was interacted with in ``[start, end)``,
        except those who opted out, in id order."""
        params = {"guild_id": guild_id, "start": start, "end": end}
        async with self._reading() as db:
            rows = await fetch_all(db, _MEMBERS, params)
        found = [
            MemberRow(
                user_id=int(row[0]),
                name=row[1],
                messages=int(row[2]),
                replies=int(row[3]),
                reactions_given=int(row[4]),
                connections=int(row[5]),
                inferred_replies=int(row[6]),
                joined_at=row[7],
                first_message_at=row[8],
            )
            for row in rows
        ]
        return sorted(found, key=lambda m: m.user_id)

    async def names(self, guild_id: int, user_ids: Collection[int]) -> dict[int, str | None]:
        """The display names of ``user_ids`` who did not opt out (None: no name known)."""
        if not user_ids:
            return {}
        async with self._reading() as db:
            rows = await fetch_all(db, _NAMES, (guild_id, json.dumps(sorted(set(user_ids)))))
        return {int(user_id): name for user_id, name in rows}

    async def opted_out(self, guild_id: int) -> frozenset[int]:
        """The members of the guild who opted out of logging."""
        async with self._reading() as db:
            rows = await fetch_all(db, _OPTED_OUT, (guild_id,))
        return frozenset(int(row[0]) for row in rows)

    async def channel_names(self, guild_id: int, ids: Collection[int]) -> dict[int, str]:
        """The known names of the channels and threads among ``ids``."""
        if not ids:
            return {}
        async with self._reading() as db:
            rows = await fetch_all(db, _CHANNELS, (guild_id, json.dumps(sorted(set(ids)))))
        return {int(channel_id): str(name) for channel_id, name in rows if name}

    async def openers(self, guild_id: int, message_ids: Collection[int]) -> dict[int, Opener]:
        """The stored messages among ``message_ids`` whose authors did not opt out, by id;
        deleted ones are left out."""
        if not message_ids:
            return {}
        params = {"guild_id": guild_id, "ids": json.dumps(sorted(set(message_ids)))}
        async with self._reading() as db:
            rows = await fetch_all(db, _OPENERS, params)
        return {
            int(row[0]): Opener(
                int(row[0]), int(row[1]), row[2], int(row[3]), row[4], row[5], str(row[6])
            )
            for row in rows
        }

    async def latest_summary_day(self, guild_id: int) -> date | None:
        """The latest day with a stored summary, if any."""
        async with self._reading() as db:
            row = await fetch_one(db, _LATEST_SUMMARY, (guild_id,))
        return None if row is None or row[0] is None else date.fromisoformat(str(row[0]))

    async def last_message_at(self, guild_id: int) -> str | None:
        """When the guild's latest counted message was posted (store time), if any."""
        async with self._reading() as db:
            row = await fetch_one(db, _LAST_MESSAGE, (guild_id,))
        return None if row is None or row[0] is None else str(row[0])
