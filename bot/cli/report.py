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
from datetime import date, timedelta
from pathlib import Path

from bot import clock
from bot.analysis.days import local_day, parse_day
from bot.analysis.summary import DailySummary
from bot.cli._common import CliError, add_config_option, add_db_option, settings_from
from bot.render.digest import human_duration
from bot.settings import Settings, validate_timezone
from bot.store import Store
from bot.store.summaries import BroadcasterRule

HELP = "print a guild's daily summaries (computing missing days) as a table or JSON"

MAX_DAYS = 366


@dataclass(frozen=True, slots=True)
class _Request:
    """What the command line asked for, before the guild's calendar is known."""

    guild_id: int
    first: date | None  # None: the default day, yesterday in the guild's time zone
    last: date | None


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
    path = settings.database.path
    if not path.is_file():
        raise CliError(f"no database at {path}")
    summaries, note = asyncio.run(_report(path, settings, request))
    if note:
        print(f"note: {note}", file=sys.stderr)
    if args.json:
        print(json.dumps([s.to_json() for s in summaries], indent=2, ensure_ascii=False))
    else:
        print(render_table(summaries))
    return 0


def _request(args: argparse.Namespace) -> _Request:
    """The days asked for; every mistake that needs no database is caught here."""
    if args.day is not None and (args.first is not None or args.last is not None):
        raise CliError("give either --day or --from and --to, not both")
    if (args.first is None) != (args.last is None):
        given, missing = ("--from", "--to") if args.first is not None else ("--to", "--from")
        raise CliError(f"{given} needs {missing} as well (or use --day for one day)")
    if args.day is not None:
        day = _parse(args.day, "--day")
        return _Request(args.guild, day, day)
    if args.first is None:
        return _Request(args.guild, None, None)
    first, last = _parse(args.first, "--from"), _parse(args.last, "--to")
    if first > last:
        raise CliError(f"--from {first} is after --to {last}")
    days = (last - first).days + 1
    if days > MAX_DAYS:
        raise CliError(f"the range has {days} days; at most {MAX_DAYS} at a time")
    return _Request(args.guild, first, last)


def _parse(text: str, option: str) -> date:
    try:
        return parse_day(text)
    except ValueError as exc:
        raise CliError(f"{option}: {exc}") from None


async def _report(
    path: Path, settings: Settings, request: _Request
) -> tuple[list[DailySummary], str | None]:
    """The summaries of the requested days, and a note when the range was shortened."""
    store = Store(path, flush_max_events=settings.database.flush_max_events)
    await store.open()
    try:
        guilds = store.guilds
        guild_id = request.guild_id
        if not await guilds.known(guild_id):
            raise CliError(f"unknown guild {guild_id}: the bot has never seen it in {path}")
        timezone = await guilds.timezone(guild_id, settings.defaults.timezone)
        try:
            validate_timezone(timezone)
        except ValueError as exc:
            raise CliError(f"guild {guild_id}: {exc}") from None
        now = clock.utcnow()
        yesterday = local_day(now, timezone) - timedelta(days=1)
        first = request.first or yesterday
        last = request.last or yesterday
        if last > yesterday:
            raise CliError(
                f"{last} has not ended yet in {timezone} (the latest complete day is {yesterday})"
            )
        note = None
        observed = await guilds.first_seen_day(guild_id, timezone)
        if observed is not None and first < observed:
            if last < observed:
                raise CliError(
                    f"guild {guild_id} was first observed on {observed}: "
                    f"nothing to report up to {last}"
                )
            note = f"guild {guild_id} was first observed on {observed}; the report starts there"
            first = observed
        rule = BroadcasterRule.from_defaults(settings.defaults)
        computed_at = clock.to_db_time(clock.utcnow())
        summaries = await store.summaries.ensure(guild_id, first, last, timezone, computed_at, rule)
        return summaries, note
    finally:
        await store.close()


_HEADERS = (
    "day",
    "messages",
    "active",
    "listening",
    "answered/asked",
    "median response",
    "new connections",
    "network (+7d)",
    "reminders followed/sent",
)


def render_table(summaries: list[DailySummary]) -> str:
    """One aligned row of numbers per day under a header; no per-person lists."""
    rows = [_HEADERS] + [_row(s) for s in summaries]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_HEADERS))]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _row(s: DailySummary) -> tuple[str, ...]:
    return (
        s.day,
        str(s.messages),
        str(s.active_members),
        "-" if s.listening_ratio is None else f"{s.listening_ratio * 100:.1f}%",
        f"{s.questions_answered}/{s.questions}",
        human_duration(s.median_first_response_seconds),
        str(s.new_connections),
        f"{s.network_size} ({s.network_growth_7d:+d})",
        f"{s.reminders_followed}/{s.reminders_sent}",
    )
