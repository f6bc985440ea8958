"""A day's connection, conversation and broadcaster figures, kept with its rollup (schema 15).

Three statements of a day's summary read the most: the day's connections and top
connectors (every interaction of the day), its top conversations (every reply of the
day walked up to its root) and its broadcasters (a week of ``member_days``). Their
results, a handful of rows, are kept in ``day_figures`` and its three tables, computed
by these statements only and dropped with the day's rollup in ``activity_days``
(foreign keys), so they are true exactly while the day's member_days are:

* the bot's flush computes the connections and conversations of the day it rolls up
  once the day has ended (:func:`keep_ended_day`, from bot/store/activity.py), and its
  broadcasters by the rule of the guild's latest summary when the day's week is rolled
  up, so that the next morning's summary reads them instead of the day's rows;
* a summary reads them (:func:`figures`), and computes and keeps whatever is missing,
  the broadcasters for its rule (another rule replaces them).

No name is kept: the summary reads the members' names as they are now.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import aiosqlite

    from bot.analysis.broadcasters import BroadcasterRule

Row = tuple[Any, ...]

# The day's connections, once: their number, the reciprocal ones, and the members with
# the most of them. One row even on a day without any.
_CONNECTIONS = """
WITH pairs AS (
    SELECT min(source_id, target_id) AS a, max(source_id, target_id) AS b,
           count(DISTINCT source_id) AS directions
    FROM interactions
    WHERE guild_id = :guild_id AND created_at >= :start AND created_at < :end
    GROUP BY 1, 2
),
ranked AS (
    SELECT member, count(*) AS connections
    FROM (SELECT a AS member FROM pairs UNION ALL SELECT b FROM pairs)
    GROUP BY member
    ORDER BY connections DESC, member
    LIMIT 5
)
SELECT totals.active, totals.reciprocal, ranked.member, ranked.connections
FROM (SELECT count(*) AS active, coalesce(sum(directions = 2), 0) AS reciprocal
      FROM pairs) AS totals
LEFT JOIN ranked
ORDER BY ranked.connections DESC, ranked.member
"""

# Each member's week, summed from the seven daily rollups that end on the day. The
# listening ratio is compared and ordered exact, as BroadcasterRule.applies compares it
# (a double division, in SQLite as in Python); daily_summary rounds it for display.
_BROADCASTERS = """
WITH week AS (
    SELECT user_id AS member, sum(messages) AS messages, sum(replies) AS replies,
           sum(reactions) AS reactions
    FROM member_days
    WHERE guild_id = :guild_id AND day >= :week_first AND day <= :day
    GROUP BY user_id
    HAVING sum(messages) >= :min_messages
),
scored AS (
    SELECT member, messages, replies + reactions AS listening,
           messages + reactions AS activity,
           (replies + reactions) * 1.0 / (messages + reactions) AS listening_ratio
    FROM week
)
SELECT scored.member, scored.messages, scored.listening, scored.activity
FROM scored
WHERE scored.listening_ratio < :max_ratio
ORDER BY scored.listening_ratio, scored.messages DESC, scored.member
LIMIT 5
"""

# A conversation is a thread (or forum post), else a reply tree outside threads,
# named by its root message. Only conversations with two messages or more count, so
# the chains are walked up from the day's replies only: a message that replies to
# nothing is a root, and it joins the tree of the replies that lead to it.
_TOP_CONVERSATIONS = """
WITH RECURSIVE day AS (
    SELECT message_id, author_id, channel_id, thread_id, reply_to_message_id FROM messages
    WHERE guild_id = :guild_id AND created_at >= :start AND created_at < :end
      AND kind = 'message' AND deleted = 0
),
chain (message_id, author_id, channel_id, current, parent, depth) AS (
    SELECT message_id, author_id, channel_id, message_id, reply_to_message_id, 0 FROM day
    WHERE thread_id IS NULL AND reply_to_message_id IS NOT NULL
    UNION ALL
    SELECT chain.message_id, chain.author_id, chain.channel_id, up.message_id,
           up.reply_to_message_id, chain.depth + 1
    FROM chain JOIN messages up ON up.message_id = chain.parent
    WHERE up.thread_id IS NULL AND chain.depth < 1000
),
replies AS (
    SELECT current AS root, author_id, channel_id FROM chain
    WHERE parent IS NULL OR depth = 1000 OR NOT EXISTS (
        SELECT 1 FROM messages up WHERE up.message_id = chain.parent AND up.thread_id IS NULL)
),
trees AS (
    SELECT root, author_id, channel_id FROM replies
    UNION ALL
    SELECT m.message_id, m.author_id, m.channel_id FROM messages m
    WHERE m.message_id IN (SELECT root FROM replies)
      AND m.created_at >= :start AND m.created_at < :end AND m.kind = 'message'
      AND m.deleted = 0 AND m.thread_id IS NULL AND m.reply_to_message_id IS NULL
),
conversations AS (
    SELECT day.thread_id AS channel_id, min(day.message_id) AS message_id,
           count(*) AS messages, count(DISTINCT day.author_id) AS participants
    FROM day WHERE day.thread_id IS NOT NULL
    GROUP BY day.thread_id
    UNION ALL
    SELECT min(channel_id), root, count(*), count(DISTINCT author_id)
    FROM trees GROUP BY root
)
SELECT channel_id, message_id, messages, participants FROM conversations
WHERE messages >= 2
ORDER BY messages DESC, participants DESC, message_id
LIMIT 3
"""

WEEK_DAYS = 7  # the broadcasters' week: the day and the six before it

# At a flush: the broadcaster rule of the guild's latest day kept by a summary, and how
# many days of the week ending on :day are rolled up (all seven: its member_days sums
# are the summary's).
_FLUSH_RULE = """
SELECT f.min_messages, f.max_ratio,
       (SELECT count(*) FROM activity_days AS a
        WHERE a.guild_id = :guild_id AND a.day >= :week_first AND a.day <= :day)
