"""The SQL that decides what waits for the community team (bot/store/alerts.py holds
the queries that run it): which items fell due, which wait now or expired, when an
announced one got its response, and what the board lists. Composed at import time
from constants only, never from input.
"""

from __future__ import annotations

from bot.store.newcomers import first_message, joined_recently, newcomer_firsts
from bot.store.responses import (
    FIRST_REPLY_TO_AUTHOR,
    FIRST_RESPONSE_SEEN,
    KEPT_FIRST_REPLY_TO_AUTHOR,
    KEPT_FIRST_RESPONSE_SEEN,
    KEPT_JOIN,
)

# The members a message is addressed to: whom its replies and mentions reach.
_ADDRESSED_TO = """(SELECT group_concat(i.target_id) FROM interactions i
        WHERE i.message_id = q.message_id AND i.kind IN ('reply', 'mention'))"""
_ADDRESSED = """EXISTS (SELECT 1 FROM interactions i
        WHERE i.message_id = q.message_id AND i.kind IN ('reply', 'mention'))"""

# Distinct members other than the author who reacted.
_REACTIONS = """(SELECT count(DISTINCT r.user_id) FROM reactions r
        WHERE r.message_id = q.message_id AND r.user_id != q.author_id)"""

# A message that starts something: not a reply, not in a thread it did not start, and
# mentioning no member.
_STARTS_SOMETHING = """(q.reply_to_message_id IS NULL
        AND (q.thread_id IS NULL OR q.thread_id = q.message_id)
        AND NOT EXISTS (SELECT 1 FROM interactions i
                        WHERE i.message_id = q.message_id AND i.kind = 'mention'))"""

_ITEM_COLUMNS = f"""q.message_id, q.author_id, q.channel_id, q.thread_id, q.created_at,
    substr(q.content, 1, 200) AS excerpt, {_ADDRESSED_TO} AS addressed, {_REACTIONS} AS reactions"""

_NOT_ALERTED = """NOT EXISTS (SELECT 1 FROM reminders a
                 WHERE a.message_id = q.message_id AND a.user_id IS NULL)"""

# Questions that fell due since the last pass: after ``after_minutes``, or, addressed,
# after ``max(after_minutes, 24 h)``. Two ranges, one per wait, each read on its own
# down the questions index: a pass reads the few minutes of questions that fell due
# under each wait, never the 24 hours between them (a question is addressed or not, so
# none is in both).
_DUE_QUESTIONS_IN = f"""
SELECT 'question', {_ITEM_COLUMNS} FROM messages q
WHERE q.guild_id = :guild_id AND q.is_question = 1
  AND q.created_at > :{{wait}}_since AND q.created_at <= :{{wait}}_due
  AND q.kind = 'message' AND q.deleted = 0
  AND {{addressed}} {_ADDRESSED}
  AND {_NOT_ALERTED}
  AND {FIRST_RESPONSE_SEEN} IS NULL
"""  # noqa: S608 (composed from constants only)
DUE_QUESTIONS = (
    _DUE_QUESTIONS_IN.format(wait="questions", addressed="NOT")
    + "UNION ALL"
    + _DUE_QUESTIONS_IN.format(wait="addressed", addressed="")
)

# A newcomer's first message that starts something, among the messages that fell
# due. Answered also by any reply or thread reply that reached them.
DUE_NEWCOMERS = f"""
SELECT 'newcomer', {_ITEM_COLUMNS} FROM messages q
LEFT JOIN members mb ON mb.guild_id = q.guild_id AND mb.user_id = q.author_id
WHERE q.guild_id = :guild_id
  AND q.created_at > :newcomers_since AND q.created_at <= :newcomers_due
  AND q.kind = 'message' AND q.deleted = 0
  AND {joined_recently("mb.joined_at", "q.created_at")}
  AND q.message_id = {first_message("q.guild_id", "q.author_id")}
  AND {_STARTS_SOMETHING}
  AND {_NOT_ALERTED}
  AND {FIRST_RESPONSE_SEEN} IS NULL AND {FIRST_REPLY_TO_AUTHOR} IS NULL
"""  # noqa: S608 (composed from constants only)


def waiting(deadline: str, columns: str = f"q.item, {_ITEM_COLUMNS}", *, kept: bool = False) -> str:
    """Every item asked in ``[:since, :until]`` (optionally in ``:channel_id``) with no
    response by ``deadline`` (an SQL expression), oldest first, as ``columns``. Newcomers
    are found from the members who may still be newcomers, as the summaries count them.

    ``kept`` reads each item's responses from its trusted row of ``message_responses``
    when it has one (bot/store/responses.py, ``KEPT_JOIN``), as the statements that check
    many items do: the same items, without walking each one's replies again."""
    join, seen, to_author = (
        (KEPT_JOIN, KEPT_FIRST_RESPONSE_SEEN, KEPT_FIRST_REPLY_TO_AUTHOR)
        if kept
        else ("", FIRST_RESPONSE_SEEN, FIRST_REPLY_TO_AUTHOR)
    )
    return f"""
WITH newcomer_firsts AS ({
        newcomer_firsts(
            f"q.created_at >= :since AND q.created_at <= :until AND {_STARTS_SOMETHING}"
        )
    }),
asked AS (
    SELECT 'newcomer' AS item, q.message_id, q.guild_id, q.author_id, q.channel_id,
           q.thread_id, q.created_at, q.content,
           strftime('%Y-%m-%dT%H:%M:%fZ', q.created_at, :expire_days) AS expires_at
    FROM messages q WHERE q.message_id IN (SELECT message_id FROM newcomer_firsts)
    UNION ALL
    SELECT 'question', q.message_id, q.guild_id, q.author_id, q.channel_id,
           q.thread_id, q.created_at, q.content,
           strftime('%Y-%m-%dT%H:%M:%fZ', q.created_at, :expire_days)
    FROM messages q
    WHERE q.guild_id = :guild_id AND q.is_question = 1
      AND q.created_at >= :since AND q.created_at <= :until
      AND q.kind = 'message' AND q.deleted = 0
      AND q.message_id NOT IN (SELECT message_id FROM newcomer_firsts)
)
SELECT {columns} FROM asked q {join}
WHERE (:channel_id IS NULL OR q.channel_id = :channel_id OR q.thread_id = :channel_id)
  AND {seen.replace(":deadline", deadline)} IS NULL
  AND (q.item = 'question' OR {to_author.replace(":deadline", deadline)} IS NULL)
ORDER BY q.created_at, q.message_id
"""  # noqa: S608 (composed from constants only)


