"""The first responses of the messages that ask for one, kept at write time (schema 13).

``message_responses`` holds, per question and member's first message, what
bot/store/responses.py's :data:`FIRST_RESPONSE` and :data:`FIRST_REPLY_TO_AUTHOR` find
with no deadline: the earliest response ever stored. A reader with a deadline keeps the
value when it is not later than the deadline (the earliest response by the deadline
exists exactly when the earliest one is by then) and computes the fragments itself for
a message with no trusted row (:func:`bot.store.responses.kept`). The statements here
only choose *which* rows to compute again; the fragments decide what they hold.

* :data:`MARK_FROM_MESSAGES`: at the end of a transaction that inserted messages, the
  kept messages they reply to or are threaded under, and the new questions.
* :data:`MARK_FROM_INTERACTIONS`: the kept messages the transaction's new interactions
  may answer (their target's, of the 25 hours before them).
* :data:`MARK_FROM_EDITS`: the kept messages the interactions of edited messages may
  answer (an edit can add or remove the mention that makes a reply count), and those
  that an edit made questions.
* The rare paths (deletions, messages that stop counting) mark by trigger
  (migration 0013); members' first messages are marked when ``member_firsts`` gets them
  (bot/store/firsts.py).
* :func:`refresh`: the marked rows computed again, a day's at a time before its summary,
  or a bounded number by each flush. None of these needs the per-author indexes that an
  import drops for its bulk writes except :func:`refresh`, which an import leaves to the
  summaries that follow it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.store.responses import FIRST_REPLY_TO_AUTHOR, FIRST_RESPONSE

if TYPE_CHECKING:
    import aiosqlite

# Later than any stored time: the fragments' :deadline when computing the earliest ever.
NO_DEADLINE = "9999-12-31T23:59:59.999Z"

# Marked rows computed again by each flush at most (the rest by the next ones, or by
# the summaries): a large import's marks never hold a flush for long.
FLUSH_REFRESH_LIMIT = 1000

_MARK = "INSERT OR IGNORE INTO message_responses_dirty (message_id, guild_id, created_at)"

# Window of an interaction that may answer a kept message: its target's messages of the
# 25 hours before it (the fragments look 24 hours after the message; one more hour is a
# margin, marking too much only costs a computation).
_ANSWERED_BY = """s.guild_id = i.guild_id AND s.author_id = i.target_id
    AND s.created_at <= i.created_at
    AND s.created_at >= strftime('%Y-%m-%dT%H:%M:%fZ', i.created_at, '-25 hours')"""

# :ids, a JSON list of the messages the transaction inserted.
MARK_FROM_MESSAGES = f"""
{_MARK}
SELECT s.message_id, s.guild_id, s.created_at FROM json_each(:ids) AS wanted
JOIN messages AS r ON r.message_id = wanted.value
JOIN message_responses AS s ON s.message_id IN (r.reply_to_message_id, r.thread_id)
UNION ALL
SELECT r.message_id, r.guild_id, r.created_at FROM json_each(:ids) AS wanted
JOIN messages AS r ON r.message_id = wanted.value
WHERE r.is_question = 1
"""  # noqa: S608 (composed from constants only)

# :mark, the largest rowid of interactions before the transaction (bot/store/derived.py).
MARK_FROM_INTERACTIONS = f"""
{_MARK}
SELECT s.message_id, s.guild_id, s.created_at FROM interactions AS i NOT INDEXED
JOIN message_responses AS s ON {_ANSWERED_BY}
WHERE i.rowid > :mark AND i.kind != 'reaction'
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
                (message_id, guild_id, author_id, created_at, first_response,
                 first_reply_to_author)
            SELECT q.message_id, q.guild_id, q.author_id, q.created_at,
                   {FIRST_RESPONSE}, {FIRST_REPLY_TO_AUTHOR}
            FROM messages q WHERE q.message_id IN ({picked})""",  # noqa: S608
        f"DELETE FROM message_responses_dirty WHERE message_id IN ({picked})",  # noqa: S608
    )


# A guild's marked messages of [:start, :end), before the day's summary reads them.
REFRESH_DAY = _refresh(
    """SELECT message_id FROM message_responses_dirty
       WHERE guild_id = :guild_id AND created_at >= :start AND created_at < :end"""
)

# The oldest :limit marked messages (by id), at a flush.
REFRESH_SOME = _refresh(
    "SELECT message_id FROM message_responses_dirty ORDER BY message_id LIMIT :limit"
)

# Whether anything is marked (in a day, or at all).
ANY_MARKED_IN_DAY = """SELECT EXISTS (SELECT 1 FROM message_responses_dirty
    WHERE guild_id = :guild_id AND created_at >= :start AND created_at < :end)"""
ANY_MARKED = "SELECT EXISTS (SELECT 1 FROM message_responses_dirty)"


async def refresh(db: aiosqlite.Connection, day: tuple[int, str, str] | None = None) -> None:
    """Compute marked rows again in ``db``'s transaction: those of ``day`` (guild, start,
    end), or the oldest few."""
    params: dict[str, Any] = {"deadline": NO_DEADLINE}
    if day is None:
        check, statements = ANY_MARKED, REFRESH_SOME
        params["limit"] = FLUSH_REFRESH_LIMIT
    else:
        check, statements = ANY_MARKED_IN_DAY, REFRESH_DAY
        params.update(zip(("guild_id", "start", "end"), day, strict=True))
    async with db.execute(check, params) as cursor:
        row = await cursor.fetchone()
    if row is None or not row[0]:
        return
    for sql in statements:
        await db.execute(sql, params)
