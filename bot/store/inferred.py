"""Replies inferred from the flow of conversation: the context inference reads, the rows
it writes (``inferred_replies``, schema 9), and each guild's on/off choice.

The statements serve two connections: the bot's (aiosqlite, :class:`InferredQueries`)
and an import's (plain sqlite3, :class:`InferredImport`), so live and imported history
are read and written alike.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.clock import from_db_time
from bot.inference.records import ChatMessage
from bot.store import answers_checked, dirty_days
from bot.store.connection import PRAGMAS, fetch_all, fetch_one

if TYPE_CHECKING:
    from bot.store.connection import Access, OnBusy, Writing

# What one message of a place reads as for inference: its author and the author's
# stored name, its text, whether it is a question, and whether it has a target of its
# own (a Reply, a thread message other than the thread's starter, a mention), with the
# members it addresses that way. Only messages that count (kind 'message', not deleted).
# (A reply, thread reply or mention of its own is a target: the members it addresses,
# never NULL when there is one, say so without a second look at its interactions.)
_COLUMNS = """
SELECT m.message_id, m.author_id, mem.display_name, m.created_at, m.content, m.is_question,
       m.reply_to_message_id IS NOT NULL
         OR (m.thread_id IS NOT NULL AND m.message_id != m.thread_id),
       (SELECT group_concat(i.target_id) FROM interactions AS i
        WHERE i.message_id = m.message_id AND i.kind IN ('reply', 'thread_reply', 'mention'))
FROM messages AS m
LEFT JOIN members AS mem ON mem.guild_id = m.guild_id AND mem.user_id = m.author_id
WHERE m.guild_id = :guild_id AND m.kind = 'message' AND m.deleted = 0
"""
# A channel's own messages (not its threads'), or a thread's.
_IN_CHANNEL = " AND m.channel_id = :where_id AND m.thread_id IS NULL"
_IN_THREAD = " AND m.thread_id = :where_id"
# The ``count`` messages just before a point, newest first (the caller turns them round).
_BEFORE = (
    " AND (m.created_at, m.message_id) < (:at, :message_id)"
    " ORDER BY m.created_at DESC, m.message_id DESC LIMIT :count"
)
# Up to ``count`` messages from a point on, up to a time.
_FROM = (
    " AND (m.created_at, m.message_id) >= (:at, :message_id) AND m.created_at <= :until"
    " ORDER BY m.created_at, m.message_id LIMIT :count"
)
_CONTEXT = {
    (False, "before"): _COLUMNS + _IN_CHANNEL + _BEFORE,
    (True, "before"): _COLUMNS + _IN_THREAD + _BEFORE,
    (False, "from"): _COLUMNS + _IN_CHANNEL + _FROM,
    (True, "from"): _COLUMNS + _IN_THREAD + _FROM,
}

# Where and when each of some messages was posted (deleted ones too: a deletion's
# neighbours are recomputed).
_PLACES_OF = """
SELECT message_id, guild_id, COALESCE(thread_id, channel_id), thread_id IS NOT NULL, created_at
FROM messages WHERE message_id IN (SELECT value FROM json_each(?))
"""

# Every place of a guild that holds messages, channels first.
_PLACES = """
SELECT DISTINCT COALESCE(thread_id, channel_id), thread_id IS NOT NULL FROM messages
WHERE guild_id = ? AND kind = 'message' AND deleted = 0
ORDER BY 2, 1
"""

_ROWS_IN_RANGE = """
SELECT message_id, target_message_id, model_version, created_at FROM inferred_replies
WHERE guild_id = :guild_id AND channel_id = :where_id
  AND created_at >= :first_at AND created_at <= :until
"""
# Rows of messages posted before :keep_before whose text is no longer stored (past the
# retention period) stay: without their text they cannot be inferred as well again.
_DELETE_RANGE = """
DELETE FROM inferred_replies
WHERE guild_id = :guild_id AND channel_id = :where_id
  AND created_at >= :first_at AND created_at <= :until
  AND NOT (created_at < :keep_before
           AND EXISTS (SELECT 1 FROM messages AS m
                       WHERE m.message_id = inferred_replies.message_id
                         AND m.content IS NULL AND m.length > 0 AND m.deleted = 0))
