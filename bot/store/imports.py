"""Writing imported history: the gateway's own statements, in one transaction per file.

The import runs outside the bot's event loop, on a plain ``sqlite3`` connection of its
own (WAL lets the bot go on reading; its writes wait for each file's commit). Rows are
the ones :class:`~bot.store.conversations.ConversationWriter` would queue, applied with
the same ``Write`` statements, so imported and live history follow one set of rules:
reply targets are looked up among stored messages, thread owners likewise, and bots
and opted-out members are never targets.
"""

from __future__ import annotations

import fcntl
import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiosqlite

from bot.store import answers_checked, derived
from bot.store.batcher import Write
from bot.store.connection import PRAGMAS, StoreError, is_busy
from bot.store.conversations import (
    CHANNEL_SEEN,
    MENTION,
    MESSAGE_POSTED,
    REACTION_ADDED,
    REPLY,
    THREAD_REPLY,
)
from bot.store.inferred import InferredImport

# The import's own connection keeps a bounded cache, no memory map, and sorts (index
# rebuilds) that spill to disk, so that its memory stays flat whatever the file's size.
# It writes in transactions of about a second with the indexes in place: each batch
# touches a leaf of every member's part of the by-member indexes, so the cache holds
# those (48 MiB; 16 MiB made a 200k import about a third slower), and the log is
# copied back into the file every 32 MiB rather than every 4 MiB, so a page changed by
# many transactions is copied fewer times.
IMPORT_CACHE_KIB = -49152  # keeping the indexes, as into a large store
BULK_CACHE_KIB = -16384  # writing without them (ImportWriter.bulk)
_IMPORT_PRAGMAS = (
    *PRAGMAS,
    f"PRAGMA cache_size = {IMPORT_CACHE_KIB}",
    "PRAGMA mmap_size = 0",
    "PRAGMA temp_store = FILE",
    "PRAGMA wal_autocheckpoint = 8192",
)

# ``ascolto import`` then summarises the days it touched on a store of its own; the
# bot's memory map (1 GiB) took that step to 991 MiB of RSS on a store of a million
# messages. Measured there (91 days; the interpreter and modules are 107 MiB): no map
# and 64 MiB of cache, 24.4 s and 176 MiB; no map and 16 MiB, 19.2 s and 128 MiB; a
# 64 MiB map and 16 MiB of cache, 14.1 s and 187 MiB; 256 MiB, 13.7 s and 412 MiB;
# 1 GiB, 13.3 s and 991 MiB. After a 1M import the 64 MiB map took the whole command
# to 207 MiB (what the import freed is not all given back): no map, 16 MiB of cache.
SUMMARY_PRAGMAS = (
    "PRAGMA cache_size = -16384",
    "PRAGMA mmap_size = 0",
)


async def for_summaries(db: aiosqlite.Connection) -> None:
    """Size ``db``'s page cache and memory map for the summaries after an import."""
    for pragma in SUMMARY_PRAGMAS:
        async with db.execute(pragma) as cursor:
            await cursor.fetchall()


# A guild's records start at its first sighting, or at the oldest history imported.
GUILD_IMPORTED = Write(
    "guild_imported",
    (
        """INSERT INTO guilds (guild_id, name, first_seen_at) VALUES (:guild_id, :name, :at)
           ON CONFLICT (guild_id) DO UPDATE SET
               name = coalesce(guilds.name, excluded.name),
               first_seen_at = min(guilds.first_seen_at, excluded.first_seen_at)""",
    ),
)

# A name from history never replaces one the bot saw live: old names are older.
NAME_IMPORTED = Write(
    "name_imported",
    (
        """INSERT INTO members (guild_id, user_id, display_name)
           VALUES (:guild_id, :user_id, :name)
           ON CONFLICT (guild_id, user_id) DO UPDATE SET
               display_name = coalesce(members.display_name, excluded.display_name)
           WHERE members.opted_out = 0""",
    ),
)

