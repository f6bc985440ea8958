"""Who counts as a newcomer (docs/metrics.md), as SQL fragments shared by the summaries and
the alerts, so that the digest counts exactly the first messages the team is told about.

A newcomer's first message is the first message that counts of a member who joined at
most 7 days before it, or whose join is unknown (imported history). The fragments are
composed into statements at import time, from the column names given, never from input.
"""

from __future__ import annotations

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
