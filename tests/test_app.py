"""The bot's assembly: extensions found, not listed; one error handler for commands."""

from __future__ import annotations

import discord
import pytest
from discord.ext import commands

from bot import Settings, create_bot
from bot.extensions import discover
from tests.helpers import query


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


@pytest.mark.simcord(settle_timeout=30)
async def test_the_running_bot_keeps_a_heartbeat_that_health_reads(
    simcord_env, simcord_bot, settings, capsys
) -> None:
    from bot.cli import main

    first = query(settings.database.path, "SELECT state, at FROM heartbeat")
    await simcord_env.advance_time(31)
    later = query(settings.database.path, "SELECT state, at, last_flush_at FROM heartbeat")
    healthy = main(["health", "--db", str(settings.database.path)])
    await simcord_bot.close()
    stopped = main(["health", "--db", str(settings.database.path)])

    assert [state for state, _ in first] == ["connected"]
    [(state, at, flushed)] = later
    assert state == "connected" and at > first[0][1] and flushed is not None
    assert (healthy, stopped) == (0, 1)
    assert "unhealthy: the bot stopped" in capsys.readouterr().out


def test_shard_count_makes_an_auto_sharded_bot(settings: Settings) -> None:
    settings.discord.shard_count = 3

    sharded = create_bot(settings)

    assert isinstance(sharded, commands.AutoShardedBot)
    assert sharded.shard_count == 3
    assert sharded.store.path == settings.database.path
    settings.discord.shard_count = None
    assert not isinstance(create_bot(settings), commands.AutoShardedBot)
