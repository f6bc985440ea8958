"""Small helpers for tests: reading what the store holds, making threads, running the
CLI, holding a command's slow work to see that it answered Discord first."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
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
    writes flush on demand, and the heartbeat and the timers' recheck are daily, so the
    bot's loops tick (and read the database) rarely."""
    database = DatabaseSettings(
        path=db_path,
        flush_interval_seconds=DAY_SECONDS,
        heartbeat_interval_seconds=DAY_SECONDS,
        timer_recheck_seconds=DAY_SECONDS,
    )
    return Settings(database=database, **tables)


async def answers_before_slow_work(
    env: Any,
    monkeypatch: Any,
    slow: tuple[object, str],
    command: Callable[[], Awaitable[Any]],
    *,
    ephemeral: bool = True,
) -> Any:
    """Run ``command`` (a slash command) with the slow call ``getattr(*slow)`` held until
    the command has answered Discord; returns the command's result once it has finished.

    Discord drops an interaction that is not answered within 3 seconds. The slow call
    waits on an event that is set only once the interaction is seen acknowledged
    (deferred, ``ephemeral`` as given) and 4 simulated seconds have passed, so the
    result must also reach Discord after its limit, as an edit of the deferred answer.
    """
    owner, name = slow
    original = getattr(owner, name)
    release = asyncio.Event()
    reached = asyncio.Event()

    async def held(*args: Any, **kwargs: Any) -> Any:
        reached.set()
        await env.external_wait(release.wait(), reason="the test holds the slow work")
        return await original(*args, **kwargs)

    monkeypatch.setattr(owner, name, held)
    errors = env.error_cursor
    result = await command()  # returns once the bot is idle: here, parked in the slow call

    assert reached.is_set(), f"the command never called {name}"
    assert result.acknowledged, f"the command did not answer before {name} finished"
    assert result.deferred and result.ephemeral == ephemeral
    await env.advance_time(4)  # past Discord's 3 seconds
    release.set()
    await env.settle()
    monkeypatch.setattr(owner, name, original)
    assert not env.errors_since(errors), env.errors_since(errors)
    return result


def answered_at_once(result: Any) -> bool:
    """Whether a command answered with its message at once, with no "thinking…" first:
    the answer that replaces a "thinking…" is an edit of it, so it carries an edit time."""
    return result.response is not None and result.response.message.edited_at is None


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``ascolto argv...``, argparse exits included."""
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err