# A join read from a join notice: the event once, whatever the number of imports.
JOIN_IMPORTED = Write(
    "join_imported",
    (
        """INSERT INTO members (guild_id, user_id, display_name, joined_at)
           VALUES (:guild_id, :user_id, :name, :at)
           ON CONFLICT (guild_id, user_id) DO UPDATE SET
               joined_at = coalesce(members.joined_at, excluded.joined_at)
           WHERE members.opted_out = 0""",
        """INSERT INTO member_events (guild_id, user_id, kind, at)
           SELECT :guild_id, :user_id, 'join', :at
           WHERE NOT EXISTS (SELECT 1 FROM member_events
                             WHERE guild_id = :guild_id AND user_id = :user_id
                               AND kind = 'join' AND at = :at)""",
    ),
)

# What a file's exporter recorded, over the stretch of its stored messages: the same
# file imported again adds nothing (the table is described in migration 0006).
SOURCE_IMPORTED = Write(
    "source_imported",
    (
        """INSERT OR IGNORE INTO channel_sources
               (guild_id, channel_id, first_at, last_at, reply_data, mention_data,
                reaction_data)
           VALUES (:guild_id, :channel_id, :first_at, :last_at, :reply_data, :mention_data,
                   :reaction_data)""",
    ),
)

# A large file is written without the indexes that receive its rows in random order:
# they are rebuilt once at the end of the file, in its transaction (a sort instead of a
# million B-tree insertions). Small files keep them: rebuilding costs more than it saves
# there. (`connections` is kept by each batch's write, bot/store/derived.py.)
BULK_INDEXES = (
    "messages_by_author",
    "questions_by_author",
    "message_mentions_by_user",
    "interactions_by_target",
    "interactions_by_pair",
    "interactions_by_source",
    "interactions_answering",
    "reactions_by_user",
)


@contextmanager
def one_import_at_a_time(database: Path, on_wait: Callable[[], None]) -> Iterator[None]:
    """Imports into one database take turns: a second one calls ``on_wait`` and waits
    for the first to end (an advisory lock on a file beside the database, released
    by the system however the holder ends)."""
    lock = database.with_name(database.name + ".import-lock")
    try:
        handle = lock.open("a")
    except OSError as exc:
        raise StoreError(
            f"cannot create {lock}, which keeps imports taking turns: {exc.strerror} "
            "(is the database's folder read-only?)"
        ) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """Where a stored message is, and who wrote it."""

    guild_id: int
    where_id: int  # its thread, else its channel
    author_id: int


