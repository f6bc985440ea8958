"""The first responses of the messages that ask for one, kept at write time (schema 13).

``message_responses`` holds, per question and member's first message, what
bot/store/responses.py's :data:`FIRST_RESPONSE` and :data:`FIRST_REPLY_TO_AUTHOR` find
with no deadline: the earliest response ever stored. A reader with a deadline keeps the
value when it is not later than the deadline (the earliest response by the deadline
exists exactly when the earliest one is by then) and computes the fragments itself for
a message with no trusted row (:func:`bot.store.responses.kept`). The statements here
only choose *which* rows to compute again; the fragments decide what they hold.

* :data:`MARK_FROM_WRITTEN`: at the end of a transaction, the kept messages that its
  new messages reply to or are threaded under, its new questions, and the kept
  messages its new interactions may answer (their target's, of the 25 hours before).
* :data:`MARK_FROM_EDITS`: the kept messages the interactions of edited messages may
  answer (an edit can add or remove the mention that makes a reply count), and those
  that an edit made questions.
* The rare paths (deletions, messages that stop counting) mark by trigger
  (migration 0013); members' first messages are marked when ``member_firsts`` gets them
  (bot/store/firsts.py).
* :func:`refresh_at_flush`: the flush computes the oldest marked rows once enough are
  marked (a message marked by several responses in a row is computed once); readers
  compute marked rows themselves meanwhile. Only this needs the per-author indexes
  that an import drops for its bulk writes: an import only marks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.store import firsts
from bot.store.responses import FIRST_REPLY_TO_AUTHOR, FIRST_RESPONSE

if TYPE_CHECKING:
    import aiosqlite

# Later than any stored time: the fragments' :deadline when computing the earliest ever.
NO_DEADLINE = "9999-12-31T23:59:59.999Z"

# A flush computes marked rows once this many are marked (fewer wait: readers compute
# them, a day's summary computes its own), the oldest this many at most, so that a
# large import's marks never hold a flush for long.
FLUSH_REFRESH_AT = 500
FLUSH_REFRESH_LIMIT = 1000

_MARK = "INSERT OR IGNORE INTO message_responses_dirty (message_id, guild_id, created_at)"

# Window of an interaction that may answer a kept message: its target's messages of the
# 25 hours before it (the fragments look 24 hours after the message; one more hour is a
# margin, marking too much only costs a computation).
_ANSWERED_BY = """s.guild_id = i.guild_id AND s.author_id = i.target_id
    AND s.created_at <= i.created_at
    AND s.created_at >= strftime('%Y-%m-%dT%H:%M:%fZ', i.created_at, '-25 hours')"""

# Writes that only insert can only add responses: a kept row changes only when a new
# one is earlier than what it holds (or it holds none). A message replying to or
# threaded under a kept one may be its first response; an interaction towards its
# author, either its first response (in its place: FIRST_RESPONSE reads no other) or
# its first reply to the author (a reply or thread reply, the only kinds
# FIRST_REPLY_TO_AUTHOR reads). Deletions and edits, which
# can remove responses, mark whatever they touch.
_EARLIER_RESPONSE = "(s.first_response IS NULL OR s.first_response > {at})"
_EARLIER_REPLY = "(s.first_reply_to_author IS NULL OR s.first_reply_to_author > {at})"

# The first reply to the author is read for members' first messages only (newcomers):
# it is kept up to date for those (a message that becomes a first message is marked
# then, bot/store/firsts.py; readers trust no kept row of a marked member).
_A_FIRST = """EXISTS (SELECT 1 FROM member_firsts AS f
    WHERE f.guild_id = s.guild_id AND f.user_id = s.author_id AND f.message_id = s.message_id)"""

# What the transaction inserted may answer, in one statement: :ids, a JSON list of the
# messages it inserted (what they reply to or are threaded under; the new questions),
# and :mark, the largest rowid of interactions before it (bot/store/derived.py): the
# kept messages its interactions may answer.
MARK_FROM_WRITTEN = f"""
{_MARK}
SELECT s.message_id, s.guild_id, s.created_at FROM json_each(:ids) AS wanted
JOIN messages AS r ON r.message_id = wanted.value
JOIN message_responses AS s ON s.message_id IN (r.reply_to_message_id, r.thread_id)
WHERE {_EARLIER_RESPONSE.format(at="r.created_at")}
UNION ALL
SELECT r.message_id, r.guild_id, r.created_at FROM json_each(:ids) AS wanted
JOIN messages AS r ON r.message_id = wanted.value
WHERE r.is_question = 1
UNION ALL
SELECT s.message_id, s.guild_id, s.created_at FROM interactions AS i NOT INDEXED
JOIN message_responses AS s ON {_ANSWERED_BY}
WHERE i.rowid > :mark AND i.kind != 'reaction'
  AND ((i.channel_id = s.place AND {_EARLIER_RESPONSE.format(at="i.created_at")})
       OR (i.kind IN ('reply', 'thread_reply') AND {_EARLIER_REPLY.format(at="i.created_at")}
           AND {_A_FIRST}))
