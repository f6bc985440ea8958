"""The store opened read-only, for the dashboard: every query module of the store, none
of its writes.

SQLite opens the file with ``mode=ro`` (and ``query_only``), so no statement through
this connection can change it, whatever a query module tries: a write fails with
"attempt to write a readonly database". A missing file is an error, never a new empty
database, and the schema is checked rather than migrated (a read-only file cannot be).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.store import Store
from bot.store.connection import OnBusy, StoreError, latest_version, schema_version
from bot.store.dashboard import DashboardQueries

# The bot's reading pragmas; the writing ones (WAL, synchronous, secure_delete) are
# the writer's business, and the file keeps them.
_PRAGMAS = (
    "PRAGMA query_only = ON",
    "PRAGMA busy_timeout = 5000",
    "PRAGMA cache_size = -65536",
    "PRAGMA temp_store = MEMORY",
)


def read_only_uri(path: Path) -> str:
    """SQLite's URI that opens ``path`` read-only (percent-encoded, so any name works)."""
    return f"{path.resolve().as_uri()}?mode=ro"


class ReadOnlyStore(Store):
    """A :class:`Store` whose connection cannot write: its queries read, its writes fail."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.dashboard = DashboardQueries(self.reading)

    async def open(self) -> None:
        """Open the file read-only and check that its schema is the one this code reads."""
        if not self.path.is_file():
            raise StoreError(f"no database at {self.path}")
        db = await aiosqlite.connect(read_only_uri(self.path), uri=True, isolation_level=None)
        try:
            for pragma in _PRAGMAS:
                async with db.execute(pragma) as cursor:
                    await cursor.fetchall()
            version = await schema_version(db)
        except BaseException:
            await db.close()
            raise
        expected = latest_version()
        if version != expected:
            await db.close()
            raise StoreError(_schema_problem(self.path, version, expected))
        self._db = db

    @asynccontextmanager
    async def transaction(
        self, *, on_busy: OnBusy | None = None
    ) -> AsyncIterator[aiosqlite.Connection]:
        """Never: the file is open read-only. (SQLite would refuse the write anyway; this
        says why before a transaction is begun.)"""
        raise StoreError(f"{self.path} is open read-only: nothing can be written through it")
        yield self.db  # pragma: no cover (makes this a generator)


def _schema_problem(path: Path, version: int, expected: int) -> str:
    if version == 0:
        return f"{path} is not an Ascolto database (it has no Ascolto tables)"
    if version > expected:
        return (
            f"{path} was written by a newer version of Ascolto (schema {version}; this "
            f"version reads {expected}): upgrade Ascolto"
        )
    return (
        f"{path} has schema {version}, older than this version's {expected}: run "
        f"`ascolto migrate --db {path}` first (the dashboard never writes)"
    )
