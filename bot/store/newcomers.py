"""Who counts as a newcomer (docs/metrics.md), as SQL fragments shared by the summaries and
the alerts, so that the digest counts exactly the first messages the team is told about.

A newcomer's first message is the first message that counts of a member who joined at
most 7 days before it, or whose join is unknown (imported history). The fragments are
composed into statements at import time, from the column names given, never from input.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from bot.analysis.daily import Asked
from bot.analysis.days import day_bounds
from bot.clock import from_db_time, to_db_time
from bot.store.connection import fetch_all
from bot.store.responses import KEPT_FIRST_REPLY_TO_AUTHOR, KEPT_FIRST_RESPONSE, KEPT_JOIN

if TYPE_CHECKING:
    from bot.store.connection import Access

NEWCOMER_DAYS = 7  # a member is a newcomer this long after their join


def first_message(guild_id: str, author_id: str) -> str:
    """The id of the first message that counts by ``author_id`` in ``guild_id`` (both SQL
    expressions): one step down the per-author index."""
    return f"""(SELECT e.message_id FROM messages e
        WHERE e.guild_id = {guild_id} AND e.author_id = {author_id}
          AND e.kind = 'message' AND e.deleted = 0
        ORDER BY e.created_at, e.message_id LIMIT 1)"""  # noqa: S608 (column names only)


def joined_recently(joined_at: str, posted_at: str) -> str:
    """Whether a join (``joined_at``, NULL when unknown) came at most 7 days before a
    message posted at ``posted_at`` (both SQL expressions)."""
    return f"""({joined_at} IS NULL
        OR {joined_at} >= strftime('%Y-%m-%dT%H:%M:%fZ', {posted_at}, '-{NEWCOMER_DAYS} days'))"""


def newcomer_firsts(window: str, first_range: str = "1") -> str:
    """The body of a ``newcomer_firsts`` CTE: the first messages (``message_id``) of
    members who may be newcomers (joined on or after ``:newcomers_joined_since``, or
    join unknown), within 7 days of their join and meeting ``window`` (an SQL condition
    on the message ``q``); parameter ``:guild_id``. The summaries, the digest's
    newcomers and the alerts all find newcomers through it.

    The first messages are those stored in ``member_firsts`` (bot/store/firsts.py, kept
    by :func:`first_message` itself), except for members marked since, whose first
    message is computed here. ``first_range``, a condition on the stored first
    message's time ``s.created_at`` that ``window`` implies, lets the stored ones be
    read as a range of the index by time."""
    return f"""
    SELECT q.message_id FROM (
        SELECT mb.joined_at, s.message_id
        FROM member_firsts s
        JOIN members mb ON mb.guild_id = s.guild_id AND mb.user_id = s.user_id
        WHERE s.guild_id = :guild_id AND {first_range}
          AND (mb.joined_at IS NULL OR mb.joined_at >= :newcomers_joined_since)
          AND NOT EXISTS (SELECT 1 FROM member_firsts_dirty d
                          WHERE d.guild_id = s.guild_id AND d.user_id = s.user_id)
        UNION ALL
        SELECT mb.joined_at, {first_message(":guild_id", "mb.user_id")}
        FROM member_firsts_dirty d  -- usually empty: read first (CROSS JOIN keeps the order)
        CROSS JOIN members mb ON mb.guild_id = d.guild_id AND mb.user_id = d.user_id
        WHERE d.guild_id = :guild_id
          AND (mb.joined_at IS NULL OR mb.joined_at >= :newcomers_joined_since)
    ) AS f
    JOIN messages q ON q.message_id = f.message_id
    WHERE {window}
      AND {joined_recently("f.joined_at", "q.created_at")}
