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
