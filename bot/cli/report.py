"""``ascolto report``: print a guild's daily summaries from the database, no Discord needed.

Days without a stored summary are computed, saved and printed; stored days are
printed as they were stored. The table keeps to numbers; ``--json`` is the export
format, with exactly METRICS.md's field names and the per-person lists.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import dataclass
from datetime import date

from rich.table import Table

from bot.analysis.summary import DailySummary
from bot.cli._common import CliError, add_config_option, add_db_option, settings_from
from bot.cli._days import (
    check_length,
    day_range,
    ensure_summaries,
    guild_days,
    opened_store,
    parse_day_option,
)
from bot.cli._tables import cell, plain_table, print_table
from bot.render.digest import human_duration
from bot.settings import Settings

HELP = "print a guild's daily summaries (computing missing days) as a table or JSON"


@dataclass(frozen=True, slots=True)
class _Request:
    """What the command line asked for, before the guild's calendar is known."""

    guild_id: int
    span: tuple[date, date] | None  # None: the default day, yesterday in the guild's zone


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of ``ascolto report``."""
    add_config_option(parser)
    add_db_option(parser)
    parser.add_argument(
        "--guild", type=int, required=True, metavar="ID", help="the guild (server) id"
    )
    parser.add_argument(
        "--day", metavar="YYYY-MM-DD", help="one day (default: yesterday, in the guild's zone)"
    )
    parser.add_argument(
        "--from", dest="first", metavar="YYYY-MM-DD", help="first day of a range (with --to)"
    )
    parser.add_argument(
        "--to", dest="last", metavar="YYYY-MM-DD", help="last day of a range, included"
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print a JSON list of summaries, METRICS.md's field names (per-person lists too)",
    )


def run(args: argparse.Namespace) -> int:
    """Validate the request, read or compute the summaries, and print them."""
    request = _request(args)
    settings = settings_from(args)
    summaries, note = asyncio.run(_report(settings, request))
    if note:
        print(f"note: {note}", file=sys.stderr)
    if args.json:
        print(json.dumps([s.to_json() for s in summaries], indent=2, ensure_ascii=False))
    else:
        print_table(summary_table(summaries))
    return 0


def _request(args: argparse.Namespace) -> _Request:
    """The days asked for; every mistake that needs no database is caught here."""
    if args.day is not None and (args.first is not None or args.last is not None):
        raise CliError("give either --day or --from and --to, not both")
    if args.day is not None:
        day = parse_day_option(args.day, "--day")
        return _Request(args.guild, (day, day))
    span = day_range(args.first, args.last, hint=" (or use --day for one day)")
    if span is not None:
        check_length(*span)
    return _Request(args.guild, span)


async def _report(settings: Settings, request: _Request) -> tuple[list[DailySummary], str | None]:
    """The summaries of the requested days, and a note when the range was shortened."""
    async with opened_store(settings) as store:
        guild = await guild_days(store, request.guild_id, settings)
        return await ensure_summaries(
            store, settings, guild, request.span, default_days=1, purpose="report"
        )


_NUMBERS = (
    "messages",
    "active",
    "listening",
    "answered/asked",
    "median response",
    "new connections",
    "network (+7d)",
    "reminders followed/sent",
)


def summary_table(summaries: list[DailySummary]) -> Table:
    """One row of numbers per day under a header; no per-person lists."""
    table = plain_table(("day",), _NUMBERS)
    for s in summaries:
        table.add_row(*_row(s))
    return table


def _row(s: DailySummary) -> tuple[str, ...]:
    return (
        s.day,
        cell(s.messages),
        cell(s.active_members),
        cell(s.listening_ratio, lambda r: f"{r * 100:.1f}%"),
        f"{cell(s.questions_answered)}/{cell(s.questions)}",
        cell(s.median_first_response_seconds, human_duration),
        cell(s.new_connections),
        f"{cell(s.network_size)} ({cell(s.network_growth_7d, lambda g: f'{g:+d}')})",
        f"{cell(s.reminders_followed)}/{cell(s.reminders_sent)}",
    )