# What waits now (no response by now), for /unanswered and the digest.
WAITING = waiting(":deadline")
# What expired in a window: no response by the moment each item expired.
EXPIRED = waiting("q.expires_at")
# How many wait now, by kind, and the oldest: the same items, nothing read per item.
WAITING_COUNTS = f"""
SELECT item, count(*), min(created_at) FROM ({waiting(":deadline", "q.item, q.created_at")})
GROUP BY item"""  # noqa: S608 (composed from constants only)


# Announced items still open (of :open_items, a condition on the reminder ``a``): when
# did they get a response, if they did now.
def _answered_alerts(open_items: str) -> str:
    return f"""
SELECT reminder_id, guild_id, answered_at FROM (
    SELECT a.reminder_id, a.guild_id,
           CASE a.kind WHEN 'newcomer'
               THEN coalesce(min({FIRST_RESPONSE_SEEN}, {FIRST_REPLY_TO_AUTHOR}),
                             {FIRST_RESPONSE_SEEN}, {FIRST_REPLY_TO_AUTHOR})
               ELSE {FIRST_RESPONSE_SEEN} END AS answered_at
    FROM reminders a JOIN messages q ON q.message_id = a.message_id
    WHERE a.answered_at IS NULL AND a.sent_at >= :since AND a.user_id IS NULL
      AND {open_items}
)
WHERE answered_at IS NOT NULL
"""  # noqa: S608 (composed from constants only)


# Every open item asked again (the first check, or after a long pause).
ANSWERED_ALERTS = _answered_alerts("1")

# The items that something written from :from on may answer, found from that side:
# the messages a new message replies to or whose thread it is in; an asker's messages
# of the day before a new reply, thread reply or mention towards them (a mention, or
# a newcomer's first reply); the messages a new inferred reply points to. The response
# rule above then decides, exactly as for every item.
_FRESH_CANDIDATES = """
WITH watched AS (SELECT guild_id FROM alert_settings)
SELECT r.reply_to_message_id FROM messages r
WHERE r.guild_id IN watched AND r.created_at >= :from AND r.reply_to_message_id IS NOT NULL
UNION
SELECT r.thread_id FROM messages r
WHERE r.guild_id IN watched AND r.created_at >= :from AND r.thread_id IS NOT NULL
UNION
SELECT q.message_id FROM interactions i
JOIN messages q ON q.guild_id = i.guild_id AND q.author_id = i.target_id
     AND q.created_at >= strftime('%Y-%m-%dT%H:%M:%fZ', i.created_at, '-1 day')
     AND q.created_at <= i.created_at
WHERE i.guild_id IN watched AND i.created_at >= :from
  AND i.kind IN ('mention', 'reply', 'thread_reply')
UNION
SELECT ir.target_message_id FROM inferred_replies ir
WHERE ir.guild_id IN watched AND ir.created_at >= :from"""

ANSWERED_SINCE = _answered_alerts(f"a.message_id IN ({_FRESH_CANDIDATES})")

# The oldest open items, with whom they were asked of and their reactions (computed
# for the listed ones only), and how many are open of each kind: one pass over the
# open items' entries in their own index (their times and whether their message was
# deleted are kept on the reminder: migrations/*_reminders_board.sql), then the listed
# ones read in full.
BOARD_ITEMS = f"""
SELECT o.kind, {_ITEM_COLUMNS}, o.questions, o.newcomers FROM (
    SELECT a.kind, a.message_id, a.asked_at,
           sum(a.kind = 'question') OVER () AS questions,
           sum(a.kind = 'newcomer') OVER () AS newcomers
    FROM reminders a INDEXED BY reminders_board
    WHERE a.guild_id = :guild_id AND a.user_id IS NULL AND a.answered_at IS NULL
      AND a.gone = 0 AND a.asked_at > :since AND a.sent_at >= :since
    ORDER BY a.asked_at, a.message_id LIMIT :listed
) o CROSS JOIN messages q ON q.message_id = o.message_id
ORDER BY o.asked_at, o.message_id
"""  # noqa: S608 (composed from constants only)

SETTINGS = """SELECT guild_id, channel_id, after_minutes, newcomer_after_minutes, enabled,
    checked_until FROM alert_settings"""

# The messages that may still claim something waits: live rows with a message.
LIVE_POSTS = """SELECT post_id, guild_id, channel_id, message_id, board, shown
    FROM alert_posts WHERE retired_at IS NULL AND message_id IS NOT NULL"""
