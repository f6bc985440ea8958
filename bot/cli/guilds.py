"""``ascolto guilds``: the guilds (servers) the database knows, for ``--guild`` of other commands.

Each with its id and name, its first and last day with messages (local days of the
guild's time zone), and how many messages and members the database holds of it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import date

from rich.table import Table

from bot.cli._common import add_config_option, add_db_option, settings_from
from bot.cli._days import opened_store, worded_errors
from bot.cli._tables import cell, plain_table, print_table
from bot.settings import Settings
from bot.summaries import GuildListing, SummaryService

HELP = "list the guilds (servers) in the database: ids, names, days with messages, counts"


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of ``ascolto guilds``."""
    add_config_option(parser)
    add_db_option(parser)
    parser.add_argument(
        "--json",
        action="store_true",
        help="print a JSON list: guild_id, name, timezone, first_day, last_day, messages, members",
    )


def run(args: argparse.Namespace) -> int:
    """Read the guilds and print them."""
    settings = settings_from(args)
    guilds = asyncio.run(_guilds(settings))
    if args.json:
        print(json.dumps([_record(g) for g in guilds], indent=2, ensure_ascii=False))
    elif not guilds:
        print(f"No guilds in {settings.database.path} yet: {_HOW_TO_FILL}.")
    else:
        print_table(_table(guilds))
    return 0


_HOW_TO_FILL = "run the bot in a server, or import an export with `ascolto import`"


async def _guilds(settings: Settings) -> list[GuildListing]:
    async with opened_store(settings) as store:
        with worded_errors(store.path, "list"):
            return await SummaryService(store, settings.defaults).guilds()


def _record(guild: GuildListing) -> dict[str, object]:
    return {
        "guild_id": guild.guild_id,
        "name": guild.name,
        "timezone": guild.timezone,
        "first_day": _day(guild.first_day),
        "last_day": _day(guild.last_day),
        "messages": guild.messages,
        "members": guild.members,
    }


def _day(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _table(guilds: list[GuildListing]) -> Table:
    table = plain_table(
        ("guild", "name", "time zone", "first day", "last day"), ("messages", "members")
    )
    for g in guilds:
        table.add_row(
            str(g.guild_id),
            cell(g.name),
            g.timezone,
            cell(g.first_day),
            cell(g.last_day),
            f"{g.messages:,}",
            f"{g.members:,}",
        )
    return table
