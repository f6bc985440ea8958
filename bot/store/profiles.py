"""One member's listening profile over a trailing window (``/member`` and ``/me``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.analysis.summary import ratio
from bot.clock import from_db_time
from bot.store.connection import fetch_one
from bot.store.newcomers import first_message, joined_recently
from bot.store.responses import COUNTED_INFERRED

if TYPE_CHECKING:
    from bot.store.connection import Access

_PROFILE = f"""
SELECT
    (SELECT count(*) FROM messages
     WHERE guild_id = :guild_id AND author_id = :user_id AND kind = 'message' AND deleted = 0
       AND created_at >= :start AND created_at < :end),
    (SELECT count(*) FROM messages m
     WHERE m.guild_id = :guild_id AND m.author_id = :user_id AND m.kind = 'message'
       AND m.deleted = 0 AND m.created_at >= :start AND m.created_at < :end
       AND EXISTS (SELECT 1 FROM interactions i
                   WHERE i.message_id = m.message_id AND i.source_id = m.author_id
                     AND i.kind IN ('reply', 'thread_reply'))),
    (SELECT count(*) FROM interactions
     WHERE guild_id = :guild_id AND source_id = :user_id AND kind = 'reaction'
       AND created_at >= :start AND created_at < :end),
    (SELECT count(*) FROM (
        SELECT target_id FROM interactions
        WHERE guild_id = :guild_id AND source_id = :user_id
          AND created_at >= :start AND created_at < :end
        UNION
        SELECT source_id FROM interactions
        WHERE guild_id = :guild_id AND target_id = :user_id
          AND created_at >= :start AND created_at < :end)),
    (SELECT count(*) FROM connections
     WHERE guild_id = :guild_id AND (a = :user_id OR b = :user_id)
       AND first_at >= :start AND first_at < :end),
    (SELECT count(*) FROM messages
     WHERE guild_id = :guild_id AND author_id = :user_id AND kind = 'message' AND deleted = 0
       AND is_question = 1 AND created_at >= :start AND created_at < :end),
    (SELECT count(*) FROM messages q
     WHERE q.guild_id = :guild_id AND q.kind = 'message' AND q.deleted = 0 AND q.is_question = 1
       AND q.author_id != :user_id AND q.created_at >= :start AND q.created_at < :end
       AND EXISTS (SELECT 1 FROM messages r
                   WHERE r.author_id = :user_id AND r.kind = 'message' AND r.deleted = 0
                     AND (r.reply_to_message_id = q.message_id OR r.thread_id = q.message_id))),
    (SELECT count(*) FROM inferred_replies ir JOIN messages r ON r.message_id = ir.message_id
     WHERE ir.guild_id = :guild_id AND ir.source_id = :user_id
       AND ir.created_at >= :start AND ir.created_at < :end AND {COUNTED_INFERRED})
"""  # noqa: S608 (composed from bot/store/responses.py only)


# When a member joined and their first message that counts here. The join is the
# member's row, written with each join event (the latest join wins) or from what
# Discord reports with their first live message; unknown for imported history, whose
# exports record joins only as notices. They are a newcomer (docs/metrics.md) when they
# joined at most 7 days ago; when the join is unknown, the digest counts them as a
# newcomer at their first message, so they are one for 7 days after it. A member who
# left and came back is no newcomer if they posted before their latest join.
_DATES = f"""
SELECT joined.at, earliest.created_at,
       CASE WHEN joined.at IS NOT NULL
            THEN {joined_recently("joined.at", ":now")}
                 AND (earliest.created_at IS NULL OR earliest.created_at >= joined.at)
            ELSE earliest.created_at IS NOT NULL
                 AND {joined_recently("earliest.created_at", ":now")}
       END
FROM (SELECT (SELECT joined_at FROM members
              WHERE guild_id = :guild_id AND user_id = :user_id) AS at) AS joined
LEFT JOIN messages earliest
    ON earliest.message_id = {first_message(":guild_id", ":user_id")}
"""  # noqa: S608 (composed from bot/store/newcomers.py only)


@dataclass(frozen=True, slots=True)
class MemberDates:
    """When a member joined (None: unknown), their first message here (None: none yet),
    and whether they are a newcomer now."""

    joined_at: datetime | None
    first_message_at: datetime | None
    newcomer: bool


@dataclass(frozen=True, slots=True)
class Profile:
    """What a member did in the window: talking, listening, connecting, asking, answering."""

    messages: int
    replies: int
    reactions_given: int
    connections: int
    new_connections: int
    questions_asked: int
    questions_answered: int
    inferred_replies: int = 0  # messages of theirs inferred to answer someone

    @property
    def listening_ratio(self) -> float | None:
        """(replies + reactions) / (messages + reactions), as docs/metrics.md defines it."""
        return ratio(self.replies + self.reactions_given, self.messages + self.reactions_given)

    @property
    def listening_ratio_inferred(self) -> float | None:
        """The listening ratio with their inferred replies counted as replies."""
        listening = self.replies + self.inferred_replies + self.reactions_given
        return ratio(listening, self.messages + self.reactions_given)


class ProfileQueries:
    """Reads member profiles."""

    def __init__(self, reading: Access) -> None:
        self._reading = reading

    async def profile(self, guild_id: int, user_id: int, start: str, end: str) -> Profile:
        """A member's profile over ``[start, end)``; questions answered are others' questions
        of the window that the member replied to or answered in their thread."""
        params = {"guild_id": guild_id, "user_id": user_id, "start": start, "end": end}
        async with self._reading() as db:
            row = await fetch_one(db, _PROFILE, params)
        assert row is not None  # scalar subqueries always return a row
        return Profile(*(int(value) for value in row))

    async def dates(self, guild_id: int, user_id: int, now: str) -> MemberDates:
        """When the member joined, their first message that counts, and whether they are a
        newcomer as of ``now`` (bot/store/newcomers.py, as the digest counts them)."""
        params = {"guild_id": guild_id, "user_id": user_id, "now": now}
        async with self._reading() as db:
            row = await fetch_one(db, _DATES, params)
        assert row is not None  # one row from the subquery, whatever is stored
        joined, first, newcomer = row
        return MemberDates(
            joined_at=None if joined is None else from_db_time(joined),
            first_message_at=None if first is None else from_db_time(first),
            newcomer=bool(newcomer),
        )
