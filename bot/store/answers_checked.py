"""Where the reminder pass's search for answers resumes (migration 0011).

A check asks which open items got a response. Asked of every open item, that is one
search per item (thousands on a large server, every minute); asked of what was
written since the previous check, it is a handful. The one row of ``answers_checked``
keeps the invariant that makes the second way exact: every response stored with a
time before ``checked_until`` has been seen by a check. So whatever writes a possible
response (a message, a mention, an inferred reply) with an older time moves the mark
back to that time, in the same transaction; whatever makes old rows count differently
(inference turned on or off) removes the row, and the next check looks at everything.

The check that moves the mark forward (``AlertQueries.record_answers``) asks both kinds
of open items, the board's and the DMs', in one transaction: a mark taken for one kind
only would skip the other's answers. A DM recorded as sent moves the mark back to the
pass that planned it (``InboxQueries.sent``): its items were unanswered then, and an
answer stored while the DM was on its way is still found.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.clock import from_db_time

if TYPE_CHECKING:
    import aiosqlite

# A check looks only at what was written since the previous one if that was at most this
# long ago; after a longer pause, asking every open item again is the cheaper way.
FRESH_LIMIT = timedelta(hours=1)

# The mark, or NULL (no row: look at everything).
READ = "SELECT checked_until FROM answers_checked WHERE id = 1"

# A check saw everything stored up to :at.
CHECKED = """INSERT INTO answers_checked (id, checked_until) VALUES (1, :at)
             ON CONFLICT (id) DO UPDATE SET checked_until = excluded.checked_until"""

# Something with the time :at was written: the next check looks from there.
WRITTEN_AT = "UPDATE answers_checked SET checked_until = :at WHERE checked_until > :at"

# A mention was added to the message :message_id (an edit): from the message's time.
MENTION_ADDED = """UPDATE answers_checked SET checked_until =
        (SELECT created_at FROM messages WHERE message_id = :message_id)
    WHERE checked_until > (SELECT created_at FROM messages WHERE message_id = :message_id)"""

# Old rows may count differently now: the next check looks at everything.
FORGET = "DELETE FROM answers_checked"


def earliest(rows: Iterable[Mapping[str, Any]], key: str = "created_at") -> str | None:
    """The earliest time among the rows (store time text sorts as time), if any."""
    return min((row[key] for row in rows if row.get(key) is not None), default=None)


async def resume_from(db: aiosqlite.Connection, now: datetime) -> datetime | None:
    """Where a check at ``now`` may resume its search: the mark, or None (ask every open
    item again) when there is none or it is older than ``FRESH_LIMIT``."""
    async with db.execute(READ) as cursor:
        row = await cursor.fetchone()
    checked = None if row is None else from_db_time(row[0])
    if checked is None or now - checked > FRESH_LIMIT:
        return None
    return checked
