"""The bot's assembly: extensions found, not listed; one error handler for commands."""

from __future__ import annotations

import discord
from discord.ext import commands

from bot import Settings, create_bot
from bot.extensions import discover


def test_every_cog_module_with_setup_is_found_and_helpers_are_skipped() -> None:
    assert discover() == [
        "cogs.config",
        "cogs.conversations",
        "cogs.digest",
        "cogs.export",
        "cogs.inbox",
        "cogs.privacy",
        "cogs.reminders",
        "cogs.retention",
        "cogs.summaries",
        "cogs.unanswered",
    ]


def test_create_bot_builds_an_unconnected_bot_with_the_needed_intents(settings: Settings) -> None:
    bot = create_bot(settings)

    assert isinstance(bot, commands.Bot)
    assert not bot.is_ready()
    assert not bot.store.is_open
    assert bot.intents.message_content
    assert bot.intents.members


async def test_setup_loads_every_cog_and_opens_the_store(simcord_env, simcord_bot) -> None:
    assert set(simcord_bot.cogs) == {
        "Config",
        "Conversations",
        "Digest",
        "Export",
        "Inbox",
        "Privacy",
        "Reminders",
        "Retention",
        "Summaries",
        "Unanswered",
    }
    assert simcord_bot.store.is_open
    assert isinstance(simcord_bot.tree.get_command("privacy"), discord.app_commands.Group)


async def test_an_unexpected_error_gets_an_apology_and_a_logged_traceback(
    simcord_env, simcord_bot, monkeypatch, caplog
) -> None:
    guild = simcord_env.create_guild()
    general = guild.create_text_channel("general")
    alice = guild.add_member(simcord_env.create_user("alice"))

    async def broken(*_args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(simcord_bot.store.consent, "status", broken)

    result = await alice.slash(general, "privacy status")

    assert result.ephemeral
    assert result.response.content.startswith("Sorry, something went wrong")
    assert "disk on fire" not in result.response.content
    assert [str(error.__cause__ or error) for error in simcord_env.errors] == ["disk on fire"]
    assert "command /privacy status failed" in caplog.text
