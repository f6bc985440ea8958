"""Each member's first counted message, kept at write time (migration 0013).

``member_firsts`` holds, per member, what :func:`bot.store.newcomers.first_message`
finds, so that a day's newcomers are a range of its index by time instead of one probe
per member whose join is unknown. The statements here only choose *whose* first message
to compute again; the fragment decides what it is.

* :data:`MARK_AUTHORS`: at the end of a transaction that inserted messages (the bot's
  flush, an import batch, bot/store/derived.py), the authors of those that may be
  their first: those with no stored first message at or before them.
* The rare paths (a message edited into one that does not count or back, deleted,
  forgotten) mark the author by trigger (migration 0013).
* :data:`REFRESH` (:func:`refresh`): the marked members' rows, computed again, by the
  bot's flush and before a summary is computed (an import only marks: it may have
  dropped the per-author index for its bulk writes).

Readers trust a stored row only while its member is not marked
(bot/store/newcomers.py), so the marks of a deletion outside a flush (an opt-out, a
channel's exclusion) are right before anything refreshes them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.store.newcomers import first_message

if TYPE_CHECKING:
    import aiosqlite

# The authors of the messages :ids (a JSON list) that are stored and may be their
# author's first: no stored first message before them (a tie at the same time is
# decided by the fragment).
MARK_AUTHORS = """
INSERT OR IGNORE INTO member_firsts_dirty (guild_id, user_id)
SELECT m.guild_id, m.author_id FROM json_each(:ids) AS wanted
JOIN messages AS m ON m.message_id = wanted.value
WHERE NOT EXISTS (SELECT 1 FROM member_firsts AS f
                  WHERE f.guild_id = m.guild_id AND f.user_id = m.author_id
                    AND f.created_at < m.created_at)
"""

# The marked members' first messages, computed again (none: no row), then unmarked.
REFRESH = (
    """DELETE FROM member_firsts WHERE (guild_id, user_id) IN
           (SELECT guild_id, user_id FROM member_firsts_dirty)""",
    f"""INSERT INTO member_firsts (guild_id, user_id, message_id, created_at)
        SELECT d.guild_id, d.user_id, m.message_id, m.created_at
        FROM member_firsts_dirty AS d
        JOIN messages AS m ON m.message_id = {first_message("d.guild_id", "d.user_id")}""",  # noqa: S608
    # Their first responses are kept too (bot/store/response_rollup.py), the first reply
    # to the author only while a message is a first one: computed again now.
    """INSERT OR IGNORE INTO message_responses_dirty (message_id, guild_id, created_at)
        SELECT f.message_id, f.guild_id, f.created_at FROM member_firsts_dirty AS d
        JOIN member_firsts AS f ON f.guild_id = d.guild_id AND f.user_id = d.user_id""",
    "DELETE FROM member_firsts_dirty",
)

# Whether any member is marked: the refresh is skipped when none is.
ANY_MARKED = "SELECT EXISTS (SELECT 1 FROM member_firsts_dirty)"


async def refresh(db: aiosqlite.Connection) -> None:
    """Compute the marked members' first messages again, in ``db``'s transaction (the
    per-author index must be there)."""
    async with db.execute(ANY_MARKED) as cursor:
        row = await cursor.fetchone()
    if row is None or not row[0]:
        return
    for sql in REFRESH:
        await db.execute(sql)
