"""Small helpers for tests: reading what the store holds, making threads, running the CLI."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot import AscoltoBot
from bot.cli import main
from bot.settings import DatabaseSettings, Settings

DAY_SECONDS = 24 * 3600


async def stored(bot: AscoltoBot, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Flush the bot's pending writes, then run a read-only query on its database file."""
    await bot.store.flush()
    return query(bot.store.path, sql, *params)


def query(path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Run a query on a database file with a separate, plain connection."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute(sql, params).fetchall()


def create_thread(env: Any, channel: Any, name: str, owner: Any, *, message: Any = None) -> Any:
    """A member-created thread, optionally from a message (SimCord 3.2.1 has no public builder)."""
    from simcord.builders import ChannelHandle

    thread = env.backend.create_thread(
        channel.id, name, owner.id, message_id=message.id if message is not None else None
    )
    return ChannelHandle(env, channel.guild, thread)


def slow_clock_settings(db_path: Path, **tables: Any) -> Settings:
    """Settings for tests that advance the simulated clock by minutes, hours or days:
    writes flush on demand and the heartbeat is daily, so the bot's loops tick rarely."""
    database = DatabaseSettings(
        path=db_path, flush_interval_seconds=DAY_SECONDS, heartbeat_interval_seconds=DAY_SECONDS
    )
    return Settings(database=database, **tables)


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``ascolto argv...``, argparse exits included."""
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err
