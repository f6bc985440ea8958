"""``ascolto run`` with ``[dashboard] enabled``: the running bot serves its dashboard on
its own loop, over its own database, and stops it when it closes."""

from __future__ import annotations

import socket
from pathlib import Path

import aiohttp
import pytest
from pydantic import SecretStr

from bot import AscoltoBot, Settings, create_bot
from bot.settings import DashboardSettings, DatabaseSettings
from tests.cogs.world import World


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def settings(db_path: Path) -> Settings:
    return Settings(
        database=DatabaseSettings(path=db_path),
        dashboard=DashboardSettings(enabled=True, port=_free_port()),
    )


async def test_the_bot_serves_its_dashboard_and_stops_it_on_close(
    simcord_env, simcord_bot: AscoltoBot
) -> None:
    world = World.build(simcord_env, name="Live guild")
    await world.alice.send(world.general, "Hello, is anyone here?")
    await simcord_bot.store.flush()
    address = f"http://127.0.0.1:{simcord_bot.settings.dashboard.port}/"

    async with aiohttp.ClientSession() as http:
        async with http.get(address) as response:
            page = await response.text()
        assert response.status == 200
        assert "Live guild" in page and "1 server in the database" in page
        await simcord_bot.close()
        with pytest.raises(aiohttp.ClientConnectionError):
            async with http.get(address):
                pass


def test_the_dashboard_off_this_machine_needs_a_password(db_path: Path) -> None:
    settings = Settings(
        database=DatabaseSettings(path=db_path),
        dashboard=DashboardSettings(enabled=True, host="0.0.0.0"),
    )

    with pytest.raises(ValueError, match="only with a password"):
        create_bot(settings)
    with_password = settings.model_copy(
        update={
            "dashboard": DashboardSettings(
                enabled=True, host="0.0.0.0", password=SecretStr("s3cret")
            )
        }
    )
    assert create_bot(with_password).dashboard is not None
