"""Fixtures: a real bot on a real SQLite file in a temporary folder, driven by SimCord."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import AscoltoBot, Settings, create_bot
from bot.settings import DatabaseSettings


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