FROM day_figures AS f
WHERE f.guild_id = :guild_id AND f.day < :day AND f.min_messages IS NOT NULL
ORDER BY f.day DESC LIMIT 1
"""

# Whether the day is rolled up (the figures can be kept), and what is kept of it.
_KEPT = """
SELECT f.day IS NOT NULL, f.min_messages, f.max_ratio
FROM activity_days AS a
LEFT JOIN day_figures AS f ON f.guild_id = a.guild_id AND f.day = a.day
WHERE a.guild_id = :guild_id AND a.day = :day
"""

# A day's figures kept, with the rule of its broadcasters (none, at a flush).
_KEEP_DAY = """
INSERT INTO day_figures (guild_id, day, min_messages, max_ratio)
VALUES (:guild_id, :day, :min_messages, :max_ratio)
"""

_KEEP_CONNECTIONS = """
INSERT INTO day_connections (guild_id, day, position, active, reciprocal, member, connections)
VALUES (:guild_id, :day, :position, :c0, :c1, :c2, :c3)
"""

_KEEP_CONVERSATIONS = """
INSERT INTO day_conversations
    (guild_id, day, position, channel_id, message_id, messages, participants)
VALUES (:guild_id, :day, :position, :c0, :c1, :c2, :c3)
"""

_KEEP_RULE = """
UPDATE day_figures SET min_messages = :min_messages, max_ratio = :max_ratio
WHERE guild_id = :guild_id AND day = :day
"""

_DROP_BROADCASTERS = "DELETE FROM day_broadcasters WHERE guild_id = :guild_id AND day = :day"

_KEEP_BROADCASTERS = """
INSERT INTO day_broadcasters (guild_id, day, position, member, messages, listening, activity)
VALUES (:guild_id, :day, :position, :c0, :c1, :c2, :c3)
"""

_CONNECTIONS_KEPT = """
SELECT active, reciprocal, member, connections FROM day_connections
WHERE guild_id = :guild_id AND day = :day ORDER BY position
"""

_CONVERSATIONS_KEPT = """
SELECT channel_id, message_id, messages, participants FROM day_conversations
WHERE guild_id = :guild_id AND day = :day ORDER BY position
"""

_BROADCASTERS_KEPT = """
SELECT member, messages, listening, activity FROM day_broadcasters
WHERE guild_id = :guild_id AND day = :day ORDER BY position
"""

# The current names of the members :ids (a JSON list).
_NAMES = """
SELECT user_id, display_name FROM members
WHERE guild_id = :guild_id AND user_id IN (SELECT value FROM json_each(:ids))
"""


@dataclass(frozen=True, slots=True)
class Figures:
    """The rows of the three statements for one day, and the names of their members."""

    connections: list[Row]  # active, reciprocal, member, connections
    conversations: list[Row]  # channel_id, message_id, messages, participants
    broadcasters: list[Row]  # member, messages, listening, activity
    names: dict[int, str | None]


async def _rows(db: aiosqlite.Connection, sql: str, params: dict[str, Any]) -> list[Row]:
    async with db.execute(sql, params) as cursor:
        return [tuple(row) for row in await cursor.fetchall()]


async def _keep(
    db: aiosqlite.Connection, sql: str, params: dict[str, Any], rows: list[Row]
) -> None:
    """Keep a statement's ``rows`` (four columns each, :c0 to :c3), in their order."""
    await db.executemany(
        sql,
        [
            {"guild_id": params["guild_id"], "day": params["day"], "position": position}
            | {f"c{index}": value for index, value in enumerate(row)}
            for position, row in enumerate(rows)
        ],
    )


