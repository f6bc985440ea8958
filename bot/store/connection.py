"""Opening the SQLite file and bringing its schema up to date."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import aiosqlite

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


PRAGMAS = (
    "PRAGMA busy_timeout = 5000",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
    # What a member asked to be forgotten is overwritten with zeros, not just unlinked.
    "PRAGMA secure_delete = ON",
    # A day's summary reads tens of thousands of index entries spread over the file:
    # 64 MiB of page cache (instead of SQLite's 2 MiB) keeps them across statements,
    # and keeps what a reminder pass with 500 DMs due reads (with 32 MiB it read about
    # 8,700 pages from the OS at every pass, 0 with 64). No memory map: on a
    # 1M-message store, 91 days of summaries in a process with the bot's modules
    # peaked at 1,030 MiB of RSS with a 1 GiB map (12.8 s), 187 MiB with 64 MiB (and a
    # 16 MiB cache), 178-189 MiB with none and this cache; the README's "Small hosts"
    # has the figures.
    "PRAGMA cache_size = -65536",
    "PRAGMA temp_store = MEMORY",
    "PRAGMA mmap_size = 0",  # unless [database] memory_map_mib says otherwise (connect)
)
MIB = 1024 * 1024


# How a query module reaches the database: ``async with access() as db``. The store
# hands each module its ``reading`` and ``writing`` (see bot/store/__init__.py).
Access = Callable[[], AbstractAsyncContextManager[aiosqlite.Connection]]

# Awaited each time a write finds the file locked by another process and waits on.
OnBusy = Callable[[], Awaitable[None]]


class Writing(Protocol):
    """How a query module opens a write transaction that may wait its turn (see
    ``Store.writing``)."""

    def __call__(
        self, *, on_busy: OnBusy | None = None
    ) -> AbstractAsyncContextManager[aiosqlite.Connection]: ...


def is_busy(exc: BaseException) -> bool:
    """Whether SQLite gave up waiting for another connection's lock (an import's)."""
    return isinstance(exc, sqlite3.OperationalError) and (
        "locked" in str(exc) or "busy" in str(exc)
    )


# A statement's bound parameters: named (a mapping) or positional.
Params = Mapping[str, Any] | Sequence[Any]


class StoreError(Exception):
    """The database cannot be used as it is; the message says why and what to do."""


def migrations() -> list[tuple[int, str, str]]:
    """The numbered migrations shipped with this version, as (number, name, sql), in order."""
    found = []
    for entry in resources.files("bot.store.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [number for number, _, _ in found]
    if numbers != list(range(1, len(found) + 1)):
        raise StoreError(f"migrations are not numbered 1..n without gaps: {numbers}")
    return found


def latest_version() -> int:
    """The schema version this code writes."""
    return len(migrations())


async def connect(path: Path, *, memory_map_mib: int = 0) -> aiosqlite.Connection:
    """Open (creating the folder if needed) with the pragmas the bot relies on, and a
    memory map of ``memory_map_mib`` MiB of the file (``[database] memory_map_mib``)."""
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    db = await aiosqlite.connect(path, isolation_level=None)
    try:
        # NORMAL is durable across application crashes in WAL mode; only a power
        # loss can roll back the last commits, never corrupt the file.
        for pragma in (*PRAGMAS, f"PRAGMA mmap_size = {int(memory_map_mib) * MIB}"):
            async with db.execute(pragma) as cursor:
                await cursor.fetchall()
    except BaseException:
        await db.close()
        raise
    return db


async def fetch_all(
    db: aiosqlite.Connection, sql: str, params: Params = ()
) -> list[tuple[Any, ...]]:
    """Every row of one statement, as tuples."""
    async with db.execute(sql, params) as cursor:
        return [tuple(row) for row in await cursor.fetchall()]


async def fetch_one(
    db: aiosqlite.Connection, sql: str, params: Params = ()
) -> tuple[Any, ...] | None:
    """The first row of one statement, as a tuple; None when there is none."""
    async with db.execute(sql, params) as cursor:
        row = await cursor.fetchone()
    return None if row is None else tuple(row)


async def schema_version(db: aiosqlite.Connection) -> int:
    """The ``PRAGMA user_version`` recorded in the file."""
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def migrate(db: aiosqlite.Connection, path: Path) -> tuple[int, int]:
    """Apply every migration newer than the file's version; returns (before, after)."""
    available = migrations()
    current = await schema_version(db)
    if current > len(available):
        raise StoreError(
            f"{path} was written by a newer version of Ascolto (schema {current}; this version "
            f"knows up to {len(available)}). Upgrade Ascolto, or restore a backup made by this "
            "version."
        )
    for number, name, sql in available[current:]:
        log.info("applying migration %s", name)
        # One script, one transaction: a migration is applied whole or not at all.
        # PRAGMA takes no bound parameters; the number comes from our own file name.
        script = f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;"
        try:
            await db.executescript(script)
        except Exception as exc:
            if db.in_transaction:
                await db.execute("ROLLBACK")
            raise StoreError(f"migration {name} failed on {path}: {exc}") from exc
    return current, len(available)
