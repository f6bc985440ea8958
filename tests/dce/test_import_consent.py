"""Consent changed while an import runs in another process holds for the rest of it.

The import runs in a real second process on the same file. It pauses at a chosen
point (between two files, or inside a file's transaction, holding the write lock)
until the test says go, so the races are reproduced exactly rather than by timing.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.policy import LoggingPolicy
from bot.store import Store
from tests.dce.concurrent import paused_import
from tests.dce.exports import GENERAL, GUILD, export, message, user, write
from tests.helpers import query, run_cli

ADA, BEN = user(1, "ada"), user(2, "ben")
SECOND_CHANNEL = "900000000000000011"
THIRD_CHANNEL = "900000000000000012"


def three_files(folder: Path) -> None:
    """Three channels, each with messages by Ada and Ben that answer each other."""
    folder.mkdir()
    for number, channel in enumerate((GENERAL, SECOND_CHANNEL, THIRD_CHANNEL)):
        base = 100 * (number + 1)
        day = f"2024-05-0{number + 1}"
        messages = [
            message(base, ADA, f"{day}T09:00:00Z", "anyone?"),
            message(base + 1, BEN, f"{day}T09:01:00Z", "me <@1>", mentions=[ADA]),
            message(base + 2, ADA, f"{day}T09:02:00Z", "great <@2>", mentions=[BEN]),
            message(base + 3, BEN, f"{day}T09:03:00Z", "see you"),
        ]
        write(folder, f"{number}.json", export(messages, channel=channel))


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = Store(tmp_path / "ascolto.db")
    await opened.open()
    try:
        yield opened
    finally:
        await opened.close()


def stored_for_ada(db: Path) -> list[tuple[int, int]]:
    return [
        query(db, "SELECT count(*) FROM messages WHERE author_id = 1")[0],
        query(db, "SELECT count(*) FROM interactions WHERE 1 IN (source_id, target_id)")[0],
    ]


async def test_an_opt_out_between_two_files_holds_for_every_later_file(
    store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "exports"
    three_files(folder)
    policy = LoggingPolicy(store)
    await policy.load()

    with paused_import(store.path, folder, tmp_path / "signals", "between") as output:
        assert stored_for_ada(store.path)[0] == (2,)  # the first file is in
        await policy.opt_out(int(GUILD), 1)

    assert output == ["8", "0"]  # the first file's 4, then only Ben's 2 of each other file
    assert stored_for_ada(store.path) == [(0,), (0,)]
    assert query(store.path, "SELECT opted_out FROM members WHERE user_id = 1") == [(1,)]
    assert query(store.path, "SELECT count(*) FROM messages WHERE author_id = 2") == [(6,)]


async def test_an_opt_out_waits_for_the_file_that_holds_the_lock_then_holds(
    store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "exports"
    three_files(folder)
    policy = LoggingPolicy(store)
    await policy.load()
    waits: list[bool] = []

    async def told_to_wait() -> None:
        # Still logged while waiting: memory changes only once the file does.
        waits.append(policy.member_logged(int(GUILD), 1))
        (tmp_path / "signals" / "go").touch()  # the import may finish its file now

    with paused_import(store.path, folder, tmp_path / "signals", "inside"):
        await policy.opt_out(int(GUILD), 1, on_busy=told_to_wait)
        assert not policy.member_logged(int(GUILD), 1)

    assert waits and all(waits)  # it waited (SQLite's 5 s each time), and said so
    assert stored_for_ada(store.path) == [(0,), (0,)]
    assert query(store.path, "SELECT opted_out FROM members WHERE user_id = 1") == [(1,)]


async def test_an_exclusion_made_while_an_import_runs_holds_for_every_later_file(
    store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "exports"
    three_files(folder)
    policy = LoggingPolicy(store)
    await policy.load()
    third = int(THIRD_CHANNEL)

    with paused_import(store.path, folder, tmp_path / "signals", "between"):
        await policy.exclude_channel(int(GUILD), third)

    assert query(store.path, "SELECT count(*) FROM messages WHERE channel_id = ?", third) == [(0,)]
    assert query(store.path, "SELECT count(*) FROM messages") == [(8,)]


def test_a_second_import_waits_for_the_first_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "ascolto.db"
    assert run_cli(capsys, "migrate", "--db", str(db))[0] == 0
    folder = tmp_path / "exports"
    three_files(folder)
    second = tmp_path / "second"
    second.mkdir()
    write(second, "late.json", export([message(900, BEN, "2024-05-09T09:00:00Z")]))
    with paused_import(db, folder, tmp_path / "signals", "between"):
        # The first holds the import lock (paused between files): the second waits.
        other = subprocess.Popen(
            [sys.executable, "-m", "bot", "import", str(second), "--db", str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parents[2],
        )
        assert other.stderr is not None
        said = other.stderr.readline()  # blocks until the second import says something
        assert other.poll() is None  # still waiting, not failed
    _, err = other.communicate(timeout=120)
    err = said + err

    assert other.returncode == 0, err
    assert "waiting: another import is writing to" in err
    assert "Traceback" not in err
    assert query(db, "SELECT count(*) FROM messages") == [(13,)]


THREAD = "900000000000000020"


def a_thread_file_without_its_parent(folder: Path) -> Path:
    """An older export of a thread: no ``categoryId`` says which channel holds it."""
    folder.mkdir(exist_ok=True)
    thread = export(
        [message(30, BEN, "2024-05-01T12:01:00Z", "private plans")],
        channel=THREAD,
        channel_type="GuildPublicThread",
    )
    del thread["channel"]["categoryId"]
    return write(folder, "thread.json", thread)


def a_store_excluding(tmp_path: Path, capsys: pytest.CaptureFixture[str], channel: str) -> Path:
    """A migrated database in which a manager excluded ``channel``."""
    db = tmp_path / "ascolto.db"
    assert run_cli(capsys, "migrate", "--db", str(db))[0] == 0
    with sqlite3.connect(db) as connection:
        connection.execute(
            "INSERT INTO excluded_channels (guild_id, channel_id, excluded_at) VALUES (?, ?, ?)",
            (int(GUILD), int(channel), "2024-01-01T00:00:00.000Z"),
        )
    return db


def test_a_thread_of_an_excluded_channel_stays_out_when_its_file_omits_the_parent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = a_store_excluding(tmp_path, capsys, GENERAL)
    with sqlite3.connect(db) as connection:  # the bot saw the thread live: its parent is known
        connection.execute(
            "INSERT INTO channels (channel_id, guild_id, kind, parent_id) VALUES (?, ?, ?, ?)",
            (int(THREAD), int(GUILD), "public_thread", int(GENERAL)),
        )
    path = a_thread_file_without_its_parent(tmp_path / "exports")

    code, out, _ = run_cli(capsys, "import", str(path), "--db", str(db))

    assert code == 0
    assert "1 skipped" in out
    assert query(db, "SELECT count(*) FROM messages") == [(0,)]


def test_a_thread_whose_parent_nobody_knows_is_refused_where_channels_are_excluded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = a_store_excluding(tmp_path, capsys, SECOND_CHANNEL)
    path = a_thread_file_without_its_parent(tmp_path / "exports")

    code, _, err = run_cli(capsys, "import", str(path), "--db", str(db))

    assert code == 1
    assert f"thread {int(THREAD)} does not say which channel it belongs to" in err
    assert "this server excludes channels, so it is not imported" in err
    assert query(db, "SELECT count(*) FROM messages") == [(0,)]
