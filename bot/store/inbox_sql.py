"""The SQL of the members' inboxes and daily DMs (bot/store/inbox.py holds the queries
that run it): which items are open and answered, which questions a member could
answer, and a member's week. Composed at import time from constants only.
"""

from __future__ import annotations

from bot.store.newcomers import joined_recently, newcomer_firsts
from bot.store.responses import (
    COUNTED_INFERRED,
    FIRST_RESPONSE_SEEN,
    KEPT_FIRST_RESPONSE_SEEN,
    KEPT_JOIN,
    inference_on,
)


def _answer_time(item: str, member: str, author: str) -> str:
    """When the member answered an item: a subquery over the columns named, for the
    item's message, the member and the item's author. Built from constants only."""
    return f"""(SELECT min(answered) FROM (
        SELECT a.created_at AS answered FROM interactions a
        JOIN messages m ON m.message_id = {item}
        WHERE a.guild_id = m.guild_id AND a.source_id = {member} AND a.target_id = {author}
          AND a.kind IN ('reply', 'thread_reply', 'mention')
          AND a.channel_id = coalesce(m.thread_id, m.channel_id)
          AND a.created_at >= m.created_at AND a.message_id != {item}
        UNION ALL
        SELECT x.created_at FROM reactions x
        WHERE x.message_id = {item} AND x.user_id = {member}
        UNION ALL
        SELECT ir.created_at FROM inferred_replies ir
        CROSS JOIN messages r ON r.message_id = ir.message_id
        WHERE ir.target_message_id = {item} AND ir.source_id = {member}
          AND {COUNTED_INFERRED} AND {inference_on("ir.guild_id")}
        UNION ALL
        SELECT d.done_at FROM inbox_done d
        WHERE d.user_id = {member} AND d.message_id = {item}))"""  # noqa: S608


ITEM_COLUMNS = """i.message_id, i.source_id, m.channel_id, m.thread_id, i.created_at, i.kind,
       substr(m.content, 1, 200)"""


def _inbox_items(members: str) -> str:
    """The open items (of ``ITEM_COLUMNS``) of the members that the condition
    ``members`` on ``i.target_id`` keeps. Built from constants only."""
    return f"""
FROM interactions i JOIN messages m ON m.message_id = i.message_id
WHERE i.guild_id = :guild_id AND {members} AND i.kind IN ('reply', 'mention')
  AND i.created_at >= :since AND i.created_at <= :until
  AND m.kind = 'message' AND m.deleted = 0
  AND {_answer_time("i.message_id", "i.target_id", "i.source_id")} IS NULL"""


INBOX = f"""SELECT {ITEM_COLUMNS} {_inbox_items("i.target_id = :user_id")}
ORDER BY i.created_at DESC, i.message_id DESC
"""

# The items no DM listed yet of several members at once (:members, a JSON array of
# ids), each with its member, through the per-member index of the reminders: the
# reminder pass reads every due DM's items in one statement.
INBOX_UNLISTED = f"""SELECT i.target_id, {ITEM_COLUMNS}
{_inbox_items("i.target_id IN (SELECT value FROM json_each(:members))")}
  AND NOT EXISTS (SELECT 1 FROM reminders r
                  WHERE r.guild_id = :guild_id AND r.user_id = i.target_id
                    AND r.kind = 'inbox' AND r.message_id = i.message_id)
ORDER BY i.target_id, i.created_at DESC, i.message_id DESC
"""  # noqa: S608 (composed from constants only)


def _answered_items(open_items: str) -> str:
    """When the open DM items that the condition ``open_items`` on the reminder ``r``
    keeps were answered, if they were. Built from constants only."""
    return f"""
SELECT reminder_id, answered_at FROM (
    SELECT r.reminder_id, {_answer_time("r.message_id", "r.user_id", "r.author_id")}
           AS answered_at
    FROM reminders r
    WHERE r.answered_at IS NULL AND r.sent_at >= :since AND r.kind = 'inbox'
      AND {open_items}
)
WHERE answered_at IS NOT NULL
"""  # noqa: S608 (composed from constants only)


# Every open item asked again (the first check, or after a long pause).
ANSWERED_ITEMS = _answered_items("1")