@dataclass(slots=True)
class Batch:
    """Rows of one stretch of a file, applied in the batcher's order: messages before
    the interactions that look them up."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    replies: list[dict[str, Any]] = field(default_factory=list)
    thread_replies: list[dict[str, Any]] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)
    reactions: list[dict[str, Any]] = field(default_factory=list)
    names: dict[int, dict[str, Any]] = field(default_factory=dict)
    joins: list[dict[str, Any]] = field(default_factory=list)
    # The messages each name came from, so that dropping them drops the name too.
    named_in: dict[int, set[int]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.messages)

    def name(self, row: dict[str, Any], message_id: int, *, own: bool) -> None:
        """A member's name (``row``: guild_id, user_id, name) from a message: their own
        (as its author) replaces any other, a mention's or a reaction's never does."""
        user_id = row["user_id"]
        if own or user_id not in self.names:
            self.names[user_id] = row
        self.named_in.setdefault(user_id, set()).add(message_id)

    def drop(self, message_ids: set[int], replied: set[int]) -> None:
        """Leave out the messages ``message_ids`` with everything they carry (their
        replies, mentions, reactions and join), and make a reply to any of ``replied``
        no reply: its target is not the stored message of the same id."""
        for row in self.replies:
            if row["reply_to_message_id"] in replied:
                row["reply_to_message_id"] = None
                if row["thread_id"] is not None and row["message_id"] != row["thread_id"]:
                    self.thread_replies.append(row)  # in a thread, it answers its owner
        self.messages = [r for r in self.messages if r["message_id"] not in message_ids]
        self.replies = [
            r
            for r in self.replies
            if r["message_id"] not in message_ids and r["reply_to_message_id"] is not None
        ]
        for rows in ("thread_replies", "mentions", "reactions", "joins"):
            kept = [r for r in getattr(self, rows) if r["message_id"] not in message_ids]
            setattr(self, rows, kept)
        for user_id, sources in list(self.named_in.items()):
            if sources <= message_ids:
                del self.names[user_id], self.named_in[user_id]


class ImportWriter:
    """One connection; :meth:`file` is one transaction; :meth:`write` applies a batch."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, isolation_level=None)
        for pragma in _IMPORT_PRAGMAS:
            self._db.execute(pragma).fetchall()
        # How long the write lock was held: the longest transaction, in seconds.
        self.longest_hold = 0.0
        # How long the last commit took (seconds): part of the next one's hold too.
        self.last_commit = 0.0
        self.transactions = 0

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def inferred(self) -> InferredImport:
        """Reply inference's reads and writes, on this connection (in its transaction)."""
        return InferredImport(self._db)

    def consent(self) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
        """(guild, member) pairs who opted out, and (guild, channel) pairs excluded."""
        opted_out = {
            (int(g), int(u))
            for g, u in self._db.execute(
                "SELECT guild_id, user_id FROM members WHERE opted_out = 1"
            )
        }
        excluded = {
            (int(g), int(c))
            for g, c in self._db.execute("SELECT guild_id, channel_id FROM excluded_channels")
        }
        return opted_out, excluded

    def stored_elsewhere(self, rows: list[dict[str, Any]]) -> dict[int, StoredMessage]:
        """Of the messages ``rows`` (rows of ``MESSAGE_POSTED``), those whose id is stored
        already in another guild, channel or thread: one id cannot be two messages, so
        such a row is a conflict, not a message already known. (In the same place, the
        stored message is the known one, whatever the file says of it.)"""
        if not rows:
            return {}
        ids = json.dumps([row["message_id"] for row in rows])
        stored = {
            int(message_id): StoredMessage(int(guild_id), int(where_id), int(author_id))
            for message_id, guild_id, where_id, author_id in self._db.execute(
                """SELECT m.message_id, m.guild_id, COALESCE(m.thread_id, m.channel_id),
                          m.author_id
                   FROM json_each(?) AS wanted JOIN messages AS m
                     ON m.message_id = wanted.value""",
                (ids,),
            )
        }
        conflicts = {}
        for row in rows:
            found = stored.get(row["message_id"])
            place = (row["guild_id"], row["where_id"])
            if found is not None and (found.guild_id, found.where_id) != place:
                conflicts[row["message_id"]] = found
        return conflicts

    def parent_of(self, channel_id: int) -> int | None:
        """A thread's parent channel, if the store knows it."""
        row = self._db.execute(
            "SELECT parent_id FROM channels WHERE channel_id = ?", (channel_id,)
        ).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def count(self, table: str) -> int:
        """Rows in one of the tables the import writes."""
        if table not in {"messages", "interactions", "members", "reactions"}:
            raise ValueError(f"not an imported table: {table}")
        row = self._db.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
        return int(row[0])

    @contextmanager
    def file(self, on_busy: Callable[[], None] | None = None) -> Iterator[None]:
        """One transaction (a file, or one batch of it), all or nothing. The write lock
        is waited for as long as the bot holds it (a member being forgotten can take a
        while), calling ``on_busy`` at each wait; how long it is held is measured."""
        while True:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                if not is_busy(exc):
                    raise
                if on_busy is not None:
                    on_busy()
        began = time.perf_counter()
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        finally:
            self.transactions += 1
        committing = time.perf_counter()
        self._db.execute("COMMIT")
        ended = time.perf_counter()
        self.last_commit = ended - committing
        self.longest_hold = max(self.longest_hold, ended - began)

    @contextmanager
    def bulk(self, guild_id: int) -> Iterator[None]:
        """Inside :meth:`file`: write without the random-order indexes, then rebuild
        them."""
        marks = ", ".join("?" for _ in BULK_INDEXES)
        saved = self._db.execute(
            f"SELECT type, name, sql FROM sqlite_master WHERE name IN ({marks})",  # noqa: S608
            BULK_INDEXES,
        ).fetchall()
        for kind, name, _ in saved:
            self._db.execute(f'DROP {kind.upper()} "{name}"')
        # Without those indexes the writes need little cache; the rebuilds sort in as
        # much memory as the cache may take, which a bulk file's single transaction
        # would otherwise add to its peak (measured: 252 MB instead of 175).
        self._db.execute(f"PRAGMA cache_size = {BULK_CACHE_KIB}").fetchall()
        try:
            yield
            for _, _, sql in saved:
                self._db.execute(sql)
        finally:
            self._db.execute(f"PRAGMA cache_size = {IMPORT_CACHE_KIB}").fetchall()

    def place(self, guild: dict[str, Any], channel: dict[str, Any]) -> None:
        """The guild and the channel (or thread) a file is about."""
        self._apply(GUILD_IMPORTED, [guild])
        self._apply(CHANNEL_SEEN, [channel])

    def observed_since(self, guild_id: int, at: str) -> None:
        """The guild's records now start at ``at`` if that is earlier: imported days are
        days the digest and the reports may speak of."""
        self._db.execute(
            "UPDATE guilds SET first_seen_at = min(first_seen_at, ?) WHERE guild_id = ?",
            (at, guild_id),
        )

    def source(self, row: dict[str, Any]) -> None:
        """Record what one file's exporter recorded, over its stretch of time."""
        self._apply(SOURCE_IMPORTED, [row])

    def write(self, batch: Batch) -> int:
        """Apply a batch; returns how many of its messages were new."""
        kept = self._derived_start(batch.messages)
        new = self._apply(MESSAGE_POSTED, batch.messages)
        self._apply(REPLY, batch.replies)
        self._apply(THREAD_REPLY, batch.thread_replies)
        self._apply(MENTION, batch.mentions)
        self._apply(REACTION_ADDED, batch.reactions)
        self._apply(NAME_IMPORTED, list(batch.names.values()))
        self._apply(JOIN_IMPORTED, batch.joins)
        self._derived_end(kept)
        # History may answer what the reminder pass announced: it looks from there.
        if (at := answers_checked.earliest(batch.messages)) is not None:
            self._db.execute(answers_checked.WRITTEN_AT, {"at": at})
        return new

    def _derived_start(self, messages: list[dict[str, Any]]) -> derived.Written:
        """Before a batch: the marks its end needs (bot/store/derived.py)."""
        kept = derived.Written(int(self._db.execute(derived.INTERACTIONS_MARK).fetchone()[0]))
        if messages:
            guilds = {"guilds": derived.Written.guilds_of(messages)}
            ends = self._db.execute(derived.LATEST_DAY_ENDS, guilds).fetchall()
            if (ids := kept.messages_to_check(messages, ends)) is not None:
                kept.stored_before(self._db.execute(derived.STORED_MESSAGES, {"ids": ids}))
        return kept

    def _derived_end(self, kept: derived.Written) -> None:
        """After a batch: connections and stale cached days, set-based."""
        mark = {"mark": kept.mark}
        self._db.execute(derived.CONNECTIONS_FROM_NEW, mark)
        interactions = self._db.execute(derived.NEW_INTERACTIONS_EARLIEST, mark).fetchall()
        messages = []
        if (query := kept.new_messages_query()) is not None:
            messages = self._db.execute(derived.NEW_MESSAGES_EARLIEST, query).fetchall()
        if stale := derived.Written.stale_days(interactions, messages):
            self._db.executemany(derived.DAYS_STALE, stale)
        for sql, params in kept.rollups():
            self._db.execute(sql, params)

    def _apply(self, write: Write, rows: list[dict[str, Any]]) -> int:
        if not rows:
            return 0
        changed = 0
        for statement in write.statements:
            changed = self._db.executemany(statement, rows).rowcount
        return changed