async def keep_ended_day(db: aiosqlite.Connection, params: dict[str, Any]) -> None:
    """At the flush that rolls a day up (bot/store/activity.py), in its transaction: the
    day's connections and conversations, computed and kept, and its broadcasters by the
    rule of the guild's latest summary when the day's week is rolled up (a summary with
    another rule computes them again). ``params``: guild_id, day, week_first, start,
    end."""
    connections = await _rows(db, _CONNECTIONS, params)
    conversations = await _rows(db, _TOP_CONVERSATIONS, params)
    async with db.execute(_FLUSH_RULE, params) as cursor:
        found = await cursor.fetchone()
    rule = {"min_messages": None, "max_ratio": None}
    if found is not None and found[2] == WEEK_DAYS:
        rule = {"min_messages": found[0], "max_ratio": found[1]}
    await db.execute(_KEEP_DAY, params | rule)
    await _keep(db, _KEEP_CONNECTIONS, params, connections)
    await _keep(db, _KEEP_CONVERSATIONS, params, conversations)
    if rule["min_messages"] is not None:
        broadcasters = await _rows(db, _BROADCASTERS, params | rule)
        await _keep(db, _KEEP_BROADCASTERS, params, broadcasters)


async def figures(
    db: aiosqlite.Connection, params: dict[str, Any], rule: BroadcasterRule
) -> Figures:
    """The day's figures, in a write transaction: read where kept, else computed, and
    kept when the day is rolled up. ``params``: the summary's (guild_id, day, start,
    end, week_first, min_messages, max_ratio); the week's member_days are rolled up."""
    async with db.execute(_KEPT, params) as cursor:
        found = await cursor.fetchone()
    rolled_up = found is not None
    kept_rule = (found[1], found[2]) if found is not None and found[0] else None
    rule_params = params | {"min_messages": rule.min_messages, "max_ratio": rule.max_ratio}
    if kept_rule is None:
        connections = await _rows(db, _CONNECTIONS, params)
        conversations = await _rows(db, _TOP_CONVERSATIONS, params)
        broadcasters = await _rows(db, _BROADCASTERS, rule_params)
        if rolled_up:
            await db.execute(_KEEP_DAY, rule_params)
            await _keep(db, _KEEP_CONNECTIONS, params, connections)
            await _keep(db, _KEEP_CONVERSATIONS, params, conversations)
            await _keep(db, _KEEP_BROADCASTERS, params, broadcasters)
    else:
        connections = await _rows(db, _CONNECTIONS_KEPT, params)
        conversations = await _rows(db, _CONVERSATIONS_KEPT, params)
        if kept_rule == (rule.min_messages, rule.max_ratio):
            broadcasters = await _rows(db, _BROADCASTERS_KEPT, params)
        else:
            # Kept at a flush (no rule), or for another rule: computed for this one.
            broadcasters = await _rows(db, _BROADCASTERS, rule_params)
            await db.execute(_KEEP_RULE, rule_params)
            await db.execute(_DROP_BROADCASTERS, params)
            await _keep(db, _KEEP_BROADCASTERS, params, broadcasters)
    members = {row[2] for row in connections if row[2] is not None}
    members.update(row[0] for row in broadcasters)
    names: dict[int, str | None] = {}
    if members:
        ids = {"guild_id": params["guild_id"], "ids": json.dumps(sorted(members))}
        names = {user: name for user, name in await _rows(db, _NAMES, ids)}
    return Figures(connections, conversations, broadcasters, names)