"""
# The consent trigger (schema 9) drops a row about a member who opted out, or whose
# message is gone; OR IGNORE: a row kept above stays as it is.
_INSERT = """
INSERT OR IGNORE INTO inferred_replies
    (guild_id, message_id, target_message_id, target_id, score, model_version,
     source_id, channel_id, created_at)
VALUES (:guild_id, :message_id, :target_message_id, :target_id, :score, :model_version,
        :source_id, :channel_id, :created_at)
"""


@dataclass(frozen=True, slots=True)
class Place:
    """A channel (its own messages) or a thread: inference reads one at a time."""

    guild_id: int
    where_id: int
    thread: bool


@dataclass(frozen=True, slots=True)
class ContextMessage:
    """One stored message as inference reads it, with where and when it was posted."""

    chat: ChatMessage
    created_at: str


@dataclass(frozen=True, slots=True)
class InferredRow:
    """One row of ``inferred_replies``: a message, and the message it answers."""

    message_id: int
    target_message_id: int
    target_id: int
    score: float
    model_version: str
    source_id: int
    created_at: str


@dataclass(frozen=True, slots=True)
class Stretch:
    """The stretch of a place whose rows are recomputed: its messages from ``first_at``
    to ``until`` (stored times, both included)."""

    place: Place
    first_at: str
    until: str
    # Rows of messages before this time whose text is gone are kept (see _DELETE_RANGE).
    keep_before: str = ""


def _message(row: Sequence[Any], texts: Mapping[int, str] | None = None) -> ContextMessage:
    """One message read; ``texts`` gives the text of messages whose text is not stored."""
    message_id, author_id, name, created_at, content, question, explicit, addressed = row
    if not content and texts:
        content = texts.get(message_id)
    return ContextMessage(
        ChatMessage(
            message_id=int(message_id),
            author_id=int(author_id),
            names=(name,) if name else (),
            time=from_db_time(created_at).timestamp(),
            text=content or "",
            is_question=bool(question),
            explicit_target=bool(explicit) or addressed is not None,
            addressed_ids=tuple(map(int, addressed.split(","))) if addressed else (),
        ),
        created_at,
    )


# One message as the context queries read it: (message_id, author_id, name, created_at,
# content, is_question, explicit, addressed).
ContextRow = tuple[Any, ...]


def _with_text(row: ContextRow, texts: Mapping[int, str]) -> ContextRow:
    """``row`` with the text ``texts`` gives when it has none stored: what
    :func:`_message` reads from ``texts``, so that ``context_message`` of it is
    ``_message(row, texts)``."""
    if row[4] or not texts:
        return row
    return (*row[:4], texts.get(row[0]), *row[5:])


def context_message(row: ContextRow) -> ContextMessage:
    """A row of :meth:`InferredImport.rows_from` or ``rows_before`` as a message."""
    return _message(row)


def _context_params(place: Place, at: str, message_id: int, count: int) -> dict[str, Any]:
    return {
        "guild_id": place.guild_id,
        "where_id": place.where_id,
        "at": at,
        "message_id": message_id,
        "count": count,
    }


def _range_params(stretch: Stretch) -> dict[str, Any]:
    place = stretch.place
    return {
        "guild_id": place.guild_id,
        "where_id": place.where_id,
        "first_at": stretch.first_at,
        "until": stretch.until,
        "keep_before": stretch.keep_before,
    }


def _insert_params(place: Place, rows: Iterable[InferredRow]) -> list[dict[str, Any]]:
    return [
        {
            "guild_id": place.guild_id,
            "message_id": row.message_id,
            "target_message_id": row.target_message_id,
            "target_id": row.target_id,
            "score": row.score,
            "model_version": row.model_version,
            "source_id": row.source_id,
            "channel_id": place.where_id,
            "created_at": row.created_at,
        }
        for row in rows
    ]


def _changed(old: Iterable[Sequence[Any]], new: Iterable[Sequence[Any]]) -> set[str]:
    """The times of the messages whose row appears, goes or points elsewhere."""
    before = {int(m): (int(t), v, at) for m, t, v, at in old}
    after = {int(m): (int(t), v, at) for m, t, v, at in new}
    return {
        (before.get(m) or after[m])[2]
        for m in before.keys() | after.keys()
        if before.get(m) != after.get(m)
    }


class InferredQueries:
    """Reads context for inference and writes its rows, on the bot's connection."""

    def __init__(self, reading: Access, writing: Writing) -> None:
        self._reading = reading
        self._writing = writing

    async def before(
        self, place: Place, at: str, message_id: int, count: int
    ) -> list[ContextMessage]:
        """The ``count`` messages of a place just before (``at``, ``message_id``), in
        time order."""
        params = _context_params(place, at, message_id, count)
        async with self._reading() as db:
            rows = await fetch_all(db, _CONTEXT[(place.thread, "before")], params)
        return [_message(row) for row in reversed(rows)]

    async def stretch(
        self, place: Place, at: str, message_id: int, until: str, count: int
    ) -> list[ContextMessage]:
        """Up to ``count`` messages of a place from (``at``, ``message_id``) on, posted
        no later than ``until``, in time order."""
        params = {**_context_params(place, at, message_id, count), "until": until}
        async with self._reading() as db:
            rows = await fetch_all(db, _CONTEXT[(place.thread, "from")], params)
        return [_message(row) for row in rows]

    async def places_of(self, message_ids: Collection[int]) -> dict[int, tuple[Place, str]]:
        """Where and when each of ``message_ids`` that the store holds was posted."""
        if not message_ids:
            return {}
        async with self._reading() as db:
            rows = await fetch_all(db, _PLACES_OF, (json.dumps(sorted(message_ids)),))
        return {int(m): (Place(int(g), int(w), bool(t)), at) for m, g, w, t, at in rows}

    async def places(self, guild_id: int) -> list[Place]:
        """Every channel and thread of a guild that holds messages."""
        async with self._reading() as db:
            rows = await fetch_all(db, _PLACES, (guild_id,))
        return [Place(guild_id, int(w), bool(t)) for w, t in rows]

    async def replace(self, stretch: Stretch, rows: Sequence[InferredRow]) -> set[str]:
        """Replace a stretch's rows with ``rows``; returns the times of the messages
        whose row changed (appeared, went, or points elsewhere)."""
        return (await self.replace_all([(stretch, rows)]))[0]

    async def replace_all(
        self, replaced: Sequence[tuple[Stretch, Sequence[InferredRow]]]
    ) -> list[set[str]]:
        """:meth:`replace` for each (stretch, rows), in one transaction."""
        changed = []
        async with self._writing() as db:
            for stretch, rows in replaced:
                old = await fetch_all(db, _ROWS_IN_RANGE, _range_params(stretch))
                await db.execute(_DELETE_RANGE, _range_params(stretch))
                inserted = _insert_params(stretch.place, rows)
                await db.executemany(_INSERT, inserted)
                if (at := answers_checked.earliest(inserted)) is not None:
                    await db.execute(answers_checked.WRITTEN_AT, {"at": at})
                new = await fetch_all(db, _ROWS_IN_RANGE, _range_params(stretch))
                found = _changed(old, new)
                # Stored summaries of the days these rows change are dirty.
                if (mark := dirty_days.inferred_mark(stretch.place.guild_id, found)) is not None:
                    await db.execute(dirty_days.BUMP)
                    await db.execute(dirty_days.MARK, mark)
                changed.append(found)
        return changed

    async def count(self, guild_id: int) -> int:
        """How many inferred replies a guild has."""
        async with self._reading() as db:
            row = await fetch_one(
                db, "SELECT count(*) FROM inferred_replies WHERE guild_id = ?", (guild_id,)
            )
        return int(row[0]) if row else 0

    async def enabled(self, guild_id: int) -> bool:
        """Whether the guild counts inferred replies in what it is shown (default: on)."""
        async with self._reading() as db:
            row = await fetch_one(
                db, "SELECT enabled FROM inference_settings WHERE guild_id = ?", (guild_id,)
            )
        return row is None or bool(row[0])

    async def set_enabled(
        self, guild_id: int, enabled: bool, at: str, *, on_busy: OnBusy | None = None
    ) -> None:
        """Turn inferred replies on or off in what the guild is shown."""
        async with self._writing(on_busy=on_busy) as db:
            await db.execute(
                """INSERT INTO inference_settings (guild_id, enabled, changed_at)
                   VALUES (?, ?, ?)
                   ON CONFLICT (guild_id) DO UPDATE SET
                       enabled = excluded.enabled, changed_at = excluded.changed_at""",
                (guild_id, int(enabled), at),
            )
            # Inferred replies count, or stop counting, as answers: look at every item.
            await db.execute(answers_checked.FORGET)


