"""What ``/export`` and ``ascolto export`` read: the network as directed pairs, inferred
replies, and messages.

Times are store times; a range is ``[start, end)`` in UTC, from the guild's local
days (bot/analysis/days.py), or all time when a bound is None. Both queries read
through the (guild_id, created_at) indexes.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.store.connection import fetch_all
from bot.store.responses import COUNTED_INFERRED

if TYPE_CHECKING:
    from bot.store.connection import Access

# Bounds that every store time ("2026-…") lies between, for an open end of a range.
_BEFORE_ALL = "0000"
_AFTER_ALL = "9999"

# One row per directed pair with at least one interaction in the range, with the
# members' display names (NULL when unknown).
_CONNECTIONS = """
WITH pairs AS (
    SELECT source_id, target_id,
           sum(kind = 'reply') AS replies,
           sum(kind = 'thread_reply') AS thread_replies,
           sum(kind = 'mention') AS mentions,
           sum(kind = 'reaction') AS reactions,
           count(*) AS interactions,
           min(created_at) AS first_at,
           max(created_at) AS last_at
    FROM interactions
    WHERE guild_id = :guild_id AND created_at >= :start AND created_at < :end
    GROUP BY source_id, target_id
)
SELECT pairs.*, s.display_name, t.display_name
FROM pairs
LEFT JOIN members s ON s.guild_id = :guild_id AND s.user_id = pairs.source_id
LEFT JOIN members t ON t.guild_id = :guild_id AND t.user_id = pairs.target_id
ORDER BY pairs.source_id, pairs.target_id
"""

MESSAGE_COLUMNS = (
    "message_id",
    "guild_id",
    "channel_id",
    "thread_id",
    "author_id",
    "created_at",
    "kind",
    "reply_to_message_id",
    "is_question",
    "length",
    "attachments",
    "edited_at",
    "deleted",
)

# The columns of MESSAGE_COLUMNS, in that order; the text only when asked for.
_MESSAGES = """
SELECT message_id, guild_id, channel_id, thread_id, author_id, created_at, kind,
       reply_to_message_id, is_question, length, attachments, edited_at, deleted
FROM messages
WHERE guild_id = :guild_id AND created_at >= :start AND created_at < :end
ORDER BY created_at, message_id
"""

_MESSAGES_WITH_CONTENT = """
SELECT message_id, guild_id, channel_id, thread_id, author_id, created_at, kind,
       reply_to_message_id, is_question, length, attachments, edited_at, deleted, content
FROM messages
WHERE guild_id = :guild_id AND created_at >= :start AND created_at < :end
ORDER BY created_at, message_id
"""


INFERRED_COLUMNS = (
    "message_id",
    "guild_id",
    "channel_id",
    "source_id",
    "target_message_id",
    "target_id",
    "score",
    "model_version",
    "created_at",
)

# The inferred replies that count (docs/metrics.md, "Inferred replies") posted in the
# range, in the columns of INFERRED_COLUMNS, through the (guild_id, created_at) index.
_INFERRED = f"""
SELECT ir.message_id, ir.guild_id, ir.channel_id, ir.source_id, ir.target_message_id,
       ir.target_id, ir.score, ir.model_version, ir.created_at
FROM inferred_replies ir JOIN messages r ON r.message_id = ir.message_id
WHERE ir.guild_id = :guild_id AND ir.created_at >= :start AND ir.created_at < :end
  AND {COUNTED_INFERRED}
ORDER BY ir.created_at, ir.message_id
"""  # noqa: S608 (composed from bot/store/responses.py only)

# One row per directed pair with an inferred reply in the range: the GraphML's
# inferred edges.
_INFERRED_PAIRS = f"""
SELECT ir.source_id, ir.target_id, count(*), min(ir.created_at), max(ir.created_at)
FROM inferred_replies ir JOIN messages r ON r.message_id = ir.message_id
WHERE ir.guild_id = :guild_id AND ir.created_at >= :start AND ir.created_at < :end
  AND {COUNTED_INFERRED}
GROUP BY ir.source_id, ir.target_id
ORDER BY ir.source_id, ir.target_id
"""  # noqa: S608 (composed from bot/store/responses.py only)


@dataclass(frozen=True, slots=True)
class InferredPair:
    """The replies ``source`` was inferred to have made to ``target`` in a range."""

    source: int
    target: int
    inferred_replies: int
    first_at: str
    last_at: str


@dataclass(frozen=True, slots=True)
class Connection:
    """Everything ``source`` paid ``target`` attention with in a range, by kind."""

    source: int
    target: int
    replies: int
    thread_replies: int
    mentions: int
    reactions: int
    interactions: int
    first_at: str
    last_at: str
    source_name: str | None
    target_name: str | None


class ExportQueries:
    """Reads the rows of exports: connections at once, messages in batches."""

    def __init__(self, reading: Access) -> None:
        self._reading = reading

    async def connections(
        self, guild_id: int, start: str | None = None, end: str | None = None
    ) -> list[Connection]:
        """Every directed pair with an interaction in ``[start, end)``, by source and target."""
        async with self._reading() as db:
            rows = await fetch_all(db, _CONNECTIONS, _range(guild_id, start, end))
        return [Connection(*row) for row in rows]

    async def inferred_replies(
        self, guild_id: int, start: str | None = None, end: str | None = None
    ) -> list[tuple[Any, ...]]:
        """The inferred replies of ``[start, end)`` in time order, as INFERRED_COLUMNS."""
        async with self._reading() as db:
            return await fetch_all(db, _INFERRED, _range(guild_id, start, end))

    async def inferred_pairs(
        self, guild_id: int, start: str | None = None, end: str | None = None
    ) -> list[InferredPair]:
        """Every directed pair with an inferred reply in ``[start, end)``."""
        async with self._reading() as db:
            rows = await fetch_all(db, _INFERRED_PAIRS, _range(guild_id, start, end))
        return [InferredPair(*row) for row in rows]

    async def messages(
        self,
        guild_id: int,
        start: str | None = None,
        end: str | None = None,
        *,
        content: bool = False,
        batch_size: int = 1000,
    ) -> AsyncGenerator[list[tuple[Any, ...]], None]:
        """The messages of ``[start, end)`` in time order, ``batch_size`` rows at a time:
        the values of MESSAGE_COLUMNS, then the stored text (or None) if ``content``."""
        sql = _MESSAGES_WITH_CONTENT if content else _MESSAGES
        async with self._reading() as db, db.execute(sql, _range(guild_id, start, end)) as cursor:
            # Read in batches from one cursor: an export may hold millions of rows.
            while batch := await cursor.fetchmany(batch_size):
                yield [tuple(row) for row in batch]


def _range(guild_id: int, start: str | None, end: str | None) -> dict[str, Any]:
    return {
        "guild_id": guild_id,
        "start": _BEFORE_ALL if start is None else start,
        "end": _AFTER_ALL if end is None else end,
    }