"""  # noqa: S608 (composed from constants only)

# :ids, a JSON list of the messages the transaction edited or deleted.
MARK_FROM_EDITS = f"""
{_MARK}
SELECT s.message_id, s.guild_id, s.created_at FROM json_each(:ids) AS wanted
JOIN interactions AS i ON i.message_id = wanted.value
JOIN message_responses AS s ON {_ANSWERED_BY}
WHERE i.kind != 'reaction'
UNION ALL
SELECT r.message_id, r.guild_id, r.created_at FROM json_each(:ids) AS wanted
JOIN messages AS r ON r.message_id = wanted.value
WHERE r.is_question = 1
"""  # noqa: S608 (composed from constants only)


def _refresh(picked: str) -> tuple[str, ...]:
    """The statements that compute the rows of the marked messages ``picked`` (a query
    of ``message_responses_dirty`` giving ``message_id``, a constant of this module)
    again, and unmark them."""
    return (
        f"DELETE FROM message_responses WHERE message_id IN ({picked})",  # noqa: S608
        f"""INSERT INTO message_responses
                (message_id, guild_id, author_id, created_at, place, first_response,
                 first_reply_to_author)
            SELECT q.message_id, q.guild_id, q.author_id, q.created_at,
                   coalesce(q.thread_id, q.channel_id), {FIRST_RESPONSE}, {FIRST_REPLY_TO_AUTHOR}
            FROM messages q WHERE q.message_id IN ({picked})""",  # noqa: S608
        f"DELETE FROM message_responses_dirty WHERE message_id IN ({picked})",  # noqa: S608
    )


# The oldest :limit marked messages (by id), at a flush.
REFRESH_SOME = _refresh(
    "SELECT message_id FROM message_responses_dirty ORDER BY message_id LIMIT :limit"
)

# At a flush: whether members are marked (bot/store/firsts.py), and how many responses
# are, up to the threshold.
MARKED_AT_FLUSH = """SELECT EXISTS (SELECT 1 FROM member_firsts_dirty),
    (SELECT count(*) FROM (SELECT 1 FROM message_responses_dirty LIMIT :at))"""


async def refresh_at_flush(db: aiosqlite.Connection) -> None:
    """At the end of a flush, in its transaction: the marked members' first messages
    (bot/store/firsts.py), then the oldest marked responses once enough are marked."""
    async with db.execute(MARKED_AT_FLUSH, {"at": FLUSH_REFRESH_AT}) as cursor:
        row = await cursor.fetchone()
    members, responses = row if row is not None else (0, 0)
    if members:
        for sql in firsts.REFRESH:
            await db.execute(sql)
    if responses >= FLUSH_REFRESH_AT:
        params = {"deadline": NO_DEADLINE, "limit": FLUSH_REFRESH_LIMIT}
        for sql in REFRESH_SOME:
            await db.execute(sql, params)
