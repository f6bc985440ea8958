"""What counts as a response (docs/metrics.md), as SQL fragments shared by the summaries and
the reminders, so that a question is answered in the digest exactly when it stops
being announced to the team.

Each fragment is a scalar subquery about a message aliased ``q`` (a row of
``messages``), with the named parameter ``:deadline``: responses after it are not
seen yet. They are composed into statements at import time, never from input.
"""

from __future__ import annotations

# The first response to q: a later message by someone else that (a) replies to it,
# (b) is in the thread or forum post it started (the thread's id is the message's), or
# (c) is in its channel or thread within 24 h and mentions its author. Mentions are
# found through the interactions aimed at the author (every counted message that
# mentions someone has exactly one interaction towards them: a mention, or the reply
# that took its place), through an index by asker and place.
FIRST_RESPONSE = """(SELECT min(response) FROM (
        SELECT r.created_at AS response FROM messages r
        WHERE r.reply_to_message_id = q.message_id AND r.author_id != q.author_id
          AND r.kind = 'message' AND r.deleted = 0 AND r.created_at <= :deadline
        UNION ALL
        SELECT r.created_at FROM messages r
        WHERE r.thread_id = q.message_id AND r.message_id != q.message_id
          AND r.author_id != q.author_id AND r.created_at >= q.created_at
          AND r.kind = 'message' AND r.deleted = 0 AND r.created_at <= :deadline
        UNION ALL
        SELECT i.created_at FROM interactions i
        JOIN messages r ON r.message_id = i.message_id
        WHERE i.guild_id = q.guild_id AND i.target_id = q.author_id
          AND i.channel_id = coalesce(q.thread_id, q.channel_id)
          AND i.created_at >= q.created_at
          AND i.created_at <= min(strftime('%Y-%m-%dT%H:%M:%fZ', q.created_at, '+1 day'), :deadline)
          AND i.kind IN ('mention', 'reply', 'thread_reply')
          AND i.message_id > q.message_id AND i.source_id != q.author_id
          AND EXISTS (SELECT 1 FROM message_mentions mm
                      WHERE mm.message_id = i.message_id AND mm.user_id = q.author_id)
          AND coalesce(r.thread_id, r.channel_id) = coalesce(q.thread_id, q.channel_id)
          AND r.kind = 'message' AND r.deleted = 0))"""

# The first reply or thread reply that reached q's author within 24 h of q: a
# newcomer whose first message got one was answered, whatever it replied to.
FIRST_REPLY_TO_AUTHOR = """(SELECT min(i.created_at) FROM interactions i
        WHERE i.guild_id = q.guild_id AND i.target_id = q.author_id
          AND i.kind IN ('reply', 'thread_reply')
          AND i.created_at >= q.created_at
          AND i.created_at <= min(
              strftime('%Y-%m-%dT%H:%M:%fZ', q.created_at, '+1 day'), :deadline))"""

# An inferred reply (bot/store/migrations/0009_inferred_replies.sql) that counts, for a
# row ``ir`` of inferred_replies joined to its message ``r``: the message still counts
# (not deleted, not a system message) and has no reply, thread-reply or mention of its
# own, so that no message is counted both as an explicit and as an inferred reply.
COUNTED_INFERRED = """r.kind = 'message' AND r.deleted = 0
          AND NOT EXISTS (SELECT 1 FROM interactions x
                          WHERE x.message_id = ir.message_id AND x.source_id = ir.source_id
                            AND x.kind IN ('reply', 'thread_reply', 'mention'))"""

# The first inferred reply to q by someone else, by :deadline: response (a) when inferred
# replies count as replies. Through the index by target message (CROSS JOIN keeps that
# order: left to itself, SQLite may scan messages instead).
FIRST_INFERRED_RESPONSE = f"""(SELECT min(ir.created_at) FROM inferred_replies ir
        CROSS JOIN messages r ON r.message_id = ir.message_id
        WHERE ir.target_message_id = q.message_id AND ir.source_id != q.author_id
          AND ir.created_at <= :deadline AND {COUNTED_INFERRED})"""  # noqa: S608


def inference_on(guild_id: str) -> str:
    """Whether the guild in column ``guild_id`` has inference on (no row: on), as SQL."""
    return f"""coalesce((SELECT s.enabled FROM inference_settings s
                         WHERE s.guild_id = {guild_id}), 1) = 1"""  # noqa: S608


# The first response as the team sees it, for the board, /unanswered, the digest's
# waiting figures and the inboxes: an explicit one, or an inferred reply when the
# guild's inference is on. The stored summary keeps both figures instead.
FIRST_RESPONSE_SEEN = f"""(SELECT min(seen) FROM (
        SELECT {FIRST_RESPONSE} AS seen
        UNION ALL
        SELECT {FIRST_INFERRED_RESPONSE} WHERE {inference_on("q.guild_id")}))"""  # noqa: S608


# The row of ``message_responses`` (bot/store/response_rollup.py) that can be trusted
# for the message ``q``, as ``s``: a join for the statements that read :func:`kept`.
# Nor while its author is marked in member_firsts_dirty (bot/store/firsts.py): the
# first reply to the author is kept up to date for first messages only.
KEPT_JOIN = """LEFT JOIN message_responses s ON s.message_id = q.message_id
    AND NOT EXISTS (SELECT 1 FROM message_responses_dirty d WHERE d.message_id = q.message_id)
    AND NOT EXISTS (SELECT 1 FROM member_firsts_dirty md
                    WHERE md.guild_id = q.guild_id AND md.user_id = q.author_id)"""


def kept(column: str, fragment: str) -> str:
    """``fragment`` (:data:`FIRST_RESPONSE` or :data:`FIRST_REPLY_TO_AUTHOR`) about ``q``
    by :deadline, read from its trusted row ``s`` of ``message_responses`` (:data:`KEPT_JOIN`;
    ``column``, the earliest ever) when it has one: the earliest by :deadline is that
    one when it is not later. Computed otherwise."""
    return f"""(CASE WHEN s.message_id IS NOT NULL
           THEN CASE WHEN s.{column} <= :deadline THEN s.{column} END
           ELSE {fragment} END)"""


KEPT_FIRST_RESPONSE = kept("first_response", FIRST_RESPONSE)
KEPT_FIRST_REPLY_TO_AUTHOR = kept("first_reply_to_author", FIRST_REPLY_TO_AUTHOR)

# FIRST_RESPONSE_SEEN with the explicit response read from the trusted row ``s``
# (:data:`KEPT_JOIN`) when there is one, for the statements that check many questions.
KEPT_FIRST_RESPONSE_SEEN = f"""(SELECT min(seen) FROM (
        SELECT {KEPT_FIRST_RESPONSE} AS seen
        UNION ALL
        SELECT {FIRST_INFERRED_RESPONSE} WHERE {inference_on("q.guild_id")}))"""  # noqa: S608
