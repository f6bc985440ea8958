"""Members' privacy choices: opting out, opting in, forgetting, and what is stored."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.store.connection import fetch_all, fetch_one

if TYPE_CHECKING:
    from bot.store.connection import Access, OnBusy, Writing

log = logging.getLogger(__name__)

# What a mention of a member who opted out reads as in stored message text.
REDACTED_MENTION = "@someone"

# Deleting everything about one member of one guild. Other members' messages that
# replied to them stay (the reply's id points at a message, not at the member),
# but every interaction towards them goes, and their mentions are scrubbed from text.
_FORGET = (
    "DELETE FROM interactions WHERE guild_id = :guild_id AND source_id = :user_id",
    "DELETE FROM interactions WHERE guild_id = :guild_id AND target_id = :user_id",
    "DELETE FROM inferred_replies WHERE guild_id = :guild_id AND source_id = :user_id",
    "DELETE FROM inferred_replies WHERE guild_id = :guild_id AND target_id = :user_id",
    "DELETE FROM reactions WHERE guild_id = :guild_id AND user_id = :user_id",
    """DELETE FROM reactions WHERE message_id IN
           (SELECT message_id FROM messages WHERE guild_id = :guild_id AND author_id = :user_id)""",
    """DELETE FROM message_mentions WHERE user_id = :user_id AND message_id IN
           (SELECT message_id FROM messages WHERE guild_id = :guild_id)""",
    "DELETE FROM messages WHERE guild_id = :guild_id AND author_id = :user_id",
    """UPDATE messages
       SET content = replace(replace(content, :mention, :redacted), :nick_mention, :redacted)
       WHERE guild_id = :guild_id AND content IS NOT NULL AND instr(content, :user_text) > 0""",
    "UPDATE channels SET owner_id = NULL WHERE guild_id = :guild_id AND owner_id = :user_id",
    "DELETE FROM member_events WHERE guild_id = :guild_id AND user_id = :user_id",
    # Reminders about their messages went with the messages (foreign keys); those
    # sent to them, their nudge settings and their Done marks go here.
    "DELETE FROM reminders WHERE guild_id = :guild_id AND user_id = :user_id",
    "DELETE FROM nudges WHERE guild_id = :guild_id AND user_id = :user_id",
    "DELETE FROM inbox_done WHERE guild_id = :guild_id AND user_id = :user_id",
    # Stored summaries keep their counts (no one is named in a count) but lose the
    # member from their per-person lists.
    """UPDATE daily_summaries SET
           top_connectors = (SELECT json_group_array(json(value)) FROM json_each(top_connectors)
                             WHERE json_extract(value, '$.user_id') != :user_id),
           broadcasters = (SELECT json_group_array(json(value)) FROM json_each(broadcasters)
                           WHERE json_extract(value, '$.user_id') != :user_id)
       WHERE guild_id = :guild_id
         AND (instr(top_connectors, :user_text) > 0 OR instr(broadcasters, :user_text) > 0)""",
    """INSERT INTO members (guild_id, user_id, opted_out, consent_changed_at)
       VALUES (:guild_id, :user_id, 1, :at)
       ON CONFLICT (guild_id, user_id) DO UPDATE SET
           display_name = NULL, joined_at = NULL, left_at = NULL,
           opted_out = 1, consent_changed_at = excluded.consent_changed_at""",
)


@dataclass(frozen=True, slots=True)
class ConsentStatus:
    """What a member chose and what the store holds about them in one guild."""

    opted_out: bool
    changed_at: str | None
    messages: int
    interactions: int
    reactions: int


class ConsentQueries:
    """Reads and changes members' logging choices."""

    def __init__(self, reading: Access, writing: Writing) -> None:
        self._reading = reading
        self._writing = writing

    async def opted_out_members(self) -> set[tuple[int, int]]:
        """Every (guild_id, user_id) that opted out, for the in-memory policy."""
        async with self._reading() as db:
            rows = await fetch_all(db, "SELECT guild_id, user_id FROM members WHERE opted_out = 1")
        return {(int(g), int(u)) for g, u in rows}

    async def opted_out_count(self, guild_id: int) -> int:
        """How many members of a guild have opted out (a count: it names no one)."""
        async with self._reading() as db:
            row = await fetch_one(
                db,
                "SELECT count(*) FROM members WHERE guild_id = ? AND opted_out = 1",
                (guild_id,),
            )
        assert row is not None  # an aggregate always returns a row
        return int(row[0])

    async def forget(
        self, guild_id: int, user_id: int, at: str, *, on_busy: OnBusy | None = None
    ) -> None:
        """Delete everything stored about a member and record that logging is off.

        Queued writes are written first, and the schema's consent guards drop any
        written later. The write waits its turn however long an import holds the file
        (``on_busy`` is awaited at each wait). Afterwards the write-ahead log is
        emptied, so that the deleted text is not left in ``ascolto.db-wal``; freed
        pages are zeroed (``secure_delete``).
        """
        params = {
            "guild_id": guild_id,
            "user_id": user_id,
            "at": at,
            "mention": f"<@{user_id}>",
            "nick_mention": f"<@!{user_id}>",
            "user_text": str(user_id),
            "redacted": REDACTED_MENTION,
        }
        async with self._writing(on_busy=on_busy) as db:
            for statement in _FORGET:
                await db.execute(statement, params)
        await self._truncate_log()

    async def _truncate_log(self) -> None:
        """Copy the write-ahead log into the file and cut it to nothing."""
        async with self._reading() as db:
            row = await fetch_one(db, "PRAGMA wal_checkpoint(TRUNCATE)")
        if row is not None and row[0]:
            # A reader (a backup, an import) still holds older pages: the next
            # checkpoint, at most SQLite's 1,000 pages later, writes over them.
            log.warning("the write-ahead log could not be emptied yet: a reader holds it")

    async def opt_in(
        self, guild_id: int, user_id: int, at: str, *, on_busy: OnBusy | None = None
    ) -> None:
        """Record that a member allows logging again (from now on)."""
        async with self._writing(on_busy=on_busy) as db:
            await db.execute(
                """INSERT INTO members (guild_id, user_id, opted_out, consent_changed_at)
                   VALUES (:guild_id, :user_id, 0, :at)
                   ON CONFLICT (guild_id, user_id) DO UPDATE SET
                       opted_out = 0, consent_changed_at = excluded.consent_changed_at""",
                {"guild_id": guild_id, "user_id": user_id, "at": at},
            )

    async def status(self, guild_id: int, user_id: int) -> ConsentStatus:
        """The member's choice and counts of what is stored about them."""
        params = {"guild_id": guild_id, "user_id": user_id}
        async with self._reading() as db:
            choice = await fetch_one(
                db,
                """SELECT opted_out, consent_changed_at FROM members
                   WHERE guild_id = :guild_id AND user_id = :user_id""",
                params,
            )
            counts = await fetch_one(
                db,
                """SELECT
                     (SELECT count(*) FROM messages
                      WHERE guild_id = :guild_id AND author_id = :user_id AND deleted = 0),
                     (SELECT count(*) FROM interactions
                      WHERE guild_id = :guild_id
                        AND (source_id = :user_id OR target_id = :user_id)),
                     (SELECT count(*) FROM reactions
                      WHERE guild_id = :guild_id AND user_id = :user_id)""",
                params,
            )
        assert counts is not None  # an aggregate always returns a row
        return ConsentStatus(
            opted_out=bool(choice[0]) if choice else False,
            changed_at=choice[1] if choice else None,
            messages=counts[0],
            interactions=counts[1],
            reactions=counts[2],
        )
