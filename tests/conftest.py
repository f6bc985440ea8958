"""Fixtures: a real bot on a real SQLite file in a temporary folder, driven by SimCord."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from simcord import Env

from bot import AscoltoBot, Settings, create_bot
from bot.settings import DatabaseSettings

# SimCord runs every tick of the bot's flush and heartbeat loops that an advance passes,
# and each tick costs real time: an advance over hundreds of ticks depends on the
# machine's speed (25 simulated minutes of the one-second flush loop missed SimCord's
# settle timeout on a loaded machine). Longer advances use slow_clock_settings.
MAX_LOOP_TICKS_PER_ADVANCE = 100


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's own config file or environment."""
    for name in ("ASCOLTO_CONFIG", "DISCORD_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    import os

    for name in list(os.environ):
        if name.startswith("ASCOLTO_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where the test bot keeps its database."""
    return tmp_path / "data" / "ascolto.db"


@pytest.fixture
def settings(db_path: Path) -> Settings:
    """Default settings on the test database; tests override with ``model_copy``."""
    return Settings(database=DatabaseSettings(path=db_path))


@pytest.fixture
async def simcord_bot(settings: Settings) -> AsyncIterator[AscoltoBot]:
    """The bot under test; closed here because SimCord never closes it."""
    bot = create_bot(settings)
    yield bot
    await bot.close()


@pytest.fixture
def simcord_env(simcord_env: Env) -> Env:
    """SimCord's env, refusing an advance that would tick the bot's loops too often."""
    advance = simcord_env.advance_time

    async def advance_time(seconds: float) -> None:
        database = simcord_env.bot.settings.database  # type: ignore[attr-defined]
        tick = min(
            database.flush_interval_seconds,
            database.heartbeat_interval_seconds,
            database.timer_recheck_seconds,
        )
        if seconds / tick > MAX_LOOP_TICKS_PER_ADVANCE:
            pytest.fail(
                f"advance_time({seconds:g}) would tick the bot's {tick:g}-second loops "
                f"{seconds / tick:.0f} times, so the test would depend on the machine's speed: "
                "use tests.helpers.slow_clock_settings, or advance less",
                pytrace=False,
            )
        await advance(seconds)

    simcord_env.advance_time = advance_time  # type: ignore[method-assign]
    return simcord_env