"""  # noqa: S608 (composed from constants only)


# The window of a day: the messages posted in ``[:start, :end)``.
DAY_WINDOW = "q.created_at >= :start AND q.created_at < :end"
DAY_FIRSTS = "s.created_at >= :start AND s.created_at < :end"


# The day's newcomers' first messages, found as the summary finds them
# (bot/store/summaries.py, ``_ASKED``): the members who joined in the week before the
# day or whose join is unknown, each by their first message, kept when it falls in the
# day and within 7 days of the join. For each, the first response and whether a reply
# reached them, as known at :deadline (bot/store/responses.py), so that the digest's
# names agree with the summary's ``newcomer_first_messages`` and ``newcomers_answered``.
_FIRST_MESSAGES = f"""
WITH newcomer_firsts AS ({newcomer_firsts(DAY_WINDOW, DAY_FIRSTS)})
SELECT q.author_id, mb.display_name, q.channel_id, q.thread_id, q.message_id, q.created_at,
       {KEPT_FIRST_RESPONSE} AS first_response,
       {KEPT_FIRST_REPLY_TO_AUTHOR} IS NOT NULL AS replied
FROM messages q
LEFT JOIN members mb ON mb.guild_id = q.guild_id AND mb.user_id = q.author_id
{KEPT_JOIN}
WHERE q.message_id IN (SELECT message_id FROM newcomer_firsts)
ORDER BY q.created_at, q.message_id
"""  # noqa: S608 (composed from this module's and responses.py's fragments only)

# The members who joined on the day, once each (as the summary's ``new_members``).
_JOINED = """
SELECT e.user_id, mb.display_name FROM member_events e
LEFT JOIN members mb ON mb.guild_id = e.guild_id AND mb.user_id = e.user_id
WHERE e.guild_id = :guild_id AND e.kind = 'join' AND e.at >= :start AND e.at < :end
GROUP BY e.user_id
ORDER BY min(e.at), e.user_id
"""


@dataclass(frozen=True, slots=True)
class Newcomer:
    """A member who joined on the day."""

    user_id: int
    name: str | None


@dataclass(frozen=True, slots=True)
class NewcomerFirst:
    """A newcomer's first message on the day, and whether it was answered within 24 h."""

    user_id: int
    name: str | None
    channel_id: int  # a thread's parent
    thread_id: int | None
    message_id: int
    answered: bool

    @property
    def where_id(self) -> int:
        """The channel or thread the message is in, for its link."""
        return self.thread_id if self.thread_id is not None else self.channel_id


@dataclass(frozen=True, slots=True)
class NewcomerDay:
    """Who joined on a day, and whose first message came that day."""

    joined: tuple[Newcomer, ...] = ()
    first_messages: tuple[NewcomerFirst, ...] = ()


class NewcomerQueries:
    """Reads a day's newcomers by name, for the digest and ``/summary``."""

    def __init__(self, reading: Access) -> None:
        self._reading = reading

    async def of_day(self, guild_id: int, day: date, timezone: str, deadline: str) -> NewcomerDay:
        """Who joined on the local ``day``, and the newcomers' first messages of that day
        with whether each got a response by ``deadline`` (a store time)."""
        start, end = day_bounds(day, timezone)
        params: dict[str, Any] = {
            "guild_id": guild_id,
            "start": start,
            "end": end,
            "deadline": deadline,
            "newcomers_joined_since": to_db_time(
                from_db_time(start) - timedelta(days=NEWCOMER_DAYS)
            ),
        }
        async with self._reading() as db:
            joined = await fetch_all(db, _JOINED, params)
            firsts = await fetch_all(db, _FIRST_MESSAGES, params)
        return NewcomerDay(
            joined=tuple(Newcomer(int(user), name) for user, name in joined),
            first_messages=tuple(_first(*row) for row in firsts),
        )


def _first(
    user_id: int,
    name: str | None,
    channel_id: int,
    thread_id: int | None,
    message_id: int,
    created_at: str,
    first_response: str | None,
    replied: int,
) -> NewcomerFirst:
    # The summary's own rule decides "answered" (bot/analysis/daily.py).
    asked = Asked(
        asked_at=from_db_time(created_at),
        is_question=False,
        newcomer_first=True,
        first_response=None if first_response is None else from_db_time(first_response),
        newcomer_replied=bool(replied),
    )
    return NewcomerFirst(
        user_id, name, channel_id, thread_id, message_id, asked.answered_within_a_day
    )
