"""Opening the SQLite file: pragmas, numbered migrations, and files from newer versions."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from bot.store import Store, StoreError, connection


async def scalar(db: aiosqlite.Connection, sql: str) -> Any:
    async with db.execute(sql) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return row[0]


def file_user_version(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("PRAGMA user_version").fetchone()[0])


def file_tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows}


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[aiosqlite.Connection]:
    conn = await connection.connect(tmp_path / "pragmas.db")
    yield conn
    await conn.close()


# Pragmas


async def test_connection_uses_wal_mode(db: aiosqlite.Connection) -> None:
    assert await scalar(db, "PRAGMA journal_mode") == "wal"


async def test_connection_waits_five_seconds_for_a_lock(db: aiosqlite.Connection) -> None:
    assert await scalar(db, "PRAGMA busy_timeout") == 5000


async def test_connection_enforces_foreign_keys(db: aiosqlite.Connection) -> None:
    assert await scalar(db, "PRAGMA foreign_keys") == 1


async def test_connection_caches_64_mib_maps_nothing_and_sorts_in_memory(
    db: aiosqlite.Connection,
) -> None:
    assert await scalar(db, "PRAGMA cache_size") == -65536
    assert await scalar(db, "PRAGMA mmap_size") == 0
    assert await scalar(db, "PRAGMA temp_store") == 2  # MEMORY


async def test_a_store_maps_the_file_when_memory_map_mib_says_so(tmp_path: Path) -> None:
    store = Store(tmp_path / "mapped.db", memory_map_mib=64)
    await store.open()
    try:
        async with store.reading() as db:
            assert await scalar(db, "PRAGMA mmap_size") == 64 * 1024 * 1024
    finally:
        await store.close()


async def test_connect_creates_the_missing_folder(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "c.db"

    conn = await connection.connect(path)
    await conn.close()

    assert path.is_file()


async def test_opened_store_leaves_the_file_in_wal_mode(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    await store.open()
    await store.close()

    with sqlite3.connect(tmp_path / "s.db") as plain:
        assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_store_rejects_a_row_that_breaks_a_foreign_key(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    await store.open()
    try:
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            async with store.transaction() as db:
                await db.execute(
                    "INSERT INTO message_mentions (message_id, user_id) VALUES (999, 1)"
                )
    finally:
        await store.close()


# Migrations


def test_migrations_are_numbered_from_one_without_gaps() -> None:
    shipped = sorted(
        entry.name
        for entry in resources.files("bot.store.migrations").iterdir()
        if entry.name.endswith(".sql")
    )

    numbers = [number for number, _, _ in connection.migrations()]

    assert shipped[0] == "0001_initial.sql"
    assert numbers == list(range(1, len(shipped) + 1))
    assert connection.latest_version() == len(shipped)


async def test_migrate_new_file_applies_every_migration(db: aiosqlite.Connection) -> None:
    before, after = await connection.migrate(db, Path("pragmas.db"))

    assert (before, after) == (0, connection.latest_version())
    assert await connection.schema_version(db) == connection.latest_version()


async def test_migrate_twice_changes_nothing(db: aiosqlite.Connection) -> None:
    await connection.migrate(db, Path("pragmas.db"))

    again = await connection.migrate(db, Path("pragmas.db"))

    latest = connection.latest_version()
    assert again == (latest, latest)


async def test_opened_store_has_the_schema_and_records_its_version(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = Store(path)
    await store.open()
    await store.close()

    assert file_user_version(path) == connection.latest_version()
    assert {"guilds", "channels", "members", "messages", "interactions"} <= file_tables(path)


async def test_failed_migration_is_rolled_back_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = [
        (1, "0001_first.sql", "CREATE TABLE first (x INTEGER);"),
        (2, "0002_broken.sql", "CREATE TABLE second (x INTEGER);\nTHIS IS NOT SQL;"),
    ]
    monkeypatch.setattr(connection, "migrations", lambda: shipped)
    path = tmp_path / "m.db"
    conn = await connection.connect(path)
    try:
        with pytest.raises(StoreError, match=r"^migration 0002_broken\.sql failed on "):
            await connection.migrate(conn, path)
        assert not conn.in_transaction
    finally:
        await conn.close()

    assert file_user_version(path) == 1
    assert "first" in file_tables(path)
    assert "second" not in file_tables(path)


# A file written by a newer version


def make_future_file(path: Path) -> Path:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    return path


async def test_migrate_refuses_a_file_from_a_newer_version(tmp_path: Path) -> None:
    path = make_future_file(tmp_path / "future.db")
    conn = await connection.connect(path)
    try:
        with pytest.raises(StoreError) as caught:
            await connection.migrate(conn, path)
    finally:
        await conn.close()

    message = str(caught.value)
    assert message.startswith(f"{path} was written by a newer version of Ascolto (schema 99; ")
    assert f"knows up to {connection.latest_version()})" in message
    assert "\n" not in message


async def test_store_open_refuses_a_file_from_a_newer_version(tmp_path: Path) -> None:
    path = make_future_file(tmp_path / "future.db")
    store = Store(path)

    with pytest.raises(StoreError, match="newer version"):
        await store.open()

    assert not store.is_open
    assert file_user_version(path) == 99
    assert file_tables(path) == set()


def test_closed_store_has_no_connection(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")

    with pytest.raises(StoreError, match="not open"):
        _ = store.db


async def test_a_transaction_cancelled_midway_is_rolled_back_and_the_next_one_works(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "cancel.db")
    await store.open()
    inside = asyncio.Event()

    async def write_then_wait() -> None:
        async with store.transaction() as db:
            await db.execute(
                "INSERT INTO guilds (guild_id, name, first_seen_at) VALUES (1, 'a', 'x')"
            )
            inside.set()
            await asyncio.Event().wait()  # cancelled here, as shutdown cancels loops

    try:
        task = asyncio.create_task(write_then_wait())
        await inside.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert not store.db.in_transaction
        # A transaction some statement left open (the worst case) is undone first.
        await store.db.execute("BEGIN")
        async with store.transaction() as db:
            await db.execute(
                "INSERT INTO guilds (guild_id, name, first_seen_at) VALUES (2, 'b', 'x')"
            )
        async with store.db.execute("SELECT guild_id FROM guilds") as cursor:
            assert list(await cursor.fetchall()) == [(2,)]
    finally:
        await store.close()