# The items that something written from :from on may answer (bot/store/answers_checked.py),
# found from that side: the member's new replies, thread replies and mentions towards the
# item's author, and the member's new inferred replies to the item, each reaching the
# item through the per-member index of the reminders. A reaction or a Done mark is not
# dated by when it was stored (a reaction waits in the write queue, a Done may race the
# check), so an item with either is always asked: one look-up each, in small tables. The
# rule above then decides, exactly as for every item.
_FRESH_ITEMS = """
WITH watched AS (
    SELECT DISTINCT guild_id FROM reminders INDEXED BY reminders_open
    WHERE answered_at IS NULL AND sent_at >= :since AND kind = 'inbox')
SELECT r.reminder_id FROM interactions i
CROSS JOIN reminders r ON r.guild_id = i.guild_id AND r.user_id = i.source_id
     AND r.sent_at >= :since
WHERE i.guild_id IN watched AND i.created_at >= :from
  AND i.kind IN ('reply', 'thread_reply', 'mention')
  AND r.kind = 'inbox' AND r.answered_at IS NULL AND r.author_id = i.target_id
UNION
SELECT r.reminder_id FROM inferred_replies ir
CROSS JOIN reminders r ON r.guild_id = ir.guild_id AND r.user_id = ir.source_id
     AND r.sent_at >= :since
WHERE ir.guild_id IN watched AND ir.created_at >= :from
  AND r.kind = 'inbox' AND r.answered_at IS NULL AND r.message_id = ir.target_message_id"""

ANSWERED_ITEMS_SINCE = _answered_items(
    f"""(r.reminder_id IN ({_FRESH_ITEMS})
        OR EXISTS (SELECT 1 FROM reactions x
                   WHERE x.message_id = r.message_id AND x.user_id = r.user_id)
        OR EXISTS (SELECT 1 FROM inbox_done d
                   WHERE d.user_id = r.user_id AND d.message_id = r.message_id))"""  # noqa: S608
)

# A listening nudge is followed when the member next replies or reacts to someone.
LISTENED = """
SELECT reminder_id, answered_at FROM (
    SELECT r.reminder_id,
           (SELECT min(i.created_at) FROM interactions i
            WHERE i.guild_id = r.guild_id AND i.source_id = r.user_id
              AND i.kind IN ('reply', 'thread_reply', 'reaction')
              AND i.created_at >= r.sent_at) AS answered_at
    FROM reminders r
    WHERE r.answered_at IS NULL AND r.sent_at >= :since AND r.kind = 'listening'
)
WHERE answered_at IS NOT NULL
"""

# The channels where the member posted since :active_since (a thread's message counts
# for its channel), read once for the two statements below.
ACTIVE_CHANNELS = """
SELECT DISTINCT channel_id FROM messages
WHERE guild_id = :guild_id AND author_id = :user_id AND created_at >= :active_since
  AND kind = 'message' AND deleted = 0
"""

# Open questions the member could answer: asked in the last 7 days by someone else in a
# channel (or a thread of one) where the member posted in the last 30 (:channels, a JSON
# array of ids), with no response yet, not addressed to anyone but the member (no reply
# or mention from it towards someone else), and never offered to them before (a
# 'listening' reminder names the question it offered). Composed with the questions to
# look at, aliased q; the response is checked apart (_UNANSWERED), the costliest part.
TO_ME = """q.guild_id = :guild_id AND q.author_id != :user_id
  AND q.is_question = 1 AND q.created_at >= :since
  AND q.kind = 'message' AND q.deleted = 0
  AND q.channel_id IN (SELECT value FROM json_each(:channels))
  AND NOT EXISTS (SELECT 1 FROM interactions a
                  WHERE a.message_id = q.message_id AND a.source_id = q.author_id
                    AND a.kind IN ('reply', 'mention') AND a.target_id != :user_id)
  AND NOT EXISTS (SELECT 1 FROM reminders r
                  WHERE r.guild_id = :guild_id AND r.user_id = :user_id
                    AND r.kind = 'listening' AND r.message_id = q.message_id)"""
_UNANSWERED = f"{FIRST_RESPONSE_SEEN} IS NULL"

_QUESTION_COLUMNS = """q.message_id, q.author_id, q.channel_id, q.thread_id, q.created_at,
       substr(q.content, 1, 200)"""

# The newest such questions. Newest first down the questions index, so the statement
# stops at :limit instead of deciding every question of a busy week.
QUESTIONS_TO_ANSWER = f"""
SELECT {_QUESTION_COLUMNS} FROM messages q
WHERE {TO_ME} AND {_UNANSWERED}
ORDER BY q.created_at DESC, q.message_id DESC
LIMIT :limit
"""  # noqa: S608 (composed from constants only)


