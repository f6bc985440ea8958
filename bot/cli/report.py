"""``ascolto report``: print a guild's daily summaries from the database, no Discord needed.

Days without a stored summary are computed, saved and printed; stored days are
printed as they were stored. The table keeps to numbers; ``--json`` is the export
format, with exactly docs/metrics.md's field names and the per-person lists; the
figures with inferred replies get columns of their own when a day had some. Without
``--day``, the report is of the latest complete day with messages, so that an
imported history shows at once. A number an old export could not know is ``—`` in the
table and null in JSON, with one note on stderr saying why.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.table import Table

from bot import clock
from bot.analysis.summary import DailySummary
from bot.cli._common import (
    CliError,
    add_config_option,
    add_db_option,
    guild_id,
    settings_from,
)
from bot.cli._days import (
    check_length,
    day_range,
    opened_store,
    parse_day_option,
    worded_errors,
)
from bot.cli._tables import UNKNOWN, cell, plain_table, print_table
from bot.export import summary_record
from bot.render.digest import human_duration
from bot.settings import Settings
from bot.summaries import SummaryService, Unknowns

HELP = "print a guild's daily summaries (computing missing days) as a table or JSON"


@dataclass(frozen=True, slots=True)
class _Request:
    """What the command line asked for, before the guild's calendar is known."""

    guild_id: int | None  # None: the store's only guild
    span: tuple[date, date] | None  # None: the latest complete day with messages


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of ``ascolto report``."""
    add_config_option(parser)
    add_db_option(parser)
    parser.add_argument(
        "--guild",
        type=guild_id,
        metavar="ID",
        help="the guild (server) id; needed when the database holds several (ascolto guilds)",
    )
    parser.add_argument(
        "--day",
        metavar="YYYY-MM-DD",
        help="one day (default: the latest complete day with messages, in the guild's zone)",
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
        help="print a JSON list of summaries, docs/metrics.md's field names (per-person lists too)",
    )


def run(args: argparse.Namespace) -> int:
    """Validate the request, read or compute the summaries, and print them."""
    request = _request(args)
    settings = settings_from(args)
    summaries, unknowns, note, inferred_only = asyncio.run(_report(settings, request))
    if note:
        print(f"note: {note}", file=sys.stderr)
    if unknowns:
        print(f"note: {unknowns.why('null' if args.json else UNKNOWN)}", file=sys.stderr)
    if inferred_only:
        print(f"note: {inferred_only_note(inferred_only)}", file=sys.stderr)
    if args.json:
        records = [summary_record(s, u) for s, u in zip(summaries, unknowns.fields, strict=True)]
        print(json.dumps(records, indent=2, ensure_ascii=False))
    else:
        print_table(summary_table(summaries, unknowns.fields))
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


def inferred_only_note(channels: Sequence[str]) -> str:
    """Says which channels have no reply data, so that all their listening is inferred."""
    shown = ", ".join(channels[:_CHANNELS_NAMED])
    if len(channels) > _CHANNELS_NAMED:
        shown += f" and {len(channels) - _CHANNELS_NAMED:,} more"
    if len(channels) == 1:
        return (
            f"{shown} was imported from an export that recorded no replies: all its listening "
            "is inferred from the flow of conversation (the *_inferred figures)."
        )
    return (
        f"{shown} were imported from exports that recorded no replies: all their listening "
        "is inferred from the flow of conversation (the *_inferred figures)."
    )


_CHANNELS_NAMED = 5


async def _report(
    settings: Settings, request: _Request
) -> tuple[list[DailySummary], Unknowns, str | None, list[str]]:
    """The summaries of the requested days, their fields that are unknown, and a note when
    the days are not quite those asked for: a range shortened to the first observed day,
    or a default day moved back to the latest one with messages."""
    async with opened_store(settings) as store:
        with worded_errors(store.path, "report"):
            service = SummaryService(store, settings.defaults)
            guild_id = await service.choose_guild(request.guild_id)
            days = await service.guild_days(guild_id, clock.utcnow())
            note = None
            if request.span is None:
                span = await service.recent(days, 1)
                if span.last != days.latest:
                    note = f"no --day given: reporting {span.last}, the latest day with messages"
            else:
                span = days.span(*request.span)
                if span.shortened:
                    note = (
                        f"guild {guild_id} was first observed on {span.first}; "
                        "the report starts there"
                    )
            found = await service.read(days, span, clock.utcnow())
            inferred_only = await service.inferred_only(guild_id, span, days.timezone)
            return found, await service.unknowns(found), note, inferred_only


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


def summary_table(
    summaries: Sequence[DailySummary], unknown: Sequence[AbstractSet[str]] = ()
) -> Table:
    """One row of numbers per day under a header, ``—`` where a number is not known
    (``unknown``: each day's fields its sources could not know); no per-person lists.
    When some day had inferred replies, their figures follow in columns of their own."""
    inferred = any(s.inferred_replies for s in summaries)
    table = plain_table(("day",), _NUMBERS + (_INFERRED_NUMBERS if inferred else ()))
    days = unknown or [frozenset()] * len(summaries)
    for s, u in zip(summaries, days, strict=True):
        record = summary_record(s, u)
        table.add_row(*_row(record), *(_inferred_row(record) if inferred else ()))
    return table


_INFERRED_NUMBERS = (
    "inferred replies",
    "listening (inferred)",
    "answered (inferred)",
    "new connections (inferred)",
)


def _inferred_row(s: dict[str, Any]) -> tuple[str, ...]:
    """A day's inferred-reply figures; ``—`` on a day stored before they existed."""
    return (
        cell(s["inferred_replies"]),
        cell(s["listening_ratio_inferred"], _percent),
        f"{cell(s['questions_answered_inferred'])}/{cell(s['questions'])}",
        cell(s["new_connections_inferred"]),
    )


def _percent(ratio: float) -> str:
    return f"{ratio * 100:.1f}%"


def _growth(growth: int) -> str:
    return f"{growth:+d}"


def _row(s: dict[str, Any]) -> tuple[str, ...]:
    """A day's cells from its JSON record, in which an unknown value is None."""
    return (
        s["day"],
        cell(s["messages"]),
        cell(s["active_members"]),
        cell(s["listening_ratio"], _percent),
        f"{cell(s['questions_answered'])}/{cell(s['questions'])}",
        cell(s["median_first_response_seconds"], human_duration),
        cell(s["new_connections"]),
        f"{cell(s['network_size'])} ({cell(s['network_growth_7d'], _growth)})",
        f"{cell(s['reminders_followed'])}/{cell(s['reminders_sent'])}",
    )
