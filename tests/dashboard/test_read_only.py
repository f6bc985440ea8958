"""The dashboard opens the database read-only: it can never write, and never creates one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.dashboard.config import DATA
from bot.store import StoreError
from bot.store.readonly import ReadOnlyStore
from tests.dashboard.world import GUILD, client


def fingerprint(path: Path) -> tuple[int, list[tuple[object, ...]]]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        count = db.execute("SELECT count(*) FROM messages").fetchone()[0]
        return count, db.execute("SELECT * FROM daily_summaries ORDER BY day").fetchall()


async def test_a_write_through_the_dashboards_connection_fails(store_path: Path) -> None:
    before = fingerprint(store_path)
    async with client(store_path) as c:
        await c.get(f"/g/{GUILD}?day=2026-03-09")  # a day not computed: shown, not stored
        store = c.server.app[DATA].store
        with pytest.raises(sqlite3.OperationalError, match=r"readonly|read-only|query_only"):
            await store.db.execute("DELETE FROM messages")
        with pytest.raises(StoreError, match="open read-only"):
            async with store.writing():
                pass

    assert fingerprint(store_path) == before


async def test_a_missing_database_is_an_error_not_a_new_file(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.db"
    store = ReadOnlyStore(missing)

    with pytest.raises(StoreError, match=f"no database at {missing}"):
        await store.open()
    assert not missing.exists()


async def test_a_database_of_an_older_schema_asks_for_a_migration(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as db:
        db.execute("CREATE TABLE t (x)")
        db.execute("PRAGMA user_version = 3")
    store = ReadOnlyStore(old)

    with pytest.raises(StoreError, match=r"has schema 3, older than .*: run `ascolto migrate"):
        await store.open()


async def test_a_file_that_is_not_ascoltos_says_so(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")

    with pytest.raises(StoreError, match="is not an Ascolto database"):
        await ReadOnlyStore(other).open()
