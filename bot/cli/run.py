"""``ascolto run``: connect to Discord and run the bot until stopped."""

from __future__ import annotations

import argparse
import asyncio
import signal

import aiohttp
import discord

from bot.app import create_bot
from bot.cli._common import CliError, add_config_option, add_db_option, settings_from
from bot.dashboard import check_host
from bot.logs import setup_logging
from bot.settings import Settings

HELP = "run the bot (needs a Discord bot token)"

NO_TOKEN = (
    "no Discord bot token is configured. Create an application at "
    "https://discord.com/developers/applications, open its Bot page, press 'Reset Token' "
    "and copy the token; then set DISCORD_TOKEN in the environment or in a .env file in "
    "this folder (DISCORD_TOKEN=...), or token under [discord] in config.toml. "
    "The README walks through it."
)
BAD_TOKEN = "Discord rejected the bot token; copy it again from the developer portal's Bot page"
NO_INTENTS = (
    "Discord refused the privileged intents: on the developer portal's Bot page, turn on "
    "'Server Members Intent' and 'Message Content Intent', then start again"
)


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of ``ascolto run``."""
    add_config_option(parser)
    add_db_option(parser)


def run(args: argparse.Namespace) -> int:
    """Start the bot; returns when it is stopped (Ctrl-C or SIGTERM) after a clean close."""
    settings = settings_from(args)
    if settings.discord.token is None or not settings.discord.token.get_secret_value():
        raise CliError(NO_TOKEN)
    if settings.dashboard.enabled:
        try:
            check_host(settings.dashboard.host, settings.dashboard.password)
        except ValueError as exc:
            raise CliError(str(exc)) from None
    setup_logging(settings.logging.level)
    try:
        asyncio.run(_serve(settings))
    except discord.LoginFailure:
        raise CliError(BAD_TOKEN) from None
    except discord.PrivilegedIntentsRequired:
        raise CliError(NO_INTENTS) from None
    except (aiohttp.ClientError, OSError) as exc:
        raise CliError(f"cannot reach Discord ({exc}); check the network and try again") from None
    return 0


async def _serve(settings: Settings) -> None:
    bot = create_bot(settings)
    token = settings.discord.token
    assert token is not None
    loop = asyncio.get_running_loop()
    stopping: list[asyncio.Task[None]] = []

    def stop() -> None:
        # Stopping means closing: pending writes are flushed before the process exits.
        if not stopping:
            stopping.append(loop.create_task(bot.close()))

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop)
    try:
        async with bot:
            await bot.start(token.get_secret_value())
    finally:
        # start() returns as soon as the gateway is closed, while close() may still be
        # flushing: wait for it, or asyncio.run would cancel the last writes.
        for task in stopping:
            await task
