"""One member's listening profile over a trailing window (``/member`` and ``/me``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.analysis.summary import ratio
from bot.store.connection import fetch_one

if TYPE_CHECKING:
    from bot.store.connection import Access

_PROFILE = """
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
                     AND (r.reply_to_message_id = q.message_id OR r.thread_id = q.message_id)))
"""


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

    @property
    def listening_ratio(self) -> float | None:
        """(replies + reactions) / (messages + reactions), as docs/metrics.md defines it."""
        return ratio(self.replies + self.reactions_given, self.messages + self.reactions_given)


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