class InferredImport:
    """The same reads and writes on an import's connection, inside its file's
    transaction."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def before(
        self,
        place: Place,
        at: str,
        message_id: int,
        count: int,
        texts: Mapping[int, str] | None = None,
    ) -> list[ContextMessage]:
        """As :meth:`InferredQueries.before`; ``texts`` gives the text of messages whose
        text is not stored (an export's, past the retention period)."""
        return [_message(row, texts) for row in self._read_before(place, at, message_id, count)]

    def stretch(
        self,
        place: Place,
        at: str,
        message_id: int,
        until: str,
        count: int,
        texts: Mapping[int, str] | None = None,
    ) -> list[ContextMessage]:
        """As :meth:`InferredQueries.stretch`, with ``texts`` as in :meth:`before`."""
        rows = self._read_from(place, at, message_id, until, count)
        return [_message(row, texts) for row in rows]

    def rows_before(
        self, place: Place, at: str, message_id: int, count: int, texts: Mapping[int, str]
    ) -> list[ContextRow]:
        """What :meth:`before` reads, as plain rows (``texts`` already applied), for
        :func:`context_message` to turn into messages elsewhere (a process that scores
        them: rows cost little to send)."""
        rows = self._read_before(place, at, message_id, count)
        return [_with_text(row, texts) for row in rows]

    def rows_from(
        self,
        place: Place,
        at: str,
        message_id: int,
        until: str,
        count: int,
        texts: Mapping[int, str],
    ) -> list[ContextRow]:
        """What :meth:`stretch` reads, as plain rows (see :meth:`rows_before`)."""
        rows = self._read_from(place, at, message_id, until, count)
        return [_with_text(row, texts) for row in rows]

    def _read_before(self, place: Place, at: str, message_id: int, count: int) -> list[Any]:
        """The ``count`` messages before (``at``, ``message_id``), oldest first."""
        params = _context_params(place, at, message_id, count)
        return self._db.execute(_CONTEXT[(place.thread, "before")], params).fetchall()[::-1]

    def _read_from(
        self, place: Place, at: str, message_id: int, until: str, count: int
    ) -> list[Any]:
        """Up to ``count`` messages from (``at``, ``message_id``) to ``until``."""
        params = {**_context_params(place, at, message_id, count), "until": until}
        return self._db.execute(_CONTEXT[(place.thread, "from")], params).fetchall()

    def replace(self, stretch: Stretch, rows: Sequence[InferredRow]) -> set[str]:
        """As :meth:`InferredQueries.replace`."""
        old = self._db.execute(_ROWS_IN_RANGE, _range_params(stretch)).fetchall()
        self._db.execute(_DELETE_RANGE, _range_params(stretch))
        inserted = _insert_params(stretch.place, rows)
        self._db.executemany(_INSERT, inserted)
        if (at := answers_checked.earliest(inserted)) is not None:
            self._db.execute(answers_checked.WRITTEN_AT, {"at": at})
        new = self._db.execute(_ROWS_IN_RANGE, _range_params(stretch)).fetchall()
        found = _changed(old, new)
        if (mark := dirty_days.inferred_mark(stretch.place.guild_id, found)) is not None:
            self._db.execute(dirty_days.BUMP)
            self._db.execute(dirty_days.MARK, mark)
        return found


# What a reader of its own sets: the store's waiting and caching, nothing that writes.
_READER_PRAGMAS = tuple(
    pragma
    for pragma in PRAGMAS
    if pragma.split()[1].split("=")[0] in {"busy_timeout", "cache_size", "temp_store", "mmap_size"}
)


@contextmanager
def snapshot_reader(path: Path) -> Iterator[InferredImport]:
    """The reads of :class:`InferredImport` on a read-only connection of their own to
    the store's file, in one read transaction: what committed writes hold, as of the
    first read, without waiting for (or flushing) the bot's connection. For a worker
    thread: live inference reads and infers there, off the event loop."""
    uri = f"{Path(path).absolute().as_uri()}?mode=ro"  # as_uri escapes "?", "#", "%"
    db = sqlite3.connect(uri, uri=True, isolation_level=None)
    try:
        for pragma in _READER_PRAGMAS:
            db.execute(pragma)
        db.execute("BEGIN")
        try:
            yield InferredImport(db)
        finally:
            db.execute("COMMIT")
    finally:
        db.close()