# A guild's open questions of the last 7 days asked by newcomers (bot/store/newcomers.py),
# newest first: by members who joined at most 7 days before asking, or, when the join is
# unknown, in their first message. The first messages, as the summaries find them
# (``newcomer_firsts``: a range of ``member_firsts`` by time), the questions only.
# Responses are read from ``message_responses`` where it can be trusted. The same for
# every member, so read once per reminder pass. The questions of the members who joined
# lately are read from those members (CROSS JOIN: SQLite keeps that order), each one's
# questions a range of ``questions_by_author`` (schema 17): in a guild where many joined
# lately too, fewer rows than the week's questions of everyone.
NEWCOMERS_OPEN_QUESTIONS = f"""
WITH newcomer_firsts AS ({
    newcomer_firsts("q.created_at >= :since AND q.is_question = 1", "s.created_at >= :since")
})
SELECT message_id FROM (
    SELECT q.message_id, q.created_at FROM members mb
    CROSS JOIN messages q ON q.guild_id = mb.guild_id AND q.author_id = mb.user_id
    {KEPT_JOIN}
    WHERE q.created_at >= :since AND q.is_question = 1 AND q.kind = 'message' AND q.deleted = 0
      AND mb.guild_id = :guild_id AND mb.joined_at >= :newcomers_joined_since
      AND {joined_recently("mb.joined_at", "q.created_at")}
      AND {KEPT_FIRST_RESPONSE_SEEN} IS NULL
    UNION
    SELECT q.message_id, q.created_at FROM messages q
    {KEPT_JOIN}
    WHERE q.message_id IN (SELECT message_id FROM newcomer_firsts) AND q.is_question = 1
      AND {KEPT_FIRST_RESPONSE_SEEN} IS NULL
)
ORDER BY created_at DESC, message_id DESC
"""  # noqa: S608 (composed from constants only)

# Among those (:newcomer_questions, a JSON array of ids, newest first, found unanswered
# by the same pass), the newest the member could answer: looked up by id (CROSS JOIN),
# not found again among the week's questions.
NEWCOMERS_QUESTIONS = f"""
SELECT {_QUESTION_COLUMNS} FROM json_each(:newcomer_questions) n
CROSS JOIN messages q ON q.message_id = n.value
WHERE {TO_ME}
ORDER BY n.key
LIMIT :limit
"""  # noqa: S608 (composed from constants only)


# Each member's messages, listening messages and reactions given in a window, for
# several members at once (:members, a JSON array of ids): one scan of each member's
# messages and one of the interactions they gave. Members with fewer than :at_least
# messages stored in the window are left out first, counted down the per-author index
# alone (no row read): a bound of those that count.
WEEKS = """
SELECT u.value,
    (SELECT count(*) FROM messages
     WHERE guild_id = :guild_id AND author_id = u.value AND kind = 'message' AND deleted = 0
       AND created_at >= :since AND created_at < :until),
    total(i.kind IN ('reply', 'thread_reply')), total(i.kind = 'reaction')
FROM json_each(:members) AS u
LEFT JOIN interactions i
    ON i.guild_id = :guild_id AND i.source_id = u.value
   AND i.created_at >= :since AND i.created_at < :until
WHERE :at_least <= 0
   OR (SELECT count(*) FROM messages
       WHERE guild_id = :guild_id AND author_id = u.value
         AND created_at >= :since AND created_at < :until) >= :at_least
GROUP BY u.value
"""


# A member's nudge settings, with the last DM Ascolto sent them from any guild.
NUDGE = """SELECT guild_id, user_id, hour, enabled, next_due_at, last_sent_at,
    last_listening_at, off_reason,
    (SELECT max(n.last_sent_at) FROM nudges n WHERE n.user_id = nudges.user_id)
FROM nudges WHERE guild_id = ? AND user_id = ?"""

# Every DM due at or before :now, oldest first, the same columns: the last DM from any
# guild is read once for all members (one grouped pass over nudges), not once per row.
DUE_NUDGES = """SELECT d.guild_id, d.user_id, d.hour, d.enabled, d.next_due_at, d.last_sent_at,
    d.last_listening_at, d.off_reason, last_dm.at
FROM nudges d
LEFT JOIN (SELECT user_id, max(last_sent_at) AS at FROM nudges GROUP BY user_id) AS last_dm
    ON last_dm.user_id = d.user_id
WHERE d.enabled = 1 AND d.next_due_at <= :now
ORDER BY d.next_due_at"""
