"""The daily retention job, driven by the simulated clock."""

from __future__ import annotations

import pytest

from bot import Settings
from bot.settings import DatabaseSettings, PrivacySettings
from tests.helpers import slow_clock_settings, stored


@pytest.fixture
def settings(db_path):
    return slow_clock_settings(db_path, privacy=PrivacySettings(content_retention_days=1))


@pytest.mark.simcord(settle_timeout=60)
async def test_old_message_text_is_erased_and_metadata_kept(simcord_env, simcord_bot):
    guild = simcord_env.create_guild()
    general = guild.create_text_channel("general")
    alice = guild.add_member(simcord_env.create_user("alice"))
    old = await alice.send(general, "from the first day?")
    await simcord_env.advance_time(36 * 3600)
    recent = await alice.send(general, "from the second day")

    await simcord_env.advance_time(13 * 3600)  # the job runs every 24 h from start-up

    rows = await stored(
        simcord_bot, "SELECT message_id, content, is_question, length FROM messages ORDER BY 1"
    )
    assert rows == [
        (old.id, None, 1, len("from the first day?")),
        (recent.id, "from the second day", 0, len("from the second day")),
    ]


async def test_no_text_is_stored_when_store_content_is_off(simcord_env, db_path):
    from bot import create_bot

    bot = create_bot(
        Settings(
            database=DatabaseSettings(path=db_path),
            privacy=PrivacySettings(store_content=False),
        )
    )
    try:
        await simcord_env.restart_bot(bot)
        guild = simcord_env.create_guild()
        general = guild.create_text_channel("general")
        alice = guild.add_member(simcord_env.create_user("alice"))
        await alice.send(general, "Is this kept?")
        assert await stored(bot, "SELECT content, is_question, length FROM messages") == [
            (None, 1, len("Is this kept?"))
        ]
    finally:
        await bot.close()
