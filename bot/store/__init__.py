"""The store: the only place that knows SQL. One SQLite file, reached through aiosqlite."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.store import connection
from bot.store.activity import ActivityDays
from bot.store.alerts import AlertQueries
from bot.store.batcher import WriteBatcher
from bot.store.connection import OnBusy, StoreError
from bot.store.consent import ConsentQueries
from bot.store.conversations import ConversationWriter
from bot.store.digest_context import DigestContextQueries
from bot.store.digests import DigestQueries
from bot.store.dirty_days import DirtyDays
from bot.store.exports import ExportQueries
from bot.store.guild_config import GuildConfigQueries
from bot.store.guilds import GuildQueries
from bot.store.heartbeat import HeartbeatQueries
from bot.store.inbox import InboxQueries
from bot.store.inferred import InferredQueries
from bot.store.newcomers import NewcomerQueries
from bot.store.places import PlaceQueries
from bot.store.profiles import ProfileQueries
from bot.store.retention import RetentionQueries
from bot.store.sources import SourceQueries
from bot.store.summaries import SummaryQueries
from bot.store.timers import TimerQueries

__all__ = ["Store", "StoreError"]

log = logging.getLogger(__name__)


class Store:
    """The database of one bot: opened by :meth:`open`, flushed and closed by :meth:`close`."""

    def __init__(self, path: Path, *, flush_max_events: int = 500, memory_map_mib: int = 0) -> None:
        self.path = path
        self._memory_map_mib = memory_map_mib
        self._db: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._flush_tasks: set[asyncio.Task[None]] = set()
        self.batcher = WriteBatcher(
            self.transaction, max_pending=flush_max_events, on_full=self._flush_soon
        )
        self.conversations = ConversationWriter(self.batcher)
        # Each query module gets the ways in it needs, and nothing else: ``reading`` and
        # ``writing`` see every write queued before them. Only the heartbeat writes with
        # the bare transaction: it reports the flush loop, so it must not flush itself.
        reading, writing = self.reading, self.writing
        self.consent = ConsentQueries(reading, writing)
        self.guild_config = GuildConfigQueries(reading, writing)
        self.retention = RetentionQueries(writing)
        self.activity = ActivityDays(writing)
        self.summaries = SummaryQueries(reading, writing, self.activity)
        self.dirty_days = DirtyDays(reading, writing)
        self.digests = DigestQueries(reading, writing)
        self.guilds = GuildQueries(reading)
        self.timers = TimerQueries(reading, writing)
        self.profiles = ProfileQueries(reading)
        self.alerts = AlertQueries(reading, writing)
        self.inbox = InboxQueries(reading, writing)
        self.inferred = InferredQueries(reading, writing)
        self.heartbeat = HeartbeatQueries(self.transaction)
        self.exports = ExportQueries(reading)
        self.sources = SourceQueries(reading)
        self.places = PlaceQueries(reading)
        self.newcomers = NewcomerQueries(reading)
        self.digest_context = DigestContextQueries(reading, self.activity)

    @property
    def db(self) -> aiosqlite.Connection:
        """The open connection, as it is: queued writes may not be in it yet (see
        :meth:`reading`)."""
        if self._db is None:
            raise StoreError("the store is not open")
        return self._db

    @property
    def is_open(self) -> bool:
        """Whether :meth:`open` has run and :meth:`close` has not."""
        return self._db is not None

    async def open(self) -> None:
        """Open the file and apply pending migrations."""
        db = await connection.connect(self.path, memory_map_mib=self._memory_map_mib)
        try:
            await connection.migrate(db, self.path)
        except BaseException:
            await db.close()
            raise
        self._db = db

    async def close(self) -> None:
        """Write everything still queued, then close the file."""
        if self._db is None:
            return
        for task in list(self._flush_tasks):
            await asyncio.gather(task, return_exceptions=True)
        try:
            await self.flush()
        except Exception:
            log.error("closing with %d writes that could not be saved", self.batcher.pending)
        await self._db.close()
        self._db = None

    async def flush(self) -> int:
        """Write every queued row now, in one transaction; returns how many."""
        return await self.batcher.flush()

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[aiosqlite.Connection]:
        """The connection, for reads that see every write made so far: queued writes
        are flushed first (read-your-writes is the store's job, not each query's)."""
        await self.flush()
        yield self.db

    @asynccontextmanager
    async def writing(
        self, *, on_busy: OnBusy | None = None
    ) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction that comes after every write queued so far: queued
        writes are flushed first, so that a change decided from what the gateway
        wrote (an alert claimed, a member forgotten) sees all of it.

        With ``on_busy``, the write waits its turn however long another process (an
        import) holds the file, awaiting ``on_busy`` at each wait instead of failing:
        for changes that must never give up, like a member's consent.
        """
        while True:
            try:
                await self.flush()
                break
            except sqlite3.OperationalError as exc:
                if on_busy is None or not connection.is_busy(exc):
                    raise
                await on_busy()
        async with self.transaction(on_busy=on_busy) as db:
            yield db

    @asynccontextmanager
    async def transaction(
        self, *, on_busy: OnBusy | None = None
    ) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction at a time on the shared connection; with ``on_busy``,
        it waits as :meth:`writing` says for the file's write lock.

        Safe to cancel (shutdown cancels loops mid-write): a statement already handed
        to the database thread runs to its end, and the transaction is then rolled
        back or committed, never left open for the next caller.
        """
        async with self._lock:
            db = self.db
            if db.in_transaction:
                # Left open by a statement that outlived its cancelled caller.
                await db.execute("ROLLBACK")
            await _begin(db, on_busy)
            try:
                yield db
            except BaseException:
                await _finish(db, "ROLLBACK")
                raise
            await _finish(db, "COMMIT")

    def _flush_soon(self) -> None:
        """The queue is full: flush in the background, without making the caller wait."""
        task = asyncio.get_running_loop().create_task(self._flush_logged())
        self._flush_tasks.add(task)
        task.add_done_callback(self._flush_tasks.discard)

    async def _flush_logged(self) -> None:
        # A failure is logged by the batcher, and the rows wait for the next try.
        with contextlib.suppress(Exception):
            await self.flush()


async def _begin(db: aiosqlite.Connection, on_busy: OnBusy | None) -> None:
    """Take the write lock; each try waits up to the connection's busy timeout."""
    while True:
        try:
            await _finish(db, "BEGIN IMMEDIATE", undo="ROLLBACK")
            return
        except sqlite3.OperationalError as exc:
            if on_busy is None or not connection.is_busy(exc):
                raise
            await on_busy()


async def _finish(db: aiosqlite.Connection, sql: str, *, undo: str | None = None) -> None:
    """Run one statement to its end even if the caller is cancelled meanwhile; on
    cancellation, run ``undo`` after it, then let the cancellation through."""
    statement = asyncio.ensure_future(db.execute(sql))
    try:
        await asyncio.shield(statement)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await statement
            if undo is not None:
                await db.execute(undo)
        raise
